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

from .collect import collect_site
from .config import Config, load_config, override
from .dates import utc_now
from .errors import BuildFailed, ContentError, display_path
from .images import ProcessedImages, process_images
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
    image_cache: Path = Path(".site-gen-cache/images")
    """Resized images, by content hash (see :mod:`site_gen.images`)."""

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

    Returns ``(config, site, pages, warnings, images)``; raises :class:`BuildFailed`
    with every problem found. Images are resized (or taken from the cache) here.
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
    images = process_images(
        (*site.articles, *site.pages), options.path("static"), options.path("image_cache"), config.base_path, root
    )
    if images.errors:
        raise BuildFailed(images.errors)
    pages, errors = plan_pages(site, config, images.views)
    if errors:
        raise BuildFailed(errors)
    return config, site, pages, loaded.warnings, images


def check_output_folder(options: BuildOptions) -> None:
    """Refuse an output folder whose clean-up could delete the project or its content."""
    out = options.path("output").resolve()
    protected = {options.root.resolve(), options.path("content").resolve(), options.path("templates").resolve()}
    protected.add(options.path("static").resolve())
    for folder in protected:
        if out == folder or out in folder.parents:
            raise BuildFailed(
                [
                    ContentError(
                        display_path(options.path("output"), options.root),
                        0,
                        f"refusing to build into {out}: it holds the project's own files",
                        "use a separate folder such as build/",
                    )
                ]
            )


def build_site(options: BuildOptions, progress: Callable[[int, int], None] | None = None) -> BuildReport:
    """Build the whole site; raise :class:`BuildFailed` and write nothing on any error."""
    started = time.perf_counter()
    check_output_folder(options)
    config, site, pages, warnings, images = load_site(options)
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
        errors += add_images(images, writer)
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
    static = options.path("static")
    errors = []
    if not static.is_dir():
        return errors
    for source in sorted(static.rglob("*")):
        if source.is_dir() or source.name.startswith("."):
            continue
        rel = source.relative_to(static).as_posix()
        try:
            writer.add_file(rel, source)
        except ContentError:
            errors.append(
                ContentError(
                    display_path(source, options.root), 0, f"static file collides with a page: /{rel}", "rename it"
                )
            )
    return errors


def add_images(images: ProcessedImages, writer: OutputWriter) -> list[ContentError]:
    """Queue the resized images (from the cache)."""
    errors = []
    for rel, cached in sorted(images.outputs.items()):
        try:
            writer.add_file(rel, cached)
        except ContentError as exc:
            errors.append(exc)
    return errors


def check_site(options: BuildOptions) -> list[ContentError]:
    """Run every check of a build without writing anything; return the warnings."""
    check_output_folder(options)
    config, site, pages, warnings, _images = load_site(options)
    renderer = Renderer(options.path("templates"), site_view(site, config), options.root)
    errors = []
    seen: set[str] = set()
    for page in pages:
        if page.template in seen:
            continue
        seen.add(page.template)
        try:
            renderer.render(page)
        except ContentError as exc:
            errors.append(exc)
    if errors:
        raise BuildFailed(errors)
    return warnings


__all__ = ["BuildOptions", "BuildReport", "build_site", "check_site", "load_site", "Config"]
