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
import time
from collections.abc import Callable, Set
from dataclasses import replace
from typing import TYPE_CHECKING

from .cache import Cache, serialize, settings_key
from .config import Config, load_config, markdown_engine, override
from .dates import utc_now
from .errors import BuildFailed, ContentError, display_path
from .folders import check_output_folder
from .hashing import digest
from .options import BuildOptions, BuildReport
from .parallel import OVERLAP_MAX_ARTICLES, default_jobs
from .rebuild import (
    Edits,
    _load_changes,
    _save_cache,
    cache_keys,
    frame_key,
    nothing_changed,
    remembered_template_keys,
    saved_state,
    valid_interval,
)
from .rendering import BodyStore, fingerprint, gather, render_pages, salts, timed
from .sources import Scan, find_sources, read_static, scan_sources, static_files
from .write import OutputWriter

if TYPE_CHECKING:  # the stages are imported where they run: a no-change build needs none of them
    from .images import ProcessedImages
    from .load import Loaded
    from .plan import Page

__all__ = ["BuildOptions", "BuildReport", "build_site", "check_site", "load_site", "read_config"]


def read_config(options: BuildOptions) -> Config:
    """``site.yaml`` with command-line overrides."""
    config = load_config(options.path("config"), display_path(options.path("config"), options.root))
    if options.base_url:
        config = override(config, base_url=options.base_url)
    return config


def open_cache(options: BuildOptions, config: Config) -> Cache:
    folder = options.path("cache_dir") if options.cache_dir is not None else None
    settings = settings_key(f"{config.source_hash}:{config.base_url}", markdown_engine(config.raw_html))
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
    if images.errors:
        raise BuildFailed(images.errors)
    pages, errors = plan_pages(site, config, now, images.views)
    if errors:
        raise BuildFailed(errors)
    lap("plan")
    return config, site, pages, loaded, images, None


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
        renderer = Renderer(options.path("templates"), view, BodyStore(loaded.bodies, cache), options.root, compiled)
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
        results = render_pages(renderer, pages, writer, todo, jobs, progress, [run_check, run_save] if overlap else [])
        if not overlap:
            run_save()
        errors = gather(results, writer)
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


def copy_static(options: BuildOptions, writer: OutputWriter) -> list[ContentError]:
    """Queue every file of the static folder, as it is."""
    files, errors = static_files(options)
    for rel, source in files.items():
        try:
            writer.add(rel, read_static(source, options.root))
        except BuildFailed as failed:  # a FIFO, a device, a file over the size cap
            errors += failed.errors
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
