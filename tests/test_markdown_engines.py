"""One Markdown engine: markdown-it-py, as its plugins configure it, for every body.

site_gen renders bodies with markdown-it-py alone (the Rust port, markdown-it-pyrs,
published other text for about one random body in ten and crashed on deep nesting).
Its heading ids come from its own linear rule instead of the anchors plugin's
quadratic one, and :func:`site_gen.markdown.check_body` refuses bodies nested past
the engine's limit before it sees them. These tests hold the output against
markdown-it-py with the plugins themselves (:mod:`tests.markdown_bodies`): the
sample and fixture bodies, Hypothesis' bodies, and the stored bodies on which the
two engines once differed (``tests/fixtures/markdown/once_differed.json``, minimised,
with the HTML each engine gave).
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from site_gen.frontmatter import split_front_matter
from site_gen.markdown import (
    MAX_BODY_CHARS,
    MAX_NESTING,
    BodyTooComplex,
    check_body,
    check_lines,
    first_paragraph,
    to_html,
)
from tests.markdown_bodies import HOSTILE, bodies, plugin_reference, reference_html

REPO = Path(__file__).resolve().parent.parent
ONCE_DIFFERED = json.loads((REPO / "tests/fixtures/markdown/once_differed.json").read_text("utf-8"))
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
    "repeated_ids": "## a\n\n## a-1\n\n## a\n\n## a\n\n## a-2\n\n## a-1\n\n## a\n",
    "code_spans": "Run `a...b (c) +-`. The flag `--dry-run` matters.",
    "footnote_panic": "See the note [^[",
    "alt_quotes": '![Chart of "wheat"](/images/x.jpg)',
}


def sample_bodies() -> dict[str, str]:
    found = dict(EDGE_CASES)
    for path in sorted((REPO / "content").rglob("*.md")) + sorted((REPO / "tests/fixtures").rglob("*.md")):
        try:
            found[path.relative_to(REPO).as_posix()] = split_front_matter(path.read_text("utf-8"), "x").body
        except Exception:  # fixtures that are broken on purpose
            continue
    return found


BODIES = sample_bodies()


def test_no_second_engine_is_imported():
    """Rendering never loads markdown-it-pyrs, so no Rust panic or crash of it can reach a build."""
    code = "import sys; from site_gen.markdown import render_markdown; render_markdown('See the note [^['); "
    code += "print('markdown_it_pyrs' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == "False" and out.stderr == ""


@pytest.mark.parametrize("name", sorted(BODIES))
def test_every_sample_body_is_the_plugins_html(name):
    assert to_html(BODIES[name]) == reference_html(BODIES[name])


@pytest.mark.parametrize("raw_html", [False, True])
def test_with_raw_html_too(raw_html):
    for source in list(EDGE_CASES.values()) + ['<div onclick="x()">a</div>\n\n## H\n\n## H\n']:
        assert to_html(source, raw_html) == reference_html(source, raw_html)


def test_there_are_many_bodies_to_compare():
    assert len(BODIES) > 60
    assert len(ONCE_DIFFERED) > 50


@pytest.mark.parametrize("case", ONCE_DIFFERED, ids=[repr(c["body"])[:40] for c in ONCE_DIFFERED])
def test_the_bodies_on_which_the_engines_once_differed(case):
    """Each body gives the reference's HTML (stored), never what markdown-it-pyrs gave."""
    assert case["fast"] != case["reference"]
    assert to_html(case["body"]) == case["reference"] == reference_html(case["body"])


def _same_as_the_plugins(source: str) -> None:
    try:
        check_body(source)
    except BodyTooComplex:
        return
    assert to_html(source) == reference_html(source)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bodies())
@example("## x\n\n## x\n\n## x-1\n\n## x")
@example("'' (c)")
def test_generated_bodies_are_the_plugins_html(source):
    _same_as_the_plugins(source)


#: ``make fuzz`` raises the budget of the next test (SITE_GEN_FUZZ_EXAMPLES=20000).
FUZZ_EXAMPLES = int(os.environ.get("SITE_GEN_FUZZ_EXAMPLES", "3000"))


@pytest.mark.slow
@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bodies(60))
def test_thousands_of_generated_bodies_are_the_plugins_html(source):
    _same_as_the_plugins(source)


def _refused(check, source) -> bool:
    try:
        check(source)
    except BodyTooComplex:
        return True
    return False


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["> ", "- ", "1. ", "* ", "  ", "\t", ">", "-", "x", "\n", "```", "*" * 21, '"']), max_size=80
    )
)
def test_the_quick_passes_refuse_what_the_look_at_each_line_refuses(pieces):
    source = "".join(pieces)
    assert _refused(check_body, source) == _refused(lambda s: check_lines(s.split("\n")), source)


def test_the_summary_comes_from_the_html():
    source = "First *paragraph* with [a link](/x/) &amp; more.\n\nSecond."
    assert first_paragraph(to_html(source)) == "First paragraph with a link & more."


def test_the_image_alt_text_keeps_straight_quotes_as_the_reference_does():
    assert 'alt="Chart of &quot;wheat&quot;"' in to_html('![Chart of "wheat"](/images/x.jpg)')


@pytest.mark.parametrize(
    "title", ["Floods in Sindh", "  Two  spaces ", "Über-Größe & <tags>", "سیلاب اور بارش", "中文 标题", "a_b-c.d!"]
)
def test_heading_ids_are_the_anchors_plugins(title):
    from mdit_py_plugins.anchors.index import slugify

    from site_gen import markdown

    assert markdown.heading_slug(title) == slugify(title)


def test_repeated_heading_ids_are_the_plugins_in_any_order():
    names = ["a", "a-1", "a", "b", "a-2", "a", "a-1", "a-1-1", "a", "b-1", "b", "b"] * 30
    source = "".join(f"## {name}\n\n" for name in names)
    assert to_html(source) == reference_html(source)


def test_heading_ids_take_time_linear_in_the_number_of_headings():
    """20,000 headings ``## Same`` took 19 s (the anchors plugin tries every suffix again)."""
    small, large = "## Same\n\n" * 2_000, "## Same\n\n" * 20_000
    started = time.process_time()
    to_html(small)
    small_time = time.process_time() - started
    started = time.process_time()
    html = to_html(large)
    large_time = time.process_time() - started
    assert html.count("<h2 ") == 20_000 and 'id="same-19999"' in html
    assert large_time < 4, large_time  # the plugin: about 19 s
    assert large_time < 25 * max(small_time, 0.01)  # ten times the headings, not a hundred times the time


def test_the_nesting_limit_is_the_engines():
    assert plugin_reference().options["maxNesting"] == MAX_NESTING


@pytest.mark.parametrize(("unit", "levels"), [("> ", 1), ("- ", 2), ("1. ", 2), ("> - ", 3), ("* > ", 3)])
def test_a_body_is_refused_exactly_where_the_engine_would_stop_nesting(unit, levels):
    """Below the limit the engine renders everything; at it, it shows the rest as text: refused."""
    deepest = (MAX_NESTING - 1) // levels
    fits = unit * deepest + "xyz"
    check_body(fits)
    assert "<p>xyz</p>" in to_html(fits) or "<li>xyz</li>" in to_html(fits)
    too_deep = unit * (deepest + 1) + "xyz"
    assert "<p>xyz</p>" not in to_html(too_deep) and "<li>xyz</li>" not in to_html(too_deep)
    with pytest.raises(BodyTooComplex, match="levels deep"):
        check_body(too_deep)


@pytest.mark.parametrize(
    ("source", "line", "words"),
    [
        (">" * 100_000 + " x", 0, "levels deep"),
        ("Intro.\n\n" + "1. " * 30_000, 2, "levels deep"),
        ("- " * 50_000 + "x", 0, "levels deep"),
        ("*" * 200_000 + "a" + "*" * 200_000, 0, "run of 200000 `*`"),
        ("a\n" + "_" * 41 + "b" + "_" * 41, 1, "run of 41 `_`"),
        ("x" * (MAX_BODY_CHARS + 1), 0, "too long"),
    ],
)
def test_hostile_bodies_are_refused_with_their_line(source, line, words):
    with pytest.raises(BodyTooComplex, match=words) as refused:
        check_body(source)
    assert refused.value.line == line and refused.value.hint


@pytest.mark.parametrize(
    "source",
    [
        "- " * 50_000,  # a thematic break, however long: one <hr />
        "* * *\n\n" + "_" * 40 + "\n",
        "```\n" + "> " * 30 + "\n" + "*" * 100 + "\n```\n",
        "~" * 50 + "\n" + "> " * 30 + "\n",  # an unclosed fence: code to the end
        "\\*" * 100,
        "> " * 19 + "x\n" + "- " * 9 + "y",
    ],
)
def test_bodies_within_the_limits_are_accepted(source):
    check_body(source)
    assert to_html(source) == reference_html(source)


@pytest.mark.parametrize("make", HOSTILE)
def test_the_check_is_quick_on_hostile_shapes(make):
    """Linear: no pattern of check_body can backtrack (a line of 22 `> ` once took 1.5 s)."""
    for n in (22, 40, 30_000):
        source = make(n)[:MAX_BODY_CHARS]
        started = time.process_time()
        with contextlib.suppress(BodyTooComplex):
            check_body(source)
        assert time.process_time() - started < 1


def test_the_markdown_module_imports_no_engine_at_import_time():
    module = importlib.import_module("site_gen.markdown")
    assert not hasattr(module, "markdown_it_pyrs")
