"""The local Sphinx extension that reads pybtex's plugin table once per build (report_pybtex)."""

from __future__ import annotations


import pybtex.plugin

import report_pybtex  # noqa: E402


def test_plugins_found_through_the_cache_are_pybtexs_own(monkeypatch):
    scans = []
    original = pybtex.plugin.entry_points

    def counting(**selection):
        scans.append(selection)
        return original(**selection)

    expected = {group: pybtex.plugin.find_plugin(group) for group in
                ("pybtex.style.formatting", "pybtex.style.names", "pybtex.style.labels", "pybtex.style.sorting")}
    expected_named = pybtex.plugin.find_plugin("pybtex.style.formatting", "unsrt")
    monkeypatch.setattr(pybtex.plugin, "entry_points", report_pybtex.cached(counting))
    for _ in range(50):  # a citation each
        for group, plugin in expected.items():
            assert pybtex.plugin.find_plugin(group) is plugin
        assert pybtex.plugin.find_plugin("pybtex.style.formatting", "unsrt") is expected_named
    assert len(scans) == 1, f"the installed entry points were scanned {len(scans)} times"


def test_plugins_registered_at_run_time_still_come_first(monkeypatch):
    monkeypatch.setattr(pybtex.plugin, "entry_points", report_pybtex.cached(pybtex.plugin.entry_points))
    base = pybtex.plugin.find_plugin("pybtex.style.formatting", "plain")

    class House(base):
        pass

    monkeypatch.setitem(pybtex.plugin._RUNTIME_PLUGINS, "pybtex.style.formatting", {"house": House})
    assert pybtex.plugin.find_plugin("pybtex.style.formatting", "house") is House
