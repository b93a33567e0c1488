"""The content model: frozen dataclasses, no I/O.

An :class:`Article` is what one ``content/articles/**.md`` file says, checked
and completed (slug, URL, summary). :class:`Site` is every published article
with its tags, sections, authors and date archives.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .dates import Moment

BODY_START = 64
"""Characters of the body an :class:`Article` keeps."""


@dataclass(frozen=True, slots=True)
class Image:
    """The lead image of an article."""

    src: str
    """Site-relative path (``/images/x.jpg``) or absolute URL."""
    alt: str = ""
    """Text alternative read by screen readers."""
    caption: str = ""
    """Caption shown under the image."""
    credit: str = ""
    """Photographer or agency (``File photo``, ``AFP``)."""


@dataclass(frozen=True, slots=True)
class BodyLink:
    """A link or image in an article's body."""

    kind: str
    """``link`` or ``image``."""
    url: str
    """The URL as written (``/2025/07/20/slug/``, ``https://…``)."""
    line: int
    """Line of the file (0-based from the body's start inside :mod:`site_gen.markdown`)."""
    alt: str = ""
    """Alt text of an image."""


@dataclass(frozen=True, slots=True)
class Correction:
    """A correction notice shown at the top of an article."""

    date: Moment
    """When the correction was made."""
    text: str
    """What was corrected."""


@dataclass(frozen=True, slots=True)
class Article:
    """One article or static page, as read from its file."""

    source: str
    """The file, as shown in messages (``content/articles/2025/07/x.md``)."""
    source_hash: str
    """Hash of the file's bytes."""
    title: str
    """Headline."""
    date: Moment
    """Publication time, in the site's time zone."""
    slug: str
    """Last part of the URL."""
    path: str
    """Site path (``2025/07/20/slug/``), see :mod:`site_gen.urls`."""
    body: str
    """The start of the body, stripped (:data:`BODY_START` characters): enough to tell an
    empty body or ``site-gen new``'s placeholder. The whole body is rendered once, and
    only its HTML is kept (in the cache), so 10,000 articles do not hold their Markdown."""
    body_line: int
    """Line of the file on which the body starts."""
    key: str = ""
    """Identity of this version of the file (path + content hash): finds its body HTML."""
    body_images: tuple[tuple[str, int], ...] = ()
    """Local images of the body: site path (``images/x.jpg``) and line of the file."""
    reading_minutes: int = 1
    """Estimated minutes to read the body."""
    updated: Moment | None = None
    """Last substantive update, if any."""
    summary: str = ""
    """Plain-text summary (meta description, cards)."""
    dateline: str = ""
    """City the story was filed from (``KABUL``)."""
    authors: tuple[str, ...] = ()
    """Bylines, in order."""
    section: str = ""
    """Section name (``Security``); empty when none."""
    tags: tuple[str, ...] = ()
    """Tag names as written."""
    image: Image | None = None
    """Lead image."""
    lang: str = "en"
    """Language code of the text."""
    draft: bool = False
    """Drafts are built only with ``--drafts``."""
    aliases: tuple[str, ...] = ()
    """Old site paths that should lead here."""
    corrections: tuple[Correction, ...] = ()
    """Correction notices, oldest first."""
    translations: tuple[tuple[str, str], ...] = ()
    """Other-language versions named in front matter: ``(language, slug or file)`` pairs."""
    kind: str = "article"
    """``article`` or ``page`` (static pages: About, Contact)."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Front matter keys site_gen does not know, for custom templates."""
    lines: dict[str, int] = field(default_factory=dict, compare=False)
    """Line of each front matter key, for messages."""
    links: tuple[BodyLink, ...] = ()
    """Links and images of the body, with their lines in the file (for ``site-gen check``)."""


@dataclass(frozen=True, slots=True)
class Term:
    """A tag, section or author, with its articles newest first."""

    kind: str
    """``tag``, ``section`` or ``author``."""
    name: str
    """Name as shown."""
    slug: str
    """URL slug."""
    path: str
    """Site path of its first page."""
    articles: tuple[int, ...]
    """Indexes into :attr:`Site.articles`, newest first."""


@dataclass(frozen=True, slots=True)
class Period:
    """A year, month or day that has articles."""

    year: int
    month: int | None
    day: int | None
    path: str
    """Site path of its index page."""
    articles: tuple[int, ...]
    """Indexes into :attr:`Site.articles`, newest first."""
    latest: int = -1
    """Of those, the article changed last (see :func:`site_gen.collect.change_key`)."""


@dataclass(frozen=True, slots=True)
class Site:
    """Everything published, arranged for planning pages."""

    articles: tuple[Article, ...]
    """Published articles, newest first (ties by slug)."""
    pages: tuple[Article, ...]
    """Static pages, by slug."""
    tags: tuple[Term, ...]
    sections: tuple[Term, ...]
    authors: tuple[Term, ...]
    years: tuple[Period, ...]
    """Years with articles, newest first; likewise months and days."""
    months: tuple[Period, ...]
    days: tuple[Period, ...]
    related: tuple[tuple[int, ...], ...]
    """For each article, indexes of earlier related articles."""
    article_terms: tuple[dict[str, tuple[Term, ...]], ...] = ()
    """For each article, its terms by kind (``tag`` → tags)."""
    held_back: dict[str, int] = field(default_factory=dict)
    """Counts of ``drafts`` and ``scheduled`` left out."""
    languages: dict[str, tuple[int, ...]] = field(default_factory=dict)
    """Indexes of the articles in each language (the front page's other-language blocks)."""
    translations: tuple[tuple[int, ...], ...] = ()
    """For each article, the indexes of its published versions in other languages."""
    translation_errors: tuple = ()
    """Translations that name no story, another language's, or one claimed twice (ContentErrors)."""
    translation_targets: frozenset[str] = frozenset()
    """Every slug or file an article's ``translations:`` names, drafts' too: a story that takes
    or leaves such a slug may change a translation group (a rebuild reads everything then)."""
    latest_change: dict[str, int] = field(default_factory=dict)
    """For ``tag``, ``section`` and ``author``: the article changed last among those
    that have such a term (see :func:`site_gen.collect.change_key`); the term indexes show when."""


def identity(article: Article) -> str:
    """What identifies one version of an article: its key (file path + content hash),
    or, for an article made in code without one, a hash of its fields."""
    if article.key:
        return article.key
    from .cache import key_of  # only articles made in tests have no key

    return key_of(article)
