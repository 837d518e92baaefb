"""The report's analysis code; every chapter notebook imports from it.

Importing it makes pandas tables shown with ``frame.style`` escape their cells: pandas' Styler
writes cell text into the page as raw HTML by default, so markup typed into a CSV (a country
name, a description) would become live elements in readers' browsers. A chapter that calls
``.style.format(...)`` must pass ``escape="html"`` itself (an explicit format replaces this
default); tests/test_markup.py builds the report with markup in the data and fails otherwise.
"""

import pandas as _pd

_pd.set_option("styler.format.escape", "html")
