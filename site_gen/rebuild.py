"""What a build keeps for the next one, and the rebuild that uses it: a few edits and new
stories are read alone, and only the pages that read what they changed, or whose shape new
stories changed, are planned (:mod:`site_gen.identities`); everything else is kept as the
last build left it, which the output's manifest and the cache's records vouch for."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from . import urls
from .cache import Cache, serialize
from .config import Config
from .hashing import content_hash, digest
from .options import BuildOptions
from .sources import Scan, read_template, stat_signature, static_files
from .write import JOURNAL, MANIFEST, OutputWriter

if TYPE_CHECKING:
    from .images import ProcessedImages
    from .load import Loaded
    from .model import Article
    from .parallel import Background
    from .plan import Page


#: Past this many changed files, a rebuild plans every page (it costs the same).
AFFECTED_MAX = 50


class StaleCache(Exception):
    """The cache lacks a parsed article its last build listed: the rebuild reads everything."""


class LazyArticles(Sequence):
    """The articles (or static pages) of the last build's site in its order, each
    taken from the cache when first used: a rebuild after a body edit plans a
    handful of pages, which show a few dozen articles out of thousands."""

    def __init__(self, sources: tuple[str, ...], resolve: Callable[[str], Article]):
        self.sources = sources
        self._resolve = resolve
        self._items: list[Article | None] = [None] * len(sources)

    def __len__(self) -> int:
        return len(self.sources)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        item = self._items[index]
        if item is None:
            item = self._items[index] = self._resolve(self.sources[index])
        return item

    def prepended(self, first: tuple[Article, ...]) -> LazyArticles:
        """These articles followed by ``first``'s (see :func:`~site_gen.collect.insert_newest`)."""
        joined = LazyArticles((*(a.source for a in first), *self.sources), self._resolve)
        joined._items[: len(first)] = first
        joined._items[len(first) :] = self._items
        return joined


def cached_articles(cache: Cache, loaded: Loaded, fresh: dict[str, Article]) -> Callable[[str], Article]:
    """Source → article: ``fresh`` ones as parsed in this build, the others from the cache
    by their current content hash (:class:`StaleCache` when it lacks one)."""
    from .load import article_key

    def resolve(source: str) -> Article:
        article = fresh.get(source)
        if article is None:
            state = loaded.sources.get(source)
            hit = cache.parse_of(article_key(source, state[1])) if state else None
            if hit is None:
                raise StaleCache(source)
            article = hit[0]
        return article

    return resolve


def load_changes(
    options: BuildOptions,
    cache: Cache,
    config: Config,
    writer: OutputWriter,
    found: list,
    scan: Scan,
    now: datetime,
    lap,
):
    """:func:`_load` after a few edits that left every story in its place (but maybe its URL,
    :func:`~site_gen.identities.moved`), new stories newer than every published one (the
    newsroom's everyday rebuild) and edited templates, when nothing else changed. Only those
    files are read; the last build's site is restored around them (every other article taken
    from the cache when a planned page shows it, :class:`LazyArticles`), new stories put in
    front (:func:`~site_gen.collect.insert_newest`). The pages planned are those that read an
    identity the edits changed (:func:`~site_gen.identities.changed`,
    :func:`template_identities`, :meth:`~site_gen.cache.Cache.readers`) and those whose shape
    the new stories changed (:func:`~site_gen.identities.dirty`); every other output file is
    kept, but the old files of a story that moved (:func:`moved_away`). None when anything else
    changed, when a story is held back, would take a URL that needs the whole site looked at or
    would change what every page shows: the caller reads everything, and reports any error."""
    import pickle

    from .collect import publishable
    from .identities import changed
    from .images import ProcessedImages
    from .load import article_key, load_changed
    from .plan import some_pages

    if not only_content_changed(options, cache, now):
        return None
    loaded = load_changed(scan, config, cache, AFFECTED_MAX, new_files=True)
    if loaded is None:
        return None
    known = cache.sources
    new = [a for a in loaded.articles if a.source not in known]
    edited = {a.source: a for a in (*loaded.articles, *loaded.pages) if a.source in known}
    before = cache.articles([article_key(where, known[where][1]) for where in edited])
    parses = {a.source: a for a, _warnings in before.values()}
    names, templates = changed(parses, edited), template_identities(options, cache)
    blobs = [cache.blob(name) for name in ("site", "sitemap", "images")]
    bare = _bare_site(blobs[0])
    if None in (names, templates, bare, *blobs) or len(new) + len(edited) != len(loaded.parsed):
        return None  # a story's place changed, a new static page, or no record of the last build
    names |= templates
    published = {*bare.articles, *bare.pages}
    if not edited.keys() <= published or any(publishable(a, now, options.drafts, options.future) for a in new):
        return None  # a draft or scheduled story: the full read handles it
    resolve = cached_articles(cache, loaded, edited)
    old = replace(bare, articles=LazyArticles(bare.articles, resolve), pages=LazyArticles(bare.pages, resolve))
    try:
        sitemap, views = pickle.loads(blobs[1]), pickle.loads(blobs[2])
        keys, at_once = _readers(cache, names, templates, loaded)
        moves = [where for where in sorted(edited) if edited[where].path != parses[where].path]
        away = moved_away(moves, old, parses, cache, config, now, views) if moves and keys is not None else ([], ())
        if keys is None or away is None:
            return None
        left, linking = away
        site, outputs = old, {}
        if new:
            arranged = _with_new_stories(old, new, options, config, writer, views)
            if arranged is None:
                return None
            site, views, outputs, shaped = arranged
            keys |= shaped
        if moves:
            keys.add("m")
            gone_paths = {page.path for page in left}
            sitemap = {path: lastmod for path, lastmod in sitemap.items() if path not in gone_paths}
        pages, entries = some_pages(site, config, now, views, keys, sitemap)
        planned = [page.rel for page in pages]
        added = set(planned) - writer.old.keys()
        were = {page.rel for page in left}  # the files of the moved stories' pages, before
        removed = were - set(planned)
        taken = urls.TakenPaths(writer.old.keys() - removed | static_files(options)[0].keys()) if added else None
        if urls.output_clashes(planned, taken):
            return None  # two pages on one path (a story's alias on its new tag), or a file where a folder is
        if moves and _takes_anothers(pages, moves, writer.old.keys() - were):
            return None  # another story's URL: the full read says what and where
        _read_shown(pages, site, at_once)
        held = [resolve(where) for _kind, _path, where in found if where not in published and where in known]
        checked = [*(edited[where] for where in sorted(edited)), *site.articles[: len(new)], *map(resolve, linking)]
    except (StaleCache, KeyError, TypeError, AttributeError, pickle.UnpicklingError, EOFError, ImportError):
        return None
    lap("read")
    edits = Edits(
        set(edited),
        {a.source for a in new},
        checked=checked,
        held=held,
        keep_rest=True,
        new_outputs=added,
        gone=removed,
        valid=valid_interval(new, now, config, cache.valid) if new else None,
        sitemap=entries if new or moves else None,
    )
    images = ProcessedImages(views=views, outputs=outputs, errors=[])
    return config, site, pages, loaded, images, edits


def _readers(cache: Cache, names: set[str], templates: set[str], loaded: Loaded) -> tuple[set[str] | None, bool]:
    """The keys of the pages that read one of ``names`` (:meth:`~site_gen.cache.Cache.readers`,
    None when the cache cannot say), and whether every article is read at once: for more
    pages than :data:`AFFECTED_MAX` that read an edited template, from the cache now, in one
    pass rather than a bucket at a time."""
    from .load import article_key

    keys = cache.readers(names) if names else set()
    if keys is None:
        return None, False
    at_once = bool(templates) and len(keys) > AFFECTED_MAX
    if at_once:
        cache.articles([article_key(where, state[1]) for where, state in loaded.sources.items()])
    return keys, at_once


def _read_shown(pages: list[Page], site, at_once: bool) -> None:
    """Read here, from the cache, every article the pages show (:class:`StaleCache` when it
    lacks one): by making their contexts, or (``at_once``, :func:`_readers`) every article, the
    contexts left to the render's workers."""
    if at_once:
        site.articles[:], site.pages[:]  # noqa: B018
    else:
        for page in pages:
            page.context  # noqa: B018


def _with_new_stories(old, new: list[Article], options: BuildOptions, config: Config, writer: OutputWriter, views):
    """The last build's site with new stories in front (:func:`~site_gen.collect.insert_newest`),
    the image views with theirs, their image files, and the keys of the pages they change
    (:func:`~site_gen.identities.dirty`); None when they change more, or have a problem that
    the whole site's checks report."""
    from .check import check_urls
    from .collect import insert_newest
    from .identities import dirty_between
    from .images import process_images
    from .plan import Planner
    from .render import site_view

    site = insert_newest(old, new)
    if site is None or serialize(site_view(site, config)) != serialize(site_view(old, config)):
        return None
    if check_urls(new, (), {}) or takes_a_file(new, writer.old.keys()):
        return None
    fresh = process_images(new, options.path("static"), options.path("image_cache"), config.base_path, options.root)
    if fresh.errors:
        return None
    moved, gone = dirty_between(Planner(old, config), Planner(site, config), options.jobs != 1)
    if gone:
        return None
    keys = moved | {f"r {a.source}" for a in new} | {"n", "m"}
    return site, {**views, **fresh.views}, fresh.outputs, keys


def moved_away(
    moves: list[str], site, parses: dict[str, Article], cache: Cache, config: Config, now: datetime, views: dict
) -> tuple[list[Page], list[str]] | None:
    """For stories that moved to another URL (:func:`~site_gen.identities.moved`): their pages
    as the last build planned them, and the sources of the articles and pages whose bodies link
    to one of those (their links are checked again). None when a move may change more than the
    pages that read the stories: a translation group, the order of the site, a URL check."""
    from .check import check_urls
    from .collect import sort_key
    from .identities import url
    from .plan import Planner

    articles = site.articles
    index = {where: i for i, where in enumerate(articles.sources)}
    for where in moves:
        i, now_at = index[where], articles[index[where]]
        if {now_at.slug, parses[where].slug} & site.translation_targets or (site.translations and site.translations[i]):
            return None
        if (i and sort_key(articles[i - 1]) >= sort_key(now_at)) or (
            i + 1 < len(articles) and sort_key(now_at) >= sort_key(articles[i + 1])
        ):
            return None  # a tie on the minute, ordered by slug
    if check_urls([articles[index[where]] for where in moves], (), {}):
        return None
    before = LazyArticles(articles.sources, lambda where: parses.get(where) or articles[index[where]])
    pages = Planner(replace(site, articles=before), config, views, now).pages_for({f"a {where}" for where in moves})
    readers = cache.readers({url(page.rel) for page in pages})
    if readers is None:
        return None
    linking = {key[2:] for key in readers if key[:2] in ("a ", "p ")} - set(moves)
    return pages, sorted(linking)


def _takes_anothers(pages: list[Page], moves: list[str], others: Set[str]) -> bool:
    """Whether a page of a story that moved (its own, or a share card) would be written on one of ``others``."""
    mine = {f"a {where}" for where in moves}
    return any(page.rel in others for page in pages if page.key in mine)


def only_content_changed(options: BuildOptions, cache: Cache, now: datetime) -> bool:
    """Whether the last build's output holds but for edits of content and templates: the
    same static files, settings and output (:func:`frame_key`), and no story published or
    out of the news window since (its valid interval)."""
    low, high = cache.valid
    return bool(cache.frame_key) and low < now.timestamp() < high and cache.frame_key == frame_key(options, cache)


def takes_a_file(articles: Sequence[Article], outputs: Set[str]) -> bool:
    """Whether new articles' URLs or aliases are files of the last build (``outputs``): whose
    they were is not known here (:func:`~site_gen.urls.output_clashes` takes a claim of a
    file in the output for its page written again)."""
    claims = [urls.output_file(a.path) for a in articles]
    claims += [urls.output_file(alias) for a in articles for alias in a.aliases]
    return not outputs.isdisjoint(claims)


@dataclass
class Edits:
    """Content files changed since the last build that left every other article in its place."""

    edited: set[str]
    """Files whose :func:`~site_gen.identities.place` did not change."""
    added: set[str]
    """New articles."""
    checked: list = field(default_factory=list)
    """The edited articles that are published: those a rebuild checks."""
    held: list = field(default_factory=list)
    """Drafts and scheduled stories (links to them are errors)."""
    keep_rest: bool = False
    """Every output file not planned (static files and images too) is as the last build left it."""
    new_outputs: set[str] = field(default_factory=set)
    """Output files of pages the last build did not have (links to them are fine)."""
    gone: set[str] = field(default_factory=set)
    """Output files of the last build that go: those of a story that moved (links to them are not)."""
    valid: tuple[float, float] | None = None
    """The interval in which this build's output stays right, when known without every article."""
    sitemap: dict[str, str | None] | None = None
    """The sitemap entries of the whole site, when they changed."""


def skeleton_of(site) -> bytes:
    """The site with each article and page named by its source: what :func:`_bare_site` reads."""
    import pickle

    def sources(articles) -> tuple[str, ...]:
        return articles.sources if isinstance(articles, LazyArticles) else tuple(a.source for a in articles)

    bare = replace(site, articles=sources(site.articles), pages=sources(site.pages))
    return pickle.dumps(bare, protocol=pickle.HIGHEST_PROTOCOL)


def _bare_site(data: bytes | None):
    """The :func:`skeleton_of` the last build: its site with articles and pages named by source; or None."""
    import pickle

    if not data:
        return None
    try:
        bare = pickle.loads(data)
    except (TypeError, AttributeError, pickle.UnpicklingError, EOFError, ImportError):
        return None
    return bare if isinstance(getattr(bare, "articles", None), tuple) else None


def saved_state(site, pages: list[Page], images: ProcessedImages, changed: Edits | None) -> dict[str, bytes]:
    """What the next rebuild takes from this one: the site's skeleton (:func:`skeleton_of`),
    the sitemap entries and the image views, each when it may have changed (a body edit
    changes none of them)."""
    import pickle

    from .plan import sitemap_entries

    def dump(data) -> bytes:
        return pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)

    if changed is None:
        blobs = {"site": skeleton_of(site), "sitemap": dump(dict(sitemap_entries(pages)))}
    elif changed.sitemap is not None:
        blobs = {"site": skeleton_of(site), "sitemap": dump(changed.sitemap)}
    elif changed.keep_rest:
        return {}
    else:
        blobs = {}
    blobs["images"] = dump(images.views)
    return blobs


def cache_keys(cache: Cache, loaded: Loaded) -> tuple[set[str], tuple[set[str], set[str]] | None]:
    """The article keys :meth:`Cache.save` keeps: ``(live, None)``, every key of this build,
    or, for a rebuild after a few edits, ``(set(), (gone, came))``: only the keys that changed."""
    from .load import article_key

    now, before = loaded.sources, cache.sources
    changed = {where for where, _state in before.items() ^ now.items()}
    if before and len(changed) <= AFFECTED_MAX:
        # A rebuild after a few edits: only the rows of the files that changed are touched.
        gone = {
            article_key(w, before[w][1]) for w in changed if w in before and now.get(w, ("", ""))[1] != before[w][1]
        }
        came = {article_key(w, now[w][1]) for w in changed if w in now and before.get(w, ("", ""))[1] != now[w][1]}
        return set(), (gone, came)
    return {article_key(where, hashed) for where, (_signature, hashed) in now.items()}, None


def save_cache(
    cache: Cache,
    loaded: Loaded,
    records: dict[str, str],
    valid,
    counts,
    frame: tuple[str, str],
    site_key,
    blobs,
    some_pages: bool = False,
    keys: tuple | None = None,
    reads: dict | None = None,
    removed: Set[str] = frozenset(),
) -> None:
    """Save this build's state; ``keys``: :func:`cache_keys`, when already made."""
    live, moved = keys or cache_keys(cache, loaded)
    cache.save(
        loaded.sources,
        loaded.parsed,
        live,
        records,
        build_key=frame[1],  # the sources table saved with it is the rest of what this build read
        valid=valid,
        counts=counts,
        frame_key=frame[0],
        site_key=site_key,
        blobs=blobs,
        moved=moved,
        some_pages=some_pages,
        reads=reads,
        removed=removed,
    )


def nothing_changed(
    options: BuildOptions, cache: Cache, now: datetime, scan: Scan | None, damaged: Background[set[str] | None]
) -> bool:
    """Whether a build would find everything as the last successful one left it, from
    stat signatures alone (no file is parsed): every content file as the cache's table
    has it (``scan``), none gone, the same templates, static files, settings and output
    (:func:`build_key`, saved by each successful build), and
    ``now`` in the interval in which that build's output stays right (no scheduled
    story due, none entering or leaving the news sitemap's window), and every file of
    the output as that build left it (``damaged``: :func:`~site_gen.write.damage_check`).
    """
    low, high = cache.valid
    if scan is None or not cache.build_key or not (low < now.timestamp() < high):
        return False
    if not scan.unchanged(cache.sources) or build_key(options, frame_key(options, cache)) != cache.build_key:
        return False
    found = damaged.result()
    return found is not None and not found


def frame_key(options: BuildOptions, cache: Cache) -> str | None:
    """A key of everything a build reads but the content and the templates (pages read
    those by name, :func:`template_identities`): the output's manifest (a build killed
    while moving files has rewritten it), static files, settings and options. None when
    the output has no manifest."""
    try:
        parts = [f"manifest={stat_signature(options.path('output') / MANIFEST)}"]
        if (options.path("output") / JOURNAL).exists():
            return None  # a killed commit: the output is not what the manifest says
    except OSError:
        return None
    static = options.path("static")
    for path in sorted(static.rglob("*")) if static.is_dir() else ():
        if not path.is_dir():  # a FIFO or a broken link too: the build that reads it reports it
            try:
                signature = stat_signature(path)
            except OSError:
                signature = "unreadable"
            parts.append(f"static {path.relative_to(static).as_posix()}={signature}")
    parts.append(
        repr((cache.settings, options.drafts, options.future, options.base_url, str(options.output), options.search))
    )
    return digest("\n".join(parts).encode())


def build_key(options: BuildOptions, frame: str | None) -> str | None:
    """A :func:`frame_key` with the template files: everything a build reads but the content."""
    return frame and f"{frame} {template_files_key(options)}"


def frame_keys(options: BuildOptions, cache: Cache) -> tuple[str, str]:
    """What a build saves for the next: its :func:`frame_key` and :func:`build_key` ("" without a manifest)."""
    frame = frame_key(options, cache)
    return frame or "", build_key(options, frame) or ""


def template_identities(options: BuildOptions, cache: Cache) -> set[str] | None:
    """The identities of the templates that changed since the last build
    (:func:`~site_gen.identities.templates_changed`); None when the cache does not say."""
    import json

    from .identities import templates_changed
    from .render import template_keys

    files, _, before = cache.stored.get("template_keys", "").partition(" ")
    if not before:
        return None
    if files == template_files_key(options):
        return set()
    return templates_changed(json.loads(before), remembered_template_keys(options, cache, template_keys))


def remembered_template_keys(options: BuildOptions, cache: Cache, template_keys) -> dict[str, str]:
    """:func:`site_gen.render.template_keys`, kept in the cache by the hashes of the template files."""
    import json

    files = template_files_key(options)
    for stored in (cache.remember.get("template_keys", ""), cache.stored.get("template_keys", "")):
        if stored.startswith(files + " "):
            return json.loads(stored[len(files) + 1 :])
    keys = template_keys(options.path("templates"))
    cache.remember["template_keys"] = f"{files} {json.dumps(keys, sort_keys=True)}"
    return keys


def template_files_key(options: BuildOptions) -> str:
    """A hash of every file of the templates folder, by name and bytes (no template is parsed)."""
    return digest(repr(template_file_hashes(options.path("templates"))).encode())


def template_file_hashes(templates: Path) -> list[tuple[str, str]]:
    """Every file of the templates folder with the hash of its bytes (no template is parsed)."""
    found = []
    for current, dirs, files in os.walk(templates):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(current, name)
            found.append((os.path.relpath(path, templates), content_hash(read_template(path))))
    return found


def valid_interval(
    articles, now: datetime, config: Config, within=(float("-inf"), float("inf"))
) -> tuple[float, float]:
    """The open interval of times around ``now`` (inside ``within``) in which nothing is
    published or expires.

    Events are the dates of articles (a scheduled story is published at its date), the
    dates plus the news sitemap's window (a story leaves it) and the dates plus
    ``share_cards_days`` (a story's own share card gives way to the site's, :mod:`site_gen.share`).
    """
    from .share import window
    from .sitemaps import NEWS_WINDOW

    windows = (NEWS_WINDOW, window(config.share_cards_days))
    stamp = now.timestamp()
    low, high = within
    for article in articles:
        at = article.date.at
        for event in (at.timestamp(), *[(at + span).timestamp() for span in windows]):
            if event == stamp:
                return (0.0, 0.0)
            if event < stamp:
                low = max(low, event)
            else:
                high = min(high, event)
    return (low, high)
