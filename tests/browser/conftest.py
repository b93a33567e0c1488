"""Shared fixtures of the theme tests: one build of the fixture site per session.

The fixture site (``tests/browser/site``) is built with the project's own
templates and static folder, indexed with Pagefind, and served from
127.0.0.1 on a free port by a small threaded ``http.server``. Chromium is
Debian's (``/usr/bin/chromium``), driven by Playwright.
"""

from __future__ import annotations

import functools
import http.server
import threading
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from site_gen.build import BuildOptions, build_site

REPO = Path(__file__).resolve().parents[2]
SITE = Path(__file__).resolve().parent / "site"
NOW = datetime.fromisoformat("2025-08-01T00:00:00+05:00")
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = REPO / "test-artifacts"
ENGLISH_ARTICLE = "2025/07/21/torkham-opens-a-fruit-lane-for-summer-lorries/"
URDU_ARTICLE = "2025/07/22/peshawar-schools-winter-timings/"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Python's file server, quiet, and never answering "304 Not Modified": it compares
    ``If-Modified-Since`` with the file's time in whole seconds, so a page rebuilt within
    the second it was first fetched would keep its old bytes in the browser."""

    def send_head(self):
        del self.headers["If-Modified-Since"]
        return super().send_head()

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="session")
def site_options(tmp_path_factory) -> BuildOptions:
    work = tmp_path_factory.mktemp("theme")
    return BuildOptions(
        root=REPO,
        config=SITE / "site.yaml",
        content=SITE / "content",
        output=work / "out",
        cache_dir=work / "cache",
        image_cache=work / "image-cache",
        now=NOW,
    )


@pytest.fixture(scope="session")
def built_site(site_options: BuildOptions) -> Path:
    """The fixture site built into a temporary folder (images resized, not yet indexed)."""
    build_site(site_options)
    return site_options.output


@pytest.fixture(scope="session")
def indexed_site(built_site: Path, site_options: BuildOptions) -> Path:
    """The built site with its Pagefind search index (built again with ``search``)."""
    build_site(replace(site_options, search=True))
    return built_site


@pytest.fixture(scope="session")
def base_url(indexed_site: Path):
    """URL of the built site served on 127.0.0.1 (a free port)."""
    handler = functools.partial(_QuietHandler, directory=str(indexed_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium, through Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser, base_url):
    """Open a site path in a fresh page; records every request URL in ``page.requests``."""
    pages = []

    def opener(path: str, width: int = 1280, color_scheme: str = "light"):
        page = browser.new_page(viewport={"width": width, "height": 900}, color_scheme=color_scheme)
        page.requests = []
        page.on("request", lambda request: page.requests.append(request.url))
        page.goto(base_url + path, wait_until="networkidle")
        pages.append(page)
        return page

    yield opener
    for page in pages:
        page.close()
