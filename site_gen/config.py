"""Site configuration, read from ``site.yaml``.

Every problem (unknown key, wrong type, bad value) is reported at once, each
with its line. The result is a frozen :class:`Config` passed as an argument:
there is no global configuration.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .dates import site_zone
from .errors import BuildFailed, ContentError
from .hashing import content_hash
from .sources import NotRegularFile, read_content, refuse_not_xml
from .yamlload import YamlError, load_mapping

RTL_LANGUAGES = frozenset({"ur", "ps", "fa", "ar", "sd", "ug", "he", "yi", "dv"})


@dataclass(frozen=True)
class Publisher:
    """Who publishes the site (shown in the footer and in structured data)."""

    name: str
    """Name of the news organisation."""
    logo: str = ""
    """Site-relative path of its logo (``/images/logo.png``), or empty."""
    icon: str = ""
    """Site-relative path of a square raster of at least 512×512 px in ``static/``, or empty:
    the favicon set, the web app manifest's icons and the raster publisher logo of the
    structured data are resized from it (:mod:`site_gen.share`)."""


@dataclass(frozen=True)
class Config:
    """Everything ``site.yaml`` says, checked."""

    title: str
    """Name of the site, shown in every page header."""
    base_url: str
    """Absolute URL of the site root, always ending in ``/``."""
    description: str = ""
    """One sentence about the site (home page meta description)."""
    language: str = "en"
    """Default language of articles (BCP 47 code)."""
    timezone: str = "Asia/Karachi"
    """IANA time zone in which dates are read and shown."""
    per_page: int = 10
    """Articles per list page (home, tag, section, author pages)."""
    publisher: Publisher = field(default_factory=lambda: Publisher(""))
    """The news organisation."""
    menu: tuple[str, ...] = ()
    """Sections shown in the navigation, in order."""
    raw_html: bool = False
    """Allow raw HTML inside Markdown bodies (off by default)."""
    feed_items: int = 20
    """Newest articles in each feed (Atom, RSS, JSON Feed, section and tag feeds)."""
    sitemap_limit: int = 50_000
    """URLs per sitemap file; past it ``sitemap.xml`` becomes an index (the protocol's maximum)."""
    offline_stories: int = 20
    """Newest stories the service worker keeps for reading offline (with the front page);
    0 leaves the service worker out (``make serve``'s preview has none)."""
    share_cards_days: int = 7
    """Days after its date during which a story without a photo is shared with a card of its
    own, drawn with its headline (:mod:`site_gen.share`); older ones share the site's card,
    drawn once. 0 gives every story without a photo the site's card."""
    source_hash: str = ""
    """Hash of the configuration file's bytes (for caches)."""

    @cached_property
    def base_path(self) -> str:
        """Path part of ``base_url`` (``/`` or ``/news/``): prefix of every site link."""
        return urlsplit(self.base_url).path or "/"

    def is_rtl(self, lang: str) -> bool:
        """Whether a language is written right to left."""
        return lang.split("-")[0].lower() in RTL_LANGUAGES


def markdown_engine(raw_html: bool) -> str:
    """The Markdown engine that renders bodies, for the cache's settings key (see
    :mod:`site_gen.markdown`): markdown-it-py, the reference, for every site. (It was
    ``fast``, markdown-it-pyrs, without raw HTML: a cache it filled is not used again.)"""
    return "reference"


_FIELDS: dict[str, type | tuple[type, ...]] = {
    "title": str,
    "description": str,
    "base_url": str,
    "language": str,
    "timezone": str,
    "per_page": int,
    "publisher": dict,
    "menu": list,
    "raw_html": bool,
    "feed_items": int,
    "sitemap_limit": int,
    "offline_stories": int,
    "share_cards_days": int,
}
_REQUIRED = ("title", "base_url")
BASE_URL_HINT = "e.g. https://news.example.org/"
_URL_UNSAFE = re.compile(r"[\x00-\x20\x7f\\\"'<>`]")


def checked_base_url(url: str) -> str:
    """The one rule for the site's address, for ``base_url`` in site.yaml and ``--base-url``
    alike: an absolute http(s) URL with a host and no query or fragment (every link starts
    with it), returned ending in ``/``. Raises ValueError saying what is wrong, in words that
    follow the name of the setting (``must be an absolute http(s) URL, not 'ftp://x'``)."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or _URL_UNSAFE.search(url):
        raise ValueError(f"must be an absolute http(s) URL, not {url!r}")
    if parts.query or parts.fragment or "?" in url or "#" in url:
        raise ValueError(f"must not hold a query or a fragment (`?`, `#`): {url!r}")
    return url if url.endswith("/") else url + "/"


_TYPE_WORDS = {str: "text", int: "a whole number", dict: "a mapping", list: "a list", bool: "true or false"}


def load_config(path: Path, shown_as: str | None = None) -> Config:
    """Read and check ``site.yaml``; raise :class:`BuildFailed` with every problem."""
    where = shown_as or path.as_posix()
    try:
        data = read_content(path)
    except FileNotFoundError:
        raise BuildFailed(
            [ContentError(where, 0, "configuration file not found", "create site.yaml or pass --config FILE")]
        ) from None
    except NotRegularFile as exc:
        raise BuildFailed([ContentError(where, 0, exc.strerror, "pass --config FILE naming site.yaml")]) from None
    except OSError as exc:
        raise BuildFailed([ContentError(where, 0, f"cannot read the file: {exc.strerror or exc}")]) from None
    try:
        text = data.decode("utf-8-sig")
        refuse_not_xml(text, where)
        fields = load_mapping(text)
    except UnicodeDecodeError:
        raise BuildFailed([ContentError(where, 0, "not UTF-8 text", "save the file as UTF-8")]) from None
    except ContentError as exc:
        raise BuildFailed([exc]) from None
    except YamlError as exc:
        raise BuildFailed([ContentError(where, exc.line, exc.message, exc.hint)]) from None
    return parse_config(fields, where, content_hash(data))


def parse_config(fields: dict, where: str, source_hash: str = "") -> Config:
    """Check parsed ``site.yaml`` fields and build the :class:`Config`."""
    errors: list[ContentError] = []
    values: dict[str, Any] = {}
    for key, item in fields.items():
        expected = _FIELDS.get(key)
        if expected is None:
            close = difflib.get_close_matches(key, _FIELDS, n=1)
            hint = f"did you mean `{close[0]}`?" if close else "known keys: " + ", ".join(sorted(_FIELDS))
            errors.append(ContentError(where, item.line, f"unknown key `{key}`", hint))
            continue
        value = item.text if expected is str and item.text is not None else item.value
        if expected is int and isinstance(value, bool) or not isinstance(value, expected):
            errors.append(ContentError(where, item.line, f"`{key}` must be {_TYPE_WORDS[expected]}, not {value!r}"))
            continue
        values[key] = value
    for key in _REQUIRED:
        if key not in fields:
            errors.append(ContentError(where, 0, f"`{key}` is required"))

    def bad(key: str, message: str, hint: str = "") -> None:
        errors.append(ContentError(where, fields[key].line, message, hint))

    if "base_url" in values:
        try:
            values["base_url"] = checked_base_url(values["base_url"])
        except ValueError as exc:
            bad("base_url", f"`base_url` {exc}", BASE_URL_HINT)
    if "timezone" in values:
        try:
            site_zone(values["timezone"])
        except ValueError:
            bad("timezone", f"unknown time zone {values['timezone']!r}", "use an IANA name such as Asia/Karachi")
    if "per_page" in values and values["per_page"] < 1:
        bad("per_page", "`per_page` must be at least 1")
    if "feed_items" in values and values["feed_items"] < 1:
        bad("feed_items", "`feed_items` must be at least 1")
    if "sitemap_limit" in values and not 1 <= values["sitemap_limit"] <= 50_000:
        bad("sitemap_limit", "`sitemap_limit` must be between 1 and 50000", "50000 is the sitemap protocol's limit")
    if "offline_stories" in values and not 0 <= values["offline_stories"] <= 1000:
        bad("offline_stories", "`offline_stories` must be between 0 and 1000", "0 turns the service worker off")
    if "share_cards_days" in values and not 0 <= values["share_cards_days"] <= 365:
        bad("share_cards_days", "`share_cards_days` must be between 0 and 365", "7 draws a card for a week's stories")
    if "publisher" in values:
        pub = values["publisher"]
        unknown = sorted(set(pub) - {"name", "logo", "icon"})
        if unknown:
            bad("publisher", f"unknown key `{unknown[0]}` under `publisher`", "known keys: icon, logo, name")
        elif not all(isinstance(pub.get(k, ""), str) for k in ("name", "logo", "icon")):
            bad("publisher", "`publisher.name`, `publisher.logo` and `publisher.icon` must be text")
        else:
            values["publisher"] = Publisher(*(str(pub.get(k, "")) for k in ("name", "logo", "icon")))
    if "menu" in values:
        if not all(isinstance(s, str) and s.strip() for s in values["menu"]):
            bad("menu", "`menu` must be a list of section names")
        else:
            values["menu"] = tuple(s.strip() for s in values["menu"])
    if errors:
        raise BuildFailed(errors)
    if not isinstance(values.get("publisher"), Publisher):
        values["publisher"] = Publisher(values["title"])
    elif not values["publisher"].name:
        values["publisher"] = Publisher(values["title"], values["publisher"].logo, values["publisher"].icon)
    return Config(**values, source_hash=source_hash)


def override(config: Config, **changes: Any) -> Config:
    """A copy of ``config`` with command-line overrides (``--base-url``) applied; a base URL
    is checked as site.yaml's is (:func:`checked_base_url`), else :class:`BuildFailed`."""
    from dataclasses import replace

    if changes.get("base_url"):
        try:
            changes["base_url"] = checked_base_url(changes["base_url"])
        except ValueError as exc:
            raise BuildFailed([ContentError("--base-url", 0, f"the base URL {exc}", BASE_URL_HINT)]) from None
    return replace(config, **{k: v for k, v in changes.items() if v is not None})
