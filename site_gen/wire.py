"""Wire copy → front matter + Markdown; pure (text in, data out, no I/O).

Wire copy is news text as an editor pastes it from an e-mail or a web page::

    Headline on the first line

    A photo caption — File photo
    By Staff Reporter
    Sun Jul 20 2025
    icon-facebook icon-twitter icon-whatsapp

    KABUL: The lead paragraph …

    More paragraphs, separated by blank lines.

:func:`convert` reads it: the headline is the first line; the header lines
after it (caption, byline, date lines, share buttons) may come in any order;
the dateline opening the lead (``KABUL:``, ``ISLAMABAD, July 22 (APP) -``,
``کابل:``) goes to the ``dateline`` field; the body becomes Markdown in which
every character of the copy shows as typed (``<script>``, ``*``, ``[1]`` and
``{{ x }}`` are text, never markup); junk lines (share buttons, ``Also Read:``,
``Published in …`` footers) are dropped and listed. Problems that stop the
conversion raise :class:`~site_gen.errors.ContentError`; the others are
returned as warnings.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from . import urls
from .dates import Moment, NewsroomDate, parse_newsroom_date
from .errors import ContentError

SUMMARY_LENGTH = 220
HEADLINE_WARN_LENGTH = 200
CAPTION_MAX_LENGTH = 300
HEADER_SCAN_LINES = 8
"""Header lines (caption, byline, dates) are looked for this far below the headline."""

# -- text hygiene -----------------------------------------------------------
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
#: Invisible characters that only get in the way (zero-width space, soft hyphen, BOM, word joiner,
#: control characters). Zero-width (non-)joiners and direction marks stay: Urdu, Pashto and Dari need them.
_INVISIBLE = re.compile("[\u200b\u00ad\ufeff\u2060\u180e\x00-\x08\x0b-\x1f\x7f]")

# -- junk lines -------------------------------------------------------------
_SHARE_WORDS = frozenset(
    re.findall(
        r"\S+",
        "share shares sharing tweet facebook twitter x whatsapp linkedin telegram email e-mail mail print pinterest "
        "reddit messenger copy link url sms google+ this article on story via icon "
        # Urdu, Pashto and Dari share buttons: share (do/kṛa/kunid), Facebook, Twitter, WhatsApp, e-mail, print
        "شیئر شیئر کریں شیئر کیجیے شریک کړئ شریکول شریک کنید اشتراک اشتراک‌گذاری گذاری "
        "فیس بک فیسبوک فېسبوک ٹوئٹر ٹویٹر ټویټر توییتر واٹس واٹس ایپ واټساپ واتس‌اپ واتساپ ای میل ایمیل "
        "پرنٹ چاپ ټیلیگرام تلگرام ٹیلیگرام",
    )
)
#: The share words that make a line of share words a share line (not just "print this story").
_SHARE_MARKERS = frozenset(
    re.findall(
        r"\S+", "facebook twitter whatsapp tweet share شیئر شریک اشتراک فیس فیسبوک فېسبوک ٹوئٹر واٹس واټساپ واتساپ"
    )
)
_SHARE_SEPARATORS = re.compile(r"[\s|,/•·:،]+")
_JUNK_PATTERNS = [
    (
        re.compile(
            r"^(?:also\s+read|read\s+also|read\s+more|more\s+to\s+read|related|see\s+also|recommended)\b\s*[:\-–—|>]",
            re.I,
        ),
        "“read more” link",
    ),
    (
        # Urdu "also read / read more / related", Pashto "read this too / more", Dari "also read / related".
        re.compile(
            r"^(?:یہ\s+بھی\s+پڑھیں|یہ\s+بھی\s+پڑھیے|مزید\s+پڑھیں|متعلقہ(?:\s+خبریں|\s+خبر)?|دا\s+هم\s+ولولئ|دا\s+هم\s+ولوله|"
            r"نور\s+ولولئ|اړوند(?:\s+خبرونه)?|همچنین\s+بخوانید|این\s+را\s+هم\s+بخوانید|بیشتر\s+بخوانید|بخوانید|"
            r"مطالب\s+مرتبط|مرتبط)\s*[:\-–—|>]"
        ),
        "“read more” link",
    ),
    (re.compile(r"^published\s+in\s+\S.{0,100}$", re.I), "print edition footer"),
    (
        # یہ خبر/مضمون … اخبار میں شائع ہوئی · دا خبر … کې خپور شو · این گزارش … منتشر شده است
        re.compile(
            r"^(?:یہ\s+(?:خبر|مضمون|رپورٹ|تحریر)\s.{0,100}\sشائع\s+(?:ہوئی|ہوا)|"
            r"دا\s+(?:خبر|راپور|مقاله)\s.{0,100}\sخپور\s+(?:شو|شوی|شوې)(?:\s+دی|\s+ده)?|"
            r"(?:این|اين)\s+(?:گزارش|خبر|مقاله|مطلب)\s.{0,100}\sمنتشر\s+(?:شده|شد)(?:\s+است|\s+بود)?)[.۔]?$"
        ),
        "print edition footer",
    ),
    (re.compile(r"^(?:copyright\b|©|\(c\)\s*\d{4}|all\s+rights\s+reserved)", re.I), "copyright notice"),
    (
        re.compile(
            r"^(?:advertisement|sponsored|scroll\s+to\s+continue.*|story\s+continues\s+below.*|continue\s+reading.*)$",
            re.I,
        ),
        "advertisement",
    ),
    (
        re.compile(
            r"^(?:follow\s+(?:us|[\w ]{1,30})\s+on\b|join\s+our\b|subscribe\s+(?:to|for|now)\b|click\s+here\b|download\s+the\s+app\b).{0,120}$",
            re.I,
        ),
        "promotion",
    ),
    (re.compile(r"^[-*_=~#•·.\s]{3,}$"), "separator"),
    (re.compile(r"^(?:\d+\s+)?comments?(?:\s*\(\d+\))?$|^(?:leave|post)\s+a\s+comment$", re.I), "comments link"),
]

# -- header lines -----------------------------------------------------------
_BYLINE = re.compile(r"^by\s+(?P<names>[^\W\d_][^|]{0,80}?)\s*(?:\|\s*(?P<outlet>.{1,60}))?$", re.I)
_DESK_BYLINES = {
    name.lower(): name
    for name in (
        "Staff Reporter",
        "Our Correspondent",
        "Our Staff Reporter",
        "Staff Report",
        "Web Desk",
        "News Desk",
        "Monitoring Desk",
        "Monitoring Report",
        "Agencies",
        # Urdu: web desk, news desk, staff reporter, monitoring desk; Pashto: news desk, reporter; Dari: news desk
        "ویب ڈیسک",
        "نیوز ڈیسک",
        "اسٹاف رپورٹر",
        "سٹاف رپورٹر",
        "مانیٹرنگ ڈیسک",
        "د خبرونو ډیسک",
        "خبریال",
        "میز خبر",
        "گزارشگر",
    )
}
_CAPTION_LABEL = re.compile(
    r"^(?:photo\s*caption|caption|photo|picture|image|تصویر|فوٹو|انځور|عکس)\s*[:\-–—]\s*(?P<text>\S.*)$", re.I
)
_CREDIT_WORDS = re.compile(
    r"\b(?:photo|photos|file|pic|picture|image|courtesy|screengrab|screenshot|handout|reuters|afp|ap|app|xinhua|"
    r"anadolu|epa|getty|dawn|online|inp|nni|ppi|radio\s+pakistan|pid|ispr|"
    # Urdu: file photo, photo, picture, courtesy, AFP, Reuters; Pashto: picture, archive; Dari: photo, archive
    r"فائل|فوٹو|تصویر|بشکریہ|اے\s+ایف\s+پی|رائٹرز|انځور|ارشیف|آرشیف|عکس|فایل)\b",
    re.I,
)
_CREDIT_TAIL = re.compile(r"^(?P<caption>.*\S)\s*(?:\s[—–-]+|\s*\|)\s*(?P<credit>[^—–|]{1,40}?)\s*\.?$")
_CREDIT_PARENS = re.compile(r"^(?P<caption>.*?\S)\s*\((?P<credit>[^()]{1,40})\)\s*\.?$")

# -- datelines --------------------------------------------------------------
_MONTH_WORD = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_CITY_WORD = r"[A-Z][A-Z.'’\-]*[A-Z.]"
_LATIN_DATELINE = re.compile(
    rf"^(?P<city>{_CITY_WORD}(?:\s+{_CITY_WORD}){{0,3}})"
    rf"(?:\s*,\s*(?:{_MONTH_WORD}\s+\d{{1,2}}|\d{{1,2}}\s+{_MONTH_WORD})(?:,?\s*\d{{4}})?)?"
    r"(?:\s*\((?P<agency>[^()]{1,40})\))?"
    r"(?:\s*:\s*|\s+[-–—]+\s+|\s*[–—]+\s*)(?P<rest>\S.*)$"
)
_NOT_CITIES = frozenset(
    re.findall(
        r"\S+",
        "BREAKING UPDATE UPDATED EXCLUSIVE ANALYSIS OPINION EDITORIAL NOTE WATCH LIVE CORRECTION PHOTOS VIDEO "
        "COMMENT REVIEW FACTBOX EXPLAINER TIMELINE QUOTE FLASH URGENT",
    )
)
_ARABIC_LETTER = "\u0620-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff\u0750-\u077f"
_ARABIC_WORD = rf"[{_ARABIC_LETTER}\u064b-\u065f\u0670\u200c]+"
_ARABIC_DATELINE = re.compile(
    rf"^(?P<city>{_ARABIC_WORD}(?: {_ARABIC_WORD}){{0,2}})"
    r"(?:\s*\((?P<agency>[^()]{1,40})\))?"
    r"(?:\s*[:：]|\s+[-–—]+)\s*(?P<rest>\S.*)$"
)
#: Words that show an Urdu, Pashto or Dari phrase before a colon is a clause, not a place name.
_ARABIC_CLAUSE_WORDS = frozenset(
    re.findall(r"\S+", "نے کہا کہ ہے ہیں کی کا کے میں سے پر اور کو ته چې وویل وايي گفت که در از به را و")
)

# -- language ---------------------------------------------------------------
_ARABIC_SCRIPT_LETTER = re.compile(f"[{_ARABIC_LETTER}]")
_LATIN_LETTER = re.compile("[A-Za-z]")
_PASHTO = re.compile("[ټډړږښګڼۍېځڅ]")
_URDU = re.compile("[ٹڈڑںھےۂۃہ]")
_PERSIAN = re.compile("[پچژگکی]")
_ARABIC_ONLY = re.compile("[يكة]")

# -- body -------------------------------------------------------------------
_BULLET = re.compile(r"^(?:[•●▪◦■►▸‣⁃∙·]\s*|[-*+]\s+)(?P<text>\S.*)$")
_NUMBERED = re.compile(r"^(?P<number>\d{1,3})[.)]\s+(?P<text>\S.*)$")
_OPENING_QUOTE = "“\"‘'«„"
_ATTRIBUTION = re.compile(r"^[—–-]+\s*(?P<who>\S.{0,80})$")
_INLINE_SPECIAL = re.compile(r"[\\`*\[\]<~]|(?<!\w)_|_(?!\w)|&(?=#?\w+;)|\((?=(?:c|r|tm)\))", re.I)
_BLOCK_START = re.compile(
    r"^(?:(?P<hash>#{1,6})(?=\s|$)|(?P<mark>>|[+-](?=\s|$)|-(?=[\s-]*$))|(?P<num>\d{1,9})[.)](?=\s|$))"
)


@dataclass(frozen=True)
class Dropped:
    """A line of the copy that is not in the article."""

    line: int
    """1-based line number in the pasted text."""
    text: str
    """The line, cleaned."""
    reason: str
    """Why it went (``share buttons``, ``“read more” link``)."""


@dataclass(frozen=True)
class WireResult:
    """What :func:`convert` made of one piece of wire copy."""

    front_matter: dict[str, Any]
    """Fields in file order: title, date, [updated], slug, dateline, author(s), section, tags, image, [lang], summary."""
    body: str
    """The Markdown body, ending with a newline."""
    published: Moment
    """The article's date in the site's time zone (its folder is ``YYYY/MM``)."""
    dropped: tuple[Dropped, ...] = ()
    """Junk lines left out, in order."""
    warnings: tuple[ContentError, ...] = field(default=())
    """Things an editor should look at (severity ``warning``)."""

    @property
    def slug(self) -> str:
        """The article's slug (ASCII)."""
        return self.front_matter["slug"]

    def with_slug(self, slug: str) -> WireResult:
        """The same article under another slug (the importer numbers taken slugs)."""
        return replace(self, front_matter={k: (slug if k == "slug" else v) for k, v in self.front_matter.items()})

    def document(self) -> str:
        """The text of the article file: ``---``, YAML front matter, ``---``, the body."""
        return f"---\n{dump_front_matter(self.front_matter)}---\n\n{self.body}"


try:  # pragma: no cover - which dumper exists depends on the PyYAML build
    _SafeDumper = yaml.CSafeDumper  # libyaml's emitter: the same YAML, much faster
except AttributeError:  # pragma: no cover
    _SafeDumper = yaml.SafeDumper  # type: ignore[misc]


class _FrontMatterDumper(_SafeDumper):
    """Safe YAML that writes empty fields as nothing (``section:``) and dates unquoted.

    site_gen reads every date as text (:mod:`site_gen.yamlload`), so the
    timestamp-looking scalar needs no quotes; everything else is quoted by
    PyYAML's safe rules whenever it would not read back as the same text.
    """


_FrontMatterDumper.add_representer(type(None), lambda d, _: d.represent_scalar("tag:yaml.org,2002:null", ""))
_FrontMatterDumper.add_representer(
    list,  # tags: [Pakistan, Budget] as editors write them; a list of mappings (corrections) one item a line
    lambda d, items: d.represent_sequence(
        "tag:yaml.org,2002:seq", items, flow_style=all(isinstance(i, str | int | float) for i in items)
    ),
)
_FrontMatterDumper.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _SafeDumper.yaml_implicit_resolvers.items()
}


def dump_front_matter(fields: dict[str, Any]) -> str:
    """YAML for front matter fields, in their order, Unicode as is, one line per value."""
    return yaml.dump(fields, Dumper=_FrontMatterDumper, allow_unicode=True, sort_keys=False, width=1_000_000)


# ---------------------------------------------------------------------------
@dataclass
class _Line:
    number: int
    text: str
    block: int


@dataclass(frozen=True)
class Block:
    """One block of a formatted document (a Word paragraph, a list, a table; an HTML block element)."""

    text: str
    """Its plain text on one line: what the rules (headline, byline, dates, junk, dateline) read."""
    markdown: str = ""
    """Its Markdown, keeping emphasis, links, lists and tables; ``""`` for a block of plain text."""
    kind: str = "paragraph"
    """``paragraph``, ``title`` (the headline: a Word Title, an HTML ``<h1>``) or ``caption``
    (a Caption-styled or italic line beside the picture)."""


def convert(
    text: str,
    *,
    zone: ZoneInfo | str,
    source_name: str,
    today: date | None = None,
    rich: dict[int, str] | None = None,
    caption: str | None = None,
) -> WireResult:
    """Turn pasted wire copy into front matter and a Markdown body; pure.

    ``zone`` is the site's time zone (times without a zone are taken in it);
    ``source_name`` names the copy in messages; ``today`` is the date used,
    with a warning, when the copy has no date line (without it that is an
    error). ``rich`` maps a line of ``text`` to the Markdown that stands for it
    in the body (formatted documents, see :func:`convert_blocks`); ``caption``
    is a picture's caption found outside the text. Raises
    :class:`ContentError` when the text cannot be an article.
    """
    zone = ZoneInfo(zone) if isinstance(zone, str) else zone
    return _Converter(source_name, zone, rich or {}, caption).run(text, today)


def convert_blocks(
    blocks: list[Block], *, zone: ZoneInfo | str, source_name: str, today: date | None = None
) -> WireResult:
    """A formatted document's blocks → the article, by the same rules as wire copy: each block is one
    paragraph of copy (its plain text read by the rules), and the body keeps each block's Markdown.

    Line numbers in messages count blocks (``story.docx:3`` is its third paragraph)."""
    lines: list[str] = []
    rich: dict[int, str] = {}
    caption = None
    title = next((b for b in blocks if b.kind == "title" and b.text.strip()), None)
    ordered = ([title] if title else []) + [b for b in blocks if b is not title]
    for block in ordered:
        plain = " ".join(block.text.split())
        if not plain:
            continue
        if block.kind == "caption" and caption is None:
            caption = plain
            continue
        lines.append(plain)
        if block.markdown.strip() and block.kind != "title":
            rich[len(lines)] = block.markdown.strip()
        lines.append("")
    result = convert("\n".join(lines), zone=zone, source_name=source_name, today=today, rich=rich, caption=caption)
    block_of = {2 * i + 1: i + 1 for i in range(len(lines))}  # line 2i+1 of the text is block i+1
    return replace(
        result,
        dropped=tuple(replace(d, line=block_of.get(d.line, d.line)) for d in result.dropped),
        warnings=tuple(replace(w, line=block_of.get(w.line, w.line)) for w in result.warnings),
    )


class _Converter:
    def __init__(self, where: str, zone: ZoneInfo, rich: dict[int, str] | None = None, caption: str | None = None):
        self.where = where
        self.zone = zone
        self.rich = rich or {}
        self.caption = caption
        self.dropped: list[Dropped] = []
        self.warnings: list[ContentError] = []

    def warn(self, line: int, message: str, hint: str = "") -> None:
        self.warnings.append(ContentError(self.where, line, message, hint, "warning"))

    def fail(self, line: int, message: str, hint: str = "") -> ContentError:
        return ContentError(self.where, line, message, hint)

    # -- the steps ----------------------------------------------------------
    def run(self, text: str, today: date | None) -> WireResult:
        if "\x00" in text:
            raise self.fail(0, "the file holds binary data, not text", "save the wire copy as UTF-8 text")
        raw = [clean_line(line) for line in text.splitlines()]
        if not any(raw):
            raise self.fail(0, "the file is empty", "paste the wire copy into it")
        lines = self.split_blocks(raw)
        if len({line.block for line in lines}) < 2:
            first = next(i for i, t in enumerate(raw, 1) if t)
            raise self.fail(
                first,
                "no blank line: cannot tell the headline from the story",
                "put an empty line after the headline and between paragraphs",
            )
        lines = self.drop_junk(lines)
        head = self.read_header(lines)
        body_lines = lines[head.body_start :]
        if not body_lines:
            raise self.fail(
                head.title_line, "no story under the headline", "paste the paragraphs of the story after the headline"
            )
        blocks = _group(body_lines)
        if head.caption is None:
            head.caption = self.caption or self.caption_in_body(blocks)
        dateline, agency = self.take_dateline(blocks[0])
        body, _lead = render_body(blocks, self.rich)
        if not body.strip():
            raise self.fail(
                head.title_line, "no story under the headline", "paste the paragraphs of the story after the headline"
            )
        published, updated = self.dates(head, today)
        lang = detect_language(head.title + "\n" + "\n".join(line.text for block in blocks for line in block))
        authors = head.authors or ([agency] if agency else [])
        fields: dict[str, Any] = {"title": head.title, "date": published.isoformat()}
        if updated is not None:
            fields["updated"] = updated.isoformat()
        fields["slug"] = article_slug(head.title, published)
        fields["dateline"] = dateline or None
        if len(authors) > 1:
            fields["authors"] = authors
        else:
            fields["author"] = authors[0] if authors else None
        fields["section"] = None
        fields["tags"] = []
        if head.caption:
            caption, credit = split_credit(head.caption)
            fields["image"] = {"caption": caption, **({"credit": credit} if credit else {})}
        if lang:
            fields["lang"] = lang
        if head.standfirst:  # never the lead again: the article page shows the first paragraph itself
            fields["summary"] = head.standfirst
        return WireResult(fields, body, published, tuple(self.dropped), tuple(self.warnings))

    def split_blocks(self, raw: list[str]) -> list[_Line]:
        lines, block, previous_blank = [], 0, True
        for number, text in enumerate(raw, 1):
            if not text:
                previous_blank = True
                continue
            if previous_blank and lines:
                block += 1
            previous_blank = False
            lines.append(_Line(number, text, block))
        return lines

    def drop_junk(self, lines: list[_Line]) -> list[_Line]:
        kept, shift = [], 0
        for line in lines:
            reason = junk_reason(line.text)
            if reason:
                self.dropped.append(Dropped(line.number, line.text, reason))
                shift += 1  # a dropped line separates what was above it from what is below
                continue
            kept.append(_Line(line.number, line.text, line.block + shift))
        return kept

    def read_header(self, lines: list[_Line]) -> _Header:
        head = _Header()
        index = 0
        # The headline is the first line that is not a date or a byline.
        while index < len(lines) and self.header_kind(lines[index].text, head, lines[index].number, dry=True):
            self.header_kind(lines[index].text, head, lines[index].number)
            index += 1
        if index == len(lines):
            raise self.fail(lines[0].number, "no headline found", "put the headline on the first line")
        head.title = lines[index].text
        head.title_line = lines[index].number
        if len(head.title) > HEADLINE_WARN_LENGTH:
            self.warn(
                head.title_line,
                f"the headline is {len(head.title)} characters long",
                "is the first line the headline? edit `title` if not",
            )
        index += 1
        # Header lines come before the lead (which may open with a dateline), within a few lines.
        window = []
        for line in lines[index : index + HEADER_SCAN_LINES]:
            if dateline_of(line.text):
                break
            window.append(line)
        kinds = [self.header_kind(line.text, head, line.number, dry=True) for line in window]
        last = max((i for i, kind in enumerate(kinds) if kind), default=-1)
        others = [line for line, kind in zip(window[: last + 1], kinds, strict=False) if not kind]
        if len(others) > 2:  # not a header after all: a date line inside the story
            last, others = -1, []
        for line in window[: last + 1]:
            self.header_kind(line.text, head, line.number)
        if others:
            caption = None
            if head.caption is None:
                labelled = [line for line in others if _is_caption_like(line.text)]
                caption = labelled[0] if labelled else others[-1]
                head.caption = _strip_caption_label(caption.text)
            for line in others:
                if line is caption:
                    continue
                if head.standfirst:
                    self.warn(line.number, "an extra line above the story was left out", "add it back by hand")
                    self.dropped.append(Dropped(line.number, line.text, "extra header line"))
                else:
                    head.standfirst = line.text
                    self.warn(line.number, "took this line as the standfirst (summary)", "check `summary`")
        head.body_start = index + last + 1
        return head

    def header_kind(self, text: str, head: _Header, number: int, dry: bool = False) -> str:
        """What kind of header line ``text`` is (``date``, ``byline``, ``caption``), or ``""``."""
        try:
            when = parse_newsroom_date(text, self.zone)
        except ValueError as exc:
            if not dry:
                self.warn(number, f"{exc}; the line was left out", "add `date:` by hand")
                self.dropped.append(Dropped(number, text, "unreadable date"))
            return "date"
        if when is not None:
            if not dry:
                head.dates.append((number, when))
            return "date"
        names = byline_names(text)
        if names:
            if not dry:
                if head.authors:
                    self.warn(number, "a second byline; kept the first", "edit `author` if needed")
                else:
                    head.authors = names
            return "byline"
        label = _CAPTION_LABEL.match(text)
        if label and len(text) <= CAPTION_MAX_LENGTH and head.caption is None:
            if not dry:
                head.caption = _strip_caption_label(text)
            return "caption"
        return ""

    def take_dateline(self, lead: list[_Line]) -> tuple[str, str]:
        """Take the dateline off the lead's first line; ``(city, agency)``."""
        found = dateline_of(lead[0].text)
        if found is None:
            return "", ""
        city, agency, rest = found
        lead[0] = _Line(lead[0].number, rest, lead[0].block)
        if lead[0].number in self.rich:
            self.rich[lead[0].number] = _without_dateline(self.rich[lead[0].number], rest)
        return city, agency

    def caption_in_body(self, blocks: list[list[_Line]]) -> str | None:
        """A caption below the date: a short line before a dateline lead, or a line with a photo credit."""
        if len(blocks) < 2 or len(blocks[0]) != 1:
            return None
        text = blocks[0][0].text
        if len(text) > CAPTION_MAX_LENGTH or dateline_of(text):
            return None
        if dateline_of(blocks[1][0].text) or _is_caption_like(text):
            blocks.pop(0)
            return _strip_caption_label(text)
        return None

    def dates(self, head: _Header, today: date | None) -> tuple[Moment, Moment | None]:
        published: Moment | None = None
        updated: Moment | None = None
        for number, found in head.dates:
            if found.updated:
                if updated is None:
                    updated = found.moment
                    continue
            elif published is None:
                published = found.moment
                continue
            self.warn(number, "another date line; kept the first", "check `date` and `updated`")
        if published is None and updated is not None:
            published, updated = updated, None
        if published is None:
            if today is None:
                raise self.fail(
                    head.title_line + 1, "no date line found", "add a line such as `July 21, 2025` under the headline"
                )
            published = Moment(datetime.combine(today, time(0, 0), self.zone), has_time=False)
            self.warn(head.title_line, f"no date line found; dated {today.isoformat()} (today)", "check `date`")
        if updated is not None and updated <= published:
            updated = None
        return published, updated


@dataclass
class _Header:
    title: str = ""
    title_line: int = 1
    caption: str | None = None
    standfirst: str = ""
    authors: list[str] = field(default_factory=list)
    dates: list[tuple[int, NewsroomDate]] = field(default_factory=list)
    body_start: int = 0


# -- small pure helpers, each tested through convert() ----------------------
def clean_line(line: str) -> str:
    """One line with entities decoded, odd spaces and invisible characters gone, trimmed."""
    for _ in range(2):  # copy is often escaped twice: &amp;#8217;
        if "&" not in line:
            break
        line = _ENTITY.sub(lambda m: html.unescape(m.group()), line)
    line = unicodedata.normalize("NFC", line)
    if _INVISIBLE.search(line):
        line = _INVISIBLE.sub("", line)
    return " ".join(line.split())  # every kind of space (tab, no-break, thin) becomes one plain space


def junk_reason(text: str) -> str:
    """Why a whole line is junk (share buttons, “read more” links, footers), or ``""``."""
    words = [w for w in _SHARE_SEPARATORS.split(text.lower()) if w] if len(text) <= 160 else []
    if (
        words
        and len(words) <= 12
        and all(w in _SHARE_WORDS or w.startswith("icon-") for w in words)
        and any(w.startswith("icon-") or w in _SHARE_MARKERS for w in words)
    ):
        return "share buttons"
    for pattern, reason in _JUNK_PATTERNS:
        if pattern.match(text):
            return reason
    return ""


def byline_names(text: str) -> list[str]:
    """Author names of a byline (``By A and B | Outlet``), or ``[]``."""
    text = text.rstrip(".")
    desk = _DESK_BYLINES.get(text.lower())
    if desk:
        return [desk]
    match = _BYLINE.match(text)
    if not match or match["names"][0].islower() or match["names"].rstrip().endswith(("?", "!")):
        return []
    names = [n.strip() for n in re.split(r"\s*(?:,|&|\band\b)\s*", match["names"]) if n.strip()]
    if not names or any(len(n.split()) > 5 or n[0].islower() for n in names):
        return []
    return [_DESK_BYLINES.get(n.lower(), n.title() if n.isupper() else n) for n in names]


def dateline_of(text: str) -> tuple[str, str, str] | None:
    """``(city, agency, rest of the lead)`` when ``text`` opens with a dateline."""
    match = _LATIN_DATELINE.match(text)
    if match and match["city"] not in _NOT_CITIES and len(match["city"]) >= 2:
        return match["city"], (match["agency"] or "").strip(), match["rest"]
    match = _ARABIC_DATELINE.match(text)
    if match and not set(match["city"].split()) & _ARABIC_CLAUSE_WORDS:
        return match["city"], (match["agency"] or "").strip(), match["rest"]
    return None


def _is_caption_like(text: str) -> bool:
    if _CAPTION_LABEL.match(text):
        return True
    caption, credit = split_credit(text)
    return bool(credit)


def _strip_caption_label(text: str) -> str:
    label = _CAPTION_LABEL.match(text)
    return label["text"] if label else text


def split_credit(caption: str) -> tuple[str, str]:
    """``("Caption", "File photo")`` from ``Caption — File photo`` or ``Caption (Photo: AFP)``."""
    for pattern in (_CREDIT_TAIL, _CREDIT_PARENS):
        match = pattern.match(caption)
        if match and _CREDIT_WORDS.search(match["credit"]) and len(match["credit"].split()) <= 5:
            credit = re.sub(
                r"^(?:photo|picture|image|فوٹو|تصویر|انځور|عکس)\s*(?:by|از|:)\s*", "", match["credit"], flags=re.I
            ).strip()
            credit = credit[:1].upper() + credit[1:]
            return match["caption"].rstrip(" ,;:—–-|"), credit
    return caption, ""


def detect_language(text: str) -> str:
    """``ur``, ``ps``, ``fa`` or ``ar`` for copy mostly in Arabic script; ``""`` otherwise."""
    arabic = len(_ARABIC_SCRIPT_LETTER.findall(text))
    if arabic == 0 or arabic <= len(_LATIN_LETTER.findall(text)):
        return ""
    pashto = len(_PASHTO.findall(text))
    urdu = len(_URDU.findall(text))
    if pashto or urdu:
        return "ps" if pashto >= urdu else "ur"
    if _ARABIC_ONLY.search(text) and not _PERSIAN.search(text):
        return "ar"
    return "fa"


def article_slug(title: str, published: Moment) -> str:
    """ASCII slug: from the headline, or the date and a transliteration for Arabic script."""
    slug = "" if detect_language(title) else urls.slugify(title)
    return slug or urls.dated_slug(title, published.at.date())


def shorten(text: str, limit: int = SUMMARY_LENGTH) -> str:
    """At most ``limit`` characters, cut at a word, with ``…``."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:—–-") + "…"


# -- Markdown -----------------------------------------------------------------
def escape_inline(text: str) -> str:
    """Text that markdown-it shows exactly as typed: no emphasis, links, HTML or entities."""
    return _INLINE_SPECIAL.sub(r"\\\g<0>", text)


def escape_line(text: str) -> str:
    """:func:`escape_inline`, and the start of the line cannot open a heading, list or quote."""
    text = escape_inline(text)
    match = _BLOCK_START.match(text)
    if not match:
        return text
    if match["hash"]:
        return "\\" + text
    if match["mark"]:
        return "\\" + text
    return f"{match['num']}\\{text[len(match['num']) :]}"


def _group(lines: list[_Line]) -> list[list[_Line]]:
    blocks: list[list[_Line]] = []
    for line in lines:
        if blocks and blocks[-1][-1].block == line.block:
            blocks[-1].append(line)
        else:
            blocks.append([line])
    return blocks


def _without_dateline(markdown: str, rest: str) -> str:
    """A formatted lead's Markdown from where the text after its dateline (``rest``) begins."""
    words = rest.split()[:3]
    if words:
        pattern = r"\W*".join(re.escape(escape_inline(w)) for w in words)
        found = re.search(pattern, markdown)
        if found:
            opened = markdown[: found.start()]
            marks = re.findall(r"\*\*|__|\*|_", opened)
            unclosed = [m for m in marks if opened.count(m) % 2]
            return "".join(dict.fromkeys(unclosed)) + markdown[found.start() :]
    return escape_line(rest)


def render_body(blocks: list[list[_Line]], rich: dict[int, str] | None = None) -> tuple[str, str]:
    """Markdown of the body blocks, and the plain text of the first paragraph.

    A block whose first line is in ``rich`` is that Markdown (a formatted document's block)."""
    parts: list[str] = []
    lead = ""
    previous_list = False
    for block in blocks:
        texts = [line.text for line in block]
        if rich and block[0].number in rich:
            lead = lead or " ".join(texts)
            parts.append(rich[block[0].number])
            previous_list = False
            continue
        quote = _pull_quote(texts)
        if quote is not None:
            parts.append(quote)
            previous_list = False
            continue
        for kind, items in _runs(texts):
            if kind == "paragraph":
                paragraph = " ".join(items)
                lead = lead or paragraph
                parts.append(escape_line(paragraph))
                previous_list = False
            else:
                marker = "-" if kind == "bullets" else None
                rendered = [
                    f"{marker} {escape_line(text)}" if marker else f"{number}. {escape_line(text)}"
                    for number, text in items
                ]
                if previous_list == kind:  # bullets split by blank lines stay one list
                    parts[-1] += "\n" + "\n".join(rendered)
                else:
                    parts.append("\n".join(rendered))
                previous_list = kind
    return "\n\n".join(parts) + "\n", lead


def _runs(texts: list[str]):
    """Split a block into runs of paragraph lines, bullets and (two or more) numbered lines."""
    runs: list[tuple[str, list]] = []
    numbered = [_NUMBERED.match(t) for t in texts]
    many_numbers = sum(1 for m in numbered if m) >= 2
    for text, number in zip(texts, numbered, strict=True):
        bullet = _BULLET.match(text)
        if bullet:
            kind, item = "bullets", (None, bullet["text"])
        elif number and many_numbers:
            kind, item = "numbers", (int(number["number"]), number["text"])
        else:
            kind, item = "paragraph", text
        if runs and runs[-1][0] == kind:
            runs[-1][1].append(item)
        else:
            runs.append((kind, [item]))
    return runs


def _pull_quote(texts: list[str]) -> str | None:
    """A pull quote (a quotation over several lines, or lines marked ``>``) as one block quote."""
    if all(t.startswith(">") for t in texts):
        texts = [t.lstrip("> ").strip() for t in texts]
        texts = [t for t in texts if t]
    elif len(texts) < 2 or texts[0][0] not in _OPENING_QUOTE:
        return None
    if not texts:
        return None
    attribution = _ATTRIBUTION.match(texts[-1]) if len(texts) > 1 else None
    words = texts[:-1] if attribution else texts
    lines = [escape_line(" ".join(words))]
    if attribution:
        lines[0] += "\\"  # a hard line break before the attribution
        lines.append("— " + escape_inline(attribution["who"]))
    return "\n".join("> " + line for line in lines)
