"""The sample site's languages in Debian's Chromium: Urdu and Pashto pages at two widths, axe in
light and dark, the language switcher, and Pagefind searching one language at a time."""

from __future__ import annotations

import functools
import http.server
import threading
from datetime import datetime

import pytest
from conftest import ARTIFACTS, REPO, _QuietHandler

from site_gen.build import BuildOptions, build_site

pytestmark = pytest.mark.browser

URDU_FRONT = "ur/"
URDU_ARTICLE = "2024/11/25/peshawar-schools-winter-timings/"
PASHTO_TAG = "ps/tags/afghanistan/"
PAGES = {"urdu-front": URDU_FRONT, "urdu-article": URDU_ARTICLE, "pashto-tag": PASHTO_TAG}


@pytest.fixture(scope="module")
def sample_url(tmp_path_factory):
    """The sample site (content/, site.yaml), built with its search index and served on 127.0.0.1."""
    work = tmp_path_factory.mktemp("sample")
    options = BuildOptions(
        root=REPO,
        output=work / "out",
        cache_dir=work / "cache",
        image_cache=work / "images",
        now=datetime.fromisoformat("2026-01-01T00:00:00+05:00"),
        search=True,
    )
    build_site(options)
    handler = functools.partial(_QuietHandler, directory=str(options.output))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def open_sample(browser, sample_url):
    pages = []

    def opener(path: str, width: int = 1280, color_scheme: str = "light"):
        page = browser.new_page(viewport={"width": width, "height": 900}, color_scheme=color_scheme)
        page.goto(sample_url + path, wait_until="networkidle")
        pages.append(page)
        return page

    yield opener
    for page in pages:
        page.close()


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("name", sorted(PAGES))
def test_language_pages_fit_and_are_screenshot(open_sample, name, width):
    page = open_sample(PAGES[name], width=width)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"lang-{name}-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate("getComputedStyle(document.querySelector('.masthead')).direction") == "rtl"
    assert page.evaluate("getComputedStyle(document.querySelector('main')).direction") == "rtl"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", sorted(PAGES))
def test_language_pages_have_no_axe_violations(open_sample, name, scheme):
    from axe_playwright_python.sync_playwright import Axe

    page = open_sample(PAGES[name], color_scheme=scheme)
    results = Axe().run(page)
    found = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]
    assert found == [], f"/{PAGES[name]} in {scheme} mode"


def test_the_urdu_article_switches_to_its_english_version(open_sample, sample_url):
    page = open_sample(URDU_ARTICLE, width=360)
    assert page.locator(".versions [aria-current=page]").inner_text() == "اردو"
    # The Nastaliq body gets its tall line height.
    height = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.story .body p')).lineHeight)")
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.story .body p')).fontSize)")
    assert height / size >= 2
    page.locator(".versions a[hreflang=en]").click()
    page.wait_for_load_state("networkidle")
    assert page.url == sample_url + "2024/11/25/peshawar-schools-announce-winter-timings/"
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator(".versions [aria-current=page]").inner_text() == "English"


def _search(open_sample, path: str, words: str) -> list[str]:
    page = open_sample(path)
    page.fill("#q", words)
    page.press("#q", "Enter")
    page.wait_for_function(
        "document.querySelector('#search-status').textContent.trim().endsWith('۔')"
        " || document.querySelector('#search-status').textContent.includes('.')"
    )
    return page.locator("#search-results li h2 a").evaluate_all("links => links.map(a => a.getAttribute('href'))")


def test_the_urdu_search_finds_urdu_stories_only(open_sample):
    assert _search(open_sample, "ur/search/", "سرمائی") == ["/" + URDU_ARTICLE]
    # The English version of the same story says "syllabus": not in the Urdu index.
    assert _search(open_sample, "ur/search/", "syllabus") == []
    assert _search(open_sample, "search/", "syllabus") == ["/2024/11/25/peshawar-schools-announce-winter-timings/"]
