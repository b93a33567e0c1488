"""site.yaml (site_gen.config): defaults, checks, every problem at once."""

from pathlib import Path

import pytest

from site_gen.config import Config, Publisher, load_config, override
from site_gen.errors import BuildFailed


def read(tmp_path: Path, text: str | bytes) -> Config:
    path = tmp_path / "site.yaml"
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return load_config(path, "site.yaml")


def problems(tmp_path: Path, text: str | bytes) -> list[str]:
    with pytest.raises(BuildFailed) as caught:
        read(tmp_path, text)
    return [str(e) for e in caught.value.errors]


def test_defaults(tmp_path):
    config = read(tmp_path, "title: The Bulletin\nbase_url: https://example.org\n")
    assert config.title == "The Bulletin"
    assert config.base_url == "https://example.org/"
    assert config.base_path == "/"
    assert config.description == ""
    assert config.language == "en"
    assert config.timezone == "Asia/Karachi"
    assert config.per_page == 10
    assert config.publisher == Publisher("The Bulletin")
    assert config.menu == ()
    assert config.raw_html is False
    assert len(config.source_hash) == 32


def test_every_field(tmp_path):
    config = read(
        tmp_path,
        "title: No\n"
        "description: News\n"
        "base_url: https://example.org/news\n"
        "language: ur\n"
        "timezone: Asia/Kabul\n"
        "per_page: 3\n"
        "publisher: {name: Frontier Media, logo: /images/logo.svg}\n"
        "menu: [' Pakistan ', Business]\n"
        "raw_html: true\n",
    )
    assert config.title == "No"  # a title, not false
    assert config.base_url == "https://example.org/news/"
    assert config.base_path == "/news/"
    assert (config.language, config.timezone, config.per_page) == ("ur", "Asia/Kabul", 3)
    assert config.publisher == Publisher("Frontier Media", "/images/logo.svg")
    assert config.menu == ("Pakistan", "Business")
    assert config.raw_html is True


def test_publisher_without_name_takes_the_title(tmp_path):
    config = read(tmp_path, "title: T\nbase_url: https://x.org/\npublisher: {logo: /l.svg}\n")
    assert config.publisher == Publisher("T", "/l.svg")


def test_rtl_languages(tmp_path):
    config = read(tmp_path, "title: T\nbase_url: https://x.org/\n")
    assert [config.is_rtl(lang) for lang in ("ur", "ps", "fa", "ar", "ur-PK", "UR", "en", "uz")] == [
        True,
        True,
        True,
        True,
        True,
        True,
        False,
        False,
    ]


def test_every_problem_is_reported_at_once_with_its_line(tmp_path):
    text = (
        "title: [The, Bulletin]\n"  # 1
        "base_url: example.org\n"  # 2
        "languge: en\n"  # 3
        "timezone: Asia/Lahore\n"  # 4
        "per_page: ten\n"  # 5
        "raw_html: maybe\n"  # 6
        "menu: Pakistan\n"  # 7
        "colour: red\n"  # 8
        "publisher: {name: X, url: y}\n"  # 9
    )
    assert problems(tmp_path, text) == [
        "site.yaml:1: `title` must be text, not ['The', 'Bulletin']",
        "site.yaml:2: `base_url` must be an absolute http(s) URL, not 'example.org' — e.g. https://news.example.org/",
        "site.yaml:3: unknown key `languge` — did you mean `language`?",
        "site.yaml:4: unknown time zone 'Asia/Lahore' — use an IANA name such as Asia/Karachi",
        "site.yaml:5: `per_page` must be a whole number, not 'ten'",
        "site.yaml:6: `raw_html` must be true or false, not 'maybe'",
        "site.yaml:7: `menu` must be a list, not 'Pakistan'",
        "site.yaml:8: unknown key `colour` — known keys: base_url, description, feed_items, language, languages, menu, offline_stories, per_page, publisher, raw_html, share_cards_days, sitemap_limit, timezone, title",
        "site.yaml:9: unknown key `url` under `publisher` — known keys: icon, logo, name",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title: T\nbase_url: https://x.org/\nper_page: 0\n", "site.yaml:3: `per_page` must be at least 1"),
        (
            "title: T\nbase_url: https://x.org/\nper_page: true\n",
            "site.yaml:3: `per_page` must be a whole number, not True",
        ),
        (
            "title: T\nbase_url: https://x.org/\nper_page: 2.5\n",
            "site.yaml:3: `per_page` must be a whole number, not 2.5",
        ),
        (
            "title: T\nbase_url: ftp://x.org/\n",
            "site.yaml:2: `base_url` must be an absolute http(s) URL, not 'ftp://x.org/' — e.g. https://news.example.org/",
        ),
        ("title: T\nbase_url: https://x.org/\nmenu: [A, '']\n", "site.yaml:3: `menu` must be a list of section names"),
        (
            "title: T\nbase_url: https://x.org/\npublisher: {name: [A]}\n",
            "site.yaml:3: `publisher.name`, `publisher.logo` and `publisher.icon` must be text",
        ),
        (
            "title: T\nbase_url: https://x.org/\npublisher: Frontier\n",
            "site.yaml:3: `publisher` must be a mapping, not 'Frontier'",
        ),
    ],
)
def test_one_problem(tmp_path, text, message):
    assert problems(tmp_path, text) == [message]


def test_required_keys(tmp_path):
    expected = ["site.yaml: `base_url` is required", "site.yaml: `title` is required"]
    assert problems(tmp_path, "description: x\n") == expected
    assert problems(tmp_path, "") == expected


def test_yaml_errors(tmp_path):
    assert problems(tmp_path, "title: T\ntitle: U\n") == [
        "site.yaml:2: `title` is given twice — keep one `title:` line"
    ]
    assert problems(tmp_path, "- a\n- b\n") == ["site.yaml:1: expected `key: value` lines, found a list"]
    assert problems(tmp_path, "title: T\n  base_url: x: y\n")[0].startswith("site.yaml:2: YAML syntax error:")


def test_not_utf8_and_missing_file(tmp_path):
    assert problems(tmp_path, b"title: Caf\xe9\n") == ["site.yaml: not UTF-8 text — save the file as UTF-8"]
    with pytest.raises(BuildFailed) as caught:
        load_config(tmp_path / "nowhere.yaml", "nowhere.yaml")
    assert [str(e) for e in caught.value.errors] == [
        "nowhere.yaml: configuration file not found — create site.yaml or pass --config FILE"
    ]


def test_utf8_bom_is_accepted(tmp_path):
    assert read(tmp_path, "\ufefftitle: بلیٹن\nbase_url: https://x.org/\n".encode()).title == "بلیٹن"


def test_override_base_url(tmp_path):
    config = read(tmp_path, "title: T\nbase_url: https://x.org/\n")
    changed = override(config, base_url="http://127.0.0.1:8000/preview", drafts=None)
    assert changed.base_url == "http://127.0.0.1:8000/preview/"
    assert changed.base_path == "/preview/"
    assert override(config, base_url=None) == config
