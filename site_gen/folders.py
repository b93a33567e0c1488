"""The folders a build may write into and keep its cache in: refused before anything is
written when a clean-up could delete the project or its content, or the cache (which holds
drafts and scheduled stories) would be published or read."""

from __future__ import annotations

from pathlib import Path

from .errors import BuildFailed, ContentError, display_path
from .options import BuildOptions

PREVIEW = Path(".site-gen-preview")
"""The preview's folder: ``site/`` (what is served) and ``cache/``."""
BUILD_FOLDER = Path("build")
"""``site-gen build``'s default output (cli.py's default), which the preview never writes into."""
MARKER = ".site-gen-preview"
"""The file that marks an output folder as the preview's (hidden names are never served)."""


def check_output_folder(options: BuildOptions) -> None:
    """Refuse an output folder whose clean-up could delete the project or its content, and a
    cache folder that would be published or read (see :func:`check_cache_folder`).

    The output may not be the project folder, ``content/``, ``templates/`` or
    ``static/``, nor any folder above them, nor a folder inside one of the
    last three (the next build would read its own output). Nor may it be or be inside a
    ``.git`` folder (a repository's history), nor overlap the cache (said by the cache's
    check). It may hold a ``.git`` folder (a
    deployment repository): a clean-up keeps it (see :mod:`site_gen.write`)."""
    out = options.path("output").resolve()
    shown = display_path(options.path("output"), options.root)
    if not Path(shown).is_absolute():
        shown = f"{shown} ({out})"
    problem = ""
    if out.is_file():
        problem = "it is a file"
    for name, label in (("root", "the project folder"), ("content", "content/"), ("templates", "templates/")):
        folder = (options.root if name == "root" else options.path(name)).resolve()
        relation = overlap(out, folder)
        if not problem and relation and not (name == "root" and relation == "is inside"):
            problem = f"it {relation} {label}"
    if not problem and overlap(out, options.path("static").resolve()):
        problem = "it overlaps static/"
    if not problem and ".git" in out.parts:
        problem = "it is .git, a git repository's own folder" if out.name == ".git" else "it is inside .git"
    errors = []
    if problem:
        errors.append(
            ContentError(
                "--output",
                0,
                f"refusing to build into {shown}: {problem}",
                "use a folder of its own, such as build/: a build removes files there",
            )
        )
    cache_problem = None if problem else check_cache_folder(options)  # a bad output says enough
    if cache_problem:
        errors.append(cache_problem)
    if errors:
        raise BuildFailed(errors)


def overlap(path: Path, folder: Path) -> str:
    """How two resolved folders overlap: ``is``, ``contains``, ``is inside``, or "" when apart."""
    if path == folder:
        return "is"
    if path in folder.parents:
        return "contains"
    return "is inside" if folder in path.parents else ""


def check_cache_folder(options: BuildOptions) -> ContentError | None:
    """Why the cache folder may not be used, or None: it holds every story, drafts and scheduled
    ones too, so it may not be, be inside or hold a folder that is published or read
    (``static/``, ``content/``, ``templates/``, the output folder), nor be or hold the project."""
    if options.cache_dir is None:
        return None
    cache = options.path("cache_dir").resolve()
    root = options.root.resolve()
    problem = ""
    if overlap(cache, root) in ("is", "contains"):
        problem = f"it {overlap(cache, root)} the project folder"
    for name, label in (
        ("static", "static/"),
        ("content", "content/"),
        ("templates", "templates/"),
        ("output", "the output folder"),
    ):
        relation = overlap(cache, options.path(name).resolve())
        if not problem and relation:
            problem = f"it {relation} {label}"
    if not problem and cache.is_file():
        problem = "it is a file"
    if not problem:
        return None
    shown = display_path(options.path("cache_dir"), options.root)
    if not Path(shown).is_absolute():
        shown = f"{shown} ({cache})"
    return ContentError(
        "--cache-dir",
        0,
        f"refusing to keep the cache in {shown}: {problem}",
        "the cache holds drafts and scheduled stories: give it a folder of its own, such as .site-gen-cache/",
    )


def is_preview_folder(folder: Path) -> bool:
    """Whether serve wrote ``folder``: it holds :data:`MARKER`, or sits in ``.site-gen-preview/``."""
    return (folder / MARKER).is_file() or folder.parent.name == PREVIEW.name


def refuse_preview_output(options: BuildOptions) -> None:
    """Refuse ``site-gen build --output`` into the preview's folder (BuildFailed): it holds
    drafts and scheduled articles, and serve's next build would add them to the plain site
    again (the converse of :func:`check_preview_folder`)."""
    out = options.path("output").resolve()
    preview = (options.root / PREVIEW).resolve()
    if out == preview or preview in out.parents or out.name == PREVIEW.name or is_preview_folder(out):
        raise BuildFailed(
            [
                ContentError(
                    "--output",
                    0,
                    f"refusing to build into {display_path(out, options.root)}/: it is the preview's folder "
                    "(site-gen serve writes drafts and scheduled articles there)",
                    "leave --output out (the site then goes into build/) or name a folder of its own",
                )
            ]
        )
