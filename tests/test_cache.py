"""The cache keeps body HTML while parsing (site_gen.load, site_gen.cache)."""

import shutil

from site_gen import load
from site_gen.build import build_site
from site_gen.cache import Cache

from .conftest import article_text, make_site, site_options, snapshot


def _site(folder):
    return {k: v for k, v in snapshot(folder).items() if not k.startswith(".site-gen")}


def test_bodies_go_to_the_cache_while_parsing_or_stay_with_the_build_when_it_cannot_store(tmp_path, monkeypatch):
    """A large build keeps body HTML in the cache, not in memory; a cache that refuses it changes nothing."""
    monkeypatch.setattr(load, "PARALLEL_PARSE_MIN", 3)
    texts = {f"s{n}.md": article_text(f"Story {n}", body=f"Body *{n}*.\n") for n in range(5)}
    root = make_site(tmp_path / "site", articles=texts)
    reference = tmp_path / "reference"
    build_site(site_options(root, output=reference, cache_dir=None))
    stored = []
    real = Cache.put_bodies
    monkeypatch.setattr(Cache, "put_bodies", lambda self, pairs: stored.extend(pairs) or real(self, pairs))
    build_site(site_options(root, jobs=1))
    assert len(stored) == 5 and _site(root / "build") == _site(reference)
    monkeypatch.setattr(Cache, "put_bodies", lambda self, pairs: False)
    build_site(site_options(root, jobs=1, fresh=True, output=tmp_path / "again"))
    assert _site(tmp_path / "again") == _site(reference)


def test_the_scan_signature_is_stat_signature(tmp_path):
    """In every folder (each stat-ed through the folder it is in), and a file or folder gone
    since it was found is stale, with no signature."""
    from site_gen.sources import scan_sources, stat_signature

    names = ["a.md", "x/b.md", "x/c.md", "x/y/d.md", "x/e.md", "z/f.md", "gone/g.md"]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name, "utf-8")
    table = {name: (stat_signature(tmp_path / name), "h") for name in names}
    (tmp_path / "x/c.md").unlink()
    shutil.rmtree(tmp_path / "gone")
    found = [("article", str(tmp_path / name), name) for name in [*names, "new.md"]]
    (tmp_path / "new.md").write_text("new", "utf-8")
    scan = scan_sources(found, table)
    here = [name for name in names if name not in ("x/c.md", "gone/g.md")]
    assert scan.signatures == {str(tmp_path / name): stat_signature(tmp_path / name) for name in [*here, "new.md"]}
    assert [where for _kind, _path, where in scan.stale] == ["x/c.md", "gone/g.md", "new.md"]
    assert scan.known == len(names)


def test_fresh_starts_from_a_new_database_file_and_keeps_only_this_builds_rows(tmp_path):
    """--fresh does not delete the old rows one table at a time: the file is made anew."""
    import sqlite3

    texts = {f"s{n}.md": article_text(f"Story {n}", body=f"Body *{n}*.\n") for n in range(6)}
    root = make_site(tmp_path / "site", articles=texts)
    build_site(site_options(root))
    database = root / ".site-gen-cache" / "cache.sqlite"
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE left_by_an_old_version (x)")
    (root / "content/articles/s5.md").unlink()
    build_site(site_options(root, fresh=True))
    with sqlite3.connect(database) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        sources = [path for (path,) in db.execute("SELECT path FROM sources")]
    assert "left_by_an_old_version" not in tables and "sources" in tables
    assert len(sources) == 5 and not any(path.endswith("s5.md") for path in sources)
    assert not build_site(site_options(root)).rendered, "the new cache serves the next build"


def test_a_cache_made_by_other_code_starts_empty(tmp_path, monkeypatch):
    """Another checkout of site_gen (or an upgraded library) may render other bytes: its cache is
    not trusted, every page is rendered again, and the site equals a clean build."""
    from site_gen import cache

    root = make_site(tmp_path / "site", articles={"a.md": article_text("A story", body="Text.\n")})
    build_site(site_options(root, jobs=1))
    again = build_site(site_options(root, jobs=1))
    assert again.rendered == 0  # same code: the cache holds
    monkeypatch.setattr(cache, "code_key", lambda: "other code")
    other = build_site(site_options(root, jobs=1))
    assert other.pages > 0 and other.rendered == other.pages  # a build with nothing to do reports no pages
    assert build_site(site_options(root, jobs=1)).rendered == 0  # and the new cache holds for that code
