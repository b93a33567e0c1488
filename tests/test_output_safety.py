"""Nothing lost, nothing leaked: the output folder, hostile paths, drafts, stale and foreign files, crashes."""

from __future__ import annotations

import os
import re
import shutil

import pytest

from site_gen import write
from site_gen.build import BuildOptions, build_site
from site_gen.errors import BuildFailed
from tests._site import NOW, NOW_ARG, article, make_site, run_cli, tree

A = "content/articles/2025/07/"
TWO_STORIES = {"articles/2025/07/a.md": article("Budget"), "articles/2025/07/b.md": article("Floods", tags=["Swat"])}


def build(root, *args):
    return run_cli(root, "build", "--now", NOW_ARG, "-q", *args)


def files_outside(tmp_path, root):
    """Every file under tmp_path that is not inside the project's own folders."""
    return {p for p in tmp_path.rglob("*") if p.is_file() and root not in p.parents}


# -- the output folder -------------------------------------------------------
@pytest.mark.parametrize(
    ("output", "problem"),
    [
        (".", "it is the project folder"),
        ("..", "it contains the project folder"),
        ("content", "it is content/"),
        ("content/build", "it is inside content/"),
        ("templates", "it is templates/"),
        ("static", "it overlaps static/"),
        ("static/out", "it overlaps static/"),
    ],
)
def test_output_folder_may_not_hold_the_project(tmp_path, output, problem):
    root = make_site(tmp_path / "site", {"articles/2025/07/a.md": article("Budget")})
    before = tree(tmp_path)
    code, out, err = build(root, "--output", output, "--clean")
    assert code == 1
    resolved = (root / output).resolve()
    assert err.splitlines()[0] == (
        f"--output: refusing to build into {output} ({resolved}): {problem}"
        " — use a folder of its own, such as build/: a build removes files there"
    )
    assert tree(tmp_path) == before


# -- hostile slugs, aliases and file names -----------------------------------
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"slug": "../../etc"},
            "4: slug '../../etc' may not contain '/': a URL or file name cannot carry it"
            " — use letters, digits and hyphens, e.g. etc",
        ),
        (
            {"slug": "C:\\Windows"},
            "4: slug 'C:\\\\Windows' may not contain ':', '\\\\': a URL or file name cannot carry them"
            " — use letters, digits and hyphens, e.g. c-windows",
        ),
        (
            {"aliases": ["../../outside/"]},
            "4: alias '../../outside/' points outside the site — write a site path such as /2024/01/02/old-slug/",
        ),
        (
            {"aliases": ["/news/../../../x/"]},
            "4: alias '/news/../../../x/' points outside the site — write a site path such as /2024/01/02/old-slug/",
        ),
        (
            {"aliases": ["C:/Windows/"]},
            "4: alias 'C:/Windows/' points outside the site — write a site path such as /2024/01/02/old-slug/",
        ),
        (
            {"aliases": ["\\\\server\\share\\"]},
            "4: alias '\\\\\\\\server\\\\share\\\\' points outside the site — write a site path such as /2024/01/02/old-slug/",
        ),
        (
            {"aliases": ["/a\x00b/"]},
            "4: `aliases` holds the control character U+0000 — delete it: feeds and sitemaps cannot carry it"
            " (it is invisible, often pasted from a terminal or a PDF)",
        ),
        (
            {"aliases": ["/.site-gen-staging/x/"]},
            "4: the alias /.site-gen-staging/x/ uses a hidden name (starting with a dot): '.site-gen-staging/x/index.html' — remove or change the alias",
        ),
        (
            {"aliases": ["/old/" + "x" * 300 + "/"]},
            f"4: the alias /old/{'x' * 300}/ has a part longer than 255 bytes, which disks refuse — remove or change the alias",
        ),
        (
            {"aliases": ["/.git/config"]},
            "4: the alias /.git/config/ uses a hidden name (starting with a dot): '.git/config/index.html' — remove or change the alias",
        ),
    ],
)
def test_hostile_slugs_and_aliases_are_errors_with_a_line(tmp_path, fields, message):
    root = make_site(tmp_path / "site", {"articles/2025/07/a.md": article("Budget", **fields)})
    before = files_outside(tmp_path, root)
    code, _, err = build(root)
    assert code == 1
    assert err.splitlines()[0] == f"{A}a.md:{message}"
    assert not (root / "build").exists()
    assert files_outside(tmp_path, root) == before


@pytest.mark.parametrize("name", ["a:b.txt", "back\\slash.txt", "tab\there.txt"])
def test_static_file_names_that_cannot_be_published(tmp_path, name):
    root = make_site(tmp_path / "site", {"articles/2025/07/a.md": article("Budget")})
    (root / "static" / name).write_text("x", "utf-8")
    code, _, err = build(root)
    assert code == 1
    assert err.splitlines()[0] == (
        f"static/{name}: the file name {name!r} cannot be published safely — rename it: letters, digits, - _ ."
    )
    assert not (root / "build").exists()


def test_static_link_to_a_file_outside_is_not_published(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("password", "utf-8")
    root = make_site(tmp_path / "site", {"articles/2025/07/a.md": article("Budget")})
    (root / "static/leak.txt").symlink_to(secret)
    code, _, err = build(root)
    assert code == 1
    assert err.splitlines()[0] == (
        "static/leak.txt: this link points to a file outside static/; it is not published — copy the file into static/ instead"
    )
    assert not (root / "build").exists()


def test_no_write_through_a_link_out_of_the_output_folder(tmp_path):
    root = make_site(tmp_path / "site", {"articles/2025/07/a.md": article("Budget")})
    assert build(root)[0] == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.rename(root / "build/2025", tmp_path / "old-2025")
    (root / "build/2025").symlink_to(elsewhere, target_is_directory=True)
    (root / "content/articles/2025/07/a.md").write_text(article("Budget", body="Changed.\n"), "utf-8")
    before = tree(root / "build")
    code, _, err = build(root)
    assert code == 1
    assert err.splitlines()[0] == (
        "build/2025: this folder of the output is a link that leads outside it; nothing was written"
        " — remove the link from the output folder"
    )
    assert list(elsewhere.iterdir()) == []
    assert tree(root / "build") == before


def test_fresh_build_refuses_a_linked_out_folder_even_when_its_files_are_the_same(tmp_path):
    root = make_site(tmp_path / "site", {"articles/2025/07/a.md": article("Budget")})
    assert build(root)[0] == 0
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(root / "build/2025", elsewhere)  # the same bytes, outside the output
    shutil.rmtree(root / "build/2025")
    (root / "build/2025").symlink_to(elsewhere, target_is_directory=True)
    code, _, err = build(root, "--fresh")
    assert code == 1
    assert "build/2025: this folder of the output is a link that leads outside it" in err


def test_a_late_worker_of_a_killed_build_cannot_stage_into_the_output(tmp_path):
    out = tmp_path / "build"
    writer = write.OutputWriter(out)
    assert writer.tree
    write.stage(writer.staging, "2025/07/20/a/index.html", b"staged")
    assert (writer.staging / "2025/07/20/a/index.html").read_bytes() == b"staged"
    write.OutputWriter(out)  # the next build removes every staging folder, the killed one's too
    assert not writer.staging.exists()
    for name in ("2025/07/20/b/index.html", "p7"):
        with pytest.raises(FileNotFoundError):
            write.stage(writer.staging, name, b"late")
    assert not writer.staging.exists()


def test_a_staged_file_gone_before_the_folders_move_fails_the_commit(tmp_path):
    out = tmp_path / "build"
    writer = write.OutputWriter(out)
    assert writer.add("index.html", b"home") and writer.add("2025/index.html", b"year")
    (writer.staging / "2025/index.html").unlink()
    with pytest.raises(FileNotFoundError):
        writer.commit()
    assert write.read_manifest(out) == {"index.html": "", "2025/index.html": ""}  # the next build redoes both


# -- drafts and scheduled articles -------------------------------------------
HIDDEN = {
    "articles/2025/07/draft.md": article(
        "Zanzibar Draft Headline",
        slug="zanzibar-draft",
        draft=True,
        author="Drafty Quill",
        section="Afghanistan",
        tags=["Quokkadraft", "Pakistan"],
        aliases=["/old-draft-url/"],
        summary="Unpublished summary one",
        body="Secret draft body sentence.\n",
    ),
    "articles/2025/07/scheduled.md": article(
        "Yellowstone Scheduled Headline",
        date="2025-07-22T09:00:00+05:00",
        slug="yellowstone-scheduled",
        author="Future Penman",
        tags=["Wombatscheduled", "Pakistan"],
        aliases=["/old-scheduled-url/"],
        body="Embargoed body sentence.\n",
    ),
    "pages/hidden-page.md": "---\ntitle: Kumquat Hidden Page\ndraft: true\n---\nHidden page body.\n",
}
SECRETS = [
    "Zanzibar",
    "zanzibar-draft",
    "Drafty Quill",
    "drafty-quill",
    "Quokkadraft",
    "quokkadraft",
    "old-draft-url",
    "Unpublished summary one",
    "Secret draft body",
    "Yellowstone",
    "yellowstone-scheduled",
    "Future Penman",
    "future-penman",
    "Wombatscheduled",
    "wombatscheduled",
    "old-scheduled-url",
    "Embargoed body",
    "Kumquat",
    "hidden-page",
]


def test_drafts_and_scheduled_articles_appear_nowhere(tmp_path):
    published = {
        f"articles/2025/07/story-{i}.md": article(
            f"Story {i}", date=f"2025-07-{10 + i}", tags=["Pakistan"], section="Pakistan"
        )
        for i in range(8)
    }
    root = make_site(tmp_path / "site", {**published, **HIDDEN})
    code, _, err = build(root)
    assert (code, err) == (0, "")
    files = tree(root / "build")
    assert len(files) > 20
    for rel, data in files.items():
        text = data.decode("utf-8", "replace").casefold()
        for secret in SECRETS:
            assert secret.casefold() not in text, f"{secret!r} leaked into {rel}"
            assert secret.casefold() not in rel.casefold(), f"{secret!r} leaked into the name {rel}"
    # Pakistan has 8 published stories; the held-back ones are not counted.
    tag_page = files["tags/pakistan/index.html"].decode()
    assert len(re.findall(r'<article class="card', tag_page)) <= 8

    # The same site with --drafts --future shows them: the test above is not vacuous.
    assert build(root, "--drafts", "--future", "--output", "preview")[0] == 0
    everything = "".join(d.decode("utf-8", "replace") for d in tree(root / "preview").values())
    assert all(secret in everything for secret in ("Zanzibar", "Yellowstone", "Kumquat", "Quokkadraft"))


# -- stale and foreign files ---------------------------------------------------
def test_stale_files_removed_foreign_files_kept_unless_clean(tmp_path):
    root = make_site(
        tmp_path / "site",
        TWO_STORIES,
    )
    assert build(root)[0] == 0
    out = root / "build"
    (out / "googleabc.html").write_text("verification", "utf-8")
    (out / ".git").mkdir()
    (out / ".git/config").write_text("[core]", "utf-8")
    (root / "content/articles/2025/07/b.md").unlink()
    assert build(root, "--fresh")[0] == 0  # --fresh trusts no manifest, and still removes stale ones
    assert not (out / "2025/07/20/floods").exists()
    assert not (out / "tags/swat").exists()
    assert (out / "googleabc.html").read_text("utf-8") == "verification"

    assert build(root, "--clean")[0] == 0
    assert not (out / "googleabc.html").exists()
    assert (out / ".git/config").read_text("utf-8") == "[core]"

    fresh = make_site(tmp_path / "fresh", {"articles/2025/07/a.md": article("Budget")})
    assert build(fresh)[0] == 0
    assert {k: v for k, v in tree(out).items() if not k.startswith(".git/")} == tree(fresh / "build")


def test_fresh_build_checks_every_file_and_rewrites_only_those_that_differ(tmp_path):
    root = make_site(
        tmp_path / "site",
        TWO_STORIES,
    )
    assert build(root)[0] == 0
    out = root / "build"
    good = tree(out)
    spoiled, linked, gone = out / "2025/07/20/budget/index.html", out / "tags/swat/index.html", out / "index.html"
    spoiled.write_bytes(spoiled.read_bytes().replace(b"Budget", b"Bidget"))  # same size, other bytes
    elsewhere = tmp_path / "elsewhere.html"
    elsewhere.write_bytes(linked.read_bytes())
    linked.unlink()
    linked.symlink_to(elsewhere)  # the same bytes, behind a link
    gone.unlink()
    pages = [
        rel for rel in good if not rel.startswith(".site-gen") and not (out / rel).is_symlink() and rel != "index.html"
    ]
    before = {rel: os.stat(out / rel).st_ino for rel in pages}
    code, stdout, _err = run_cli(root, "build", "--now", NOW_ARG, "--fresh")
    assert code == 0
    assert "3 files written" in stdout, stdout
    assert tree(out) == good
    assert not linked.is_symlink() and elsewhere.read_bytes() == good["tags/swat/index.html"]
    after = {rel: os.stat(out / rel).st_ino for rel in before}
    assert {rel for rel in before if after[rel] != before[rel]} == {"2025/07/20/budget/index.html"}


def test_first_build_into_an_empty_folder_moves_whole_folders_with_the_same_result(tmp_path, monkeypatch):
    files = TWO_STORIES
    first, other = make_site(tmp_path / "first", files), make_site(tmp_path / "other", files)
    (other / "build").mkdir()
    (other / "build/CNAME").write_text("news.example.org", "utf-8")  # not empty: file by file
    trees: list[bool] = []
    real_init = write.OutputWriter.__init__

    def spy(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        trees.append(self.tree)

    monkeypatch.setattr(write.OutputWriter, "__init__", spy)
    for root in (first, other):
        assert build_site(BuildOptions(root=root, now=NOW, jobs=1)).written > 0
    assert trees == [True, False]
    assert not (first / "build" / write.STAGING).exists()
    expected = tree(first / "build")
    assert {k: v for k, v in tree(other / "build").items() if k != "CNAME"} == expected


def test_failed_build_leaves_the_output_as_it_was(tmp_path):
    root = make_site(tmp_path / "site", {"articles/2025/07/a.md": article("Budget")})
    assert build(root)[0] == 0
    before = tree(root / "build")
    (root / "content/articles/2025/07/b.md").write_text(article("New story"), "utf-8")
    (root / "templates/article.html").write_text("{% extends 'base.html' %}{% block main %}{{ nope.x }}{% endblock %}")
    code, _, err = build(root)
    assert code == 1
    assert "template error" in err
    assert tree(root / "build") == before


# -- a build that stops halfway through its commit -----------------------------
class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs."""


def _counting_replace(real_replace, moves, limit):
    def replace(src, dst):
        # Files moved into the output (not the manifest, nor the cache's compiled templates).
        if not str(dst).endswith(write.MANIFEST) and ".site-gen-cache" not in str(dst):
            if len(moves) == limit:
                raise Killed
            moves.append(dst)
        return real_replace(src, dst)

    return replace


@pytest.mark.slow
@pytest.mark.parametrize("then", ["same content", "content reverted"])
@pytest.mark.parametrize("fraction", [0, 0.1, 0.5, 0.99])
def test_build_stopped_during_commit_is_finished_by_the_next(tmp_path, monkeypatch, fraction, then):
    """Killed while moving files into place; the next build gives the tree of a clean build.

    "content reverted": the editor undoes the change before the next build, so
    files the killed build added must be recognised as site-gen's and removed.
    """
    files = {
        f"articles/2025/07/s{i}.md": article(f"Story {i}", date=f"2025-07-{10 + i}", tags=[f"T{i % 3}"])
        for i in range(6)
    }
    root = make_site(tmp_path / "site", files)
    originals = {path: path.read_bytes() for path in (root / "content").rglob("*.md")}
    options = BuildOptions(root=root, now=NOW)
    build_site(options)
    old = tree(root / "build")
    # The next version: one story changed, one removed, one added.
    (root / "content/articles/2025/07/s1.md").write_text(article("Story 1 updated", date="2025-07-11"), "utf-8")
    (root / "content/articles/2025/07/s2.md").unlink()
    (root / "content/articles/2025/07/s9.md").write_text(article("Story 9", date="2025-07-19", tags=["T9"]), "utf-8")
    clean_root = make_site(tmp_path / "clean", {})
    for path in (root / "content").rglob("*.md"):
        target = clean_root / path.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    build_site(BuildOptions(root=clean_root, now=NOW))
    new = tree(clean_root / "build")

    real_replace = os.replace
    probe = tmp_path / "probe"
    shutil.copytree(root, probe, symlinks=True)
    all_moves: list = []
    monkeypatch.setattr(write.os, "replace", _counting_replace(real_replace, all_moves, None))
    build_site(BuildOptions(root=probe, now=NOW))
    assert len(all_moves) > 10

    monkeypatch.setattr(write.os, "replace", _counting_replace(real_replace, [], int(fraction * len(all_moves))))
    with pytest.raises(Killed):
        build_site(options)
    monkeypatch.setattr(write.os, "replace", real_replace)

    for rel, data in tree(root / "build").items():
        if rel.startswith((write.STAGING, write.MANIFEST)):
            continue
        assert data in (old.get(rel), new.get(rel)), f"{rel} is neither the old nor the new file"
    if then == "content reverted":
        for path in (root / "content").rglob("*.md"):
            path.unlink()
        for path, data in originals.items():
            path.write_bytes(data)
    build_site(options)
    assert tree(root / "build") == (new if then == "same content" else old)


def test_errors_from_the_writer_never_show_a_traceback(tmp_path):
    root = make_site(tmp_path / "site", {"articles/2025/07/a.md": article("Budget")})
    (root / "build").write_text("a file, not a folder", "utf-8")
    code, _, err = build(root)
    assert code == 1
    assert "Traceback" not in err
    assert err.splitlines()[0].startswith("--output: refusing to build into build")


def test_check_refuses_the_same_output_folders(tmp_path):
    root = make_site(tmp_path / "site", {"articles/2025/07/a.md": article("Budget")})
    with pytest.raises(BuildFailed):
        build_site(BuildOptions(root=root, output=root / "content", now=NOW))
    code, _, err = run_cli(root, "check", "--output", "content")
    assert code == 1
    assert err.startswith("--output: refusing to build into content (")
