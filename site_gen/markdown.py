"""The one configured Markdown renderer: markdown-it-py, the reference.

CommonMark plus tables, strikethrough, footnotes, ids on ``##``–``####``
headings and typographic quotes and dashes. Raw HTML in the source is shown
as text unless the site sets ``raw_html: true``; even then the HTML is
sanitised with nh3: ``<script>``, ``<style>``, event-handler attributes
(``onclick``…) and ``javascript:`` URLs are removed, and a link that opens a
new window (``target="_blank"``) gets ``rel="noopener"``. Links to
``javascript:`` and similar URLs are never made from Markdown (markdown-it's
own link validation).

One engine renders every body: markdown-it-py with mdit-py-plugins. The Rust
port (markdown-it-pyrs) rendered about one random body in ten differently
(typography inside code spans, quotes, footnotes after tables, no nesting
limit) and crashed the process on deep nesting, so it went; what it cost a
cold build is in bench/README.md. Heading ids are the anchors plugin's, made
by :func:`_anchor_rule` in time linear in the number of headings (the
plugin's own de-duplication is quadratic). ``tests/test_markdown_engines.py``
and ``make fuzz`` compare this renderer with markdown-it-py configured with
the plugins themselves.

Before the engine sees a body, :func:`check_body` refuses one that is too
large or nests deeper than markdown-it-py's own nesting limit (``maxNesting``,
past which the engine silently shows the rest as text), with the line.

The summary (first paragraph) and the list of links and images (for
``site-gen check``) are read from the HTML.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import unquote

import nh3

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_core import StateCore

from .model import BodyLink

WORDS_PER_MINUTE = 200
HEADING_LEVELS = (2, 4)
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


MAX_BODY_CHARS = 500_000
"""Longest body rendered (about 80,000 words, ten times the longest feature): past it a body
is refused before the engine sees it (the file itself may hold up to MAX_FILE_BYTES)."""

MAX_NESTING = 20
"""markdown-it-py's own nesting limit (``maxNesting`` of its ``commonmark`` preset, which
:func:`make_parser` uses): a blockquote is one level, a list two (the list and its item). At
this depth the engine stops parsing blocks and shows the rest as text; :func:`check_body`
refuses a body that reaches it instead. A run of emphasis marks may hold at most twice as
many (each pair of marks is a level of ``<strong>``)."""

MAX_QUOTES = 10_000
"""Most ``"`` and ``'`` in one paragraph: markdown-it-py pairs typographic quotes in time
quadratic in a paragraph's quotes (figures in bench/README.md)."""


class BodyTooComplex(ValueError):
    """A body :func:`check_body` refuses: ``line`` counts from the body's first line (0)."""

    def __init__(self, line: int, message: str, hint: str):
        super().__init__(message)
        self.line = line
        self.message = message
        self.hint = hint


# A container mark opening a line: ``>`` (one level) or a list item's ``-``, ``+``, ``*``,
# ``1.``, ``1)`` (two levels), followed by a space or the end of the line. Every pattern here
# matches in one way only (no nested repeats), so none can take more than linear time.
_CONTAINER = re.compile(r" {0,3}(?:(>) ?|(?:[-+*]|\d{1,9}[.)])(?:[ \t]+|$))")
_THEMATIC_BREAK = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_FENCE = re.compile(r"[ \t]*(`{3,}|~{3,})")
_MARK_RUN = re.compile(f"\\*{{{2 * MAX_NESTING + 1},}}|_{{{2 * MAX_NESTING + 1},}}|~{{{2 * MAX_NESTING + 1},}}")
_ESCAPED = re.compile(r"\\[*_~\\]")
# A line opening with enough container marks to be MAX_NESTING deep (a list counts two), with
# or without the spaces a mark needs: every line check_body could refuse for its depth matches.
_MAYBE_DEEP = re.compile(rf"(?:[ \t]*(?:>|[-+*]|\d{{1,9}}[.)])){{{MAX_NESTING // 2}}}")


def check_body(source: str) -> None:
    """Raise :class:`BodyTooComplex` for a body too large, or nested too deep, for the engine.

    Pure and linear in the body's length: it reads each line's container marks (``>``,
    list items) and runs of emphasis marks, outside fenced code, and counts the quotation
    marks of each paragraph. A line that is a thematic
    break (``- - -``, ``* * *``) opens no list, whatever its length.
    """
    if len(source) > MAX_BODY_CHARS:
        raise BodyTooComplex(
            0,
            f"the body is too long ({len(source):,} characters; at most {MAX_BODY_CHARS:,})",
            "split the story, or remove pasted data",
        )
    lines = source.split("\n")
    if (
        source.count('"') + source.count("'") <= MAX_QUOTES
        and not any(mark * (2 * MAX_NESTING + 1) in source for mark in "*_~")
        and not any(map(_MAYBE_DEEP.match, lines))
    ):
        return  # the usual body: a few quick passes, none of the look at each line below
    check_lines(lines)


def check_lines(lines: list[str]) -> None:
    """:func:`check_body`'s look at each line (:class:`BodyTooComplex`), which its quick
    passes leave out when no line could fail it."""
    fence, quotes = "", 0
    for number, line in enumerate(lines):
        quotes = quotes + line.count('"') + line.count("'") if line.strip() else 0  # a blank line ends a paragraph
        if quotes > MAX_QUOTES:
            raise BodyTooComplex(
                number,
                f"this paragraph has more than {MAX_QUOTES:,} quotation marks",
                "split it with blank lines, or remove pasted data",
            )
        depth, at = _nesting(line)
        mark = _FENCE.match(line, at)
        if fence:  # inside fenced code: only its closing fence matters
            if mark and mark[1][0] == fence[0] and len(mark[1]) >= len(fence) and not line[mark.end() :].strip():
                fence = ""
            continue
        if depth >= MAX_NESTING:
            raise BodyTooComplex(
                number,
                f"this line nests quotes and lists {MAX_NESTING} levels deep or more (a list counts twice)",
                "the Markdown engine stops there and shows the rest as plain text: "
                "remove some of the `>`, `-` or `1.` marks",
            )
        if mark:
            fence = mark[1]
            continue
        run = _MARK_RUN.search(_ESCAPED.sub("  ", line))
        if run:
            raise BodyTooComplex(
                number,
                f"this line has a run of {len(run[0])} `{run[0][0]}` marks (at most {2 * MAX_NESTING})",
                f"each pair of marks nests emphasis one level deeper: write fewer, or escape them (`\\{run[0][0]}`)",
            )


def _nesting(line: str) -> tuple[int, int]:
    """The nesting levels the container marks opening ``line`` make (counted up to
    :data:`MAX_NESTING`), and where the text after them starts."""
    depth, at = 0, 0
    while depth < MAX_NESTING and not _THEMATIC_BREAK.match(line, at):
        mark = _CONTAINER.match(line, at)
        if mark is None or mark.end() == at:
            break
        depth += 1 if mark[1] else 2
        at = mark.end()
    return depth, at


@lru_cache(maxsize=4)
def make_parser(raw_html: bool = False) -> MarkdownIt:
    """The parser, configured: markdown-it-py's ``commonmark`` preset with typography,
    tables, strikethrough, footnotes and heading ids (imported here: a build that renders
    no body does not wait a tenth of a second for it)."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt("commonmark", {"html": raw_html, "typographer": True})
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.use(footnote_plugin)
    md.core.ruler.push("anchor", _anchor_rule)
    return md


def _anchor_rule(state: StateCore) -> None:
    """Ids on ``##``–``####`` headings, exactly as mdit-py-plugins' anchors plugin gives them
    (``anchors_plugin(min_level=2, max_level=4)``: :func:`heading_slug` of the heading's text
    and code, ``-1``, ``-2``… on repeats), in time linear in the number of headings."""
    taken: set[str] = set()
    tried: dict[str, int] = {}
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or not HEADING_LEVELS[0] <= int(token.tag[1]) <= HEADING_LEVELS[1]:
            continue
        children = tokens[index + 1].children or ()
        title = "".join(child.content for child in children if child.type in ("text", "code_inline"))
        token.attrSet("id", unique_slug(heading_slug(title), taken, tried))


def to_html(source: str, raw_html: bool = False) -> str:
    """Body HTML from Markdown; pure. Call :func:`check_body` first."""
    html = make_parser(raw_html).render(source)
    return sanitize_html(html) if raw_html else html


def render_markdown(source: str, raw_html: bool = False) -> Rendered:
    """Check a body (:class:`BodyTooComplex`), render it and read its first paragraph,
    length and links; pure."""
    check_body(source)
    html = to_html(source, raw_html)
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
    """The id mdit-py-plugins' anchors plugin gives a heading (its ``slugify``;
    test_markdown_engines compares them)."""
    return re.sub(r"[^\w\u4e00-\u9fff\- ]", "", title.lower().replace(" ", "-"))


def unique_slug(slug: str, taken: set[str], tried: dict[str, int]) -> str:
    """``slug``, or ``slug-1``, ``slug-2``… when taken: the anchors plugin's ``unique_slug``,
    which tries every suffix from 1 again for each repeat (quadratic: bench/README.md).
    ``tried`` remembers, for each slug, the suffix its last repeat got: the names below
    it were all taken then, and ``taken`` only grows, so the search goes on from there and
    gives the same id."""
    if slug not in taken:
        taken.add(slug)
        return slug
    n = tried.get(slug, 1)
    while f"{slug}-{n}" in taken:
        n += 1
    tried[slug] = n + 1
    unique = f"{slug}-{n}"
    taken.add(unique)
    return unique
