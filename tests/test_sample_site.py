"""The repository's own sample site (site.yaml, content/, templates/, static/) builds completely.

Written to work with whatever sample content is there: expectations are
derived from the content, and every link of every page is followed.
"""

from __future__ import annotations

import html
import posixpath
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import pytest

from site_gen.build import BuildOptions, build_site, load_site
from site_gen.collect import publishable
from site_gen.load import load_content
from tests.conftest import REPO

#: Pinned clock of the sample build: after the sample stories, before the scheduled one(s).
SAMPLE_NOW = datetime.fromisoformat("2026-01-01T00:00:00+05:00")


class _Links(HTMLParser):
    """Every href/src (and meta refresh target) and every id of one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name in ("href", "src"):
            if values.get(name) is not None:
                self.links.append(values[name])
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.ids.add(values["name"])
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            target = (values.get("content") or "").partition("url=")[2]
            if target:
                self.links.append(target)


def parse(data: bytes) -> _Links:
    parser = _Links()
    parser.feed(data.decode("utf-8"))
    parser.close()
    return parser


def resolve(link: str, page: str, base_url: str) -> tuple[str, str] | None:
    """The output file and fragment a link leads to, or None for an external link."""
    parts = urlsplit(link)
    if parts.scheme in ("mailto", "tel"):
        return None
    assert parts.scheme not in ("javascript", "data", "vbscript"), f"{page}: unsafe link {link!r}"
    if parts.scheme or parts.netloc:
        if not link.startswith(base_url):
            return None  # another site
        path = link[len(base_url) :]
        path = urlsplit(path).path
    elif parts.path.startswith("/"):
        base_path = urlsplit(base_url).path
        assert parts.path.startswith(base_path), f"{page}: {link!r} is outside the base path {base_path}"
        path = parts.path[len(base_path) :]
    elif parts.path:
        path = posixpath.normpath(posixpath.join(posixpath.dirname(page), parts.path))
        path = "" if path == "." else path + ("/" if parts.path.endswith("/") else "")
    else:
        path = page  # "#fragment" on the same page
    path = unquote(path)
    if path == "" or path.endswith("/"):
        path += "index.html"
    return path, unquote(parts.fragment)


def check_links(output: Path, base_url: str) -> list[str]:
    """Every broken internal link of a built site, as ``page: link (why)``."""
    files = {p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file()}
    pages = {rel: parse((output / rel).read_bytes()) for rel in sorted(files) if rel.endswith(".html")}
    broken = []
    checked = 0
    for rel, parsed in pages.items():
        for link in parsed.links:
            target = resolve(link, rel, base_url)
            if target is None:
                continue
            path, fragment = target
            if path not in files and path + "/index.html" in files:
                path += "/index.html"
            checked += 1
            if ".." in PurePosixPath(path).parts or path not in files:
                broken.append(f"{rel}: {link} (no file {path})")
            elif fragment and fragment not in pages.get(path, _Links()).ids:
                broken.append(f"{rel}: {link} (no id {fragment!r} in {path})")
    assert checked > 0
    return broken


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    output = tmp_path_factory.mktemp("sample") / "build"
    options = BuildOptions(root=REPO, output=output, now=SAMPLE_NOW)
    report = build_site(options)
    config, site, _pages, _loaded, _images = load_site(options)
    return output, report, config, site, options


def test_every_page_kind_exists(sample):
    output, report, config, site, _options = sample
    assert report.articles == len(site.articles) > 0
    expected = ["index.html", "404.html", "tags/index.html", "sections/index.html", "authors/index.html"]
    expected += [f"{a.date.at:%Y/%m/%d}/{a.slug}/index.html" for a in site.articles]
    expected += [f"{p.slug}/index.html" for p in site.pages]
    for folder, terms in (("tags", site.tags), ("sections", site.sections), ("authors", site.authors)):
        assert terms, f"the sample site has no {folder}"
        expected += [f"{folder}/{t.slug}/index.html" for t in terms]
    expected += [f"{y.year}/index.html" for y in site.years]
    expected += [f"{m.year}/{m.month:02d}/index.html" for m in site.months]
    expected += [f"{d.year}/{d.month:02d}/{d.day:02d}/index.html" for d in site.days]
    assert site.pages and site.years and site.months and site.days
    missing = [rel for rel in expected if not (output / rel).is_file()]
    assert missing == []
    # The home page is paginated exactly when it has 2 × per_page stories or more.
    paginated = len(site.articles) >= 2 * config.per_page
    assert (output / "page" / "1" / "index.html").is_file() is paginated
    assert (output / "css" / "site.css").is_file()
    for source in (REPO / "static").rglob("*"):
        if source.is_file() and not source.name.startswith("."):
            rel = source.relative_to(REPO / "static")
            assert (output / rel).read_bytes() == source.read_bytes()


def test_every_internal_link_resolves(sample):
    output, _report, config, _site, _options = sample
    assert check_links(output, config.base_url) == []


def test_drafts_and_scheduled_stories_appear_nowhere(sample):
    output, report, config, _site, options = sample
    loaded = load_content(options.path("content"), config, REPO)
    held = [a for a in loaded.articles if publishable(a, SAMPLE_NOW, drafts=False, future=False)]
    assert report.drafts == sum(a.draft for a in held) + sum(p.draft for p in loaded.pages)
    assert report.scheduled == sum(not a.draft for a in held)
    texts = {
        p.relative_to(output).as_posix(): p.read_text("utf-8", "replace") for p in output.rglob("*") if p.is_file()
    }
    for article in held:
        for needle in {article.title, html.escape(article.title), html.escape(article.title, quote=False)}:
            found = [rel for rel, text in texts.items() if needle in text]
            assert found == [], f"held-back {article.source} ({article.title!r}) appears in {found}"
        assert not (output / article.path).exists(), article.path


def test_link_checker_finds_broken_links(tmp_path):
    """The checker above is itself checked: a missing page, a missing id and an escape are found."""
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text(
        '<a href="/a/">ok</a><a href="/a/#top">ok</a><a href="/b/">missing</a><a href="/a/#nope">no id</a>'
        '<a href="https://other.example/">external</a><a href="https://x.org/a/">absolute</a>'
        '<a href="a/">relative</a><a href="#here">self</a><p id="here"></p>'
    )
    (tmp_path / "a" / "index.html").write_text('<h1 id="top">A</h1><img src="../missing.png">')
    (tmp_path / "a" / "deep.html").write_text('<a href="../../outside.html">escape</a>')
    assert check_links(tmp_path, "https://x.org/") == [
        "a/deep.html: ../../outside.html (no file ../outside.html)",
        "a/index.html: ../missing.png (no file missing.png)",
        "index.html: /b/ (no file b/index.html)",
        "index.html: /a/#nope (no id 'nope' in a/index.html)",
    ]
