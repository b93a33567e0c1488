"""Which files are content, and how they are named: cheap enough for a no-change build.

Only the standard library and errors: a build that finds nothing changed imports this,
not the parsers.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import ContentError


def find_sources(content: Path, base: Path | None = None) -> list[tuple[str, str, str]]:
    """``(kind, path, shown name)`` of every article and static page, in a stable order.

    Articles are ``articles/**/*.md``, pages ``pages/*.md``; the shown name is
    relative to ``base`` (the project). Hidden files and folders (an editor's
    ``.#story.md`` lock or ``.story.md.swp``) are not content.
    """
    base = (base or Path.cwd()).resolve()
    found = []
    for kind, folder, deep in (("article", "articles", True), ("page", "pages", False)):
        top = content / folder
        prefix = shown_path(top, base)
        names = []
        for current, dirs, files in os.walk(top):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".")) if deep else []
            rel = os.path.relpath(current, top).replace(os.sep, "/")
            rel = "" if rel == "." else rel + "/"
            names += [rel + f for f in files if f.endswith(".md") and not f.startswith(".")]
        top_name = os.fspath(top)
        found += [(kind, f"{top_name}/{name}", f"{prefix}/{name}") for name in sorted(names)]
    return found


def stat_signature(path: str | Path) -> str:
    """What changes whenever a file's content may have changed (a shortcut, never a key)."""
    st = os.stat(path)
    return f"{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_size}:{st.st_ino}"


def shown_path(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


def decode_utf8(data: bytes, where: str, hint: str) -> str:
    """A file's bytes as text; not UTF-8 → :class:`ContentError` naming the line of the first bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ContentError(where, line, "the file is not UTF-8 text", hint) from None
