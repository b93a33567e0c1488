"""Smoke test of the bench corpus (bench/corpus.py): deterministic, and a site that builds."""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from datetime import datetime
from pathlib import Path

import pytest

from site_gen.build import BuildOptions, build_site
from site_gen.frontmatter import split_front_matter
from site_gen.yamlload import load_mapping

REPO = Path(__file__).resolve().parent.parent


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", REPO / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


corpus = _load("corpus")


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("corpus") / "site"
    corpus.generate(out, n=20, seed=7)
    return out


def test_same_seed_and_n_give_identical_files(site, tmp_path):
    again = tmp_path / "again"
    corpus.generate(again, n=20, seed=7)
    assert _tree(again) == _tree(site)
    other = tmp_path / "other"
    corpus.generate(other, n=20, seed=8)
    assert _tree(other) != _tree(site)


def test_articles_have_the_design_front_matter_and_unique_slugs(site):
    files = sorted((site / "content" / "articles").rglob("*.md"))
    assert len(files) == 20
    assert len({f.stem for f in files}) == 20
    sections, words = set(), []
    for path in files:
        parts = split_front_matter(path.read_text("utf-8"), path.name)
        fields = {k: v.value for k, v in load_mapping(parts.yaml).items()}
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:00\+05:00", fields["date"])
        assert path.parent.as_posix().endswith(fields["date"][:7].replace("-", "/"))
        assert 1 <= len(fields["tags"]) <= 4
        assert fields.get("section", fields.get("category")) in corpus.SECTIONS
        assert "## " in parts.body and "](" in parts.body
        words.append(len(parts.body.split()))
        sections.add(fields.get("section", fields.get("category")))
    assert min(words) >= 450 and max(words) <= 1000
    assert len(sections) > 1
    assert "menu: [" + ", ".join(corpus.SECTIONS) + "]" in (site / "site.yaml").read_text("utf-8")


def test_corpus_builds_and_its_links_between_articles_resolve(site):
    report = build_site(BuildOptions(root=site, now=datetime.fromisoformat(corpus.NOW)))
    assert report.articles == 20
    assert report.scheduled == 0 and report.drafts == 0
    build = site / "build"
    internal = set()
    for page in build.glob("20*/*/*/*/index.html"):
        internal.update(re.findall(r'href="(/20\d\d/\d\d/\d\d/[a-z0-9-]+/)"', page.read_text("utf-8")))
    assert internal, "articles link to earlier articles"
    missing = [url for url in internal if not (build / url.strip("/") / "index.html").is_file()]
    assert missing == []


def test_generating_again_rewrites_only_what_differs_and_removes_what_does_not_belong(tmp_path):
    """The bench regenerates its corpus before every run: files already right are left alone (no
    delete-and-rewrite, which slows this disk's next file creations), an edited article gets its
    bytes back and an article a bench run added is removed."""
    reference, again = tmp_path / "reference", tmp_path / "again"
    corpus.generate(reference, n=20, seed=7)
    corpus.generate(again, n=20, seed=7)
    articles = sorted((again / "content" / "articles").rglob("*.md"))
    untouched, edited = articles[0], articles[1]
    os.utime(untouched, ns=(10**18, 10**18))  # a rewrite would give it the time of now
    edited.write_text("changed\n", "utf-8")
    added = again / "content" / "articles" / "2030" / "01" / "added.md"
    added.parent.mkdir(parents=True)
    added.write_text("---\ntitle: Added\n---\n", "utf-8")
    (again / "templates" / "article.html").write_text("changed", "utf-8")
    corpus.generate(again, n=20, seed=7)
    assert _tree(again) == _tree(reference)
    assert untouched.stat().st_mtime_ns == 10**18
    assert not (again / "content" / "articles" / "2030").exists()


def test_generating_writes_and_deletes_only_inside_the_corpus_folder(tmp_path):
    """A symbolic link in the corpus is removed, not followed: nothing outside is written or deleted."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.txt").write_text("keep me", "utf-8")
    site = tmp_path / "site"
    site.mkdir()
    (site / "content").symlink_to(outside, target_is_directory=True)
    deleted: list = []
    corpus.generate(site, n=5, seed=7, deleted=deleted)
    assert [p.name for p in outside.iterdir()] == ["precious.txt"]
    assert not (site / "content").is_symlink() and len(list((site / "content" / "articles").rglob("*.md"))) == 5
    assert site / "content" in deleted
    (site / "content" / "articles" / "linked.md").symlink_to(outside / "precious.txt")
    added = next((site / "content" / "articles").rglob("*.md")).with_name("added.md")
    added.write_text("---\ntitle: Added\n---\n", "utf-8")
    deleted.clear()
    corpus.generate(site, n=5, seed=7, deleted=deleted)
    assert (outside / "precious.txt").read_text("utf-8") == "keep me"
    assert sorted(p.name for p in deleted) == ["added.md", "linked.md"]
