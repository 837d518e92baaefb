"""Figure images drawn by the build (pipeline/speed/render.py) rather than in each chapter's kernel.

The images must be the very files a chapter run by hand draws; a spec that cannot be drawn
fails the build naming the chapter and the figure; the chapter cache keeps the images, so a
reused chapter needs no drawing; and the images end up beside the page that links them.
"""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
import pytest

from analysis import figures
from analysis.chapters import Figure
from chapters import show_figure
from pipeline.speed.cache import ChapterCache
from pipeline.errors import BuildError
from pipeline.speed.render import Renderer

DATA = pd.DataFrame({"country": ["China", "Myanmar", "USA"], "share_pct": [69.2, 11.0, 11.5]})


def draw(tmp_path, monkeypatch, later: bool):
    """One report figure shown by a chapter (``Chapter.figure``), its images drawn inline or by the build."""
    from chapters import DATA as DATA_DIR

    fig_dir = tmp_path / ("later" if later else "inline") / "figures"
    monkeypatch.setenv(figures.FIGURE_DIR_ENV, str(fig_dir))
    renderer = Renderer(tmp_path / "render")
    if later:
        monkeypatch.setenv(figures.RENDER_DIR_ENV, str(renderer.spec_dir("leverage")))
    else:
        monkeypatch.delenv(figures.RENDER_DIR_ENV, raising=False)
    chart = alt.Chart(DATA).mark_bar().encode(x="share_pct:Q", y="country:N")
    show_figure(tmp_path / "page", "fig-test-share", Figure(chart, "", ["usgs-mcs-2025"], "% of world", DATA), DATA_DIR,
                title="China mines most", subtitle="Share of world mine production, %", alt="China mines most.")
    if later:
        assert not (fig_dir / "fig-test-share.png").exists(), "the kernel drew the image itself"
        renderer.submit("leverage")
        renderer.copy_into(lambda chapter: fig_dir)
        renderer.close()
    return fig_dir


def test_images_drawn_by_the_build_are_the_files_a_chapter_draws_by_hand(tmp_path, monkeypatch):
    inline = draw(tmp_path, monkeypatch, later=False)
    later = draw(tmp_path, monkeypatch, later=True)
    for suffix in (".png", ".svg", ".csv", ".json"):
        assert (later / f"fig-test-share{suffix}").read_bytes() == (inline / f"fig-test-share{suffix}").read_bytes(), suffix
    assert (later / "fig-test-share.png").read_bytes().startswith(b"\x89PNG")


def test_a_spec_that_cannot_be_drawn_names_chapter_and_figure(tmp_path):
    renderer = Renderer(tmp_path / "render")
    specs = renderer.spec_dir("geopolitics")
    specs.mkdir(parents=True)
    (specs / f"fig-geopolitics-broken{figures.SPEC_SUFFIX}").write_text(
        json.dumps({"data": {"values": [{"a": 1}]}, "mark": "no-such-mark", "encoding": {"x": {"field": "a"}}}))
    renderer.submit("geopolitics")
    with pytest.raises(BuildError) as failure:
        renderer.wait()
    message = str(failure.value)
    assert "geopolitics" in message and "fig-geopolitics-broken" in message and "PNG/SVG" in message
    renderer.close()


def test_the_cache_keeps_the_images_drawn_apart(tmp_path, monkeypatch):
    later = draw(tmp_path, monkeypatch, later=True)
    images = tmp_path / "render" / "leverage" / "images"
    executed = tmp_path / "executed.ipynb"
    executed.write_text("{}")
    data_only = tmp_path / "stage-figures"
    data_only.mkdir()
    for suffix in (".csv", ".json"):
        (data_only / f"fig-test-share{suffix}").write_bytes((later / f"fig-test-share{suffix}").read_bytes())
    cache = ChapterCache(tmp_path / "cache")
    cache.store("leverage", "k1", executed, data_only, images)
    restored = tmp_path / "restored"
    assert cache.restore("leverage", "k1", tmp_path / "restored.ipynb", restored)
    assert sorted(p.name for p in restored.iterdir()) == sorted(p.name for p in later.iterdir())
    assert (restored / "fig-test-share.png").read_bytes() == (later / "fig-test-share.png").read_bytes()


def test_on_done_runs_after_the_images_exist(tmp_path, monkeypatch):
    seen = []
    renderer = Renderer(tmp_path / "render")
    monkeypatch.setenv(figures.FIGURE_DIR_ENV, str(tmp_path / "figs"))
    monkeypatch.setenv(figures.RENDER_DIR_ENV, str(renderer.spec_dir("sector_impact")))
    from chapters import DATA as DATA_DIR

    chart = alt.Chart(DATA).mark_point().encode(x="share_pct:Q")
    show_figure(tmp_path / "page", "fig-x", Figure(chart, "", ["usgs-mcs-2025"], "%", DATA), DATA_DIR,
                title="x", subtitle="%", alt="x")
    renderer.submit("sector_impact", lambda chapter, images: seen.append(sorted(p.name for p in images.iterdir())))
    renderer.wait()
    renderer.close()
    assert seen == [["fig-x.png", "fig-x.svg"]]
