"""Worker processes: the one place that decides how work is shared out.

Workers are forked, so they inherit what the parent prepared (the site, the
pages, the templates) and only small arguments and results cross the pipe.
The output never depends on the number of jobs.

With ``jobs`` N, :func:`shared_work` runs N-1 forked workers and the calling
process works beside them, taking chunks from the same counter. One process
fewer than jobs means one copy fewer of the memory a forked worker dirties
(CPython writes reference counts into every object it touches, so a worker
copies much of its parent), and chunks the parent takes itself never cross a pipe.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Generic, TypeVar

from .errors import BuildFailed, ContentError

#: Below this many pages to render, forking workers costs more than it saves.
PARALLEL_RENDER_MIN = 400

#: Below this many content files to parse, forking workers costs more than it saves.
PARALLEL_PARSE_MIN = 200

#: A manifest of at least this many bytes (about 2,000 output files) is checked against the disk
#: in a forked child (:class:`Background`); for a smaller one the fork costs more than it saves.
BACKGROUND_MIN_BYTES = 200_000

#: Pages a process rendering alone takes at a time (between progress reports).
RENDER_STEP = 200
#: From this many articles a rebuild after new stories compares the lists' shapes in a forked
#: child while it compares the other pages' (:func:`~site_gen.identities.dirty_between`).
SPLIT_SHAPES_MIN = 2_000

#: Up to this many articles the checks and the first part of the cache save run while the
#: workers render. Both touch every article, and what the parent touches while a forked worker
#: still shares it is copied: past this size the copies outgrow the memory a build may use, so
#: larger sites run them before and after rendering (figures in bench/README.md).
OVERLAP_MAX_ARTICLES = 50_000

#: Seconds the workers of a failed :func:`shared_work` get to finish the chunks they hold.
WIND_DOWN = 10.0


def render_chunk_size(pages: int, jobs: int) -> int:
    """Pages per chunk when processes share the rendering: small chunks (about 32 a process,
    20 to 200 pages), so that a slow one (feeds) does not leave one process working alone at the end."""
    return max(20, min(200, pages // (jobs * 32)))


def parse_chunk_size(files: int, jobs: int) -> int:
    """Content files per chunk when processes share the parsing: about 8 a process, at most 64."""
    return max(1, min(64, files // (jobs * 8)))


#: How often (seconds) the parent, waiting for its workers, checks that none of them died.
_WATCH = 0.5

#: The GIL switch interval (seconds) while the parent works beside its workers. A worker's
#: results are read by a thread of the parent's pool, which needs the GIL the parent's own
#: chunks hold; at Python's 5 ms the pipe filled and the worker waited (bench/README.md).
SWITCH_INTERVAL = 0.0002


def default_jobs() -> int:
    """One job per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _quiet_worker() -> None:
    """Ctrl-C reaches the whole process group: the parent stops the workers itself, and
    a worker does not print a traceback of its own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def worker_pool(jobs: int):
    """A pool of ``jobs`` forked workers (use as a context manager)."""
    return multiprocessing.get_context("fork").Pool(jobs, initializer=_quiet_worker)


T = TypeVar("T")


class Background(Generic[T]):
    """``work()`` done by a forked child while the caller goes on, its result pickled back
    through a pipe: for system calls that would keep the other core idle (an ``lstat`` of
    every output file), which a thread cannot overlap with Python work (it waits for the GIL
    after each call). Where there is no fork, or the child fails, :meth:`result` does the
    work itself; the result never depends on where it was made."""

    def __init__(self, work: Callable[[], T], fork: bool = True):
        self.work = work
        self.pid = 0
        self.pipe = -1
        self.done: tuple[T] | None = None
        if not fork or not hasattr(os, "fork"):
            return
        try:
            read_end, write_end = os.pipe()
        except OSError:
            return
        try:
            self.pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            return
        if self.pid == 0:  # the child: never returns into the caller's code
            try:
                os.close(read_end)
                data = pickle.dumps(work())
                with open(write_end, "wb", closefd=True) as out:
                    out.write(data)
            finally:
                os._exit(0)
        os.close(write_end)
        self.pipe = read_end

    def result(self) -> T:
        """The result, waiting for the child if it is still at work."""
        if self.done is None:
            data = b""
            if self.pid:
                with open(self.pipe, "rb", closefd=True) as pipe:
                    data = pipe.read()
                os.waitpid(self.pid, 0)
                self.pid = 0
            try:
                self.done = (pickle.loads(data),)
            except (pickle.UnpicklingError, EOFError, ValueError):  # the child failed: nothing, or half, came back
                self.done = (self.work(),)
        return self.done[0]

    def cancel(self) -> None:
        """Stop the child, if any, and reap it (the caller will not ask for the result)."""
        if self.pid:
            os.close(self.pipe)
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = 0


def _check_alive(workers: list) -> None:
    """Raise when a worker stopped by itself (the out-of-memory killer, a crash): its chunk
    would never come back, and the build would wait for it forever."""
    for worker in workers:
        code = worker.exitcode
        if code is None or code == 0:
            continue
        hint = _CRASHED
        if code < 0:
            try:
                how = f"was killed by signal {-code} ({signal.Signals(-code).name})"
            except ValueError:
                how = f"was killed by signal {-code}"
            if -code == signal.SIGKILL:
                hint = _KILLED
        else:
            how = f"stopped with exit status {code}"
        raise BuildFailed([ContentError("(build)", 0, f"a worker process {how}", hint)])


_KILLED = "if the machine ran out of memory, build with fewer processes (--jobs 1)"
_CRASHED = (
    "it crashed (a bug in site_gen or a library it uses) and nothing was written: "
    "report it, with the files changed since the last good build; --jobs 1 builds without workers"
)


# What the workers of :func:`shared_work` inherit when they are forked.
_SHARED: dict = {}


def _claim(state: dict, from_end: bool = False) -> int:
    """The index of a chunk no process has taken yet: the first one, or the last one;
    past the end of the chunks when none is left."""
    front, back = state["front"], state["back"]
    with front.get_lock():
        if front.value > back.value:
            return len(state["chunks"])
        if from_end:
            back.value -= 1
            return back.value + 1
        front.value += 1
        return front.value - 1


def _ticket(_number: int):
    """In a worker: take the next chunk, if any is left, and do it."""
    index = _claim(_SHARED)
    chunks = _SHARED["chunks"]
    if index >= len(chunks):
        return None
    return index, _SHARED["func"](chunks[index])


def shared_work(
    func: Callable,
    chunks: Sequence,
    jobs: int,
    parent_from_end: bool = False,
    side: Sequence[Callable[[], object]] = (),
) -> Iterator[tuple[int, object]]:
    """Yield ``(index, func(chunks[index]))`` for every chunk, in the order they finish.

    The calling process does chunks itself beside ``jobs - 1`` forked workers;
    each process takes the next chunk when it is free, so a slow chunk holds
    up no one. ``func`` and ``chunks`` reach the workers by fork, not by pipe.
    With ``parent_from_end`` the parent works from the last chunk back while the
    workers go forward: a worker then touches (and copies) only the memory of
    the first chunks' pages, not of every page.

    ``side``: work only the calling process can do (it needs the parent's own
    state), done by it before it takes its first chunk, while the workers
    already work through the chunks: the work would otherwise keep every other
    core idle, before or after the run. With one job it is done first too.
    """
    if jobs <= 1 or len(chunks) <= 1:
        for task in side:
            task()
        for index, chunk in enumerate(chunks):
            yield index, func(chunk)
        return
    context = multiprocessing.get_context("fork")
    front = context.Value("q", 0)
    back = context.Value("q", len(chunks) - 1, lock=False)  # under ``front``'s lock
    state = {"func": func, "chunks": chunks, "front": front, "back": back}
    _SHARED.clear()  # the parent reads its own ``state``: a run left unfinished cannot disturb this one
    _SHARED.update(state)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(min(interval, SWITCH_INTERVAL))
    try:
        with worker_pool(min(jobs - 1, len(chunks) - 1)) as pool:
            workers = list(getattr(pool, "_pool", ()))  # the pool replaces a dead worker: keep these
            # One ticket per chunk: whichever process claims a chunk first does it, so every
            # chunk is claimed once and the tickets left when the parent has taken the rest
            # come back empty.
            done = pool.imap_unordered(_ticket, range(len(chunks)))
            try:
                for task in side:
                    task()
                    yield from _finished(done, workers, wait=False)
                while (index := _claim(state, parent_from_end)) < len(chunks):
                    yield index, func(chunks[index])
                    yield from _finished(done, workers, wait=False)  # what the workers finished meanwhile
                yield from _finished(done, workers, wait=True)
            except BaseException:
                _wind_down(state, done, workers)
                raise
    finally:
        sys.setswitchinterval(interval)
        if _SHARED.get("front") is front:
            _SHARED.clear()


def _wind_down(state: dict, done, workers: list) -> None:
    """After a failure (or Ctrl-C): no chunk is handed out any more, and the workers' own chunks
    are let finish, for :data:`WIND_DOWN` seconds at most (not at all once a worker has died: its
    chunk never comes back). The pool's shutdown kills its workers, and one killed while it sent
    a result holds the lock of the results' pipe for good: the shutdown would then wait forever."""
    front, back = state["front"], state["back"]
    if front.get_lock().acquire(timeout=WIND_DOWN):
        try:
            front.value = back.value + 1  # nothing left to claim
        finally:
            front.get_lock().release()
    deadline = time.monotonic() + WIND_DOWN
    while time.monotonic() < deadline and all(worker.exitcode in (None, 0) for worker in workers):
        try:
            done.next(timeout=_WATCH)
        except StopIteration:
            return
        except Exception:  # a timeout, or another chunk's failure (the first is the one raised)
            continue


def _finished(done, workers: list, wait: bool) -> Iterator[tuple[int, object]]:
    """The results the workers sent back: those ready now, or (``wait``) all of them."""
    while True:
        try:
            finished = done.next(timeout=_WATCH if wait else 0)
        except StopIteration:
            return
        except multiprocessing.TimeoutError:
            _check_alive(workers)
            if not wait:
                return
            continue
        if finished is not None:
            yield finished


def in_order(finished: Iterator[tuple[int, object]]) -> Iterator:
    """The results of :func:`shared_work` in chunk order (holding those that finish early)."""
    early: dict[int, object] = {}
    following = 0
    for index, result in finished:
        early[index] = result
        while following in early:
            yield early.pop(following)
            following += 1
