"""Write the site into the output folder, safely.

* Every path is checked to stay inside the output folder.
* A file whose bytes did not change is not written again: the manifest
  (``.site-gen-manifest`` in the output folder: its paths, then their hashes,
  a line each; the ``.site-gen-manifest.json`` of earlier builds is still read)
  holds the hash of every file the previous build wrote.
* A build that trusts no manifest (``--fresh``) reads the file on disk instead:
  the same bytes are not written again either (a deploy that compares times
  then uploads only what changed; a disk that frees blocks slowly is spared
  tens of thousands of replaced files).
* Into an empty output folder (a first build, a fresh clone's CI) files are
  staged at their own paths, and the commit moves the few top-level folders
  instead of tens of thousands of files.
* New bytes go to a staging folder first (``.site-gen-staging/<build>/``,
  flat but in a first build, a fresh one per build so that a worker of a killed build that is
  still writing cannot mix its files into the next build's); only
  when every page rendered are they moved into place, each with an atomic
  rename. A failed or killed build never leaves a truncated file, and a failed
  one leaves the output untouched.
* Files that the previous build wrote and this one does not are removed;
  files site_gen never wrote are left alone (unless ``clean``; even then a
  ``.git`` folder is kept).
* Before the first file is moved, the manifest already names every file the
  commit may touch (new ones with an empty hash), so a build killed during
  the commit is finished or undone by the next one: it gives the same tree
  as a clean build. A commit of a few files over a previous build names them
  in a small journal (``.site-gen-manifest.pending``) instead of writing
  the whole manifest twice; the manifest is read with the journal's files
  marked as not current, and the journal removed once the manifest is new.
* No file is written or removed through a link that leads out of the
  output folder.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import secrets
import shutil
import stat
from collections.abc import Iterable
from pathlib import Path

from . import urls
from .errors import BuildFailed, ContentError
from .hashing import digest

MANIFEST = ".site-gen-manifest"
LEGACY_MANIFEST = ".site-gen-manifest.json"
JOURNAL = MANIFEST + ".pending"
#: A commit touching more files than this claims them in the manifest itself.
JOURNAL_MAX = 2000
STAGING = ".site-gen-staging"


def check_rel(rel: str) -> None:
    """Refuse an output path that would leave the output folder or touch site_gen's own files."""
    if not urls.is_safe_path(rel) or not rel or rel.split("/")[0].startswith((STAGING, MANIFEST)):
        raise ContentError("(site)", 0, f"refusing to write outside the output folder: {rel!r}")


def same_on_disk(path: str, data: bytes) -> bool:
    """Whether ``path`` is a regular file (not a link) holding exactly ``data``."""
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(data):
            return False
        with open(path, "rb") as handle:
            return handle.read() == data
    except OSError:
        return False


def stage(staging: Path, name: str, data: bytes) -> None:
    """Write bytes into the staging folder (also used by worker processes); ``name`` may
    hold folders (see :attr:`OutputWriter.tree`), made as needed, but only inside a staging
    folder that still exists: a worker of a killed build, still writing when the next build
    has removed its staging folder, fails instead of making it again inside the output.

    Three system calls for a file whose folder exists (not Python's buffered ``open``, which
    adds three more); a cold build writes tens of thousands of files, each in a folder of its own.
    """
    path = os.path.join(staging, name)
    folder = os.path.dirname(name)
    made = _MADE.get(staging)
    if made is None:
        _MADE.clear()
        made = _MADE[staging] = set()
    if folder and folder not in made:  # make it before trying: most pages are a folder of their own
        _make_folders(os.fspath(staging), folder)
        made.add(folder)
    try:
        handle = os.open(path, _NEW_FILE, 0o666)
    except FileNotFoundError:
        _make_folders(os.fspath(staging), folder)
        handle = os.open(path, _NEW_FILE, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view) :]
    finally:
        os.close(handle)


#: Folders this process made (or found) in the staging folder of the running build.
_MADE: dict[Path, set[str]] = {}

_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)


def _make_folders(staging: str, folder: str) -> None:
    """Make ``folder`` (relative) inside ``staging``, deepest first: its parent is usually
    there already (a day's folder for the day's stories). FileNotFoundError when ``staging``
    itself is gone: it is never made again here."""
    if not folder:
        raise FileNotFoundError(errno.ENOENT, "the staging folder is gone", staging)
    try:
        os.mkdir(os.path.join(staging, folder))
    except FileExistsError:
        pass
    except FileNotFoundError:
        _make_folders(staging, os.path.dirname(folder))
        with contextlib.suppress(FileExistsError):  # another process made it meanwhile
            os.mkdir(os.path.join(staging, folder))


class OutputWriter:
    """Collects the files of one build and puts them in place at :meth:`commit`."""

    def __init__(self, out: Path, fresh: bool = False):
        self.out = out
        self._out_prefix = os.path.join(out, "")
        self.staging = out / STAGING / f"{os.getpid()}-{secrets.token_hex(4)}"
        self.previous = read_manifest(out)
        """What the previous build wrote (stale files are found here, even when fresh)."""
        self.old = {} if fresh else self.previous
        """Hashes trusted to describe what is on disk."""
        self.verify = fresh
        """Trust no hash: compare new bytes with the file on disk (:func:`same_on_disk`)."""
        self.new: dict[str, str] = {}
        self.pending: list[tuple[str, str]] = []
        """(staged name, output path) of every file to move into place."""
        self.unchanged = 0
        self.existed = out.is_dir()
        shutil.rmtree(out / STAGING, ignore_errors=True)
        for name in (MANIFEST, JOURNAL):
            (out / (name + ".tmp")).unlink(missing_ok=True)
        self.tree = not self.previous and (not self.existed or not any(os.scandir(out)))
        """An empty output folder (a first build, a fresh clone's CI): files are staged at their
        own paths and :meth:`commit` moves the few top-level folders, not every file."""
        self.staging.mkdir(parents=True)

    def staged_name(self, rel: str, number: str) -> str:
        """Where the bytes of ``rel`` are staged: its own path in a :attr:`tree`, else ``number``."""
        return rel if self.tree else number

    def is_current(self, rel: str) -> bool:
        """Whether the previous build wrote ``rel`` and it is still there.

        An empty hash in the manifest marks a file a killed build may not have
        finished moving into place: never current.
        """
        return bool(self.old.get(rel)) and os.path.isfile(self._out_prefix + rel)

    def unchanged_on_disk(self, rel: str, hashed: str, data: bytes) -> bool:
        """Whether the output already holds these bytes at ``rel`` (also in a worker)."""
        if self.verify:
            return same_on_disk(self._out_prefix + rel, data)
        return self.old.get(rel) == hashed and os.path.isfile(self._out_prefix + rel)

    def keep(self, rel: str) -> None:
        """Keep the file the previous build wrote, as it is."""
        self.new[rel] = self.old[rel]
        self.unchanged += 1

    def keep_all(self, rels: Iterable[str]) -> None:
        """:meth:`keep` for many files at once (a rebuild keeps a hundred thousand)."""
        old = self.old
        kept = {rel: old[rel] for rel in rels}
        self.new.update(kept)
        self.unchanged += len(kept)

    def keep_the_rest(self) -> None:
        """:meth:`keep` every file of the previous build not recorded or added (yet)."""
        recorded = len(self.new)
        self.new = {**self.old, **self.new}
        self.unchanged += len(self.new) - recorded

    def record(self, rel: str, hashed: str, staged: str | None) -> None:
        """Note a file rendered elsewhere (a worker): staged when its bytes are new."""
        if rel in self.new:
            raise ContentError("(site)", 0, f"two files on one path: {rel}")
        self.new[rel] = hashed
        if staged is None:
            self.unchanged += 1
        else:
            self.pending.append((staged, rel))

    def add(self, rel: str, data: bytes) -> bool:
        """Queue one file; returns True when its bytes are new."""
        check_rel(rel)
        hashed = digest(data)
        if self.unchanged_on_disk(rel, hashed, data):
            self.record(rel, hashed, None)
            return False
        name = self.staged_name(rel, f"s{len(self.pending)}")
        stage(self.staging, name, data)
        self.record(rel, hashed, name)
        return True

    def commit(self, clean: bool = False) -> int:
        """Move staged files into place and remove stale ones; returns files removed."""
        removed = 0
        stale = list(self.previous.keys() - self.new.keys())
        if clean:
            stale += [
                p.relative_to(self.out).as_posix()
                for p in self.out.rglob("*")
                if (p.is_file() or p.is_symlink())
                and STAGING not in p.parts
                and ".git" not in p.relative_to(self.out).parts
                and p.name not in (MANIFEST, JOURNAL, LEGACY_MANIFEST)
                and p.relative_to(self.out).as_posix() not in self.new
            ]
        stale = [rel for rel in sorted(set(stale)) if urls.is_safe_path(rel)]
        touched = [rel for _, rel in self.pending]
        # Files --fresh found already in place were read, so none may lie behind a link either.
        verified = list(self.new) if self.verify else []
        self._refuse_links_out([*touched, *stale, *verified])
        journal = self.out / JOURNAL
        manifest = (self.out / MANIFEST).is_file()
        if not self.pending and not stale and self.new == self.previous and manifest and not journal.exists():
            _remove_staging(self.staging)
            return 0  # nothing to move, remove or note: the manifest on disk already says it all
        # Claim every file this commit may touch before touching one (see the module docstring).
        if manifest and self.previous and len(touched) + len(stale) <= JOURNAL_MAX:
            _write_atomic(journal, json.dumps([*touched, *stale]))
        else:
            write_manifest(self.out, {**self.previous, **self.new, **{rel: "" for rel in touched}})
        for rel in stale:
            path = self.out / rel
            if path.is_file() or path.is_symlink():
                path.unlink()
                removed += 1
                _prune_empty(path.parent, self.out)
        # Plain strings, not Paths: a cold build moves tens of thousands of files.
        made: set[str] = set()
        out, staged = self._out_prefix, os.path.join(self.staging, "")
        for name, rel in [] if self._moved_whole(out, staged) else self.pending:
            folder = os.path.dirname(rel)
            if folder not in made:
                os.makedirs(out + folder, exist_ok=True)
                made.add(folder)
            os.replace(staged + name, out + rel)
        write_manifest(self.out, self.new)
        journal.unlink(missing_ok=True)
        _remove_staging(self.staging)
        return removed

    def _moved_whole(self, out: str, staged: str) -> bool:
        """In a :attr:`tree` build into a still empty output, move the staged top-level files and
        folders in whole; False (nothing moved) otherwise: the caller moves file by file."""
        tops = [entry.name for entry in os.scandir(self.staging)] if self.tree else []
        if not tops or any(os.path.lexists(out + top) for top in tops):
            return False
        for top in tops:
            os.rename(staged + top, out + top)
        for _name, rel in self.pending:
            if not os.path.isfile(out + rel):  # as the file-by-file move would: fail, named
                raise FileNotFoundError(errno.ENOENT, "a staged file is missing", out + rel)
        return True

    def _refuse_links_out(self, rels: list[str]) -> None:
        """Raise :class:`BuildFailed` (and write nothing) when a folder on the way is a link leaving the output."""
        root = self.out.resolve()
        # Below a top-level name the output does not hold, nothing is there yet, links neither
        # (a first build asks once per top-level folder, not once per folder of every page).
        there = {top for top in {rel.split("/", 1)[0] for rel in rels} if os.path.lexists(self._out_prefix + top)}
        folders = {
            rel.rsplit("/", depth)[0]
            for rel in rels
            if rel.split("/", 1)[0] in there
            for depth in range(1, rel.count("/") + 1)
        }
        for folder in sorted(folders):
            if not os.path.islink(self._out_prefix + folder):
                continue
            path = self.out / folder
            real = path.resolve()
            if real != root and root not in real.parents:
                self.abort()
                raise BuildFailed(
                    [
                        ContentError(
                            path.as_posix(),
                            0,
                            "this folder of the output is a link that leads outside it; nothing was written",
                            "remove the link from the output folder",
                        )
                    ]
                )

    def abort(self) -> None:
        """Forget this build: the output folder stays as it was."""
        _remove_staging(self.staging)
        if not self.existed:
            _prune_empty(self.out, self.out.parent)


def read_manifest(out: Path) -> dict[str, str]:
    """Hashes of the files the previous build wrote; empty when unknown or corrupt."""
    try:
        known = _parse_manifest((out / MANIFEST).read_text("utf-8"))
    except FileNotFoundError:
        try:
            known = _parse_manifest((out / LEGACY_MANIFEST).read_text("utf-8"))
        except (OSError, ValueError):
            return {}
    except (OSError, ValueError):
        return {}
    # Paths are checked where they are acted on (removing stale files), not all of them here.
    try:
        pending = json.loads((out / JOURNAL).read_text("utf-8"))
    except (OSError, ValueError):
        return known
    if isinstance(pending, list):  # a commit was killed: the files it named may be half done (or gone)
        known.update((rel, "") for rel in pending if isinstance(rel, str))
    return known


#: First line of the manifest: its paths, one a line, then their hashes in the same order
#: (a hundred thousand entries read and written in a few hundredths of a second).
_MANIFEST_HEAD = "site-gen manifest 2"


def _parse_manifest(text: str) -> dict[str, str]:
    if text.startswith("{"):  # earlier builds' JSON, and paths holding a line break
        data = json.loads(text)
        files = data.get("files") if isinstance(data, dict) else None
        if not isinstance(files, dict) or not set(map(type, files.values())) <= {str}:
            return {}
        return files
    head, count, *lines = text.split("\n")
    if head != _MANIFEST_HEAD or not count.isdigit() or len(lines) != 2 * int(count) + 1 or lines[-1]:
        return {}
    half = int(count)
    return dict(zip(lines[:half], lines[half : 2 * half], strict=True))


def write_manifest(out: Path, files: dict[str, str]) -> None:
    """Write the manifest atomically (sorted: the same files give the same bytes)."""
    out.mkdir(parents=True, exist_ok=True)
    paths = sorted(files)
    if any("\n" in path for path in paths):
        text = json.dumps({"files": {path: files[path] for path in paths}}, separators=(",", ":"))
    else:
        text = "\n".join([_MANIFEST_HEAD, str(len(paths)), *paths, *map(files.__getitem__, paths), ""])
    _write_atomic(out / MANIFEST, text)
    (out / LEGACY_MANIFEST).unlink(missing_ok=True)


def _write_atomic(path: Path, text: str) -> None:
    temp = path.with_name(path.name + ".tmp")
    temp.write_text(text, "utf-8")
    os.replace(temp, path)


def _remove_staging(staging: Path) -> None:
    """Remove this build's staging folder, and the staging root when nothing else is in it."""
    shutil.rmtree(staging, ignore_errors=True)
    with contextlib.suppress(OSError):
        staging.parent.rmdir()


def _prune_empty(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
