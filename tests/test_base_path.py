"""A site under a path (``base_url: https://example.org/news/``): served there, no link breaks.

Issue 19, case 3: links written in bodies (``/2025/07/20/…/``, ``/contact/``) and images
must carry the prefix like the templates' links, on pages, in feeds, JSON-LD, sitemaps and
redirects. The sample site is built under ``/news/`` and served by a small HTTP server that
answers only below ``/news/``; every internal link of every page, feed and sitemap is followed.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import urlopen

import pytest

from tests._site import REPO, run_cli

BASE = "https://example.org/news/"
PREFIX = "/news/"
LATER = "2025-07-25T12:00:00+05:00"  # every 2025 story of the sample site is out
_ATTR = re.compile(r"""\b(?:href|src|action|data-bundle)\s*=\s*(["'])(.*?)\1""", re.S)
_SRCSET = re.compile(r"""\bsrcset\s*=\s*(["'])(.*?)\1""", re.S)
_REFRESH = re.compile(r"""http-equiv="refresh"\s+content="\d+;\s*url=([^"]+)\"""", re.I)
_LOC = re.compile(r"<loc>(.*?)</loc>")
_JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def _handler(folder: Path):
    class Handler(SimpleHTTPRequestHandler):
        def translate_path(self, path: str) -> str:
            path = urlsplit(path).path
            if not path.startswith(PREFIX):
                return str(folder / "__not_under_news__")
            return super().translate_path("/" + path[len(PREFIX) :])

        def log_message(self, *args) -> None:
            pass

    def make(*args, **kwargs):
        return Handler(*args, directory=str(folder), **kwargs)

    return make


def _json_urls(value, found: list[str]) -> None:
    if isinstance(value, dict):
        for item in value.values():
            _json_urls(item, found)
    elif isinstance(value, list):
        for item in value:
            _json_urls(item, found)
    elif isinstance(value, str) and value.startswith(("http://", "https://", "/")):
        found.append(value)


def links_of(text: str, kind: str) -> list[str]:
    """Every URL a page, feed or sitemap points to."""
    found: list[str] = []
    if kind == "json":
        doc = json.loads(text)
        _json_urls(doc, found)
        for item in doc.get("items", []):
            found += links_of(item.get("content_html", ""), "html")
        return found
    if kind == "xml":
        found += _LOC.findall(text)
        text = text + html.unescape(text)  # entry bodies are escaped HTML
    found += [html.unescape(m[2]) for m in _ATTR.finditer(text)]
    for m in _SRCSET.finditer(text):
        found += [part.strip().split(" ")[0] for part in html.unescape(m[2]).split(",") if part.strip()]
    found += [html.unescape(m) for m in _REFRESH.findall(text)]
    for block in _JSONLD.findall(text):
        _json_urls(json.loads(block), found)
    return found


def internal_path(url: str, page: str) -> str | None:
    """The path on this host a link leads to, or None for another host, mail, a fragment."""
    if url.startswith(("mailto:", "#", "data:", "javascript:")) or not url:
        return None
    full = urljoin("https://example.org" + page, url)
    parts = urlsplit(full)
    if parts.hostname != "example.org":
        return None
    return parts.path


def crawl(port: int, start: list[str]) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Status of each internal path reached from ``start``, and who links to each."""
    seen: dict[str, int] = {}
    referrers: dict[str, list[str]] = {}
    todo = list(start)
    while todo and len(seen) < 5000:
        path = todo.pop()
        if path in seen:
            continue
        try:
            with urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
                body = response.read()
                seen[path] = response.status
                kind = response.headers.get("Content-Type", "")
        except HTTPError as exc:
            seen[path] = exc.code
            continue
        name = unquote(path).rsplit("/", 1)[-1]
        if name.endswith(".json") or "json" in kind:
            kind = "json"
        elif name.endswith(".xml") or "xml" in kind:
            kind = "xml"
        elif "html" in kind:
            kind = "html"
        else:
            continue
        for url in links_of(body.decode("utf-8"), kind):
            target = internal_path(url, path)
            if target is None or target.startswith(PREFIX + "pagefind/"):
                continue  # the search index is not built here (no --search)
            referrers.setdefault(target, []).append(path)
            if target not in seen:
                todo.append(target)
    return seen, referrers


@pytest.fixture(scope="module")
def news_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("news")
    for name in ("content", "templates", "static"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    story = root / "content/articles/2025/07/torkham-crossing-extends-hours-as-fruit-season-peaks.md"
    story.write_text(
        story.read_text("utf-8").replace("\ndateline:", "\naliases: [/old/torkham/]\ndateline:", 1), "utf-8"
    )
    code, _, err = run_cli(root, "build", "--base-url", BASE, "--now", LATER, "-q")
    assert code == 0, err
    return root / "build"


@pytest.mark.slow
def test_every_internal_link_of_a_site_under_a_path_answers(news_site):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(news_site))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        start = [PREFIX, PREFIX + "feed.xml", PREFIX + "feed.json", PREFIX + "rss.xml", PREFIX + "sitemap.xml"]
        start += [PREFIX + "news-sitemap.xml", PREFIX + "404.html", PREFIX + "old/torkham/"]
        seen, referrers = crawl(server.server_address[1], start)
    finally:
        server.shutdown()
        server.server_close()
    outside = sorted(p for p in seen if not p.startswith(PREFIX))
    assert outside == [], {p: referrers.get(p, [])[:3] for p in outside}
    broken = sorted(p for p, status in seen.items() if status != 200)
    assert broken == [], {p: referrers.get(p, [])[:3] for p in broken}
    # The crawl reached the pages the issue names, and the links written in their bodies.
    assert PREFIX + "contact/" in seen and PREFIX + "about/" in seen
    torkham = PREFIX + "2025/07/21/torkham-crossing-extends-hours-as-fruit-season-peaks/"
    assert torkham in seen
    assert seen[PREFIX + "old/torkham/"] == 200 and PREFIX + "old/torkham/" in referrers[torkham]  # the redirect
    assert len([p for p in seen if re.match(r"/news/\d{4}/\d\d/\d\d/[^/]+/$", p)]) >= 10


def test_body_links_carry_the_prefix_on_pages_and_in_feeds(news_site):
    about = (news_site / "about/index.html").read_text("utf-8")
    assert 'href="/news/contact/"' in about
    assert 'href="/contact/"' not in about
    feed = (news_site / "feed.xml").read_text("utf-8")
    assert "https://example.org/news/2025/" in feed
    assert not re.search(r"https://example\.org/(?!news/)", feed)
    search = (news_site / "search/index.html").read_text("utf-8")
    assert 'data-bundle="/news/pagefind/"' in search  # Pagefind takes its base URL from the bundle's folder
