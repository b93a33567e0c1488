"""Full-text search: index a built site with Pagefind for the ``/search/`` page.

Pagefind (the ``pagefind[bin]`` package) reads the built HTML and writes its
index and script into ``pagefind/`` of the output folder; the search page
then runs in the browser with no server code. Only elements marked
``data-pagefind-body`` (article pages) are indexed; sections, tags and
languages are filters (``data-pagefind-filter``). Every language goes into
one index, so a reader on the English search page finds Urdu stories too.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BUNDLE = "pagefind"
"""Folder of the output that holds the index and its script."""


class SearchIndexFailed(Exception):
    """Pagefind could not index the site (message: its output)."""


def index_site(output: Path, language: str = "en") -> str:
    """Index the built site in ``output``; returns Pagefind's summary line.

    Raises :class:`SearchIndexFailed` when Pagefind is missing or fails.
    """
    command = [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        str(output),
        "--output-subdir",
        BUNDLE,
        "--force-language",
        language.split("-")[0],
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchIndexFailed(f"could not run Pagefind: {exc}") from None
    text = (done.stdout + done.stderr).strip()
    if done.returncode != 0:
        missing = "No module named pagefind" in text
        hint = " — install it with `pip install 'pagefind[bin]'`" if missing else ""
        raise SearchIndexFailed(f"Pagefind failed (exit {done.returncode}){hint}:\n{text[-2000:]}")
    counts = [line.strip().removeprefix("Indexed ") for line in text.splitlines() if "Indexed" in line]
    wanted = [c for c in counts if c.split(" ")[-1] in ("pages", "page", "words", "filters")]
    return "indexed " + ", ".join(wanted) if wanted else "search index written"
