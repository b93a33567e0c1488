"""Full-text search: a Pagefind index of the article pages, for the ``/search/`` page.

The index is part of the build (``--search``, :attr:`BuildOptions.search
<site_gen.build.BuildOptions.search>`): its files go through the
:class:`~site_gen.write.OutputWriter` like every page, so they are staged, moved into
place with the rest at the commit, and listed in the manifest. A failed build leaves the
old index as it was; a build without ``--search`` removes it (its files are stale), so no
unpublished text stays findable; a story taken down leaves the index with the page.

Only article pages are indexed (they hold ``data-pagefind-body``); sections, tags and
languages are filters (``data-pagefind-filter``). A site that lists its ``languages`` gets an
index per language, which Pagefind splits by each page's ``<html lang>``: the search page of
each language (``/ur/search/``, in that ``lang``) searches that language's stories. A site that
lists none keeps one index of every language (``--force-language``): a reader on the English
search page finds Urdu stories too.

Pagefind (the ``pagefind[bin]`` package) reads a folder of this build's article pages:
hard links to the staged bytes of the pages rendered now and to the files on disk of the
others, inside the output's staging folder, and writes its bundle next to it. The index is
made again only when the set of indexed pages or their bytes changed: the list of
(path, hash) it was made from is kept with it (:data:`RECORD`); otherwise its files are
kept as they are (Pagefind's output differs from run to run even for the same pages).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from . import urls
from .errors import ContentError
from .hashing import digest
from .write import OutputWriter

BUNDLE = urls.SEARCH_BUNDLE
"""Folder of the output that holds the index and its script; no page or alias may use it."""
RECORD = f"{BUNDLE}/site-gen-index.json"
"""The pages the index was made from (path → hash) and its key: what the next build compares."""
MARKER = b"data-pagefind-body"
"""What makes a page indexed."""
TIMEOUT = 120.0
"""Seconds Pagefind may take (the 100,000-article site takes about a tenth of it)."""


class SearchIndexFailed(Exception):
    """Pagefind could not index the site (message: its output)."""


def reserved(rel: str) -> bool:
    """Whether an output path belongs to the search index."""
    return rel == BUNDLE or rel.startswith(BUNDLE + "/")


def add_search_index(writer: OutputWriter, search: bool, language: str) -> list[ContentError]:
    """Record the index files in ``writer`` (made again, or kept); with ``search`` off,
    record none, so that the commit removes an earlier build's. Called once every other
    file is recorded. Returns the error when Pagefind fails (nothing is then recorded).
    ``language``: the one language of the index, or empty for an index per language."""
    # Kept by keep_the_rest: decided here instead (a prefix test first: a site holds many files).
    kept = [rel for rel in writer.new if rel.startswith(BUNDLE) and reserved(rel)]
    for rel in kept:
        del writer.new[rel]
        writer.stats.pop(rel, None)
    writer.unchanged -= len(kept)
    if not search:
        return []
    pending = {rel: name for name, rel in writer.pending}
    before = _previous(writer)
    pages = {}
    for rel, hashed in writer.new.items():
        if not rel.endswith(".html"):
            continue
        if before is not None and rel not in pending and writer.old.get(rel) == hashed:
            if before["pages"].get(rel) == hashed:
                pages[rel] = hashed
            continue
        if MARKER in Path(_source(writer, pending, rel)).read_bytes():
            pages[rel] = hashed
    lang = language.split("-")[0]
    key = digest(json.dumps([_version(), lang, sorted(pages.items())]).encode())
    old_bundle = [rel for rel in writer.old if reserved(rel)]
    whole = {rel for rel in writer.previous if reserved(rel)} == set(old_bundle)  # no file of it damaged
    if before is not None and before["key"] == key and whole and all(writer.old[rel] for rel in old_bundle):
        for rel in old_bundle:
            writer.keep(rel)
        return []
    try:
        files = _index(writer, pending, sorted(pages), lang) if pages else {}
    except SearchIndexFailed as exc:
        return [ContentError(f"{BUNDLE}/", 0, f"the search index could not be made: {exc}", _hint(str(exc)))]
    for rel, data in sorted(files.items()):
        writer.add(f"{BUNDLE}/{rel}", data)
    writer.add(RECORD, json.dumps({"key": key, "pages": pages}, sort_keys=True, indent=0).encode())
    return []


def indexed_pages(output: Path) -> int | None:
    """How many pages the index in ``output`` holds (None when there is none)."""
    try:
        entry = json.loads((output / BUNDLE / "pagefind-entry.json").read_text("utf-8"))
        return sum(language["page_count"] for language in entry["languages"].values())
    except FileNotFoundError:
        return 0 if (output / RECORD).is_file() else None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _previous(writer: OutputWriter) -> dict | None:
    """The record of the last build's index, when it is current and untouched."""
    hashed = writer.old.get(RECORD)
    if not writer.is_current(RECORD, hashed):
        return None
    try:
        data = Path(writer.out, RECORD).read_bytes()
        record = json.loads(data)
    except (OSError, ValueError):
        return None
    if digest(data) != hashed or not isinstance(record, dict) or not isinstance(record.get("pages"), dict):
        return None
    return record


def _source(writer: OutputWriter, pending: dict[str, str], rel: str) -> str:
    """Where this build's bytes of ``rel`` are: staged when new, else the file in place."""
    if rel in pending:
        return os.path.join(writer.staging, pending[rel])
    return os.path.join(writer.out, rel)


def _index(writer: OutputWriter, pending: dict[str, str], pages: list[str], lang: str) -> dict[str, bytes]:
    """Run Pagefind over ``pages``; returns its bundle (path inside it → bytes)."""
    work = writer.staging.with_name(writer.staging.name + "-search")  # beside the staging folder
    site, bundle = work / "site", work / "bundle"
    try:
        for rel in pages:
            target = site / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            source = _source(writer, pending, rel)
            try:
                os.link(source, target)
            except OSError:
                shutil.copyfile(source, target)
        _run_pagefind(site, bundle, lang)
        return {path.relative_to(bundle).as_posix(): path.read_bytes() for path in bundle.rglob("*") if path.is_file()}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run_pagefind(site: Path, bundle: Path, lang: str, timeout: float = TIMEOUT) -> None:
    command = [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        os.fspath(site),
        "--output-path",
        os.fspath(bundle),
        *(("--force-language", lang) if lang else ()),
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise SearchIndexFailed(f"Pagefind did not finish in {timeout:.0f} s") from None
    except OSError as exc:
        raise SearchIndexFailed(f"could not run Pagefind: {exc}") from None
    text = (done.stdout + done.stderr).strip()
    if done.returncode != 0:
        raise SearchIndexFailed(f"Pagefind failed (exit {done.returncode}):\n{text[-2000:]}")


def _hint(message: str) -> str:
    if "No module named pagefind" in message:
        return "install it with `pip install 'pagefind[bin]'`, or build without --search"
    return "the output folder was left as it was; build without --search to publish without it"


def _version() -> str:
    from importlib import metadata  # 7 ms to import, and only a build with --search asks

    with contextlib.suppress(metadata.PackageNotFoundError):
        return metadata.version("pagefind")
    return ""
