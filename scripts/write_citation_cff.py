"""Write CITATION.cff and .zenodo.json at the repository root from the report: block of book/_config.yml.

``python scripts/write_citation_cff.py`` after changing the edition, the authors, the DOI or the
address; tests/test_citation.py fails while the files and the config disagree.
"""

from __future__ import annotations

import sys


from pipeline.pages import citation  # noqa: E402
from pipeline.config import ROOT, load_site  # noqa: E402


def main() -> int:
    target = ROOT / "CITATION.cff"
    meta = citation.meta(load_site(ROOT).configured_report)  # not REPORT_BASE_URL
    target.write_text(citation.cff_text(meta), encoding="utf-8")
    print(f"written {target}")
    zenodo = ROOT / ".zenodo.json"
    zenodo.write_text(citation.zenodo_text(meta), encoding="utf-8")
    print(f"written {zenodo}")
    warning = citation.base_url_warning(meta)
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
