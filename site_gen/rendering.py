"""Rendering the planned pages: their fingerprints, and the pages whose fingerprint changed
rendered and staged, in worker processes when there are many (:mod:`site_gen.parallel`)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import urls
from .cache import Cache, serialize
from .errors import ContentError
from .hashing import digest
from .parallel import PARALLEL_RENDER_MIN, RENDER_STEP, render_chunk_size, shared_work
from .write import OutputWriter, check_rel, stage

if TYPE_CHECKING:
    from .plan import Page
    from .render import Renderer


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
        name = writer.staged_name(rel, "p", i)
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


def render_pages(
    renderer: Renderer,
    pages: list[Page],
    writer: OutputWriter,
    todo: list[int],
    jobs: int,
    progress: Callable[[int, int], None] | None,
    side: Sequence[Callable[[], None]] = (),
) -> list[tuple]:
    """:func:`_render_pages` with the state its workers inherit when they are forked."""
    try:
        _JOB.update(renderer=renderer, pages=pages, writer=writer)
        return _render_pages(todo, jobs, progress, side)
    finally:
        _JOB.clear()


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


def gather(results: list[tuple], writer: OutputWriter) -> list[ContentError]:
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
