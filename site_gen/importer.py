"""``site-gen import``: wire copy files → article files (the I/O edge of :mod:`site_gen.wire`).

Each input (a path, or ``-`` for standard input) is read as bytes, checked
(empty, binary, not UTF-8, too large), converted by :func:`site_gen.wire.convert`
and written to ``content/articles/YYYY/MM/slug.md`` (or ``DIR/slug.md`` with
``--out DIR``). A file is never overwritten: an article with the same
headline and day in that folder is the same story, reported as already
imported (replaced only with ``force``); a different story that wants a taken
slug gets ``slug-2``, ``slug-3``. One bad input never stops the
others. Nothing is printed here: the CLI prints the :class:`Outcome` list.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from . import urls
from .errors import ContentError, display_path
from .frontmatter import split_front_matter
from .sources import MAX_FILE_BYTES, NotRegularFile, decode_utf8, read_content
from .wire import Dropped, WireResult, convert
from .yamlload import YamlError, load_mapping

STDIN = "-"
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f\v")
MAX_NUMBERED = 99
"""How many stories may share one slug (``slug-2`` … ``slug-99``) before giving up."""

WRITTEN, REPLACED, DUPLICATE, PRINTED, FAILED = "written", "replaced", "already imported", "printed", "failed"


@dataclass
class Outcome:
    """What happened to one input."""

    source: str
    """The input as messages name it (``inbox/a.txt``, ``stdin``)."""
    status: str
    """One of ``written``, ``replaced``, ``already imported``, ``printed``, ``failed``."""
    path: Path | None = None
    """The article file written (or found, for a duplicate)."""
    document: str = ""
    """The article's text (for ``--stdout``)."""
    error: ContentError | None = None
    """Why the input failed."""
    warnings: tuple[ContentError, ...] = ()
    """What the editor should check."""
    dropped: tuple[Dropped, ...] = ()
    """Junk lines left out."""


@dataclass
class ImportOptions:
    """Where articles go and how."""

    content: Path = Path("content")
    """Content folder: articles go to ``content/articles/YYYY/MM/``."""
    out: Path | None = None
    """Write ``DIR/slug.md`` here instead."""
    to_stdout: bool = False
    """Write nothing; return the documents."""
    force: bool = False
    """Replace an earlier import of the same story."""
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Karachi"))
    """The site's time zone."""
    today: date | None = None
    """Date for copy without a date line (with a warning)."""


def import_sources(
    sources: Iterable[str], options: ImportOptions, read_stdin: Callable[[], bytes] | None = None
) -> list[Outcome]:
    """Import every source; failures are recorded in their :class:`Outcome`, never raised."""
    stories = StoryIndex()
    return [import_one(source, options, read_stdin, stories) for source in sources]


def import_one(
    source: str,
    options: ImportOptions,
    read_stdin: Callable[[], bytes] | None = None,
    stories: StoryIndex | None = None,
) -> Outcome:
    """Import one source (a path, or ``-``)."""
    where = "stdin" if source == STDIN else source  # named as the user typed it
    try:
        data = read_source(source, where, read_stdin)
        text = decode(data, where)
        result = convert(text, zone=options.zone, source_name=where, today=options.today)
        if options.to_stdout:
            return Outcome(where, PRINTED, None, result.document(), None, result.warnings, result.dropped)
        status, path, document = place(result, options, where, stories or StoryIndex())
    except ContentError as exc:
        return Outcome(where, FAILED, error=exc)
    except OSError as exc:  # --out or --content names a file, a folder that cannot be written, /proc/…
        target = display_path(Path(exc.filename)) if exc.filename else "the target folder"
        error = ContentError(
            where,
            0,
            f"cannot write {target}: {exc.strerror or exc}",
            "--out and --content must name folders you can write to",
        )
        return Outcome(where, FAILED, error=error)
    return Outcome(where, status, path, document, None, result.warnings, result.dropped)


def read_source(source: str, where: str, read_stdin: Callable[[], bytes] | None) -> bytes:
    """The bytes of one input; :class:`ContentError` when it cannot be read."""
    if source == STDIN:
        if read_stdin is None:
            raise ContentError(where, 0, "standard input is not available")
        return read_stdin()
    try:
        return read_content(source)  # more than the limit is refused by decode()
    except FileNotFoundError:
        raise ContentError(where, 0, "file not found", "check the name") from None
    except (IsADirectoryError, NotRegularFile) as exc:
        if isinstance(exc, IsADirectoryError) or "folder" in exc.strerror:
            raise ContentError(where, 0, "is a folder, not a file", "name the .txt files, e.g. inbox/*.txt") from None
        raise ContentError(where, 0, exc.strerror, "import wire copy saved as a .txt file") from None
    except PermissionError:
        raise ContentError(where, 0, "cannot read the file: permission denied") from None
    except OSError as exc:
        raise ContentError(where, 0, f"cannot read the file: {exc.strerror or exc}") from None


def decode(data: bytes, where: str) -> str:
    """UTF-8 text of an input, without a byte order mark; :class:`ContentError` for anything else."""
    if len(data) > MAX_FILE_BYTES:
        limit = f"{MAX_FILE_BYTES:,}"
        raise ContentError(where, 0, f"the file is too large (over {limit} bytes)", "is it really wire copy?")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ContentError(where, 0, "the file is UTF-16 text, not UTF-8", "save it as UTF-8 and import it again")
    if not data.strip():
        raise ContentError(where, 0, "the file is empty", "paste the wire copy into it")
    head = data[:4096]
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if b"\0" in data or controls > len(head) // 20:
        raise ContentError(where, 0, "the file holds binary data, not text", "import the wire copy as a .txt file")
    return decode_utf8(data, where, "save it as UTF-8 and import it again").removeprefix("\ufeff")


def target_folder(result: WireResult, options: ImportOptions) -> Path:
    """``content/articles/YYYY/MM`` for the article's date, or ``--out DIR``."""
    if options.out is not None:
        return options.out
    return options.content / "articles" / f"{result.published.at:%Y}" / f"{result.published.at:%m}"


def place(result: WireResult, options: ImportOptions, where: str, stories: StoryIndex) -> tuple[str, Path, str]:
    """Write the article under the first free slug; ``(status, path, text of the article)``.

    An article with the same headline and day in the target folder is the same
    story: it is reported (or replaced with ``force``), never duplicated.
    """
    folder = target_folder(result, options)
    base = options.out if options.out is not None else options.content / "articles"
    stories.prepare(folder, base, where)  # file names are slugs: no `/`, no `..`
    key = story_key(result.front_matter["title"], result.front_matter["date"])
    earlier = stories.find(folder, key)
    if earlier is not None:
        if urls.is_valid_slug(earlier.stem):
            result = result.with_slug(earlier.stem)
        document = result.document()
        if not options.force:
            return DUPLICATE, earlier, document
        write_file(earlier, document, replace=True)
        return REPLACED, earlier, document
    for number in range(1, MAX_NUMBERED + 1):
        candidate = result.with_slug(urls.numbered_slug(result.slug, number))
        path = folder / f"{candidate.slug}.md"
        document = candidate.document()
        try:
            write_file(path, document, replace=False)
        except FileExistsError:  # another story has this slug: try the next number
            continue
        stories.add(folder, key, path)
        return WRITTEN, path, document
    raise ContentError(
        where, 0, f"{MAX_NUMBERED} articles already use the slug {result.slug!r}", "edit the headline and try again"
    )


def story_key(title: str, date: object) -> tuple[str, str]:
    """What makes two articles the same story: the headline (case and spacing aside) and the day."""
    return " ".join(str(title).casefold().split()), str(date)[:10]


class StoryIndex:
    """The stories already in each target folder, read once per folder and run."""

    def __init__(self) -> None:
        self.folders: dict[Path, dict[tuple[str, str], Path]] = {}
        self.safe: set[tuple[Path, Path]] = set()

    def prepare(self, folder: Path, base: Path, where: str) -> None:
        """Make ``folder``, refusing one that leaves ``base`` (through ``..`` or a symbolic link)."""
        if (folder, base) in self.safe:
            return
        if not folder.resolve().is_relative_to(base.resolve()):
            raise ContentError(where, 0, f"refusing to write outside {display_path(base)}: {display_path(folder)}/")
        folder.mkdir(parents=True, exist_ok=True)
        self.safe.add((folder, base))

    def stories(self, folder: Path) -> dict[tuple[str, str], Path]:
        if folder not in self.folders:
            found: dict[tuple[str, str], Path] = {}
            for path in sorted(folder.glob("*.md")) if folder.is_dir() else ():
                key = read_story_key(path)
                if key is not None:
                    found.setdefault(key, path)
            self.folders[folder] = found
        return self.folders[folder]

    def find(self, folder: Path, key: tuple[str, str]) -> Path | None:
        path = self.stories(folder).get(key)
        return path if path is not None and path.exists() else None

    def add(self, folder: Path, key: tuple[str, str], path: Path) -> None:
        self.stories(folder)[key] = path


def read_story_key(path: Path) -> tuple[str, str] | None:
    """The :func:`story_key` of an article file, or None if it cannot be read."""
    try:
        parts = split_front_matter(path.read_text(encoding="utf-8"), str(path))
        fields = load_mapping(parts.yaml)
    except (OSError, UnicodeDecodeError, ContentError, YamlError):
        return None
    title, day = fields.get("title"), fields.get("date")
    if title is None or day is None or title.text is None or day.text is None:
        return None
    return story_key(title.text.strip(), day.text.strip())


def write_file(path: Path, text: str, replace: bool) -> None:
    """Write a new file (never clobbering one) or replace one atomically; the folder exists."""
    if not replace:
        with open(path, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        return
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".import-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def summary(outcomes: list[Outcome]) -> str:
    """``3 files: 1 written, 1 already imported, 1 failed``."""
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    parts = [f"{counts[s]} {s}" for s in (WRITTEN, REPLACED, PRINTED, DUPLICATE, FAILED) if counts.get(s)]
    total = len(outcomes)
    return f"{total} file{'s' if total != 1 else ''}: " + ", ".join(parts)
