"""Publishing: one address for every link, a preview that names no placeholder, ``make publish``'s
checks, link previews (Open Graph, Twitter cards), ``-p`` builds written apart, and the deployment
workflow checked against GitHub's workflow schema.

The small test report (tests/report_root.py) is built by the real command line three times: as a
preview (the repository's placeholder address), published (``REPORT_BASE_URL``) and with ``-p``.
The session's real report (``built_site``, a preview) is checked for the placeholder too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from pipeline.pages import citation, pdfsite
from pipeline.editions import scenarios
from report_root import make_root, run_build

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))  # scripts/publish_site.py, a command, imported for its checks
import publish_site  # noqa: E402

PUBLISH = REPO / "scripts" / "publish_site.py"
ADDRESS = "https://owner.github.io/rare-earth-leverage/"
WORKFLOW = REPO / ".github" / "workflows" / "publish.yml"
ALLOWED_ACTIONS = {"actions/checkout", "actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"}


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k != citation.BASE_URL_ENV}
    return {**env, **extra}


def _publish_site(*args, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(PUBLISH), *args], capture_output=True, text=True, cwd=REPO,
                          env=env or _env(), timeout=300)


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _meta(tree: BeautifulSoup) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for node in tree.head.select("meta[content]"):
        key = node.get("property") or node.get("name")
        if key:
            found.setdefault(key, []).append(node["content"])
    return found


def _pages(site: Path) -> list[Path]:
    return sorted(p for p in site.glob("*.html") if p.name not in ("search.html", "genindex.html"))


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """The small report built as a preview and published: {"root", "preview", "published"}."""
    base = tmp_path_factory.mktemp("publish")
    root = make_root(base / "root")
    sites = {"root": root}
    for name, env in (("preview", _env()), ("published", _env(REPORT_BASE_URL=ADDRESS))):
        output = base / name / "html"
        proc = run_build(output, root=root, data_dir=root / "data", env=env)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        if name == "preview":
            assert "warning: report: base_url is the placeholder" in proc.stdout + proc.stderr
        sites[name] = output
    return sites


# ---------------------------------------------------------------------------------------------
# Preview: no placeholder anywhere, cite blocks that say so
# ---------------------------------------------------------------------------------------------


def test_the_placeholder_check_finds_a_placeholder(tmp_path):
    (tmp_path / "a.html").write_text('<link rel="canonical" href="https://rare-earth-leverage.example.org/a.html">')
    (tmp_path / "cite").mkdir()
    (tmp_path / "cite" / "x.ris").write_text("UR  - http://www.EXAMPLE.com/x\r\n")
    (tmp_path / "ok.html").write_text("https://example-institute.in/ and exampleXorg")
    assert sorted(h.split(":")[0] for h in publish_site.placeholder_hits(tmp_path)) == ["a.html", "cite/x.ris"]


def test_the_real_report_built_as_a_preview_names_no_placeholder(built_site):
    placeholder_hits = publish_site.placeholder_hits
    assert placeholder_hits(built_site) == []
    for page in _pages(built_site):
        tree = _soup(page)
        tags = _meta(tree)
        assert tree.head.select_one('link[rel="canonical"]') is None, page.name
        assert "og:image" not in tags and "og:url" not in tags and "citation_public_url" not in tags, page.name
        for key in ("og:title", "og:description", "og:site_name", "twitter:card", "twitter:title", "twitter:description"):
            assert len(tags.get(key, [])) == 1 and tags[key][0].strip(), f"{page.name}: {key} {tags.get(key)}"
        assert tags["og:description"] == tags["description"]


def test_a_preview_of_the_small_report_says_it_is_not_yet_published(small):
    placeholder_hits = publish_site.placeholder_hits
    site = small["preview"]
    assert placeholder_hits(site) == []
    assert not (site / "_static" / "cards").exists()  # no address, no card to point to
    block = _soup(site / "leverage.html").select_one("section.report-cite")
    note = block.select_one(".cite-preview[role=note]")
    assert note is not None and "not yet published" in note.get_text()
    assert citation.preview_note() in block.select_one(".cite-text").get_text(" ", strip=True)
    assert not block.select(".cite-url")  # no address offered as a link to cite
    ris = next((site / "cite").glob("*leverage.ris")).read_text(encoding="utf-8")
    assert "UR  -" not in ris and citation.preview_note() in ris


# ---------------------------------------------------------------------------------------------
# Published: every address from the base URL, link previews with their images
# ---------------------------------------------------------------------------------------------


def test_a_published_build_takes_every_address_from_the_base_url(small):
    placeholder_hits = publish_site.placeholder_hits
    site = small["published"]
    assert placeholder_hits(site) == []
    for page in _pages(site):
        tree = _soup(page)
        url = ADDRESS + page.name
        assert tree.head.select_one('link[rel="canonical"]')["href"] == url
        tags = _meta(tree)
        assert tags["citation_public_url"] == [url] and tags["og:url"] == [url]
        assert tags["citation_author"] == ["Rare Earth Leverage project,"]
    cite = _soup(site / "leverage.html").select_one("section.report-cite")
    assert cite.select_one(".cite-preview") is None
    assert cite.select_one(".cite-text .cite-url").get_text() == ADDRESS + "leverage.html#leverage"
    assert f"UR  - {ADDRESS}leverage.html#leverage" in next((site / "cite").glob("*leverage.ris")).read_text()


def test_every_published_page_has_a_link_preview_with_a_1200_by_630_image(small):
    import struct

    site = small["published"]
    images = {}
    for page in [*_pages(site), site / "search.html"]:
        tags = _meta(_soup(page))
        for key in ("og:title", "og:description", "og:site_name", "og:image", "twitter:image", "twitter:title"):
            assert len(tags.get(key, [])) == 1 and tags[key][0].strip(), f"{page.name}: {key} {tags.get(key)}"
        assert tags["twitter:card"] == ["summary_large_image"]
        assert tags["og:image"] == tags["twitter:image"] and tags["og:image"][0].startswith(ADDRESS)
        assert (tags["og:image:width"], tags["og:image:height"]) == (["1200"], ["630"])
        image = site / tags["og:image"][0][len(ADDRESS):]
        png = image.read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", png[16:24]) == (1200, 630), page.name
        images[page.name] = png
    # the chapter's card shows its chart, so it differs from a page without one by more than its title
    assert len(images["leverage.html"]) > len(images["index.html"])
    assert len(set(images.values())) == len(images)


def test_the_description_has_no_footnote_marks():
    from docutils import nodes
    from report_pages import page_description

    paragraph = nodes.paragraph("", "")
    paragraph += nodes.Text("A news report of 10 October 2025")
    paragraph += nodes.footnote_reference("1", "1")
    paragraph += nodes.Text(" rated how much four Indian industries depend on Chinese magnets.")
    document = nodes.document(None, None)
    document += paragraph
    assert page_description(document, "") == ("A news report of 10 October 2025 rated how much four Indian industries"
                                               " depend on Chinese magnets.")


def test_publish_checks_refuse_the_placeholder_and_pass_a_complete_site(small, tmp_path):
    refused = _publish_site("check-address")
    assert refused.returncode == 2 and "REPORT_BASE_URL" in refused.stderr and "placeholder" in refused.stderr
    assert _publish_site("check-address", env=_env(REPORT_BASE_URL=ADDRESS)).returncode == 0
    site = tmp_path / "html"
    shutil.copytree(small["published"], site)
    root = ["--root", str(small["root"]), "--site", str(site)]
    missing = _publish_site("verify", *root, env=_env(REPORT_BASE_URL=ADDRESS))
    assert missing.returncode == 1 and "report.pdf is missing" in missing.stderr and "no link to the PDF" in missing.stderr
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%%EOF\n")
    m = citation.meta({**yaml.safe_load((small["root"] / "book" / "_config.yml").read_text())["report"], "base_url": ADDRESS})
    pdfsite.add_pdf(site, pdf, m, "test")
    ready = _publish_site("verify", *root, env=_env(REPORT_BASE_URL=ADDRESS))
    assert ready.returncode == 0, ready.stderr
    (site / "leverage.html").write_text((site / "leverage.html").read_text().replace(ADDRESS, "https://x.example.org/"))
    broken = _publish_site("verify", *root, env=_env(REPORT_BASE_URL=ADDRESS))
    assert broken.returncode == 1 and "placeholder address in leverage.html" in broken.stderr


def test_make_publish_checks_the_address_then_builds_the_pdf_then_verifies():
    dry = subprocess.run(["make", "-n", "publish"], capture_output=True, text=True, cwd=REPO, env=_env(), timeout=60)
    assert dry.returncode == 0, dry.stderr
    lines = [line for line in dry.stdout.splitlines() if "publish_site.py" in line or "make" in line and "pdf" in line]
    assert "check-address" in lines[0] and "pdf" in lines[1] and "verify" in lines[2], dry.stdout


# ---------------------------------------------------------------------------------------------
# -p builds
# ---------------------------------------------------------------------------------------------


def test_a_parameter_build_is_written_apart_and_says_so(small, tmp_path):
    root = tmp_path / "root"
    shutil.copytree(small["root"], root, symlinks=True)
    main = root / "_build" / "html"
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "build.py"), "--root", str(root), "--data-dir",
                           str(root / "data"), "-p", "year=2024"], capture_output=True, text=True, cwd=REPO,
                          env=_env(), timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not main.exists(), "a -p build wrote the report's own site"
    site = root / "_build" / "variants" / scenarios.variant_name({"year": "2024"}) / "html"
    assert proc.stdout.strip().endswith(str(site / "index.html"))
    for page in _pages(site):
        banner = _soup(page).select_one(".report-scenario-banner")
        assert banner is not None and "year = 2024" in banner.get_text() and "not the published report" in banner.get_text()
    tree = _soup(site / "leverage.html")
    assert "changed settings: year = 2024" in tree.select_one(".cite-text").get_text(" ", strip=True)
    assert _meta(tree)["citation_inbook_title"][0].endswith("(scenario: changed settings: year = 2024)")


# ---------------------------------------------------------------------------------------------
# Deployment
# ---------------------------------------------------------------------------------------------


def test_the_workflow_is_valid_and_deploys_make_publish_at_the_pages_address():
    checker = Path(sys.executable).parent / "check-jsonschema"
    assert checker.exists(), "check-jsonschema is not installed (requirements-dev.txt)"
    proc = subprocess.run([str(checker), "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    flow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    steps = [(job, step) for job, spec in flow["jobs"].items() for step in spec["steps"]]
    used = {step["uses"].split("@")[0] for _, step in steps if "uses" in step}
    assert used == ALLOWED_ACTIONS, used
    runs = {job: " ".join(step.get("run", "") for j, step in steps if j == job) for job in flow["jobs"]}
    assert "make test" in runs["test"]
    publish = next(step for job, step in steps if "make publish" in step.get("run", ""))
    assert publish["env"]["REPORT_BASE_URL"].startswith("${{ steps.pages.outputs.base_url }}")
    assert flow["jobs"]["build"]["needs"] == "test" and flow["jobs"]["deploy"]["needs"] == "build"
    assert flow["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def test_the_workflow_check_catches_a_broken_workflow(tmp_path):
    checker = Path(sys.executable).parent / "check-jsonschema"
    bad = tmp_path / "bad.yml"
    bad.write_text(WORKFLOW.read_text(encoding="utf-8").replace("runs-on:", "runs_on:", 1), encoding="utf-8")
    proc = subprocess.run([str(checker), "--builtin-schema", "vendor.github-workflows", str(bad)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0
