"""The one configured Markdown renderer (markdown-it-py).

CommonMark plus tables, strikethrough, footnotes, heading anchors and
typographic quotes and dashes. Raw HTML in the source is shown as text unless
the site sets ``raw_html: true``; even then the HTML is sanitised with nh3:
``<script>``, ``<style>``, event-handler attributes (``onclick``…) and
``javascript:`` URLs are removed, and a link that opens a new window
(``target="_blank"``) gets ``rel="noopener"``. Links to ``javascript:`` and
similar URLs are never made from Markdown (markdown-it's own link validation).

Rendering also lists the body's links and images with their lines, so that
``site-gen check`` can find broken links and images without alt text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser

import nh3
from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin

from .model import BodyLink

WORDS_PER_MINUTE = 200

_TAGS = set(nh3.ALLOWED_TAGS) | {"section", "figure", "figcaption", "tfoot"}
_ATTRIBUTES: dict[str, set[str]] = {tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()}
_ATTRIBUTES["*"] = {"id", "class", "lang", "dir", "title"}
_ATTRIBUTES["a"] = _ATTRIBUTES.get("a", set()) | {"rel", "target", "name"}
for _cell in ("th", "td"):
    _ATTRIBUTES[_cell] = _ATTRIBUTES.get(_cell, set()) | {"style"}
_URL_SCHEMES = {"http", "https", "mailto", "tel"}
_ANCHOR = re.compile(r'<a((?:\s+[^\s=>"]+(?:="[^"]*")?)*)\s*>')
_ATTR = re.compile(r'\s+([^\s=>"]+)(?:="([^"]*)")?')
_SAME_WINDOW = {"", "_self", "_parent", "_top"}


@dataclass(frozen=True)
class Rendered:
    """A body turned into HTML, with what pages need to know about it."""

    html: str
    """The body's HTML (safe to insert: escaped by markdown-it, sanitised when raw HTML is on)."""
    first_paragraph: str
    """Plain text of the first paragraph (default summary)."""
    words: int
    """Word count of the source."""
    links: tuple[BodyLink, ...] = ()
    """Links and images of the body, in order; lines counted from the body's first line (0)."""

    @property
    def reading_minutes(self) -> int:
        """Whole minutes to read, at least 1."""
        return max(1, round(self.words / WORDS_PER_MINUTE))


@lru_cache(maxsize=4)
def make_parser(raw_html: bool = False) -> MarkdownIt:
    """The configured markdown-it-py parser."""
    md = MarkdownIt("commonmark", {"html": raw_html, "typographer": True})
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.use(footnote_plugin)
    md.use(anchors_plugin, min_level=2, max_level=4)
    return md


def render_markdown(source: str, raw_html: bool = False) -> Rendered:
    """Render a body; pure."""
    md = make_parser(raw_html)
    env: dict = {}
    tokens = md.parse(source, env)
    first = ""
    for i, token in enumerate(tokens):
        if token.type == "paragraph_open" and i + 1 < len(tokens):
            first = _plain_text(tokens[i + 1])
            if first:
                break
    html = md.renderer.render(tokens, md.options, env)
    if raw_html:
        html = sanitize_html(html)
    return Rendered(html=html, first_paragraph=first, words=len(source.split()), links=_links(tokens))


def sanitize_html(html: str) -> str:
    """Remove scripts, event handlers and unsafe URLs; add ``rel="noopener"`` to new-window links."""
    clean = nh3.clean(
        html,
        tags=_TAGS,
        clean_content_tags={"script", "style"},
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel=None,
        filter_style_properties={"text-align"},
    )
    return _ANCHOR.sub(_add_noopener, clean)


def _add_noopener(match: re.Match) -> str:
    attrs = [(name, value) for name, value in _ATTR.findall(match.group(1))]
    target = next((value for name, value in attrs if name == "target"), "")
    if target.strip().lower() in _SAME_WINDOW:
        return match.group(0)
    rel = next((value for name, value in attrs if name == "rel"), None)
    words = rel.split() if rel else []
    if "noopener" in words:
        return match.group(0)
    words.append("noopener")
    attrs = [(n, v) for n, v in attrs if n != "rel"] + [("rel", " ".join(words))]
    return "<a" + "".join(f' {n}="{v}"' for n, v in attrs) + ">"


def _links(tokens) -> tuple[BodyLink, ...]:
    found: list[BodyLink] = []
    for token in tokens:
        line = token.map[0] if token.map else 0
        if token.type == "html_block":
            found += _html_links(token.content, line)
        for child in token.children or ():
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "link_open":
                found.append(BodyLink("link", str(child.attrGet("href") or ""), line))
            elif child.type == "image":
                found.append(BodyLink("image", str(child.attrGet("src") or ""), line, child.content))
            elif child.type == "html_inline":
                found += _html_links(child.content, line)
    return tuple(found)


class _LinkFinder(HTMLParser):
    def __init__(self, first_line: int):
        super().__init__(convert_charrefs=True)
        self.first_line = first_line
        self.found: list[BodyLink] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        line = self.first_line + self.getpos()[0] - 1
        if tag == "a" and values.get("href"):
            self.found.append(BodyLink("link", values["href"] or "", line))
        elif tag == "img":
            self.found.append(BodyLink("image", values.get("src") or "", line, values.get("alt") or ""))


def _html_links(html: str, first_line: int) -> list[BodyLink]:
    finder = _LinkFinder(first_line)
    finder.feed(html)
    finder.close()
    return finder.found


def _plain_text(inline) -> str:
    parts = []
    for child in inline.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return " ".join("".join(parts).split())
