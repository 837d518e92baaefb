"""What the build writes beside the chapters: citation metadata (text, BibTeX, RIS, CSL, page
<head> tags, CITATION.cff, footer, How to cite), the Data and sources page with its "download all
data" bundle, bibliography and freshness table, the chart runtime, and the PDF kept in step with
the site.
"""
