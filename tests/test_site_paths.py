"""check.site_path_of reads common links directly: the same answers as urllib's rules, for any URL."""

from __future__ import annotations

import posixpath
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from site_gen import urls
from site_gen.check import _site_path_by_urllib, site_path_of
from tests.conftest import make_config


def reference(url: str, config, here: str) -> str | None:
    """The plain definition: every link through urlsplit, urljoin, unquote and normpath."""
    # A root-relative link is a site path, read from the site's root (issue 19, case 3).
    url = urls.body_link(url.strip(), config.base_path)
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    base = urlsplit(config.base_url)
    if parts.scheme or parts.netloc:
        if parts.scheme.lower() not in ("http", "https", "") or parts.netloc.lower() != base.netloc.lower():
            return None
        path = parts.path or "/"
    else:
        if not parts.path:
            return None
        try:
            path = urljoin(config.base_path + here, parts.path)
        except ValueError:  # "////℀": a host name urllib refuses
            return None
    if not path.startswith(config.base_path):
        return None if path.rstrip("/") + "/" != config.base_path else ""
    rest = unquote(path[len(config.base_path) :])
    trailing = rest.endswith("/")
    rest = posixpath.normpath("/" + rest).lstrip("/")
    return rest + "/" if trailing and rest else rest


CONFIGS = [
    make_config(base_url="https://news.example.org/"),
    make_config(base_url="https://Example.org:8443/news/"),
]
HERES = ["", "2025/07/20/slug/", "about/", "tags/x/page/2/", "news/", "a/b"]
PIECES = [
    "/",
    "//",
    ".",
    "..",
    "news",
    "News",
    "2025",
    "07",
    "x",
    "slug",
    "index.html",
    "images",
    "a.jpg",
    "?q=1",
    "#top",
    ";p",
    "%2F",
    "%2e",
    "%20",
    "%",
    "%zz",
    "پاکستان",
    ":",
    "@",
    " ",
    "\t",
    "\n",
    "\x01",
    "[",
    "]",
    "[::1]",
    "news.example.org",
    "NEWS.example.org",
    "example.org:8443",
    "Example.org:8443",
    "other.org",
    "\u2100",
    "ﬁ",
]
STARTS = [
    "",
    "/",
    "//",
    "http://",
    "https://",
    "HTTPS://",
    "https:",
    "mailto:",
    "tel:",
    "ftp://",
    "javascript:",
    "https://news.example.org",
    "https://news.example.org/",
    "http://NEWS.example.org:443/",
    "https://example.org:8443/news/",
    "//news.example.org/",
    "../",
    "./",
    "#",
    "?",
    " ",
    "\x00/",
    "a+b.c:",
]
URLS = st.builds(lambda start, rest: start + "".join(rest), st.sampled_from(STARTS), st.lists(st.sampled_from(PIECES)))


@pytest.mark.slow
@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(url=st.one_of(URLS, st.text(max_size=30)), config=st.sampled_from(CONFIGS), here=st.sampled_from(HERES))
@example(url="/2025/07/20/slug/", config=CONFIGS[0], here="")
@example(url="https://www.bbc.com/news/x", config=CONFIGS[0], here="")
@example(url="/news/../x/", config=CONFIGS[1], here="")
@example(url="/news", config=CONFIGS[1], here="")
@example(url="https://[::1/x", config=CONFIGS[0], here="")
def test_site_path_of_equals_the_urllib_reading(url, config, here):
    assert site_path_of(url, config, here) == reference(url, config, here)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/2025/07/20/slug/", "2025/07/20/slug/"),
        ("/2025/07/20/slug/?utm=x#top", "2025/07/20/slug/"),
        ("/images/a.jpg", "images/a.jpg"),
        ("/", ""),
        ("https://www.bbc.com/news/world-1", None),
        ("mailto:desk@example.org", None),
        ("#fn1", None),
        ("https://NEWS.example.org/tags/x/", "tags/x/"),
        ("../x/", "2025/07/20/x/"),
        ("/a/../b/", "b/"),
    ],
)
def test_common_links_and_their_site_paths(url, expected):
    assert site_path_of(url, CONFIGS[0], "2025/07/20/slug/") == expected


def test_the_fast_shapes_do_not_reach_urllib():
    _site_path_by_urllib.cache_clear()
    for url in ("/2025/07/20/slug/", "https://www.bbc.com/news/x", "mailto:a@b.org", "#x", "/images/a.jpg?v=2"):
        site_path_of(url, CONFIGS[0], "2025/07/20/slug/")
    assert _site_path_by_urllib.cache_info().currsize == 0
    site_path_of("../x/", CONFIGS[0], "2025/07/20/slug/")
    assert _site_path_by_urllib.cache_info().currsize == 1


def test_a_path_that_urllib_reads_as_a_bad_host_name_is_not_a_site_link():
    """Found by Hypothesis: urljoin raises on "////℀"; a body link like that must not crash a build."""
    assert site_path_of("////℀", CONFIGS[0], "") is None
