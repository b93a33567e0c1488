"""Bodies for the differential tests and ``make fuzz``: Markdown made of the pieces
where renderers disagree (quotes next to typography, code spans, tables, footnotes,
containers, emphasis, entities), and the renderer site_gen's output is held against.

:func:`plugin_reference` is markdown-it-py configured with mdit-py-plugins' own
``footnote_plugin`` and ``anchors_plugin``: what :func:`site_gen.markdown.to_html` must
give for every body :func:`site_gen.markdown.check_body` accepts.
"""

from __future__ import annotations

import random
from functools import lru_cache

from hypothesis import strategies as st

#: Pieces a body is made of (the classes where markdown-it-pyrs differed, and the marks of every block).
ATOMS = [
    "a", "b", "word", "Word.", " ", " ", "  ", "\t", "\n", "\n", "\n\n", "    ",
    '"', "'", "''", "(c)", "(tm)", "(r)", "--", "---", "...", "+-", "?....", "!!!!",
    "*", "**", "_", "__", "~~", "`", "``", "```\n", "~~~\n", "\\", "&amp;", "&mp;", "&#35;", "<", ">",
    "# ", "## ", "### ", "#### ", "- ", "* ", "+ ", "1. ", "2) ", "> ", "===", "\n---\n",
    "[", "]", "(", ")", "[a](/)", "![i](/images/logo.svg)", "<https://x.y>", "http://x.y", ":",
    "|", "| a | b |\n|---|--:|\n| 1 | 2 |\n", "-|\n", "a|b\n-|-\n",
    "[^1]", "[^1]: note", "[^n]: long\n    more", "$7bn", "سیلاب", "中文", "Über",
]  # fmt: skip


def bodies(max_atoms: int = 40) -> st.SearchStrategy[str]:
    """Hypothesis: bodies of up to ``max_atoms`` pieces, with some free text among them."""
    piece = st.one_of(st.sampled_from(ATOMS), st.sampled_from(ATOMS), st.text(max_size=3))
    return st.lists(piece, max_size=max_atoms).map("".join)


def random_body(rnd: random.Random, max_atoms: int = 40) -> str:
    """One body drawn like :func:`bodies`, from a seeded generator (for ``make fuzz``)."""
    parts = []
    for _ in range(rnd.randint(0, max_atoms)):
        if rnd.random() < 0.9:
            parts.append(rnd.choice(ATOMS))
        else:
            parts.append("".join(chr(rnd.choice((rnd.randint(32, 126), rnd.randint(160, 0x2FFF)))) for _ in range(3)))
    return "".join(parts)


#: Hostile shapes (deep containers, long runs of marks, many headings), each at a size ``n``.
HOSTILE = [
    lambda n: ">" * n + " x",
    lambda n: "- " * n,
    lambda n: "- " * n + "x",
    lambda n: "1. " * n,
    lambda n: "> - " * n + "x",
    lambda n: "*" * n + "a" + "*" * n,
    lambda n: "_" * n + "a" + "_" * n,
    lambda n: "[" * n + "a" + "]" * n,
    lambda n: "[a](" * n,
    lambda n: "`" * n + "a",
    lambda n: "## Same\n\n" * n,
    lambda n: "".join(f"{'  ' * i}- x\n" for i in range(min(n, 300))),
    lambda n: "See the note [^[" * max(1, n // 20),
    lambda n: "|a" * n + "\n" + "|-" * n,
    lambda n: "[^1]: x\n" * n + "[^1]",
    lambda n: '"' * n + "'" * n,
]


@lru_cache(maxsize=2)
def plugin_reference(raw_html: bool = False):
    """markdown-it-py as site_gen configures it, with the plugins' own heading ids."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.anchors import anchors_plugin
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt("commonmark", {"html": raw_html, "typographer": True})
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.use(footnote_plugin)
    md.use(anchors_plugin, min_level=2, max_level=4)
    return md


def reference_html(source: str, raw_html: bool = False) -> str:
    """What :func:`site_gen.markdown.to_html` must give for ``source``."""
    from site_gen.markdown import sanitize_html

    html = plugin_reference(raw_html).render(source)
    return sanitize_html(html) if raw_html else html
