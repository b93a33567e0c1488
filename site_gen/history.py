"""Published URLs keep answering: the content files are compared with a git commit.

Why git: a story's URL is public once the commit that published it is built, so
the last commit (``HEAD``, or the commit before a push in CI) is the record of
what readers may have shared. No separate record has to be kept in step with the
content, and ``site-gen check`` (run by the pre-commit hook and by CI) can stop
a change that moves a published URL before it reaches readers, with a hint to
keep the slug or to add the old URL to ``aliases:``, which makes it redirect.
``site-gen new`` writes the ``slug:`` it chose, so a later title edit cannot move
a story; files without one (older ones, hand-made ones) are what this catches.

Only the files git reports as changed since the commit are read, twice (the
commit's version and the working one), so the check costs little on a large
archive. A file whose new version has errors is left to the other checks.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .collect import publishable
from .config import Config
from .errors import ContentError, display_path
from .load import _Problems, parse_article
from .model import Article
from .sources import read_content

GIT_TIMEOUT = 60
"""Seconds a git command may take."""


@dataclass(frozen=True)
class _Change:
    status: str
    """git's letter: M, A, D, R (renamed), or ? for a file git does not track yet."""
    old: str
    """Path in the commit, relative to the project ("" for a new file)."""
    new: str
    """Path now, relative to the project ("" for a deleted file)."""


def _git(root: Path, *args: str) -> subprocess.CompletedProcess | None:
    try:
        return subprocess.run(
            ["git", *args], cwd=root, capture_output=True, timeout=GIT_TIMEOUT, check=False, env=_git_env()
        )
    except (OSError, subprocess.TimeoutExpired):
        return None


def _git_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("GIT_OPTIONAL_LOCKS", "0")  # a check never takes git's index lock
    return env


def _changes(root: Path, rev: str, folder: str) -> list[_Change] | None:
    diff = _git(
        root, "-c", "core.quotePath=false", "diff", "--name-status", "-z", "-M", "--relative", rev, "--", folder
    )
    if diff is None or diff.returncode != 0:
        return None
    fields = diff.stdout.decode("utf-8", "surrogateescape").split("\0")
    changes: list[_Change] = []
    i = 0
    while i < len(fields) - 1:
        status = fields[i][:1]
        if status in "RC":
            changes.append(_Change(status, fields[i + 1] if status == "R" else "", fields[i + 2]))
            i += 3
            continue
        path = fields[i + 1]
        changes.append(_Change(status, "" if status == "A" else path, "" if status == "D" else path))
        i += 2
    others = _git(root, "ls-files", "-z", "--others", "--exclude-standard", "--", folder)
    if others is not None and others.returncode == 0:
        prefix = _prefix(root)
        for path in others.stdout.decode("utf-8", "surrogateescape").split("\0"):
            if path:
                changes.append(_Change("?", "", path.removeprefix(prefix)))
    return changes


def _prefix(root: Path) -> str:
    shown = _git(root, "rev-parse", "--show-prefix")
    return shown.stdout.decode("utf-8", "surrogateescape").strip() if shown and shown.returncode == 0 else ""


def content_kind(rel: str, content: str) -> str | None:
    """``article`` or ``page`` for a content file's project path, else None."""
    inner = rel[len(content) + 1 :] if rel.startswith(content + "/") else None
    if inner is None or not inner.endswith(".md") or os.path.basename(inner).startswith("."):
        return None
    if inner.startswith("articles/"):
        return "article"
    if inner.startswith("pages/") and inner.count("/") == 1:
        return "page"
    return None


def _parse(data: bytes, where: str, config: Config, kind: str) -> Article | None:
    stem = os.path.splitext(os.path.basename(where))[0]
    try:
        return parse_article(data, where, config, kind=kind, stem=stem)[0]
    except (ContentError, _Problems):
        return None


def _served(article: Article | None, now: datetime) -> list[str]:
    """Site paths a version of a file answers at (its page and its aliases), when published."""
    if article is None or publishable(article, now, drafts=False, future=False):
        return []
    return [article.path, *article.aliases]


def url_moves(
    content: Path, root: Path, config: Config, now: datetime, against: str = "HEAD", explicit: bool = False
) -> list[ContentError]:
    """Problems for each URL published at commit ``against`` that the content files now lose.

    An article or page still there whose URL (or one of its aliases) would change is an
    error, with a hint; one now a draft, or deleted, is a warning (a story taken down).
    Outside a git repository, or before its first commit, there is nothing to compare
    with and nothing is said (with ``explicit``, a note says so).
    """
    top = _git(root, "rev-parse", "--verify", "--quiet", f"{against}^{{commit}}")
    if top is None or top.returncode != 0:
        if not explicit:
            return []
        return [
            ContentError(
                display_path(content, root),
                0,
                f"published URLs were not compared with {against!r}: not a commit of this repository",
                "fetch that commit (in CI: fetch-depth: 0), or name another with --against",
                "note",
            )
        ]
    folder = display_path(content, root).rstrip("/")
    changes = _changes(root, against, folder)
    if not changes:
        return []
    new_versions: dict[str, Article | None] = {}
    served: set[str] = set()
    for change in changes:
        kind = content_kind(change.new, folder) if change.new else None
        if kind is None:
            continue
        try:
            data = read_content(str(root / change.new))
        except OSError:
            continue
        article = new_versions[change.new] = _parse(data, change.new, config, kind)
        served.update(_served(article, now))
    problems: list[ContentError] = []
    for change in changes:
        kind = content_kind(change.old, folder) if change.old else None
        if kind is None:
            continue
        shown = _git(root, "show", f"{against}:./{change.old}")
        if shown is None or shown.returncode != 0:
            continue
        old = _parse(shown.stdout, change.old, config, kind)
        lost = [path for path in _served(old, now) if path not in served]
        if old is None or not lost:
            continue
        if change.new and change.new in new_versions and new_versions[change.new] is None:
            continue  # the new version has errors of its own: fix those first
        problems += _lost(old, new_versions.get(change.new) if change.new else None, lost, change, against)
    return problems


def _what(article: Article) -> str:
    return "story" if article.kind == "article" else "page"


def _lost(old: Article, new: Article | None, lost: list[str], change: _Change, against: str) -> list[ContentError]:
    listed = ", ".join(f"/{path}" for path in lost)
    if new is None:
        return [
            ContentError(
                change.old,
                0,
                f"a story published at {listed} (in {against}) was removed: the link will answer 'Page not found'",
                f"if it moved to another file, add `aliases: [{listed}]` there",
                "warning",
            )
        ]
    if new.draft:
        return [
            ContentError(
                new.source,
                new.lines.get("draft", 1),
                f"the published {_what(new)} at {listed} is now a draft: the link will answer 'Page not found'",
                "if it moved, not taken down, keep `draft: false`",
                "warning",
            )
        ]
    hints = []
    if old.path not in lost:
        message = f"the alias {listed} of this published {_what(new)} was removed: links to it would break"
        hints.append(f"keep it in `aliases:` ({listed})")
    else:
        message = f"this published {_what(new)} would move from /{old.path} to /{new.path}: shared links would break"
        if old.slug != new.slug and old.date.at.date() == new.date.at.date():
            hints.append(f"keep its URL with `slug: {old.slug}`")
        hints.append(f"or add `aliases: [{listed}]` so the old link redirects")
    if old.slug != new.slug:
        key = "slug" if "slug" in new.lines else "title"
    else:
        key = "date" if old.path != new.path else "aliases"
    return [ContentError(new.source, new.lines.get(key, 1), message, ", ".join(hints).removeprefix("or "))]
