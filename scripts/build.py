"""Build the Rare Earth Leverage report: ``python scripts/build.py [options]``.

A thin command line over ``pipeline.run``; see README.md for what each stage reads and writes.
Exit status: 0 built and published; 1 the build failed (nothing published); 2 bad usage;
130/143 interrupted (nothing published).
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pipeline import validate  # noqa: E402
from pipeline.errors import BuildError  # noqa: E402
from pipeline.run import BuildOptions, build_report  # noqa: E402
from pipeline.config import ROOT  # noqa: E402


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="scripts/build.py", description="Build the report into a static HTML site.")
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data", help="datasets folder (default: data/)")
    parser.add_argument("--output", type=Path, default=ROOT / "_build" / "html", help="where the site is published (default: _build/html)")
    parser.add_argument("-p", dest="overrides", action="append", default=[], metavar="NAME=VALUE", help="set a chapter parameter (repeatable)")
    parser.add_argument("--jobs", type=int, default=2, help="chapters executed at once (default: 2)")
    parser.add_argument("--check-data", action="store_true", help="only validate data/ and stop")
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
            for line in validate.validate_data(args.data_dir.resolve()):
                print(line)
            print("data ok")
            return 0
        index = build_report(BuildOptions(data_dir=args.data_dir, output=args.output, overrides=args.overrides, jobs=args.jobs, root=args.root.resolve()))
    except BuildError as error:
        print(f"build failed {error}", file=sys.stderr)
        print("nothing was published; the previous report is unchanged.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("build interrupted; nothing was published.", file=sys.stderr)
        return 130
    except Terminated:
        print("build terminated; nothing was published.", file=sys.stderr)
        return 143
    print(f"report built: {index}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
