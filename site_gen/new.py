"""``site-gen new``: start an article file with its front matter filled in."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from . import urls
from .check import PLACEHOLDER
from .config import load_config
from .dates import FORMATS_HINT, Moment, parse_moment
from .errors import ContentError

_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def _line(key: str, value) -> str:
    """``key: value`` as YAML (quoted when needed), one line."""
    if isinstance(value, list):  # one line: tags: [Pakistan, CPEC]
        return f"{key}: " + yaml.safe_dump(value, allow_unicode=True, width=1000, default_flow_style=True)
    return yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False, width=1000, default_flow_style=False)


def _blank(key: str, note: str) -> str:
    """``key:`` with no value (read as not set, never as an empty text) and what to write there."""
    return f"{key}:  # {note}\n"


IMAGE_BLOCK = (
    "# image:  # a lead picture from static/images/; remove the # of these five lines\n"
    "#   src: /images/photo.jpg\n"
    "#   alt: What the picture shows, for readers who cannot see it\n"
    "#   caption: What is happening, who is in it\n"
    "#   credit: Photographer / Agency\n"
)


def article_text(
    title: str,
    when: Moment | datetime,
    section: str = "",
    tags: list[str] | None = None,
    lang: str = "",
    slug: str = "",
    author: str = "",
    draft: bool = False,
) -> str:
    """The text of a new article file: every field an editor fills, none holding an empty text; pure.

    The ``slug:`` is written so that a later edit of the headline keeps the URL.
    """
    if isinstance(when, datetime):
        when = Moment(when)
    date = when.at.date().isoformat() if not when.has_time else when.at.isoformat(timespec="minutes")
    head = _line("title", title) + f"date: {date}\n"
    head += _line("slug", slug or urls.slugify(title)).rstrip("\n") + "  # the URL; keep it once published\n"
    head += _blank("dateline", "the city it is filed from, e.g. KABUL")
    head += _line("author", author) if author else _blank("author", "the reporter, or authors: [One, Two]")
    head += _line("section", section) if section else _blank("section", "one section, e.g. Pakistan")
    head += _line("tags", tags) if tags else "tags: []  # e.g. [Pakistan, Afghanistan]\n"
    if lang:
        head += _line("lang", lang)
    if draft:
        head += "draft: true  # nothing publishes it until this is false\n"
    head += "# summary: One or two sentences for cards and search results (default: the first paragraph)\n"
    head += IMAGE_BLOCK
    return f"---\n{head}---\n\n{PLACEHOLDER}\n"


def new_article(
    title: str,
    config_path: Path,
    content: Path,
    section: str = "",
    tags: str = "",
    lang: str = "",
    now: datetime | None = None,
    date: str = "",
    author: str = "",
    slug: str = "",
    draft: bool = False,
) -> Path:
    """Write ``content/articles/YYYY/MM/slug.md``; never overwrite (FileExistsError).

    The slug comes from ``slug`` or the headline; a headline without Latin letters
    (Urdu, Pashto, Dari) gets an ASCII slug from the date and time
    (``article-20250720-1030``). It is always written into the front matter.
    ``date`` is read as front matter is (``2025-07-20``, ``2025-07-20 14:30``: in
    the site's time zone); the default is now.
    """
    title = " ".join(title.split())
    if not title:
        raise ContentError("site-gen new", 0, "the headline is empty", 'write it in quotes: site-gen new "Headline"')
    if lang and not _LANG.match(lang):
        raise ContentError("site-gen new", 0, f"unknown language code {lang!r}", "use a code such as en, ur, ps or fa")
    slug = slug.strip()
    refused = urls.slug_problem(slug) if slug else None
    if refused:
        raise ContentError("site-gen new", 0, f"--slug: {refused[0]}", refused[1])
    config = load_config(config_path)
    zone = ZoneInfo(config.timezone)
    if date.strip():
        try:
            when = parse_moment(date, zone)
        except ValueError as exc:
            raise ContentError("site-gen new", 0, f"--date: {exc}", getattr(exc, "hint", FORMATS_HINT)) from None
    else:
        when = Moment((now or datetime.now(zone)).astimezone(zone))
    at = when.at
    folder = content / "articles" / f"{at:%Y}" / f"{at:%m}"
    slug = slug or urls.slugify(title)
    if not slug:
        slug = f"article-{at:%Y%m%d-%H%M}"
        number = 2
        while (folder / f"{slug}.md").exists():
            slug = f"article-{at:%Y%m%d-%H%M}-{number}"
            number += 1
    path = folder / f"{slug}.md"
    folder.mkdir(parents=True, exist_ok=True)
    tag_list = [" ".join(t.split()) for t in tags.split(",") if t.strip()]
    text = article_text(title, when, " ".join(section.split()), tag_list, lang, slug, " ".join(author.split()), draft)
    with open(path, "x", encoding="utf-8") as handle:
        handle.write(text)
    return path
