"""Published URLs keep answering (issue 19, case 1): edit → check / pre-commit → commit → CI build.

A title edit on a story without ``slug:`` used to move it silently. Now ``site-gen new`` pins the
slug, and ``site-gen check`` (hence the pre-commit hook and CI) compares the content with the last
commit: a published URL that would be lost stops the editor with a hint (keep the slug, or add the
old URL to ``aliases:``, which redirects). Built from a fresh clone, the old URL still answers.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from tests._site import NOW_ARG, REPO, article, make_site, run_cli

OLD = "2025/07/20/border-talks-resume/"
STORY = "articles/2025/07/border-talks.md"


def git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Editor",
        "GIT_AUTHOR_EMAIL": "desk@example.org",
        "GIT_COMMITTER_NAME": "Editor",
        "GIT_COMMITTER_EMAIL": "desk@example.org",
        "SITE_GEN": f"{sys.executable} -m site_gen",
    }
    return subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True, check=check)


def newsroom(tmp_path: Path) -> Path:
    """A project in git whose published story has no ``slug:`` (an older file) and a link to it."""
    root = make_site(
        tmp_path / "newsroom",
        {
            STORY: article("Border Talks Resume", body="Officials met.\n"),
            "articles/2025/07/other.md": article("Other", body=f"See [the talks](/{OLD}).\n"),
            "articles/2025/07/later.md": article("Later", date="2025-07-20T11:00:00+05:00", body="Text.\n"),
        },
    )
    (root / ".gitignore").write_text("build/\n.site-gen-cache/\n", "utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Publish")
    return root


def retitle(root: Path, title: str = "Border Talks Resume After Two Weeks", **fields) -> Path:
    path = root / "content" / STORY
    path.write_text(article(title, body="Officials met.\n", **fields), "utf-8")
    return path


def test_a_retitled_story_stops_check_with_a_hint(tmp_path):
    root = newsroom(tmp_path)
    retitle(root)
    code, out, err = run_cli(root, "check", "--now", NOW_ARG)
    assert code == 1
    assert (
        "content/articles/2025/07/border-talks.md:2: this published story would move from "
        f"/{OLD} to /2025/07/20/border-talks-resume-after-two-weeks/: shared links would break"
        f" — keep its URL with `slug: border-talks-resume`, or add `aliases: [/{OLD}]` so the old link redirects"
    ) in err.splitlines()
    # Either fix passes: the slug kept …
    retitle(root, slug="border-talks-resume")
    assert run_cli(root, "check", "--now", NOW_ARG, "-q")[0] == 0
    # … or the old URL as an alias.
    retitle(root, aliases=[f"/{OLD}"])
    assert run_cli(root, "check", "--now", NOW_ARG, "-q") == (0, "", "")


def test_a_new_day_a_renamed_page_and_a_lost_alias_are_stopped_too(tmp_path):
    root = newsroom(tmp_path)
    retitle(root, "Border Talks Resume", date="2025-07-21")
    code, _, err = run_cli(root, "check", "--now", NOW_ARG)
    assert code == 1 and f"would move from /{OLD} to /2025/07/21/border-talks-resume/" in err
    assert "`slug:" not in err.split("would move", 1)[1].splitlines()[0]  # the slug is the same: alias only
    git(root, "checkout", "-q", "--", ".")
    retitle(root, "Border Talks Resume", aliases=["/old/talks/"])
    git(root, "commit", "-qam", "alias")
    retitle(root, "Border Talks Resume")
    code, _, err = run_cli(root, "check", "--now", NOW_ARG)
    assert code == 1 and "the alias /old/talks/ of this published story was removed" in err


def test_a_draft_a_scheduled_story_and_a_new_file_may_move_freely(tmp_path):
    root = newsroom(tmp_path)
    later = root / "content/articles/2025/07/later.md"
    later.write_text(article("Later", date="2025-07-25", body="Text.\n", draft=True), "utf-8")
    git(root, "commit", "-qam", "hold back")
    later.write_text(article("Later Still", date="2025-07-26", body="Text.\n", draft=True), "utf-8")
    (root / "content/articles/2025/07/fresh.md").write_text(article("Fresh"), "utf-8")
    assert run_cli(root, "check", "--now", NOW_ARG, "-q")[0] == 0


def test_a_deleted_or_unpublished_story_is_a_warning(tmp_path):
    root = newsroom(tmp_path)
    (root / "content/articles/2025/07/later.md").unlink()
    code, out, err = run_cli(root, "check", "--now", NOW_ARG)
    assert code == 0
    assert (
        "content/articles/2025/07/later.md: warning: a story published at /2025/07/20/later/ (in HEAD) was removed:"
        " the link will answer 'Page not found' — if it moved to another file, add `aliases: [/2025/07/20/later/]`"
        " there"
    ) in err.splitlines()
    assert run_cli(root, "check", "--now", NOW_ARG, "--strict")[0] == 1


def test_outside_git_or_with_against_none_nothing_is_compared(tmp_path):
    root = make_site(tmp_path / "plain", {STORY: article("Border Talks Resume")})
    assert run_cli(root, "check", "--now", NOW_ARG, "-q")[0] == 0
    root = newsroom(tmp_path)
    retitle(root)
    assert run_cli(root, "check", "--now", NOW_ARG, "--against", "none", "-q")[0] == 1  # the link to the old URL
    code, _, err = run_cli(root, "check", "--now", NOW_ARG, "--against", "no-such-commit")
    assert "published URLs were not compared with 'no-such-commit': not a commit of this repository" in err


def test_new_pins_the_slug_so_a_title_edit_keeps_the_url(tmp_path):
    from site_gen.new import new_article

    root = make_site(tmp_path, {})
    when = datetime.fromisoformat("2025-07-20T10:00:00+05:00")
    path = new_article("Border Talks Resume", root / "site.yaml", root / "content", now=when)
    text = path.read_text("utf-8")
    assert "\nslug: border-talks-resume  # the URL; keep it once published\n" in text
    text = text.replace("title: Border Talks Resume", "title: Border Talks Resume After Two Weeks")
    path.write_text(text.replace("Write the story here.", "Officials met."), "utf-8")
    assert run_cli(root, "build", "--now", NOW_ARG, "-q")[0] == 0
    assert (root / "build" / OLD / "index.html").is_file()


@pytest.mark.slow  # git, the hook and a fresh clone as subprocesses
def test_hook_stops_the_commit_and_a_fresh_clone_still_answers_at_the_old_url(tmp_path):
    root = newsroom(tmp_path)
    shutil.copy(REPO / "examples/pre-commit", root / ".git/hooks/pre-commit")
    retitle(root)
    git(root, "add", "-A")
    refused = git(root, "commit", "-qm", "Retitle", check=False)
    assert refused.returncode == 1
    assert f"would move from /{OLD} to /2025/07/20/border-talks-resume-after-two-weeks/" in refused.stderr
    assert "commit refused" in refused.stderr

    # The editor follows the hint; the commit goes through and CI builds a fresh clone.
    retitle(root, aliases=[f"/{OLD}"])
    git(root, "add", "-A")
    assert git(root, "commit", "-qm", "Retitle", check=False).returncode == 0
    clone = tmp_path / "ci"
    git(tmp_path, "clone", "-q", str(root), str(clone))
    assert run_cli(clone, "check", "--now", NOW_ARG, "--against", "HEAD~1", "-q")[0] == 0
    assert run_cli(clone, "build", "--now", NOW_ARG, "-q")[0] == 0
    redirect = (clone / "build" / OLD / "index.html").read_text("utf-8")
    assert "/2025/07/20/border-talks-resume-after-two-weeks/" in redirect
    assert (clone / "build/2025/07/20/border-talks-resume-after-two-weeks/index.html").is_file()


@pytest.mark.slow
def test_ci_stops_a_push_that_skipped_the_hook(tmp_path):
    root = newsroom(tmp_path)
    retitle(root)
    git(root, "commit", "-qam", "Retitle", "--no-verify")
    clone = tmp_path / "ci"
    git(tmp_path, "clone", "-q", str(root), str(clone))
    code, _, err = run_cli(clone, "check", "--now", NOW_ARG, "--against", "HEAD~1")
    assert code == 1
    assert f"would move from /{OLD} to /2025/07/20/border-talks-resume-after-two-weeks/" in err
