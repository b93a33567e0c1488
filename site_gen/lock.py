"""One build at a time: a lock on the output folder and on the cache folder.

Two builds of one project at once would stage, move and remove each other's files. A build
(and each rebuild of ``site-gen serve``) holds an ``flock`` on ``lock`` in the output's staging
folder (``build/.site-gen-staging/lock``) and on ``.site-gen-lock`` in the cache folder, so two
builds conflict when they share either. The second one does not wait: it stops at once, naming
the holder's process id (written into the file), and changes nothing. A build of the same
sources would redo the same work, and a build waiting behind a hung one would hang too; the
message says what runs, and the user or the script decides.

The kernel releases an ``flock`` when its holder exits in any way, ``SIGKILL`` included, so
a stale lock file never blocks a build. The file is removed on release (and the folder, when
the lock made it and nothing else is in it): a build leaves no trace. A build that locked a
file another one has just removed sees that the path no longer names its file, and tries again.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from .errors import BuildFailed, ContentError, display_path
from .write import STAGING

OUTPUT_LOCK = f"{STAGING}/lock"
"""The lock file, relative to the output folder (inside staging: never a page, never cleaned)."""
CACHE_LOCK = ".site-gen-lock"
"""The lock file, relative to the cache folder."""


@contextlib.contextmanager
def build_lock(output: Path, cache: Path | None, root: Path | None = None) -> Iterator[None]:
    """Hold the lock of ``output`` and of ``cache`` (when given) for the ``with`` block.

    Raises :class:`~site_gen.errors.BuildFailed` at once, naming the holder's process id,
    when another build holds either.
    """
    with contextlib.ExitStack() as held:
        held.enter_context(_locked(output, output / OUTPUT_LOCK, root))
        if cache is not None:
            held.enter_context(_locked(cache, cache / CACHE_LOCK, root))
        yield


@contextlib.contextmanager
def _locked(folder: Path, path: Path, root: Path | None) -> Iterator[None]:
    made: list[Path] = []
    _make_folders(path.parent, made)
    handle = _acquire(folder, path, root, made)
    try:
        yield
    finally:
        # Removed while still held: a build that opened it meanwhile finds it gone and retries.
        with contextlib.suppress(OSError):
            os.unlink(path)
        os.close(handle)
        # The staging folder, and the folders the lock made (deepest first), when empty.
        for empty in dict.fromkeys([path.parent, *made] if path.parent != folder else made):
            with contextlib.suppress(OSError):
                empty.rmdir()


def _make_folders(folder: Path, made: list[Path]) -> None:
    """Make ``folder`` and its missing parents, adding those made to ``made`` (deepest first)."""
    missing = []
    while not folder.is_dir():
        missing.append(folder)
        folder = folder.parent
    for new in reversed(missing):
        with contextlib.suppress(FileExistsError):
            new.mkdir()
    made[:0] = [new for new in missing if new not in made]


def _acquire(folder: Path, path: Path, root: Path | None, made: list[Path]) -> int:
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
    while True:
        try:
            handle = os.open(path, flags, 0o666)
        except FileNotFoundError:  # a build that just ended removed its empty staging folder
            _make_folders(path.parent, made)
            handle = os.open(path, flags, 0o666)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(handle)
            os.close(handle)
            shown = display_path(folder, root).rstrip("/") + "/"
            who = f"another site-gen build (pid {holder})" if holder else "another site-gen build"
            raise BuildFailed([ContentError(shown, 0, f"{who} is running", "wait for it to finish")]) from None
        except BaseException:
            os.close(handle)
            raise
        try:
            mine = os.fstat(handle)
            there = os.stat(path)
            if (mine.st_dev, mine.st_ino) == (there.st_dev, there.st_ino):
                break
        except FileNotFoundError:
            pass
        os.close(handle)  # the last holder removed the file as we locked it: lock the new one
    os.ftruncate(handle, 0)
    os.write(handle, f"{os.getpid()}\n".encode())
    return handle


def _holder(handle: int) -> int | None:
    """The process id written in a held lock file (None when not written yet)."""
    for _attempt in range(50):  # the holder writes it right after locking
        text = os.pread(handle, 32, 0).decode("ascii", "replace").strip()
        if text.isdigit():
            return int(text)
        time.sleep(0.01)
    return None
