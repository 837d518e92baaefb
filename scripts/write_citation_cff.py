"""Write CITATION.cff at the repository root from the report: block of _config.yml.

``python scripts/write_citation_cff.py`` after changing the edition; tests/test_citation.py fails
while the two disagree.
"""

from __future__ import annotations

import sys


from pipeline.pages import citation  # noqa: E402
from pipeline.config import ROOT, load_site  # noqa: E402


def main() -> int:
    target = ROOT / "CITATION.cff"
    meta = citation.meta(load_site(ROOT).report)
    target.write_text(citation.cff_text(meta), encoding="utf-8")
    print(f"written {target}")
    warning = citation.base_url_warning(meta)
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
