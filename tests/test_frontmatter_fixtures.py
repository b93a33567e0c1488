"""Front matter cases as fixture files (like markdown-it-py's tests/test_port/fixtures).

Each ``tests/fixtures/frontmatter/NAME.md`` is an article file, read as bytes
as if it were ``content/articles/NAME.md``; ``cases.yaml`` holds, under
``NAME.md``, what reading it must give:

* ``errors``: every message, exactly (``path:line: message — hint``), sorted;
* ``warnings``: the warnings, exactly (default: none);
* any other key is a field of the article (see :func:`article_fields`), compared
  with ``==``; dates are compared as RFC 3339 text.

The site is in Asia/Karachi (UTC+05:00), with ``language: en``.
To add a case, add a file and its entry; a file without an entry fails.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from site_gen.errors import ContentError
from site_gen.load import _Problems, parse_article
from tests.conftest import make_config

FIXTURES = Path(__file__).parent / "fixtures" / "frontmatter"
CASES: dict = yaml.safe_load((FIXTURES / "cases.yaml").read_text("utf-8"))
FILES = sorted(p.name for p in FIXTURES.glob("*.md"))


def article_fields(article, html: str) -> dict:
    """The article as plain data, named as in ``cases.yaml``."""
    return {
        "title": article.title,
        "date": article.date.timestamp_iso(),
        "date_shown": article.date.human(),
        "has_time": article.date.has_time,
        "updated": article.updated.timestamp_iso() if article.updated else None,
        "slug": article.slug,
        "path": article.path,
        "summary": article.summary,
        "dateline": article.dateline,
        "authors": list(article.authors),
        "section": article.section,
        "tags": list(article.tags),
        "image": dataclasses.asdict(article.image) if article.image else None,
        "lang": article.lang,
        "draft": article.draft,
        "aliases": list(article.aliases),
        "corrections": [[c.date.isoformat(), c.text] for c in article.corrections],
        "extra": article.extra,
        "html": html,
        "body_line": article.body_line,
        "lines": article.lines,
    }


def read_case(name: str) -> dict:
    """What site_gen makes of one fixture file: fields, or errors; and warnings."""
    data = (FIXTURES / name).read_bytes()
    where = f"content/articles/{name}"
    try:
        article, html, warnings = parse_article(data, where, make_config(), stem=Path(name).stem)
    except ContentError as exc:
        return {"errors": [str(exc)]}
    except _Problems as exc:
        return {"errors": [str(e) for e in sorted(exc.errors, key=lambda e: (e.path, e.line, e.message))]}
    return {"fields": article_fields(article, html), "warnings": [str(w) for w in warnings]}


def test_every_fixture_file_has_a_case_and_every_case_a_file():
    assert sorted(CASES) == FILES


@pytest.mark.parametrize("name", FILES)
def test_front_matter_case(name):
    expected = dict(CASES.get(name) or {})
    outcome = read_case(name)
    if "errors" in expected:
        assert outcome.get("errors") == expected.pop("errors"), "messages differ"
        assert not expected, f"an invalid file has no fields to check: {sorted(expected)}"
        return
    assert "errors" not in outcome, f"unexpected errors: {outcome['errors']}"
    assert outcome["warnings"] == expected.pop("warnings", [])
    assert expected, "a valid case must check at least one field"
    unknown = set(expected) - set(outcome["fields"])
    assert not unknown, f"cases.yaml names unknown fields: {sorted(unknown)}"
    assert {key: outcome["fields"][key] for key in expected} == expected
