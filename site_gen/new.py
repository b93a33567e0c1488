"""``site-gen new``: start an article file with its front matter filled in."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from . import urls
from .config import load_config


def article_text(title: str, when: datetime, section: str = "", tags: list[str] | None = None, lang: str = "") -> str:
    """The text of a new article file; pure."""
    fields = {"title": title, "date": when.isoformat(timespec="minutes")}
    fields["author"] = ""
    fields["section"] = section
    fields["tags"] = tags or []
    if lang:
        fields["lang"] = lang
    fields["summary"] = ""
    head = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{head}---\n\nWrite the story here.\n"


def new_article(
    title: str,
    config_path: Path,
    content: Path,
    section: str = "",
    tags: str = "",
    lang: str = "",
    now: datetime | None = None,
) -> Path:
    """Write ``content/articles/YYYY/MM/slug.md``; never overwrite (FileExistsError)."""
    config = load_config(config_path)
    when = (now or datetime.now(ZoneInfo(config.timezone))).astimezone(ZoneInfo(config.timezone))
    slug = urls.slugify(title) or f"{when:%d}-article"
    path = content / "articles" / f"{when:%Y}" / f"{when:%m}" / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    tag_list = [t.strip() for t in tags.split(",") if t.strip()]
    with open(path, "x", encoding="utf-8") as handle:
        handle.write(article_text(title, when, section, tag_list, lang))
    return path
