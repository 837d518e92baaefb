"""Sphinx extension: formulas as MathML written into the page at build time, not MathJax.

Sphinx's default math renderer loads MathJax from a CDN on every page with a formula (and
Jupyter Book's pages even without one). Readers in offices that block outside hosts would see
raw LaTeX, and the page would call out to a third party. Browsers render MathML themselves
(MathML Core) and screen readers read it, so each formula is converted once here with
``latex2mathml`` (pure Python, pinned in requirements.txt). A formula it cannot convert is a
build warning (the strict build then fails) naming the page, never a silent gap.
"""

from __future__ import annotations

from docutils import nodes
from latex2mathml.converter import convert
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number

logger = logging.getLogger(__name__)
RENDERER = "report_mathml"


def _mathml(self, node, latex: str, display: str) -> str:
    try:
        return convert(latex.strip(), display=display)
    except Exception as error:  # latex2mathml raises its own exception types per construct
        logger.warning("formula cannot be converted to MathML (%s): %s", error, latex.strip()[:80], location=node)
        return f"<code>{self.encode(latex)}</code>"


def visit_math(self, node: nodes.math) -> None:
    self.body.append(self.starttag(node, "span", "", CLASS="math"))
    self.body.append(_mathml(self, node, node.astext(), "inline") + "</span>")
    raise nodes.SkipNode


def visit_displaymath(self, node: nodes.math_block) -> None:
    self.body.append(self.starttag(node, "div", CLASS="math"))
    if node["number"]:
        number = get_node_equation_number(self, node)
        self.body.append(f'<span class="eqno">({number})')
        self.add_permalink_ref(node, _("Link to this equation"))
        self.body.append("</span>")
    for part in (p for p in node.astext().split("\n\n") if p.strip()):
        self.body.append(_mathml(self, node, part, "block"))
    self.body.append("</div>\n")
    raise nodes.SkipNode


def _no_mathjax(app, config) -> None:
    config.html_math_renderer = RENDERER


def setup(app):
    app.add_html_math_renderer(RENDERER, (visit_math, None), (visit_displaymath, None))
    app.connect("config-inited", _no_mathjax, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
