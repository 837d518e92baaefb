"""The citation downloads read by a real client: citation-js (npm, pinned in package.json) parses the
RIS, BibTeX and CSL-JSON and renders them in APA through citeproc-js. The corporate author stays one
name: "Rare Earth Leverage project (2026)", never "Project, R. E. L.".

No skip: without node or ``npm ci`` (``make browser``) the test fails and says so.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.pages import citation
from pipeline.config import load_site

REPO = Path(__file__).resolve().parents[1]
RENDER = REPO / "tests" / "cite_render.cjs"
ADDRESS = "https://owner.github.io/rare-earth-leverage/"


def citejs(*files: Path) -> dict:
    node = shutil.which("node")
    assert node, "node is not installed: citation-js runs in Node (install nodejs and npm, then `make browser`)"
    assert (REPO / "node_modules" / "@citation-js" / "core").is_dir(), "citation-js is not installed: run `make browser`"
    proc = subprocess.run([node, str(RENDER), *map(str, files)], capture_output=True, text=True, cwd=REPO, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _files(m: citation.Meta, folder: Path) -> list[Path]:
    url = citation.page_url(m, "leverage.html", "leverage")
    chapter = "China’s strategic leverage"
    written = {
        "report.ris": citation.cite_ris(m, citation.page_url(m)),
        "chapter.ris": citation.cite_ris(m, url, "leverage", chapter=chapter),
        "report.bib": citation.cite_bibtex(m, citation.page_url(m)),
        "chapter.bib": citation.cite_bibtex(m, url, "leverage", chapter=chapter),
        "report.json": citation.csl_json(m, citation.page_url(m)),
        "chapter.json": citation.csl_json(m, url, "leverage", chapter=chapter),
    }
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in written.items():
        (folder / name).write_bytes(text.encode("utf-8"))
    return [folder / name for name in written]


@pytest.mark.parametrize("address", ["", ADDRESS], ids=["preview", "published"])
def test_citation_js_keeps_the_corporate_author_whole_in_apa(tmp_path, address):
    m = citation.meta(dict(load_site(REPO).configured_report, base_url=address, doi="10.5281/zenodo.1234567"))
    results = citejs(*_files(m, tmp_path))
    author = m.authors[0]
    for path, result in results.items():
        (item,) = result["items"]
        names = [a.get("literal") or a.get("family") for a in item["author"]]
        assert names == [author] and not any(a.get("given") for a in item["author"]), f"{path}: {item['author']}"
        assert result["apa"].startswith(f"{author}. ({m.year}).") and f"({author}, {m.year})" == result["intext"], result
        assert "Project, R" not in result["apa"]
        assert f"https://doi.org/{m.doi}" in result["apa"], result["apa"]
        if address:
            assert item["URL"].startswith(address), f"{path}: {item.get('URL')}"
        if not address:
            assert "URL" not in item and "example.org" not in result["apa"]


def test_citation_js_reads_the_real_reports_downloads(built_site):
    m = citation.meta(load_site(REPO).report)
    files = sorted((built_site / "cite").glob("*.ris")) + sorted((built_site / "cite").glob("*.json"))
    assert files
    for path, result in citejs(*files).items():
        assert result["apa"].startswith(f"{m.authors[0]}. ({m.year})."), f"{path}: {result['apa']}"
        assert result["intext"] == f"({m.authors[0]}, {m.year})"


def test_citation_js_reads_a_person_and_an_organisation_as_configured(tmp_path):
    """Authors are configuration: a person ({given, family}) is a person in every format, an
    organisation beside it stays whole; citation-js's APA prints "Rao, A. & Rare Earth Leverage project"."""
    report = dict(load_site(REPO).configured_report, base_url=ADDRESS,
                  authors=[{"given": "Asha", "family": "Rao"}, "Rare Earth Leverage project"])
    m = citation.meta(report)
    assert m.authors == ("Asha Rao", "Rare Earth Leverage project")
    results = citejs(*_files(m, tmp_path))
    for path, result in results.items():
        (item,) = result["items"]
        assert item["author"][0].get("family") == "Rao" and item["author"][0].get("given") == "Asha", f"{path}: {item['author']}"
        second = item["author"][1]
        assert (second.get("literal") or second.get("family")) == "Rare Earth Leverage project" and not second.get("given"), \
            f"{path}: {item['author']}"
        assert result["apa"].startswith("Rao, A.") and f"Rare Earth Leverage project. ({m.year})." in result["apa"], \
            f"{path}: {result['apa']}"
        assert "Project, R" not in result["apa"] and "Rao, A. (" not in result["apa"], result["apa"]
    tags = dict(citation.head_tags(m, "index.html"))
    assert [v for k, v in citation.head_tags(m, "index.html") if k == "citation_author"] == \
        ["Rao, Asha", "Rare Earth Leverage project,"], tags
    ld = citation.json_ld(m, "index.html")
    authors = (ld.get("author") or ld.get("isPartOf", {}).get("author") or
               next(x for x in ld.get("@graph", []) if x.get("@type") == "Report")["author"])
    assert authors[0]["@type"] == "Person" and authors[0]["familyName"] == "Rao" and authors[1]["@type"] == "Organization"
    cff = citation.cff_data(m)
    assert cff["authors"] == [{"family-names": "Rao", "given-names": "Asha"}, {"name": "Rare Earth Leverage project"}]
    assert citation.cite_text(m, ADDRESS).startswith(f"Rao, A., & Rare Earth Leverage project ({m.year}).")
