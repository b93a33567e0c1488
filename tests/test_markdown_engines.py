"""The fast Markdown engine (markdown-it-pyrs) gives the reference engine's bytes.

markdown-it-py is the reference; site_gen renders with its Rust port when raw
HTML is off. Every body we have (sample articles, fixtures, and constructed
edge cases) must render identically, except the one stated difference: the
fast engine applies typographic quotes inside image alt text too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from site_gen.frontmatter import split_front_matter
from site_gen.markdown import engine_for, first_paragraph, to_html

REPO = Path(__file__).resolve().parent.parent
EDGE_CASES = {
    "headings": "## One\n\n## One\n\n### Two *emphasis* `code`\n\n#### Four &amp; more\n\n##### Five stays bare\n",
    "typography": "\"Quoted\" and 'single' -- dash --- em ... (c) (tm) +-\n",
    "footnotes": "Text[^1] and more[^note].\n\n[^1]: First.\n[^note]: Second, *long*.\n",
    "table": "| a | b |\n|:--|--:|\n| 1 | 2 |\n| `x` | **y** |\n",
    "lists": "- one\n- two\n\n1. first\n2. second\n\n> quote\n> more\n",
    "html_is_text": "<script>alert(1)</script>\n\n<div>block</div> and <b>inline</b>\n",
    "links": "[a](https://example.org) [b](/2025/07/20/x/) [bad](javascript:alert(1)) <https://auto.example>\n",
    "urdu": '## پاکستان کی خبر\n\nکراچی میں 25 جولائی کو "اجلاس" ہوا۔\n',
    "strike": "~~gone~~ and **bold** and _em_\n",
    "code": "```\n<tag> & stuff\n```\n\n    indented\n",
}


def bodies() -> dict[str, str]:
    found = dict(EDGE_CASES)
    for path in sorted((REPO / "content").rglob("*.md")) + sorted((REPO / "tests/fixtures").rglob("*.md")):
        try:
            found[path.relative_to(REPO).as_posix()] = split_front_matter(path.read_text("utf-8"), "x").body
        except Exception:  # fixtures that are broken on purpose
            continue
    return found


BODIES = bodies()


def test_the_fast_engine_is_installed_and_used():
    assert engine_for(raw_html=False) == "fast"
    assert engine_for(raw_html=True) == "reference"


@pytest.mark.parametrize("name", sorted(BODIES))
def test_both_engines_give_the_same_html(name):
    source = BODIES[name]
    assert to_html(source, engine="fast") == to_html(source, engine="reference")


def test_there_are_many_bodies_to_compare():
    assert len(BODIES) > 60


def test_the_stated_difference_image_alt_text_gets_typographic_quotes():
    source = '![Chart of "wheat"](/images/x.jpg)'
    assert 'alt="Chart of “wheat”"' in to_html(source, engine="fast")
    assert 'alt="Chart of &quot;wheat&quot;"' in to_html(source, engine="reference")


def test_the_summary_comes_from_the_html_so_both_engines_agree():
    source = "First *paragraph* with [a link](/x/) &amp; more.\n\nSecond."
    assert first_paragraph(to_html(source, engine="fast")) == "First paragraph with a link & more."


@pytest.mark.parametrize("body", ["see [`code", "[`", "[``", "[\n`", "v[#2\U0009b893`_¼", "A [link](/x/) and `code`."])
def test_bodies_that_crash_the_fast_engine_render_with_the_reference_one(body):
    """markdown-it-pyrs panics on "[" followed by an unclosed backtick run: such bodies never reach it."""
    assert to_html(body) == to_html(body, engine="reference")


@pytest.mark.parametrize(
    "title", ["Floods in Sindh", "  Two  spaces ", "Über-Größe & <tags>", "سیلاب اور بارش", "中文 标题", "a_b-c.d!"]
)
def test_heading_ids_are_the_anchors_plugins(title):
    """The fast engine's copy of the anchors plugin's slug rules gives the same ids."""
    from mdit_py_plugins.anchors.index import slugify, unique_slug

    from site_gen import markdown

    assert markdown.heading_slug(title) == slugify(title)
    mine, theirs = set(), set()
    assert [markdown.unique_slug("x", mine) for _ in range(3)] == [unique_slug("x", theirs) for _ in range(3)]
