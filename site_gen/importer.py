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
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from . import urls
from .documents import MAX_DOCUMENT_BYTES, PICTURE_PREFIX, read_docx, read_html
from .errors import ContentError, display_path
from .frontmatter import split_front_matter
from .sources import MAX_FILE_BYTES, NotRegularFile, decode_utf8, read_content
from .wire import Dropped, WireResult, convert, convert_blocks, dump_front_matter, escape_inline
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
    changed: tuple[str, ...] = ()
    """The fields a replacing import changed (``title``, ``image.caption``, ``body``)."""


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
        kind = format_of(source)
        data = read_source(source, where, read_stdin, MAX_DOCUMENT_BYTES if kind != "txt" else MAX_FILE_BYTES)
        pictures: list[tuple[Path, bytes]] = []
        if kind == "txt":
            text, assumed = decode_copy(data, where)
            result = convert(text, zone=options.zone, source_name=where, today=options.today)
            if assumed:
                result = replace(result, warnings=(assumed, *result.warnings))
        else:
            result, pictures = convert_document(kind, data, where, options)
        if options.to_stdout:
            return Outcome(where, PRINTED, None, result.document(), None, result.warnings, result.dropped)
        status, path, document, changed = place(result, options, where, stories or StoryIndex())
        if status in (WRITTEN, REPLACED):
            for picture, content in pictures:
                write_picture(picture, content)
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
    return Outcome(where, status, path, document, None, result.warnings, result.dropped, changed)


def format_of(source: str) -> str:
    """``txt``, ``docx`` or ``html`` by the file's name (standard input is wire copy); ``.docm`` refused."""
    suffix = Path(source).suffix.lower() if source != STDIN else ""
    if suffix == ".docm":
        raise ContentError(source, 0, "a macro-enabled Word document (.docm) is not imported", "save it as .docx")
    if suffix == ".doc":
        raise ContentError(source, 0, "an old Word 97–2003 document (.doc) cannot be read", "save it as .docx")
    return {".docx": "docx", ".html": "html", ".htm": "html", ".xhtml": "html"}.get(suffix, "txt")


def convert_document(
    kind: str, data: bytes, where: str, options: ImportOptions
) -> tuple[WireResult, list[tuple[Path, bytes]]]:
    """A ``.docx`` or ``.html`` → the article, by the wire rules, and the pictures to save with it."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ContentError(
            where, 0, f"the file is too large (over {MAX_DOCUMENT_BYTES:,} bytes)", "is it really one story?"
        )
    if not data.strip():
        raise ContentError(where, 0, "the file is empty", "save the story into it")
    document = read_docx(data, where) if kind == "docx" else read_html(data, where)
    result = convert_blocks(document.blocks, zone=options.zone, source_name=where, today=options.today)
    fields = dict(result.front_matter)
    warnings = [*document.warnings, *result.warnings]
    folder = options.content.parent / "static" / "images" / f"{result.published.at:%Y}" / f"{result.published.at:%m}"
    site_folder = f"/images/{result.published.at:%Y}/{result.published.at:%m}/"
    body = result.body
    saved: list[tuple[Path, bytes]] = []
    taken: set[str] = set()
    for picture in document.pictures:
        name = free_picture_name(folder, f"{result.slug}-{picture.number}", picture.extension, taken)
        address = site_folder + name
        body = body.replace(f"({PICTURE_PREFIX}{picture.number})", f"({address})")
        saved.append((folder / name, picture.data))
        if picture is document.lead:
            fields["image"] = {"src": address, "alt": picture.alt or None, **(fields.get("image") or {})}
        if not picture.alt:
            warnings.append(
                ContentError(
                    where,
                    0,
                    f"picture {picture.number} ({name}) has no alt text",
                    "write `alt:` saying what it shows"
                    if picture is document.lead
                    else f"write ![what it shows]({address})",
                    "warning",
                )
            )
    if document.lead_src:
        fields["image"] = {"src": document.lead_src, "alt": document.lead_alt or None, **(fields.get("image") or {})}
    if document.source:
        # Credited at the foot of the body: the article page's template has no view of `source:` yet.
        host = urlsplit(document.source).netloc.removeprefix("www.")
        body = body.rstrip("\n") + f"\n\nSource: [{escape_inline(host)}]({document.source})\n"
        fields = {**{k: v for k, v in fields.items() if k != "summary"}, "source": document.source}
        if "summary" in result.front_matter:
            fields["summary"] = result.front_matter["summary"]
    if options.to_stdout and saved:
        warnings.append(
            ContentError(where, 0, "with --stdout the pictures are not saved", "import without --stdout", "warning")
        )
        saved = []
    return replace(result, front_matter=fields, body=body, warnings=tuple(warnings)), saved


def free_picture_name(folder: Path, stem: str, extension: str, taken: set[str]) -> str:
    """``stem.ext``, or ``stem-2.ext``…, a name no file in ``folder`` has: a picture never replaces one."""
    for number in range(1, MAX_NUMBERED + 1):
        name = f"{stem}{extension}" if number == 1 else f"{stem}-{number}{extension}"
        if name not in taken and not (folder / name).exists():
            taken.add(name)
            return name
    raise ContentError(str(folder), 0, f"{MAX_NUMBERED} pictures are already named {stem}", "move some away")


def write_picture(path: Path, data: bytes) -> None:
    """Save a picture as a new file (never over one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "xb") as handle:
        handle.write(data)


def read_source(source: str, where: str, read_stdin: Callable[[], bytes] | None, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of one input; :class:`ContentError` when it cannot be read."""
    if source == STDIN:
        if read_stdin is None:
            raise ContentError(where, 0, "standard input is not available")
        return read_stdin()
    try:
        return read_content(source, limit)  # more than the limit is refused by decode()
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


ENCODINGS = {"cp1252": "Windows-1252", "latin_1": "Latin-1 (ISO 8859-1)", "cp1256": "Windows-1256 (Arabic script)"}
"""The encodings other than UTF-8 that copy arrives in (Word and old Windows mail; Urdu from Windows-1256),
and their names in messages. Detection picks one of these only: left to choose among all code pages it
takes short English copy for Central European (cp1250)."""


def decode_copy(data: bytes, where: str) -> tuple[str, ContentError | None]:
    """The text of an input and, when it was not UTF-8, a warning naming the encoding assumed.

    UTF-8 is tried first; anything else is detected by charset-normalizer among :data:`ENCODINGS`.
    The article is always written as UTF-8.
    """
    try:
        return decode(data, where), None
    except ContentError as exc:
        if exc.message != "the file is not UTF-8 text":
            raise
        from charset_normalizer import from_bytes

        best = from_bytes(data, cp_isolation=list(ENCODINGS)).best()
        if best is None or best.encoding not in ENCODINGS:
            raise ContentError(
                where, exc.line, "the file is not UTF-8 text, and its encoding could not be told", exc.hint
            ) from None
        name = ENCODINGS[best.encoding]
        note = ContentError(
            where, 0, f"not UTF-8: read as {name}", "check accented letters and quotes; the article is UTF-8", "warning"
        )
        return str(best).removeprefix("\ufeff"), note


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


def place(
    result: WireResult, options: ImportOptions, where: str, stories: StoryIndex
) -> tuple[str, Path, str, tuple[str, ...]]:
    """Write the article under the first free slug; ``(status, path, text of the article, fields changed)``.

    An article with the same headline and day in the target folder is the same
    story: it is reported, never duplicated; with ``force`` the new copy is
    merged into it (:func:`merge_into`).
    """
    folder = target_folder(result, options)
    base = options.out if options.out is not None else options.content / "articles"
    stories.prepare(folder, base, where)  # file names are slugs: no `/`, no `..`
    key = story_key(result.front_matter["title"], result.front_matter["date"])
    earlier = stories.find(folder, key)
    if earlier is not None:
        if not options.force:
            if urls.is_valid_slug(earlier.stem):
                result = result.with_slug(earlier.stem)
            return DUPLICATE, earlier, result.document(), ()
        document, changed = merge_into(result, earlier, where)
        write_file(earlier, document, replace=True)
        return REPLACED, earlier, document, changed
    for number in range(1, MAX_NUMBERED + 1):
        candidate = result.with_slug(urls.numbered_slug(result.slug, number))
        path = folder / f"{candidate.slug}.md"
        document = candidate.document()
        try:
            write_file(path, document, replace=False)
        except FileExistsError:  # another story has this slug: try the next number
            continue
        stories.add(folder, key, path)
        return WRITTEN, path, document, ()
    raise ContentError(
        where, 0, f"{MAX_NUMBERED} articles already use the slug {result.slug!r}", "edit the headline and try again"
    )


#: Fields that name one thing two ways: the copy's value replaces the article's under either name.
_SAME_FIELD = {"authors": "author", "category": "section"}


def _empty(value: object) -> bool:
    return value is None or value == "" or value == [] or value == {}


def merge_into(result: WireResult, earlier: Path, where: str) -> tuple[str, tuple[str, ...]]:
    """The article file ``earlier`` with the new copy of its story merged in; ``(text, fields changed)``.

    The copy brings the headline, dates, body and whatever else it carries; everything else the
    editor added stays (section, tags, author, image address and alt text, aliases, corrections,
    summary, keys of their own), and so does the article's URL: its ``slug:``, or the slug its
    URL was made from, is written as ``slug:``. Comments in the old front matter are not kept.
    """
    try:
        text = earlier.read_text(encoding="utf-8")
        parts = split_front_matter(text, str(earlier))
        old = {key: item.value for key, item in load_mapping(parts.yaml).items()}
    except (OSError, UnicodeDecodeError, ContentError, YamlError):
        raise ContentError(
            where, 0, f"cannot merge into {display_path(earlier)}: its front matter cannot be read", "fix it first"
        ) from None
    new = dict(result.front_matter)
    new["slug"] = live_slug(text, earlier)
    merged = dict(old)
    for key, value in new.items():
        if key not in merged and _SAME_FIELD.get(key, key) not in map(_SAME_FIELD.get, merged, merged):
            merged = _insert_after(merged, key, value, list(new)[: list(new).index(key)])
            continue
        name = _SAME_FIELD.get(key, key)
        twin = next((k for k in merged if k != key and _SAME_FIELD.get(k, k) == name), None)
        if key in ("date", "updated") and len(str(value)) == 10 and str(merged.get(key, "")).startswith(str(value)):
            continue  # the copy has the day only: the editor's time of the same day stays
        if _empty(value):
            if key not in merged and twin is None:
                merged[key] = value  # an empty field for the editor, as a first import writes it
            continue
        if twin is not None:
            del merged[twin]
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            value = {**merged[key], **value}  # the copy's caption and credit, the editor's src and alt
        merged[key] = value
    changed = [
        key for key in merged if not _same(old.get(key), merged[key]) and not (key not in old and _empty(merged[key]))
    ]
    changed = [f"{key}.{sub}" if sub else key for key in changed for sub in _changed_parts(old.get(key), merged[key])]
    changed += [key for key in old if key not in merged]
    if parts.body.strip() != result.body.strip():
        changed.append("body")
    return f"---\n{dump_front_matter(merged)}---\n\n{result.body}", tuple(changed)


def _insert_after(fields: dict, key: str, value: object, before: list[str]) -> dict:
    """``fields`` with ``key`` placed after the last of ``before`` it has (so a new ``slug:`` follows ``date:``)."""
    at = max((i + 1 for i, k in enumerate(fields) if k in before), default=len(fields))
    items = list(fields.items())
    return dict([*items[:at], (key, value), *items[at:]])


def _same(a: object, b: object) -> bool:
    return a == b or (isinstance(a, str | date) and str(a) == str(b))


def _changed_parts(old: object, new: object) -> list[str]:
    """``[""]`` for a changed field; the changed keys of a changed mapping (``image.caption``)."""
    if isinstance(old, dict) and isinstance(new, dict):
        return [key for key in {**old, **new} if not _same(old.get(key), new.get(key))]
    return [""]


def live_slug(text: str, path: Path) -> str:
    """The slug of the URL an article file is published under (its ``slug:``, else the one made from its title)."""
    from .config import Config
    from .load import parse_article

    try:
        article, _html, _warnings = parse_article(text.encode("utf-8"), str(path), Config("", ""), stem=path.stem)
    except Exception:  # an article that does not load has no URL yet: keep its file name
        return path.stem
    return article.slug


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
