"""The report's masthead: its ``report:`` block (title, organisation, edition, dates, licence),
read in one place, and its one date style.

The lowest room of the house: it imports nothing of the report's own, so the build
(``pipeline``), the Sphinx extensions and the analysis library all read the masthead from here,
and the analysis library never needs the build for it.
"""
