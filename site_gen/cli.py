"""Command line: ``site-gen build|serve|check|new|import``; the only place that prints or exits."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from pathlib import Path

from . import __version__
from .build import BuildOptions, build_site, check_site
from .errors import BuildFailed, ContentError

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


def _common(parser: argparse.ArgumentParser, output: str = "build") -> None:
    group = parser.add_argument_group("site")
    group.add_argument(
        "--config", type=Path, default=Path("site.yaml"), metavar="FILE", help="site configuration (default: site.yaml)"
    )
    group.add_argument(
        "--content", type=Path, default=Path("content"), metavar="DIR", help="articles and pages (default: content)"
    )
    group.add_argument(
        "--templates", type=Path, default=Path("templates"), metavar="DIR", help="Jinja2 templates (default: templates)"
    )
    group.add_argument(
        "--static", type=Path, default=Path("static"), metavar="DIR", help="files copied as they are (default: static)"
    )
    group.add_argument(
        "--output",
        type=Path,
        default=Path(output),
        metavar="DIR",
        help=f"where the site is written (default: {output})",
    )
    group.add_argument("--drafts", action="store_true", help="include articles marked `draft: true`")
    group.add_argument("--future", action="store_true", help="include articles dated in the future (scheduled)")
    group.add_argument(
        "--base-url", type=_parse_base_url, metavar="URL", help="override base_url from the configuration"
    )
    group.add_argument(
        "--now",
        type=_parse_now,
        metavar="TIME",
        help="pretend it is this time, for reproducible builds: 2025-07-20, 2025-07-20 14:30 (the site's time zone) "
        "or 2025-07-20T14:30:00+05:00",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")


def _parse_base_url(text: str) -> str:
    """``--base-url``, checked exactly as site.yaml's ``base_url`` is."""
    from .config import BASE_URL_HINT, checked_base_url

    try:
        return checked_base_url(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{exc} — {BASE_URL_HINT}") from None


class LocalTime(str):
    """``--now`` without an offset (``2025-07-20``, ``2025-07-20 14:30``): read in the site's time
    zone, as front matter is, once site.yaml is found (:func:`local_now`)."""


def _parse_day(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"cannot read {text!r}; use e.g. 2025-07-20") from None


def _parse_now(text: str) -> datetime | LocalTime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"cannot read {text!r}; use e.g. 2025-07-20, 2025-07-20 14:30 or 2025-07-20T10:00:00+05:00"
        ) from None
    if moment.tzinfo is None:
        return LocalTime(text)
    from .dates import DateOutOfRange, in_zone

    try:
        in_zone(moment, moment.tzinfo, text)  # the year as written
    except DateOutOfRange as exc:
        raise argparse.ArgumentTypeError(f"{exc} — {exc.hint}") from None
    return moment


def local_now(text: LocalTime, config_path: Path) -> datetime | str:
    """``--now`` without an offset in the site's time zone; a message when it cannot be read."""
    from zoneinfo import ZoneInfo

    from .config import load_config
    from .dates import parse_moment

    try:
        zone = ZoneInfo(load_config(config_path).timezone)
    except (BuildFailed, OSError):
        zone = ZoneInfo("Asia/Karachi")  # the build reports site.yaml's problem itself
    try:
        return parse_moment(text, zone).at
    except ValueError as exc:
        return f"--now: {exc} — {getattr(exc, 'hint', '')}".rstrip(" —")


PROJECT_FILE = "site.yaml"


def find_project(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` holding site.yaml (as git finds its repository)."""
    for folder in (start, *start.parents):
        if (folder / PROJECT_FILE).is_file():
            return folder
    return None


def enter_project(args: argparse.Namespace) -> None:
    """Run from the project's folder when the command is given in one of its subfolders and no
    --config is named: the FILE arguments keep pointing where they did."""
    if getattr(args, "config", None) != Path(PROJECT_FILE) or Path(PROJECT_FILE).is_file():
        return
    here = Path.cwd()
    project = find_project(here.parent)
    if project is None:
        return
    for name in ("files",):
        values = getattr(args, name, None)
        if values:
            setattr(args, name, [v if str(v) == "-" else type(v)(os.path.abspath(v)) for v in values])
    for name in ("out",):
        if getattr(args, name, None) is not None:
            setattr(args, name, Path(os.path.abspath(getattr(args, name))))
    args.came_from = here
    os.chdir(project)


IMPORT_KEEPS = {
    "txt": "headline, byline, dates, dateline, caption and credit, paragraphs, bullets, numbered lists and quotes; "
    "drops share buttons, “read more” lines, footers, ads",
    "docx": "the same, plus headings, bold and italic, lists, links, tables, block quotes and pictures "
    "(saved to static/images/YYYY/MM/); drops comments, headers and footers, colours and fonts",
    "html": "the article only (title, author, date, text, lead image as a link, source URL); drops navigation, "
    "share buttons, related boxes, ads, scripts, forms and comments",
}
"""What each format keeps and drops (``site-gen import --help``): kept here, so that building
the parser imports none of the importers."""


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="site-gen",
        description="Static site generator for a news bulletin: content/*.md → build/.",
    )
    parser.add_argument("--version", action="version", version=f"site-gen {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    for add in (_build_command, _serve_command, _check_command, _digest_command, _new_command, _import_command):
        add(commands)
    return parser


def _build_command(commands: argparse._SubParsersAction) -> None:
    """``site-gen build``."""
    build = commands.add_parser(
        "build",
        help="build the site into the output folder",
        description="Build the site. Nothing is written unless every file is valid.",
    )
    _common(build)
    build.add_argument(
        "--clean", action="store_true", help="also delete files in the output folder that site-gen did not write"
    )
    build.add_argument(
        "--fresh", action="store_true", help="ignore the cache and the previous output: build everything from scratch"
    )
    build.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=0,
        metavar="N",
        help="worker processes (default: one per core); the output is the same for any N",
    )
    build.add_argument(
        "--cache-dir",
        type=Path,
        default=Path(".site-gen-cache"),
        metavar="DIR",
        help="incremental-build cache (default: .site-gen-cache; never deploy it)",
    )
    build.add_argument("--timings", action="store_true", help="print the seconds spent in each stage")
    build.add_argument(
        "--search",
        action="store_true",
        help="index the article pages with Pagefind for the /search/ page (make build does); "
        "without it an earlier build's index is removed",
    )


def _serve_command(commands: argparse._SubParsersAction) -> None:
    """``site-gen serve``."""
    serve = commands.add_parser(
        "serve",
        help="preview the site with live reload",
        description="Build a preview into .site-gen-preview/site (never build/: the preview shows drafts "
        "and scheduled articles, flagged on the page), serve it on http://HOST:PORT, and rebuild when a file in "
        "content/, templates/, static/ or site.yaml changes; the browser reloads by itself. A failed build shows "
        "its errors in the browser and the server keeps running. The search index is not built.",
    )
    _common(serve, output=".site-gen-preview/site")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this computer only)"
    )
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve.add_argument("--open", action="store_true", help="open the site in a web browser")


def _check_command(commands: argparse._SubParsersAction) -> None:
    """``site-gen check``."""
    check = commands.add_parser(
        "check",
        help="check content and templates without writing anything",
        description="Report every problem as path:line: message — hint. Exit 1 on errors "
        "(and on warnings with --strict); notes never fail.",
    )
    _common(check)
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    check.add_argument(
        "--against",
        default=None,
        metavar="REV",
        help="the git commit whose published URLs must keep answering (default: HEAD; in CI the commit before "
        "the push); `none` skips this",
    )
    check.add_argument(
        "files",
        nargs="*",
        type=Path,
        metavar="FILE",
        help="report only problems in these files (the whole site is still read), e.g. the staged articles",
    )


def _digest_command(commands: argparse._SubParsersAction) -> None:
    """``site-gen digest``."""
    digest = commands.add_parser(
        "digest",
        help="write the day's stories as an e-mail: HTML, plain text and a .eml file",
        description="Write DIR/YYYY-MM-DD-LANG.html, .txt and .eml: the published stories of one day, lead first, "
        "ready for a mailer (see the README's daily digest section). Writes nothing in the site's output.",
    )
    _common(digest, output="digest")
    digest.add_argument("--date", type=_parse_day, metavar="D", help="the day, 2025-07-20 (default: the clock's day)")
    digest.add_argument("--lang", metavar="L", help="the stories' language, e.g. ur (default: the site's)")


def _new_command(commands: argparse._SubParsersAction) -> None:
    """``site-gen new``."""
    new = commands.add_parser(
        "new",
        help="start a new article",
        description="Write content/articles/YYYY/MM/slug.md with today's date and print its path.",
    )
    new.add_argument("title", help="the headline")
    new.add_argument("--section", default="", help="section name")
    new.add_argument("--tags", default="", help="comma-separated tags")
    new.add_argument("--lang", default="", help="language code (ur, ps, fa for right-to-left)")
    new.add_argument(
        "--date",
        default="",
        metavar="TIME",
        help="publication time as in front matter (default: now), e.g. 2025-07-20 14:30",
    )
    new.add_argument("--author", default="", help="the reporter's name")
    new.add_argument("--slug", default="", help="the URL's last part (default: from the headline)")
    new.add_argument("--draft", action="store_true", help="write `draft: true`: nothing publishes it yet")
    new.add_argument(
        "--config", type=Path, default=Path("site.yaml"), metavar="FILE", help="site configuration (default: site.yaml)"
    )
    new.add_argument(
        "--content", type=Path, default=Path("content"), metavar="DIR", help="articles and pages (default: content)"
    )


def _import_command(commands: argparse._SubParsersAction) -> None:
    """``site-gen import``."""
    wire = commands.add_parser(
        "import",
        help="turn wire copy (.txt), Word documents (.docx) and saved web pages (.html) into article files",
        description="Write each file as content/articles/YYYY/MM/slug.md and say where. Never overwrites a file; "
        "--force merges the new copy into an earlier import of the same story. "
        + " ".join(f".{kind} keeps {what}." for kind, what in IMPORT_KEEPS.items()),
    )
    wire.add_argument(
        "files", nargs="+", metavar="FILE", help="wire copy, .docx or .html files; - reads standard input"
    )
    where = wire.add_mutually_exclusive_group()
    where.add_argument("--out", type=Path, metavar="DIR", help="write DIR/slug.md instead of into content/")
    where.add_argument("--stdout", action="store_true", help="print the articles instead of writing files")
    wire.add_argument("--force", action="store_true", help="replace an earlier import of the same story")
    wire.add_argument(
        "--config", type=Path, metavar="FILE", help="site configuration, for the time zone (default: site.yaml)"
    )
    wire.add_argument(
        "--content", type=Path, default=Path("content"), metavar="DIR", help="content folder (default: content)"
    )


def options_from(args: argparse.Namespace, **changes) -> BuildOptions:
    values = dict(
        config=args.config,
        content=args.content,
        templates=args.templates,
        static=args.static,
        output=args.output,
        drafts=args.drafts,
        future=args.future,
        base_url=args.base_url,
        now=args.now,
        clean=getattr(args, "clean", False),
        fresh=getattr(args, "fresh", False),
        jobs=getattr(args, "jobs", 0),
        cache_dir=getattr(args, "cache_dir", Path(".site-gen-cache")),
        image_cache=getattr(args, "cache_dir", Path(".site-gen-cache")) / "images",
        search=getattr(args, "search", False),
    )
    values.update(changes)
    return BuildOptions(**values)


def print_problems(problems, stream=None) -> None:
    for problem in problems:
        print(problem, file=stream or sys.stderr)  # looked up now: tests and callers may redirect it


def run_build(args) -> int:
    progress = None
    bar = None
    if not args.quiet and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=0, unit="page", leave=False, mininterval=0.2, file=sys.stderr)

        def progress(done: int, total: int) -> None:
            if bar.total != total:
                bar.total = total
            bar.update(done - bar.n)

    try:
        from .folders import refuse_preview_output

        options = options_from(args)
        refuse_preview_output(options)
        report = build_site(options, progress)
    except KeyboardInterrupt:
        if bar:
            bar.close()
        raise
    except OSError as exc:
        if bar:
            bar.close()
        print(
            f"{exc.filename or args.output}: {exc.strerror or exc} — the next build finishes the job", file=sys.stderr
        )
        return EXIT_ERRORS
    except BuildFailed as failed:
        if bar:
            bar.close()
        print_problems(failed.errors)
        count = len(failed.errors)
        print(
            f"build failed: {count} error{'s' if count != 1 else ''}; the output folder was left as it was",
            file=sys.stderr,
        )
        return EXIT_ERRORS
    if bar:
        bar.close()
    if not args.quiet:
        print_problems(report.warnings)
        print(f"Built {report.summary()} → {args.output}/")
    if args.timings:
        print("timings: " + ", ".join(f"{k} {v:.2f} s" for k, v in report.timings.items()), file=sys.stderr)
    if args.search and not args.quiet:
        from .search import indexed_pages

        count = indexed_pages(options_from(args).path("output"))
        print(f"Search: indexed {count} page{'s' if count != 1 else ''}")
    return EXIT_OK


def run_digest(args) -> int:
    from .digest import CLIP_BYTES, make_digest, write_digest

    options = options_from(args, output=Path("build"))
    try:
        digest = make_digest(options, args.date, args.lang)
    except BuildFailed as failed:
        print_problems(failed.errors)
        return EXIT_ERRORS
    files = write_digest(digest, args.output)
    if not args.quiet:
        size = len(digest.html.encode())
        left = f", {digest.left_out} left out to stay under Gmail's clipping" if digest.left_out else ""
        print(f"{digest.stories} stories{left}; HTML {size / 1024:.1f} KB of {CLIP_BYTES // 1024} KB")
        for path in files:
            print(path)
    return EXIT_OK


def run_check(args) -> int:
    from .errors import display_path

    options = options_from(args)
    missing = [path for path in args.files if not path.is_file()]
    if missing:
        print(f"{missing[0]}: no such file", file=sys.stderr)
        return EXIT_USAGE
    folders = [options.path(name).resolve() for name in ("content", "static", "templates")]
    for path in args.files:
        full = path.resolve()
        if full != options.path("config").resolve() and not any(folder in full.parents for folder in folders):
            print(
                f"{path}: not a file of this site — check FILE… names files under content/, static/ or templates/"
                " (or site.yaml); run it in the project's folder",
                file=sys.stderr,
            )
            return EXIT_USAGE
    from .check import for_check

    moves = sorted(url_moves(options, args.against), key=lambda p: (p.path, p.line, p.message))
    problems = for_check(check_site(options), args.strict) + moves
    if args.files:
        wanted = {display_path(path, options.root) for path in args.files}
        others = tuple(display_path(options.path(name), options.root) + "/" for name in ("content", "static"))
        problems = [p for p in problems if p.path in wanted or not p.path.startswith(others)]
    print_problems(p for p in problems if p.severity == "error" or not args.quiet)
    errors, warnings, notes = (sum(p.severity == kind for p in problems) for kind in ("error", "warning", "note"))
    if errors:
        print(f"{errors} error(s)", file=sys.stderr)
        return EXIT_ERRORS
    if warnings and args.strict:
        print(f"{warnings} warning(s); failing because of --strict", file=sys.stderr)
        return EXIT_ERRORS
    if not args.quiet:
        print(f"ok: no errors, {warnings} warning(s)" + (f", {notes} note(s)" if notes else ""))
    return EXIT_OK


def url_moves(options, against: str | None) -> list[ContentError]:
    """Published URLs (at git commit ``against``) that the content files would lose (:mod:`site_gen.history`)."""
    if against == "none":
        return []
    from .build import read_config
    from .dates import utc_now
    from .history import url_moves as moves

    try:
        config = read_config(options)
    except BuildFailed:
        return []  # check_site reported it
    now = options.now or utc_now()
    return moves(options.path("content"), options.root, config, now, against or "HEAD", explicit=against is not None)


def run_serve(args) -> int:
    from .serve import PreviewFolderRefused, serve

    print("note: the preview does not index search (/search/ finds nothing new); `make build` does", file=sys.stderr)
    try:
        options = options_from(args, drafts=True, future=True, cache_dir=Path(".site-gen-preview/cache"))
        return serve(options, args.host, args.port, args.open)
    except PreviewFolderRefused as refused:
        print_problems(refused.errors)
        return EXIT_USAGE
    except BuildFailed as failed:
        print_problems(failed.errors)
        return EXIT_ERRORS
    except OSError as exc:
        print(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_ERRORS


def run_new(args) -> int:
    from .new import new_article

    try:
        path = new_article(
            args.title,
            args.config,
            args.content,
            args.section,
            args.tags,
            args.lang,
            date=args.date,
            author=args.author,
            slug=args.slug,
            draft=args.draft,
        )
    except (BuildFailed, ContentError) as exc:
        print_problems(getattr(exc, "errors", [exc]))
        return EXIT_ERRORS
    except FileExistsError as exc:
        print(f"{exc.filename}: already exists — choose another title or edit that file", file=sys.stderr)
        return EXIT_ERRORS
    except OSError as exc:
        print(
            f"{exc.filename or args.content}: cannot write: {exc.strerror or exc} — --content must name a folder",
            file=sys.stderr,
        )
        return EXIT_ERRORS
    came_from = getattr(args, "came_from", None)
    print(os.path.relpath(path.resolve(), came_from) if came_from else path)
    return EXIT_OK


def run_import(args) -> int:
    from zoneinfo import ZoneInfo

    from .config import Config, load_config
    from .importer import DUPLICATE, FAILED, PRINTED, REPLACED, ImportOptions, import_sources, summary

    for flag, folder in (("--out", args.out), ("--content", args.content)):
        if folder is not None and folder.exists() and not folder.is_dir():
            print(f"{flag} {folder}: not a folder — name a folder; the articles are written into it", file=sys.stderr)
            return EXIT_USAGE
    try:
        if args.config is None and not Path("site.yaml").exists():
            config = Config(title="", base_url="")  # no project here: the default time zone
        else:
            config = load_config(args.config or Path("site.yaml"))
    except BuildFailed as failed:
        print_problems(failed.errors, sys.stderr)
        return EXIT_ERRORS
    zone = ZoneInfo(config.timezone)
    options = ImportOptions(
        content=args.content,
        out=args.out,
        to_stdout=args.stdout,
        force=args.force,
        zone=zone,
        today=datetime.now(zone).date(),
    )
    # With --stdout the articles go to standard output and every message to standard error.
    report = sys.stderr if args.stdout else sys.stdout
    from .sources import MAX_FILE_BYTES

    outcomes = import_sources(args.files, options, lambda: sys.stdin.buffer.read(MAX_FILE_BYTES + 1))
    for outcome in outcomes:
        name = outcome.source
        if outcome.status == FAILED:
            print(outcome.error, file=sys.stderr)
            continue
        if outcome.status == DUPLICATE:
            print(f"{name}: already imported as {outcome.path.as_posix()} — use --force to replace it", file=report)
            continue
        for dropped in outcome.dropped:
            print(f"{name}:{dropped.line}: dropped ({dropped.reason}): {dropped.text}", file=sys.stderr)
        print_problems(outcome.warnings, sys.stderr)
        if outcome.status == PRINTED:
            sys.stdout.write(outcome.document)
        else:
            note = ""
            if outcome.status == REPLACED:
                note = (
                    f" (replaced; changed: {', '.join(outcome.changed)})"
                    if outcome.changed
                    else " (replaced; no change)"
                )
            print(f"{name} → {outcome.path.as_posix()}{note}", file=report)
    print(summary(outcomes), file=report)
    return EXIT_ERRORS if any(o.status == FAILED for o in outcomes) else EXIT_OK


_ran: list[str] = []
"""The command :func:`main` ran (for :func:`entry`)."""


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    _ran.append(args.command)
    enter_project(args)
    if isinstance(getattr(args, "now", None), LocalTime):
        args.now = local_now(args.now, args.config)
        if isinstance(args.now, str):
            print(args.now, file=sys.stderr)
            return EXIT_USAGE
    handler = {
        "build": run_build,
        "check": run_check,
        "digest": run_digest,
        "serve": run_serve,
        "new": run_new,
        "import": run_import,
    }[args.command]
    try:
        return handler(args)
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
        return 130


#: Commands whose process ends holding the whole site: it leaves without freeing it object by
#: object (long on a large site), once its files are closed and its output flushed.
QUICK_EXIT = ("build", "check")


def entry() -> None:  # pragma: no cover - the process's own entry point (tests call main)
    """``site-gen`` and ``python -m site_gen``: :func:`main`, then exit."""
    code = main()
    if _ran and _ran[-1] in QUICK_EXIT:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except OSError:  # a closed pipe: nothing more to say
            pass
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    entry()
