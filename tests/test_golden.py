"""The fixture site, built at a pinned time, is byte for byte the golden output.

A failure shows the first differing file. When the change is intended, run
``make golden`` and review ``git diff tests/golden``.
"""

from __future__ import annotations

import difflib
import html

import pytest

from tests.golden import GOLDEN, build_fixture, site_files

HINT = "run `make golden` if the change is intended"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    output, report = build_fixture(tmp_path_factory.mktemp("golden"))
    return site_files(output), report


def describe_difference(rel: str, expected: bytes, actual: bytes) -> str:
    """A readable account of how one file differs: a unified diff for text, sizes for bytes."""
    try:
        old, new = expected.decode("utf-8"), actual.decode("utf-8")
    except UnicodeDecodeError:
        return f"{rel}: binary file differs ({len(expected)} bytes expected, {len(actual)} built)"
    diff = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), f"golden/{rel}", f"built/{rel}", n=2
    )
    lines = list(diff)
    shown = "".join(lines[:60]) + (f"… ({len(lines) - 60} more diff lines)\n" if len(lines) > 60 else "")
    return shown or f"{rel}: only line endings or the final newline differ"


def test_golden_output_is_checked_in():
    assert GOLDEN.is_dir() and any(GOLDEN.rglob("*.html")), f"tests/golden/site/ is missing: {HINT}"


def test_same_set_of_files(built):
    files, _report = built
    golden = site_files(GOLDEN)
    missing = sorted(golden.keys() - files.keys())
    extra = sorted(files.keys() - golden.keys())
    if missing or extra:
        pytest.fail(
            f"the built fixture site has other files than tests/golden/site/ ({HINT})\n"
            f"  not built any more: {missing}\n  new: {extra}",
            pytrace=False,
        )


def test_every_file_byte_for_byte(built):
    files, _report = built
    golden = site_files(GOLDEN)
    differing = [rel for rel in sorted(golden.keys() & files.keys()) if golden[rel] != files[rel]]
    if differing:
        rel = differing[0]
        others = f" (and {len(differing) - 1} more files differ)" if len(differing) > 1 else ""
        pytest.fail(
            f"{rel} differs from tests/golden/site/{rel}{others}; {HINT}:\n"
            + describe_difference(rel, golden[rel], files[rel]),
            pytrace=False,
        )


def test_the_report(built):
    _files, report = built
    assert (report.articles, report.drafts, report.scheduled) == (8, 1, 1)


def test_held_back_and_private_text_is_nowhere(built):
    files, _report = built
    for rel, data in files.items():
        text = data.decode("utf-8", "replace")
        for secret in ("Unpublished Draft", "Cabinet Reshuffle", "Scheduled Mid-Year", "Scheduled Only Tag"):
            assert secret not in text, f"{secret!r} appears in {rel}"
        assert "<script>alert" not in text, rel


def test_golden_site_shows_what_the_fixture_exercises(built):
    """Guards the fixture itself: the features the golden output is meant to pin down are in it."""
    files, _report = built
    page = files["2025/07/20/pakistan-afghanistan-anti-terrorism-cooperation/index.html"].decode()
    assert "{{ site.title }} and {% if x %}" in html.unescape(page)  # content is never a template
    assert "&lt;script&gt;" in page
    assert 'href="/news/tags/counterterrorism/"' in page
    assert "old/pledge/index.html" in files
    urdu = files["2025/06/10/peshawar-rain/index.html"].decode()
    assert 'lang="ur" dir="rtl"' in urdu
    assert "/news/tags/%D9%BE%D8%B4%D8%A7%D9%88%D8%B1/" in urdu  # the Urdu tag's link
    assert "tags/پشاور/index.html" in files
    assert "page/1/index.html" in files and "page/2/index.html" in files  # stable pagination at per_page 2
    assert 'src="/news/images/logo.svg"' in files["2025/01/15/tajik-dam-starts-its-first-turbine/index.html"].decode()
    budget = files["2025/06/10/budget-raises-development-spending-on-water-storage/index.html"].decode()
    assert "<table>" not in budget and "footnote" in budget and "<s>roads</s>" in budget
    assert "<table>" in files["2025/01/15/tajik-dam-starts-its-first-turbine/index.html"].decode()
