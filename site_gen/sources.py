"""Which files are content, and how they are named: cheap enough for a no-change build.

Only the standard library and errors: a build that finds nothing changed imports this,
not the parsers.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import BuildFailed, ContentError, display_path

if TYPE_CHECKING:
    from .options import BuildOptions


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


@dataclass
class Scan:
    """Every content file's stat signature, held against a table of known ones
    (the cache's, from the last build): what a rebuild learns without reading a file."""

    signatures: dict[str, str]
    """Path → stat signature (a file that cannot be stat-ed has none)."""
    stale: list[tuple[str, str, str]]
    """``(kind, path, shown name)`` of the files whose signature is not the known one (new ones too)."""
    known: int
    """How many of the files found the table knows."""

    def unchanged(self, table: dict[str, tuple[str, str]]) -> bool:
        """Every file as the table has it, and no file gone."""
        return not self.stale and self.known == len(table)

    def deleted(self, table: dict[str, tuple[str, str]]) -> bool:
        return self.known != len(table)


def scan_sources(found: list[tuple[str, str, str]], table: dict[str, tuple[str, str]]) -> Scan:
    """Stat every file of ``found``; ``table`` maps shown names to ``(signature, hash)``.
    Each file is stat-ed by its name in its folder, opened once for the folder's files:
    the kernel then walks one name, not the whole path, for each file of the archive."""
    signatures: dict[str, str] = {}
    stale = []
    known = 0
    stat, get = os.stat, table.get
    folder, handle = None, None
    try:
        for item in found:
            _kind, path, where = item
            entry = get(where)
            if entry is not None:
                known += 1
            head, _, name = path.rpartition("/")
            if head != folder:
                folder, handle = head, _open_folder(head, handle)
            try:
                st = stat(path) if handle is None else stat(name, dir_fd=handle)  # stat_signature, inline
                signature = signatures[path] = f"{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_size}:{st.st_ino}"
            except OSError:
                signature = None
            if entry is None or entry[0] != signature:
                stale.append(item)
    finally:
        _open_folder(None, handle)
    return Scan(signatures, stale, known)


_BY_FOLDER = os.stat in os.supports_dir_fd and hasattr(os, "O_DIRECTORY")


def _open_folder(folder: str | None, previous: int | None) -> int | None:
    """Close ``previous`` (a folder's descriptor, or None) and open ``folder``; None when it
    cannot be opened (its files are then stat-ed by their whole path) or is None."""
    if previous is not None:
        os.close(previous)
    if folder is None or not _BY_FOLDER:
        return None
    try:
        return os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return None


MAX_FILE_BYTES = 2_000_000
"""Largest content file (or wire copy) read; :func:`read_content` reads one byte more, so
that the caller can tell a file over the limit and refuse it."""

_KINDS = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a folder",
}
NOT_REGULAR_HINT = "only regular files are read; remove it, or put the file itself there"


class NotRegularFile(OSError):
    """The path names a FIFO, a device, a socket or a folder (perhaps through a symbolic
    link): reading it could wait forever (a FIFO) or never end (``/dev/zero``)."""

    def __init__(self, path: str | Path, mode: int):
        self.kind = _KINDS.get(stat.S_IFMT(mode), "not a file")
        super().__init__(errno.EINVAL, f"not a regular file — it is {self.kind}", os.fspath(path))


def read_content(path: str | Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """A file's bytes, at most ``limit`` + 1 of them; only a regular file is read (else
    :class:`NotRegularFile`). Opened without blocking, so that a FIFO cannot hang the open,
    and unbuffered, the file's size sizing the read."""
    handle = os.open(path, _OPEN_FLAGS)
    try:
        st = os.fstat(handle)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(path, st.st_mode)
        want = limit + 1
        chunks = []
        while want > 0:
            chunk = os.read(handle, min(want, st.st_size + 1 if not chunks else 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            want -= len(chunk)
        return chunks[0][: limit + 1] if len(chunks) == 1 else b"".join(chunks)[: limit + 1]
    finally:
        os.close(handle)


MAX_STATIC_BYTES = 200_000_000
"""Largest file of ``static/`` published (a PDF, a video); larger is an error."""

MAX_TEMPLATE_BYTES = MAX_FILE_BYTES
"""Largest template read."""


def read_site_file(path: str | Path, shown: str, limit: int) -> bytes:
    """A file of ``static/`` or ``templates/`` by the rule of :func:`read_content` (a regular
    file, at most ``limit`` bytes), or :class:`BuildFailed` naming it (as ``shown``): a FIFO
    or a link to ``/dev/zero`` there would hang the build or never end it."""
    try:
        data = read_content(path, limit)
    except NotRegularFile as exc:
        raise BuildFailed([ContentError(shown, 0, exc.strerror, NOT_REGULAR_HINT)]) from None
    except OSError as exc:
        raise BuildFailed(
            [ContentError(shown, 0, f"cannot read the file: {exc.strerror or exc}", "check that it can be read")]
        ) from None
    if len(data) > limit:
        raise BuildFailed(
            [ContentError(shown, 0, f"the file is too large (over {limit:,} bytes)", "remove it, or make it smaller")]
        )
    return data


def read_static(path: str | Path, root: Path | None = None) -> bytes:
    """A file of ``static/`` to publish (:func:`read_site_file`, at most MAX_STATIC_BYTES)."""
    return read_site_file(path, display_path(Path(path), root), MAX_STATIC_BYTES)


def read_template(path: str | Path, root: Path | None = None) -> bytes:
    """A file of ``templates/`` (:func:`read_site_file`, at most MAX_TEMPLATE_BYTES)."""
    return read_site_file(path, display_path(Path(path), root), MAX_TEMPLATE_BYTES)


_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


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


NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 cannot carry (C0 controls but tab, LF and CR; lone surrogates; U+FFFE,
U+FFFF): one in a title or a body would make every feed and sitemap holding it unreadable, so
a file that holds one is refused where it is read (see :func:`refuse_not_xml`)."""
NOT_XML_HINT = "delete it: feeds and sitemaps cannot carry it (it is invisible, often pasted from a terminal or a PDF)"


def describe_char(char: str) -> str:
    """``U+0007`` for a character an editor cannot see."""
    return f"U+{ord(char):04X}"


def refuse_not_xml(text: str, where: str, first_line: int = 1) -> None:
    """Raise :class:`ContentError` at the line of the first character of ``text`` that XML
    cannot carry (see :data:`NOT_XML`); ``first_line`` is the line ``text`` starts on."""
    bad = NOT_XML.search(text)
    if bad:
        line = first_line + text.count("\n", 0, bad.start())
        raise ContentError(
            where, line, f"the file holds the control character {describe_char(bad.group())}", NOT_XML_HINT
        )


def static_files(options: BuildOptions) -> tuple[dict[str, Path], list[ContentError]]:
    """Files of the static folder by site path (hidden files left out), and links that leave it."""
    static = options.path("static")
    found: dict[str, Path] = {}
    errors: list[ContentError] = []
    if not static.is_dir():
        return found, errors
    inside = static.resolve()
    for source in sorted(static.rglob("*")):
        rel = source.relative_to(static)
        if any(part.startswith(".") for part in rel.parts) or source.is_dir():
            continue
        if source.is_symlink() and inside not in source.resolve().parents:
            errors.append(
                ContentError(
                    display_path(source, options.root),
                    0,
                    "this link points to a file outside static/; it is not published",
                    "copy the file into static/ instead",
                )
            )
            continue
        found[rel.as_posix()] = source
    return found, errors
