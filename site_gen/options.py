"""What a build is asked to do (:class:`BuildOptions`, from the CLI's flags) and what it did
(:class:`BuildReport`, for the summary line)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .errors import ContentError


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
    cache_dir: Path | None = Path(".site-gen-cache")
    """Where the incremental-build cache lives; None for no cache."""
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
    """Ignore the cache and the previous output: parse, render and write everything."""
    jobs: int = 0
    """Worker processes; 0 means one per core."""
    image_cache: Path = Path(".site-gen-cache/images")
    """Resized images, by content hash (see :mod:`site_gen.images`)."""
    search: bool = False
    """Index the article pages for the search page (:mod:`site_gen.search`); without it an
    earlier build's index is removed."""
    offline: bool = True
    """Write the service worker (:mod:`site_gen.offline`) when ``site.yaml`` asks for one; the
    preview has none, so a worker never keeps its drafts nor stands between an editor and a reload."""

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
    rendered: int = 0
    removed: int = 0
    drafts: int = 0
    scheduled: int = 0
    seconds: float = 0.0
    warnings: list[ContentError] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds spent in each stage."""
    planned_all: bool = True
    """False when only the pages that read what changed were planned (see :func:`load_changes`)."""

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
