"""``make preview`` (scripts/preview.py, scripts/pipeline/speed/preview.py), through the real server.

The preview runs in a subprocess on a free port, on a temporary copy of the repository (the
repository's book/ and data/ are never edited), started with SIGINT ignored as a job started in the
background inherits it. Debian's Chromium (Playwright) keeps a chapter and the summary open while
the copy's chapter page and a CSV are edited: both pages reload by themselves and show the new text
and the new number; a bad CSV shows the validator's message over the last good page; the server
stops cleanly on SIGINT and on SIGTERM, with every process it started. No timing is asserted
(speed is `make bench`'s).
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from site_server import new_page, PageLog

REPO = Path(__file__).resolve().parents[1]
START_TIMEOUT_S = 900  # the first build of the copy, on a loaded two-core machine
EDIT_TIMEOUT_S = 420
MARKER = "quokkaword"
DATASET = "mine_production_by_country"


def copy_report(target: Path) -> Path:
    """The report's sources and code in ``target`` (the configuration files found, not named: they
    may live at the top or in book/), with the chapter cache when the repository has one."""
    ignore = shutil.ignore_patterns("__pycache__", "_build", ".ipynb_checkpoints", "*.egg-info")
    target.mkdir(parents=True)
    for entry in REPO.iterdir():
        if entry.is_file() and entry.suffix in (".yml", ".yaml"):
            shutil.copy2(entry, target / entry.name)
    for name in ("book", "data", "scripts", "editions", "scenarios"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, target / name, ignore=ignore)
    if (REPO / "_build" / "cache" / "chapters").is_dir():
        shutil.copytree(REPO / "_build" / "cache" / "chapters", target / "_build" / "cache" / "chapters")
    return target


class Server:
    """``scripts/preview.py --port 0`` of the copy, its output in a file, SIGINT ignored as in a background job."""

    def __init__(self, root: Path, log: Path):
        self.root, self.log = root, log
        self.proc = subprocess.Popen(
            [sys.executable, str(root / "scripts" / "preview.py"), "--port", "0"], cwd=root,
            stdin=subprocess.DEVNULL, stdout=open(log, "w"), stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
        )
        self.base = self._wait_for(r"preview at (http://127\.0\.0\.1:\d+/)", START_TIMEOUT_S).group(1)
        self._wait_for(r"rebuilt \(full\)", START_TIMEOUT_S)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def _wait_for(self, pattern: str, timeout: float):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.search(pattern, self.output())
            if found:
                return found
            assert self.proc.poll() is None, f"the preview exited ({self.proc.returncode}):\n{self.output()[-3000:]}"
            time.sleep(0.5)
        raise AssertionError(f"no {pattern!r} within {timeout} s:\n{self.output()[-3000:]}")

    def descendants(self) -> set[int]:
        found, todo = set(), [self.proc.pid]
        while todo:
            pid = todo.pop()
            for task in Path(f"/proc/{pid}/task").glob("*"):
                try:
                    kids = {int(k) for k in (task / "children").read_text().split()}
                except OSError:
                    continue
                todo += list(kids - found)
                found |= kids
        return found

    def stop(self, signum: int) -> tuple[int, set[int]]:
        """Signal the server; returns its exit code and the processes it had started that still run."""
        started = self.descendants()
        assert started, "the preview started no process (warm kernels, Sphinx)"
        self.proc.send_signal(signum)
        code = self.proc.wait(timeout=120)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and alive(started):
            time.sleep(0.5)
        return code, alive(started)


def alive(pids: set[int]) -> set[int]:
    left = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            left.add(pid)
    return left


def china_share(data_dir: Path) -> tuple[dict, int]:
    """China's latest row of the mine production table and its share of the world, in per cent."""
    text = (data_dir / f"{DATASET}.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    china = max((r for r in rows if r["country"] == "China" and r["production"]), key=lambda r: int(r["year"]))
    world = next(r for r in rows if r["country"] == "World" and r["year"] == china["year"])
    return china, round(100 * float(china["production"]) / float(world["production"]))


def set_china_production(data_dir: Path, value: str) -> None:
    path = data_dir / f"{DATASET}.csv"
    china, _ = china_share(data_dir)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    prefix = f"China,{china['iso3']},{china['year']},{china['production']},"
    index = next(i for i, line in enumerate(lines) if line.startswith(prefix))
    lines[index] = lines[index].replace(prefix, f"China,{china['iso3']},{china['year']},{value},", 1)
    path.write_text("".join(lines), encoding="utf-8")


def key_point(page) -> str:
    """The text of the leverage chapter's first key point as the page shows it."""
    return page.locator("#leverage-key-chain").first.inner_text()


@pytest.fixture(scope="module")
def report_copy(tmp_path_factory) -> Path:
    return copy_report(tmp_path_factory.mktemp("preview") / "report")


def same_pages(preview: Path, report: Path) -> list[str]:
    """The pages of ``preview`` that differ from the report's (Sphinx's ``?v=`` asset checksums aside)."""
    def text(path: Path) -> str:
        return re.sub(r"\?v=[0-9a-f]+", "", path.read_text(encoding="utf-8"))

    return [p.name for p in sorted(report.glob("*.html")) if not (preview / p.name).is_file() or text(preview / p.name) != text(p)]


def test_edits_reload_the_pages_and_a_bad_csv_shows_its_error(report_copy, context, tmp_path, built_site):
    from playwright.sync_api import expect

    root = report_copy
    originals = {path: path.read_bytes() for path in (root / "book" / "leverage.md", root / "data" / f"{DATASET}.csv")}
    book_before = {p: p.read_bytes() for p in (REPO / "book").rglob("*") if p.is_file()}
    server = Server(root, tmp_path / "preview.log")
    try:
        chapter, summary = new_page(context, PageLog()), new_page(context, PageLog())
        chapter.goto(server.base + "leverage.html")
        summary.goto(server.base + "summary.html")
        for page in (chapter, summary):
            assert page.locator('script[src="/__preview__/client.js"]').count() == 1
        _, share = china_share(root / "data")
        assert re.search(rf"\bmined {share}(?!\d)", key_point(chapter)), key_point(chapter)

        # a prose edit: the chapter and the summary, which quotes its key points, reload with it
        page_file = root / "book" / "leverage.md"
        text = page_file.read_text(encoding="utf-8")
        assert "\n  China mined {glue:text}" in text
        page_file.write_text(text.replace("\n  China mined {glue:text}", f"\n  China ({MARKER}) mined {{glue:text}}", 1),
                             encoding="utf-8")
        expect(chapter.locator("#leverage-key-chain")).to_contain_text(MARKER, timeout=EDIT_TIMEOUT_S * 1000)
        expect(summary.locator("main")).to_contain_text(MARKER, timeout=EDIT_TIMEOUT_S * 1000)
        assert "kept outputs leverage" in server.output()  # prose only: not executed again

        # a CSV edit: China's latest production down by a tenth; the share follows on both pages
        china, _ = china_share(root / "data")
        set_china_production(root / "data", str(round(float(china["production"]) * 0.9)))
        _, new_share = china_share(root / "data")
        assert new_share != share
        expect(chapter.locator("#leverage-key-chain")).to_contain_text(f"mined {new_share}", timeout=EDIT_TIMEOUT_S * 1000)
        expect(summary.locator("main")).to_contain_text(f"({MARKER}) mined {new_share}", timeout=EDIT_TIMEOUT_S * 1000)

        # a bad CSV edit: the validator's message over the last good page, which stays
        good = (root / "data" / f"{DATASET}.csv").read_text(encoding="utf-8")
        set_china_production(root / "data", "12x5")
        error = chapter.locator("#preview-error")
        expect(error).to_be_visible(timeout=EDIT_TIMEOUT_S * 1000)
        message = error.inner_text()
        for part in (f"data/{DATASET}.csv", "row ", 'column "production"', "(rule: "):
            assert part in message, message
        assert f"mined {new_share}" in key_point(chapter)
        chapter.reload()  # a page opened now is still the last good one, with the message
        assert f"mined {new_share}" in key_point(chapter)
        expect(chapter.locator("#preview-error")).to_be_visible(timeout=30_000)

        # the fix: the message goes
        (root / "data" / f"{DATASET}.csv").write_text(good, encoding="utf-8")
        expect(chapter.locator("#preview-error")).to_have_count(0, timeout=EDIT_TIMEOUT_S * 1000)

        # both edits undone: every page is again exactly what `make report` builds from the same sources
        for path, content in originals.items():
            path.write_bytes(content)
        deadline = time.monotonic() + EDIT_TIMEOUT_S
        while same_pages(root / "_build" / "preview" / "html", built_site) and time.monotonic() < deadline:
            time.sleep(1)
        assert same_pages(root / "_build" / "preview" / "html", built_site) == [], server.output()[-2000:]
    finally:
        code, left = server.stop(signal.SIGINT)
    assert code == 0, server.output()[-3000:]
    assert left == set(), f"processes still running after SIGINT: {left}"
    assert "preview stopped" in server.output()
    # the script is added as pages are served, never written into the built pages
    built = root / "_build" / "preview" / "html"
    assert (built / "leverage.html").is_file()
    assert not [p for p in built.rglob("*.html") if "__preview__" in p.read_text(encoding="utf-8")]
    assert not (root / "_build" / "html").exists()  # the report's own folder is not the preview's
    assert {p: p.read_bytes() for p in (REPO / "book").rglob("*") if p.is_file()} == book_before


def test_sigterm_stops_the_server_and_what_it_started(report_copy, tmp_path):
    server = Server(report_copy, tmp_path / "preview.log")
    import urllib.request

    with urllib.request.urlopen(server.base + "index.html", timeout=30) as response:
        assert b"/__preview__/client.js" in response.read()
    code, left = server.stop(signal.SIGTERM)
    assert code == 0, server.output()[-3000:]
    assert left == set(), f"processes still running after SIGTERM: {left}"
    assert "preview stopped" in server.output()


# ---------------------------------------------------------------- the rebuild's parts, without a server


def _notebook(markdown: str, code: str, outputs=None, injected: bool = False):
    import nbformat

    v4 = nbformat.v4
    parameters = v4.new_code_cell('data_dir = "../data"', metadata={"tags": ["parameters"]})
    cells = [v4.new_markdown_cell(markdown), parameters]
    if injected:
        cells.append(v4.new_code_cell('data_dir = "/x/data"', metadata={"tags": ["injected-parameters"]}))
    cells.append(v4.new_code_cell(code, outputs=outputs or []))
    notebook = v4.new_notebook(cells=cells, metadata={"report": {"datasets": ["a"]}})
    if injected:
        notebook.metadata["language_info"] = {"name": "python"}
    return notebook


def test_a_prose_edit_keeps_the_last_outputs_and_a_code_edit_does_not():
    import nbformat

    from pipeline.speed.preview import merge_outputs

    output = nbformat.v4.new_output("display_data", data={"text/plain": "42"})
    executed = _notebook("Old words.", "glue('x', 42)", outputs=[output], injected=True)
    merged = merge_outputs(_notebook("New words.", "glue('x', 42)"), executed)
    assert [c.cell_type for c in merged.cells] == ["markdown", "code", "code", "code"]
    assert merged.cells[0].source == "New words."
    assert "injected-parameters" in merged.cells[2].metadata["tags"]
    assert merged.cells[3].outputs == [output]
    executed = _notebook("Old words.", "glue('x', 42)", outputs=[output], injected=True)
    assert merge_outputs(_notebook("Old words.", "glue('x', 43)"), executed) is None
    changed_front = _notebook("Old words.", "glue('x', 42)")
    changed_front.metadata["report"] = {"datasets": ["a", "b"]}
    assert merge_outputs(changed_front, executed) is None


def test_an_edit_of_the_words_a_kernel_draws_runs_the_chapter_again():
    """A figure's or a table's words ({figure-text}, {table-text}), a {words} list, the key
    figures' {labels} and a named {choose} wording are read by the kernel, drawn into charts and
    tables or recorded with the figures: their edit is not a prose edit, and the last outputs are
    not kept."""
    import nbformat

    from pipeline.speed.preview import merge_outputs

    output = nbformat.v4.new_output("display_data", data={"text/plain": "42"})
    blocks = [":::{figure-text} fig-a\ntitle: {t}\n:::", ":::{table-text} t\ncolumns:\n  a: {t}\n:::",
              ":::{words} status\nin_force: {t}\n:::",
              ":::{labels}\nexports_t: {t}\n:::",
              "::::{choose} k\n---\nwording: w\n---\n:::{case} True\n{t}\n:::\n::::"]
    for block in blocks:
        executed = _notebook("Words.\n\n" + block.replace("{t}", "old"), "glue('x', 42)", outputs=[output], injected=True)
        assert merge_outputs(_notebook("Words.\n\n" + block.replace("{t}", "new"), "glue('x', 42)"), executed) is None, block
        kept = merge_outputs(_notebook("New words.\n\n" + block.replace("{t}", "old"), "glue('x', 42)"), executed)
        assert kept is not None and kept.cells[3].outputs == [output], block


def test_the_pages_that_quote_a_page_are_found_and_marked(tmp_path):
    import json
    import os

    from pipeline.speed.preview import mark_quoting_pages, quoted_pages

    chapter = {"cells": [{"cell_type": "markdown", "source": "(chapter-points)=\n- A point.\n"}]}
    (tmp_path / "chapter.ipynb").write_text(json.dumps(chapter), encoding="utf-8")
    (tmp_path / "summary.md").write_text(":::{finding} chapter-points\n:::\n", encoding="utf-8")
    (tmp_path / "index.md").write_text("See {glue:text}`chapter.ipynb::share:.0f` and :::{finding} x\n", encoding="utf-8")
    (tmp_path / "glossary.md").write_text("# Glossary\n", encoding="utf-8")
    assert quoted_pages(tmp_path) == {"chapter": {"summary", "index"}}
    for name in ("summary.md", "index.md", "glossary.md"):
        os.utime(tmp_path / name, (1_000_000, 1_000_000))
    assert mark_quoting_pages(tmp_path, {"chapter"}) == {"summary", "index"}
    assert (tmp_path / "summary.md").stat().st_mtime > 1_000_000
    assert (tmp_path / "glossary.md").stat().st_mtime == 1_000_000


def test_sync_writes_only_what_differs_and_removes_what_is_gone(tmp_path):
    import os

    from pipeline.speed.preview import sync_tree

    source, target = tmp_path / "next", tmp_path / "stage"
    (source / "sub").mkdir(parents=True)
    (source / "same.md").write_text("same", encoding="utf-8")
    (source / "sub" / "new.md").write_text("new", encoding="utf-8")
    (target / "_build").mkdir(parents=True)
    (target / "_build" / "kept.html").write_text("Sphinx's", encoding="utf-8")
    (target / "same.md").write_text("same", encoding="utf-8")
    (target / "gone.md").write_text("gone", encoding="utf-8")
    os.utime(target / "same.md", (1_000_000, 1_000_000))
    assert sorted(sync_tree(source, target)) == ["gone.md", "sub/new.md"]
    assert (target / "same.md").stat().st_mtime == 1_000_000
    assert not (target / "gone.md").exists() and (target / "sub" / "new.md").read_text(encoding="utf-8") == "new"
    assert (target / "_build" / "kept.html").exists()
