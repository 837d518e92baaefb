"""Text from the data made safe where a generated page or file puts it: one line of MyST (``md``,
``md_code``, ``md_link``) and a BibTeX field or URL (``bib_escape``, ``bib_url``).

One escaping rule per target, shared by every page and file the build writes (the data appendix,
the bibliography, How to cite, What changed, the citation files).
"""

from __future__ import annotations

import re

# Characters with inline meaning in MyST/CommonMark (emphasis, links, raw HTML, entities, roles,
# substitutions, math, table cells); a backslash makes each one literal.
MD_INLINE = re.compile(r"([\\`*_\[\]<>|$&{}~^])")
# Characters that start a block (heading, list, quote, comment, target, fence) only at line start.
MD_LINE_START = re.compile(r"^([#+\-=:%>]|\d+[.)])")


def md(text) -> str:
    """Data text made safe for one line of MyST: it shows exactly as written, never as markup."""
    text = " ".join(str(text or "").split())  # one line: a newline would end a table row
    text = MD_INLINE.sub(r"\\\1", text)
    return MD_LINE_START.sub(lambda m: m.group(0)[:-1] + "\\" + m.group(0)[-1], text)


def md_code(name: str) -> str:
    """A column name as code when that is safe, else as escaped text."""
    return f"`{name}`" if re.fullmatch(r"[A-Za-z0-9_.\-]+", name) else md(name)


def md_link(text: str, url: str) -> str:
    if not re.match(r"https?://", url or ""):
        return md(text)
    safe = re.sub(r"[\s<>|\\`]", lambda m: f"%{ord(m.group(0)):02X}", url)
    return f"[{md(text)}](<{safe}>)"


def bib_escape(text) -> str:
    """Text for a BibTeX field: LaTeX specials escaped, braces always balanced."""
    out = []
    for ch in " ".join(str(text or "").split()):
        if ch == "\\":
            out.append(r"\textbackslash{}")
        elif ch == "{":
            out.append(r"\{")
        elif ch == "}":
            out.append(r"\}")
        elif ch in "%&#_$":
            out.append("\\" + ch)
        elif ch == "~":
            out.append(r"\textasciitilde{}")
        elif ch == "^":
            out.append(r"\textasciicircum{}")
        else:
            out.append(ch)
    value = "".join(out)
    # BibTeX counts \{ and \} as braces too: an unbalanced pair would break the whole .bib file
    if not balanced(value):
        value = value.replace(r"\{", r"\textbraceleft{}").replace(r"\}", r"\textbraceright{}")
    return value


def balanced(value: str) -> bool:
    depth = 0
    for ch in value:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def bib_url(url: str) -> str:
    """URLs are taken verbatim by BibTeX styles and land in a page's href: braces, spaces and the
    characters a URL may not carry unencoded (RFC 3986: [ ] < > " ^ ` |) are percent-encoded."""
    return re.sub(r'[{}\s\\\[\]<>"^`|]', lambda m: f"%{ord(m.group(0)):02X}", (url or "").strip())
