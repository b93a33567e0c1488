"""Reading the content folder (site_gen.load): which files are content, and problems with files."""

from pathlib import Path

from site_gen.load import find_sources, load_content
from tests.conftest import make_config, make_site


def test_hidden_files_and_folders_ending_in_md_are_not_content(site_dir):
    make_site(
        site_dir,
        articles={"2025/a.md": {"title": "A"}, ".#a.md": "lock", "2025/.a.md.swp.md": "swap", ".drafts/b.md": "x"},
        pages={"about.md": {"title": "About", "date": None}, ".about.md": "x"},
    )
    (site_dir / "content" / "articles" / "folder.md").mkdir()
    found = find_sources(site_dir / "content", site_dir)
    assert [(kind, where) for kind, _path, where in found] == [
        ("article", "content/articles/2025/a.md"),
        ("page", "content/pages/about.md"),
    ]
    assert all(Path(path).is_file() for _kind, path, _where in found)


def test_an_unreadable_file_is_an_error_not_a_crash(site_dir):
    make_site(site_dir, articles={"a.md": {"title": "A"}})
    (site_dir / "content" / "articles" / "gone.md").symlink_to(site_dir / "nowhere.md")
    loaded = load_content(site_dir / "content", make_config(), site_dir)
    assert [a.title for a in loaded.articles] == ["A"]
    assert [(e.line, e.message, e.hint) for e in loaded.errors] == [
        (0, "cannot read the file: No such file or directory", "check that it exists")
    ]


def test_missing_content_folder(site_dir):
    site_dir.mkdir()
    loaded = load_content(site_dir / "content", make_config(), site_dir)
    assert [str(e) for e in loaded.errors] == ["content: content folder not found — pass --content DIR"]


def test_reading_leaves_no_garbage_for_the_cyclic_collector(site_dir):
    """Builds pause the cyclic collector while they read: reading a file must free what it made."""
    import gc

    make_site(
        site_dir,
        articles={f"2025/s{n}.md": {"title": f"Story {n}", "tags": ["Floods", "Kabul"]} for n in range(20)},
    )
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        loaded = load_content(site_dir / "content", make_config(), site_dir)
        assert len(loaded.articles) == 20
        del loaded
        assert gc.collect() == 0
    finally:
        if enabled:
            gc.enable()


def test_a_term_name_with_no_letter_or_digit_is_an_error_not_dropped(site_dir):
    """A tag, section or author of punctuation alone has no address for its page: the editor is
    told on its line, rather than the story losing it without a word."""
    text = "---\ntitle: A\ndate: 2025-07-20\ntags: [Trade, ':']\ncategory: '!!'\nauthor: '--'\n---\n\nText.\n"
    make_site(site_dir, articles={"a.md": text.encode()})
    loaded = load_content(site_dir / "content", make_config(), site_dir)
    assert [(e.line, e.message) for e in loaded.errors] == [
        (6, "`author` names '--': it has no letter or digit to make its page's address from"),
        (5, "`category` names '!!': it has no letter or digit to make its page's address from"),
        (4, "`tags` names ':': it has no letter or digit to make its page's address from"),
    ]
    assert all(e.hint == "write the name in words, or remove it" for e in loaded.errors)
