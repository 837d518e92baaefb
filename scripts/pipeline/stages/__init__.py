"""The five stages of a build, in order: validate → stage → execute → assemble → publish.

Each module is one stage with one job; ``pipeline.run`` calls them in turn (README, "The build").
"""
