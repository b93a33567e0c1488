"""The site's languages: configuration, CLDR dates, catalogues, translations, per-language pages."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from site_gen.build import build_site
from site_gen.config import parse_config
from site_gen.dates import local_digits, parse_moment, period_label, site_zone
from site_gen.errors import BuildFailed
from site_gen.model import Period
from site_gen.yamlload import load_mapping
from tests._site import CONFIG, NOW_ARG, article, make_site, run_cli

from .conftest import REPO, site_options
from .conftest import make_site as make_project

LANGUAGES = """\
language: en
languages:
  - {code: en, name: English}
  - {code: ur, name: اردو, direction: rtl}
  - {code: ps, name: پښتو, direction: rtl}
  - {code: fa, name: دری, direction: rtl, locale: fa_AF}
"""
A = "content/articles/2025/07/"


def config_errors(text: str) -> list[str]:
    try:
        parse_config(load_mapping(text), "site.yaml")
    except BuildFailed as failed:
        return [str(e) for e in failed.errors]
    return []


def test_languages_in_site_yaml():
    config = parse_config(load_mapping(CONFIG + LANGUAGES), "site.yaml")
    assert [item.code for item in config.languages] == ["en", "ur", "ps", "fa"]
    ur = config.language_of("ur-PK")
    assert (ur.name, ur.direction, ur.locale) == ("اردو", "rtl", "ur_PK")  # the region's locale by default
    assert config.locale_of("fa") == "fa_AF" and config.is_rtl("ps") and not config.is_rtl("en")
    assert config_errors(CONFIG + "languages: [{code: ur}]\n") == [
        "site.yaml:6: `languages` must include the default language `en` — add it, or change `language`"
    ]
    assert sorted(config_errors(CONFIG + "languages: [{code: en}, {code: ur, locale: xx_YY}, {code: en}]\n")) == [
        "site.yaml:6: the language `en` is listed twice",
        "site.yaml:6: unknown CLDR locale 'xx_YY' for `ur` — use a locale such as ur_PK, ps_AF or fa_AF",
    ]
    assert config_errors(CONFIG + "languages: [{code: en, font: 'x}</style>'}]\n") == [
        "site.yaml:6: `font` of `en` may hold only font names, quotes and commas"
    ]


def test_dates_month_names_and_digits_come_from_cldr():
    moment = parse_moment("2025-07-20T10:00:00+05:00", site_zone("Asia/Karachi"))
    assert moment.human() == "20 July 2025, 10:00 PKT"
    assert moment.human("ur_PK") == "20 جولائی، 2025 10:00 AM PKT"
    assert moment.human("ps_AF").startswith("۲۰ جولای ۲۰۲۵")  # Pashto writes Eastern Arabic digits
    assert moment.human("fa_AF").startswith("۲۰ جولای ۲۰۲۵")
    assert period_label(Period(2025, 7, None, "", ()), "ur_PK") == "جولائی 2025"
    assert local_digits("1 min", "en_GB") == "1 min" and local_digits("12", "ps_AF") == "۱۲"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The sample site (content/, site.yaml, the theme) built once."""
    out = tmp_path_factory.mktemp("sample") / "build"
    cache = out.parent / "cache"
    build_site(site_options(REPO, output=out, cache_dir=cache, now=None))
    return out


def test_each_language_gets_its_front_page_feeds_and_search(sample):
    for code in ("ur", "ps", "fa"):
        front = (sample / code / "index.html").read_text("utf-8")
        assert f'<html lang="{code}" dir="rtl">' in front
        assert f'<header class="masthead" dir="rtl" lang="{code}">' in front
        for feed in ("feed.xml", "rss.xml", "feed.json"):
            assert (sample / code / feed).is_file()
        atom = ET.parse(sample / code / "feed.xml").getroot()
        assert atom.get("{http://www.w3.org/XML/1998/namespace}lang") == code
        entries = atom.findall("{http://www.w3.org/2005/Atom}entry")
        assert entries and {e.get("{http://www.w3.org/XML/1998/namespace}lang") for e in entries} == {code}
        search = (sample / code / "search/index.html").read_text("utf-8")
        assert f'<html lang="{code}" dir="rtl">' in search
    assert "تلاش" in (sample / "ur/search/index.html").read_text("utf-8")
    assert (sample / "ps/tags/afghanistan/index.html").is_file()
    assert not (sample / "en").exists()  # the default language stays at /


def test_an_urdu_article_has_urdu_dates_and_labels(sample):
    html = (sample / "2024/11/25/peshawar-schools-winter-timings/index.html").read_text("utf-8")
    assert "25 نومبر، 2024" in html  # the Urdu month from CLDR
    assert "تحریر:" in html and "منٹ کا مطالعہ" in html
    assert '<meta property="og:locale" content="ur_PK">' in html
    assert '<meta property="og:locale:alternate" content="en_GB">' in html
    assert 'placeholder="تلاش"' in html  # the chrome is Urdu too


def _hreflangs(path: Path) -> dict[str, str]:
    html = path.read_text("utf-8")
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


def _file_of(site: Path, url: str) -> Path:
    rel = url.removeprefix("https://bulletin.example.org/")
    return site / (rel + "index.html" if rel.endswith("/") or not rel else rel)


def test_hreflang_links_are_reciprocal_and_point_at_pages_that_exist(sample):
    pages = [p for p in sample.rglob("index.html") if _hreflangs(p)]
    assert len(pages) >= 10  # two story pairs, four front pages, the shared sections and tags
    for page in pages:
        links = _hreflangs(page)
        assert "x-default" in links, page
        for url in links.values():
            target = _file_of(sample, url)
            assert target.is_file(), (page, url)
            assert _hreflangs(target) == links, (page, target)  # the same set, seen from each version
    english = _hreflangs(sample / "2024/11/25/peshawar-schools-announce-winter-timings/index.html")
    assert set(english) == {"en", "ur", "x-default"} and english["x-default"] == english["en"]
    pashto = _hreflangs(sample / "2025/07/23/nangarhar-farmers-solar-pumps/index.html")
    assert set(pashto) == {"ps", "fa", "x-default"}


def test_the_sitemap_lists_the_alternates(sample):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ET.parse(sample / "sitemap.xml").getroot()
    found = {}
    for url in root.findall("s:url", ns):
        found[url.find("s:loc", ns).text] = {a.get("hreflang"): a.get("href") for a in url.findall("x:link", ns)}
    for page in sample.rglob("index.html"):
        links = _hreflangs(page)
        if links:
            loc = next(url for url in links.values() if _file_of(sample, url) == page)
            assert found[loc] == links, loc


def test_a_language_switcher_links_the_versions(sample):
    html = (sample / "2025/07/23/nangarhar-farmers-solar-pumps-dari/index.html").read_text("utf-8")
    switcher = html[html.index('<nav class="versions"') :]
    switcher = switcher[: switcher.index("</nav>")]
    assert 'href="/2025/07/23/nangarhar-farmers-solar-pumps/" hreflang="ps" rel="alternate">پښتو</a>' in switcher
    assert '<span aria-current="page">دری</span>' in switcher


def _build_errors(tmp_path, files: dict) -> list[str]:
    root = make_project(tmp_path / "site", articles=files, config={"languages": [{"code": "en"}, {"code": "ur"}]})
    try:
        build_site(site_options(root))
    except BuildFailed as failed:
        return [str(e) for e in failed.errors]
    return []


def test_a_translation_that_names_no_story_is_an_error_at_its_line(tmp_path):
    files = {"a.md": {"title": "One", "translations": {"ur": "no-such-story"}}}
    assert _build_errors(tmp_path, files) == [
        "content/articles/a.md:4: the translation `ur: no-such-story` is no story"
        " — give the slug (or the file, articles/YYYY/MM/x.md) of the other-language story"
    ]


def test_a_translation_in_another_language_is_an_error(tmp_path):
    files = {
        "a.md": {"title": "One", "translations": {"ur": "two"}},
        "b.md": {"title": "دو", "slug": "two", "lang": "ps"},
    }
    assert _build_errors(tmp_path, files) == [
        "content/articles/a.md:4: the translation `ur: two` is in `ps`, not `ur`"
        " — write `ps: two`, or set `lang: ur` in content/articles/b.md"
    ]


def test_two_stories_claiming_one_translation_is_an_error(tmp_path):
    files = {
        "a.md": {"title": "One", "translations": {"ur": "two"}},
        "b.md": {"title": "دو", "slug": "two", "lang": "ur"},
        "c.md": {"title": "Three", "translations": {"ur": "two"}},
    }
    errors = _build_errors(tmp_path, files)
    assert errors == [
        "content/articles/a.md:4: content/articles/b.md is claimed as the `ur` translation of two stories in"
        " `en`: this one and content/articles/c.md — keep the link in one of them",
        "content/articles/c.md:4: content/articles/b.md is claimed as the `ur` translation of two stories in"
        " `en`: this one and content/articles/a.md — keep the link in one of them",
    ]


def test_one_side_of_a_link_is_enough_and_a_draft_translation_is_not_shown(tmp_path):
    files = {
        "a.md": {"title": "One", "date": "2025-07-20"},
        "b.md": {"title": "دو", "date": "2025-07-20", "slug": "two", "lang": "ur", "translations": {"en": "one"}},
    }
    assert _build_errors(tmp_path, files) == []
    english = tmp_path / "site/build/2025/07/20/one/index.html"
    assert 'hreflang="ur" href="https://example.org/2025/07/20/two/"' in english.read_text("utf-8")
    edit = tmp_path / "site/content/articles/b.md"
    edit.write_text(edit.read_text("utf-8").replace("title:", "draft: true\ntitle:"), "utf-8")
    build_site(site_options(tmp_path / "site"))
    assert "hreflang" not in english.read_text("utf-8")


def test_check_knows_the_languages(tmp_path):
    config = CONFIG + "languages: [{code: en}, {code: ur}]\n"
    files = {
        "articles/2025/07/a.md": article("One", lang="pa"),
        "articles/2025/07/b.md": article("Two", translations={"ur": "one"}),
    }
    root = make_site(tmp_path / "site", files, config=config)
    code, out, err = run_cli(root, "check", "--now", NOW_ARG)
    assert code == 1
    assert (
        f"{A}a.md:4: warning: unknown language `pa`: site.yaml lists en, ur"
        " — use one of them, or add the language to `languages` in site.yaml"
    ) in err
    assert f"{A}b.md:4: the translation `ur: one` is in `pa`, not `ur`" in err


def test_a_catalogue_missing_words_is_a_warning_and_its_pages_fall_back_word_by_word(tmp_path):
    config = CONFIG + "languages: [{code: en}, {code: ur}]\n"
    root = make_site(tmp_path / "site", {"articles/2025/07/a.md": article("ایک", slug="ek", lang="ur")}, config=config)
    po = root / "templates/locales/ur/LC_MESSAGES/messages.po"
    text = po.read_text("utf-8")
    po.write_text(text.replace('msgstr "تلاش"', 'msgstr ""').replace('msgstr "آرکائیو"', 'msgstr ""'), "utf-8")
    code, out, err = run_cli(root, "check", "--now", NOW_ARG)
    assert code == 0
    assert (
        "templates/locales/ur/LC_MESSAGES/messages.po: warning: 2 of the theme's words are not translated into"
        " `ur`: its pages show them in English — run `make messages`, then fill in the empty msgstr lines"
    ) in err
    code, out, err = run_cli(root, "build", "--now", NOW_ARG)
    assert code == 0, err
    html = (root / "build/ur/index.html").read_text("utf-8")
    assert 'placeholder="Search"' in html and ">Archive</a>" in html  # those two in English
    assert "خبریں تلاش کریں" in html  # the others still in Urdu
    shutil.rmtree(root / "templates/locales/ur")  # no catalogue at all: an English theme, no error
    code, out, err = run_cli(root, "build", "--now", NOW_ARG)
    assert code == 0, err
    assert "Search stories" in (root / "build/ur/index.html").read_text("utf-8")
