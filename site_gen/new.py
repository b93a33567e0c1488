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
from .errors import ContentError

_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def article_text(
    title: str, when: datetime, section: str = "", tags: list[str] | None = None, lang: str = "", slug: str = ""
) -> str:
    """The text of a new article file; pure."""
    fields = {"title": title, "date": when.isoformat(timespec="minutes")}
    if slug:
        fields["slug"] = slug
    fields["author"] = ""
    fields["section"] = section
    fields["tags"] = tags or []
    if lang:
        fields["lang"] = lang
    fields["summary"] = ""
    head = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{head}---\n\n{PLACEHOLDER}\n"


def new_article(
    title: str,
    config_path: Path,
    content: Path,
    section: str = "",
    tags: str = "",
    lang: str = "",
    now: datetime | None = None,
) -> Path:
    """Write ``content/articles/YYYY/MM/slug.md``; never overwrite (FileExistsError).

    The slug comes from the headline; a headline without Latin letters (Urdu,
    Pashto, Dari) gets an ASCII slug from the date and time, written into the
    front matter (``article-20250720-1030``).
    """
    title = " ".join(title.split())
    if not title:
        raise ContentError("site-gen new", 0, "the headline is empty", 'write it in quotes: site-gen new "Headline"')
    if lang and not _LANG.match(lang):
        raise ContentError("site-gen new", 0, f"unknown language code {lang!r}", "use a code such as en, ur, ps or fa")
    config = load_config(config_path)
    zone = ZoneInfo(config.timezone)
    when = (now or datetime.now(zone)).astimezone(zone)
    folder = content / "articles" / f"{when:%Y}" / f"{when:%m}"
    slug = urls.slugify(title)
    fallback = ""
    if not slug:
        fallback = slug = f"article-{when:%Y%m%d-%H%M}"
        number = 2
        while (folder / f"{slug}.md").exists():
            fallback = slug = f"article-{when:%Y%m%d-%H%M}-{number}"
            number += 1
    path = folder / f"{slug}.md"
    folder.mkdir(parents=True, exist_ok=True)
    tag_list = [" ".join(t.split()) for t in tags.split(",") if t.strip()]
    with open(path, "x", encoding="utf-8") as handle:
        handle.write(article_text(title, when, " ".join(section.split()), tag_list, lang, fallback))
    return path
