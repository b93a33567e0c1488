"""`site-gen new` and `make new`."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from site_gen.new import new_article
from tests._site import REPO, make_site, run_cli

KARACHI = ZoneInfo("Asia/Karachi")


def test_new_writes_todays_article_in_the_site_time_zone(tmp_path):
    root = make_site(tmp_path, {})
    # 22:30 UTC on the 20th is already 03:30 on the 21st in Karachi.
    path = new_article(
        "Budget 2025-26: What Changes",
        root / "site.yaml",
        root / "content",
        section="Pakistan",
        tags="Budget, Economy",
        now=datetime(2025, 7, 20, 22, 30, tzinfo=UTC),
    )
    assert path == root / "content/articles/2025/07/budget-2025-26-what-changes.md"
    assert path.read_text("utf-8") == (
        "---\n"
        "title: 'Budget 2025-26: What Changes'\n"
        "date: 2025-07-21T03:30+05:00\n"
        "author: ''\n"
        "section: Pakistan\n"
        "tags:\n- Budget\n- Economy\n"
        "summary: ''\n"
        "---\n\nWrite the story here.\n"
    )


def test_new_from_the_command_line_prints_the_path_and_refuses_to_overwrite(tmp_path):
    root = make_site(tmp_path, {})
    before = datetime.now(KARACHI)
    code, out, err = run_cli(root, "new", "Floods in Swat")
    after = datetime.now(KARACHI)
    assert (code, err) == (0, "")
    expected = {f"content/articles/{d:%Y}/{d:%m}/floods-in-swat.md\n" for d in (before, after)}
    assert out in expected
    written = root / out.strip()
    text = written.read_text("utf-8")
    assert any(f"date: {d:%Y-%m-%d}T" in text for d in (before, after))
    written.write_text(text + "The story.\n", "utf-8")

    code, out, err = run_cli(root, "new", "Floods in Swat")
    assert (code, out) == (1, "")
    assert err == f"{written.relative_to(root)}: already exists — choose another title or edit that file\n"
    assert written.read_text("utf-8") == text + "The story.\n"


def test_urdu_headline_gets_an_ascii_slug_from_the_date(tmp_path):
    root = make_site(tmp_path, {})
    now = datetime(2025, 7, 21, 10, 5, tzinfo=KARACHI)
    first = new_article("بجٹ میں اضافہ", root / "site.yaml", root / "content", lang="ur", now=now)
    second = new_article("کابل میں مذاکرات", root / "site.yaml", root / "content", lang="ur", now=now)
    assert first.name == "article-20250721-1005.md"
    assert second.name == "article-20250721-1005-2.md"
    assert first.name.isascii() and second.name.isascii()
    assert "slug: article-20250721-1005\n" in first.read_text("utf-8")
    assert "lang: ur\n" in first.read_text("utf-8")
    # The file is valid: the only problem check finds is the missing story.
    first.write_text(first.read_text("utf-8").replace("Write the story here.", "متن"), "utf-8")
    second.unlink()
    assert run_cli(root, "check", "--now", "2025-07-21T12:00:00+05:00") == (0, "ok: no errors, 0 warning(s)\n", "")


def test_new_refuses_an_empty_headline_and_a_bad_language(tmp_path):
    root = make_site(tmp_path, {})
    assert run_cli(root, "new", "   ") == (
        1,
        "",
        'site-gen new: the headline is empty — write it in quotes: site-gen new "Headline"\n',
    )
    assert run_cli(root, "new", "Budget", "--lang", "Urdu") == (
        1,
        "",
        "site-gen new: unknown language code 'Urdu' — use a code such as en, ur, ps or fa\n",
    )
    assert not list((root / "content/articles").rglob("*.md"))


def _make(root, *args):
    """`make -f Makefile ARGS` in a project that has its own (already set up) Python."""
    (root / "pyproject.toml").touch()
    (root / "ready").touch()
    (root / "compiled").touch()
    command = ["make", "-s", "-f", str(REPO / "Makefile"), *args, f"PY={sys.executable}"]
    command += [f"STAMP={root / 'ready'}", f"BYTECODE={root / 'compiled'}"]
    return subprocess.run(command, cwd=root, capture_output=True, text=True)


def test_make_new_keeps_the_headline_as_typed(tmp_path):
    root = make_site(tmp_path, {})
    title = 'IMF approves $7bn loan, "a lifeline" `says` $(minister)'
    done = _make(root, "new", f"TITLE={title}", "SECTION=Business")
    assert (done.returncode, done.stderr) == (0, "")
    path = root / done.stdout.strip()
    assert path.name == "imf-approves-7bn-loan-a-lifeline-says-minister.md"
    assert 'title: IMF approves $7bn loan, "a lifeline" `says` $(minister)\n' in path.read_text("utf-8")
    assert "section: Business\n" in path.read_text("utf-8")

    usage = _make(root, "new")
    assert usage.returncode != 0
    assert usage.stderr.startswith('usage: make new TITLE="Headline"')
