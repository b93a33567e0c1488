"""The one configured Markdown renderer (markdown-it-py).

CommonMark plus tables, strikethrough, footnotes, heading anchors and
typographic quotes and dashes. Raw HTML in the source is shown as text unless
the site sets ``raw_html: true``. Links to ``javascript:`` and similar URLs
are never made (markdown-it's own link validation).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from markupsafe import escape
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin

WORDS_PER_MINUTE = 200


@dataclass(frozen=True)
class Rendered:
    """A body turned into HTML, with what pages need to know about it."""

    html: str
    """The body's HTML (safe to insert: escaped by markdown-it)."""
    first_paragraph: str
    """Plain text of the first paragraph (default summary)."""
    words: int
    """Word count of the source."""

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
    return Rendered(html=html, first_paragraph=first, words=len(source.split()))


def _plain_text(inline) -> str:
    parts = []
    for child in inline.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return " ".join("".join(parts).split())


def with_dateline(html: str, dateline: str = "") -> str:
    """A rendered body with the dateline (escaped) opening its first paragraph.

    Used by article pages (through :func:`site_gen.render.body_html`) and by feeds.
    """
    if not dateline:
        return html
    opening = f'<span class="dateline">{escape(dateline)}:</span> '
    if html.startswith("<p>"):
        return "<p>" + opening + html[3:]
    return "<p>" + opening + "</p>\n" + html
