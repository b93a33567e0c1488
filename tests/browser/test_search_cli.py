"""`site-gen build --search` indexes the built site; a failure to index is an error."""

from __future__ import annotations

from conftest import NOW, SITE

from site_gen.cli import main


def test_build_with_search_writes_the_pagefind_bundle(tmp_path, capsys):
    args = ["--config", str(SITE / "site.yaml"), "--content", str(SITE / "content"), "--output", str(tmp_path / "out")]
    code = main(["build", *args, "--now", NOW.isoformat(), "--search"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Search: indexed 5 pages" in out
    assert (tmp_path / "out/pagefind/pagefind.js").is_file()
    assert list((tmp_path / "out/pagefind").glob("pagefind-entry.json"))


def test_build_without_search_leaves_no_index(tmp_path, capsys):
    args = ["--config", str(SITE / "site.yaml"), "--content", str(SITE / "content"), "--output", str(tmp_path / "out")]
    assert main(["build", *args, "--now", NOW.isoformat()]) == 0
    assert "Search:" not in capsys.readouterr().out
    assert not (tmp_path / "out/pagefind").exists()


def test_search_failure_is_reported_and_changes_nothing(tmp_path, capsys, monkeypatch):
    import site_gen.search as search

    def broken(site, bundle, lang, timeout=search.TIMEOUT):
        raise search.SearchIndexFailed("Pagefind failed (exit 1): no html")

    args = ["--config", str(SITE / "site.yaml"), "--content", str(SITE / "content"), "--output", str(tmp_path / "out")]
    assert main(["build", *args, "--now", NOW.isoformat(), "-q"]) == 0
    before = sorted(p.relative_to(tmp_path).as_posix() for p in (tmp_path / "out").rglob("*"))
    monkeypatch.setattr(search, "_run_pagefind", broken)
    assert main(["build", *args, "--now", NOW.isoformat(), "--search", "-q"]) == 1
    err = capsys.readouterr().err
    assert "pagefind/: the search index could not be made: Pagefind failed (exit 1): no html" in err
    assert "the output folder was left as it was" in err
    assert sorted(p.relative_to(tmp_path).as_posix() for p in (tmp_path / "out").rglob("*")) == before
