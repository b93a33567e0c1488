"""The theme in Debian's Chromium: accessibility, layout at two widths, right to left, search, origin."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from conftest import ARTIFACTS, ENGLISH_ARTICLE, URDU_ARTICLE

AXE_PAGES = {
    "home": "",
    "english-article": ENGLISH_ARTICLE,
    "urdu-article": URDU_ARTICLE,
    "tag": "tags/pakistan/",
    "month": "2025/07/",
    "day": "2025/07/21/",
    "digest": "digest/2025/07/21/",
    "search": "search/",
}
SCREENSHOT_PAGES = {
    "home": "",
    "english-article": ENGLISH_ARTICLE,
    "urdu-article": URDU_ARTICLE,
    "digest": "digest/2025/07/21/",
}


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", sorted(AXE_PAGES))
def test_no_serious_or_critical_axe_violations(open_page, axe, name, scheme):
    page = open_page(AXE_PAGES[name], color_scheme=scheme)
    results = axe.run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], f"/{AXE_PAGES[name]} in {scheme} mode"


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("name", sorted(SCREENSHOT_PAGES))
def test_no_horizontal_overflow_and_screenshot(open_page, name, width):
    page = open_page(SCREENSHOT_PAGES[name], width=width)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"/{SCREENSHOT_PAGES[name]} is {scroll_width}px wide at {width}px"
    wider = page.evaluate(
        """(width) => [...document.querySelectorAll('body *')]
            .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.right > width + 1 || r.left < -1); })
            .map(e => e.tagName + '.' + e.className)""",
        width,
    )
    assert wider == []


def test_urdu_article_runs_right_to_left(open_page):
    page = open_page(URDU_ARTICLE, width=360)
    assert page.evaluate("getComputedStyle(document.querySelector('.story .body p')).direction") == "rtl"
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    # the headline starts at the right edge of the column
    box = page.locator(".story h1").bounding_box()
    column = page.locator(".story").bounding_box()
    text_right = page.evaluate(
        "(() => { const r = document.createRange(); r.selectNodeContents(document.querySelector('.story h1'));"
        " return r.getBoundingClientRect().right; })()"
    )
    assert abs(text_right - (column["x"] + column["width"])) < 2 and box["width"] > 0
    # the English masthead stays left to right
    assert page.evaluate("getComputedStyle(document.querySelector('.masthead')).direction") == "ltr"


@pytest.mark.parametrize("name", sorted(AXE_PAGES))
def test_no_request_leaves_the_origin(open_page, base_url, name):
    page = open_page(AXE_PAGES[name])
    page.mouse.wheel(0, 20000)  # bring lazy images in
    page.wait_for_load_state("networkidle")
    origin = urlsplit(base_url).netloc
    outside = [url for url in page.requests if urlsplit(url).netloc != origin]
    assert page.requests and outside == []


def test_article_reads_without_javascript(browser, base_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + ENGLISH_ARTICLE)
    assert "pomegranates" in page.locator(".story .body").inner_text()
    assert page.locator(".story figure img").evaluate("img => img.complete && img.naturalWidth > 0")
    context.close()


def _search(open_page, words: str) -> list[str]:
    page = open_page("search/")
    page.fill("#q", words)
    page.press("#q", "Enter")
    page.wait_for_function("document.querySelector('#search-status').textContent.includes('found')")
    return page.locator("#search-results li h2 a").evaluate_all("links => links.map(a => a.getAttribute('href'))")


def test_search_finds_an_article_by_a_body_word(open_page):
    assert _search(open_page, "pomegranates") == ["/" + ENGLISH_ARTICLE]


def test_search_finds_an_urdu_article_by_a_title_word(open_page):
    assert _search(open_page, "سرمائی") == ["/" + URDU_ARTICLE]


def test_search_filters_by_section(open_page):
    page = open_page("search/?q=solar")
    page.wait_for_function("document.querySelector('#search-status').textContent.includes('found')")
    options = page.locator("#filter-section option").all_inner_texts()
    assert "Central Asia (1)" in options and "Business (1)" in options
    page.select_option("#filter-section", "Central Asia")
    page.wait_for_function("document.querySelector('#search-status').textContent === '1 story found.'")
    links = page.locator("#search-results li h2 a").all_inner_texts()
    assert links == ["Almaty Engineers Test Solar Pumps for Border Farms"]
