"""Reading a built site in tests: its pages in reading order, and a page's HTML as a tree."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def pages_in_order(site: Path) -> list[str]:
    """Page names (``leverage``) in the order of the site's own navigation, home page first."""
    home = soup(site / "index.html")
    names = ["index"]
    for link in home.select("nav.bd-docs-nav a.reference.internal[href]"):
        name = link["href"].split("#")[0].removesuffix(".html")
        if name and name not in names and (site / f"{name}.html").exists():
            names.append(name)
    return names


def cited_pages(site: Path) -> list[str]:
    """The pages that carry a cite block: all but the home page and the How-to-cite page."""
    return [p for p in pages_in_order(site) if p not in ("index", "how_to_cite")]


def article(page_soup: BeautifulSoup):
    node = page_soup.select_one("article.bd-article")
    assert node is not None, "page has no article"
    return node
