"""Site configuration, read from ``site.yaml``.

Every problem (unknown key, wrong type, bad value) is reported at once, each
with its line. The result is a frozen :class:`Config` passed as an argument:
there is no global configuration.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
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
DEFAULT_LOCALES = {"en": "en_GB", "ur": "ur_PK", "ps": "ps_AF", "fa": "fa_AF", "ar": "ar"}
"""The CLDR locale of a language that site.yaml names without one: the bulletin's region
(British English dates, Urdu of Pakistan, Pashto and Dari of Afghanistan)."""
LANGUAGE_KEYS = ("code", "name", "direction", "font", "locale")


@dataclass(frozen=True)
class Language:
    """One language of the site (``languages:`` in site.yaml)."""

    code: str
    """What ``lang:`` says in front matter, the ``/ur/`` of its pages and ``hreflang``."""
    name: str
    """The language's name in itself (``اردو``), for the language switcher."""
    direction: str = "ltr"
    """``ltr`` or ``rtl``."""
    font: str = ""
    """A CSS font stack for its text, or empty for the stylesheet's own."""
    locale: str = ""
    """The CLDR locale of its dates, digits and ``og:locale`` (``ur_PK``)."""


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
    languages: tuple[Language, ...] = ()
    """The site's languages, the default one first; its other languages get their own front
    page (``/ur/``) once they have a story. Empty: the default language alone."""
    source_hash: str = ""
    """Hash of the configuration file's bytes (for caches)."""

    @cached_property
    def base_path(self) -> str:
        """Path part of ``base_url`` (``/`` or ``/news/``): prefix of every site link."""
        return urlsplit(self.base_url).path or "/"

    def is_rtl(self, lang: str) -> bool:
        """Whether a language is written right to left."""
        known = self.language_of(lang)
        if known is not None:
            return known.direction == "rtl"
        return lang.split("-")[0].lower() in RTL_LANGUAGES

    @cached_property
    def site_languages(self) -> tuple[Language, ...]:
        """:attr:`languages`, or the default language alone."""
        return self.languages or (default_language(self.language),)

    @cached_property
    def _languages_by_code(self) -> dict[str, Language]:
        return {item.code: item for item in reversed(self.site_languages)}  # the first of a code wins

    def language_of(self, lang: str) -> Language | None:
        """The configured language of a ``lang:`` code (``ur``, ``ur-PK``), or None."""
        return self._languages_by_code.get(lang.split("-")[0].lower())

    def locale_of(self, lang: str) -> str:
        """The CLDR locale for a ``lang:`` code: the configured one, else the region's default."""
        known = self.language_of(lang)
        if known is not None:
            return known.locale
        code = lang.split("-")[0].lower()
        return DEFAULT_LOCALES.get(code, code)


def default_language(code: str, named: bool = True) -> Language:
    """A language site.yaml does not describe: its name from CLDR, its direction from :data:`RTL_LANGUAGES`.

    ``named=False`` leaves the name as the code: reading a name loads the locale's CLDR data,
    which every build, even one with nothing to do, would then load for names site.yaml gives."""
    base = code.split("-")[0].lower()
    locale = DEFAULT_LOCALES.get(base, base.replace("-", "_"))
    name = (_cldr_name(locale) if named else "") or base
    return Language(base, name, "rtl" if base in RTL_LANGUAGES else "ltr", "", locale)


def _cldr_name(locale: str) -> str:
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(locale).language_name or ""
    except (UnknownLocaleError, ValueError):
        return ""


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
    "languages": list,
}
_RANGES = {
    "sitemap_limit": (1, 50_000, "50000 is the sitemap protocol's limit"),
    "offline_stories": (0, 1000, "0 turns the service worker off"),
    "share_cards_days": (0, 365, "7 draws a card for a week's stories"),
}
"""Whole-number settings checked against a range: (lowest, highest, hint)."""
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
    values = _typed_fields(fields, where, errors)

    def bad(key: str, message: str, hint: str = "") -> None:
        errors.append(ContentError(where, fields[key].line, message, hint))

    _check_values(values, bad)
    if "languages" in values:
        values["languages"] = _languages(values["languages"], values.get("language", "en"), fields, where, errors)
    if errors:
        raise BuildFailed(errors)
    publisher = values.get("publisher")
    if not isinstance(publisher, Publisher):
        values["publisher"] = Publisher(values["title"])
    elif not publisher.name:
        values["publisher"] = Publisher(values["title"], publisher.logo, publisher.icon)
    return Config(**values, source_hash=source_hash)


def _typed_fields(fields: dict, where: str, errors: list[ContentError]) -> dict[str, Any]:
    """The values of the known keys that have their key's type; every other key, and every
    required key missing, is an error in ``errors``."""
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
    return values


def _check_values(values: dict[str, Any], bad: Callable[..., None]) -> None:
    """The rules of single values (``bad(key, message, hint)`` for each broken one), and the
    values put in the form :class:`Config` keeps, in place."""
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
    for key in ("per_page", "feed_items"):
        if key in values and values[key] < 1:
            bad(key, f"`{key}` must be at least 1")
    for key, (low, high, hint) in _RANGES.items():
        if key in values and not low <= values[key] <= high:
            bad(key, f"`{key}` must be between {low} and {high}", hint)
    if "publisher" in values:
        values["publisher"] = _publisher(values["publisher"], bad)
    if "menu" in values:
        if not all(isinstance(s, str) and s.strip() for s in values["menu"]):
            bad("menu", "`menu` must be a list of section names")
        else:
            values["menu"] = tuple(s.strip() for s in values["menu"])


def _publisher(pub: dict, bad: Callable[..., None]) -> Publisher | dict:
    """``publisher:`` as a :class:`Publisher`; as it was when it is broken (``bad`` says how)."""
    unknown = sorted(set(pub) - {"name", "logo", "icon"})
    if unknown:
        bad("publisher", f"unknown key `{unknown[0]}` under `publisher`", "known keys: icon, logo, name")
    elif not all(isinstance(pub.get(k, ""), str) for k in ("name", "logo", "icon")):
        bad("publisher", "`publisher.name`, `publisher.logo` and `publisher.icon` must be text")
    else:
        return Publisher(*(str(pub.get(k, "")) for k in ("name", "logo", "icon")))
    return pub


def _languages(items: list, default: str, fields: dict, where: str, errors: list[ContentError]) -> tuple:
    """``languages:``: a list of ``{code, name, direction, font, locale}``, each code once,
    the default ``language`` among them (put first); every problem goes to ``errors``."""
    from babel import Locale, UnknownLocaleError

    line = fields["languages"].line
    found: list[Language] = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("code"), str):
            errors.append(
                ContentError(
                    where,
                    line,
                    "each of `languages` must be a mapping with a `code`",
                    "e.g. - {code: ur, name: اردو, direction: rtl}",
                )
            )
            continue
        unknown = sorted(set(item) - set(LANGUAGE_KEYS))
        if unknown:
            errors.append(
                ContentError(
                    where,
                    line,
                    f"unknown key `{unknown[0]}` under `languages`",
                    "known keys: " + ", ".join(LANGUAGE_KEYS),
                )
            )
            continue
        if not all(isinstance(item.get(k, ""), str) for k in LANGUAGE_KEYS):
            errors.append(ContentError(where, line, f"the keys of language `{item['code']}` must be text"))
            continue
        fallback = default_language(item["code"], named=not item.get("name", "").strip())
        language = Language(
            code=item["code"].strip().lower(),
            name=item.get("name", "").strip() or fallback.name,
            direction=item.get("direction", "").strip() or fallback.direction,
            font=item.get("font", "").strip(),
            locale=item.get("locale", "").strip() or fallback.locale,
        )
        if not re.fullmatch(r"[\w\s\"',.-]*", language.font):
            errors.append(
                ContentError(where, line, f"`font` of `{language.code}` may hold only font names, quotes and commas")
            )
        if language.direction not in ("ltr", "rtl"):
            errors.append(ContentError(where, line, f"`direction` of `{language.code}` must be ltr or rtl"))
        try:
            Locale.parse(language.locale)
        except (UnknownLocaleError, ValueError):
            errors.append(
                ContentError(
                    where,
                    line,
                    f"unknown CLDR locale {language.locale!r} for `{language.code}`",
                    "use a locale such as ur_PK, ps_AF or fa_AF",
                )
            )
        if any(other.code == language.code for other in found):
            errors.append(ContentError(where, line, f"the language `{language.code}` is listed twice"))
        found.append(language)
    codes = [language.code for language in found]
    if found and default.split("-")[0].lower() not in codes:
        errors.append(
            ContentError(
                where,
                line,
                f"`languages` must include the default language `{default}`",
                "add it, or change `language`",
            )
        )
    first = [language for language in found if language.code == default.split("-")[0].lower()]
    return tuple(first + [language for language in found if language not in first])


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
