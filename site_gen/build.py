"""The one place that chains the stages (:func:`_build_site`): start, load (read, arrange,
plan), select, render and check, write, save, over one :class:`Run`.

Nothing is written until every file has been read and checked and every page rendered; a
failure leaves the output folder as it was. A rebuild plans only what changed (:mod:`site_gen.rebuild`),
and renders only pages whose fingerprint changed (:mod:`site_gen.rendering`).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Set
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

from .cache import Cache, serialize, settings_key
from .config import Config, load_config, markdown_engine, override
from .dates import utc_now
from .errors import BuildFailed, ContentError, display_path
from .folders import check_output_folder
from .hashing import digest
from .options import BuildOptions, BuildReport
from .parallel import OVERLAP_MAX_ARTICLES, Background, default_jobs
from .rebuild import (
    Edits,
    cache_keys,
    frame_keys,
    load_changes,
    nothing_changed,
    remembered_template_keys,
    save_cache,
    saved_state,
    valid_interval,
)
from .rendering import BodyStore, fingerprint, gather, render_pages, salts, timed
from .sources import Scan, find_sources, scan_sources, static_files
from .write import OutputWriter, add_images, copy_static, damage_check

if TYPE_CHECKING:  # the stages are imported where they run: a no-change build needs none of them
    from .load import Loaded
    from .plan import Page

__all__ = ["BuildOptions", "BuildReport", "build_site", "check_site", "load_site", "read_config"]


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
    """Read the configuration and content, check them, and plan every page: ``(config, site,
    pages, loaded, images)``; raises :class:`BuildFailed` with every problem found. Images are
    resized (or taken from their cache) here."""
    config, site, pages, loaded, images, _changed = _load(options, cache, config or read_config(options), lap)
    return config, site, pages, loaded, images


def _load(
    options: BuildOptions,
    cache: Cache | None,
    config: Config,
    lap,
    writer: OutputWriter | None = None,
    found: list | None = None,
    scan: Scan | None = None,
):
    """:func:`load_site`, and what a rebuild that planned only some pages knows (:class:`Edits`):
    given a writer of the previous output, a rebuild after a few edits plans only the pages that
    read what they changed or that new stories change (:func:`load_changes`); ``changed`` is
    None when every page was planned."""
    from .images import process_images
    from .plan import plan_pages
    from .share import site_icons

    now = options.now or utc_now()
    if writer is not None and cache is not None and found is not None and scan is not None:
        quick = load_changes(options, cache, config, writer, found, scan, now, lap)
        if quick is not None:
            return quick
    loaded = read_content(options, config, cache, found, scan.signatures if scan is not None else None)
    if loaded.errors:
        raise BuildFailed(loaded.errors)
    lap("read")
    site = arrange(options, loaded, now)
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


def refuse_errors(options: BuildOptions, config: Config, site, pages, loaded: Loaded) -> None:
    """Raise :class:`BuildFailed` with the errors :mod:`site_gen.check` finds in what is published.
    Drafts and scheduled articles are not checked here (``site-gen check`` does); they only tell
    which links will work once they are published."""
    published = {id(a) for a in (*site.articles, *site.pages)}
    unpublished = [a for a in (*loaded.articles, *loaded.pages) if id(a) not in published]
    problems = check_published(options, config, site.articles, site.pages, pages, unpublished=unpublished)
    errors = [problem for problem in problems if problem.severity == "error"]
    if errors:
        raise BuildFailed(errors)


def read_content(
    options: BuildOptions, config: Config, cache: Cache | None = None, found: list | None = None, signatures=None
) -> Loaded:
    """The read stage: every content file parsed (through the cache when given), errors gathered."""
    from .load import load_content

    jobs = options.jobs or default_jobs()
    return load_content(options.path("content"), config, options.root, cache, jobs, found, signatures)


def arrange(options: BuildOptions, loaded: Loaded, now: datetime):
    """The arrange stage: what is published at ``now``, in order, with its terms and periods."""
    from .collect import collect_site

    return collect_site(loaded.articles, loaded.pages, now, options.drafts, options.future)


def check_published(options: BuildOptions, config: Config, articles, pages, planned: list[Page], **more) -> list:
    """The check stage: the static files' problems and :func:`~site_gen.check.check_content`'s."""
    from .check import check_content

    files, problems = static_files(options)
    return problems + check_content(
        articles,
        pages,
        config,
        options.now or utc_now(),
        planned=planned,
        static_files={rel: display_path(path, options.root) for rel, path in files.items()},
        drafts=options.drafts,
        future=options.future,
        **more,
    )


def refuse_errors_of(options: BuildOptions, config: Config, edits: Edits, outputs: Set[str]) -> None:
    """:func:`refuse_errors` for a rebuild that planned only some pages (:class:`Edits`): the
    checks of the articles it read, with their links checked against ``outputs``, the output
    files of this build (the last build's, less those gone, with those added)."""
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


def build_site(options: BuildOptions, progress: Callable[[int, int], None] | None = None) -> BuildReport:
    """Build the whole site; raise :class:`BuildFailed` and change nothing on any error.

    Python's cyclic garbage collector is paused while the site is read and planned (hundreds
    of thousands of objects, no cycles to find), and those objects are frozen out of its sight
    while pages render (and in the forked workers, which then do not touch them either)."""
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


@dataclass
class Run:
    """The state one build carries from stage to stage."""

    options: BuildOptions
    config: Config
    cache: Cache
    now: datetime
    found: list | None
    scan: Scan | None
    damaged: Background[set[str] | None]  # the output files changed by hand, found beside the start
    timings: dict[str, float] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)
    writer: OutputWriter | None = None
    site: object = None
    pages: list = field(default_factory=list)
    loaded: object = None
    images: object = None
    changed: Edits | None = None
    """What a rebuild that planned only some pages knows; None when every page was planned."""
    view: dict = field(default_factory=dict)
    fingerprints: dict[str, str] = field(default_factory=dict)
    todo: list[int] = field(default_factory=list)
    """Indexes of the pages to render: their fingerprint or their file changed."""
    salt_key: str = ""
    results: list = field(default_factory=list)
    saving: dict = field(default_factory=dict)

    def lap(self, name: str) -> None:
        """Add the time since the last lap to stage ``name`` (for ``--timings``)."""
        self.timings[name] = (
            self.timings.get(name, 0.0) + time.perf_counter() - self.started - sum(self.timings.values())
        )

    @property
    def lean(self) -> bool:
        """Whether every output file not planned stays as the last build left it."""
        return self.changed is not None and self.changed.keep_rest


def _build_site(options: BuildOptions, progress: Callable[[int, int], None] | None) -> BuildReport:
    """The stages: start, (nothing to do?), load, select, render and check, write, save."""
    run = _start(options)
    try:
        if not (options.fresh or options.clean) and nothing_changed(options, run.cache, run.now, run.scan, run.damaged):
            run.cache.close()
            articles, drafts, scheduled, files = run.cache.counts
            return BuildReport(articles, drafts=drafts, scheduled=scheduled, unchanged=files, seconds=_since(run))
        run.options = options = replace(options, now=run.now)
        run.writer = OutputWriter(options.path("output"), fresh=options.fresh, damaged=run.damaged)
        # Files of the output changed by hand: every page is planned, and theirs written again.
        incremental = None if options.fresh or options.clean or run.writer.damaged else run.writer
        loaded = _load(options, run.cache, run.config, run.lap, incremental, run.found, run.scan)
        run.config, run.site, run.pages, run.loaded, run.images, run.changed = loaded
        run.found = run.scan = None  # read: not held while the pages render
        _select(run)
        _render_and_check(run, progress)
    except BaseException:
        run.damaged.cancel()
        if run.writer is not None:
            run.writer.abort()
        run.cache.close()
        raise
    removed = _write(run)
    _save(run)
    site = run.site
    return BuildReport(
        articles=len(site.articles),
        pages=len(run.pages),
        written=len(run.writer.pending),
        unchanged=run.writer.unchanged,
        rendered=len(run.todo),
        removed=removed,
        drafts=site.held_back.get("drafts", 0),
        scheduled=site.held_back.get("scheduled", 0),
        seconds=_since(run),
        warnings=run.loaded.warnings,
        timings=run.timings,
        planned_all=run.changed is None,
    )


def _since(run: Run) -> float:
    return time.perf_counter() - run.started


def _start(options: BuildOptions) -> Run:
    """The configuration, the cache, and what the content folder holds (stat signatures
    only); meanwhile, which files of the output were changed by hand."""
    started = time.perf_counter()
    check_output_folder(options)
    damaged = damage_check(options.path("output"), wanted=not options.fresh)
    try:
        config = read_config(options)
        cache = open_cache(options, config)
        now = options.now or utc_now()
        found = find_sources(options.path("content"), options.root) if options.path("content").is_dir() else None
        scan = scan_sources(found, cache.sources) if found is not None else None
    except BaseException:
        damaged.cancel()
        raise
    return Run(options, config, cache, now, found, scan, damaged, started=started)


def _select(run: Run) -> None:
    """Fingerprint the planned pages: those whose fingerprint is the one recorded, and whose file
    in the output holds the bytes it rendered to, are kept; the others are to render."""
    from .render import site_view, template_keys

    options, cache, writer = run.options, run.cache, run.writer
    run.view = site_view(run.site, run.config)
    site_key = digest(serialize(run.view))
    salt = salts(remembered_template_keys(options, cache, template_keys), site_key)
    missing = f"missing:{site_key}".encode()
    run.salt_key = digest(repr(sorted(salt.items())).encode())
    # A rebuild that keeps every file it does not plan needs the fingerprints of those it plans.
    previous = cache.fingerprints_of([page.rel for page in run.pages]) if run.lean else cache.pages
    old = writer.old
    for i, page in enumerate(run.pages):
        rel = page.rel
        fp = run.fingerprints[rel] = fingerprint(salt.get(page.template, missing), page)
        if previous.get(rel) == f"{fp} {old.get(rel)}":
            writer.keep(rel)
        else:
            run.todo.append(i)
    run.lap("fingerprints")


def _render_and_check(run: Run, progress: Callable[[int, int], None] | None) -> None:
    """Render and stage the pages to render; meanwhile check what is published and begin the
    cache's save (see :data:`~site_gen.parallel.OVERLAP_MAX_ARTICLES`). Then queue the static
    files, the images and the search index. Raises :class:`BuildFailed`, nothing moved."""
    from .render import Renderer

    options, cache, writer, changed = run.options, run.cache, run.writer, run.changed
    compiled = options.path("cache_dir") / "templates" if options.cache_dir is not None else None
    bodies = BodyStore(run.loaded.bodies, cache)
    cards = options.path("image_cache") / "cards"
    renderer = Renderer(options.path("templates"), run.view, bodies, options.root, compiled, cards)

    def check() -> None:  # before any page is written into place
        if changed is None:
            refuse_errors(options, run.config, run.site, run.pages, run.loaded)
        else:
            refuse_errors_of(options, run.config, changed, writer.old.keys() - changed.gone | changed.new_outputs)

    def begin_save() -> None:
        blobs = saved_state(run.site, run.pages, run.images, changed)
        live, moved = keys = cache_keys(cache, run.loaded)
        cache.begin_save(run.loaded.parsed, live, blobs, moved)
        if not cache.begun:  # kept for save() to try again; else not held while pages render
            run.saving.update(blobs=blobs, keys=keys)

    gc.freeze()
    gc.enable()
    side = [timed("check", check, run.timings), timed("cache", begin_save, run.timings)]
    overlap = len(run.site.articles) <= OVERLAP_MAX_ARTICLES
    if not overlap:
        side[0]()
    run.results = render_pages(
        renderer, run.pages, writer, run.todo, options.jobs or default_jobs(), progress, side if overlap else []
    )
    if not overlap:
        side[1]()
    errors = gather(run.results, writer)
    run.lap("render")
    errors += copy_static(options, writer)
    errors += add_images(run.images, writer)
    if run.lean:
        writer.keep_the_rest(but=changed.gone)
    if not errors:  # once every other file is recorded: the index reads the pages
        from .search import add_search_index

        errors += add_search_index(writer, options.search, "" if run.config.languages else run.config.language)
    if errors:
        raise BuildFailed(errors)


def _write(run: Run) -> int:
    """Move the staged files into place, unless something on disk stands in their way; the
    number of files removed."""
    writer = run.writer
    blocked = writer.obstacles(writer.stale(run.options.clean))
    if blocked:
        writer.abort()
        run.cache.close()
        raise BuildFailed(obstacle_errors(blocked, run.options, run.loaded, run.pages))
    removed = writer.commit(clean=run.options.clean)
    run.lap("write")
    return removed


def _save(run: Run) -> None:
    """Record this build for the next one: what each page read and rendered to, the sources,
    and when the output stops being right (a scheduled story due, one leaving a window)."""
    cache, site, changed = run.cache, run.site, run.changed
    counts = (
        len(site.articles),
        site.held_back.get("drafts", 0),
        site.held_back.get("scheduled", 0),
        len(run.writer.new),
    )
    frames = frame_keys(run.options, cache)
    # An edit that moved no article moved no date either: the interval of the last build holds.
    valid = (
        valid_interval(run.loaded.articles, run.now, run.config) if changed is None else changed.valid or cache.valid
    )
    if cache.begun:  # the save goes on from begin_save, which needs none of these again
        blobs, keys = None, (set(), None)
    else:
        blobs, keys = run.saving.get("blobs"), run.saving.get("keys")
        if blobs is None:
            blobs = saved_state(site, run.pages, run.images, changed)
    new = run.writer.new
    records = {rel: f"{fp} {new[rel]}" for rel, fp in run.fingerprints.items()}
    reads = {result[1]: result[5] for result in run.results if len(result) == 6}
    removed = changed.gone if changed is not None else frozenset()
    save_cache(cache, run.loaded, records, valid, counts, frames, run.salt_key, blobs, run.lean, keys, reads, removed)
    cache.close()
    run.lap("cache")


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


def check_site(options: BuildOptions) -> list[ContentError]:
    """Every problem a build would meet, and the editors' checks; writes nothing.

    The build's stages (:func:`read_content`, :func:`arrange`, the plan, :func:`check_published`)
    without the cache and without resizing images, checking every file read, drafts and
    scheduled stories too; then one page of each template is rendered. Returns errors,
    warnings and notes together, sorted by file and line.
    """
    from .check import check_catalogues
    from .plan import plan_pages
    from .render import Renderer, site_view

    try:
        check_output_folder(options)
        config = read_config(options)
    except BuildFailed as failed:
        return failed.errors
    options = replace(options, now=options.now or utc_now())
    loaded = read_content(options, config)
    site = arrange(options, loaded, options.now)
    pages, _ = plan_pages(site, config, options.now, {})  # collisions: check_content finds them, drafts included
    # Drafts and scheduled stories are checked too, and every link when every file could be read.
    problems = loaded.errors + loaded.warnings
    problems += check_published(options, config, loaded.articles, loaded.pages, pages, links=not loaded.errors)
    problems += check_catalogues(options.path("templates"), config, lambda p: display_path(p, options.root))
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
