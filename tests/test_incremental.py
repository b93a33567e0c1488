"""Incremental builds give exactly the bytes of a clean build (issue 5, "correctness first").

A fixture site gets a sequence of edits; after each, an incremental build
(with the cache and the previous output) is compared, file by file, with a
clean build of the same content into another folder. Run with one job and
with two, and with enough pages that the second really forks workers.
"""

from __future__ import annotations

import json
import pickle
import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from site_gen import build as build_module
from site_gen import parallel
from site_gen import rendering as rendering_module
from site_gen.build import build_site
from site_gen.errors import BuildFailed
from site_gen.write import JOURNAL, LEGACY_MANIFEST, MANIFEST, read_manifest, write_manifest

from .conftest import NOW, REPO, article_text, make_site, site_options, snapshot

TAGS = ["Floods", "Trade", "Energy", "Border", "Water", "Cricket"]
SECTIONS = ["Pakistan", "Afghanistan", "Business"]


def story(n: int, **fields) -> dict:
    return {
        "title": f"Story number {n}",
        "date": f"2025-0{5 + n % 3}-{1 + n % 27:02d} {n % 24:02d}:15",
        "tags": [TAGS[n % 6], TAGS[(n * 7) % 6]],
        "section": SECTIONS[n % 3],
        "author": ["Sana Mir", "Ali Khan"][n % 2],
        "body": f"Lead paragraph of story {n}.\n\n## Detail\n\nMore text about [story 1](/2025/06/02/story-number-1/).\n",
        **fields,
    }


def tree(folder: Path) -> dict[str, bytes]:
    return {k: v for k, v in snapshot(folder).items() if not k.startswith(".site-gen")}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), "utf-8")


EDITS = [
    (
        "edit a body",
        lambda root, t, s: edit(root / "content/articles/s3.md", "Lead paragraph of story 3.", "A new lead."),
    ),
    (
        "edit a paragraph after the lead",
        lambda root, t, s: (
            edit(root / "content/articles/s8.md", "## Detail", "## Detail\n\nA paragraph added later."),
            edit(root / "content/articles/s26.md", "More text about", "Text, corrected, about"),
        ),
    ),
    ("retitle", lambda root, t, s: edit(root / "content/articles/s4.md", "Story number 4", "Story four, retitled")),
    (
        "edit two bodies and a summary",
        lambda root, t, s: (
            edit(root / "content/articles/s39.md", "Lead paragraph", "Changed lead paragraph"),
            edit(root / "content/articles/s0.md", "title:", "summary: A summary written by hand.\ntitle:"),
        ),
    ),
    ("retag", lambda root, t, s: edit(root / "content/articles/s5.md", "- Cricket", "- Brand new tag")),
    (
        "publish the newest story, with a new tag",
        lambda root, t, s: (root / "content/articles/newest.md").write_text(
            article_text(**story(60, date="2025-07-30 10:00", tags=["Floods", "Locust swarm"])), "utf-8"
        ),
    ),
    (
        "publish two stories on a new day, one with an alias",
        lambda root, t, s: (
            (root / "content/articles/n1.md").write_text(
                article_text(**story(61, date="2025-07-31 08:00", aliases=["/old/locusts/"])), "utf-8"
            ),
            (root / "content/articles/n2.md").write_text(
                article_text(**story(62, date="2025-07-31 09:30", section="Weather")), "utf-8"
            ),
        ),
    ),
    ("add", lambda root, t, s: (root / "content/articles/new.md").write_text(article_text(**story(99)), "utf-8")),
    (
        "give the older story of a day a photo (it leads the day's digest)",
        lambda root, t, s: edit(
            root / "content/articles/s0.md",
            "title:",
            "image: {src: /images/torkham-fruit-trucks.jpg, alt: Lorries}\ntitle:",
        ),
    ),
    ("delete", lambda root, t, s: (root / "content/articles/s7.md").unlink()),
    ("change a template", lambda root, t, s: edit(t / "partials/card.html", "<h3", "<h3 data-edited")),
    (
        "change the article template",
        lambda root, t, s: edit(
            t / "article.html", '<header class="story-head">', '<header class="story-head" data-e>'
        ),
    ),
    ("change the search page's template", lambda root, t, s: edit(t / "search.html", "<h1>", "<h1 data-e>")),
    (
        "edit a body and the article template",
        lambda root, t, s: (
            edit(root / "content/articles/s9.md", "Lead paragraph of story 9.", "A new lead for nine."),
            edit(t / "article.html", "data-e>", "data-edited>"),
        ),
    ),
    ("change a static file", lambda root, t, s: (s / "css/site.css").write_text("body { color: red }\n", "utf-8")),
    ("change the config", lambda root, t, s: edit(root / "site.yaml", "per_page: 3", "per_page: 4")),
    ("draft an article", lambda root, t, s: edit(root / "content/articles/s2.md", "title:", "draft: true\ntitle:")),
]


@pytest.mark.slow
@pytest.mark.parametrize("jobs", [1, 2])
def test_incremental_builds_equal_clean_builds_after_every_edit(tmp_path, jobs, monkeypatch):
    monkeypatch.setattr(rendering_module, "PARALLEL_RENDER_MIN", 20)  # so two jobs really fork workers
    root = make_site(tmp_path / "site", articles={f"s{n}.md": story(n) for n in range(40)}, config={"per_page": 3})
    templates, static = tmp_path / "templates", tmp_path / "static"
    shutil.copytree(REPO / "templates", templates)
    shutil.copytree(REPO / "static", static)
    options = site_options(root, templates=templates, static=static, jobs=jobs)
    build_site(options)
    partial = set()
    digests = {}
    for name, change in EDITS:
        change(root, templates, static)
        report = build_site(options)
        clean = tmp_path / f"clean-{name.replace(' ', '-')}"
        build_site(site_options(root, templates=templates, static=static, output=clean, cache_dir=None, jobs=jobs))
        assert tree(root / "build") == tree(clean), name
        assert report.written < len(tree(clean)) or name in ("change a static file", "change the config"), name
        if not report.planned_all:
            partial.add(name)
        digests[name] = digest_lists(clean)
    # Edits that leave every article in its place plan only the pages that show the edited
    # ones; so does a new title without a `slug:`, which moves the article to a new URL.
    assert partial == {
        "edit a body",
        "edit a paragraph after the lead",
        "edit two bodies and a summary",
        "retitle",
        "publish the newest story, with a new tag",
        "publish two stories on a new day, one with an alias",
        "change a template",  # the pages rendered with a template that includes it
        "change the article template",
        "change the search page's template",
        "edit a body and the article template",
    }
    # The digest pages were among the pages compared: one for each day, new days' too, lead first.
    day = "digest/2025/05/01/index.html"  # stories 0 and 27
    assert digests["retitle"][day] == ["2025/05/01/story-number-27/", "2025/05/01/story-number-0/"]
    assert (
        digests["give the older story of a day a photo (it leads the day's digest)"][day][0]
        == "2025/05/01/story-number-0/"
    )
    assert "digest/2025/07/31/index.html" in digests["publish two stories on a new day, one with an alias"]
    assert len(digests["publish two stories on a new day, one with an alias"]["digest/2025/07/31/index.html"]) == 2


def digest_lists(folder: Path) -> dict[str, list[str]]:
    """The stories of each digest page of a build, by file, as the page lists them."""
    found = {}
    for page in sorted(folder.glob("**/digest/**/index.html")):
        main = page.read_text("utf-8").split('<main id="main"', 1)[1]
        found[page.relative_to(folder).as_posix()] = re.findall(r'<h[23]><a href="/(\d{4}/[^"]+/)">', main)
    return found


def test_nothing_changed_is_answered_without_reading_any_article(tmp_path, monkeypatch):
    root = make_site(tmp_path / "site", articles={f"s{n}.md": story(n) for n in range(6)})
    build_site(site_options(root))
    before = snapshot(root / "build")
    monkeypatch.setattr(build_module, "_load", lambda *a, **k: pytest.fail("the content was read again"))
    report = build_site(site_options(root))
    assert (report.written, report.articles) == (0, 6)
    assert snapshot(root / "build") == before


def test_the_shortcut_is_not_taken_when_a_scheduled_story_falls_due(tmp_path):
    future = NOW + timedelta(hours=3)
    root = make_site(
        tmp_path / "site",
        articles={"a.md": story(1), "later.md": story(2, title="Due soon", date=future.strftime("%Y-%m-%d %H:%M"))},
    )
    build_site(site_options(root))
    assert "Due soon" not in (root / "build/index.html").read_text("utf-8")
    build_site(site_options(root, now=NOW + timedelta(hours=1)))  # still scheduled
    assert "Due soon" not in (root / "build/index.html").read_text("utf-8")
    report = build_site(site_options(root, now=NOW + timedelta(hours=4)))
    assert report.written > 0 and "Due soon" in (root / "build/index.html").read_text("utf-8")


def test_a_deleted_output_file_or_manifest_is_rebuilt(tmp_path):
    root = make_site(tmp_path / "site", articles={f"s{n}.md": story(n) for n in range(4)})
    build_site(site_options(root))
    expected = tree(root / "build")
    (root / "build" / MANIFEST).unlink()
    (root / "build" / "index.html").unlink()
    build_site(site_options(root))
    assert tree(root / "build") == expected


def test_a_template_key_covers_every_file_it_extends_includes_or_imports(tmp_path):
    from site_gen.render import template_keys

    folder = tmp_path / "templates"
    (folder / "partials").mkdir(parents=True)
    (folder / "a.html").write_text(
        '{% extends "base.html" %}{% block x %}{% include "partials/z.html" %}{% endblock %}'
    )
    (folder / "b.html").write_text("{% block x %}plain{% endblock %}")
    (folder / "base.html").write_text("{% block x %}{% endblock %}")
    (folder / "partials/z.html").write_text('{% from "partials/m.html" import m %}{{ m() }}')
    (folder / "partials/m.html").write_text("{% macro m() %}1{% endmacro %}")
    before = template_keys(folder)
    (folder / "partials/m.html").write_text("{% macro m() %}2{% endmacro %}")
    after = template_keys(folder)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"a.html", "partials/z.html", "partials/m.html"}


def test_a_rewritten_manifest_means_a_real_build(tmp_path):
    """A build killed while moving files leaves a rewritten manifest: the next build checks everything."""
    root = make_site(tmp_path / "site", articles={f"s{n}.md": story(n) for n in range(4)})
    build_site(site_options(root))
    expected = tree(root / "build")
    (root / "build" / "index.html").write_text("half a page", "utf-8")
    files = read_manifest(root / "build")
    files["index.html"] = ""  # what the writer's early manifest says of a file being moved
    write_manifest(root / "build", files)
    build_site(site_options(root))
    assert tree(root / "build") == expected


def test_a_commit_journal_left_behind_means_a_real_build(tmp_path):
    """A rebuild of a few files names them in a journal before moving them; killed, it leaves
    the journal, and the next build takes those files as not done (and removes the journal)."""
    root = make_site(tmp_path / "site", articles={f"s{n}.md": story(n) for n in range(4)})
    build_site(site_options(root))
    expected = tree(root / "build")
    (root / "build" / "index.html").write_text("half a page", "utf-8")
    (root / "build" / JOURNAL).write_text(json.dumps(["index.html"]), "utf-8")
    assert read_manifest(root / "build")["index.html"] == ""
    build_site(site_options(root))
    assert tree(root / "build") == expected
    assert not (root / "build" / JOURNAL).exists()
    assert (root / "build" / MANIFEST).read_text("utf-8").startswith("site-gen manifest 3\n")


def test_the_manifest_of_an_earlier_version_is_read(tmp_path):
    root = make_site(tmp_path / "site", articles={f"s{n}.md": story(n) for n in range(4)})
    build_site(site_options(root))
    files = read_manifest(root / "build")
    (root / "build" / MANIFEST).unlink()
    (root / "build" / LEGACY_MANIFEST).write_text(json.dumps({"files": files}), "utf-8")
    assert read_manifest(root / "build") == files
    (root / "build" / "2025").rename(root / "build" / "moved")  # stale files are still known
    build_site(site_options(root, clean=False))
    assert read_manifest(root / "build") == files and not (root / "build" / LEGACY_MANIFEST).exists()


def test_a_corrupt_or_partly_corrupt_cache_means_a_full_build(tmp_path):
    import sqlite3

    root = make_site(tmp_path / "site", articles={f"s{n}.md": story(n) for n in range(6)})
    build_site(site_options(root))
    expected = tree(root / "build")
    database = root / ".site-gen-cache" / "cache.sqlite"
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM parsed").fetchone()[0] > 0
        db.execute("UPDATE parsed SET data = ?", (b"not a pickle",))
    edit(root / "content/articles/s1.md", "Lead paragraph of story 1.", "An edited lead.")
    report = build_site(site_options(root))
    assert report.articles == 6 and report.written > 0
    database.write_bytes(b"garbage" * 100)
    edit(root / "content/articles/s1.md", "An edited lead.", "Lead paragraph of story 1.")
    report = build_site(site_options(root))
    assert report.articles == 6 and tree(root / "build") == expected


def test_buckets_are_rewritten_only_when_their_articles_change(tmp_path):
    import sqlite3

    root = make_site(tmp_path / "site", articles={f"s{n}.md": story(n) for n in range(30)})
    build_site(site_options(root))
    database = root / ".site-gen-cache" / "cache.sqlite"

    def buckets():
        with sqlite3.connect(database) as db:
            return dict(db.execute("SELECT bucket, data FROM parsed"))

    before = buckets()
    assert sum(len(pickle.loads(data)) for data in before.values()) == 30
    edit(root / "content/articles/s3.md", "Lead paragraph of story 3.", "A new lead.")
    build_site(site_options(root))
    after = buckets()
    assert 1 <= sum(1 for b in set(before) | set(after) if before.get(b) != after.get(b)) <= 2
    assert sum(len(pickle.loads(data)) for data in after.values()) == 30


@pytest.mark.parametrize("overlap", [True, False])
def test_a_body_edit_that_breaks_a_link_fails_like_a_full_build(tmp_path, overlap, monkeypatch):
    """The rebuild that plans only the edited article's pages still checks it, against the whole site."""
    if not overlap:  # a large site checks before rendering
        monkeypatch.setattr(build_module, "OVERLAP_MAX_ARTICLES", 3)
    root = make_site(tmp_path / "site", articles={f"s{n}.md": story(n) for n in range(6)})
    build_site(site_options(root))
    before = tree(root / "build")
    edit(root / "content/articles/s3.md", "(/2025/06/02/story-number-1/)", "(/2025/06/02/no-such-story/)")
    with pytest.raises(BuildFailed) as failed:
        build_site(site_options(root))
    assert [(e.path, e.message) for e in failed.value.errors] == [
        ("content/articles/s3.md", "link to /2025/06/02/no-such-story/: there is no such page on this site")
    ]
    assert tree(root / "build") == before
    edit(root / "content/articles/s3.md", "(/2025/06/02/no-such-story/)", "(/2025/06/02/story-number-1/)")
    edit(root / "content/articles/s3.md", "Lead paragraph", "New lead paragraph")
    assert not build_site(site_options(root)).planned_all


@pytest.mark.parametrize("tags", [["Floods", "Trade"], ["FLOODS"]])  # another spelling may rename the tag everywhere
def test_an_added_story_in_the_middle_equals_a_clean_build(tmp_path, tags):
    root = make_site(tmp_path / "site", articles={f"s{n}.md": story(n) for n in range(30)})
    build_site(site_options(root))
    (root / "content/articles/new.md").write_text(article_text(**story(77, tags=tags)), "utf-8")
    report = build_site(site_options(root))
    clean = tmp_path / "clean"
    build_site(site_options(root, output=clean, cache_dir=None))
    assert tree(root / "build") == tree(clean)
    assert report.planned_all


def test_a_body_edit_reuses_the_last_site_skeleton(tmp_path, monkeypatch):
    """No article moved: the site (order, terms, archives, related) is the last build's, with the new article."""
    import site_gen.collect

    root = make_site(tmp_path / "site", articles={f"s{n}.md": story(n) for n in range(12)})
    build_site(site_options(root))
    edit(root / "content/articles/s3.md", "Lead paragraph of story 3.", "A new lead.")
    monkeypatch.setattr(site_gen.collect, "collect_site", lambda *a, **k: pytest.fail("the site was collected again"))
    assert not build_site(site_options(root)).planned_all
    monkeypatch.undo()
    clean = tmp_path / "clean"
    build_site(site_options(root, output=clean, cache_dir=None))
    assert tree(root / "build") == tree(clean)


def test_a_body_edit_reads_only_the_edited_file(tmp_path, monkeypatch):
    """An edit that leaves the article's card and place as they were: the other articles
    come from the cache only when a page shows them, and only its page and feeds are planned."""
    import site_gen.load

    root = make_site(tmp_path / "site", articles={f"s{n}.md": story(n) for n in range(30)})
    build_site(site_options(root))
    edit(root / "content/articles/s8.md", "## Detail", "## Detail\n\nA paragraph added later.")
    monkeypatch.setattr(site_gen.load, "load_content", lambda *a, **k: pytest.fail("every article was read"))
    report = build_site(site_options(root))
    assert not report.planned_all
    # Its page, the site's three feeds, those of its section and two tags that show it (with its body).
    assert 4 <= report.pages == report.written <= 1 + 3 + 3
    monkeypatch.undo()
    clean = tmp_path / "clean"
    build_site(site_options(root, output=clean, cache_dir=None))
    assert tree(root / "build") == tree(clean)


def test_the_rebuild_after_a_fresh_build_plans_only_what_changed(tmp_path):
    """``--fresh`` starts the cache anew and records everything the next rebuild needs (the
    template keys among them: the old cache's were once taken for the new one's)."""
    root = make_site(tmp_path / "site", articles={f"s{n}.md": story(n) for n in range(8)})
    build_site(site_options(root))
    build_site(site_options(root, fresh=True))
    edit(root / "content/articles/s3.md", "Lead paragraph of story 3.", "A corrected lead for story 3.")
    assert not build_site(site_options(root)).planned_all


def test_a_renamed_file_edited_later_updates_every_list_that_shows_it(tmp_path):
    """A page records what it read by source: after a file is renamed (same contents, same
    URL), the pages that show its card render again and record the new name, so that a later
    edit of its lead reaches them (found by the random edits, seed 9, on 37fd22d)."""
    root = make_site(tmp_path / "site", articles={f"s{n}.md": story(n) for n in range(8)}, config={"per_page": 3})
    build_site(site_options(root))
    (root / "content/articles/s3.md").rename(root / "content/articles/s3-renamed.md")
    build_site(site_options(root))
    edit(root / "content/articles/s3-renamed.md", "Lead paragraph of story 3.", "A corrected lead for story 3.")
    report = build_site(site_options(root))
    assert not report.planned_all
    clean = tmp_path / "clean"
    build_site(site_options(root, output=clean, cache_dir=None))
    assert tree(root / "build") == tree(clean)
    assert b"A corrected lead for story 3." in tree(clean)["2025/05/index.html"]  # its month's list


def test_an_edited_template_plans_only_the_pages_rendered_with_it(tmp_path, monkeypatch):
    """Pages record the template they render with (``t:`` identities): an edit of
    ``article.html`` plans the article pages and their share cards, and no list; the other
    files are kept, and the output is a clean build's."""
    import site_gen.collect
    from site_gen import share

    root = make_site(tmp_path / "site", articles={f"s{n}.md": story(n) for n in range(12)}, config={"per_page": 3})
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    build_site(site_options(root, templates=templates))
    edit(templates / "article.html", '<header class="story-head">', '<header class="story-head" data-edited>')
    planned = []
    select = build_module._select
    monkeypatch.setattr(build_module, "_select", lambda run: (planned.extend(run.pages), select(run))[1])
    monkeypatch.setattr(site_gen.collect, "collect_site", lambda *a, **k: pytest.fail("the site was arranged again"))
    report = build_site(site_options(root, templates=templates))
    assert not report.planned_all
    assert {page.template for page in planned} <= {"article.html", share.TEMPLATE}
    assert report.written == 12
    monkeypatch.undo()
    clean = tmp_path / "clean"
    build_site(site_options(root, templates=templates, output=clean, cache_dir=None))
    assert tree(root / "build") == tree(clean)
    assert tree(clean)["2025/05/01/story-number-0/index.html"].count(b"data-edited") == 1


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_new_story_reads_only_itself_and_plans_only_what_it_changes(tmp_path, monkeypatch, jobs):
    """The everyday rebuild: one new story, newer than all. The other articles come from
    the cache when a planned page shows them; the result is a clean build's. With two jobs
    a forked child compares the lists' shapes (:func:`~site_gen.identities.dirty_between`)."""
    import site_gen.load

    root = make_site(tmp_path / "site", articles={f"s{n}.md": story(n) for n in range(30)}, config={"per_page": 3})
    build_site(site_options(root, jobs=jobs))
    newest = story(70, date="2025-07-30 10:00", tags=["Floods", "Locust swarm"], aliases=["/old/locusts/"])
    (root / "content/articles/newest.md").write_text(article_text(**newest), "utf-8")
    monkeypatch.setattr(site_gen.load, "load_content", lambda *a, **k: pytest.fail("every article was read"))
    forks = []
    real_fork = parallel.os.fork
    monkeypatch.setattr(parallel, "SPLIT_SHAPES_MIN", 0)
    monkeypatch.setattr(parallel.os, "fork", lambda: forks.append(1) or real_fork())
    report = build_site(site_options(root, jobs=jobs))
    monkeypatch.undo()
    assert len(forks) == (jobs - 1)
    assert not report.planned_all
    # Its four share cards and the service worker (which keeps the newest stories) are among them.
    assert report.pages < 45 and report.written < 30, report
    clean = tmp_path / "clean"
    build_site(site_options(root, output=clean, cache_dir=None, jobs=jobs))
    assert tree(root / "build") == tree(clean)
    assert (clean / "old/locusts/index.html").is_file() and (clean / "tags/locust-swarm/index.html").is_file()


def test_blob_files_are_named_by_the_cache_and_a_lost_one_means_reading_everything(tmp_path, monkeypatch):
    """The skeleton, the sitemap and image views live in files under the cache's ``blobs/``: each
    save leaves exactly the files its rows name; a missing one sends the next new story
    down the full build's path, with the same result."""
    import sqlite3

    import site_gen.load

    root = make_site(tmp_path / "site", articles={f"s{n}.md": story(n) for n in range(12)}, config={"per_page": 3})
    build_site(site_options(root))
    cache = root / ".site-gen-cache"

    def named() -> dict[str, str]:
        with sqlite3.connect(cache / "cache.sqlite") as db:
            return dict(db.execute("SELECT name, data FROM blobs"))

    first = named()
    assert sorted(first) == ["images", "site", "sitemap"]
    assert sorted(p.name for p in (cache / "blobs").iterdir()) == sorted(first.values())
    (cache / "blobs" / "site-stray.tmp").write_bytes(b"left by a killed build")
    newest = story(40, date="2025-07-30 10:00", tags=["Floods"])
    (root / "content/articles/newest.md").write_text(article_text(**newest), "utf-8")
    assert not build_site(site_options(root)).planned_all
    second = named()
    assert second["site"] != first["site"] and second["sitemap"] != first["sitemap"]
    assert sorted(p.name for p in (cache / "blobs").iterdir()) == sorted(second.values()), "old files removed"

    (cache / "blobs" / second["site"]).unlink()
    later = story(41, date="2025-07-31 10:00", tags=["Floods"])
    (root / "content/articles/later.md").write_text(article_text(**later), "utf-8")
    read = []
    real = site_gen.load.load_content
    monkeypatch.setattr(site_gen.load, "load_content", lambda *a, **k: read.append(1) or real(*a, **k))
    build_site(site_options(root))
    assert read, "without the skeleton every article is read"
    clean = tmp_path / "clean"
    build_site(site_options(root, output=clean, cache_dir=None))
    assert tree(root / "build") == tree(clean)


@pytest.mark.slow
@pytest.mark.parametrize(("jobs", "overlap"), [(1, True), (2, True), (2, False)])
def test_a_build_that_fails_while_rendering_leaves_the_cache_as_it_was(tmp_path, jobs, overlap, monkeypatch):
    """The cache writes the articles' rows while the pages render (Cache.begin_save), or
    right after them on a large site, in a transaction that only a successful build commits."""
    import sqlite3

    monkeypatch.setattr(rendering_module, "PARALLEL_RENDER_MIN", 20)
    if not overlap:
        monkeypatch.setattr(build_module, "OVERLAP_MAX_ARTICLES", 10)
    root = make_site(tmp_path / "site", articles={f"s{n}.md": story(n) for n in range(30)})
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    options = site_options(root, templates=templates, jobs=jobs)
    build_site(options)
    cache = root / ".site-gen-cache"

    def state():
        with sqlite3.connect(cache / "cache.sqlite") as db:
            rows = "\n".join(db.iterdump())
        return rows, sorted(p.name for p in (cache / "blobs").iterdir())

    before, output = state(), tree(root / "build")
    for n in range(25):  # every bucket of the parsed table changes
        edit(root / f"content/articles/s{n}.md", f"Lead paragraph of story {n}.", f"New lead {n}.")
    (root / "content/articles/new.md").write_text(article_text(**story(31, date="2025-05-05 05:05")), "utf-8")
    edit(templates / "article.html", "{{ article.title }}", "{{ article.no_such_field }}")
    with pytest.raises(BuildFailed, match="no_such_field"):
        build_site(options)
    assert state() == before
    assert tree(root / "build") == output
    edit(templates / "article.html", "{{ article.no_such_field }}", "{{ article.title }}")
    build_site(options)
    clean = tmp_path / "clean"
    build_site(site_options(root, templates=templates, output=clean, cache_dir=None, jobs=jobs))
    assert tree(root / "build") == tree(clean)


@pytest.mark.parametrize(
    "fields",
    [
        {"aliases": ["/tags/floods/"]},  # a page the site makes
        {"aliases": ["/2025/06/02/story-number-1/"]},  # another story
        {"slug": "story-number-1", "date": "2025-06-02 08:00"},  # not the newest: the whole site is read
    ],
)
def test_a_new_story_on_a_taken_url_fails_like_a_full_build(tmp_path, fields):
    root = make_site(tmp_path / "site", articles={f"s{n}.md": story(n) for n in range(12)})
    build_site(site_options(root))
    before = tree(root / "build")
    (root / "content/articles/taken.md").write_text(
        article_text(**story(80, **{"date": "2025-07-30 10:00", **fields})), "utf-8"
    )
    with pytest.raises(BuildFailed) as incremental:
        build_site(site_options(root))
    with pytest.raises(BuildFailed) as clean:
        build_site(site_options(root, output=tmp_path / "clean", cache_dir=None))
    assert incremental.value.errors == clean.value.errors
    assert "same URL" in incremental.value.errors[0].message
    assert tree(root / "build") == before


def test_output_clashes_against_the_last_build_names_each_kind_of_clash():
    """What a rebuild's quick path asks: do the pages it plans clash with each other, or new
    ones with the files already in the output?"""
    from site_gen.urls import TakenPaths, output_clashes

    def files_clash(planned, old):
        return bool(output_clashes(planned, TakenPaths(old)))

    ascii_only = {"index.html", "tags/kabul/index.html", "2025/07/01/story/index.html"}
    beyond = {*ascii_only, "tags/öl/index.html"}
    assert files_clash(["tags/ÖL/index.html"], beyond), "the same, beyond ASCII"
    for old in (ascii_only, beyond):  # an ASCII site is searched as one text, another folds every path
        assert not files_clash(["tags/herat/index.html"], old)
        assert not files_clash(["tags/kabul/index.html", "index.html"], old), "files of the output written again"
        assert files_clash(["a.html", "a.html"], old), "one path planned twice"
        assert files_clash(["tags/Kabul/index.html"], old), "one file where case is ignored"
        assert files_clash(["TAGS/kabul/index.html"], old)
        assert not files_clash(["tags/kabul/index.htm"], old), "a shorter name is another"
        assert files_clash(["index.html/x"], old), "a new file needs a folder where a file is"
        assert files_clash(["tags"], old), "a new file where others need a folder"
        assert files_clash(["2025/07/01/story"], old)
        assert not files_clash(["2025/07/01/stor"], old), "a shorter name is no folder"
        assert not files_clash(["story"], old), "a name found only inside a path is no folder"
        assert files_clash(sorted({"tags/new/index.html", "tags/New/index.html"}), old), (
            "two new files, one where case is ignored"
        )


LANGUAGES = [
    {"code": "en", "name": "English"},
    {"code": "ur", "name": "اردو", "direction": "rtl"},
    {"code": "ps", "name": "پښتو", "direction": "rtl"},
]


def urdu(n: int, **fields) -> dict:
    return story(n, title=f"خبر نمبر {n}", slug=f"khabar-{n}", lang="ur", body=f"یہ خبر نمبر {n} ہے۔\n", **fields)


TRANSLATION_EDITS = [
    (
        "add an Urdu translation of an English story",
        lambda root, t: (root / "content/articles/u3.md").write_text(
            article_text(**urdu(3, translations={"en": "story-number-3"})), "utf-8"
        ),
    ),
    ("edit the translation's body", lambda root, t: edit(root / "content/articles/u3.md", "ہے۔", "ہے، اب بدلی ہوئی۔")),
    ("retitle the translation", lambda root, t: edit(root / "content/articles/u3.md", "خبر نمبر 3", "نئی سرخی")),
    (
        "link back from the English side",
        lambda root, t: edit(root / "content/articles/s3.md", "title:", "translations: {ur: khabar-3}\ntitle:"),
    ),
    (
        "publish the newest story, in Pashto, translated from English",
        lambda root, t: (root / "content/articles/p9.md").write_text(
            article_text(
                **story(9, title="د خبر شمېره نهه", slug="khabar-ps-9", lang="ps", date="2025-07-30 10:00"),
                translations={"en": "story-number-9"},
            ),
            "utf-8",
        ),
    ),
    (
        "publish the newest Urdu story",
        lambda root, t: (root / "content/articles/u10.md").write_text(
            article_text(**urdu(10, date="2025-07-31 10:00", tags=["Heatwave"])), "utf-8"
        ),
    ),
    (
        "unlink the translation",
        lambda root, t: (
            edit(root / "content/articles/u3.md", "translations:\n  en: story-number-3\n", ""),
            edit(root / "content/articles/s3.md", "translations: {ur: khabar-3}\n", ""),
        ),
    ),
    (
        "relink, then draft the translation",
        lambda root, t: (
            edit(root / "content/articles/s3.md", "title:", "translations: {ur: khabar-3}\ntitle:"),
            edit(root / "content/articles/u3.md", "title:", "draft: true\ntitle:"),
        ),
    ),
    (
        "translate a theme word",
        lambda root, t: edit(
            t / "locales/ur/LC_MESSAGES/messages.po",
            'msgid "Related stories"\nmsgstr "متعلقہ خبریں"',
            'msgid "Related stories"\nmsgstr "اسی موضوع پر"',
        ),
    ),
    ("delete the Pashto story", lambda root, t: (root / "content/articles/p9.md").unlink()),
]


@pytest.mark.slow
@pytest.mark.parametrize("jobs", [1, 2])
def test_incremental_builds_equal_clean_builds_after_translation_edits(tmp_path, jobs, monkeypatch):
    monkeypatch.setattr(rendering_module, "PARALLEL_RENDER_MIN", 20)
    articles = {f"s{n}.md": story(n) for n in range(12)}
    articles.update({f"u{n}.md": urdu(n) for n in (1, 2)})
    config = {"per_page": 3, "languages": LANGUAGES, "menu": SECTIONS}
    root = make_site(tmp_path / "site", articles=articles, config=config)
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    options = site_options(root, templates=templates, jobs=jobs)
    build_site(options)
    partial = set()
    for name, change in TRANSLATION_EDITS:
        change(root, templates)
        if not build_site(options).planned_all:
            partial.add(name)
        clean = tmp_path / f"clean-{len(name)}-{name[:20].replace(' ', '-')}"
        build_site(site_options(root, templates=templates, output=clean, cache_dir=None, jobs=jobs))
        assert tree(root / "build") == tree(clean), name
        english = (root / "build/2025/05/04/story-number-3/index.html").read_text("utf-8")
        linked = name in LINKED_AFTER
        assert ('hreflang="ur" href="https://example.org/2025/05/04/khabar-3/"' in english) == linked, name
    assert (root / "build/ur/index.html").is_file() and not (root / "build/ps/index.html").exists()
    assert (root / "build/ur/digest/2025/07/31/index.html").is_file() and not (root / "build/ps/digest").exists()
    # A body edit plans the pages that read it; a new Urdu story the lists whose shape it
    # changes; a theme word the readers of every template (each template's key holds the
    # catalogues' words), through the template identities rather than a plan of every page.
    assert partial == {
        "edit the translation's body",
        "retitle the translation",
        "publish the newest Urdu story",
        "translate a theme word",
    }


LINKED_AFTER = {
    "add an Urdu translation of an English story",
    "edit the translation's body",
    "retitle the translation",
    "link back from the English side",
    "publish the newest story, in Pashto, translated from English",
    "publish the newest Urdu story",
}
