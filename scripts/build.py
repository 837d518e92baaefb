"""Build the Rare Earth Leverage report: ``python scripts/build.py [options]``.

A thin command line over ``pipeline.run``; see README.md for what each stage reads and writes.
Exit status: 0 built and published; 1 the build failed (nothing published); 2 bad usage;
130/143 interrupted (nothing published).
"""

from __future__ import annotations

import argparse
import errno
import signal
import sys
from pathlib import Path


from pipeline import run  # noqa: E402
from pipeline.errors import BuildError  # noqa: E402
from pipeline.run import BuildOptions, build_report  # noqa: E402
from pipeline.config import ROOT  # noqa: E402


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="scripts/build.py", description="Build the report into a static HTML site.")
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data", help="datasets folder (default: data/)")
    parser.add_argument("--output", type=Path, default=None,
                        help="where the site is published (default: _build/html; a scenario: _build/scenarios/NAME/html)")
    parser.add_argument("-p", dest="overrides", action="append", default=[], metavar="NAME=VALUE",
                        help="set a chapter parameter (repeatable); the site goes apart, to _build/variants/<digest>/html")
    parser.add_argument("--jobs", type=int, default=0, help="chapters executed at once (default: one per chapter, up to twice the CPUs)")
    parser.add_argument("--check-data", action="store_true", help="only validate data/ and stop")
    parser.add_argument("--force", action="store_true", help="re-execute every chapter and rebuild, even when nothing changed")
    parser.add_argument("--scenario", metavar="NAME", help="build the scenario in scenarios/NAME.yml (published apart from the report)")
    parser.add_argument("--no-speedups", dest="speedups", action="store_false",
                        help="plain papermill kernels that draw their own images (slower; pipeline/speed/speedups.py)")
    parser.add_argument("--record-edition", action="store_true", help="build, then store the edition record in editions/ (make edition)")
    # Hidden: build another report root (its _config.yml, _toc.yml, book/); used by the tests.
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


class Terminated(BaseException):
    """SIGTERM, raised in the main thread so clean-up runs as for Ctrl-C."""


def _on_sigterm(signum, frame):
    raise Terminated()


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        if args.check_data:
            from pipeline.stages import validate

            from pipeline.pages import freshness
            from pipeline.config import load_site

            for line in validate.validate_data(args.data_dir.resolve()):
                print(line)
            as_of = load_site(args.root.resolve()).report.get("as_of")
            package = freshness.resolve(validate.load_descriptor(args.data_dir.resolve()), args.data_dir.resolve())
            for line in freshness.overdue_warnings(package, as_of) if as_of else []:
                print(line)
            print("data ok")
            return 0
        if args.record_edition and (args.scenario or args.overrides):
            print("--record-edition records the baseline report: drop --scenario and -p", file=sys.stderr)
            return 2
        root = args.root.resolve()
        output, cache_dir = args.output, None
        if output is None and args.scenario:
            # A scenario shares the report's chapter cache: only the chapters it changes execute.
            output, cache_dir = root / "_build" / "scenarios" / args.scenario / "html", root / "_build" / "cache"
        elif output is None and args.overrides:
            # A -p build never replaces the report: it goes apart, and shares the chapter cache.
            from pipeline.editions.parameters import parse_assignments
            from pipeline.editions.scenarios import variant_name

            output = root / "_build" / "variants" / variant_name(parse_assignments(args.overrides)) / "html"
            cache_dir = root / "_build" / "cache"
        options = BuildOptions(data_dir=args.data_dir, output=output or root / "_build" / "html", overrides=args.overrides,
                               jobs=args.jobs, root=root, force=args.force, scenario=args.scenario, cache_dir=cache_dir,
                               speedups=args.speedups)
        index = build_report(options)
        if args.record_edition:
            from pipeline.editions.manifest import store_edition

            print(f"edition record stored: {store_edition(index.parent, root / 'editions')}")
    except BuildError as error:
        print(f"build failed {error}", file=sys.stderr)
        print("nothing was published; the previous report is unchanged.", file=sys.stderr)
        return 1
    except OSError as error:
        if error.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise
        where = f" writing {error.filename}" if error.filename else ""
        print(f"build failed [disk] no space left on the device{where}: free some space and run again", file=sys.stderr)
        if run.published():
            print("the new report was published before the disk filled up.", file=sys.stderr)
        else:
            print("nothing was published; the previous report is unchanged.", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, Terminated) as stop:
        verb = "interrupted" if isinstance(stop, KeyboardInterrupt) else "terminated"
        if run.published():
            print(f"build {verb} after the new report was published.", file=sys.stderr)
        else:
            print(f"build {verb}; nothing was published.", file=sys.stderr)
        return 130 if isinstance(stop, KeyboardInterrupt) else 143
    print(f"report built: {index}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
