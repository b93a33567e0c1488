"""The one place that chains the stages: load → collect → plan → render → write.

Nothing is written until every file has been read and checked, and every
page rendered; a failure leaves the output folder as it was.

Incremental builds (see :mod:`site_gen.cache`): unchanged files are not
parsed again, and a page is rendered only when its *fingerprint* changed:
the hash of its template files, the ``site`` view and its context (which
names article bodies by their key, so a body edit changes it). A page that
renders to the bytes already on disk is not written.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from . import urls
from .cache import Cache, serialize, settings_key
from .config import Config, load_config, markdown_engine, override
from .dates import utc_now
from .errors import BuildFailed, ContentError, display_path
from .hashing import content_hash, digest
from .parallel import (
    OVERLAP_MAX_ARTICLES,
    PARALLEL_RENDER_MIN,
    RENDER_STEP,
    default_jobs,
    render_chunk_size,
    shared_work,
)
from .sources import Scan, find_sources, read_content, scan_sources, stat_signature
from .write import JOURNAL, MANIFEST, OutputWriter, check_rel, damaged_files, read_manifest_state, stage

if TYPE_CHECKING:  # the stages are imported where they run: a no-change build needs none of them
    from .images import ProcessedImages
    from .load import Loaded
    from .model import Article
    from .plan import Page
    from .render import Renderer


@dataclass(frozen=True)
class BuildOptions:
    """Where things are and what to include; the CLI fills it from its flags."""

    root: Path = Path(".")
    """Project folder; relative paths below are taken from here."""
    config: Path = Path("site.yaml")
    content: Path = Path("content")
    templates: Path = Path("templates")
    static: Path = Path("static")
    output: Path = Path("build")
    cache_dir: Path | None = Path(".site-gen-cache")
    """Where the incremental-build cache lives; None for no cache."""
    drafts: bool = False
    """Include drafts."""
    future: bool = False
    """Include articles dated after ``now``."""
    base_url: str | None = None
    """Overrides ``base_url`` of site.yaml."""
    now: datetime | None = None
    """The build's clock; the real time when None."""
    clean: bool = False
    """Also remove files in the output folder that site_gen did not write."""
    fresh: bool = False
    """Ignore the cache and the previous output: parse, render and write everything."""
    jobs: int = 0
    """Worker processes; 0 means one per core."""
    image_cache: Path = Path(".site-gen-cache/images")
    """Resized images, by content hash (see :mod:`site_gen.images`)."""
    search: bool = False
    """Index the article pages for the search page (:mod:`site_gen.search`); without it an
    earlier build's index is removed."""
    offline: bool = True
    """Write the service worker (:mod:`site_gen.offline`) when ``site.yaml`` asks for one; the
    preview has none, so a worker never keeps its drafts nor stands between an editor and a reload."""

    def path(self, name: str) -> Path:
        """One of the folders or files above, resolved against ``root``."""
        value = getattr(self, name)
        return value if value.is_absolute() else self.root / value


@dataclass
class BuildReport:
    """What a build did, for the summary line."""

    articles: int = 0
    pages: int = 0
    written: int = 0
    unchanged: int = 0
    rendered: int = 0
    removed: int = 0
    drafts: int = 0
    scheduled: int = 0
    seconds: float = 0.0
    warnings: list[ContentError] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds spent in each stage."""
    planned_all: bool = True
    """False when only the pages that read what changed were planned (see :func:`_load_changes`)."""

    def summary(self) -> str:
        held = []
        if self.drafts:
            held.append(f"{self.drafts} draft{'s' if self.drafts != 1 else ''}")
        if self.scheduled:
            held.append(f"{self.scheduled} scheduled")
        return (
            f"{self.articles} articles, {self.written} files written, {self.unchanged} unchanged"
            + (f", {self.removed} removed" if self.removed else "")
            + (f"; held back {' and '.join(held)}" if held else "")
            + f" in {self.seconds:.2f} s"
        )


def read_config(options: BuildOptions) -> Config:
    """``site.yaml`` with command-line overrides."""
    config = load_config(options.path("config"), display_path(options.path("config"), options.root))
    if options.base_url:
        config = override(config, base_url=options.base_url)
    if not options.offline:
        config = override(config, offline_stories=0)
    return config


def open_cache(options: BuildOptions, config: Config) -> Cache:
    folder = options.path("cache_dir") if options.cache_dir is not None else None
    settings = f"{config.source_hash}:{config.base_url}:{config.offline_stories}"
    settings = settings_key(settings, markdown_engine(config.raw_html))
    return Cache(folder, settings, fresh=options.fresh)


def load_site(
    options: BuildOptions,
    cache: Cache | None = None,
    config: Config | None = None,
    lap: Callable[[str], None] = lambda name: None,
):
    """Read the configuration and content, check them, and plan every page.

    Returns ``(config, site, pages, loaded, images)``; raises :class:`BuildFailed`
    with every problem found. Images are resized (or taken from their cache) here.
    """
    config, site, pages, loaded, images, _changed = _load(options, cache, config or read_config(options), lap)
    return config, site, pages, loaded, images


#: Past this many changed files, a rebuild plans every page (it costs the same).
AFFECTED_MAX = 50


def _load(
    options: BuildOptions,
    cache: Cache | None,
    config: Config,
    lap,
    writer: OutputWriter | None = None,
    found: list | None = None,
    scan: Scan | None = None,
):
    """:func:`load_site`, and what a rebuild that planned only some pages knows (:class:`Edits`).

    When a writer of the previous output is given, a rebuild after a few edits plans
    only the pages that read what they changed or that new stories change
    (:func:`_load_changes`); ``changed`` is None when every page was planned.
    """
    from .collect import collect_site
    from .images import process_images
    from .load import load_content
    from .plan import plan_pages
    from .share import site_icons

    jobs = options.jobs or default_jobs()
    now = options.now or utc_now()
    if writer is not None and cache is not None and found is not None and scan is not None:
        quick = _load_changes(options, cache, config, writer, found, scan, now, lap)
        if quick is not None:
            return quick
    signatures = scan.signatures if scan is not None else None
    loaded = load_content(options.path("content"), config, options.root, cache, jobs, found, signatures)
    if loaded.errors:
        raise BuildFailed(loaded.errors)
    lap("read")
    site = collect_site(loaded.articles, loaded.pages, now, options.drafts, options.future)
    lap("collect")
    images = process_images(
        (*site.articles, *site.pages),
        options.path("static"),
        options.path("image_cache"),
        config.base_path,
        options.root,
    )
    where = display_path(options.path("config"), options.root)
    icons, icon_errors = site_icons(config.publisher.icon, options.path("static"), options.path("image_cache"), where)
    images.outputs.update(icons)
    images.errors += icon_errors
    if images.errors:
        raise BuildFailed(images.errors)
    pages, errors = plan_pages(site, config, now, images.views)
    if errors:
        raise BuildFailed(errors)
    lap("plan")
    return config, site, pages, loaded, images, None


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


def _load_changes(
    options: BuildOptions,
    cache: Cache,
    config: Config,
    writer: OutputWriter,
    found: list,
    scan: Scan,
    now: datetime,
    lap,
):
    """:func:`_load` after a few edits that left every story in its place, and new stories
    newer than every published one (the newsroom's everyday rebuild), when nothing else
    changed. Only those files are read; the last build's site is restored around them
    (every other article taken from the cache when a planned page shows it,
    :class:`LazyArticles`), new stories put in front (:func:`~site_gen.collect.insert_newest`).
    The pages planned are those that read an identity the edits changed
    (:func:`~site_gen.identities.changed`, :meth:`~site_gen.cache.Cache.readers`) and those
    whose shape the new stories changed (:func:`~site_gen.identities.dirty`); every other
    output file is kept. None when anything else changed, when a story moved, is held back,
    would take a URL that needs the whole site looked at or would change what every page
    shows: the caller reads everything, and reports any error."""
    import pickle

    from .check import may_clash
    from .collect import insert_newest, publishable
    from .identities import changed, dirty
    from .images import ProcessedImages, process_images
    from .load import article_key, load_changed
    from .plan import Planner, some_pages
    from .render import site_view

    if not only_content_changed(options, cache, now):
        return None
    loaded = load_changed(scan, config, cache, AFFECTED_MAX, new_files=True)
    if loaded is None:
        return None
    known = cache.sources
    new = [a for a in loaded.articles if a.source not in known]
    edited = {a.source: a for a in (*loaded.articles, *loaded.pages) if a.source in known}
    before = cache.articles([article_key(where, known[where][1]) for where in edited])
    names = changed({a.source: a for a, _warnings in before.values()}, edited)
    blobs = [cache.blob(name) for name in ("site", "sitemap", "images")]
    bare = _bare_site(blobs[0])
    if names is None or bare is None or None in blobs or len(new) + len(edited) != len(loaded.parsed):
        return None  # a story moved, a new static page, or no record of the last build
    published = {*bare.articles, *bare.pages}
    if not edited.keys() <= published or any(publishable(a, now, options.drafts, options.future) for a in new):
        return None  # a draft or scheduled story: the full read handles it
    resolve = cached_articles(cache, loaded, edited)
    old = replace(bare, articles=LazyArticles(bare.articles, resolve), pages=LazyArticles(bare.pages, resolve))
    try:
        sitemap, views = pickle.loads(blobs[1]), pickle.loads(blobs[2])
        keys = cache.readers(names) if names else set()
        site, outputs = old, {}
        if keys is not None and new:
            site = insert_newest(old, new)
            if site is None or serialize(site_view(site, config)) != serialize(site_view(old, config)):
                return None
            if may_clash(new, writer.old.keys()):  # the new stories' URLs, against every file of the last build
                return None
            fresh = process_images(
                new, options.path("static"), options.path("image_cache"), config.base_path, options.root
            )
            if fresh.errors:
                return None
            views, outputs = {**views, **fresh.views}, fresh.outputs
            moved, gone = dirty(Planner(old, config, views, now).shapes(), Planner(site, config, views, now).shapes())
            if gone:
                return None
            keys |= moved | {f"r {a.source}" for a in new} | {"n", "m"}
        if keys is None:
            return None
        pages, entries = some_pages(site, config, now, views, keys, sitemap)
        planned = [page.rel for page in pages]
        added = set(planned) - writer.old.keys()
        if added and files_clash(planned, added, writer.old.keys() | static_files(options)[0].keys()):
            return None  # two pages on one path (a story's alias on its new tag), or a file where a folder is
        for page in pages:
            page.context  # noqa: B018 (every article the pages show is read here, from the cache)
        held = [resolve(where) for _kind, _path, where in found if where not in published and where in known]
    except (StaleCache, KeyError, TypeError, AttributeError, pickle.UnpicklingError, EOFError, ImportError):
        return None
    lap("read")
    edits = Edits(
        set(edited),
        {a.source for a in new},
        checked=[*(edited[source] for source in sorted(edited)), *site.articles[: len(new)]],
        held=held,
        keep_rest=True,
        new_outputs=added,
        valid=valid_interval(new, now, cache.valid) if new else None,
        sitemap=entries if new else None,
    )
    images = ProcessedImages(views=views, outputs=outputs, errors=[])
    return config, site, pages, loaded, images, edits


def only_content_changed(options: BuildOptions, cache: Cache, now: datetime) -> bool:
    """Whether the last build's output holds but for content edits: the same templates,
    static files, settings and output (:func:`frame_key`), and no story published or
    out of the news window since (its valid interval)."""
    low, high = cache.valid
    return bool(cache.frame_key) and low < now.timestamp() < high and cache.frame_key == frame_key(options, cache)


def files_clash(planned: list[str], added: set[str], old: Set[str]) -> bool:
    """Whether the output files of planned pages take one path twice, or whether one of
    those new in this build (``added``) is another in all but capitals, needs a folder
    where another file is, or is a file where others need a folder (``old``: every
    other file of the output)."""
    from .check import fold_path

    if len(set(planned)) != len(planned):
        return True
    every = old | added
    folds = [fold_path(rel) for rel in added]
    if len(set(folds)) != len(folds):
        return True
    for rel in added:
        if any(rel[:n] in every for n, char in enumerate(rel) if char == "/"):
            return True
    # The other files as one text, a line each: at 150,000 files one search per new file
    # is quicker than a set of every folded path. A path with a line break in it can only
    # make a clash appear, never hide one (and a clash means a full build, not an error).
    text = "\n" + "\n".join(every - added) + "\n"
    if text.isascii():  # folding ASCII is lower()
        low = text.lower()
        same = any(f"\n{fold}\n" in low for fold in folds)
    else:
        same = not {fold_path(rel) for rel in every - added}.isdisjoint(folds)
    if same:
        return True  # one file on disks that ignore case
    return any(f"\n{rel}/" in text for rel in added)  # a new file where others need a folder


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


def check_output_folder(options: BuildOptions) -> None:
    """Refuse an output folder whose clean-up could delete the project or its content, and a
    cache folder that would be published or read (see :func:`check_cache_folder`).

    The output may not be the project folder, ``content/``, ``templates/`` or
    ``static/``, nor any folder above them, nor a folder inside one of the
    last three (the next build would read its own output). Nor may it be or be inside a
    ``.git`` folder (a repository's history), nor overlap the cache (said by the cache's
    check). It may hold a ``.git`` folder (a
    deployment repository): a clean-up keeps it (see :mod:`site_gen.write`)."""
    out = options.path("output").resolve()
    shown = display_path(options.path("output"), options.root)
    if not Path(shown).is_absolute():
        shown = f"{shown} ({out})"
    problem = ""
    if out.is_file():
        problem = "it is a file"
    for name, label in (("root", "the project folder"), ("content", "content/"), ("templates", "templates/")):
        folder = (options.root if name == "root" else options.path(name)).resolve()
        relation = overlap(out, folder)
        if not problem and relation and not (name == "root" and relation == "is inside"):
            problem = f"it {relation} {label}"
    if not problem and overlap(out, options.path("static").resolve()):
        problem = "it overlaps static/"
    if not problem and ".git" in out.parts:
        problem = "it is .git, a git repository's own folder" if out.name == ".git" else "it is inside .git"
    errors = []
    if problem:
        errors.append(
            ContentError(
                "--output",
                0,
                f"refusing to build into {shown}: {problem}",
                "use a folder of its own, such as build/: a build removes files there",
            )
        )
    cache_problem = None if problem else check_cache_folder(options)  # a bad output says enough
    if cache_problem:
        errors.append(cache_problem)
    if errors:
        raise BuildFailed(errors)


def overlap(path: Path, folder: Path) -> str:
    """How two resolved folders overlap: ``is``, ``contains``, ``is inside``, or "" when apart."""
    if path == folder:
        return "is"
    if path in folder.parents:
        return "contains"
    return "is inside" if folder in path.parents else ""


def check_cache_folder(options: BuildOptions) -> ContentError | None:
    """Why the cache folder may not be used, or None: it holds every story, drafts and scheduled
    ones too, so it may not be, be inside or hold a folder that is published or read
    (``static/``, ``content/``, ``templates/``, the output folder), nor be or hold the project."""
    if options.cache_dir is None:
        return None
    cache = options.path("cache_dir").resolve()
    root = options.root.resolve()
    problem = ""
    if overlap(cache, root) in ("is", "contains"):
        problem = f"it {overlap(cache, root)} the project folder"
    for name, label in (
        ("static", "static/"),
        ("content", "content/"),
        ("templates", "templates/"),
        ("output", "the output folder"),
    ):
        relation = overlap(cache, options.path(name).resolve())
        if not problem and relation:
            problem = f"it {relation} {label}"
    if not problem and cache.is_file():
        problem = "it is a file"
    if not problem:
        return None
    shown = display_path(options.path("cache_dir"), options.root)
    if not Path(shown).is_absolute():
        shown = f"{shown} ({cache})"
    return ContentError(
        "--cache-dir",
        0,
        f"refusing to keep the cache in {shown}: {problem}",
        "the cache holds drafts and scheduled stories: give it a folder of its own, such as .site-gen-cache/",
    )


def refuse_errors(options: BuildOptions, config: Config, site, pages, loaded: Loaded) -> None:
    """Raise :class:`BuildFailed` with the errors :mod:`site_gen.check` finds in what is published.

    Drafts and scheduled articles are not checked here (``site-gen check`` does);
    they only tell which links will work once they are published.
    """
    from .check import check_content

    published = {id(a) for a in (*site.articles, *site.pages)}
    files, errors = static_files(options)
    errors += [
        problem
        for problem in check_content(
            site.articles,
            site.pages,
            config,
            options.now or utc_now(),
            planned=pages,
            static_files={rel: display_path(path, options.root) for rel, path in files.items()},
            drafts=options.drafts,
            future=options.future,
            unpublished=[a for a in (*loaded.articles, *loaded.pages) if id(a) not in published],
        )
        if problem.severity == "error"
    ]
    if errors:
        raise BuildFailed(errors)


def refuse_errors_of(options: BuildOptions, config: Config, edits: Edits, outputs: Set[str]) -> None:
    """:func:`refuse_errors` for a rebuild that planned only some pages (:class:`Edits`): the checks of those articles, with their links
    checked against the output of the last build (the same pages, since no edit
    moved anything)."""
    from .check import check_article, check_links

    now = options.now or utc_now()
    mine = edits.checked
    errors = [problem for a in mine for problem in check_article(a, config, now)]
    later = edits.held
    held = {id(a): "draft" if a.draft else "scheduled" for a in later}
    errors += check_links(mine, held, config, (), {}, later, outputs=outputs)
    errors = [problem for problem in errors if problem.severity == "error"]
    if errors:
        raise BuildFailed(sorted(set(errors), key=lambda p: (p.path, p.line, p.message)))


def static_files(options: BuildOptions) -> tuple[dict[str, Path], list[ContentError]]:
    """Files of the static folder by site path (hidden files left out), and links that leave it."""
    static = options.path("static")
    found: dict[str, Path] = {}
    errors: list[ContentError] = []
    if not static.is_dir():
        return found, errors
    inside = static.resolve()
    for source in sorted(static.rglob("*")):
        rel = source.relative_to(static)
        if any(part.startswith(".") for part in rel.parts) or source.is_dir():
            continue
        if source.is_symlink() and inside not in source.resolve().parents:
            errors.append(
                ContentError(
                    display_path(source, options.root),
                    0,
                    "this link points to a file outside static/; it is not published",
                    "copy the file into static/ instead",
                )
            )
            continue
        found[rel.as_posix()] = source
    return found, errors


class BodyStore:
    """Body HTML by article key: this run's bodies, then the cache's, loaded on demand."""

    def __init__(self, fresh: dict[str, str], cache: Cache | None):
        self.fresh = fresh
        self.cache = cache
        self.loaded: dict[str, str] = {}

    #: Bodies kept after use (feeds show the same newest ones again and again); bounded, so a
    #: worker rendering thousands of article pages does not hold all their bodies.
    KEEP = 500

    def __getitem__(self, key: str) -> str:
        if key in self.fresh:
            return self.fresh[key]
        if key not in self.loaded:
            if len(self.loaded) >= self.KEEP:
                self.loaded.clear()
            self.loaded.update(self.cache.bodies([key]) if self.cache else {})
        return self.loaded[key]


def fingerprint(salt: bytes, page: Page) -> str:
    """What a page's bytes depend on, hashed: its template files and the site view
    (``salt``, see :func:`salts`) and its context, or what decides its context when
    it is made on demand (``deps``)."""
    deps = page.deps  # made once: an article page makes its deps each time they are asked for
    return digest(serialize(page.context if deps is None else ("deps", deps)) + salt)


def salts(template_keys: dict[str, str], site_key: str) -> dict[str, bytes]:
    """For each template, the part of a page's fingerprint that is the same for all its pages."""
    return {name: f"{key}:{site_key}".encode() for name, key in template_keys.items()}


# State the render workers inherit when they are forked.
_JOB: dict = {}


def _render_chunk(indexes: list[int]) -> list[tuple]:
    """Render pages; stage new bytes. Returns (index, rel, hash, staged name, signature, (key, reads))
    or (index, error)."""
    renderer: Renderer = _JOB["renderer"]
    pages: list[Page] = _JOB["pages"]
    writer: OutputWriter = _JOB["writer"]
    staging: Path = writer.staging
    results = []
    for i in indexes:
        page = pages[i]
        rel = urls.output_file(page.path)
        try:
            check_rel(rel)
            data = renderer.render(page)
        except ContentError as exc:
            results.append((i, exc))
            continue
        finally:
            page.forget()
        hashed = digest(data)
        read = (page.key, page.reads)  # kept with the page's new fingerprint (see Cache.readers)
        sig = writer.unchanged_on_disk(rel, hashed, data)
        if sig is not None:
            results.append((i, rel, hashed, None, sig, read))
            continue
        name = writer.staged_name(rel, f"p{i}")
        results.append((i, rel, hashed, name, stage(staging, name, data), read))
    return results


def timed(name: str, task: Callable[[], None], timings: dict[str, float]) -> Callable[[], None]:
    """``task``, adding the seconds it takes to ``timings[name]`` (for ``--timings``)."""

    def run() -> None:
        started = time.perf_counter()
        try:
            task()
        finally:
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - started

    return run


def _render_pages(
    todo: list[int], jobs: int, progress: Callable[[int, int], None] | None, side: Sequence[Callable[[], None]] = ()
) -> list[tuple]:
    """Render the pages at ``todo`` in ``jobs`` processes when there are many; the ``side`` work
    is done by this process meanwhile (see :func:`~site_gen.parallel.shared_work`), or first."""
    if jobs <= 1 or len(todo) < PARALLEL_RENDER_MIN:
        for task in side:
            task()
        results = []
        step = RENDER_STEP
        for start in range(0, len(todo), step):
            results += _render_chunk(todo[start : start + step])
            if progress:
                progress(min(start + step, len(todo)), len(todo))
        return results
    # Small chunks, taken as each process gets free: a slow one (feeds, of 20 bodies each) does
    # not leave one process working alone at the end. Pages come article pages first, in the
    # site's order, then lists: the parent starts from the lists, the workers from the first
    # articles, so a worker touches (and copies, see parallel.py) few articles beyond its own.
    size = render_chunk_size(len(todo), jobs)
    chunks = [todo[start : start + size] for start in range(0, len(todo), size)]
    results = []
    for _index, chunk_results in shared_work(_render_chunk, chunks, jobs, parent_from_end=True, side=side):
        results += chunk_results
        if progress:
            progress(len(results), len(todo))
    return results


def build_site(options: BuildOptions, progress: Callable[[int, int], None] | None = None) -> BuildReport:
    """Build the whole site; raise :class:`BuildFailed` and change nothing on any error.

    Python's cyclic garbage collector is paused while the site is read and
    planned (hundreds of thousands of objects, no cycles to find: each pass
    would scan them all), and those objects are frozen out of its sight
    while pages render (and in the forked workers, which then do not touch
    the shared memory pages either).
    """
    from .lock import build_lock

    check_output_folder(options)  # before the lock makes the folder
    cache = options.path("cache_dir") if options.cache_dir is not None else None
    enabled = gc.isenabled()
    gc.disable()
    try:
        with build_lock(options.path("output"), cache, options.root):
            return _build_site(options, progress)
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()


def _build_site(options: BuildOptions, progress: Callable[[int, int], None] | None) -> BuildReport:
    started = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(name: str) -> None:
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - started - sum(timings.values())

    check_output_folder(options)
    config = read_config(options)
    cache = open_cache(options, config)
    jobs = options.jobs or default_jobs()
    now = options.now or utc_now()
    found = find_sources(options.path("content"), options.root) if options.path("content").is_dir() else None
    scan = scan_sources(found, cache.sources) if found is not None else None
    if not (options.fresh or options.clean) and nothing_changed(options, cache, now, scan):
        cache.close()
        articles, drafts, scheduled, files = cache.counts
        return BuildReport(
            articles=articles,
            drafts=drafts,
            scheduled=scheduled,
            unchanged=files,
            seconds=time.perf_counter() - started,
        )
    from .render import Renderer, site_view, template_keys  # not needed above: a build with nothing to do

    options = replace(options, now=now)
    try:
        writer = OutputWriter(options.path("output"), fresh=options.fresh)
        # Files of the output changed by hand: every page is planned, and theirs written again.
        incremental = None if options.fresh or options.clean or writer.damaged else writer
        config, site, pages, loaded, images, changed = _load(options, cache, config, lap, incremental, found, scan)
        view = site_view(site, config)
        site_key = digest(serialize(view))
        salt = salts(remembered_template_keys(options, cache, template_keys), site_key)
        missing = f"missing:{site_key}".encode()
        salt_key = digest(repr(sorted(salt.items())).encode())
        fingerprints: dict[str, str] = {}
        todo: list[int] = []
        # A rebuild that keeps every file it does not plan needs the fingerprints of those it plans.
        lean = changed is not None and changed.keep_rest
        previous = cache.fingerprints_of([page.rel for page in pages]) if lean else cache.pages
        # A page is current when its fingerprint is the one recorded and the output holds the
        # bytes that fingerprint rendered to (another output folder or cache may have others).
        old = writer.old
        for i, page in enumerate(pages):
            rel = page.rel
            record = previous.get(rel)
            fp = fingerprints[rel] = fingerprint(salt.get(page.template, missing), page)
            if record is not None and record == f"{fp} {old.get(rel)}":
                writer.keep(rel)
            else:
                todo.append(i)
        lap("fingerprints")
        compiled = options.path("cache_dir") / "templates" if options.cache_dir is not None else None
        cards = options.path("image_cache") / "cards"
        renderer = Renderer(
            options.path("templates"), view, BodyStore(loaded.bodies, cache), options.root, compiled, cards
        )
        saving: dict = {}

        def check() -> None:  # before any page is written into place
            if changed is None:
                refuse_errors(options, config, site, pages, loaded)
            else:
                refuse_errors_of(options, config, changed, writer.old.keys() | changed.new_outputs)

        def begin_save() -> None:
            blobs = saved_state(site, pages, images, changed)
            live, moved = keys = cache_keys(cache, loaded)
            cache.begin_save(loaded.parsed, live, blobs, moved)
            if not cache.begun:  # kept for save() to try again; else not held while pages render
                saving.update(blobs=blobs, keys=keys)

        gc.freeze()
        gc.enable()
        run_check, run_save = timed("check", check, timings), timed("cache", begin_save, timings)
        overlap = len(site.articles) <= OVERLAP_MAX_ARTICLES
        if not overlap:
            run_check()
        try:
            _JOB.update(renderer=renderer, pages=pages, writer=writer)
            results = _render_pages(todo, jobs, progress, side=[run_check, run_save] if overlap else [])
        finally:
            _JOB.clear()
        if not overlap:
            run_save()
        errors = _gather(results, writer, pages)
        lap("render")
        errors += copy_static(options, writer)
        errors += add_images(images, writer)
        if changed is not None and changed.keep_rest:
            writer.keep_the_rest()
        if not errors:  # once every other file is recorded: the index reads the pages
            from .search import add_search_index

            errors += add_search_index(writer, options.search, config.language)
        if errors:
            writer.abort()
            raise BuildFailed(errors)
    except BaseException:
        if "writer" in locals():
            writer.abort()
        cache.close()
        raise
    blocked = writer.obstacles(writer.stale(options.clean))
    if blocked:
        writer.abort()
        cache.close()
        raise BuildFailed(obstacle_errors(blocked, options, loaded, pages))
    removed = writer.commit(clean=options.clean)
    lap("write")
    counts = (len(site.articles), site.held_back.get("drafts", 0), site.held_back.get("scheduled", 0), len(writer.new))
    frame = frame_key(options, cache) or ""
    # An edit that moved no article moved no date either: the interval of the last build holds.
    valid = valid_interval(loaded.articles, now) if changed is None else changed.valid or cache.valid
    if cache.begun:  # the save goes on from begin_save, which needs none of these again
        blobs, keys = None, (set(), None)
    else:
        blobs, keys = saving.get("blobs"), saving.get("keys")
        if blobs is None:
            blobs = saved_state(site, pages, images, changed)
    new = writer.new
    records = {rel: f"{fp} {new[rel]}" for rel, fp in fingerprints.items()}
    reads = {result[1]: result[5] for result in results if len(result) == 6}
    _save_cache(cache, loaded, records, valid, counts, frame, salt_key, blobs, lean, keys, reads)
    cache.close()
    lap("cache")
    return BuildReport(
        articles=len(site.articles),
        pages=len(pages),
        written=len(writer.pending),
        unchanged=writer.unchanged,
        rendered=len(todo),
        removed=removed,
        drafts=site.held_back.get("drafts", 0),
        scheduled=site.held_back.get("scheduled", 0),
        seconds=time.perf_counter() - started,
        warnings=loaded.warnings,
        timings=timings,
        planned_all=changed is None,
    )


def obstacle_errors(
    blocked: list[tuple[str, str]], options: BuildOptions, loaded: Loaded, pages: list[Page]
) -> list[ContentError]:
    """Errors for output files that something on disk is in the way of, each on the content
    file (and line) whose page or alias it is, else on the output file."""
    by_rel = {page.rel: page for page in pages}
    out = display_path(options.path("output"), options.root).rstrip("/")
    errors = []
    for rel, what in blocked:
        page = by_rel.get(rel)
        source = page.source if page else ""
        # A page planned by a rebuild is one of the files it read (the others cannot move).
        article = next((a for a in (*loaded.articles, *loaded.pages) if a.source == source), None) if source else None
        alias = page is not None and page.template == "redirect.html"
        line = article.lines.get("aliases" if alias else "slug", 1) if article else 0
        hint = f"remove {out}/{what.split(' ')[0]} (site_gen did not write it)"
        if alias:
            hint += ", or change the alias"
        message = f"cannot write {out}/{rel}" + (f" for the alias /{page.path}" if alias else "") + f": {what}"
        errors.append(ContentError(source or f"{out}/{rel}", line, message, hint))
    return errors


def saved_state(site, pages: list[Page], images: ProcessedImages, changed: Edits | None) -> dict[str, bytes]:
    """What the next rebuild takes from this one: the site's skeleton
    (:func:`skeleton_of`), the sitemap entries and the image views, each when it
    may have changed (a body edit changes none of them)."""
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


def _gather(results: list[tuple], writer: OutputWriter, pages: list[Page]) -> list[ContentError]:
    """Record rendered pages in page order; one error per template is enough."""
    errors: dict[tuple, ContentError] = {}
    for result in sorted(results, key=lambda r: r[0]):
        if len(result) == 2:
            exc = result[1]
            errors.setdefault((exc.path, exc.line), exc)
            continue
        _i, rel, hashed, staged, sig, _read = result
        writer.record(rel, hashed, staged, sig)
    return list(errors.values())


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


def _save_cache(
    cache: Cache,
    loaded: Loaded,
    records: dict[str, str],
    valid,
    counts,
    frame,
    site_key,
    blobs,
    some_pages: bool = False,
    keys: tuple | None = None,
    reads: dict | None = None,
) -> None:
    """Save this build's state; ``keys``: :func:`cache_keys`, when already made."""
    live, moved = keys or cache_keys(cache, loaded)
    cache.save(
        loaded.sources,
        loaded.parsed,
        live,
        records,
        build_key=frame,  # the sources table saved with it is the rest of what this build read
        valid=valid,
        counts=counts,
        frame_key=frame,
        site_key=site_key,
        blobs=blobs,
        moved=moved,
        some_pages=some_pages,
        reads=reads,
    )


def nothing_changed(options: BuildOptions, cache: Cache, now: datetime, scan: Scan | None) -> bool:
    """Whether a build would find everything as the last successful one left it, from
    stat signatures alone (no file is parsed): every content file as the cache's table
    has it (``scan``), none gone, the same templates, static files, settings and output
    (:func:`frame_key`, saved as the cache's build key by each successful build), and
    ``now`` in the interval in which that build's output stays right (no scheduled
    story due, none entering or leaving the news sitemap's window), and every file of
    the output as that build left it (:func:`~site_gen.write.damaged_files`).
    """
    low, high = cache.valid
    if scan is None or not cache.build_key or not (low < now.timestamp() < high):
        return False
    if not scan.unchanged(cache.sources) or frame_key(options, cache) != cache.build_key:
        return False
    out = options.path("output")
    hashes, stats = read_manifest_state(out)
    return stats is not None and not damaged_files(out, hashes, stats)


def frame_key(options: BuildOptions, cache: Cache) -> str | None:
    """A key of everything a build reads but the content: the output's manifest
    (a build killed while moving files has rewritten it), templates, static
    files, settings and options. None when the output has no manifest."""
    try:
        parts = [f"manifest={stat_signature(options.path('output') / MANIFEST)}"]
        if (options.path("output") / JOURNAL).exists():
            return None  # a killed commit: the output is not what the manifest says
    except OSError:
        return None
    parts += [f"template {name}={key}" for name, key in template_file_hashes(options.path("templates"))]
    static = options.path("static")
    for path in sorted(static.rglob("*")) if static.is_dir() else ():
        if path.is_file():
            parts.append(f"static {path.relative_to(static).as_posix()}={stat_signature(path)}")
    parts.append(
        repr((cache.settings, options.drafts, options.future, options.base_url, str(options.output), options.search))
    )
    return digest("\n".join(parts).encode())


def remembered_template_keys(options: BuildOptions, cache: Cache, template_keys) -> dict[str, str]:
    """:func:`site_gen.render.template_keys`, kept in the cache by the hashes of the template files."""
    import json

    files = digest(repr(template_file_hashes(options.path("templates"))).encode())
    stored = cache.stored.get("template_keys", "")
    if stored.startswith(files + " "):
        return json.loads(stored[len(files) + 1 :])
    keys = template_keys(options.path("templates"))
    cache.remember["template_keys"] = f"{files} {json.dumps(keys, sort_keys=True)}"
    return keys


def template_file_hashes(templates: Path) -> list[tuple[str, str]]:
    """Every file of the templates folder with the hash of its bytes (no template is parsed)."""
    found = []
    for current, dirs, files in os.walk(templates):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(current, name)
            found.append((os.path.relpath(path, templates), content_hash(read_content(path))))
    return found


def valid_interval(articles, now: datetime, within=(float("-inf"), float("inf"))) -> tuple[float, float]:
    """The open interval of times around ``now`` (inside ``within``) in which nothing is
    published or expires.

    Events are the dates of articles (a scheduled story is published at its
    date) and the dates plus the news sitemap's window (a story leaves it).
    """
    from .sitemaps import NEWS_WINDOW

    stamp = now.timestamp()
    low, high = within
    for article in articles:
        for event in (article.date.at.timestamp(), (article.date.at + NEWS_WINDOW).timestamp()):
            if event == stamp:
                return (0.0, 0.0)
            if event < stamp:
                low = max(low, event)
            else:
                high = min(high, event)
    return (low, high)


def copy_static(options: BuildOptions, writer: OutputWriter) -> list[ContentError]:
    """Queue every file of the static folder, as it is."""
    files, errors = static_files(options)
    for rel, source in files.items():
        try:
            writer.add(rel, source.read_bytes())
        except ContentError as exc:
            errors.append(ContentError(display_path(source, options.root), 0, exc.message, "rename it"))
    return errors


def add_images(images: ProcessedImages, writer: OutputWriter) -> list[ContentError]:
    """Queue the resized images (from the cache)."""
    errors = []
    for rel, cached in sorted(images.outputs.items()):
        try:
            writer.add(rel, cached.read_bytes())
        except ContentError as exc:
            errors.append(exc)
    return errors


def check_site(options: BuildOptions) -> list[ContentError]:
    """Every problem a build would meet, and the editors' checks; writes nothing.

    Returns errors, warnings and notes together, sorted by file and line.
    """
    from .check import check_content
    from .collect import collect_site
    from .load import load_content
    from .plan import plan_pages
    from .render import Renderer, site_view

    try:
        check_output_folder(options)
        config = read_config(options)
    except BuildFailed as failed:
        return failed.errors
    loaded = load_content(options.path("content"), config, options.root, jobs=options.jobs or default_jobs())
    now = options.now or utc_now()
    site = collect_site(loaded.articles, loaded.pages, now, options.drafts, options.future)
    pages, _ = plan_pages(site, config, now, {})  # collisions: check_content finds them, drafts included
    files, problems = static_files(options)
    problems += loaded.errors + loaded.warnings
    problems += check_content(
        loaded.articles,
        loaded.pages,
        config,
        now,
        planned=pages,
        static_files={rel: display_path(path, options.root) for rel, path in files.items()},
        drafts=options.drafts,
        future=options.future,
        links=not loaded.errors,
    )
    renderer = Renderer(options.path("templates"), site_view(site, config), loaded.bodies, options.root)
    seen: set[str] = set()
    for page in pages:
        if page.template in seen:
            continue
        seen.add(page.template)
        try:
            renderer.render(page)
        except ContentError as exc:
            problems.append(exc)
    problems = sorted(set(problems), key=lambda p: (p.path, p.line, p.message))
    if loaded.errors:
        note = "links in bodies were not checked, since some files could not be read"
        problems.append(
            ContentError(
                display_path(options.path("content"), options.root), 0, note, "fix the errors, then check again", "note"
            )
        )
    return problems
