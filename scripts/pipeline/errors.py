"""Errors the build reports to a person: one clear message naming the stage and the place."""


class BuildError(Exception):
    """A failure that stops the build. ``stage`` names the pipeline stage it happened in."""

    stage = "build"

    def __init__(self, message: str, *, stage: str | None = None):
        super().__init__(message)
        if stage is not None:
            self.stage = stage

    def __str__(self) -> str:  # the message a person reads, prefixed with the stage
        return f"[{self.stage}] {self.args[0]}"


class DataError(BuildError):
    """Bad input in data/: the message names file, row, column, rule and offending value."""

    stage = "validate"


class ParameterError(BuildError):
    """An unknown or ill-typed ``-p NAME=VALUE`` parameter."""

    stage = "parameters"


class ChapterError(BuildError):
    """A chapter notebook failed to execute; names the notebook and the failing cell."""

    stage = "execute"

    def __init__(self, message: str, *, executed_path=None):
        super().__init__(message)
        self.executed_path = executed_path
