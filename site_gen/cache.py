"""The on-disk cache that makes rebuilds incremental.

One SQLite file (``.site-gen-cache/cache.sqlite`` by default) holds:

* ``sources``: for each content file, its stat signature and content hash,
  so an unchanged file is not even read again. The *key* of an article is
  always its content hash (CI clones reset mtimes: a changed mtime only means
  the file is read and hashed again).
* ``articles``: the parsed article (front matter, checked) and its rendered
  body HTML, by article key (path + content hash).
* ``pages``: the fingerprint of every output page at the last build
  (its template files + the data it shows); a page whose fingerprint did not
  change is not rendered again.

Everything is tied to a *settings key* (site.yaml's bytes, site_gen's version,
the Markdown engine). When it changes, or the file is unreadable, the cache
starts empty: the build then does a full build by itself.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
import sqlite3
from pathlib import Path

from . import __version__

SCHEMA = (
    5  # 5: four counts; 3: Article.links; 4: template keys cover every included file (older fingerprints are wrong)
)
_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS sources (path TEXT PRIMARY KEY, stat TEXT, hash TEXT);
CREATE TABLE IF NOT EXISTS articles (key TEXT PRIMARY KEY, data BLOB, html TEXT);
CREATE TABLE IF NOT EXISTS pages (path TEXT PRIMARY KEY, fingerprint TEXT);
"""


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
    """A short hash of plain data (fingerprints, card keys)."""
    return hashlib.blake2b(serialize(data), digest_size=16).hexdigest()


def settings_key(config_hash: str, engine: str) -> str:
    """What every cached item depends on."""
    return f"{SCHEMA}:{__version__}:{config_hash}:{engine}"


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
        """Key of everything but the content the last build read (see :func:`site_gen.build.frame_key`)."""
        self.valid: tuple[float, ...] = (0.0, 0.0)
        self.counts: tuple[int, ...] = (0, 0, 0, 0)
        """Articles, drafts, scheduled stories and output files of the last build (for its summary line)."""
        """Open interval of "now" (POSIX seconds) in which the last build's output stays right."""
        self._reader: sqlite3.Connection | None = None
        self._reader_pid = os.getpid()
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
        self.db = sqlite3.connect(self.folder / "cache.sqlite", isolation_level=None)
        self._reader, self._reader_pid = self.db, os.getpid()
        self.db.executescript(_TABLES)
        stored = dict(self.db.execute("SELECT key, value FROM meta"))
        if fresh or stored.get("settings") != self.settings:
            self._clear()
            return
        self.build_key = stored.get("build_key", "")
        self.frame_key = stored.get("frame_key", "")
        self.valid = tuple(float(x) for x in stored.get("valid", "0 0").split())
        self.counts = tuple(int(x) for x in stored.get("counts", "0 0 0 0").split())
        self.sources = {p: (s, h) for p, s, h in self.db.execute("SELECT path, stat, hash FROM sources")}

    def _clear(self) -> None:
        self.db.executescript("DELETE FROM meta; DELETE FROM sources; DELETE FROM articles; DELETE FROM pages;")

    def _reset(self) -> None:
        """A corrupt cache: delete it and start empty."""
        with contextlib.suppress(Exception):
            if self.db is not None:
                self.db.close()
        self.db = None
        self.sources, self._pages, self.build_key, self.frame_key = {}, {}, "", ""
        with contextlib.suppress(OSError):
            (self.folder / "cache.sqlite").unlink()
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

    # -- articles ------------------------------------------------------------
    def articles(self, keys: list[str]) -> dict[str, object]:
        """Cached parse results (without HTML) for the given keys."""
        if self.db is None or not keys:
            return {}
        found = {}
        try:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for key, data in self.db.execute(f"SELECT key, data FROM articles WHERE key IN ({marks})", chunk):
                    found[key] = pickle.loads(data)
        except (sqlite3.DatabaseError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            self._reset()
            return {}
        return found

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
            found.update(self._reader.execute(f"SELECT key, html FROM articles WHERE key IN ({marks})", chunk))
        return found

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
    ) -> None:
        """Store this build's state in one transaction; old articles not in ``live_keys`` are dropped."""
        if self.db is None:
            return
        db = self.db
        try:
            db.execute("BEGIN")
            # Only the rows that changed since the last build (most rebuilds change a handful).
            db.executemany("DELETE FROM sources WHERE path = ?", [(p,) for p in self.sources if p not in sources])
            db.executemany(
                "INSERT OR REPLACE INTO sources VALUES (?, ?, ?)",
                [(p, s, h) for p, (s, h) in sources.items() if self.sources.get(p) != (s, h)],
            )
            db.executemany(
                "INSERT OR REPLACE INTO articles VALUES (?, ?, ?)",
                [(k, pickle.dumps(a, protocol=pickle.HIGHEST_PROTOCOL), html) for k, (a, html) in new_articles.items()],
            )
            stale = [k for (k,) in db.execute("SELECT key FROM articles") if k not in live_keys]
            db.executemany("DELETE FROM articles WHERE key = ?", [(k,) for k in stale])
            before = self.pages
            db.executemany("DELETE FROM pages WHERE path = ?", [(p,) for p in before if p not in pages])
            db.executemany(
                "INSERT OR REPLACE INTO pages VALUES (?, ?)",
                [(p, f) for p, f in pages.items() if before.get(p) != f],
            )
            db.executemany(
                "INSERT OR REPLACE INTO meta VALUES (?, ?)",
                [
                    ("settings", self.settings),
                    ("build_key", build_key),
                    ("valid", f"{valid[0]!r} {valid[1]!r}"),
                    ("counts", " ".join(map(str, counts))),
                    ("frame_key", frame_key),
                ],
            )
            db.execute("COMMIT")
        except sqlite3.DatabaseError:
            with contextlib.suppress(sqlite3.DatabaseError):
                db.execute("ROLLBACK")
            self._reset()

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None
