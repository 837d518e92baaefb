"""Editions and scenarios: the chapter parameters and ``-p`` overrides, scenario files, the
edition record each site carries (what it was built from, every key figure it states) and the
comparison with the previous edition ("What changed").
"""
