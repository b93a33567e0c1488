"""The search index is part of the build: all or nothing, never stale (needs Pagefind, not Chromium)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests._site import NOW_ARG, article, make_site, tree
from tests.conftest import run_cli, search_index_text

pytestmark = pytest.mark.slow  # real builds, processes and Pagefind: not in make test-fast

SECRET = "Zanzibarian legal takedown phrase"


def _site(tmp_path: Path) -> Path:
    files = {
        f"articles/story-{i}.md": article(f"Story {i}", date=f"2025-07-{10 + i}", body=f"Body {i}.\n") for i in range(4)
    }
    files["articles/secret.md"] = article("The Secret Story", date="2025-07-19", body=f"{SECRET} in the body.\n")
    return make_site(tmp_path / "site", files)


def _build(root: Path, *args: str) -> tuple[int, str, str]:
    return run_cli(root, "build", "--now", NOW_ARG, *args)


def test_a_story_taken_down_leaves_the_index(tmp_path):
    root = _site(tmp_path)
    assert _build(root, "--search")[0] == 0
    assert SECRET in search_index_text(root / "build")
    path = root / "content/articles/secret.md"
    path.write_text(path.read_text("utf-8").replace("date:", "draft: true\ndate:", 1), "utf-8")
    code, out, _err = _build(root, "--search")
    assert code == 0
    assert "Search: indexed 4 pages" in out
    assert SECRET not in search_index_text(root / "build")
    assert "the-secret-story" not in search_index_text(root / "build")


def test_a_body_edit_is_indexed_again(tmp_path):
    root = _site(tmp_path)
    assert _build(root, "--search")[0] == 0
    path = root / "content/articles/story-1.md"
    path.write_text(path.read_text("utf-8").replace("Body 1.", "Pomegranates arrived."), "utf-8")
    assert _build(root, "--search")[0] == 0
    assert "Pomegranates arrived" in search_index_text(root / "build")
    assert "Body 1." not in search_index_text(root / "build")


def test_the_index_is_kept_when_its_pages_did_not_change(tmp_path):
    root = _site(tmp_path)
    assert _build(root, "--search")[0] == 0
    before = {rel: data for rel, data in tree(root / "build").items() if rel.startswith("pagefind/")}
    os.utime(root / "content/articles/story-1.md", (time.time() + 5, time.time() + 5))  # read again, same bytes
    assert _build(root, "--search")[0] == 0
    # Pagefind's output differs from run to run: the same bytes mean the files were kept.
    assert {rel: data for rel, data in tree(root / "build").items() if rel.startswith("pagefind/")} == before


def test_a_build_without_search_removes_the_index(tmp_path):
    root = _site(tmp_path)
    assert _build(root, "--search")[0] == 0
    assert (root / "build/pagefind/pagefind.js").is_file()
    code, out, _err = _build(root)
    assert code == 0
    assert "Search:" not in out
    assert not (root / "build/pagefind").exists()


def test_a_failing_search_build_changes_nothing(tmp_path, monkeypatch):
    root = _site(tmp_path)
    assert _build(root, "--search")[0] == 0
    before = tree(root / "build")
    path = root / "content/articles/story-1.md"
    path.write_text(path.read_text("utf-8").replace("Body 1.", "Pomegranates arrived."), "utf-8")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", "/bin/false")  # Pagefind fails
    code, _out, err = _build(root, "--search")
    assert code == 1
    assert "pagefind/: the search index could not be made: Pagefind failed (exit 1)" in err
    assert "Traceback" not in err
    assert tree(root / "build") == before
    monkeypatch.delenv("PAGEFIND_BINARY_PATH")
    assert _build(root, "--search")[0] == 0  # the cause fixed, the next build succeeds
    assert "Pomegranates arrived" in search_index_text(root / "build")


def test_an_alias_on_the_index_is_an_error_before_anything_is_written(tmp_path):
    root = _site(tmp_path)
    (root / "content/articles/alias.md").write_text(
        article("Alias Story", date="2025-07-18", aliases=["/pagefind/pagefind.js"]), "utf-8"
    )
    started = time.monotonic()
    code, _out, err = _build(root, "--search")
    assert time.monotonic() - started < 60
    assert code == 1
    assert (
        "content/articles/alias.md:4: the alias /pagefind/pagefind.js/ is in /pagefind/, which holds the search"
        " index: /pagefind/pagefind.js/" in err
    )
    assert not (root / "build").exists()


def test_an_alias_on_the_index_changes_nothing_over_a_search_build(tmp_path):
    root = _site(tmp_path)
    assert _build(root, "--search")[0] == 0
    before = tree(root / "build")
    (root / "content/articles/alias.md").write_text(
        article("Alias Story", date="2025-07-18", aliases=["/pagefind/"]), "utf-8"
    )
    code, _out, err = _build(root, "--search")
    assert code == 1
    assert "content/articles/alias.md:4: the alias /pagefind/ is in /pagefind/" in err
    assert tree(root / "build") == before
