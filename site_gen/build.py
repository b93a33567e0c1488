"""The one place that chains the stages: load → collect → plan → render → write.

Nothing is written until every file has been read and checked; a template
error aborts the build and leaves the output folder as it was.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .check import check_content
from .collect import collect_site
from .config import Config, load_config, override
from .dates import utc_now
from .errors import BuildFailed, ContentError, display_path
from .load import load_content
from .plan import plan_pages
from .render import Renderer, site_view
from .urls import output_file
from .write import OutputWriter


@dataclass(frozen=True)
class BuildOptions:
    """Where things are and what to include; the CLI fills it from its flags."""

    root: Path = Path(".")
    """Project folder; relative paths below are taken from here."""
    config: Path = Path("site.yaml")
    content: Path = Path("content")
    templates: Path = Path("templates")
    static: Path = Path("static")
    output: Path = Path("build")
    drafts: bool = False
    """Include drafts."""
    future: bool = False
    """Include articles dated after ``now``."""
    base_url: str | None = None
    """Overrides ``base_url`` of site.yaml."""
    now: datetime | None = None
    """The build's clock; the real time when None."""
    clean: bool = False
    """Also remove files in the output folder that site_gen did not write."""
    fresh: bool = False
    """Ignore the previous output and write every file."""

    def path(self, name: str) -> Path:
        """One of the folders or files above, resolved against ``root``."""
        value = getattr(self, name)
        return value if value.is_absolute() else self.root / value


@dataclass
class BuildReport:
    """What a build did, for the summary line."""

    articles: int = 0
    pages: int = 0
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    drafts: int = 0
    scheduled: int = 0
    seconds: float = 0.0
    warnings: list[ContentError] = field(default_factory=list)

    def summary(self) -> str:
        held = []
        if self.drafts:
            held.append(f"{self.drafts} draft{'s' if self.drafts != 1 else ''}")
        if self.scheduled:
            held.append(f"{self.scheduled} scheduled")
        return (
            f"{self.articles} articles, {self.written} files written, {self.unchanged} unchanged"
            + (f", {self.removed} removed" if self.removed else "")
            + (f"; held back {' and '.join(held)}" if held else "")
            + f" in {self.seconds:.2f} s"
        )


def load_site(options: BuildOptions):
    """Read the configuration and content, check them, and plan every page.

    Returns ``(config, site, pages, warnings)``; raises :class:`BuildFailed`
    with every problem found.
    """
    root = options.root
    config = load_config(options.path("config"), display_path(options.path("config"), root))
    if options.base_url:
        config = override(config, base_url=options.base_url)
    loaded = load_content(options.path("content"), config, root)
    if loaded.errors:
        raise BuildFailed(loaded.errors)
    now = options.now or utc_now()
    site = collect_site(loaded.articles, loaded.pages, now, options.drafts, options.future)
    pages, errors = plan_pages(site, config)
    if errors:
        raise BuildFailed(errors)
    return config, site, pages, loaded.warnings


def check_output_folder(options: BuildOptions) -> None:
    """Refuse an output folder whose clean-up could delete the project or its content.

    The output may not be the project folder, ``content/``, ``templates/`` or
    ``static/``, nor any folder above them, nor a folder inside one of the
    last three (the next build would read its own output).
    """
    out = options.path("output").resolve()
    shown = display_path(options.path("output"), options.root)
    if not Path(shown).is_absolute():
        shown = f"{shown} ({out})"
    problem = ""
    if out.is_file():
        problem = "it is a file"
    for name, label in (("root", "the project folder"), ("content", "content/"), ("templates", "templates/")):
        folder = (options.root if name == "root" else options.path(name)).resolve()
        if problem:
            break
        if out == folder:
            problem = f"it is {label}"
        elif out in folder.parents:
            problem = f"it contains {label}"
        elif name != "root" and folder in out.parents:
            problem = f"it is inside {label}"
    static = options.path("static").resolve()
    if not problem and (out == static or out in static.parents or static in out.parents):
        problem = "it overlaps static/"
    if problem:
        raise BuildFailed(
            [
                ContentError(
                    "--output",
                    0,
                    f"refusing to build into {shown}: {problem}",
                    "use a folder of its own, such as build/: a build removes files there",
                )
            ]
        )


def refuse_errors(options: BuildOptions, config: Config, site, pages) -> None:
    """Raise :class:`BuildFailed` with the errors :mod:`site_gen.check` finds in what is published."""
    files, errors = static_files(options)
    errors += [
        problem
        for problem in check_content(
            site.articles,
            site.pages,
            config,
            options.now or utc_now(),
            planned=pages,
            static_files={rel: display_path(path, options.root) for rel, path in files.items()},
            drafts=options.drafts,
            future=options.future,
        )
        if problem.severity == "error"
    ]
    if errors:
        raise BuildFailed(errors)


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


def build_site(options: BuildOptions, progress: Callable[[int, int], None] | None = None) -> BuildReport:
    """Build the whole site; raise :class:`BuildFailed` and write nothing on any error."""
    started = time.perf_counter()
    check_output_folder(options)
    config, site, pages, warnings = load_site(options)
    refuse_errors(options, config, site, pages)
    renderer = Renderer(options.path("templates"), site_view(site, config), options.root)
    writer = OutputWriter(options.path("output"), fresh=options.fresh)
    errors: list[ContentError] = []
    failed_templates: set[str] = set()
    try:
        for done, page in enumerate(pages, 1):
            if page.template in failed_templates:
                continue
            try:
                writer.add(output_file(page.path), renderer.render(page))
            except ContentError as exc:
                errors.append(exc)
                failed_templates.add(page.template)
            if progress:
                progress(done, len(pages))
        errors += copy_static(options, writer)
        if errors:
            raise BuildFailed(errors)
    except BaseException:
        writer.abort()
        raise
    removed = writer.commit(clean=options.clean)
    return BuildReport(
        articles=len(site.articles),
        pages=len(pages),
        written=len(writer.pending),
        unchanged=writer.unchanged,
        removed=removed,
        drafts=site.held_back.get("drafts", 0),
        scheduled=site.held_back.get("scheduled", 0),
        seconds=time.perf_counter() - started,
        warnings=warnings,
    )


def copy_static(options: BuildOptions, writer: OutputWriter) -> list[ContentError]:
    """Queue every file of the static folder, as it is."""
    files, errors = static_files(options)
    for rel, source in files.items():
        try:
            writer.add_file(rel, source)
        except ContentError as exc:
            errors.append(ContentError(display_path(source, options.root), 0, exc.message, "rename it"))
    return errors


def check_site(options: BuildOptions) -> list[ContentError]:
    """Every problem a build would meet, and the editors' checks; writes nothing.

    Returns errors, warnings and notes together, sorted by file and line.
    """
    try:
        check_output_folder(options)
        config = load_config(options.path("config"), display_path(options.path("config"), options.root))
    except BuildFailed as failed:
        return failed.errors
    if options.base_url:
        config = override(config, base_url=options.base_url)
    loaded = load_content(options.path("content"), config, options.root)
    now = options.now or utc_now()
    site = collect_site(loaded.articles, loaded.pages, now, options.drafts, options.future)
    pages, _ = plan_pages(site, config)  # collisions are found by check_content, drafts included
    files, problems = static_files(options)
    problems += loaded.errors + loaded.warnings
    problems += check_content(
        loaded.articles,
        loaded.pages,
        config,
        now,
        planned=pages,
        static_files={rel: display_path(path, options.root) for rel, path in files.items()},
        drafts=options.drafts,
        future=options.future,
        links=not loaded.errors,
    )
    renderer = Renderer(options.path("templates"), site_view(site, config), options.root)
    seen: set[str] = set()
    for page in pages:
        if page.template in seen:
            continue
        seen.add(page.template)
        try:
            renderer.render(page)
        except ContentError as exc:
            problems.append(exc)
    problems = sorted(set(problems), key=lambda p: (p.path, p.line, p.message))
    if loaded.errors:
        note = "links in bodies were not checked, since some files could not be read"
        problems.append(
            ContentError(
                display_path(options.path("content"), options.root), 0, note, "fix the errors, then check again", "note"
            )
        )
    return problems


__all__ = ["BuildOptions", "BuildReport", "build_site", "check_site", "load_site", "Config"]
