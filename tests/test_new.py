"""`site-gen new` and `make new`."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from site_gen.new import new_article
from tests._site import NOW_ARG, REPO, make_site, run_cli

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
        "slug: budget-2025-26-what-changes  # the URL; keep it once published\n"
        "dateline:  # the city it is filed from, e.g. KABUL\n"
        "author:  # the reporter, or authors: [One, Two]\n"
        "section: Pakistan\n"
        "tags: [Budget, Economy]\n"
        "# summary: One or two sentences for cards and search results (default: the first paragraph)\n"
        "# image:  # a lead picture from static/images/; remove the # of these five lines\n"
        "#   src: /images/photo.jpg\n"
        "#   alt: What the picture shows, for readers who cannot see it\n"
        "#   caption: What is happening, who is in it\n"
        "#   credit: Photographer / Agency\n"
        "---\n\nWrite the story here.\n"
    )
    assert "''" not in path.read_text("utf-8")  # issue 19: no empty strings


def test_new_takes_date_author_slug_and_draft(tmp_path):
    root = make_site(tmp_path, {})
    code, out, err = run_cli(
        root,
        "new",
        "Gwadar: Port Opens",
        "--date",
        "2025-07-20 14:30",
        "--author",
        "Staff Reporter",
        "--slug",
        "gwadar-port",
        "--draft",
    )
    assert (code, out, err) == (0, "content/articles/2025/07/gwadar-port.md\n", "")
    text = (root / out.strip()).read_text("utf-8")
    assert "title: 'Gwadar: Port Opens'\ndate: 2025-07-20T14:30+05:00\nslug: gwadar-port  #" in text
    assert "\nauthor: Staff Reporter\n" in text and "\ndraft: true  #" in text
    assert run_cli(root, "new", "Day Only", "--date", "2025-07-19")[0] == 0
    assert "\ndate: 2025-07-19\n" in (root / "content/articles/2025/07/day-only.md").read_text("utf-8")
    # The skeleton is valid front matter: only the placeholder body is reported.
    code, _, err = run_cli(root, "check", "--now", NOW_ARG)
    assert code == 1
    assert [line.split(": ", 1)[1] for line in err.splitlines()[:-1]] == [
        "the article has no body (only the placeholder text) — write the story below the closing `---` line"
    ] * 2
    assert run_cli(root, "new", "X", "--slug", "a b") == (
        1,
        "",
        "site-gen new: --slug: slug 'a b' may not contain a space: a URL or file name cannot carry it"
        " — use letters, digits and hyphens, e.g. a-b\n",
    )
    assert run_cli(root, "new", "X", "--date", "21st July")[2] == (
        "site-gen new: --date: cannot read the date '21st July'"
        " — write it as 2025-07-20, 2025-07-20 14:30 or 2025-07-20T14:30:00+05:00\n"
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
    assert "slug: article-20250721-1005  #" in first.read_text("utf-8")
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
