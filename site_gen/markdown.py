"""The one configured Markdown renderer.

CommonMark plus tables, strikethrough, footnotes, ids on ``##``–``####``
headings and typographic quotes and dashes. Raw HTML in the source is shown
as text unless the site sets ``raw_html: true``; even then the HTML is
sanitised with nh3: ``<script>``, ``<style>``, event-handler attributes
(``onclick``…) and ``javascript:`` URLs are removed, and a link that opens a
new window (``target="_blank"``) gets ``rel="noopener"``. Links to
``javascript:`` and similar URLs are never made from Markdown (markdown-it's
own link validation).

Two engines give the same bytes:

* ``reference``: markdown-it-py with mdit-py-plugins, the reference renderer.
* ``fast``: markdown-it-pyrs, the Rust port by the same maintainers, many
  times faster. Its heading ids and footnote list markup are brought to
  the reference's form here; ``tests/test_markdown_engines.py`` renders every
  fixture and sample body with both and requires identical output, with one
  stated difference: the fast engine also puts typographic quotes in image
  alt text (``alt="a “b”"`` where the reference keeps ``&quot;``). Raw HTML
  (``raw_html: true``) always uses the reference engine.

The summary (first paragraph) and the list of links and images (for
``site-gen check``) are read from the HTML, so they are the same for both
engines by construction.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import unquote

import nh3
from markupsafe import escape

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

try:
    import markdown_it_pyrs
except ImportError:  # pragma: no cover - the fast engine is optional
    markdown_it_pyrs = None

from .config import markdown_engine as engine_for
from .model import BodyLink

WORDS_PER_MINUTE = 200
HEADING_LEVELS = (2, 4)
_FAST_RULES = [
    "blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph", "reference",
    "autolink", "backticks", "emphasis", "entity", "escape", "image", "link", "newline",
    "replacements", "smartquotes", "strikethrough", "table", "footnote",
]  # fmt: skip
_HEADING = re.compile(r"<h([2-4])>(.*?)</h\1>", re.S)
_FOOTNOTE_ITEM = re.compile(r'(<li id="fn\d+" class="footnote-item">)\n')
_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_TAG = re.compile(r"<[^>]*>")
# Tags as markdown-it and nh3 write them: attributes always in double quotes.
_LINK_TAG = re.compile(r'<(a|img)((?:\s+[^\s=>"/]+(?:="[^"]*")?)*)\s*/?>')
_ATTR = re.compile(r'\s+([^\s=>"/]+)(?:="([^"]*)")?')

_SANITISE_TAGS = set(nh3.ALLOWED_TAGS) | {"section", "figure", "figcaption", "tfoot"}
_SANITISE_ATTRIBUTES: dict[str, set[str]] = {tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()}
_SANITISE_ATTRIBUTES["*"] = {"id", "class", "lang", "dir", "title"}
_SANITISE_ATTRIBUTES["a"] = _SANITISE_ATTRIBUTES.get("a", set()) | {"rel", "target", "name"}
for _cell in ("th", "td"):
    _SANITISE_ATTRIBUTES[_cell] = _SANITISE_ATTRIBUTES.get(_cell, set()) | {"style"}
_URL_SCHEMES = {"http", "https", "mailto", "tel"}
_ANCHOR = re.compile(r'<a((?:\s+[^\s=>"]+(?:="[^"]*")?)*)\s*>')
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
    """The reference parser: markdown-it-py, configured (imported here: a rebuild that
    renders one body with the fast engine does not wait a tenth of a second for it)."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.anchors import anchors_plugin
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt("commonmark", {"html": raw_html, "typographer": True})
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.use(footnote_plugin)
    md.use(anchors_plugin, min_level=HEADING_LEVELS[0], max_level=HEADING_LEVELS[1])
    return md


@lru_cache(maxsize=1)
def _fast_parser():
    return markdown_it_pyrs.MarkdownIt("zero").enable_many(_FAST_RULES)


def _trips_fast_engine(source: str) -> bool:
    """Input that makes markdown-it-pyrs 0.4 panic (index out of bounds in its code-span
    scanner): a ``[`` followed by an unclosed backtick run, as in "see [`code". Such
    bodies (rare in news copy: both characters) go to the reference engine instead."""
    return "`" in source and "[" in source


def to_html(source: str, raw_html: bool = False, engine: str = "fast") -> str:
    """Body HTML from Markdown; pure."""
    if engine_for(raw_html, engine) == "fast" and not _trips_fast_engine(source):
        try:
            html = _fast_parser().render(source)
        except BaseException as exc:  # a Rust panic is a BaseException; let Ctrl-C and exit through
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            return to_html(source, raw_html, "reference")
        html = _HEADING.sub(_heading_with_id(), html)
        return _FOOTNOTE_ITEM.sub(r"\1", html)
    html = make_parser(raw_html).render(source)
    return sanitize_html(html) if raw_html else html


def render_markdown(source: str, raw_html: bool = False, engine: str = "fast") -> Rendered:
    """Render a body and read its first paragraph, length and links; pure."""
    html = to_html(source, raw_html, engine)
    return Rendered(
        html=html, first_paragraph=first_paragraph(html), words=len(source.split()), links=find_links(html, source)
    )


def sanitize_html(html: str) -> str:
    """Remove scripts, event handlers and unsafe URLs; add ``rel="noopener"`` to new-window links."""
    clean = nh3.clean(
        html,
        tags=_SANITISE_TAGS,
        clean_content_tags={"script", "style"},
        attributes=_SANITISE_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel=None,
        filter_style_properties={"text-align"},
    )
    return _ANCHOR.sub(_add_noopener, clean)


def _add_noopener(match: re.Match) -> str:
    attrs = _ATTR.findall(match.group(1))
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


def find_links(html: str, source: str) -> tuple[BodyLink, ...]:
    """Links (``<a href>``) and images (``<img src>``) of a body's HTML, with their line in ``source``.

    The line is where the address first appears in the Markdown (searching on
    from the previous link), or the body's first line when it cannot be found.
    """
    found = []
    position = 0
    for match in _LINK_TAG.finditer(html):
        attrs = {name: html_lib.unescape(value) for name, value in _ATTR.findall(match[2])}
        url = attrs.get("href" if match[1] == "a" else "src")
        if url is None:
            continue
        at = -1
        for form in dict.fromkeys((url, unquote(url))):
            at = source.find(form, position) if form else -1
            if at < 0 and form:
                at = source.find(form)
            if at >= 0:
                break
        if at >= 0:
            position = at + 1
        line = source.count("\n", 0, max(at, 0))
        kind = "link" if match[1] == "a" else "image"
        found.append(BodyLink(kind, url, line, attrs.get("alt", "") if kind == "image" else ""))
    return tuple(found)


def first_paragraph(html: str) -> str:
    """Plain text of the first ``<p>`` of some HTML."""
    match = _FIRST_PARAGRAPH.search(html)
    return " ".join(html_lib.unescape(_TAG.sub("", match[1])).split()) if match else ""


def heading_slug(title: str) -> str:
    """The id mdit-py-plugins' anchors plugin gives a heading (its ``slugify``, copied so that
    the fast engine needs no import of markdown-it-py; test_markdown_engines compares them)."""
    return re.sub(r"[^\w\u4e00-\u9fff\- ]", "", title.lower().replace(" ", "-"))


def unique_slug(slug: str, taken: set[str]) -> str:
    """``slug``, or ``slug-1``, ``slug-2``… when taken (the anchors plugin's ``unique_slug``)."""
    unique, n = slug, 1
    while unique in taken:
        unique = f"{slug}-{n}"
        n += 1
    taken.add(unique)
    return unique


def _escape_attribute(raw: str) -> str:
    """``&``, ``<``, ``>`` and ``"`` escaped (markdown-it-py's ``escapeHtml``)."""
    return raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _heading_with_id():
    """A substitution giving headings the ids mdit-py-plugins' anchors plugin gives."""
    taken: set[str] = set()

    def substitute(match: re.Match) -> str:
        level, inner = match[1], match[2]
        text = html_lib.unescape(_TAG.sub("", inner))
        slug = unique_slug(heading_slug(text), taken)
        return f'<h{level} id="{_escape_attribute(slug)}">{inner}</h{level}>'

    return substitute


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
