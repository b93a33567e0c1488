"""Property-based tests (Hypothesis): any input either builds or gives a `path:line` error.

Never a traceback, never a file outside the output folder.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from site_gen import urls
from site_gen.build import BuildOptions, build_site
from site_gen.check import check_content
from site_gen.config import parse_config
from site_gen.errors import BuildFailed, ContentError
from site_gen.load import KNOWN_KEYS, _Problems, parse_article
from site_gen.yamlload import load_mapping
from tests._site import CONFIG, NOW, make_site, tree

WHERE = "content/articles/2025/07/x.md"
CONFIG_OBJ = parse_config(load_mapping(CONFIG), "site.yaml")

HOSTILE = [
    "../../etc/passwd",
    "/../../x/",
    "C:\\Windows\\System32",
    "C:/x/",
    "\\\\server\\share",
    "/a/\x00/b/",
    "..",
    ".",
    "/",
    "//evil.example/x",
    "/.site-gen-staging/x/",
    ".site-gen-manifest.json",
    "%2e%2e/%2e%2e/x",
    "tags/",
    "feed.xml",
    "index.html",
    "2025/07/20/x/",
    "\u202eevil",
    "بجٹ ۲۰۲۵",
    "ԁеfault",
    "x" * 300,
    "",
    " ",
]
FRAGMENTS = [
    "[a, b]",
    "{src: /images/x.jpg, alt: x}",
    "{src: 'javascript:alert(1)'}",
    "&a [1, 2]",
    "*a",
    "!!python/object/apply:os.system [ls]",
    "!!binary aGk=",
    "!!set {a, b}",
    "'unclosed",
    "[",
    "{",
    "- a\n- b",
    "2025-07-20",
    "2025-07-20T10:00:00+05:00",
    "2025-13-45",
    "1e400",
    "null",
    "~",
    "true",
    "|\n  block",
    ">-\n  folded",
    '"\\x00"',
    '"\\u202e"',
    "[[[[[[]]]]]]",
    "- {date: 2025-07-21, text: fixed}",
]
TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from("\n\r\t:-[]{}&*!|>'\"#%@`/\\."),
    max_size=40,
)
VALUES = st.one_of(st.sampled_from(HOSTILE), st.sampled_from(FRAGMENTS), TEXT)
KEYS = st.one_of(st.sampled_from(KNOWN_KEYS), st.sampled_from(["tgas", "? x", "&k key", "*k", "a: b", "<<"]), TEXT)


def _front_matter(pairs, body: str, fences: bool) -> str:
    head = "".join(f"{key}: {value}\n" for key, value in pairs)
    return f"---\n{head}---\n{body}" if fences else head + body


def _assert_located(errors: list[ContentError], where: str) -> None:
    assert errors
    for error in errors:
        assert isinstance(error, ContentError)
        assert error.path == where
        assert isinstance(error.line, int) and error.line >= 0
        assert str(error).startswith(f"{where}:" if error.line else f"{where}: ")


def _parse(data: bytes):
    try:
        article, _html, warnings = parse_article(data, WHERE, CONFIG_OBJ)
    except ContentError as exc:
        _assert_located([exc], WHERE)
        event("refused")
        return None
    except _Problems as exc:
        _assert_located(exc.errors, WHERE)
        event("refused")
        return None
    event("read")
    for warning in warnings:
        _assert_located([warning], WHERE)
    assert urls.is_safe_path(article.path)
    assert all(urls.is_safe_path(alias) for alias in article.aliases)
    for problem in check_content([article], [], CONFIG_OBJ, NOW, planned=[], static_files={}):
        _assert_located([problem], WHERE)
    return article


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(pairs=st.lists(st.tuples(KEYS, VALUES), max_size=8), body=TEXT, fences=st.booleans())
def test_any_front_matter_parses_or_gives_a_located_error(pairs, body, fences):
    _parse(_front_matter(pairs, body, fences).encode("utf-8"))


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=300))
def test_any_bytes_parse_or_give_a_located_error(data):
    _parse(data)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(
    title=st.one_of(st.sampled_from(HOSTILE), TEXT),
    slug=st.one_of(st.none(), st.sampled_from(HOSTILE), TEXT),
    aliases=st.lists(st.one_of(st.sampled_from(HOSTILE), TEXT), max_size=3),
    tags=st.lists(st.one_of(st.sampled_from(HOSTILE), TEXT), max_size=3),
)
def test_hostile_slugs_and_aliases_never_leave_the_site(title, slug, aliases, tags):
    fields = {"title": title, "date": "2025-07-20", "tags": tags, "aliases": aliases}
    if slug is not None:
        fields["slug"] = slug
    text = "---\n" + yaml.safe_dump(fields, allow_unicode=True) + "---\nBody.\n"
    article = _parse(text.encode("utf-8"))
    if article is not None:
        for path in (article.path, *article.aliases):
            assert not path.startswith("/") and ".." not in path.split("/")


def _tree_without_cache(base: Path) -> dict[str, bytes]:
    """Every file under ``base`` but the build cache (``.site-gen-cache/``, kept next to the project by design)."""
    return {rel: data for rel, data in tree(base).items() if "/.site-gen-cache/" not in f"/{rel}"}


SAFE_NAME = st.text(alphabet="abcxyz019-_ .%#?:بجٹ", min_size=1, max_size=12).filter(
    lambda s: s.strip(" .") and "/" not in s
)


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    articles=st.lists(
        st.tuples(
            SAFE_NAME,
            st.one_of(st.sampled_from(HOSTILE), TEXT),
            st.one_of(st.none(), st.sampled_from(HOSTILE)),
            st.lists(st.sampled_from(HOSTILE), max_size=2),
            st.lists(st.one_of(st.sampled_from(HOSTILE), TEXT), max_size=2),
            st.sampled_from(["2025-07-20", "2025-07-22", "2025-07-20T23:59:59+00:00", "1999-01-01"]),
            st.booleans(),
        ),
        min_size=1,
        max_size=4,
    ),
    static_name=st.one_of(st.none(), SAFE_NAME),
)
def test_any_site_builds_or_fails_with_located_errors(articles, static_name):
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        files = {}
        for name, title, slug, aliases, tags, date, draft in articles:
            fields = {"title": title, "date": date, "tags": tags, "aliases": aliases, "draft": draft}
            if slug is not None:
                fields["slug"] = slug
            files[f"articles/2025/07/{name}.md"] = "---\n" + yaml.safe_dump(fields, allow_unicode=True) + "---\nBody.\n"
        root = make_site(base / "site", files)
        if static_name:
            (root / "static" / static_name).write_text("static", "utf-8")
        before = _tree_without_cache(base)
        try:
            build_site(BuildOptions(root=root, now=NOW))
        except BuildFailed as failed:
            known = set(before) | {"site.yaml", "--output"}
            for error in failed.errors:
                assert isinstance(error.line, int) and error.line >= 0
                assert str(error).startswith(error.path)
                assert f"site/{error.path}" in known or error.path in known, error
            assert _tree_without_cache(base) == before, "a failed build wrote something"
            event("build failed")
            return
        event("built")
        after = _tree_without_cache(base)
        changed = {p for p in after if before.get(p) != after[p]} | (set(before) - set(after))
        assert all(p.startswith("site/build/") for p in changed), sorted(changed)[:5]
        for rel in tree(root / "build"):
            assert urls.is_safe_path(rel)
