"""Read ``content/`` into :class:`~site_gen.model.Article` objects.

Articles are ``content/articles/**/*.md``, static pages ``content/pages/*.md``.
Every problem in every file is gathered as a
:class:`~site_gen.errors.ContentError`; nothing is written here.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from . import urls
from .cache import Cache
from .config import Config
from .dates import FORMATS_HINT, Moment, parse_moment
from .errors import ContentError, display_path
from .frontmatter import split_front_matter
from .hashing import content_hash
from .images import body_image_refs
from .markdown import BodyTooComplex, render_markdown
from .model import BODY_START, Article, BodyLink, Correction, Image
from .parallel import PARALLEL_PARSE_MIN, in_order, parse_chunk_size, shared_work
from .sources import (
    MAX_FILE_BYTES,
    NOT_REGULAR_HINT,
    NotRegularFile,
    Scan,
    decode_utf8,
    find_sources,
    read_content,
    refuse_not_xml,
    stat_signature,
)
from .yamlload import Field, YamlError, load_mapping

KNOWN_KEYS = [
    "title",
    "date",
    "updated",
    "slug",
    "summary",
    "dateline",
    "author",
    "authors",
    "section",
    "category",
    "tags",
    "image",
    "lang",
    "draft",
    "aliases",
    "corrections",
    "translations",
]
_EMPTY_HINTS = {"title": "write the headline after `title:`", "date": FORMATS_HINT}
_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


@dataclass
class Loaded:
    """What :func:`load_content` found."""

    articles: list[Article] = field(default_factory=list)
    pages: list[Article] = field(default_factory=list)
    errors: list[ContentError] = field(default_factory=list)
    warnings: list[ContentError] = field(default_factory=list)
    bodies: dict[str, str] = field(default_factory=dict)
    """Body HTML of the files parsed in this run, by article key."""
    sources: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Every content file: its stat signature and content hash (for the cache)."""
    parsed: dict[str, tuple] = field(default_factory=dict)
    """Files parsed in this run: key → ((article, warnings), html), for the cache."""


def article_key(where: str, source_hash: str) -> str:
    """Identity of one version of one file."""
    return content_hash(f"{where}\0{source_hash}".encode())


def load_content(
    content: Path,
    config: Config,
    root: Path | None = None,
    cache: Cache | None = None,
    jobs: int = 1,
    found: list[tuple[str, str, str]] | None = None,
    signatures: dict[str, str] | None = None,
) -> Loaded:
    """Read every article and page under ``content``; gather all problems.

    With a cache, a file whose content hash is known is not parsed again (and
    a file whose stat signature is unchanged is not even read). Files to parse
    are shared among ``jobs`` processes when there are many. ``signatures``:
    stat signatures by path that the caller has just taken.
    """
    result = Loaded()
    if not content.is_dir():
        result.errors.append(
            ContentError(display_path(content, root), 0, "content folder not found", "pass --content DIR")
        )
        return result
    sources = find_sources(content, root) if found is None else found  # ``found``: the caller's own walk
    todo: list[tuple[str, str, str, str, str]] = []  # kind, path, where, stem, key
    keys: dict[str, tuple[str, str]] = {}
    known = cache.sources if cache else {}
    signatures = signatures or {}
    # A cache that knows no file (a first or --fresh build) can find none by its hash: the
    # workers hash each file as they parse it, and the files are read once, not twice.
    unknown: dict[str, str] = {}
    for kind, path, where in sources:
        stem = os.path.splitext(os.path.basename(path))[0]
        try:
            if not known:
                unknown[where] = signatures.get(path) or stat_signature(path)
                todo.append((kind, path, where, stem, ""))
                continue
            signature, digest_hex = result.sources[where] = source_state(path, where, known, signatures)
        except OSError as exc:
            result.errors.append(unreadable(where, exc))
            continue
        key = article_key(where, digest_hex)
        keys[key] = (kind, where)
        todo.append((kind, path, where, stem, key))
    found = cache.articles(list(keys)) if cache else {}
    missing = [item for item in todo if item[4] not in found]
    # With a cache, body HTML goes there as it comes (it is keyed by content, so a failed
    # build leaves nothing wrong in it) and is read back when a page needs it: the build
    # does not hold every body in memory.
    store = cache is not None and cache.db is not None and len(missing) >= PARALLEL_PARSE_MIN
    waiting: list[tuple[str, str]] = []
    for item, outcome in zip(missing, _parse_many(missing, config, jobs), strict=True):
        if isinstance(outcome, list):
            result.errors.extend(outcome)
            continue
        article, html, warnings = outcome
        key = article.key
        if item[2] in unknown:
            result.sources[item[2]] = (unknown[item[2]], article.source_hash)
        if store:
            result.parsed[key] = ((article, warnings), None)
            waiting.append((key, html))
            if len(waiting) >= 500:
                store = _stored(cache, waiting, result)
                waiting = []
        else:
            result.bodies[key] = html
            result.parsed[key] = ((article, warnings), html)
        found[key] = (article, warnings)
    if waiting:
        _stored(cache, waiting, result)
    for kind, _path, where, _stem, key in todo:
        if not key and where in result.sources:
            key = article_key(where, result.sources[where][1])
        if key not in found:
            continue
        article, warnings = found[key]
        (result.articles if kind == "article" else result.pages).append(article)
        result.warnings.extend(warnings)
    return result


def source_state(
    path: str, where: str, known: dict[str, tuple[str, str]], signatures: dict[str, str]
) -> tuple[str, str]:
    """A content file's stat signature and content hash; the file is read only when its
    signature is not the one ``known`` has. Raises OSError."""
    signature = signatures.get(path) or stat_signature(path)
    cached = known.get(where)
    if cached and cached[0] == signature:
        return cached
    return signature, content_hash(read_content(path))


def load_changed(
    scan: Scan,
    config: Config,
    cache: Cache,
    limit: int,
    new_files: bool = False,
) -> Loaded | None:
    """Only the content files changed since the cache's build (or new, with ``new_files``),
    parsed, and every file's :func:`source_state`: what a rebuild after a few edits reads
    (``scan`` says which files to look at). None when a file is gone or unreadable (or new),
    when more than ``limit`` changed, or when one has errors: :func:`load_content` then
    reads everything and reports them."""
    result = Loaded()
    known = cache.sources
    if scan.deleted(known):
        return None
    result.sources = dict(known)
    items = []
    for kind, path, where in scan.stale:
        if where not in known and not new_files:
            return None
        try:
            state = result.sources[where] = source_state(path, where, known, scan.signatures)
        except OSError:
            return None
        if state[1] != known.get(where, ("", ""))[1]:
            stem = os.path.splitext(os.path.basename(path))[0]
            items.append((kind, path, where, stem, article_key(where, state[1])))
            if len(items) > limit:
                return None
    for item, outcome in zip(items, _parse_many(items, config, 1), strict=True):
        if isinstance(outcome, list):
            return None
        article, html, warnings = outcome
        result.bodies[item[4]] = html
        result.parsed[item[4]] = ((article, warnings), html)
        (result.articles if item[0] == "article" else result.pages).append(article)
        result.warnings.extend(warnings)
    return result


def _stored(cache: Cache, pairs: list[tuple[str, str]], result: Loaded) -> bool:
    """Put bodies in the cache; when it fails, keep them with the build instead."""
    if cache.put_bodies(pairs):
        return True
    for key, html in pairs:
        result.bodies[key] = html
        result.parsed[key] = (result.parsed[key][0], html)
    return False


_PARSE_CONFIG: Config | None = None


def _parse_one(item) -> tuple | list[ContentError]:
    kind, path, where, stem, key = item
    try:
        data = read_content(path)
        return parse_article(data, where, _PARSE_CONFIG, kind=kind, stem=stem, key=key)
    except ContentError as exc:
        return [exc]
    except _Problems as exc:
        return exc.errors
    except OSError as exc:
        return [unreadable(where, exc)]


def unreadable(where: str, exc: OSError) -> ContentError:
    """The error for a content file that cannot be read, or that is not a regular file."""
    if isinstance(exc, NotRegularFile):
        return ContentError(where, 0, exc.strerror, NOT_REGULAR_HINT)
    return ContentError(where, 0, f"cannot read the file: {exc.strerror or exc}", "check that it exists")


def _parse_chunk(items: list) -> list:
    return [_parse_one(item) for item in items]


def _parse_many(items: list, config: Config, jobs: int):
    """Parse files, in ``jobs`` processes when there are many; outcomes in the order of ``items``."""
    global _PARSE_CONFIG
    _PARSE_CONFIG = config
    if jobs <= 1 or len(items) < PARALLEL_PARSE_MIN:
        yield from map(_parse_one, items)
        return
    size = parse_chunk_size(len(items), jobs)
    chunks = [items[start : start + size] for start in range(0, len(items), size)]
    for outcomes in in_order(shared_work(_parse_chunk, chunks, jobs)):
        yield from outcomes


class _Problems(Exception):
    def __init__(self, errors: list[ContentError]):
        self.errors = errors


def parse_article(
    data: bytes, where: str, config: Config, kind: str = "article", stem: str = "", key: str = ""
) -> tuple[Article, str, list[ContentError]]:
    """Bytes of one file → ``(article, body_html, warnings)``; pure.

    Raises :class:`ContentError` for one fatal problem or ``_Problems`` for several.
    """
    if len(data) > MAX_FILE_BYTES:
        # read_content stops one byte past the limit: the file's own size is not known here
        limit = f"{MAX_FILE_BYTES:,}"
        raise ContentError(where, 0, f"the file is too large (over {limit} bytes)", "split it or remove pasted data")
    if b"\0" in data:
        raise ContentError(where, 0, "the file holds binary data, not text", "save it as UTF-8 text")
    text = decode_utf8(data, where, "save it as UTF-8 (Unicode)")
    refuse_not_xml(text, where)
    parts = split_front_matter(text.replace("\r\n", "\n"), where)
    try:
        fields = load_mapping(parts.yaml)
    except YamlError as exc:
        raise ContentError(where, parts.yaml_line + exc.line - 1, exc.message, yaml_hint(exc, parts.yaml)) from None
    source_hash = content_hash(data)
    checker = _FieldReader(fields, where, parts.yaml_line, ZoneInfo(config.timezone), parts.yaml)
    try:
        rendered = render_markdown(parts.body, config.raw_html)
    except BodyTooComplex as exc:
        raise ContentError(where, parts.body_line + exc.line, exc.message, exc.hint) from None
    article = checker.article(parts, config, kind, stem, source_hash, rendered, key or article_key(where, source_hash))
    if checker.errors:
        raise _Problems(checker.errors)
    return article, rendered.html, checker.warnings


_KEY_VALUE = re.compile(r"^\s*([A-Za-z_][\w-]*):\s+(.*?)\s*$")


def yaml_hint(exc: YamlError, yaml_text: str) -> str:
    """The hint for a YAML error: a value holding ``: `` (``title: Gwadar: Port…``) wants quotes."""
    lines = yaml_text.split("\n")
    text = lines[exc.line - 1] if 0 < exc.line <= len(lines) else ""
    match = _KEY_VALUE.match(text)
    if "mapping values are not allowed" in exc.message and match and ": " in match[2]:
        value = match[2]
        quoted = '"' + value + '"' if '"' not in value else "'" + value.replace("'", "''") + "'"
        return f"the value holds `: `; put it in quotes: {match[1]}: {quoted}"
    return exc.hint or "check indentation and quoting"


_DASH_ITEM = re.compile(r"^\s*-\s+(.*?)\s*[\],]?\s*$")


class _FieldReader:
    """Checks front matter fields one by one, gathering problems."""

    def __init__(self, fields: dict[str, Field], where: str, first_line: int, zone: ZoneInfo, yaml_text: str = ""):
        self.yaml_lines = yaml_text.split("\n")
        self.fields = fields
        self.where = where
        self.first_line = first_line
        self.zone = zone
        self.errors: list[ContentError] = []
        self.warnings: list[ContentError] = []

    def line(self, key: str) -> int:
        item = self.fields.get(key)
        return self.first_line + item.line - 1 if item else max(self.first_line - 1, 1)

    def error(self, key: str, message: str, hint: str = "") -> None:
        self.errors.append(ContentError(self.where, self.line(key), message, hint))

    def text(self, key: str, required: bool = False) -> str:
        item = self.fields.get(key)
        if item is None or item.value is None:
            if required and item is None:
                self.error(key, f"missing `{key}`", f"add a line `{key}: …` to the front matter")
            elif required:
                self.error(key, f"`{key}` is empty", _EMPTY_HINTS.get(key, f"write a value after `{key}:`"))
            return ""
        if item.text is not None:
            return item.text.strip()
        self.error(key, f"`{key}` must be text, not a {type(item.value).__name__}")
        return ""

    def moment(self, key: str, required: bool = False) -> Moment | None:
        raw = self.text(key, required)
        if not raw:
            item = self.fields.get(key)
            if required and item is not None and item.value is not None and item.text is not None:
                self.error(key, f"`{key}` is empty", FORMATS_HINT)
            return None
        try:
            return parse_moment(raw, self.zone)
        except ValueError as exc:
            self.error(key, str(exc), getattr(exc, "hint", FORMATS_HINT))
            return None

    def names(self, key: str, split_commas: bool) -> tuple[str, ...]:
        item = self.fields.get(key)
        if item is None or item.value is None:
            return ()
        value = item.value
        if isinstance(value, str) or item.text is not None:
            value = (item.text or "").split(",") if split_commas else [item.text or ""]
        if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
            self.error(key, f"`{key}` must be a list of names", f"write `{key}: [One, Two]`")
            return ()
        seen: dict[str, str] = {}
        for name in (" ".join(str(v).split()) for v in value):
            if name and name.casefold() not in seen:
                seen[name.casefold()] = name
                self.merged_items(key, name)
        return tuple(seen.values())

    def term_names(self, key: str, synonym: str = "", split_commas: bool = False) -> tuple[str, ...]:
        """The names of tags, sections or authors; a name with no letter or digit gives its
        term no address (:func:`~site_gen.urls.term_slug`), so it is an error, not dropped."""
        names = self.one_of(key, synonym, split_commas) if synonym else self.names(key, split_commas)
        shown = synonym if synonym and key not in self.fields else key
        for name in names:
            if not urls.term_slug(name):
                message = f"`{shown}` names {name!r}: it has no letter or digit to make its page's address from"
                self.error(shown, message, "write the name in words, or remove it")
        return names

    def merged_items(self, key: str, name: str) -> None:
        """A `- ` line indented under the item above is read as part of it (``Pakistan -
        Uzbekistan``): report it, when a line of the field's text shows that slip."""
        if " - " not in name or key not in self.fields:
            return
        pieces = name.split(" - ")
        start = self.fields[key].line - 1
        for offset, text in enumerate(self.yaml_lines[start + 1 : start + 200], start + 2):
            if _KEY_VALUE.match(text) and not text.startswith((" ", "\t", "-")):
                return  # the next key
            item = _DASH_ITEM.match(text)
            if item and item[1] in pieces[1:]:
                self.errors.append(
                    ContentError(
                        self.where,
                        self.first_line + offset - 1,
                        f"`{key}` has one item {name!r}: this `- {item[1]}` line is read as part of the item above",
                        f"put each `- ` item on its own line at the same indentation, or write `{key}: [One, Two]`",
                    )
                )
                return

    def one_of(self, key: str, synonym: str, split_commas: bool = False) -> tuple[str, ...]:
        if key in self.fields and synonym in self.fields:
            self.error(synonym, f"both `{key}` and `{synonym}` are given", f"keep only `{key}`")
        return self.names(key if key in self.fields else synonym, split_commas)

    def article(self, parts, config: Config, kind: str, stem: str, source_hash: str, rendered, key: str) -> Article:
        f = self.fields
        for name in f:
            if name not in KNOWN_KEYS:
                close = difflib.get_close_matches(name, KNOWN_KEYS, n=1, cutoff=0.75)
                if close:  # a known key misspelled: its value would be lost without a word
                    self.error(name, f"unknown key `{name}`: its value is not used", f"did you mean `{close[0]}`?")
        title = self.text("title", required=True)
        if "title" in f and not title and not self.errors:
            self.error("title", "`title` is empty", "write the headline after `title:`")
        date = self.moment("date", required=(kind == "article"))
        updated = self.moment("updated")
        slug = self.text("slug")
        refused = urls.slug_problem(slug) if slug else None
        if refused:
            self.error("slug", *refused)
            slug = ""
        # An Urdu title in an Urdu-named file keeps its own words: a hash of the bytes would change the URL
        # at every edit.
        slug = (
            slug
            or urls.slugify(title)
            or urls.slugify(stem)
            or urls.term_slug(title)
            or urls.term_slug(stem)
            or "article-" + source_hash[:8]
        )
        if kind == "page" and not self.fields.get("slug"):
            slug = urls.slugify(stem) or slug
        if kind == "page" and slug in urls.RESERVED:
            self.error("slug", f"the page slug {slug!r} is used by the site itself", "choose another slug")
        lang = self.text("lang") or config.language
        if lang and not _LANG.match(lang):
            self.error("lang", f"unknown language code {lang!r}", "use a code such as en, ur, ps or fa")
        draft = f.get("draft").value if "draft" in f else False
        if not isinstance(draft, bool):
            self.error("draft", "`draft` must be true or false")
            draft = False
        summary = self.text("summary") or _shorten(rendered.first_paragraph)
        authors = self.term_names("authors", "author")
        section_names = self.term_names("section", "category")
        if len(section_names) > 1:
            self.error("section" if "section" in f else "category", "an article has one section", "keep one name")
        published = date or Moment(parse_moment("1970-01-01", self.zone).at, False)
        path = urls.article_path(published.at, slug) if kind == "article" else urls.page_path(slug)
        return Article(
            source=self.where,
            source_hash=source_hash,
            title=title,
            date=published,
            slug=slug,
            path=path,
            body=parts.body.strip()[:BODY_START],
            body_line=parts.body_line,
            key=key,
            reading_minutes=rendered.reading_minutes,
            updated=updated,
            summary=summary,
            dateline=self.text("dateline"),
            authors=authors,
            section=section_names[0] if section_names else "",
            tags=self.term_names("tags", split_commas=True),
            image=self.image(),
            lang=lang,
            draft=draft,
            aliases=self.aliases(),
            corrections=self.corrections(),
            translations=self.translations(lang),
            kind=kind,
            extra={k: v.value for k, v in f.items() if k not in KNOWN_KEYS},
            lines={k: self.line(k) for k in f},
            links=tuple([BodyLink(k.kind, k.url, parts.body_line + k.line, k.alt) for k in rendered.links]),
            body_images=body_image_refs(rendered.html, parts.body, parts.body_line),
        )

    def image(self) -> Image | None:
        item = self.fields.get("image")
        if item is None or item.value in (None, ""):
            return None
        value = item.value
        if isinstance(value, str):
            return self.checked_image(Image(src=value.strip()))
        if not isinstance(value, dict) or not all(isinstance(v, (str, type(None))) for v in value.values()):
            self.error(
                "image", "`image` must be a path or a mapping of text", "write `image: {src: /images/x.jpg, alt: …}`"
            )
            return None
        unknown = sorted(set(value) - {"src", "alt", "caption", "credit"})
        if unknown:
            self.error("image", f"unknown key `{unknown[0]}` under `image`", "known keys: src, alt, caption, credit")
        clean = {k: (value.get(k) or "").strip() for k in ("src", "alt", "caption", "credit")}
        if not clean["src"] and not clean["caption"]:
            self.error("image", "`image` has no `src`", "write `image: {src: /images/x.jpg, alt: …}`")
            return None
        return self.checked_image(Image(**clean))

    def checked_image(self, image: Image) -> Image | None:
        """``image`` unless its path leaves the site (``/images/../../../etc/passwd``)."""
        src = image.src
        if not src or src.startswith(("https://", "http://")):
            return image
        if not urls.is_safe_path(src.lstrip("/").split("?")[0].split("#")[0]) or "\\" in src:
            self.error(
                "image", f"image {src!r} points outside the site", "write a path under static/, such as /images/x.jpg"
            )
            return None
        return image

    def aliases(self) -> tuple[str, ...]:
        found = []
        for alias in self.names("aliases", split_commas=False):
            path = alias.strip().lstrip("/")
            if not path.endswith("/") and not path.endswith(".html"):
                path += "/"
            if not urls.is_safe_path(path):
                self.error(
                    "aliases",
                    f"alias {alias!r} points outside the site",
                    "write a site path such as /2024/01/02/old-slug/",
                )
                continue
            found.append(path)
        return tuple(found)

    def translations(self, lang: str) -> tuple[tuple[str, str], ...]:
        """``translations: {ur: slug}``: the other-language versions of this story, each named by
        its slug (or its file, ``articles/2025/07/x.md``), as ``(language, target)`` pairs;
        :func:`site_gen.collect.link_translations` finds them."""
        item = self.fields.get("translations")
        if item is None or item.value is None:
            return ()
        hint = "write e.g. translations: {ur: pakistan-afghanistan-pledge-ur}"
        if not isinstance(item.value, dict):
            self.error("translations", "`translations` must map a language to a story's slug", hint)
            return ()
        found = []
        for code, target in item.value.items():
            if not isinstance(code, str) or not _LANG.match(code) or not isinstance(target, str) or not target.strip():
                self.error(
                    "translations", f"`translations` must map a language to a slug, not {code!r}: {target!r}", hint
                )
                continue
            if code.split("-")[0] == lang.split("-")[0]:
                self.error("translations", f"a translation into `{code}` names the story's own language", "remove it")
                continue
            found.append((code, target.strip()))
        return tuple(sorted(found))

    def corrections(self) -> tuple[Correction, ...]:
        item = self.fields.get("corrections")
        if item is None or item.value is None:
            return ()
        if not isinstance(item.value, list) or not all(isinstance(c, dict) for c in item.value):
            self.error("corrections", "`corrections` must be a list of {date, text}")
            return ()
        found = []
        for entry in item.value:
            text = str(entry.get("text") or "").strip()
            try:
                when = parse_moment(str(entry.get("date") or ""), self.zone)
            except ValueError as exc:
                self.error("corrections", f"correction date: {exc}", getattr(exc, "hint", FORMATS_HINT))
                continue
            if not text:
                self.error("corrections", "a correction has no `text`")
                continue
            found.append(Correction(when, text))
        return tuple(found)


def _shorten(text: str, limit: int = 220) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:—–-")
    return cut + "…"
