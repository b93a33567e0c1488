"""A story that moves to a new URL (a new title, no ``slug:``) is rebuilt through identities.

The preview shows an editor's retitled story at once: the rebuild plans the pages that read
the story (its own, its neighbours', the lists and feeds that show its card), removes its old
files, and checks again the stories whose bodies link to its old URL (they read it,
:func:`site_gen.identities.url`). Each test compares ``build/`` with a clean build of the same
sources, or, when the clean build fails, the errors and an untouched ``build/``.
"""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import timedelta

import pytest

from site_gen.build import build_site
from site_gen.errors import BuildFailed

from .conftest import NOW, article_text, make_site, search_index_text, site_options, snapshot
from .test_incremental_random import tree_diff

pytestmark = pytest.mark.slow

STAMP = "%Y-%m-%d %H:%M"


def when(n: int) -> str:
    return (NOW - timedelta(days=n // 2, hours=3 + n)).strftime(STAMP)


def story(n: int, body: str = "", **fields) -> str:
    text = body or f"Lead paragraph of story {n}.\n\nMore about story {n}.\n"
    tags = ["Floods", "Trade", "Energy"][n % 3 : n % 3 + 2]
    return article_text(f"Story number {n}", when(n), body=text, tags=tags, section="Pakistan", **fields)


def project(root, config=None, **files):
    articles = {f"s{n}.md": story(n) for n in range(8)}
    articles.update(files)
    return make_site(root, articles=articles, pages={"about.md": {"title": "About us", "date": None}}, config=config)


def path_of(n: int, title: str | None = None) -> str:
    """The URL of story ``n``, with its title or another."""
    slug = (title or f"Story number {n}").lower().replace(" ", "-").replace(",", "")
    return (NOW - timedelta(days=n // 2, hours=3 + n)).strftime("%Y/%m/%d/") + slug + "/"


def retitle(root, n: int, title: str) -> None:
    file = root / f"content/articles/s{n}.md"
    file.write_text(file.read_text("utf-8").replace(f"title: Story number {n}", f"title: {title}"), "utf-8")


def clean(root, jobs: int):
    """A clean build of ``root``'s sources: its files, or its errors."""
    out = root.parent / "clean"
    try:
        build_site(site_options(root, output=out, cache_dir=None, jobs=jobs))
    except BuildFailed as failed:
        return failed.errors
    return {k: v for k, v in snapshot(out).items() if not k.startswith(".site-gen")}


def built(root) -> dict[str, bytes]:
    return {k: v for k, v in snapshot(root / "build").items() if not k.startswith(".site-gen")}


def build_as_clean(root, jobs: int, before: dict[str, bytes]):
    """Build ``root`` again and compare with a clean build: the same files, or the same errors
    and ``build/`` as it was (``before``). Returns the errors, or None."""
    want = clean(root, jobs)
    try:
        build_site(site_options(root, jobs=jobs))
    except BuildFailed as failed:
        assert failed.errors == want
        assert snapshot(root / "build") == before
        return failed.errors
    assert built(root) == want, tree_diff(built(root), want)
    return None


def test_a_retitled_story_moves_and_only_its_readers_are_planned(tmp_path, jobs):
    root = project(tmp_path / "site")
    build_site(site_options(root, jobs=jobs))
    assert (root / "build" / path_of(3) / "index.html").is_file()
    retitle(root, 3, "Story number 3 retitled")
    report = build_site(site_options(root, jobs=jobs))
    assert not report.planned_all
    assert not (root / "build" / path_of(3)).exists()
    assert (root / "build" / path_of(3, "Story number 3 retitled") / "index.html").is_file()
    got, want = built(root), clean(root, jobs)
    assert got == want, tree_diff(got, want)
    assert "story-number-3-retitled" in (root / "build/sitemap.xml").read_text("utf-8")
    with contextlib.closing(sqlite3.connect(root / ".site-gen-cache" / "cache.sqlite")) as db:
        recorded = {path for (path,) in db.execute("SELECT path FROM pages UNION SELECT path FROM planned")}
    assert not any(path.startswith(path_of(3)) for path in recorded)  # the cache forgets the old files
    retitle(root, 3, "Story number 3")  # and back, through the same path
    report = build_site(site_options(root, jobs=jobs))
    assert not report.planned_all
    got, want = built(root), clean(root, jobs)
    assert got == want, tree_diff(got, want)


@pytest.mark.parametrize("where", ["another story", "the story itself", "a static page"])
def test_a_link_to_the_old_url_fails_the_build_as_a_clean_one_does(tmp_path, jobs, where):
    link = f"Earlier: [the talks](/{path_of(3)}).\n"
    if where == "a static page":
        root = project(tmp_path / "site")
        (root / "content/pages/about.md").write_text(article_text("About us", None, body=link), "utf-8")
    else:
        n = 5 if where == "another story" else 3
        root = project(tmp_path / "site", **{f"s{n}.md": story(n, body=f"Lead of story {n}.\n\n{link}")})
    build_site(site_options(root, jobs=jobs))
    before = snapshot(root / "build")
    retitle(root, 3, "Story number 3 retitled")
    errors = build_as_clean(root, jobs, before)
    assert errors and any("there is no such page" in e.message for e in errors), errors


@pytest.mark.parametrize("other", ["published", "draft"])
def test_a_move_onto_another_storys_url_does_as_a_clean_build_does(tmp_path, jobs, other):
    """The other story is not next to the one that moves, nor related to it: its page is not planned."""
    at = when(3).replace(when(3)[-5:], "00:01")
    same_day = article_text("Gwadar Port Opens", at, tags=["Cricket"], draft=other == "draft")
    between = article_text("Between The Two", when(3).replace(when(3)[-5:], "00:30"), tags=["Cricket"])
    root = project(tmp_path / "site", **{"gwadar.md": same_day, "between.md": between})
    build_site(site_options(root, jobs=jobs))
    before = snapshot(root / "build")
    retitle(root, 3, "Gwadar Port Opens")
    errors = build_as_clean(root, jobs, before)
    assert other == "draft" or errors  # two published stories on one URL: an error


def test_a_draft_translation_of_the_old_slug_fails_as_a_clean_build_does(tmp_path, jobs):
    urdu = article_text(
        "خبر نمبر تین", when(3), slug="khabar-teen", lang="ur", draft=True, translations={"en": "story-number-3"}
    )
    config = {"languages": [{"code": "en"}, {"code": "ur", "direction": "rtl"}]}
    root = project(tmp_path / "site", config, **{"ur.md": urdu})
    build_site(site_options(root, jobs=jobs))
    before = snapshot(root / "build")
    retitle(root, 3, "Story number 3 retitled")
    assert build_as_clean(root, jobs, before)  # the translation names no story now


def test_a_retitle_that_reorders_stories_of_one_minute(tmp_path, jobs):
    """Stories of the same minute are ordered by slug: a new slug may change the order."""
    twin = article_text("Story number 3b", when(3), tags=["Trade"], section="Pakistan")
    root = project(tmp_path / "site", **{"twin.md": twin})
    build_site(site_options(root, jobs=jobs))
    retitle(root, 3, "Zarghun Road Reopens")  # after "story-number-3b" now
    build_site(site_options(root, jobs=jobs))
    got, want = built(root), clean(root, jobs)
    assert got == want, tree_diff(got, want)


def test_the_search_index_follows_a_story_that_moved(tmp_path):
    root = project(tmp_path / "site")
    build_site(site_options(root, search=True))
    assert path_of(3) in search_index_text(root / "build")
    retitle(root, 3, "Story number 3 retitled")
    report = build_site(site_options(root, search=True))
    assert not report.planned_all
    text = search_index_text(root / "build")
    assert path_of(3) not in text and path_of(3, "Story number 3 retitled") in text
