"""The on-disk cache that makes rebuilds incremental.

One SQLite file (``.site-gen-cache/cache.sqlite`` by default) holds:

* ``sources``: for each content file, its stat signature and content hash,
  so an unchanged file is not even read again. The *key* of an article is
  always its content hash (CI clones reset mtimes: a changed mtime only means
  the file is read and hashed again).
* ``parsed``: the parsed articles (front matter, checked), by article key
  (path + content hash), pickled together in 4,096 *buckets* by the key's
  first three hex digits: a full rebuild unpickles 4,096 blobs rather than
  one per article (one pickle shares the class references and time zone of
  its articles), a rebuild that needs a hundred articles (see
  :class:`site_gen.rebuild.LazyArticles`) unpickles a few hundred, and a save
  rewrites only the buckets whose set of keys changed (editing one article
  rewrites two). Holding back the collector while
  unpickling matters as much: the objects are all long-lived.
* ``bodies``: the rendered body HTML of each article key.
* ``pages``: the record of every output page at the last build: its fingerprint
  (its template files + the data it shows) and the hash of the bytes it rendered
  to. A page whose fingerprint did not change, and whose file in the output holds
  those bytes, is not rendered again.
* ``planned``: for each page, how the planner makes it again (its key) and the
  identities it read (the same while its fingerprint is).
* ``reads``: the same identities inverted, identity → the pages that read it (a row
  each, the paths joined by NUL, which no path holds): which pages an edit changes
  (:mod:`site_gen.identities`).
* ``blobs``: what the next build's fast paths take whole (the site's skeleton,
  the sitemap entries, the image views), each named here and kept in a file of
  its own under ``blobs/`` (a large site's skeleton is tens of MB: written
  once as a file, not twice through SQLite's log). A file is written under a
  new name before the transaction that names it commits, and the files no row
  names are removed after: a build killed half-way leaves the last build's
  blobs named, or a stray file the next save removes.

Everything is tied to a *settings key* (site.yaml's bytes, site_gen's version and code,
the Markdown engine). When it changes, or the file is unreadable, the cache
starts empty: the build then does a full build by itself.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import io
import os
import pickle
import secrets
import sqlite3
import sys
from collections.abc import Set
from pathlib import Path

from . import __version__
from .hashing import content_hash

SCHEMA = 16
"""Raised whenever what the cache holds changes form or meaning: a cache of another schema
starts empty (the commit history says what each one changed)."""
_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS sources (path TEXT PRIMARY KEY, stat TEXT, hash TEXT);
CREATE TABLE IF NOT EXISTS parsed (bucket INTEGER PRIMARY KEY, keys TEXT, data BLOB);
CREATE TABLE IF NOT EXISTS bodies (key TEXT PRIMARY KEY, html TEXT);
CREATE TABLE IF NOT EXISTS pages (path TEXT PRIMARY KEY, fingerprint TEXT);
CREATE TABLE IF NOT EXISTS planned (path TEXT PRIMARY KEY, plan TEXT, reads TEXT);
CREATE TABLE IF NOT EXISTS reads (identity TEXT PRIMARY KEY, paths TEXT);
CREATE TABLE IF NOT EXISTS blobs (name TEXT PRIMARY KEY, data BLOB);
"""
#: The folder (in the cache folder) of the blob files; ``blobs.data`` holds a file's name.
BLOBS = "blobs"


def _chunks(items: list[str], size: int = 500):
    """``items`` in runs short enough for one ``IN (…)`` of SQLite's bound parameters."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def bucket_of(key: str) -> int:
    """The bucket of an article key (a hex digest): its first three digits. A few articles
    each (at 10,000): a rebuild that reads a hundred of them unpickles little else."""
    head = key[:3]
    return int(head, 16) if len(head) == 3 and head.isascii() and head.isalnum() else 0


@contextlib.contextmanager
def _collector_paused():
    """No cyclic garbage collection while making many long-lived objects (it would walk them over and over)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def serialize(data) -> bytes:
    """Bytes that depend on the value of plain data only, never on object identity.

    (Ordinary pickling writes a second reference to the same string object
    differently from an equal string: "fast" mode keeps no memo.)
    """
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(data)
    return buffer.getvalue()


def key_of(data) -> str:
    """The content hash of plain data (an article made in code, which has no file to hash)."""
    return content_hash(serialize(data))


def settings_key(config_hash: str, engine: str) -> str:
    """What every cached item depends on."""
    return f"{SCHEMA}:{__version__}:{code_key()}:{config_hash}:{engine}"


@functools.cache
def code_key() -> str:
    """The code that makes the output: site_gen's own files and the names (with versions) of
    the installed distributions and of the Python running them. A cache made by other code
    (a checkout of another commit, an upgraded Markdown library) starts empty, so no page
    the old code rendered is kept as current (the version alone changes only on release).
    Read once a process, at its first build: a file of site_gen edited while a long-lived
    process (``make serve``) runs counts from that process's next start. Fonts count by name
    and size."""
    package = Path(__file__).parent
    parts = [sys.version.encode()]
    for path in sorted(package.glob("*.py")):
        parts.append(path.name.encode())
        parts.append(path.read_bytes())
    fonts = package / "fonts"
    if fonts.is_dir():
        parts += [f"{p.name}:{p.stat().st_size}".encode() for p in sorted(fonts.iterdir())]
    for entry in sys.path:
        with contextlib.suppress(OSError):
            parts += sorted(n.encode() for n in os.listdir(entry or ".") if n.endswith((".dist-info", ".egg-info")))
    return content_hash(b"\0".join(parts))


#: What a save that fails meets: a blob file not written, a damaged database, a stored
#: bucket that does not unpickle.
_SAVE_ERRORS = (
    OSError,
    sqlite3.DatabaseError,
    pickle.UnpicklingError,
    EOFError,
    AttributeError,
    ImportError,
    TypeError,
)


class Cache:
    """Read the previous build's cache and write this build's."""

    def __init__(self, folder: Path | None, settings: str, fresh: bool = False):
        self.folder = folder
        self.settings = settings
        self.db: sqlite3.Connection | None = None
        self.sources: dict[str, tuple[str, str]] = {}
        self._pages: dict[str, str] | None = None
        self.build_key = ""
        self.frame_key = ""
        """Key of everything but the content the last build read (see :func:`site_gen.rebuild.frame_key`)."""
        self.site_key = ""
        """Hash of the last build's ``site`` view and templates (part of every fingerprint)."""
        self.stored: dict[str, str] = {}
        """Every value of the ``meta`` table, as read."""
        self.remember: dict[str, str] = {}
        """More ``meta`` values for :meth:`save` to write (results worth keeping, by name)."""
        self.valid: tuple[float, ...] = (0.0, 0.0)
        self.counts: tuple[int, ...] = (0, 0, 0, 0)
        """Articles, drafts, scheduled stories and output files of the last build (for its summary line)."""
        """Open interval of "now" (POSIX seconds) in which the last build's output stays right."""
        self._reader: sqlite3.Connection | None = None
        self._reader_pid = os.getpid()
        self._found: dict[str, object] = {}
        """Parse results handed out by :meth:`articles` (a save rewrites buckets from them)."""
        self._buckets_read: set[int] = set()
        self._begun: tuple | None = None
        """``new_articles`` of :meth:`begin_save` and the blob files it wrote, once it has run."""
        if folder is None:
            return
        try:
            self._open(fresh)
        except (sqlite3.DatabaseError, OSError, ValueError):
            self._reset()

    def _open(self, fresh: bool) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        gitignore = self.folder / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text("# site_gen's build cache: safe to delete, never deploy\n*\n", "utf-8")
        self._connect()
        stored = dict(self.db.execute("SELECT key, value FROM meta"))
        if fresh or stored.get("settings") != self.settings:
            self._clear()
            return
        self.stored = stored
        self.build_key = stored.get("build_key", "")
        self.frame_key = stored.get("frame_key", "")
        self.site_key = stored.get("site_key", "")
        self.valid = tuple(float(x) for x in stored.get("valid", "0 0").split())
        self.counts = tuple(int(x) for x in stored.get("counts", "0 0 0 0").split())
        rows = self.db.execute("SELECT path, stat, hash FROM sources").fetchall()
        self.sources = dict(zip([r[0] for r in rows], [r[1:] for r in rows], strict=True))

    def _connect(self) -> None:
        self.db = sqlite3.connect(self.folder / "cache.sqlite", isolation_level=None)
        self._reader, self._reader_pid = self.db, os.getpid()
        # A cache, not a record: write-ahead log, no flush to disk at every commit (a commit
        # waiting on a busy disk held builds and Ctrl-C for seconds). A power cut may lose
        # the last build's rows, never corrupt the file; a damaged file is rebuilt anyway.
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_TABLES)

    def _clear(self) -> None:
        """Start with an empty database: a new file, rather than deleting every row of the
        old one (slower, and the file kept its size)."""
        self.db.close()
        self._remove_files()
        self._connect()

    def _remove_files(self) -> None:
        with contextlib.suppress(OSError):
            for name in ("cache.sqlite", "cache.sqlite-wal", "cache.sqlite-shm"):
                (self.folder / name).unlink(missing_ok=True)

    def _reset(self) -> None:
        """A corrupt cache: delete it and start empty."""
        with contextlib.suppress(Exception):
            if self.db is not None:
                self.db.close()
        self.db = None
        self.sources, self._pages, self.build_key, self.frame_key, self.site_key = {}, {}, "", "", ""
        self._found, self._buckets_read, self._begun = {}, set(), None
        self._remove_files()
        try:
            self._open(fresh=True)
        except (sqlite3.DatabaseError, OSError):
            self.db = None

    @property
    def pages(self) -> dict[str, str]:
        """Fingerprint of every page of the last build (read on first use: a no-change build needs none)."""
        if self._pages is None:
            try:
                self._pages = dict(self.db.execute("SELECT path, fingerprint FROM pages")) if self.db else {}
            except sqlite3.DatabaseError:
                self._reset()
                self._pages = {}
        return self._pages

    def fingerprints_of(self, paths: list[str]) -> dict[str, str]:
        """The last build's fingerprints of some pages (those it had)."""
        if self._pages is not None:
            return {p: self._pages[p] for p in paths if p in self._pages}
        found: dict[str, str] = {}
        try:
            for start in range(0, len(paths), 500):
                chunk = paths[start : start + 500]
                marks = ",".join("?" * len(chunk))
                found.update(self.db.execute(f"SELECT path, fingerprint FROM pages WHERE path IN ({marks})", chunk))
        except (sqlite3.DatabaseError, AttributeError):
            return {}
        return found

    def readers(self, identities: set[str]) -> set[str] | None:
        """The keys (:attr:`site_gen.plan.Page.key`) of the last build's pages that read one of
        these identities; None when the cache cannot say."""
        try:
            paths: set[str] = set()
            for chunk in _chunks(sorted(identities)):
                marks = ",".join("?" * len(chunk))
                for (text,) in self.db.execute(f"SELECT paths FROM reads WHERE identity IN ({marks})", chunk):
                    paths.update(text.split("\0"))
            found: set[str] = set()
            for chunk in _chunks(sorted(paths)):
                marks = ",".join("?" * len(chunk))
                found.update(
                    plan for (plan,) in self.db.execute(f"SELECT plan FROM planned WHERE path IN ({marks})", chunk)
                )
        except (sqlite3.DatabaseError, AttributeError):
            return None
        return found

    def _save_pages(
        self,
        db: sqlite3.Connection,
        pages: dict[str, str],
        reads: dict[str, tuple[str, tuple[str, ...]]],
        some_pages: bool,
        removed: Set[str] = frozenset(),
    ) -> None:
        """The rows of ``pages`` (all of this build's, or with ``some_pages`` those it planned),
        and of ``planned`` and the ``reads`` index for the pages in ``reads`` (those whose
        fingerprint changed: a page's reads are the same while its fingerprint is) and for the
        pages gone; only what differs from the stored rows is written."""
        before: dict[str, str] = {}
        if some_pages:
            gone = set(removed)
            db.executemany("DELETE FROM pages WHERE path = ?", [(p,) for p in sorted(gone)])
            db.executemany("INSERT OR REPLACE INTO pages VALUES (?, ?)", sorted(pages.items()))
        else:
            before = self.pages
            gone = before.keys() - pages.keys()
            db.executemany("DELETE FROM pages WHERE path = ?", [(p,) for p in sorted(gone)])
            db.executemany("INSERT OR REPLACE INTO pages VALUES (?, ?)", sorted(pages.items() - before.items()))
            if not before:  # a first build: planned and reads only hold rows of the pages table's pages
                self._first_reads(db, reads)
                return
        paths = sorted(reads.keys() | gone)
        stored: dict[str, str] = {}
        for chunk in _chunks(paths):
            marks = ",".join("?" * len(chunk))
            stored.update(db.execute(f"SELECT path, reads FROM planned WHERE path IN ({marks})", chunk))
        drop: dict[str, set[str]] = {}
        add: dict[str, set[str]] = {}
        rows = []
        for path in paths:
            old_text = stored.get(path) or ""
            plan, names = reads.get(path, ("", ()))
            text = "\0".join(names)
            if path in reads:
                rows.append((path, plan, text))
            if text != old_text:
                before_names, after_names = set(old_text.split("\0")) - {""}, set(names)
                for name in before_names - after_names:
                    drop.setdefault(name, set()).add(path)
                for name in after_names - before_names:
                    add.setdefault(name, set()).add(path)
        db.executemany("DELETE FROM planned WHERE path = ?", [(p,) for p in sorted(gone)])
        db.executemany("INSERT OR REPLACE INTO planned VALUES (?, ?, ?)", rows)
        touched = sorted(drop.keys() | add.keys())
        readers: dict[str, str] = {}
        for chunk in _chunks(touched):
            marks = ",".join("?" * len(chunk))
            readers.update(db.execute(f"SELECT identity, paths FROM reads WHERE identity IN ({marks})", chunk))
        merged = []
        for name in touched:
            paths_now = set(readers.get(name, "").split("\0")) - {""}
            paths_now = (paths_now - drop.get(name, set())) | add.get(name, set())
            merged.append((name, "\0".join(sorted(paths_now))))
        db.executemany("DELETE FROM reads WHERE identity = ?", [(name,) for name, text in merged if not text])
        db.executemany("INSERT OR REPLACE INTO reads VALUES (?, ?)", [row for row in merged if row[1]])

    @staticmethod
    def _first_reads(db: sqlite3.Connection, reads: dict[str, tuple[str, tuple[str, ...]]]) -> None:
        """The ``planned`` rows and the ``reads`` index of a first build: no row to merge with,
        so each identity's pages are listed as the pages come, in order."""
        rows, index = [], {}
        for path in sorted(reads):
            plan, names = reads[path]
            rows.append((path, plan, "\0".join(names)))
            for name in set(names):
                index.setdefault(name, []).append(path)
        db.executemany("INSERT INTO planned VALUES (?, ?, ?)", rows)
        db.executemany("INSERT INTO reads VALUES (?, ?)", [(name, "\0".join(index[name])) for name in sorted(index)])

    # -- articles ------------------------------------------------------------
    def articles(self, keys: list[str]) -> dict[str, object]:
        """Cached parse results (without HTML) for the given keys."""
        if self.db is None or not keys:
            return {}
        wanted = set(keys)
        buckets = sorted({bucket_of(key) for key in wanted})
        found = {}
        try:
            with _collector_paused():
                for start in range(0, len(buckets), 500):
                    chunk = buckets[start : start + 500]
                    marks = ",".join("?" * len(chunk))
                    for (data,) in self.db.execute(f"SELECT data FROM parsed WHERE bucket IN ({marks})", chunk):
                        for key, parse in pickle.loads(data).items():
                            if key in wanted:
                                found[key] = parse
        except (sqlite3.DatabaseError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
            self._reset()
            return {}
        self._found.update(found)
        return found

    def parse_of(self, key: str) -> tuple | None:
        """One cached parse result by article key, or None; its whole bucket is read once."""
        hit = self._found.get(key)
        if hit is not None or self.db is None:
            return hit
        bucket = bucket_of(key)
        if bucket in self._buckets_read:
            return None
        self._buckets_read.add(bucket)
        try:
            row = self.db.execute("SELECT data FROM parsed WHERE bucket = ?", (bucket,)).fetchone()
            if row:
                with _collector_paused():
                    self._found.update(pickle.loads(row[0]))
        except (sqlite3.DatabaseError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
            return None
        return self._found.get(key)

    def put_bodies(self, pairs: list[tuple[str, str]]) -> bool:
        """Store body HTML by article key now (a build parsing thousands of files does not keep it).

        False when it could not be stored: the caller keeps it."""
        if self.db is None:
            return False
        try:
            self.db.execute("BEGIN")
            self.db.executemany("INSERT OR REPLACE INTO bodies VALUES (?, ?)", pairs)
            self.db.execute("COMMIT")
        except sqlite3.DatabaseError:
            with contextlib.suppress(sqlite3.DatabaseError):
                self.db.execute("ROLLBACK")
            return False
        return True

    def bodies(self, keys) -> dict[str, str]:
        """Rendered body HTML for the given article keys (from any process)."""
        keys = list(keys)
        if self.db is None or not keys:
            return {}
        if self._reader_pid != os.getpid():
            # A forked worker must not use its parent's connection.
            self._reader = sqlite3.connect(self.folder / "cache.sqlite")
            self._reader_pid = os.getpid()
        found = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(self._reader.execute(f"SELECT key, html FROM bodies WHERE key IN ({marks})", chunk))
        return found

    def skeleton(self) -> bytes | None:
        """The last build's site without its articles (see :func:`site_gen.rebuild.skeleton_of`)."""
        return self.blob("site")

    def blob(self, name: str) -> bytes | None:
        """Data a build left for the next one under ``name`` (``site``, ``sitemap``, ``images``), or None."""
        if self.db is None:
            return None
        try:
            row = self.db.execute("SELECT data FROM blobs WHERE name = ?", (name,)).fetchone()
        except sqlite3.DatabaseError:
            return None
        if not row or not isinstance(row[0], str) or "/" in row[0]:
            return None
        try:
            return (self.folder / BLOBS / row[0]).read_bytes()
        except OSError:
            return None

    def _write_blobs(self, blobs: dict[str, bytes]) -> dict[str, str]:
        """Each blob in a new file of its own: name → file name."""
        folder = self.folder / BLOBS
        folder.mkdir(exist_ok=True)
        files = {}
        for name, data in sorted(blobs.items()):
            file = f"{name}-{secrets.token_hex(8)}"
            temporary = folder / (file + ".tmp")
            temporary.write_bytes(data)
            os.replace(temporary, folder / file)
            files[name] = file
        return files

    def _remove_blob_files(self) -> None:
        """Remove the blob files no row names."""
        folder = self.folder / BLOBS
        keep: set[str] = set()
        if self.db is not None:
            try:
                keep = {data for (data,) in self.db.execute("SELECT data FROM blobs")}
            except sqlite3.DatabaseError:
                return
        with contextlib.suppress(OSError):
            for entry in os.scandir(folder):
                if entry.name not in keep:
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)

    # -- saving --------------------------------------------------------------
    def save(
        self,
        sources: dict[str, tuple[str, str]],
        new_articles: dict[str, tuple[object, str]],
        live_keys: set[str],
        pages: dict[str, str],
        build_key: str,
        valid: tuple[float, float] = (0.0, 0.0),
        counts: tuple[int, ...] = (0, 0, 0, 0),
        frame_key: str = "",
        site_key: str = "",
        blobs: dict[str, bytes] | None = None,
        moved: tuple[set[str], set[str]] | None = None,
        some_pages: bool = False,
        reads: dict[str, tuple[str, tuple[str, ...]]] | None = None,
        removed: Set[str] = frozenset(),
    ) -> None:
        """Store this build's state in one transaction; old articles not in ``live_keys`` are dropped.

        ``blobs`` replace the stored ones of their names (a build that kept the site's
        structure leaves its skeleton as it is). ``moved``, the article keys that left and those
        that came since the last build, stands for ``live_keys`` when a rebuild knows
        them: only their rows are touched then. With ``some_pages``, ``pages`` holds only
        the fingerprints of the pages this build planned (the others are as they were, but
        the ``removed`` ones); ``reads`` gives each such page's key and the identities it read."""
        if self.db is None:
            return
        db = self.db
        try:
            if self._begun is not None and self._begun[0] is not new_articles:
                db.execute("ROLLBACK")
                self._begun = None
            if self._begun is None:
                self._begin(new_articles, live_keys, blobs, moved)
            files = self._begun[1]
            # Only the rows that changed since the last build (most rebuilds change a handful).
            db.executemany("DELETE FROM sources WHERE path = ?", [(p,) for p in self.sources.keys() - sources.keys()])
            db.executemany(
                "INSERT OR REPLACE INTO sources VALUES (?, ?, ?)",
                sorted((p, s, h) for p, (s, h) in sources.items() - self.sources.items()),
            )
            self._save_pages(db, pages, reads or {}, some_pages, removed)
            db.executemany("INSERT OR REPLACE INTO blobs VALUES (?, ?)", sorted(files.items()))
            db.executemany(
                "INSERT OR REPLACE INTO meta VALUES (?, ?)",
                [
                    ("settings", self.settings),
                    ("build_key", build_key),
                    ("valid", f"{valid[0]!r} {valid[1]!r}"),
                    ("counts", " ".join(map(str, counts))),
                    ("frame_key", frame_key),
                    ("site_key", site_key),
                    *self.remember.items(),
                ],
            )
            db.execute("COMMIT")
            self._begun = None
        except _SAVE_ERRORS:
            self._undo_save()
        self._remove_blob_files()

    def begin_save(
        self,
        new_articles: dict[str, tuple[object, str]],
        live_keys: set[str],
        blobs: dict[str, bytes] | None = None,
        moved: tuple[set[str], set[str]] | None = None,
    ) -> None:
        """The first part of :meth:`save`, which can be done before the pages are rendered:
        write the blob files, open the transaction and write the articles' rows in it
        (pickling them is most of a first build's save). :meth:`save` with the same
        objects goes on from there; a build that fails closes the cache, which rolls the
        transaction back. Meanwhile the rows wait in SQLite's log, not in memory, and the
        caller need not keep ``live_keys``, ``blobs`` nor ``moved`` (see :attr:`begun`).

        A failure here changes nothing (pages still read bodies from the cache while
        they render): :meth:`save` tries again, and only then gives the cache up."""
        if self.db is None or self._begun is not None:
            return
        try:
            self._begin(new_articles, live_keys, blobs, moved)
        except _SAVE_ERRORS:
            self._begun = None
            with contextlib.suppress(sqlite3.DatabaseError):
                self.db.execute("ROLLBACK")

    @property
    def begun(self) -> bool:
        """Whether :meth:`begin_save` has written its part: :meth:`save` with the same
        ``new_articles`` then ignores ``live_keys``, ``blobs`` and ``moved``."""
        return self._begun is not None

    def _begin(self, new_articles, live_keys, blobs, moved) -> None:
        db = self.db
        files = self._write_blobs(blobs or {})
        db.execute("BEGIN")
        db.executemany(
            "INSERT OR REPLACE INTO bodies VALUES (?, ?)",
            [(k, h) for k, (_a, h) in new_articles.items() if h is not None],  # None: stored while parsing
        )
        parses = {k: a for k, (a, _h) in new_articles.items()}
        if moved is None:
            stale = [k for (k,) in db.execute("SELECT key FROM bodies") if k not in live_keys]
            db.executemany("DELETE FROM bodies WHERE key = ?", [(k,) for k in stale])
            self._save_buckets(db, parses, live_keys)
        else:
            db.executemany("DELETE FROM bodies WHERE key = ?", [(k,) for k in moved[0]])
            self._update_buckets(db, parses, *moved)
        self._begun = (new_articles, files)

    def _undo_save(self) -> None:
        """A save that failed: nothing of it stays, and the cache starts empty."""
        self._begun = None
        if self.db is not None:
            with contextlib.suppress(sqlite3.DatabaseError):
                self.db.execute("ROLLBACK")
        self._reset()

    def _save_buckets(self, db: sqlite3.Connection, new: dict[str, object], live_keys: set[str]) -> None:
        """Rewrite the buckets whose set of live keys changed."""
        stored = dict(db.execute("SELECT bucket, keys FROM parsed"))
        wanted: dict[int, list[str]] = {}
        for key in sorted(live_keys):
            wanted.setdefault(bucket_of(key), []).append(key)
        for bucket in sorted(set(wanted) | set(stored)):
            keys = wanted.get(bucket, [])
            listed = " ".join(keys)
            if stored.get(bucket) == listed:
                continue
            if not keys:
                db.execute("DELETE FROM parsed WHERE bucket = ?", (bucket,))
                continue
            entries = {k: new[k] if k in new else self._found.get(k) for k in keys}
            if any(entry is None for entry in entries.values()):
                # Not handed out in this run: take them from the stored bucket.
                row = db.execute("SELECT data FROM parsed WHERE bucket = ?", (bucket,)).fetchone()
                old = pickle.loads(row[0]) if row else {}
                entries = {k: entry if entry is not None else old.get(k) for k, entry in entries.items()}
                entries = {k: entry for k, entry in entries.items() if entry is not None}
                listed = " ".join(entries)
            data = pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL)
            db.execute("INSERT OR REPLACE INTO parsed VALUES (?, ?, ?)", (bucket, listed, data))

    def _update_buckets(self, db: sqlite3.Connection, new: dict[str, object], gone: set[str], came: set[str]) -> None:
        """Rewrite only the buckets of the keys that left or came (see :meth:`_save_buckets`)."""
        for bucket in sorted({bucket_of(key) for key in gone | came}):
            row = db.execute("SELECT data FROM parsed WHERE bucket = ?", (bucket,)).fetchone()
            entries = {k: v for k, v in (pickle.loads(row[0]) if row else {}).items() if k not in gone}
            for key in came:
                entry = new.get(key) or self._found.get(key)
                if bucket_of(key) == bucket and entry is not None:
                    entries[key] = entry
            if not entries:
                db.execute("DELETE FROM parsed WHERE bucket = ?", (bucket,))
                continue
            entries = dict(sorted(entries.items()))
            data = pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL)
            db.execute("INSERT OR REPLACE INTO parsed VALUES (?, ?, ?)", (bucket, " ".join(entries), data))

    def close(self) -> None:
        """Close the database; a save begun and not finished is rolled back, its blob files removed."""
        if self._begun is not None:
            for file in self._begun[1].values():
                with contextlib.suppress(OSError):
                    (self.folder / BLOBS / file).unlink()
            self._begun = None
        if self.db is not None:
            self.db.close()
            self.db = None
