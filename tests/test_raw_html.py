"""Raw HTML: off by default; when on, sanitised (no scripts, handlers or javascript: URLs)."""

from __future__ import annotations

import re

import pytest

from site_gen.markdown import render_markdown, sanitize_html
from tests._site import CONFIG, NOW_ARG, article, make_site, run_cli

HOSTILE = """\
Intro <b onclick="steal()">bold</b> and <a href="javascript:alert(1)">click</a>.

<script>document.cookie</script>
<img src="/images/logo.svg" alt="Logo" onerror="alert(2)">
<a href="https://example.org/" target="_blank">new window</a>
<a href="/about/" target="_blank" rel="nofollow">nofollow</a>
<a href="/contact/">same window</a>
<iframe src="https://evil.example/"></iframe>
<a href="JaVaScRiPt&#58;alert(3)">entity</a> <a href="data:text/html,x">data</a>
<style>body { display: none }</style>
<svg onload="alert(4)"><circle r="1"/></svg>
"""


def test_raw_html_is_text_by_default():
    html = render_markdown("<script>alert(1)</script> <b>x</b>\n").html
    assert "<script" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html


def test_raw_html_on_is_sanitised():
    html = render_markdown(HOSTILE, raw_html=True).html
    lowered = html.lower()
    for bad in ("<script", "onclick", "onerror", "onload", "javascript", "<iframe", "<style", "data:text", "<svg"):
        assert bad not in lowered, bad
    assert "<b>bold</b>" in html
    assert '<img src="/images/logo.svg" alt="Logo">' in html
    assert '<a href="https://example.org/" target="_blank" rel="noopener">new window</a>' in html
    assert '<a href="/about/" target="_blank" rel="nofollow noopener">nofollow</a>' in html
    assert '<a href="/contact/">same window</a>' in html


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ('<a href="/x" target="_self">x</a>', '<a href="/x" target="_self">x</a>'),
        ('<a href="/x" target="story">x</a>', '<a href="/x" target="story" rel="noopener">x</a>'),
        ('<a href="/x" target="_blank" rel="noopener">x</a>', '<a href="/x" target="_blank" rel="noopener">x</a>'),
        (
            '<a title="a>b" target="_blank" href="/x">x</a>',
            '<a title="a&gt;b" target="_blank" href="/x" rel="noopener">x</a>',
        ),
    ],
)
def test_new_window_links_get_noopener(given, expected):
    assert sanitize_html(given) == expected


def test_markdown_features_survive_sanitising():
    source = "## Heading\n\n| a | b |\n|--:|:-:|\n| 1 | 2 |\n\nText[^1]\n\n[^1]: A note.\n"
    assert render_markdown(source, raw_html=True).html == render_markdown(source).html.replace(" />", ">")


def test_built_page_of_a_raw_html_site_has_no_script(tmp_path):
    root = make_site(
        tmp_path / "site",
        {
            "articles/2025/07/a.md": article("Budget", body=HOSTILE),
            "pages/about.md": "---\ntitle: About\n---\nAbout us.\n",
            "pages/contact.md": "---\ntitle: Contact\n---\nWrite to us.\n",
        },
        config=CONFIG.replace("per_page: 5", "per_page: 5\nraw_html: true"),
    )
    code, out, err = run_cli(root, "build", "--now", NOW_ARG, "-q")
    assert (code, err) == (0, "")
    page = (root / "build/2025/07/20/budget/index.html").read_text("utf-8")
    body = page[page.index('<div class="body">') : page.index("</article>")]
    assert not re.search(r"<script|\son\w+=|javascript:", body, re.IGNORECASE)
    assert 'rel="noopener"' in body
