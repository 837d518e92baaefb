"""Benchmark the build (``make bench``): our pipeline against plain Jupyter Book, on this book.

Measures, in temporary folders (the repository's _build/ and data/ are not touched):

(a) a clean build with our pipeline (papermill in parallel, then Sphinx) against plain
    ``jupyter-book build`` with ``execute_notebooks: force`` on the same staged content;
(b) a no-op rebuild (nothing changed): ``python scripts/build.py`` as a person runs it;
(c) after editing one CSV in a copy of data/: which chapters our build re-executes, and whether
    plain Jupyter Book in ``cache`` mode notices (it hashes code only, jupyter-book#1633: a glued
    number in its output stays as it was);
(d) bytes of the largest chapter page and of the shared chart runtime;
(e) scale: one dataset grown to 10× and 100× its rows and to 100,000 rows (synthetic rows of the
    same schema, still valid): validation time, the time of a chapter that reads it, and the size
    of that chapter's page (``--scale-only`` runs just this part; ``--no-scale-builds`` only
    times validation).

(f) the live preview (``make preview``, scripts/preview.py) on a copy of the report: the time
    from saving an edit to the rebuilt page being served, for a one-word prose edit of the landing
    page and for the CSV edit of (c), each as a ratio of (a)'s clean build on the same machine
    (targets ≤ 0.2 and ≤ 0.6; ``--preview-only`` runs (a) for our pipeline and (f)).

Times are the median of ``--runs`` runs (default 3). Prints a table with each target met yes/no.
This is a benchmark, not a test: it exits 0 unless a build fails or the preview misses a target (1).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent
ROOT = SCRIPTS.parent

from pipeline.stages import assemble, stage  # noqa: E402
from pipeline.config import load_site  # noqa: E402

BUILD = [sys.executable, str(SCRIPTS / "build.py")]
COPIED = ("book", "scripts", "editions", "scenarios")


def snapshot(root: Path, target: Path) -> Path:
    """A frozen copy of the report (config, book, code) so edits made while benchmarking
    (others working in the checkout) cannot invalidate the cache between runs."""
    ignore = shutil.ignore_patterns("__pycache__", "_build", ".ipynb_checkpoints")
    target.mkdir(parents=True)
    for name in COPIED:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore, symlinks=False)
        elif source.is_file():
            shutil.copy2(source, target / name)
    return target
EDIT_DATASET = "mine_production_by_country"


def timed(command, **kwargs) -> tuple[float, str]:
    started = time.monotonic()
    proc = subprocess.run(command, capture_output=True, text=True, **kwargs)
    elapsed = time.monotonic() - started
    if proc.returncode != 0:
        sys.exit(f"bench: {' '.join(map(str, command))} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return elapsed, proc.stdout


def ours(data_dir: Path, output: Path, *extra) -> tuple[float, str]:
    return timed(BUILD + ["--root", str(ROOT), "--data-dir", str(data_dir), "--output", str(output), *extra])


def seed_runtime(cache_dir: Path) -> None:
    """Give a clean build the chart runtime bundle (built once per vl-convert version, like
    plain Jupyter Book gets it in its staged book): "clean" means no chapter executed yet."""
    import vl_convert

    from pipeline.pages import runtime

    runtime.write_runtime(cache_dir / "seed.js", cache_dir)
    (cache_dir / "seed.js").unlink()
    assert (cache_dir / f"vega-runtime-{vl_convert.__version__}.js").exists()


def stage_times(log: str) -> dict[str, float]:
    """stage → seconds, from the build's own progress lines ("execute 4 chapters   2.3 s")."""
    found = {}
    for line in log.splitlines():
        words = line.split()
        if not line.startswith(" ") and len(words) >= 3 and words[-1] == "s":
            try:
                found[" ".join(words[:-2])] = float(words[-2])
            except ValueError:
                pass
    return found


def chapters_run(log: str) -> dict[str, list[str]]:
    found = {"executed": [], "reused": []}
    for line in log.splitlines():
        words = line.split()
        if line.startswith("  ") and len(words) >= 2 and words[0] in found:
            found[words[0]].append(words[1])
    return {k: sorted(v) for k, v in found.items()}


def plain_book(site, data_dir: Path, work: Path, mode: str) -> Path:
    """The staged book as plain Jupyter Book would get it: un-executed notebooks, ``mode``."""
    import yaml

    book = work / "book"
    stage.prepare_stage(site, book, data_dir, work / "cache")
    # What changed too: executed by Jupyter Book, it finds no chapter sources or editions here
    # and says this is the first edition, as the plain book had it before
    for chapter in site.notebooks:
        shutil.move(book / stage.INPUTS / f"{chapter.name}.ipynb", book / f"{chapter.name}.ipynb")
    (book / "_static" / "edition.json").write_text("{}\n", encoding="utf-8")
    config = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8"))
    config.setdefault("execute", {}).update(execute_notebooks=mode, timeout=600)
    (book / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    link = work / "data"  # the notebooks read "../data"
    if not link.exists():
        link.symlink_to(data_dir)
    return book


def jupyter_book(book: Path, edition_date: str) -> float:
    env = dict(os.environ, PYTHONHASHSEED="0", SOURCE_DATE_EPOCH=assemble.edition_epoch(edition_date))
    jb = Path(sys.executable).with_name("jupyter-book")
    elapsed, _ = timed([str(jb), "build", "--all", "-n", "--keep-going", str(book)], env=env)
    return elapsed


def edit_one_csv(data_dir: Path) -> str:
    """Lower China's latest mine production by a tenth (stays within the World total)."""
    path = data_dir / f"{EDIT_DATASET}.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    china = [r for r in rows if r["country"] == "China" and r["production"]]
    latest = max(china, key=lambda r: int(r["year"]))
    old = float(latest["production"])
    latest["production"] = str(int(round(old * 0.9)))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return f"{path.name}: China {latest['year']} production {old:,.0f} → {latest['production']}"


def glued(folder: Path) -> dict[str, dict]:
    """chapter → {key: value} from plain Jupyter Book's output (myst-nb's <chapter>.glue.json)."""
    import ast
    import json

    found = {}
    for path in sorted(folder.glob("*.glue.json")):
        items = json.loads(path.read_text(encoding="utf-8"))
        values = {}
        for name, output in items.items():
            text = output.get("data", {}).get("text/plain", "")
            try:
                values[name] = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                values[name] = text
        found[path.name.removesuffix(".glue.json")] = values
    return found


SCALE_DATASET = "china_magnet_exports_monthly"  # a monthly trade table by partner, as it would grow
SCALE_ROWS = (("10×", 10), ("100×", 100), ("25,000 rows", 25_000), ("100,000 rows", 100_000))
SCALE_TARGET_S = 5.0  # a 100,000-row dataset validates in under 5 s
PAGE_CHART_LIMIT = 1_000_000  # no page carries more than 1 MB of chart data


def grow(data_dir: Path, name: str, factor: int | None, total: int | None = None) -> int:
    """Grow dataset ``name`` in ``data_dir`` to ``factor`` × its rows (or to ``total`` rows) with
    synthetic rows of its schema that still validate: copies of its rows whose key is made new
    (a string key column gets a numbered partner name) and whose summed value is 0, so that parts
    stay within their totals. Returns the number of data rows."""
    import json

    package = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8-sig"))
    resource = next(r for r in package["resources"] if r["name"] == name)
    schema = resource["schema"]
    fks = {f for fk in schema.get("foreignKeys", []) or [] for f in ([fk["fields"]] if isinstance(fk["fields"], str) else fk["fields"])}
    key = next(f["name"] for f in schema["fields"] if f["name"] in (schema.get("primaryKey") or [])
               and f.get("type", "string") == "string" and f["name"] not in fks and f["name"] != "source_id"
               and not {"pattern", "enum"} & set(f.get("constraints", {})))
    zeroed = {r["value_field"] for r in resource.get("rules", []) if r.get("type") == "parts_within_total"}
    path = data_dir / resource["path"]
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    wanted = total if total is not None else len(rows) * factor
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    for n in range(wanted - len(rows)):
        row = dict(rows[n % len(rows)])
        row[key] = f"Partner {n + 1:06d}"
        for column in zeroed:
            if row.get(column):
                row[column] = "0"
        writer.writerow(row)
    path.write_text(out.getvalue(), encoding="utf-8")
    return wanted


def validation_seconds(data_dir: Path, runs: int) -> tuple[float, float]:
    """(wall, CPU) seconds of validating ``data_dir``, medians of ``runs``: on a shared machine
    the CPU time says what validation costs, the wall time what a person waits."""
    from pipeline.stages import validate

    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.monotonic(), time.process_time()
        validate.validate_data(data_dir)
        wall.append(time.monotonic() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(wall), statistics.median(cpu)


def chart_bytes(page: Path) -> int:
    """Bytes of chart data a page carries: its Vega-Lite specs (inline JSON) and the chart data
    files it loads from the site."""
    import re

    html = page.read_text(encoding="utf-8")
    inline = sum(len(m.group(1).encode()) for m in re.finditer(
        r'<script[^>]*type="application/(?:json|vnd[^"]*)"[^>]*>(.*?)</script>', html, re.S))
    loaded = sum((page.parent / m.group(1)).stat().st_size for m in re.finditer(r'"(_static/[^"]+\.json)"', html)
                 if (page.parent / m.group(1)).is_file())
    return inline + loaded


def scale(source_data: Path, tmp: Path, site, runs: int, builds: bool) -> list[tuple]:
    """(e): rows for the scale table."""
    readers = sorted(c.name for c in site.chapters if SCALE_DATASET in c.datasets)
    base = tmp / "scale-data-0"
    shutil.copytree(source_data, base)
    n1 = sum(1 for _ in csv.reader(io.StringIO((base / f"{SCALE_DATASET}.csv").read_text(encoding="utf-8-sig")))) - 1
    results = [("1×", n1, validation_seconds(base, runs), base)]
    for label, factor in SCALE_ROWS:
        folder = tmp / f"scale-data-{len(results)}"
        shutil.copytree(source_data, folder)
        n = grow(folder, SCALE_DATASET, factor, None) if label.endswith("×") else grow(folder, SCALE_DATASET, 0, factor)
        results.append((label, n, validation_seconds(folder, runs), folder))
        print(f"    {SCALE_DATASET} {label}: {n:,} rows, validation {results[-1][2][0]:.2f} s"
              f" (CPU {results[-1][2][1]:.2f} s)", flush=True)
    rows = []
    site_dir = tmp / "scale" / "html"
    for label, n, seconds, folder in results:
        chapter_s, page_b, chart_b = "", "", ""
        if builds:
            elapsed, log = ours(folder, site_dir)
            times = {w[1]: float(w[2]) for w in (ln.split() for ln in log.splitlines()) if len(w) >= 4 and w[0] == "executed"}
            chapter_s = ", ".join(f"{c} {times[c]:.1f} s" for c in readers if c in times) or "reused"
            page = max((site_dir / f"{c}.html" for c in readers), key=lambda p: chart_bytes(p))
            page_b = f"{page.name} {page.stat().st_size:,} B"
            chart_b = chart_bytes(page)
        per_row = seconds[1] / n * 1e6
        rows.append((label, n, seconds, per_row, chapter_s, page_b, chart_b))
    return rows


def print_scale(rows: list[tuple]) -> None:
    print()
    print(f"(e) scale: {SCALE_DATASET} grown with synthetic rows of its schema")
    print(f"{'size':<14} {'rows':>9} {'validate':>10} {'CPU':>8} {'CPU µs/row':>10}  {'reading chapter (executed)':<36}"
          f" {'page':<34} {'chart data':>12}")
    print("-" * 142)
    for label, n, (wall, cpu), per_row, chapter_s, page_b, chart_b in rows:
        chart = f"{chart_b:,} B" if chart_b != "" else ""
        print(f"{label:<14} {n:>9,} {wall:>8.2f} s {cpu:>6.2f} s {per_row:>10.1f}  {chapter_s:<36} {page_b:<34} {chart:>12}")
    big = next(r for r in rows if r[1] == 100_000)
    r1, mid = rows[0], next(r for r in rows if r[1] == 25_000)
    # the extra CPU time per extra row, from 1× to 25,000 rows and from 25,000 to 100,000 rows (the
    # fixed cost of reading the other datasets and the schema cancels out): linear when it stays flat
    marginal_low = (mid[2][1] - r1[2][1]) / (mid[1] - r1[1]) * 1e6
    marginal_high = (big[2][1] - mid[2][1]) / (big[1] - mid[1]) * 1e6
    print(f"100,000 rows validate in {big[2][0]:.2f} s wall, {big[2][1]:.2f} s CPU (target < {SCALE_TARGET_S:.0f} s):"
          f" {'yes' if big[2][1] < SCALE_TARGET_S else 'no'}"
          f"{'' if big[2][0] < SCALE_TARGET_S else ' (wall time above: the machine is shared)'}")
    print(f"CPU per extra row: {marginal_low:.1f} µs (1× → 25,000 rows), {marginal_high:.1f} µs (25,000 → 100,000 rows):"
          f" linear {'yes' if marginal_high < 1.5 * marginal_low else 'no'}")
    charts = [r[6] for r in rows if r[6] != ""]
    if charts:
        print(f"largest chart data on a page: {max(charts):,} B (target ≤ {PAGE_CHART_LIMIT:,} B):"
              f" {'yes' if max(charts) <= PAGE_CHART_LIMIT else 'no'}")


PREVIEW_PROSE_TARGET, PREVIEW_CSV_TARGET = 0.2, 0.6
PREVIEW_PAGE = "index"  # the landing page: its prose edit is the one an analyst waits on most


def prose_line(text: str) -> int:
    """The index of the first line of running prose in a MyST page (outside front matter and code cells)."""
    lines, fence, front = text.splitlines(), None, text.startswith("---")
    for number, line in enumerate(lines):
        if front:
            front = not (number > 0 and line.strip() == "---")
            continue
        stripped = line.strip()
        if stripped.startswith("```"):  # a code cell
            fence = None if fence else stripped
            continue
        if fence is None and len(stripped) > 30 and (stripped[0].isalpha() or stripped.startswith("**")):
            return number
    raise ValueError("no prose line found")


class PreviewServer:
    """scripts/preview.py of the benchmark's copy, on a free port; ``edit_to_page`` times one edit."""

    def __init__(self, root: Path, log: Path):
        import re

        self.log = log
        self.proc = subprocess.Popen([sys.executable, str(SCRIPTS / "preview.py"), "--root", str(root), "--port", "0"],
                                     stdin=subprocess.DEVNULL, stdout=open(log, "w"), stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + 1800
        while not re.search(r"rebuilt \(full\)", self.output()):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"bench: the preview did not start:\n{self.output()[-3000:]}")
            time.sleep(0.2)
        self.base = re.search(r"preview at (http://127\.0\.0\.1:\d+/)", self.output()).group(1)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def state(self) -> dict:
        import json
        import urllib.request

        with urllib.request.urlopen(self.base + "__preview__/state", timeout=10) as response:
            return json.loads(response.read())

    def edit_to_page(self, edit, check) -> float:
        """Seconds from ``edit()`` (a save) to the next good build being served; ``check()`` then
        confirms the served page shows the edit."""
        before = self.state()["generation"]
        started = time.monotonic()
        edit()
        while True:
            state = self.state()
            if state["error"]:
                sys.exit(f"bench: the preview refused the edit: {state['error']}")
            if state["generation"] > before:
                break
            if time.monotonic() - started > 900:
                sys.exit(f"bench: no rebuild within 900 s:\n{self.output()[-3000:]}")
            time.sleep(0.05)
        elapsed = time.monotonic() - started
        if not check():
            sys.exit(f"bench: the served page does not show the edit:\n{self.output()[-3000:]}")
        return elapsed

    def page(self, name: str) -> str:
        import urllib.request

        with urllib.request.urlopen(f"{self.base}{name}.html", timeout=30) as response:
            return response.read().decode("utf-8")

    def stop(self) -> None:
        import signal

        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=120)


def preview_times(source_data: Path, tmp: Path, site, runs: int) -> tuple[list[float], list[float]]:
    """(f): edit-to-page seconds of ``runs`` prose edits and ``runs`` CSV edits in the live preview."""
    root = tmp / "preview"
    snapshot(ROOT, root)
    shutil.copytree(source_data, root / "data")
    server = PreviewServer(root, tmp / "preview.log")
    prose, data = [], []
    readers = [c.name for c in site.chapters if EDIT_DATASET in c.datasets]
    try:
        page = root / "book" / f"{PREVIEW_PAGE}.md"
        for run in range(runs):
            word = f"Benchword{run}"
            lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
            at = prose_line("".join(lines))
            lines[at] = lines[at].replace(lines[at].lstrip(), f"{word} {lines[at].lstrip()}", 1)
            prose.append(server.edit_to_page(lambda: page.write_text("".join(lines), encoding="utf-8"),
                                             lambda: word in server.page(PREVIEW_PAGE)))
            print(f"    preview prose edit  run {run + 1}: {prose[-1]:6.1f} s", flush=True)
        for run in range(runs):
            before = server.page(readers[0])
            data.append(server.edit_to_page(lambda: edit_one_csv(root / "data"), lambda: server.page(readers[0]) != before))
            print(f"    preview CSV edit    run {run + 1}: {data[-1]:6.1f} s", flush=True)
    finally:
        server.stop()
    return prose, data


def preview_rows(prose: list[float], data: list[float], clean: float) -> list[tuple]:
    prose_s, data_s = statistics.median(prose), statistics.median(data)
    return [
        ("(f) preview: prose edit to page", f"{prose_s:.1f} s", f"{PREVIEW_PAGE}.md, one word", ""),
        ("(f) preview: prose edit / clean build", f"{prose_s / clean:.2f}", f"≤ {PREVIEW_PROSE_TARGET:.2f}",
         "yes" if prose_s / clean <= PREVIEW_PROSE_TARGET else "no"),
        ("(f) preview: CSV edit to page", f"{data_s:.1f} s", f"{EDIT_DATASET}.csv", ""),
        ("(f) preview: CSV edit / clean build", f"{data_s / clean:.2f}", f"≤ {PREVIEW_CSV_TARGET:.2f}",
         "yes" if data_s / clean <= PREVIEW_CSV_TARGET else "no"),
    ]


def print_rows(rows: list[tuple]) -> None:
    width = max(len(r[0]) for r in rows)
    print()
    print(f"{'measure':<{width}}  {'result':>20}  {'target':<28} met")
    print("-" * (width + 58))
    for name, result, target, met in rows:
        print(f"{name:<{width}}  {result:>20}  {target:<28} {met}")


def load_line() -> str:
    one, five, _ = os.getloadavg()
    return f"machine: {os.cpu_count()} CPUs, load average {one:.1f} (1 min), {five:.1f} (5 min)"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per timing (median; default 3)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--root", type=Path, default=None, help=argparse.SUPPRESS)  # another report root (testing)
    parser.add_argument("--scale-only", action="store_true", help="only (e), the scale rows")
    parser.add_argument("--no-scale-builds", action="store_true", help="in (e), time validation only (no builds)")
    parser.add_argument("--preview-only", action="store_true", help="only (a) for our pipeline and (f), the live preview")
    args = parser.parse_args(argv)
    global ROOT, SCRIPTS, BUILD
    tmp = Path(tempfile.mkdtemp(prefix="rel-bench-"))
    source = (args.root or ROOT).resolve()
    ROOT = snapshot(source, tmp / "report")
    SCRIPTS = ROOT / "scripts"
    BUILD = [sys.executable, str(SCRIPTS / "build.py")]
    site = load_site(ROOT)
    try:
        data = tmp / "data"
        shutil.copytree(source / "data", data)
        date = str(site.report.get("edition_date", "1970-01-01"))
        if args.scale_only:
            print("(e) scale …", flush=True)
            print_scale(scale(data, tmp, site, args.runs, not args.no_scale_builds))
            return 0

        if args.preview_only:
            print(f"(a) clean builds, {args.runs} runs …", flush=True)
            times = []
            for run in range(args.runs):
                seed_runtime(tmp / f"ours{run}" / "cache")
                times.append(ours(data, tmp / f"ours{run}" / "html")[0])
                print(f"    our pipeline        run {run + 1}: {times[-1]:6.1f} s", flush=True)
            print("(f) live preview …", flush=True)
            prose, edits = preview_times(source / "data", tmp, site, args.runs)
            rows = [("(a) clean build, our pipeline", f"{statistics.median(times):.1f} s", "", "")]
            rows += preview_rows(prose, edits, statistics.median(times))
            print_rows(rows)
            print(f"runs: clean {', '.join(f'{t:.1f}' for t in times)} s; prose {', '.join(f'{t:.1f}' for t in prose)} s;"
                  f" CSV {', '.join(f'{t:.1f}' for t in edits)} s")
            print(load_line())
            return 0 if all(r[3] != "no" for r in rows) else 1

        print(f"(a) clean builds, {args.runs} runs each …", flush=True)
        our_times, plain_times, our_stages = [], [], []
        for run in range(args.runs):
            seed_runtime(tmp / f"ours{run}" / "cache")
            seconds, log = ours(data, tmp / f"ours{run}" / "html")
            our_times.append(seconds)
            our_stages.append(stage_times(log))
            print(f"    our pipeline        run {run + 1}: {seconds:6.1f} s", flush=True)
            book = plain_book(site, data, tmp / f"plain{run}", "force")
            seconds = jupyter_book(book, date)
            plain_times.append(seconds)
            print(f"    jupyter-book force  run {run + 1}: {seconds:6.1f} s", flush=True)
        clean_ours, clean_plain = statistics.median(our_times), statistics.median(plain_times)

        print("(b) no-op rebuilds …", flush=True)
        site_dir = tmp / "ours0" / "html"
        noop = []
        for _ in range(args.runs):
            seconds, log = ours(data, site_dir)
            if "up to date" not in log:
                print("    (not a no-op: the inputs changed while benchmarking)\n" + log, flush=True)
            noop.append(seconds)
        noop_s = statistics.median(noop)

        print("(c) edit one CSV …", flush=True)
        # plain Jupyter Book in cache mode: a first build fills its cache, then the same edit
        cached_book = plain_book(site, data, tmp / "plaincache", "cache")
        jupyter_book(cached_book, date)
        before = glued(cached_book / "_build" / "jupyter_execute")
        import json

        record_before = json.loads((site_dir / "_static" / "edition.json").read_text(encoding="utf-8"))
        edit = edit_one_csv(data)
        print(f"    {edit}", flush=True)
        jupyter_book(cached_book, date)
        after = glued(cached_book / "_build" / "jupyter_execute")
        readers = sorted(c.name for c in site.chapters if EDIT_DATASET in c.datasets)
        edit_s, log = ours(data, site_dir)
        run = chapters_run(log)
        # What changed is executed from the edition record after the chapters in every build that runs
        # (it presents the record, whatever moved it): not one of the pages whose caching (c) checks
        record_pages = {p.name for p in site.record_pages}
        run = {kind: [name for name in names if name not in record_pages] for kind, names in run.items()}
        # the figures our build changed, looked up in plain Jupyter Book's output
        record = json.loads((site_dir / "_static" / "edition.json").read_text(encoding="utf-8"))
        changed = []
        for chapter in readers:
            for name, item in record["figures"].get(chapter, {}).items():
                old = record_before["figures"].get(chapter, {}).get(name, {}).get("value")
                if old != item["value"]:
                    changed.append((chapter, name, old, item["value"], before.get(chapter, {}).get(name), after.get(chapter, {}).get(name)))
        plain_noticed = any(before.get(c) != after.get(c) for c in readers)

        print("(d) page sizes …", flush=True)
        pages = {c.name: (site_dir / f"{c.name}.html").stat().st_size for c in site.chapters}
        largest = max(pages, key=pages.get)
        runtime_bytes = (site_dir / "_static" / "vega-runtime.js").stat().st_size

        print("(f) live preview …", flush=True)
        prose, edits = preview_times(source / "data", tmp, site, args.runs)

        ratio = clean_ours / clean_plain
        rows = [
            ("(a) clean build, our pipeline", f"{clean_ours:.1f} s", "", ""),
            ("(a) clean build, jupyter-book force", f"{clean_plain:.1f} s", "", ""),
            ("(a) ratio ours / jupyter-book", f"{ratio:.2f}", "≤ 0.60", "yes" if ratio <= 0.6 else "no"),
            ("(b) no-op rebuild", f"{noop_s:.2f} s", "≤ 1.5 s", "yes" if noop_s <= 1.5 else "no"),
            ("(c) rebuild after editing one CSV", f"{edit_s:.1f} s", "", ""),
            ("(c) chapters re-executed", ", ".join(run["executed"]) or "none", f"readers: {', '.join(readers)}",
             "yes" if run["executed"] == readers else "no"),
            ("(c) chapters reused", ", ".join(run["reused"]) or "none", "", ""),
            ("(c) plain jupyter-book (cache) noticed", "yes" if plain_noticed else "no", "(it should not)", ""),
            (f"(d) largest chapter page ({largest}.html)", f"{pages[largest]:,} B", "", ""),
            ("(d) chart runtime (_static/vega-runtime.js)", f"{runtime_bytes:,} B", "", ""),
        ]
        preview = preview_rows(prose, edits, clean_ours)
        print_rows(rows + preview)
        print(load_line())
        print()
        print(f"edited: {edit}")
        for chapter, name, old, new, plain_old, plain_new in changed[:5]:
            print(f"  {chapter}.{name}: our build {old} → {new}; plain jupyter-book (cache) {plain_old} → {plain_new}")
        stages = {name: statistics.median(run.get(name, 0.0) for run in our_stages) for name in our_stages[0]}
        print("our clean build by stage (medians): " + ", ".join(f"{name} {sec:.1f} s" for name, sec in stages.items()))
        print(f"runs: ours {', '.join(f'{t:.1f}' for t in our_times)} s; jupyter-book {', '.join(f'{t:.1f}' for t in plain_times)} s; "
              f"no-op {', '.join(f'{t:.2f}' for t in noop)} s; preview prose {', '.join(f'{t:.1f}' for t in prose)} s,"
              f" CSV {', '.join(f'{t:.1f}' for t in edits)} s")
        print("(e) scale …", flush=True)
        print_scale(scale(source / "data", tmp, site, args.runs, not args.no_scale_builds))
        if any(r[3] == "no" for r in preview):
            print("the live preview misses its targets ((f) above)", file=sys.stderr)
            return 1
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
