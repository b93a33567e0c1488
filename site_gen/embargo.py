"""Photos of stories not yet out: ``site-gen check`` warns about them.

A file under ``static/images/`` is published as it is, at ``/images/<name>``. When the
only stories that use it are drafts or scheduled ones, it goes out before them, at an
address anyone can guess (``/images/minister-resigns.jpg``), and the news with it. :func:`embargoed_images`
finds such files; :func:`site_gen.check.check_content` reports them as warnings (so
``check --strict`` fails on them), on the line of the story that names the file.

Why a warning and not a build that holds the file back: a build would need, on every
path it takes (the incremental ones included), the image references of the stories it
does *not* publish, and a mistake there would publish the file anyway or make an
incremental build differ from a full one. ``check`` reads every story, so it knows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from .collect import publishable
from .errors import ContentError
from .images import image_refs, local_path
from .model import Article

#: The folder of ``static/`` whose files are pictures of stories.
IMAGES = "images/"


def uses(article: Article) -> list[tuple[str, int]]:
    """The files of ``static/images/`` an article shows or links to, with the line naming each."""
    found = list(image_refs(article))
    found += [(path, link.line) for link in article.links if (path := local_path(link.url))]
    return [(path, line) for path, line in found if path.startswith(IMAGES)]


def embargoed_images(
    articles: Sequence[Article], now: datetime, drafts: bool, future: bool, static_files: Mapping[str, str]
) -> list[ContentError]:
    """A warning for each file of ``static/images/`` that only unpublished stories use."""
    published: set[str] = set()
    held: dict[str, tuple[Article, int, str]] = {}
    for article in articles:
        reason = "draft" if article.kind == "page" and article.draft and not drafts else ""
        if article.kind != "page":
            reason = publishable(article, now, drafts, future)
        for path, line in uses(article):
            if path not in static_files:
                continue
            if reason:
                held.setdefault(path, (article, line, reason))
            else:
                published.add(path)
    warnings = []
    for path in sorted(held.keys() - published):
        article, line, reason = held[path]
        warnings.append(
            ContentError(
                article.source,
                line,
                f"/{path} is published now, before this {reason} story that uses it: anyone who guesses "
                "the address sees the photo",
                f"keep {static_files[path]} out of static/ until the story is published, or give it a name "
                "no one can guess",
                "warning",
            )
        )
    return warnings
