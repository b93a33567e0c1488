"""Write the site into the output folder, safely.

* Every path is checked to stay inside the output folder.
* A page whose bytes did not change is not written again (its hash is in the
  manifest, ``.site-gen-manifest.json``, from the previous build).
* New bytes go to a staging folder first; only when every page rendered are
  they moved into place, each with an atomic rename. A failed or killed build
  never leaves a truncated file, and a failed one leaves the output untouched.
* Files that the previous build wrote and this one does not are removed;
  files site_gen never wrote are left alone (unless ``clean``; even then a
  ``.git`` folder is kept).
* Before the first file is moved, the manifest already names every file the
  commit may touch (new ones with an empty hash), so a build killed during
  the commit is finished or undone by the next one: it gives the same tree
  as a clean build.
* No file is written or removed through a link that leads out of the
  output folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from . import urls
from .errors import BuildFailed, ContentError

MANIFEST = ".site-gen-manifest.json"
STAGING = ".site-gen-staging"


def digest(data: bytes) -> str:
    """Content hash used for output files and caches."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class OutputWriter:
    """Collects the files of one build and puts them in place at :meth:`commit`."""

    def __init__(self, out: Path, fresh: bool = False):
        self.out = out
        self.staging = out / STAGING
        self.owned = read_manifest(out)
        """Files the previous builds wrote (removed when this build no longer makes them)."""
        self.old = {} if fresh else self.owned
        self.new: dict[str, str] = {}
        self.pending: list[str] = []
        self.unchanged = 0
        shutil.rmtree(self.staging, ignore_errors=True)
        (out / (MANIFEST + ".tmp")).unlink(missing_ok=True)

    def target(self, rel: str) -> Path:
        """Checked location of an output file."""
        if not urls.is_safe_path(rel) or rel.startswith(STAGING) or rel == MANIFEST:
            raise ContentError("(site)", 0, f"refusing to write outside the output folder: {rel!r}")
        return self.out / rel

    def add(self, rel: str, data: bytes) -> bool:
        """Queue one file; returns True when its bytes are new."""
        target = self.target(rel)
        if rel in self.new:
            raise ContentError("(site)", 0, f"two files on one path: {rel}")
        hashed = digest(data)
        self.new[rel] = hashed
        if self.old.get(rel) == hashed and target.is_file():
            self.unchanged += 1
            return False
        staged = self.staging / rel
        staged.parent.mkdir(parents=True, exist_ok=True)
        staged.write_bytes(data)
        self.pending.append(rel)
        return True

    def add_file(self, rel: str, source: Path) -> bool:
        """Queue a copy of a static file."""
        return self.add(rel, source.read_bytes())

    def commit(self, clean: bool = False) -> int:
        """Move staged files into place and remove stale ones; returns files removed."""
        removed = 0
        stale = [rel for rel in self.owned if rel not in self.new]
        if clean:
            stale += [
                p.relative_to(self.out).as_posix()
                for p in self.out.rglob("*")
                if (p.is_file() or p.is_symlink())
                and STAGING not in p.parts
                and ".git" not in p.relative_to(self.out).parts
                and p.name != MANIFEST
                and p.relative_to(self.out).as_posix() not in self.new
            ]
        stale = [rel for rel in sorted(set(stale)) if urls.is_safe_path(rel)]
        self._refuse_links_out([*self.pending, *stale])
        write_manifest(self.out, {**self.owned, **self.new, **{rel: "" for rel in self.pending}})
        for rel in stale:
            path = self.out / rel
            if path.is_file() or path.is_symlink():
                path.unlink()
                removed += 1
                _prune_empty(path.parent, self.out)
        for rel in self.pending:
            target = self.out / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.staging / rel, target)
        write_manifest(self.out, self.new)
        shutil.rmtree(self.staging, ignore_errors=True)
        return removed

    def _refuse_links_out(self, rels: list[str]) -> None:
        """Raise :class:`BuildFailed` (and write nothing) when a folder on the way is a link leaving the output."""
        root = self.out.resolve()
        folders = {rel.rsplit("/", depth)[0] for rel in rels for depth in range(1, rel.count("/") + 1)}
        for folder in sorted(folders):
            path = self.out / folder
            if not path.is_symlink():
                continue
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
        shutil.rmtree(self.staging, ignore_errors=True)


def read_manifest(out: Path) -> dict[str, str]:
    """Hashes of the files the previous build wrote; empty when unknown or corrupt."""
    try:
        data = json.loads((out / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    return {k: v for k, v in files.items() if isinstance(v, str)} if isinstance(files, dict) else {}


def write_manifest(out: Path, files: dict[str, str]) -> None:
    """Write the manifest atomically."""
    out.mkdir(parents=True, exist_ok=True)
    temp = out / (MANIFEST + ".tmp")
    temp.write_text(json.dumps({"files": dict(sorted(files.items()))}, indent=0), "utf-8")
    os.replace(temp, out / MANIFEST)


def _prune_empty(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
