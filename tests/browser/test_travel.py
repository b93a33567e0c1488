"""The story travels, in Chromium: reading with no signal (the service worker) and the
e-mail digest at a phone's 600 px."""

from __future__ import annotations

import functools
import http.server
import threading
from datetime import date

import pytest

from site_gen.build import build_site
from site_gen.digest import make_digest
from tests.browser.conftest import ARTIFACTS, _QuietHandler
from tests.conftest import make_site, site_options

pytestmark = pytest.mark.browser


def story(n: int) -> dict:
    return {
        "title": f"Story number {n} from the frontier",
        "date": f"2025-07-{10 + n:02d} 09:00",
        "section": "Pakistan",
        "body": f"The words of story {n} are here to read.\n",
    }


@pytest.fixture
def served(tmp_path):
    """A site of eight stories (the worker keeps the newest five), served on 127.0.0.1."""
    root = make_site(
        tmp_path / "site", articles={f"s{n}.md": story(n) for n in range(8)}, config={"offline_stories": 5}
    )
    build_site(site_options(root))
    handler = functools.partial(_QuietHandler, directory=str(root / "build"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


def test_offline_the_latest_stories_read_others_get_the_offline_page_and_online_the_new_build_shows(browser, served):
    root, base = served
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(base, wait_until="load")
        # The worker registers after load and installs once it has kept what it precaches.
        assert page.evaluate("navigator.serviceWorker.ready.then((r) => !!r.active)")
        page.wait_for_function("navigator.serviceWorker.controller !== null || true")
        context.set_offline(True)
        # The fifth-latest story (story 3, of 10-17 July): kept when the worker installed.
        page.goto(base + "2025/07/13/story-number-3-from-the-frontier/")
        assert "The words of story 3 are here to read." in page.inner_text("main")
        # A story never opened and too old to be kept: the offline page.
        page.goto(base + "2025/07/11/story-number-1-from-the-frontier/")
        assert "You are offline" in page.inner_text("main")
        # A new build with a new story; back online, the front page shows it (network first).
        (root / "content/articles/s9.md").write_text(
            "---\ntitle: A brand new story\ndate: 2025-07-31 10:00\n---\nJust in.\n", "utf-8"
        )
        build_site(site_options(root))
        context.set_offline(False)
        page.goto(base)
        assert "A brand new story" in page.inner_text("main")
    finally:
        context.close()


def test_the_digest_at_600_px_for_a_person_to_look_at(browser, tmp_path):
    articles = {f"s{n}.md": dict(story(n), date=f"2025-07-31 {8 + n:02d}:00") for n in range(6)}
    articles["s2.md"]["image"] = {"src": "/images/torkham-fruit-trucks.jpg", "alt": "Lorries of fruit at Torkham"}
    root = make_site(tmp_path / "site", articles=articles)
    build_site(site_options(root))
    html = make_digest(site_options(root), date(2025, 7, 31)).html
    ARTIFACTS.mkdir(exist_ok=True)
    for scheme in ("light", "dark"):
        page = browser.new_page(viewport={"width": 600, "height": 900}, color_scheme=scheme)
        try:
            # Images come from the site's address (example.org): answered from the build here.
            page.route(
                "https://example.org/**",
                lambda route: route.fulfill(
                    path=str(root / "build" / route.request.url.split("/", 3)[3].split("?")[0])
                ),
            )
            page.set_content(html, wait_until="load")
            assert page.evaluate("document.documentElement.scrollWidth") <= 600  # no sideways scrolling
            assert page.evaluate("document.images[0].complete && document.images[0].naturalWidth") == 1200
            page.screenshot(path=str(ARTIFACTS / f"digest-600-{scheme}.png"), full_page=True)
        finally:
            page.close()
