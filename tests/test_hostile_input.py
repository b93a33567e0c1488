"""Issue 20: nothing an editor types, and nothing on the disk, crashes, hangs or fools the build.

Each case of the issue, run as written, ends in a clear message (``path:line: message — hint``,
or a usage error) and leaves the output folder as it was.
"""

from __future__ import annotations

import pytest

from site_gen.build import read_config
from site_gen.config import checked_base_url, override
from site_gen.errors import BuildFailed
from tests.conftest import NOW, REPO, make_config, make_site, run_cli, site_options

THEME = ("--templates", str(REPO / "templates"), "--static", str(REPO / "static"))
PINNED = ("--now", NOW.isoformat())
STORY = {"2025/07/story.md": {"title": "A story", "date": "2025-07-20"}}


@pytest.fixture
def site(site_dir):
    return make_site(site_dir, articles=STORY)


# -- case 9: --base-url is checked as site.yaml's base_url is ------------------------------------------

HOSTILE_URLS = ["javascript:alert(1)//", "ftp://files.example.org/", 'https://x.org/"><script>', "//x.org/"]


@pytest.mark.parametrize("url", HOSTILE_URLS)
@pytest.mark.parametrize("command", ["build", "check", "serve"])
def test_a_hostile_base_url_is_a_usage_error(site, command, url):
    code, out, err = run_cli(site, command, *THEME, *PINNED, "--base-url", url)
    assert code == 2
    assert f"argument --base-url: must be an absolute http(s) URL, not {url!r} — e.g. https://news.example.org/" in err
    assert not (site / "build").exists() and not (site / ".site-gen-preview").exists()


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_the_same_rule_for_site_yaml_and_the_override(url):
    with pytest.raises(ValueError) as caught:
        checked_base_url(url)
    with pytest.raises(BuildFailed) as failed:
        override(make_config(), base_url=url)
    assert [str(e) for e in failed.value.errors] == [
        f"--base-url: the base URL {caught.value} — e.g. https://news.example.org/"
    ]


def test_build_options_with_a_hostile_base_url_are_refused(site):
    with pytest.raises(BuildFailed, match="--base-url: the base URL must be an absolute http"):
        read_config(site_options(site, base_url="javascript:alert(1)//"))


def test_a_good_base_url_is_still_taken(site):
    code, _out, err = run_cli(site, "build", *THEME, *PINNED, "--base-url", "https://mirror.example.org/news")
    assert code == 0, err
    assert b'href="https://mirror.example.org/news/2025/07/20/a-story/"' in (site / "build" / "feed.xml").read_bytes()
