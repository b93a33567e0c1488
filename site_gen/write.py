"""Write the site into the output folder, safely.

* Every path is checked to stay inside the output folder.
* A file whose bytes did not change is not written again: the manifest
  (``.site-gen-manifest`` in the output folder: its paths, then their hashes,
  then their stat signatures, a line each) holds the hash of every file the
  previous build wrote and the size and mtime it left it with. The
  manifest is the truth about the output folder: a file whose stat no longer
  matches (deleted, edited by hand) is not current, whatever any cache says.
  Manifests of earlier builds (no stat signatures) are read, and the files
  they name compared byte for byte once.
* A build that trusts no manifest (``--fresh``) reads the file on disk instead:
  the same bytes are not written again either (a deploy that compares times
  then uploads only what changed; a disk that frees blocks slowly is spared
  tens of thousands of replaced files).
* Into an empty output folder (a first build, a fresh clone's CI) files are
  staged at their own paths, and the commit moves the few top-level folders
  instead of tens of thousands of files.
* New bytes go to a staging folder first (``.site-gen-staging/<build>/``, spread over
  :data:`STAGING_FOLDERS` but in a first build, a fresh one per build so that a worker of a
  killed build that is still writing cannot mix its files into the next build's); only
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
from collections.abc import Iterable, Set
from pathlib import Path
from typing import TYPE_CHECKING

from . import urls
from .errors import BuildFailed, ContentError, display_path
from .hashing import digest
from .parallel import BACKGROUND_MIN_BYTES, Background
from .sources import read_static, static_files

if TYPE_CHECKING:
    from .images import ProcessedImages
    from .options import BuildOptions

MANIFEST = ".site-gen-manifest"
LEGACY_MANIFEST = ".site-gen-manifest.json"
JOURNAL = MANIFEST + ".pending"
#: A commit touching more files than this claims them in the manifest itself.
JOURNAL_MAX = 2000
STAGING = ".site-gen-staging"
#: Folders a rebuild's staged files are spread over: this disk creates a file in a folder of
#: thousands at several times the cost of one in a folder of a few hundred (bench/README.md).
STAGING_FOLDERS = 64


def check_rel(rel: str) -> None:
    """Refuse an output path that would leave the output folder or touch site_gen's own files."""
    if not urls.is_safe_path(rel) or not rel or rel.split("/")[0].startswith((STAGING, MANIFEST)):
        raise ContentError("(site)", 0, f"refusing to write outside the output folder: {rel!r}")


def same_on_disk(path: str, data: bytes) -> str | None:
    """The :func:`signature` of ``path`` when it is a regular file (not a link) holding exactly ``data``."""
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(data):
            return None
        with open(path, "rb") as handle:
            return signature(info) if handle.read() == data else None
    except OSError:
        return None


def stage(staging: Path, name: str, data: bytes) -> str:
    """Write bytes into the staging folder (also used by worker processes); ``name`` may
    hold folders (see :attr:`OutputWriter.tree`), made as needed, but only inside a staging
    folder that still exists: a worker of a killed build, still writing when the next build
    has removed its staging folder, fails instead of making it again inside the output.

    Returns the file's :func:`signature`, which the move into place keeps (a rename).
    Few system calls for a file whose folder exists (not Python's buffered ``open``):
    a cold build writes tens of thousands of files, each in a folder of its own.
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
        return signature(os.fstat(handle))
    finally:
        os.close(handle)


def signature(info: os.stat_result) -> str:
    """What changes when a file of the output is edited or replaced by hand: its size and
    mtime (not its inode: a copy of the output folder made with its times is as good)."""
    return f"{info.st_size}:{info.st_mtime_ns}"


def damaged_files(out: Path, hashes: dict[str, str], stats: dict[str, str]) -> set[str]:
    """The files of a manifest that are no longer as the build left them: gone, edited,
    replaced, or not a regular file. One ``lstat`` a file, the price of trusting no record
    over the disk."""
    prefix = os.path.join(out, "")
    damaged = set()
    lstat, regular = os.lstat, stat.S_ISREG
    for rel, hashed in hashes.items():
        try:
            info = lstat(prefix + rel)
        except OSError:
            damaged.add(rel)
            continue
        if not hashed or not regular(info.st_mode) or stats.get(rel) != f"{info.st_size}:{info.st_mtime_ns}":
            damaged.add(rel)
    return damaged


def damage(out: Path) -> set[str] | None:
    """:func:`damaged_files` of the output's manifest; None when the manifest has no stat
    signatures (an old one, or none)."""
    hashes, stats = read_manifest_state(out)
    return None if stats is None else damaged_files(out, hashes, stats)


def damage_check(out: Path, wanted: bool = True) -> Background[set[str] | None]:
    """:func:`damage`, found beside the build's start when the manifest is large (and the
    build ``wanted`` it: a fresh build trusts no file)."""
    try:
        large = wanted and os.stat(out / MANIFEST).st_size >= BACKGROUND_MIN_BYTES
    except OSError:
        large = False
    return Background(lambda: damage(out), fork=large)


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


class OnDisk:
    """The output folder as :func:`~site_gen.urls.output_clashes` asks about it
    (:class:`~site_gen.urls.Taken`), as it will be once the ``gone`` files are removed."""

    def __init__(self, out: Path, gone: set[str]):
        self.out = out
        self.prefix = os.path.join(out, "")
        self.gone = gone
        self._files: dict[str, bool] = {}

    def __contains__(self, path: object) -> bool:
        """Whether something other than a folder stands at ``path`` (a link to a folder is one)."""
        assert isinstance(path, str)
        if path not in self._files:
            where = self.prefix + path
            self._files[path] = path not in self.gone and os.path.lexists(where) and not os.path.isdir(where)
        return self._files[path]

    def folds(self, folded: str) -> bool:
        return False  # the disk says itself whether it ignores case

    def holds(self, folder: str) -> bool:
        where = self.prefix + folder
        return os.path.isdir(where) and any(
            p.relative_to(self.out).as_posix() not in self.gone for p in Path(where).rglob("*") if not p.is_dir()
        )


class OutputWriter:
    """Collects the files of one build and puts them in place at :meth:`commit`."""

    def __init__(self, out: Path, fresh: bool = False, damaged: Background[set[str] | None] | None = None):
        self.out = out
        self._out_prefix = os.path.join(out, "")
        self.staging = out / STAGING / f"{os.getpid()}-{secrets.token_hex(4)}"
        self.previous, stats = read_manifest_state(out)
        """What the previous build wrote (stale files are found here, even when fresh)."""
        found = None
        if stats is not None and not fresh:
            found = damaged.result() if damaged else damaged_files(out, self.previous, stats)
        self.damaged = set(self.previous) if found is None else found
        """Files of the previous build no longer as it left them (or, from an old manifest, not known to be)."""
        self.old = {} if fresh else {rel: h for rel, h in self.previous.items() if rel not in self.damaged}
        """Hashes trusted to describe what is on disk."""
        self.old_stats = stats or {}
        self.verify = fresh or stats is None
        """Trust no hash: compare new bytes with the file on disk (:func:`same_on_disk`)."""
        self.new: dict[str, str] = {}
        self.stats: dict[str, str] = {}
        """The :func:`signature` of each file of :attr:`new`, for the next manifest."""
        self.pending: list[tuple[str, str]] = []
        """(staged name, output path) of every file to move into place."""
        self.unchanged = 0
        self.existed = out.is_dir()
        remove_stale_staging(out / STAGING)
        for name in (MANIFEST, JOURNAL):
            (out / (name + ".tmp")).unlink(missing_ok=True)
        self.tree = not self.previous and (not self.existed or all(e.name == STAGING for e in os.scandir(out)))
        """An empty output folder (a first build, a fresh clone's CI): files are staged at their
        own paths and :meth:`commit` moves the few top-level folders, not every file."""
        self.staging.mkdir(parents=True)

    def staged_name(self, rel: str, kind: str, number: int) -> str:
        """Where the bytes of ``rel`` are staged: its own path in a :attr:`tree`, else a name
        made of ``kind`` and ``number`` in one of :data:`STAGING_FOLDERS`."""
        return rel if self.tree else f"{number % STAGING_FOLDERS}/{kind}{number}"

    def is_current(self, rel: str, hashed: str) -> bool:
        """Whether ``rel`` is on disk, untouched since the previous build wrote it with the hash
        ``hashed`` (what a cache recorded for it). An empty hash in the manifest marks a file a
        killed build may not have finished moving into place: never current."""
        return bool(hashed) and self.old.get(rel) == hashed

    def unchanged_on_disk(self, rel: str, hashed: str, data: bytes) -> str | None:
        """The :func:`signature` of ``rel`` when the output already holds these bytes there (also in a worker)."""
        if self.verify:
            return same_on_disk(self._out_prefix + rel, data)
        return self.old_stats[rel] if self.old.get(rel) == hashed else None

    def keep(self, rel: str) -> None:
        """Keep the file the previous build wrote, as it is."""
        self.new[rel] = self.old[rel]
        self.stats[rel] = self.old_stats[rel]
        self.unchanged += 1

    def keep_all(self, rels: Iterable[str]) -> None:
        """:meth:`keep` for many files at once (a rebuild keeps a hundred thousand)."""
        old, stats = self.old, self.old_stats
        kept = {rel: old[rel] for rel in rels}
        self.new.update(kept)
        self.stats.update((rel, stats[rel]) for rel in kept)
        self.unchanged += len(kept)

    def keep_the_rest(self, but: Set[str] = frozenset()) -> None:
        """:meth:`keep` every file of the previous build not recorded or added (yet), ``but`` those."""
        recorded = len(self.new)
        old = {rel: hashed for rel, hashed in self.old.items() if rel not in but} if but else self.old
        self.new = {**old, **self.new}
        self.stats = {**{rel: self.old_stats[rel] for rel in old}, **self.stats}
        self.unchanged += len(self.new) - recorded

    def record(self, rel: str, hashed: str, staged: str | None, sig: str) -> None:
        """Note a file rendered elsewhere (a worker): staged when its bytes are new; ``sig``,
        its :func:`signature` (on disk when unchanged, in the staging folder when new)."""
        if rel in self.new:
            raise ContentError("(site)", 0, f"two files on one path: {rel}")
        self.new[rel] = hashed
        self.stats[rel] = sig
        if staged is None:
            self.unchanged += 1
        else:
            self.pending.append((staged, rel))

    def add(self, rel: str, data: bytes) -> bool:
        """Queue one file; returns True when its bytes are new."""
        check_rel(rel)
        hashed = digest(data)
        sig = self.unchanged_on_disk(rel, hashed, data)
        if sig is not None:
            self.record(rel, hashed, None, sig)
            return False
        name = self.staged_name(rel, "s", len(self.pending))
        self.record(rel, hashed, name, stage(self.staging, name, data))
        return True

    def stale(self, clean: bool = False) -> list[str]:
        """Files :meth:`commit` removes: the previous build's that this one does not write,
        and with ``clean`` every other file but the writer's own and a ``.git`` folder."""
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
        return [rel for rel in sorted(set(stale)) if urls.is_safe_path(rel)]

    def obstacles(self, stale: Iterable[str]) -> list[tuple[str, str]]:
        """``(file, what is in its way)`` for each file to move into place where the output holds
        something the commit would not remove: a file where it needs a folder, or a folder
        where it is to be written (:func:`~site_gen.urls.output_clashes`, asked about the disk).
        Found before anything is moved, so the commit never stops half-way on them. ``stale``:
        what the commit removes first (:meth:`stale`)."""
        prefix = self._out_prefix
        tops = {rel.split("/", 1)[0] for _name, rel in self.pending}
        there = {top for top in tops if os.path.lexists(prefix + top)}
        # A file the last build left intact is replaced; nothing is in the way of one under a new top folder.
        rels = [rel for _name, rel in self.pending if rel not in self.old and rel.split("/", 1)[0] in there]
        found: dict[str, str] = {}
        for clash in urls.output_clashes(rels, OnDisk(self.out, set(stale)), fold=False):
            rel = rels[clash.index]
            if clash.other != -1 or rel in found:
                continue  # another file of this build (the planner's), or a second folder above it
            found[rel] = (
                f"{clash.path} is a file where a folder is needed"
                if clash.kind == urls.UNDER
                else f"{rel}/ is a folder holding other files"
            )
        return list(found.items())

    def commit(self, clean: bool = False) -> int:
        """Move staged files into place and remove stale ones; returns files removed.
        Raises :class:`BuildFailed`, moving nothing, when something is in the way (:meth:`obstacles`)."""
        removed = 0
        stale = self.stale(clean)
        blocked = self.obstacles(stale)
        if blocked:
            self.abort()
            raise BuildFailed(
                [
                    ContentError(f"{self._out_prefix}{rel}", 0, f"cannot write this file: {what}", "move it away")
                    for rel, what in blocked
                ]
            )
        touched = [rel for _, rel in self.pending]
        # Files --fresh found already in place were read, so none may lie behind a link either.
        verified = list(self.new) if self.verify else []
        self._refuse_links_out([*touched, *stale, *verified])
        journal = self.out / JOURNAL
        manifest = (self.out / MANIFEST).is_file()
        if (
            not self.pending
            and not stale
            and self.new == self.previous
            and self.stats == self.old_stats
            and manifest
            and not journal.exists()
        ):
            _remove_staging(self.staging)
            return 0  # nothing to move, remove or note: the manifest on disk already says it all
        # Claim every file this commit may touch before touching one (see the module docstring).
        if manifest and self.previous and len(touched) + len(stale) <= JOURNAL_MAX:
            _write_atomic(journal, json.dumps([*touched, *stale]))
        else:
            write_manifest(
                self.out,
                {**self.previous, **self.new, **{rel: "" for rel in touched}},
                {**self.old_stats, **self.stats},
            )
        for rel in stale:
            path = self.out / rel
            if path.is_file() or path.is_symlink():
                path.unlink()
                removed += 1
                _prune_empty(path.parent, self.out)
        # Plain strings, not Paths: a cold build moves tens of thousands of files.
        made: set[str] = set()
        out, staged, there = self._out_prefix, os.path.join(self.staging, ""), self.old
        for name, rel in [] if self._moved_whole(out, staged) else self.pending:
            folder = os.path.dirname(rel)
            if rel not in there and folder not in made:  # a file of the last build still stands in its folder
                os.makedirs(out + folder, exist_ok=True)
                made.add(folder)
            os.replace(staged + name, out + rel)
        write_manifest(self.out, self.new, self.stats)
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
    return read_manifest_state(out)[0]


def read_manifest_state(out: Path) -> tuple[dict[str, str], dict[str, str] | None]:
    """:func:`read_manifest` and the stat signature of each file (None from a manifest
    that has none: one of an earlier version, or none at all)."""
    try:
        known, stats = _parse_manifest((out / MANIFEST).read_text("utf-8"))
    except FileNotFoundError:
        try:
            known, stats = _parse_manifest((out / LEGACY_MANIFEST).read_text("utf-8"))
        except (OSError, ValueError):
            return {}, None
    except (OSError, ValueError):
        return {}, None
    # Paths are checked where they are acted on (removing stale files), not all of them here.
    try:
        pending = json.loads((out / JOURNAL).read_text("utf-8"))
    except (OSError, ValueError):
        return known, stats
    if isinstance(pending, list):  # a commit was killed: the files it named may be half done (or gone)
        known.update((rel, "") for rel in pending if isinstance(rel, str))
    return known, stats


#: First line of the manifest: its paths, one a line, then their hashes in the same order,
#: then their stat signatures (a hundred thousand entries read and written in a few
#: hundredths of a second). Version 2 had no signatures.
_MANIFEST_HEAD = "site-gen manifest 3"
_MANIFEST_V2 = "site-gen manifest 2"


def _parse_manifest(text: str) -> tuple[dict[str, str], dict[str, str] | None]:
    if text.startswith("{"):  # JSON: earlier builds', and paths holding a line break
        data = json.loads(text)
        files = data.get("files") if isinstance(data, dict) else None
        stats = data.get("stats") if isinstance(data, dict) else None
        if not isinstance(files, dict) or not set(map(type, files.values())) <= {str}:
            return {}, None
        if not isinstance(stats, dict) or not set(map(type, stats.values())) <= {str}:
            stats = None
        return files, stats
    head, count, *lines = text.split("\n")
    columns = 3 if head == _MANIFEST_HEAD else 2 if head == _MANIFEST_V2 else 0
    if not columns or not count.isdigit() or len(lines) != columns * int(count) + 1 or lines[-1]:
        return {}, None
    half = int(count)
    files = dict(zip(lines[:half], lines[half : 2 * half], strict=True))
    stats = dict(zip(lines[:half], lines[2 * half : 3 * half], strict=True)) if columns == 3 else None
    return files, stats


def write_manifest(out: Path, files: dict[str, str], stats: dict[str, str] | None = None) -> None:
    """Write the manifest atomically (sorted: the same files give the same bytes); a file
    without a stat signature is never taken as current by the next build."""
    out.mkdir(parents=True, exist_ok=True)
    paths = sorted(files)
    stats = stats or {}
    if any("\n" in path for path in paths):
        text = json.dumps(
            {"files": {path: files[path] for path in paths}, "stats": {path: stats.get(path, "") for path in paths}},
            separators=(",", ":"),
        )
    else:
        signatures = [stats.get(path, "") for path in paths]
        text = "\n".join([_MANIFEST_HEAD, str(len(paths)), *paths, *map(files.__getitem__, paths), *signatures, ""])
    _write_atomic(out / MANIFEST, text)
    (out / LEGACY_MANIFEST).unlink(missing_ok=True)


def _write_atomic(path: Path, text: str) -> None:
    temp = path.with_name(path.name + ".tmp")
    temp.write_text(text, "utf-8")
    os.replace(temp, path)


def remove_stale_staging(root: Path) -> None:
    """Remove the staging folders (``<pid>-<random>``) of builds that are no longer running.

    The build lock (:mod:`site_gen.lock`, whose file lives in ``root`` too) is held, so no
    other build stages into this output; a folder whose process still runs is left alone all
    the same (a build of a site-gen that took no lock). The workers of a killed build, which
    may still be writing, then fail: their folder is gone and :func:`stage` never makes it.
    """
    try:
        entries = list(os.scandir(root))
    except OSError:
        return
    for entry in entries:
        pid, _, token = entry.name.partition("-")
        if not entry.is_dir(follow_symlinks=False):
            continue
        if pid.isdigit() and token and int(pid) != os.getpid() and _running(int(pid)):
            continue
        shutil.rmtree(entry.path, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True


def _remove_staging(staging: Path) -> None:
    """Remove this build's staging folder, and the staging root when nothing else is in it."""
    shutil.rmtree(staging, ignore_errors=True)
    with contextlib.suppress(OSError):
        staging.parent.rmdir()


def _prune_empty(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


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
