"""The only place that knows URL, slug and output-path rules.

Site paths never start with a slash: ``2025/07/20/slug/`` is the article
page, written to ``2025/07/20/slug/index.html``. :func:`href` turns a site
path into the link a page uses (with the base URL's path as prefix, and
non-ASCII characters percent-encoded), :func:`absolute` into a full URL.

==================  ====================================
article             ``YYYY/MM/DD/slug/``
static page         ``slug/``
tag/section/author  ``tags/slug/``, then ``tags/slug/page/N/``
date indexes        ``YYYY/``, ``YYYY/MM/``, ``YYYY/MM/DD/``
home                ``""``, then ``page/N/``
site feeds          ``feed.xml`` (Atom), ``feed.json``, ``rss.xml``
section/tag feed    ``sections/slug/feed.xml``, ``tags/slug/feed.xml``
sitemaps            ``sitemap.xml`` (an index past the limit, with
                    ``sitemap-1.xml``…), ``news-sitemap.xml``,
                    ``robots.txt``
==================  ====================================
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence, Set
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple, Protocol
from urllib.parse import quote, quote_plus, urlsplit

MAX_SLUG_LENGTH = 80
"""Longest slug made from a title (a readable link); an editor's own ``slug:`` may be longer."""
MAX_SLUG_BYTES = 200
"""Longest ``slug:`` an editor may write, in UTF-8 bytes: a file or folder name may have 255."""
#: Characters of a slug besides letters, digits and combining marks (any script): URL-safe as they are.
SLUG_PUNCTUATION = frozenset("-_.~")
TAXONOMY_FOLDERS = {"tag": "tags", "section": "sections", "author": "authors"}
_ASCII_RUN = re.compile(r"[^a-z0-9]+")
_VALID_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
#: First-level folders that belong to the site's own pages, not to static slugs.
RESERVED = frozenset(
    {
        "tags",
        "sections",
        "authors",
        "page",
        "search",
        "feed.xml",
        "feed.json",
        "rss.xml",
        "sitemap.xml",
        "news-sitemap.xml",
        "robots.txt",
        "404.html",
        "pagefind",
        "digest",
    }
)
SEARCH_BUNDLE = "pagefind"
"""Folder of the search index (:mod:`site_gen.search`): no page, alias or static file may use it."""
ATOM_FEED = "feed.xml"
JSON_FEED = "feed.json"
RSS_FEED = "rss.xml"
SITEMAP = "sitemap.xml"
NEWS_SITEMAP = "news-sitemap.xml"
ROBOTS = "robots.txt"


def slugify(text: str) -> str:
    """ASCII slug of a title: ``Pakistan’s Budget: 5% More`` → ``pakistans-budget-5-more``.

    Returns an empty string for text without Latin letters or digits (Urdu
    titles); callers then fall back (see :func:`term_slug`).
    """
    text = unicodedata.normalize("NFKD", str(text)).replace("’", "").replace("'", "")
    ascii_text = text.encode("ascii", "ignore").decode("ascii").lower()
    slug = _ASCII_RUN.sub("-", ascii_text).strip("-")
    if len(slug) > MAX_SLUG_LENGTH:
        # Cut at the last word boundary that keeps the slug within the limit.
        cut = slug[: MAX_SLUG_LENGTH + 1].rsplit("-", 1)[0]
        slug = cut[:MAX_SLUG_LENGTH].strip("-")
    return slug


@lru_cache(maxsize=65536)
def term_slug(name: str) -> str:
    """Slug of a tag, section or author; keeps non-Latin letters (``پاکستان``).

    A name with letters of another script (``CPEC منصوبہ``) keeps all of them,
    so that it does not share the URL of its Latin part (``cpec``).
    """
    if not any(_is_non_latin_letter(ch) for ch in unicodedata.normalize("NFKD", str(name))):
        slug = slugify(name)
        if slug:
            return slug
    text = unicodedata.normalize("NFC", str(name)).replace("’", "").replace("'", "").lower()
    # Letters, digits and combining marks (vowel signs, harakat) stay; the rest separates words.
    kept = "".join(ch if ch.isalnum() or unicodedata.category(ch)[0] == "M" else " " for ch in text)
    return "-".join(kept.split())[:MAX_SLUG_LENGTH].strip("-")


def _is_non_latin_letter(ch: str) -> bool:
    return ch.isalnum() and not ch.isascii() and not unicodedata.name(ch, "").startswith("LATIN")


#: Rough Latin letters for Urdu, Pashto and Dari script, for slugs only.
_ARABIC_SCRIPT_LATIN = str.maketrans(
    {
        **dict.fromkeys("اآأإٱ", "a"),
        "ب": "b",
        "پ": "p",
        **dict.fromkeys("تٹټط", "t"),
        **dict.fromkeys("ثسص", "s"),
        **dict.fromkeys("شښ", "sh"),
        "ج": "j",
        "چ": "ch",
        "ځ": "z",
        "څ": "ts",
        **dict.fromkeys("حهہھۂۃ", "h"),
        "ة": "a",
        "خ": "kh",
        **dict.fromkeys("دڈډ", "d"),
        **dict.fromkeys("ذزضظ", "z"),
        **dict.fromkeys("رڑړ", "r"),
        "ژ": "zh",
        "ږ": "g",
        **dict.fromkeys("عءئ", ""),
        "غ": "gh",
        "ف": "f",
        "ق": "q",
        **dict.fromkeys("کك", "k"),
        **dict.fromkeys("گګ", "g"),
        "ل": "l",
        "م": "m",
        **dict.fromkeys("نںڼ", "n"),
        **dict.fromkeys("وؤ", "o"),
        **dict.fromkeys("یيىۍ", "i"),
        **dict.fromkeys("ےې", "e"),
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
    }
)
DATED_SLUG_WORDS = 4


def transliterate(text: str) -> str:
    """A rough Latin spelling of Urdu, Pashto or Dari script (``کابل`` → ``kabl``), for slugs."""
    return unicodedata.normalize("NFC", str(text)).translate(_ARABIC_SCRIPT_LATIN)


def dated_slug(title: str, day) -> str:
    """ASCII slug of a headline in Arabic script: the date and a short transliteration.

    ``2025-07-22-pakstan-afghanstan``; only the date when nothing is left
    (callers number the slug if it is taken: ``2025-07-22-2``).
    """
    words = slugify(transliterate(title)).split("-")[:DATED_SLUG_WORDS]
    return "-".join([f"{day:%Y-%m-%d}", *[w for w in words if w]])


def numbered_slug(slug: str, number: int) -> str:
    """The slug for the ``number``-th story that wants ``slug`` (``slug-2``); 1 is ``slug`` itself."""
    return slug if number <= 1 else f"{slug}-{number}"


def is_valid_slug(slug: str) -> bool:
    """A slug an editor may write in front matter (see :func:`slug_problem`)."""
    return slug_problem(slug) is None


def _char_name(ch: str) -> str:
    if ch == " ":
        return "a space"
    if ch.isspace() or unicodedata.category(ch)[0] == "C":
        return f"U+{ord(ch):04X} ({unicodedata.name(ch, 'a control character').lower()})"
    return repr(ch)


def slug_problem(slug: str) -> tuple[str, str] | None:
    """Why ``slug`` cannot be an article's or page's ``slug:`` (message, hint), or None.

    Any letters, digits and combining marks of any script are accepted, with
    ``-``, ``_``, ``.`` and ``~`` (each carried by a URL as it is, and by every
    file system), up to :data:`MAX_SLUG_BYTES` bytes. A slug may not begin
    with ``.`` (hosts hide such folders).
    """
    example = slugify(slug) or "budget-2025-26"
    bad = sorted(
        {ch for ch in slug if not (ch.isalnum() or ch in SLUG_PUNCTUATION or unicodedata.category(ch)[0] == "M")}
    )
    if bad:
        names = ", ".join(_char_name(ch) for ch in bad)
        return (
            f"slug {slug!r} may not contain {names}: a URL or file name cannot carry {'it' if len(bad) == 1 else 'them'}",
            f"use letters, digits and hyphens, e.g. {example}",
        )
    if slug.startswith("."):
        return f"slug {slug!r} begins with '.', which hosts hide", f"remove the leading dot, e.g. {example}"
    size = len(slug.encode("utf-8"))
    if size > MAX_SLUG_BYTES:
        unit = "characters" if slug.isascii() else f"bytes in UTF-8 ({len(slug)} characters)"
        return (
            f"slug {slug[:24] + '…'!r} is {size} {unit} long; the limit is {MAX_SLUG_BYTES}",
            "shorten it: the slug is a folder name and a link people share",
        )
    return None


def is_safe_path(path: str) -> bool:
    """Whether a site path stays inside the output folder.

    Refuses ``..`` parts, absolute paths, backslashes, Windows drive letters,
    NUL and other control characters.
    """
    if not path or path.startswith(("/", "\\")) or "\\" in path or ":" in path:
        return path == ""
    if _CONTROL.search(path):
        return False
    if "." not in path:
        return True
    parts = path.split("/")
    return "." not in parts and ".." not in parts


def article_path(published: datetime, slug: str) -> str:
    """``2025/07/20/slug/``, the date being the local publication date."""
    return f"{published:%Y/%m/%d}/{slug}/"


def page_path(slug: str) -> str:
    """Static page (About, Contact): ``slug/``."""
    return f"{slug}/"


def term_path(kind: str, slug: str) -> str:
    """``tags/slug/``, ``sections/slug/`` or ``authors/slug/``."""
    return f"{TAXONOMY_FOLDERS[kind]}/{slug}/"


def taxonomy_index_path(kind: str) -> str:
    """``tags/``, ``sections/`` or ``authors/``."""
    return f"{TAXONOMY_FOLDERS[kind]}/"


def archive_path(year: int, month: int | None = None, day: int | None = None) -> str:
    """``2025/``, ``2025/07/`` or ``2025/07/20/``."""
    if month is None:
        return f"{year:04d}/"
    if day is None:
        return f"{year:04d}/{month:02d}/"
    return f"{year:04d}/{month:02d}/{day:02d}/"


def digest_path(year: int, month: int, day: int, lang: str | None = None) -> str:
    """A day's digest page (the stories of the e-mail digest): ``digest/2025/07/20/``, or
    ``ur/digest/2025/07/20/`` in a language other than the site's default."""
    path = f"digest/{archive_path(year, month, day)}"
    return path if lang is None else language_path(lang, path)


def paged_path(first: str, number: int | None) -> str:
    """Later pages of a list: ``tags/x/page/3/``; ``None`` is the list's first page."""
    return first if number is None else f"{first}page/{number}/"


def language_path(lang: str, path: str = "") -> str:
    """A page of a language other than the site's default, under its code: ``ur/``,
    ``ur/tags/pakistan/``, ``ur/feed.xml``, ``ur/search/``."""
    return f"{lang}/{path}"


def output_file(path: str) -> str:
    """File written for a site path: folders get ``index.html``."""
    return path + "index.html" if path == "" or path.endswith("/") else path


def fold_path(path: str) -> str:
    """Paths that are one file on Windows and macOS (case and Unicode form ignored)."""
    return path.lower() if path.isascii() else unicodedata.normalize("NFC", path).casefold()


SAME, CASE, UNDER, OVER = "same", "case", "under", "over"
"""The kinds of :class:`Clash`."""


class Clash(NamedTuple):
    """Two output files that cannot both be written (see :func:`output_clashes`)."""

    index: int
    """The claim that clashes (its position in the paths given): the later one of two claims."""
    other: int
    """The earlier claim it clashes with, or -1 for a file already in the output (``taken``)."""
    kind: str
    """:data:`SAME` path; the same in all but :data:`CASE` and Unicode form; :data:`UNDER` a file
    where the claim needs a folder (``other`` is that file); :data:`OVER`: the claim is a file
    where files already in the output need a folder (``other`` is -1)."""
    path: str
    """The other file's path ("" when ``taken`` only tells that there is one)."""


class Taken(Protocol):
    """Files already in the output folder, asked about as :func:`output_clashes` needs."""

    def __contains__(self, path: object) -> bool:
        """Whether a file is at ``path``."""

    def folds(self, folded: str) -> bool:
        """Whether a file is at a path whose :func:`fold_path` is ``folded``."""

    def holds(self, folder: str) -> bool:
        """Whether files are below ``folder/``."""


class TakenPaths:
    """:class:`Taken` over a set of output paths (the last build's files, the static ones):
    a few new paths asked about against a hundred thousand. At that size one text search a
    new path is quicker than a set of every folded path or folder; a path with a line break
    in it can only make a clash appear, never hide one."""

    def __init__(self, paths: Set[str]):
        self.paths = paths
        self._text: str | None = None
        self._low: str | None = None
        self._folds: set[str] | None = None

    def __contains__(self, path: object) -> bool:
        return path in self.paths

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = "\n" + "\n".join(self.paths) + "\n"
        return self._text

    def folds(self, folded: str) -> bool:
        if self.text.isascii():  # folding ASCII is lower()
            if self._low is None:
                self._low = self.text.lower()
            return f"\n{folded}\n" in self._low
        if self._folds is None:
            self._folds = {fold_path(path) for path in self.paths}
        return folded in self._folds

    def holds(self, folder: str) -> bool:
        return f"\n{folder}/" in self.text


def output_clashes(paths: Sequence[str], taken: Taken | None = None, fold: bool = True) -> list[Clash]:
    """Every clash of output files: the one place that knows them, for the planner, ``check``,
    a rebuild's quick path and the writer (which asks about what is on disk).

    ``paths`` are the files to write, in the order they are claimed: the first claim of a
    path (or, with ``fold``, of its :func:`fold_path`) owns it, and every later claim of it
    clashes with that one (:data:`SAME`, :data:`CASE`). Then each path claimed (once) clashes
    with every file among its folders (:data:`UNDER`, shallowest first). ``taken`` are the
    files already in the output: a claim of one of them rewrites it (whatever could be in its
    way was there when it was written, so it is checked against the other claims only);
    every other claim clashes with a taken file in all but case, a taken file among its
    folders, or taken files below it (:data:`OVER`).

    Clashes of the first kinds come first, in claim order, then those of folders."""
    first: dict[str, int] = {}
    folded: dict[str, int] = {}
    found: list[Clash] = []
    for i, path in enumerate(paths):
        j = first.setdefault(path, i)
        if j != i:
            found.append(Clash(i, j, SAME, paths[j]))
            continue
        if fold:
            j = folded.setdefault(fold_path(path), i)
            if j != i:
                found.append(Clash(i, j, CASE, paths[j]))
            elif taken is not None and path not in taken and taken.folds(fold_path(path)):
                found.append(Clash(i, -1, CASE, ""))
    for path, i in first.items():
        new = taken is not None and path not in taken
        slash = path.find("/")
        while slash != -1:  # every folder above ``path``: ``a``, ``a/b``…
            folder = path[:slash]
            j = first.get(folder)
            if j is not None:
                found.append(Clash(i, j, UNDER, folder))
            elif new and folder in taken:
                found.append(Clash(i, -1, UNDER, folder))
            slash = path.find("/", slash + 1)
        if new and taken.holds(path):
            found.append(Clash(i, -1, OVER, ""))
    return found


_PLAIN_PATH = re.compile(r"[A-Za-z0-9/._~-]*")


@lru_cache(maxsize=1 << 17)
def _quote_path(path: str) -> str:
    # Pages link to the same few thousand paths over and over: remember each answer.
    return path if _PLAIN_PATH.fullmatch(path) else quote(path, safe="/-._~")


def href(base_path: str, path: str) -> str:
    """Link to a site path, from any page: ``/news/2025/07/20/slug/``."""
    return base_path + _quote_path(path)


_BODY_ROOT_LINK = re.compile(r'(\s(?:href|src)=")(/(?!/)[^"]*)')


def body_link(url: str, base_path: str) -> str:
    """The link a page uses for a root-relative URL written in a body or front matter.

    ``/2025/07/20/slug/`` and ``/contact/`` are site paths, read from the site's
    root: under ``base_url: https://example.org/news/`` they become
    ``/news/2025/07/20/slug/`` and ``/news/contact/``. A URL that already starts
    with the base path (written with the prefix) is kept as it is, and so is every
    other kind of URL (``https://…``, ``//host/…``, ``#note``, ``other/page/``).
    """
    if base_path == "/" or url[:1] != "/" or url[:2] == "//":
        return url
    if url.startswith(base_path) or url == base_path.rstrip("/") or url.startswith(base_path.rstrip("/") + "?"):
        return url
    return base_path + url[1:]


def body_links(html: str, base_path: str) -> str:
    """``html`` with the root-relative ``href`` and ``src`` values put under the base path (:func:`body_link`)."""
    if base_path == "/" or '="/' not in html:
        return html
    return _BODY_ROOT_LINK.sub(lambda m: m[1] + body_link(m[2], base_path), html)


def absolute(base_url: str, path: str) -> str:
    """Full URL of a site path, for feeds, sitemaps and canonical links."""
    return base_url + _quote_path(path)


def absolute_all(base_url: str, paths: Iterable[str]) -> list[str]:
    """:func:`absolute` of many paths, each once (a sitemap's: past the memo's size, it only slows them)."""
    paths = paths if isinstance(paths, list) else list(paths)
    if _PLAIN_PATH.fullmatch("".join(paths)):  # nothing to quote (a site's own slugs): one check for all
        return [base_url + path for path in paths]
    quote_path = _quote_path.__wrapped__
    return [base_url + quote_path(path) for path in paths]


def term_feed_path(kind: str, slug: str) -> str:
    """Atom feed of a section or tag: ``tags/slug/feed.xml``."""
    return term_path(kind, slug) + ATOM_FEED


def sitemap_part_path(number: int) -> str:
    """``sitemap-3.xml``: one part of a sitemap index, at the site root.

    Parts stay next to the index, because a sitemap may list only URLs at or
    below its own folder.
    """
    return f"sitemap-{number}.xml"


def absolute_src(base_url: str, src: str) -> str:
    """Full URL of an image or file given in front matter or ``site.yaml``.

    ``https://…`` stays as it is, ``//host/x`` gets the site's scheme, and a
    site path (``/images/x.jpg`` or ``images/x.jpg``) is taken from the site root.
    """
    if src.startswith(("http://", "https://")):
        return src
    if src.startswith("//"):
        return urlsplit(base_url).scheme + ":" + src
    return absolute(base_url, src.lstrip("/"))


def tag_uri(base_url: str, day: str, specific: str) -> str:
    """A ``tag:`` URI (RFC 4151): ``tag:news.example.org,2025-07-20:articles/2025/07/x``.

    ``day`` is an ISO date, ``specific`` any text; it is percent-encoded.
    """
    host = (urlsplit(base_url).hostname or "localhost").lower()
    return f"tag:{host},{day}:{quote(specific, safe='/-._~')}"


_QUERY_TABLE = {
    i: chr(i) if chr(i).isalnum() or chr(i) in "_.-~" else ("+" if i == 32 else f"%{i:02X}") for i in range(128)
}


def _query_value(text: str) -> str:
    """``quote_plus`` for a query value; ASCII text by table (much faster), the rest by urllib."""
    return text.translate(_QUERY_TABLE) if text.isascii() else quote_plus(text)


def share_links(url: str, title: str) -> list[dict[str, str]]:
    """Plain share links for a story (no third-party script): name and URL."""
    # Quoting is per character, so the value of "title url" is the two values joined by "+" (the space),
    # and quote(x, safe="") is the query value with "%20" for "+" (a "+" of the text is "%2B").
    u, t = _query_value(url), _query_value(title)
    both = f"{t}+{u}"
    return [
        {"name": "WhatsApp", "url": f"https://wa.me/?text={both}"},
        {"name": "Facebook", "url": f"https://www.facebook.com/sharer/sharer.php?u={u}"},
        {"name": "X", "url": f"https://x.com/intent/post?url={u}&text={t}"},
        {"name": "Telegram", "url": f"https://t.me/share/url?url={u}&text={t}"},
        {"name": "Email", "url": f"mailto:?subject={t.replace('+', '%20')}&body={u.replace('+', '%20')}"},
    ]
