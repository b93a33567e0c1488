"""Feeds, sitemaps and metadata, one rule at a time."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest

from site_gen import feeds, sitemaps
from site_gen.collect import collect_site
from site_gen.config import parse_config
from site_gen.errors import BuildFailed
from site_gen.load import parse_article
from site_gen.plan import Page, plan_pages
from site_gen.render import Renderer
from site_gen.yamlload import load_mapping
from tests.seo_helpers import BASE_URL, NOW, REPO, article, build, write_generated_site

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"


def config_of(text: str = ""):
    base = f"title: Bulletin\nbase_url: {BASE_URL}\npublisher: {{name: Bulletin, logo: /images/logo.svg}}\n"
    return parse_config(load_mapping(base + text), "site.yaml")


def load(text: str, where: str = "content/articles/2025/07/story.md", config=None):
    return parse_article(text.encode(), where, config or config_of())[0]


# -- stable ids ----------------------------------------------------------------


def test_entry_id_survives_editing_the_title_slug_time_and_body():
    config = config_of()
    first = load(article("Old Headline", "2025-07-20T09:00:00+05:00", "Body."))
    edited = load(
        article("A New Headline", "2025-07-20T17:45:00+05:00", "Another body.", slug="new-slug", summary="Else")
    )
    assert first.path != edited.path
    assert feeds.entry_id(first, config) == feeds.entry_id(edited, config)
    assert feeds.entry_id(first, config) == "tag:bulletin.example.org,2025-07-20:articles/2025/07/story"


def test_entry_id_changes_with_the_file_or_day_unless_pinned_in_front_matter():
    config = config_of()
    text = article("Headline", "2025-07-20T09:00:00+05:00", "Body.")
    moved = load(text, "content/articles/2025/08/story.md")
    assert feeds.entry_id(moved, config).endswith(":articles/2025/08/story")
    pinned = load(
        article("Headline", "2025-07-21", "Body.", id="tag:bulletin.example.org,2025-07-20:articles/2025/07/story"),
        "content/articles/2025/08/story.md",
    )
    assert feeds.entry_id(pinned, config) == "tag:bulletin.example.org,2025-07-20:articles/2025/07/story"
    short = load(article("Headline", "2025-07-21", "Body.", id="budget-story"))
    assert feeds.entry_id(short, config) == "tag:bulletin.example.org,2025-07-21:budget-story"


def test_entry_id_percent_encodes_non_ascii_file_names():
    a = load(article("خبر", "2025-07-20", "متن"), "content/articles/2025/خبر.md")
    assert feeds.entry_id(a, config_of()) == ("tag:bulletin.example.org,2025-07-20:articles/2025/%D8%AE%D8%A8%D8%B1")


def test_bodies_in_feeds_get_absolute_links():
    html = '<p><a href="/about/">a</a> <a href="//cdn.example/x">b</a> <img src="/i.png"> <a href="#fn1">1</a></p>'
    assert feeds.absolute_links(html, "https://x.org/news/", "https://x.org/news/a/") == (
        '<p><a href="https://x.org/news/about/">a</a> <a href="//cdn.example/x">b</a> '
        '<img src="https://x.org/news/i.png"> <a href="https://x.org/news/a/#fn1">1</a></p>'
    )
    # A root-relative link is a site path (issue 19, case 3); one written with the prefix is kept.
    assert (
        feeds.absolute_links('<a href="/news/about/">', "https://x.org/news/", "")
        == '<a href="https://x.org/news/about/">'
    )


def test_feeds_keep_few_bodies_and_write_the_same_bytes(tmp_path, monkeypatch):
    """Feed entry bodies are kept for the next feeds only up to :attr:`Renderer.FEED_BODIES`:
    with room for one, every feed is the same as with room for all."""
    from site_gen.build import build_site
    from tests.conftest import make_site, site_options
    from tests.test_incremental import story, tree

    root = make_site(tmp_path / "site", articles={f"s{n}.md": story(n) for n in range(8)})
    build_site(site_options(root, output=tmp_path / "all", cache_dir=None, jobs=1))
    monkeypatch.setattr(Renderer, "FEED_BODIES", 1)
    made = []
    real = Renderer.feed_body
    monkeypatch.setattr(Renderer, "feed_body", lambda self, ref: made.append(len(self._feed_bodies)) or real(self, ref))
    build_site(site_options(root, output=tmp_path / "one", cache_dir=None, jobs=1))
    assert made and max(made) <= 1
    assert tree(tmp_path / "one") == tree(tmp_path / "all")


# -- configuration ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("feed_items: 0", "site.yaml:4: `feed_items` must be at least 1"),
        ("feed_items: many", "site.yaml:4: `feed_items` must be a whole number, not 'many'"),
        ("sitemap_limit: 60000", "site.yaml:4: `sitemap_limit` must be between 1 and 50000"),
    ],
)
def test_feed_and_sitemap_settings_are_checked(text, message):
    with pytest.raises(BuildFailed) as failed:
        config_of(text)
    assert str(failed.value.errors[0]).startswith(message)


def test_feed_items_sets_the_length_of_every_feed(tmp_path):
    root = write_generated_site(tmp_path, count=12, feed_items=3)
    out = build(root, tmp_path / "out")
    assert len(json.loads((out / "feed.json").read_text("utf-8"))["items"]) == 3
    assert len(ET.parse(out / "feed.xml").getroot().findall(ATOM + "entry")) == 3
    assert len(ET.parse(out / "rss.xml").getroot().findall("channel/item")) == 3
    assert len(ET.parse(out / "sections/pakistan/feed.xml").getroot().findall(ATOM + "entry")) == 3


# -- sitemaps -------------------------------------------------------------------------


def test_sitemap_becomes_an_index_past_the_limit(tmp_path):
    root = write_generated_site(tmp_path, count=30, extra_config="sitemap_limit: 25\n")
    out = build(root, tmp_path / "out")
    index = ET.parse(out / "sitemap.xml").getroot()
    assert index.tag == SM + "sitemapindex"
    locs = [s.find(SM + "loc").text for s in index.findall(SM + "sitemap")]
    assert len(locs) >= 3
    assert locs == [f"{BASE_URL}sitemap-{n}.xml" for n in range(1, len(locs) + 1)]
    listed = []
    for n in range(1, len(locs) + 1):
        part = ET.parse(out / f"sitemap-{n}.xml").getroot()
        assert part.tag == SM + "urlset"
        urls = part.findall(SM + "url")
        assert 1 <= len(urls) <= 25
        listed += [u.find(SM + "loc").text for u in urls]
        lastmods = [u.find(SM + "lastmod").text for u in urls if u.find(SM + "lastmod") is not None]
        entry = index.findall(SM + "sitemap")[n - 1].find(SM + "lastmod")
        assert entry is not None and entry.text in lastmods
    assert len(listed) == len(set(listed)) > 50
    assert f"{BASE_URL}about/" in listed and f"{BASE_URL}404.html" not in listed


def sitemap_pages(pages, config, **limits) -> list[Page]:
    files = sitemaps.sitemap_files(pages, config, **limits)
    return [Page(path, template, make=make, deps=deps) for path, template, make, deps in files]


def test_sitemap_parts_stay_under_the_byte_limit():
    config = config_of()
    pages = [(f"2025/07/20/story-{n:05d}/", "2025-07-20T09:00:00+05:00") for n in range(300)]
    outputs = sitemap_pages(pages, config, max_bytes=10_000)
    assert outputs[0].path == "sitemap.xml" and outputs[0].template == "sitemaps/index.xml"
    parts = outputs[1:]
    assert sum(len(p.context["entries"]) for p in parts) == 300
    renderer = Renderer(REPO / "templates", {})
    for part in parts:
        data = renderer.render(part)
        assert len(data) <= 10_000
        assert len(data) > 10_000 * 0.8 or part is parts[-1]
        ET.fromstring(data)


def test_one_sitemap_when_within_the_limits():
    outputs = sitemap_pages([("", None), ("about/", "2025-07-01")], config_of())
    assert [(o.path, o.template) for o in outputs] == [("sitemap.xml", "sitemaps/urlset.xml")]
    assert outputs[0].context["entries"] == [
        {"loc": BASE_URL, "lastmod": None},
        {"loc": BASE_URL + "about/", "lastmod": "2025-07-01"},
    ]


def news_site(*dates: str, lang: str = "en"):
    config = config_of()
    articles = [
        load(article(f"Story {n}", d, "Body.", lang=lang), f"content/articles/s{n}.md") for n, d in enumerate(dates)
    ]
    return collect_site(articles, [], NOW, future=True), config


def test_news_sitemap_takes_the_48_hours_before_now():
    site, config = news_site(
        "2025-07-21T12:00:00+05:00",  # now: in
        "2025-07-19T12:00:01+05:00",  # just inside
        "2025-07-19T12:00:00+05:00",  # exactly 48 hours: out
        "2025-07-21T12:00:01+05:00",  # after now (scheduled, built with --future): out
    )
    out = sitemaps.news_output(site, config, NOW)
    assert [e["title"] for e in out.context["entries"]] == ["Story 0", "Story 1"]
    assert out.context["entries"][0]["date"] == "2025-07-21T12:00:00+05:00"
    assert sitemaps.news_output(site, config, NOW + timedelta(days=3)).context["entries"] == []
    assert sitemaps.news_output(site, config, None).context["entries"] == []


def test_news_sitemap_holds_at_most_1000_articles():
    dates = [(NOW - timedelta(minutes=n)).isoformat() for n in range(1005)]
    site, config = news_site(*dates)
    entries = sitemaps.news_output(site, config, NOW).context["entries"]
    assert len(entries) == 1000 and entries[0]["title"] == "Story 0"


@pytest.mark.parametrize(
    ("lang", "code"), [("en", "en"), ("ur", "ur"), ("en-GB", "en"), ("zh-TW", "zh-tw"), ("zh-Hans", "zh-cn")]
)
def test_news_sitemap_language_codes(lang, code):
    assert sitemaps.news_language(lang) == code


def test_output_does_not_depend_on_the_build_time_except_the_news_window(tmp_path):
    # The share cards' window is another clock event (tests/test_share.py): a year here, so no story leaves it.
    root = write_generated_site(tmp_path, count=8, extra_config="share_cards_days: 365\n")
    first = build(root, tmp_path / "a")
    later = build(root, tmp_path / "b", now=NOW + timedelta(days=2))
    names = sorted(p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file())
    # Two days on, no story is in the news window: no news sitemap, and robots.txt names none.
    assert [n for n in names if n != "news-sitemap.xml"] == sorted(
        p.relative_to(later).as_posix() for p in later.rglob("*") if p.is_file()
    )
    differ = [n for n in names if n != "news-sitemap.xml" and (first / n).read_bytes() != (later / n).read_bytes()]
    assert [n for n in differ if not n.startswith(".")] == ["robots.txt"]
    assert "news-sitemap" not in (later / "robots.txt").read_text("utf-8")


def test_lastmod_of_lists_is_their_newest_change(tmp_path):
    root = write_generated_site(tmp_path, count=3)
    out = build(root, tmp_path / "out")
    root_el = ET.parse(out / "sitemap.xml").getroot()
    lastmod = {u.find(SM + "loc").text: getattr(u.find(SM + "lastmod"), "text", None) for u in root_el}
    assert lastmod[BASE_URL] == "2025-07-21T11:00:00+05:00"  # the hostile headline's update
    assert lastmod[BASE_URL + "2025/07/21/budget-cuts-leaks/"] == "2025-07-21T11:00:00+05:00"
    assert lastmod[BASE_URL + "2025/07/18/railway-deal-signed/"] == "2025-07-18"
    assert lastmod[BASE_URL + "about/"] == "2025-07-01"
    assert lastmod[BASE_URL + "contact/"] is None
    assert BASE_URL + "2025/07/18/railway-deal/" not in lastmod  # an alias


# -- aliases ------------------------------------------------------------------


def test_alias_pages_redirect_with_canonical_link(tmp_path):
    root = write_generated_site(tmp_path, count=1)
    out = build(root, tmp_path / "out")
    target = BASE_URL + "2025/07/18/railway-deal-signed/"
    for alias in ("2025/07/18/railway-deal/index.html", "old/railway.html"):
        html = (out / alias).read_text("utf-8")
        assert f'<meta http-equiv="refresh" content="0; url={target}">' in html
        assert f'<link rel="canonical" href="{target}">' in html


def test_an_alias_on_a_real_page_is_an_error_naming_file_and_line(tmp_path):
    root = write_generated_site(tmp_path, count=1)
    (root / "content/articles/2025/clash.md").write_text(
        article("Clash", "2025-07-15", "Body.", section="Pakistan", aliases="[/sections/pakistan/]"), "utf-8"
    )
    with pytest.raises(BuildFailed) as failed:
        build(root, tmp_path / "out")
    messages = [str(e) for e in failed.value.errors]
    assert len(messages) == 1
    assert messages[0].startswith("content/articles/2025/clash.md:5: an alias is on the same URL as ")
    assert "/sections/pakistan/" in messages[0]
    assert not (tmp_path / "out").exists()


# -- metadata ---------------------------------------------------------------------


def test_pages_without_their_own_image_use_the_logo_and_a_small_card(tmp_path):
    """Not articles: an article without a photo is shared with its drawn card (test_share.py)."""
    root = write_generated_site(tmp_path, count=1)
    out = build(root, tmp_path / "out")
    html = (out / "2025/07/18/railway-deal-signed/index.html").read_text("utf-8")
    card = f'<meta property="og:image" content="{BASE_URL}2025/07/18/railway-deal-signed/share-og.png?v='
    assert card in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    contact = (out / "contact/index.html").read_text("utf-8")
    assert f'<meta property="og:image" content="{BASE_URL}images/logo.svg">' in contact
    assert '<meta name="twitter:card" content="summary">' in contact
    assert '<meta property="article:author" content="https://bulletin.example.org/authors/ahmad-zia/">' in html
    tag_page = (out / "tags/railways/index.html").read_text("utf-8")
    assert '<meta property="og:type" content="website">' in tag_page
    assert "article:published_time" not in tag_page
    assert '<meta name="robots" content="noindex">' in (out / "404.html").read_text("utf-8")


def test_plan_pages_without_a_clock_has_no_news_sitemap():
    """An empty ``<urlset>`` is invalid in the Google News schema: none, and robots.txt names none."""
    site, config = news_site("2025-07-21T09:00:00+05:00")
    pages, errors = plan_pages(site, config)
    assert errors == []
    assert not [p for p in pages if p.path == "news-sitemap.xml"]
    assert next(p for p in pages if p.path == "robots.txt").context["news_sitemap"] is None
    with_clock = next(p for p in plan_pages(site, config, NOW)[0] if p.path == "news-sitemap.xml")
    assert [e["title"] for e in with_clock.context["entries"]] == ["Story 0"]


def test_cli_now_sets_the_news_window(tmp_path):
    from site_gen.cli import main

    root = write_generated_site(tmp_path, count=1)
    args = ["build", "-q", "--config", str(root / "site.yaml"), "--content", str(root / "content")]
    args += ["--templates", str(REPO / "templates"), "--static", str(root / "static")]
    assert main([*args, "--output", str(tmp_path / "a"), "--now", "2025-07-19T09:00:00+05:00"]) == 0
    news = ET.parse(tmp_path / "a" / "news-sitemap.xml").getroot()
    assert [t.text for t in news.iter(NEWS + "title")] == ["د پاکستان او افغانستان خبرې", "Railway Deal Signed"]


def test_an_alias_on_a_feed_file_is_an_error_not_a_crash(tmp_path):
    root = write_generated_site(tmp_path, count=1)
    (root / "content/articles/2025/clash.md").write_text(
        article("Clash", "2025-07-15", "Body.", aliases="[/rss.xml]"), "utf-8"
    )
    with pytest.raises(BuildFailed) as failed:
        build(root, tmp_path / "out")
    assert [str(e) for e in failed.value.errors] == [
        "content/articles/2025/clash.md:4: /rss.xml/ needs a folder where a page of the site writes the file"
        " /rss.xml — remove or change the alias"
    ]


# -- the sitemap's shortcuts, against the plain rules they stand for -------------------------------
from datetime import datetime as _datetime  # noqa: E402
from datetime import timezone as _timezone  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_moments = st.datetimes(min_value=_datetime(2000, 1, 1), max_value=_datetime(2040, 1, 1))
_offsets = st.sampled_from([timedelta(hours=5), timedelta(hours=-3, minutes=-30), timedelta(0)])


def _w3c(moment: _datetime, offset: timedelta, form: str) -> str:
    aware = moment.replace(microsecond=0, tzinfo=_timezone(offset))
    return aware.date().isoformat() if form == "day" else aware.isoformat()


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_moments, _offsets, st.sampled_from(["time", "time", "day"])), min_size=1, max_size=12))
def test_latest_date_is_the_latest_moment(dates):
    texts = [_w3c(*d) for d in dates]

    def moment(text: str) -> float:
        return _datetime.fromisoformat(text if "T" in text else text + "T00:00:00+00:00").timestamp()

    assert moment(sitemaps._latest(texts)) == max(map(moment, texts))
    same_zone = [_w3c(m, timedelta(hours=5), "time") for m, _o, _f in dates]
    assert sitemaps._latest(same_zone) == max(same_zone, key=moment)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["a/", "2025/07/20/budget/", "tags/x%C3%A9/", "q?a=1&b='2'", "é/"]), st.booleans()),
        max_size=40,
    ),
    st.integers(1, 7),
    st.integers(300, 900),
)
def test_sitemap_parts_keep_within_both_limits(items, max_urls, max_bytes):
    entries = [
        {"loc": BASE_URL + loc, "lastmod": "2025-07-20T10:00:00+05:00" if dated else None} for loc, dated in items
    ]
    parts = sitemaps.split_entries(entries, max_urls, max_bytes)
    expected: list[list[dict]] = [[]]  # the rule, entry by entry with entry_bytes
    size = sitemaps._FRAME_BYTES
    for entry in entries:
        grow = sitemaps.entry_bytes(entry["loc"], entry["lastmod"])
        if expected[-1] and (len(expected[-1]) >= max_urls or size + grow > max_bytes):
            expected.append([])
            size = sitemaps._FRAME_BYTES
        expected[-1].append(entry)
        size += grow
    assert parts == expected
