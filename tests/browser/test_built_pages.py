"""The built fixture site, read as files: budgets, images, right to left, search markup."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from conftest import ENGLISH_ARTICLE, URDU_ARTICLE

BUDGET = 50 * 1024


class _Tags(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def tags(path: Path) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(path.read_text("utf-8"))
    return parser.tags


def page(site: Path, path: str) -> Path:
    return site / path / "index.html"


def test_article_html_plus_css_is_under_50_kb(built_site):
    css = (built_site / "css/site.css").stat().st_size
    for path in (ENGLISH_ARTICLE, URDU_ARTICLE):
        html = page(built_site, path).stat().st_size
        assert html + css < BUDGET, f"/{path}: {html} B HTML + {css} B CSS"


def test_only_the_search_page_has_script(built_site):
    """JSON-LD blocks are data, not scripts: only /search/ runs JavaScript, besides the line
    every page has that registers the service worker after the page has loaded."""
    html_files = sorted(built_site.rglob("*.html"))
    assert len(html_files) > 20
    executable = re.compile(r"<script(?![^>]*type=\"application/ld\+json\")")
    worker = re.compile(r"<script>if \(\"serviceWorker\" in navigator\)[^<]*</script>")
    with_script = [
        p.relative_to(built_site).as_posix()
        for p in html_files
        if executable.search(worker.sub("", p.read_text("utf-8")))
    ]
    assert with_script == ["search/index.html"]


def test_every_resource_a_page_loads_is_on_the_site(built_site):
    """Images, stylesheets and scripts are site paths: no request leaves the origin."""
    for html in built_site.rglob("*.html"):
        for tag, attrs in tags(html):
            urls = []
            if tag in ("img", "script", "source", "iframe", "video", "audio"):
                urls += [attrs.get("src", "")]
                urls += [part.split()[0] for part in attrs.get("srcset", "").split(",") if part.strip()]
            if tag == "link" and attrs.get("rel") in ("stylesheet", "icon", "preload", "modulepreload"):
                urls.append(attrs.get("href", ""))
            for url in filter(None, urls):
                assert not urlsplit(url).netloc and url.startswith("/"), f"{html}: <{tag}> loads {url}"


def test_lead_image_is_responsive_and_eager(built_site):
    imgs = [a for t, a in tags(page(built_site, ENGLISH_ARTICLE)) if t == "img"]
    lead = imgs[0]
    assert lead["alt"].startswith("Drawing of lorries")
    assert (lead["width"], lead["height"]) == ("1600", "900")
    assert "loading" not in lead  # above the fold: loads at once
    widths = [part.split()[1] for part in lead["srcset"].split(", ")]
    assert widths == ["160w", "320w", "640w", "960w", "1280w"]
    for part in lead["srcset"].split(", "):
        assert (built_site / part.split()[0].lstrip("/")).is_file()
    sources = [a for t, a in tags(page(built_site, ENGLISH_ARTICLE)) if t == "source"]
    assert sources[0]["type"] == "image/webp" and ".webp 1280w" in sources[0]["srcset"]


def test_body_images_are_resized_and_lazy(built_site):
    html = page(built_site, "2025/07/19/almaty-engineers-test-solar-pumps-for-border-farms/")
    (img,) = [a for t, a in tags(html) if t == "img"]
    assert img["alt"].startswith("Diagram of a solar pump")
    assert img["loading"] == "lazy" and img["width"] == "1200" and img["height"] == "700"
    assert img["src"].startswith("/_img/images/solar-pump-diagram-") and img["src"].endswith("-640.png")


def test_cards_below_the_fold_load_lazily(built_site):
    home = tags(page(built_site, ""))
    imgs = [a for t, a in home if t == "img"]
    assert "loading" not in imgs[0]  # the lead story loads at once
    assert all(a.get("loading") == "lazy" for a in imgs[1:])
    assert all(a.get("width") and a.get("height") for a in imgs)


def test_urdu_article_is_right_to_left_with_mixed_text_isolated(built_site):
    html = page(built_site, URDU_ARTICLE).read_text("utf-8")
    assert '<html lang="ur" dir="rtl">' in html
    assert '<article class="story" lang="ur" dir="rtl"' in html
    assert "<bdi>Ayesha Khattak</bdi>" in html
    assert "تحریر:" in html  # labels in Urdu
    # The date in Urdu words from CLDR, isolated, in the page's direction (no dir="ltr" reversing it).
    assert re.search(
        r'<bdi><time datetime="2025-07-22T12:00:00\+05:00"[^>]*>22 جولائی، 2025 12:00 PM PKT</time></bdi>', html
    )
    assert "منٹ کا مطالعہ" in html


def test_home_holds_both_directions(built_site):
    home = tags(page(built_site, ""))
    dirs = {(a.get("lang"), a.get("dir")) for t, a in home if t in ("article", "section", "li") and a.get("dir")}
    assert ("en", "ltr") in dirs and ("ur", "rtl") in dirs and ("ps", "rtl") in dirs
    html = page(built_site, "").read_text("utf-8")
    for name in ("Pakistan", "Afghanistan", "Central Asia", "Business"):
        assert f">{name}</a></h2>" in html, name  # a block per menu section
    assert 'class="lead"' in html and "Torkham Opens a Fruit Lane" in html


def test_article_has_corrections_tags_section_and_plain_share_links(built_site):
    found = tags(page(built_site, ENGLISH_ARTICLE))
    html = page(built_site, ENGLISH_ARTICLE).read_text("utf-8")
    assert 'class="corrections"' in html and "wrong closing hour" in html
    links = {a.get("href") for t, a in found if t == "a"}
    assert {"/tags/trade/", "/sections/business/"} <= links
    share = [h for h in links if h and h.startswith(("https://wa.me/", "https://t.me/", "mailto:"))]
    assert len(share) == 3
    whatsapp = next(h for h in share if "wa.me" in h)
    assert "https%3A%2F%2Fbulletin.example.org%2F2025%2F07%2F21%2Ftorkham" in whatsapp


def test_search_markup_marks_filters_and_body(built_site):
    html = page(built_site, ENGLISH_ARTICLE).read_text("utf-8")
    assert "data-pagefind-body" in html
    assert 'data-pagefind-filter="section"' in html and 'data-pagefind-filter="tag"' in html
    assert 'data-pagefind-filter="language:English"' in html
    assert "data-pagefind-body" not in page(built_site, "").read_text("utf-8")
    search = page(built_site, "search/").read_text("utf-8")
    assert 'data-bundle="/pagefind/"' in search and '<script type="module" src="/js/search.js">' in search


def test_month_index_is_a_calendar_with_counts(built_site):
    html = page(built_site, "2025/07/").read_text("utf-8")
    assert '<table class="calendar">' in html
    assert html.count("<tr>") == 1 + 5  # weekday row + five weeks of July 2025
    assert 'aria-label="21 July 2025: 1 story"' in html
    year = page(built_site, "2025/").read_text("utf-8")
    assert year.count('<li><span class="month-name empty">') == 11
    assert '<a href="/2025/07/"><span class="month-name">July</span>' in year
