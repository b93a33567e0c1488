"""The command line: exit codes, exact messages, and what a failed build leaves behind."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from site_gen.write import STAGING
from tests._site import NOW_ARG
from tests.conftest import NOW, REPO, make_site, run_cli, snapshot

THEME = ("--templates", str(REPO / "templates"), "--static", str(REPO / "static"))
PINNED = ("--now", NOW.isoformat())

GOOD = {
    "2025/07/budget.md": {
        "title": "Budget raises spending",
        "date": "2025-07-20",
        "tags": ["Budget"],
        "section": "Business",
    },
    "2025/07/floods.md": {"title": "Floods in Sindh", "date": "2025-07-21 09:00", "tags": ["Floods"]},
    "2025/07/draft.md": {"title": "Hidden draft", "date": "2025-07-22", "draft": True},
    "2025/09/later.md": {"title": "Scheduled story", "date": "2025-09-01"},
}
BROKEN = {
    "2025/07/a-no-title.md": "---\ndate: 2025-07-20\n---\nText.\n",
    "2025/07/b-bad-yaml.md": "---\ntitle: Bad YAML\ndate: 2025-07-20\ntags: [Floods, Sindh\nsection: News\n---\nText.\n",
    "2025/07/c-bad-date.md": "---\ntitle: Bad date\ndate: 21st July\nslug: Not A Slug\n---\nText.\n",
    "2025/07/d-unclosed.md": "---\ntitle: Unclosed\ndate: 2025-07-20\n",
    "2024/e-latin1.md": b"---\ntitle: Caf\xe9\ndate: 2024-01-01\n---\n",
}
SCHEDULED_NOTE = "content/articles/2025/09/later.md:3: note: scheduled for 1 September 2025 — it appears with the first build after then\n"
LINKS_NOT_CHECKED = "content: note: links in bodies were not checked, since some files could not be read — fix the errors, then check again"
BROKEN_MESSAGES = [
    "content/articles/2024/e-latin1.md:2: the file is not UTF-8 text — save it as UTF-8 (Unicode)",
    "content/articles/2025/07/a-no-title.md:1: missing `title` — add a line `title: …` to the front matter",
    "content/articles/2025/07/b-bad-yaml.md:4: YAML syntax error: did not find expected ',' or ']'"
    " — close the brackets, and quote names that contain `,` `:` or `#`",
    "content/articles/2025/07/c-bad-date.md:3: cannot read the date '21st July'"
    " — write it as 2025-07-20, 2025-07-20 14:30 or 2025-07-20T14:30:00+05:00",
    "content/articles/2025/07/c-bad-date.md:4: slug 'Not A Slug' may not contain a space: a URL or file name cannot carry it"
    " — use letters, digits and hyphens, e.g. not-a-slug",
    "content/articles/2025/07/d-unclosed.md:1: front matter is not closed"
    " — did you forget the closing `---` line after the last field?",
]
SUMMARY = re.compile(
    r"Built 2 articles, (\d+) files written, (\d+) unchanged; held back 1 draft and 1 scheduled in \d+\.\d\d s → build/\n"
)


def build(root, *args):
    return run_cli(root, "build", *THEME, *PINNED, *args)


@pytest.fixture
def good_site(site_dir):
    return make_site(site_dir, articles=GOOD, pages={"about.md": {"title": "About us", "date": None}})


def test_build_prints_one_summary_line_and_exits_0(good_site):
    code, out, err = build(good_site)
    assert (code, err) == (0, "")
    first = SUMMARY.fullmatch(out)
    assert first, out
    files = snapshot(good_site / "build")
    assert int(first[1]) == len([f for f in files if not f.startswith(".site-gen")]) and first[2] == "0"
    # Nothing changed: nothing is written again.
    code, out, err = build(good_site)
    again = SUMMARY.fullmatch(out)
    assert (code, err) == (0, "") and again, out
    assert (again[1], again[2]) == ("0", first[1])
    assert snapshot(good_site / "build") == files


def test_quiet_prints_nothing_on_success(good_site):
    assert build(good_site, "-q") == (0, "", "")
    assert (good_site / "build" / "index.html").is_file()


def test_every_broken_article_is_reported_in_one_run(good_site):
    make_site(good_site, articles=BROKEN)
    code, out, err = build(good_site)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        *BROKEN_MESSAGES,
        "build failed: 6 errors; the output folder was left as it was",
    ]
    assert not (good_site / "build").exists()


def test_errors_are_printed_even_with_quiet(good_site):
    make_site(good_site, articles={"x.md": "no front matter\n"})
    code, out, err = build(good_site, "-q")
    assert (code, out) == (1, "")
    assert err == (
        "content/articles/x.md:1: no front matter: the file must start with a line `---`"
        " — put `---`, then `title:` and `date:`, then `---` above the text\n"
        "build failed: 1 error; the output folder was left as it was\n"
    )


def test_a_failed_build_leaves_the_previous_build_untouched(good_site):
    assert build(good_site, "-q")[0] == 0
    before = snapshot(good_site / "build")
    assert any(name.endswith("index.html") for name in before)
    # Edit a story, add one, and break two: nothing of this may reach build/.
    make_site(
        good_site,
        articles={
            "2025/07/floods.md": {"title": "Floods in Sindh, updated", "date": "2025-07-21 09:00"},
            "2025/07/new.md": {"title": "A brand new story", "date": "2025-07-25"},
            **{k: BROKEN[k] for k in ("2025/07/a-no-title.md", "2024/e-latin1.md")},
        },
    )
    code, _out, err = build(good_site)
    assert code == 1
    assert err.endswith("build failed: 2 errors; the output folder was left as it was\n")
    assert snapshot(good_site / "build") == before
    assert not (good_site / "build" / STAGING).exists()


def test_a_template_error_leaves_the_previous_build_untouched(good_site, tmp_path):
    """Pages render (and are staged) before the error: the staging folder goes, build/ stays."""
    assert build(good_site, "-q")[0] == 0
    before = snapshot(good_site / "build")
    templates = tmp_path / "templates"
    templates.mkdir()
    for source in (p for p in (REPO / "templates").rglob("*") if p.is_file()):
        target = templates / source.relative_to(REPO / "templates")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
    (templates / "404.html").write_text(
        '{% extends "base.html" %}\n{% block main %}\n{{ page.missing }}\n{% endblock %}\n'
    )
    make_site(good_site, articles={"2025/07/new.md": {"title": "A brand new story", "date": "2025-07-25"}})
    code, out, err = run_cli(
        good_site, "build", "--templates", str(templates), "--static", str(REPO / "static"), *PINNED
    )
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"{templates.as_posix()}/404.html:3: template error while rendering /404.html:"
        " UndefinedError: 'dict object' has no attribute 'missing'",
        "build failed: 1 error; the output folder was left as it was",
    ]
    assert snapshot(good_site / "build") == before
    assert not (good_site / "build" / STAGING).exists()


def test_two_articles_on_one_url(site_dir):
    story = {"title": "Same headline", "date": "2025-07-20"}
    make_site(site_dir, articles={"a.md": story, "b.md": dict(story, date="2025-07-20 08:00")})
    code, out, err = build(site_dir)
    assert (code, out) == (1, "")
    assert err == (
        "content/articles/a.md:2: this article is on the same URL as content/articles/b.md: /2025/07/20/same-headline/"
        " — give one of them a different `slug:`\n"
        "build failed: 1 error; the output folder was left as it was\n"
    )


def test_bad_configuration_reports_every_problem(site_dir):
    make_site(site_dir, config="title: T\nbase_url: example.org\nper_page: many\nlanguge: en\n")
    code, out, err = build(site_dir)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "site.yaml:2: `base_url` must be an absolute http(s) URL, not 'example.org' — e.g. https://news.example.org/",
        "site.yaml:3: `per_page` must be a whole number, not 'many'",
        "site.yaml:4: unknown key `languge` — did you mean `language`?",
        "build failed: 3 errors; the output folder was left as it was",
    ]


def test_refuses_to_build_into_the_content_folder(good_site):
    code, _out, err = build(good_site, "--output", "content", "--clean")
    assert code == 1
    assert err.splitlines()[0].startswith("--output: refusing to build into content (")
    assert err.splitlines()[0].endswith(
        "): it is content/ — use a folder of its own, such as build/: a build removes files there"
    )
    assert (good_site / "content" / "articles" / "2025" / "07" / "budget.md").is_file()


def test_drafts_future_and_base_url(good_site):
    code, out, _err = build(good_site, "--drafts", "--future", "--base-url", "https://example.org/preview", "-q")
    assert (code, out) == (0, "")
    home = (good_site / "build" / "index.html").read_text("utf-8")
    assert "Hidden draft" in home and "Scheduled story" in home
    assert 'href="/preview/2025/09/01/scheduled-story/"' in home
    assert '<link rel="canonical" href="https://example.org/preview/">' in home


def test_check_writes_nothing(good_site):
    before = snapshot(good_site)
    assert run_cli(good_site, "check", *THEME, *PINNED) == (
        0,
        "ok: no errors, 0 warning(s), 1 note(s)\n",
        SCHEDULED_NOTE,
    )
    assert snapshot(good_site) == before
    assert not (good_site / "build").exists()


def test_check_reports_the_same_errors_as_build(good_site):
    make_site(good_site, articles=BROKEN)
    before = snapshot(good_site)
    code, out, err = run_cli(good_site, "check", *THEME, *PINNED)
    assert (code, out) == (1, "")
    assert err.splitlines() == [*BROKEN_MESSAGES, SCHEDULED_NOTE.strip(), LINKS_NOT_CHECKED, "6 error(s)"]
    assert snapshot(good_site) == before


def test_check_strict_fails_on_warnings(good_site):
    long = "A Very Long Headline " * 6
    make_site(good_site, articles={"w.md": f"---\ntitle: {long}\ndate: 2025-07-20\n---\nText.\n"})
    warning = (
        f"content/articles/w.md:2: warning: the title is {len(long.strip())} characters long (more than 110)"
        " — news apps and search results cut long headlines; shorten it\n"
    )
    ok = "ok: no errors, 1 warning(s), 1 note(s)\n"
    assert run_cli(good_site, "check", *THEME, *PINNED) == (0, ok, SCHEDULED_NOTE + warning)
    strict = run_cli(good_site, "check", "--strict", *THEME, *PINNED)
    assert strict == (1, "", SCHEDULED_NOTE + warning + "1 warning(s); failing because of --strict\n")


@pytest.mark.parametrize("command", [None, "build", "serve", "check", "new"])
def test_help_for_every_command(command, site_dir):
    site_dir.mkdir()
    args = [command, "--help"] if command else ["--help"]
    code, out, err = run_cli(site_dir, *args)
    assert (code, err) == (0, "")
    assert out.startswith(f"usage: site-gen {command or ''}".rstrip())
    undocumented = re.findall(r"^  (--?[\w-]+)(?: [A-Z]+)?\s*$", out, re.M)
    assert undocumented == [], f"options without help: {undocumented}"
    expected = {
        None: ["build", "serve", "check", "new", "--version"],
        "build": [
            "--config",
            "--content",
            "--templates",
            "--static",
            "--output",
            "--drafts",
            "--future",
            "--base-url",
            "--now",
            "--quiet",
            "--clean",
            "--fresh",
        ],
        "serve": ["--config", "--content", "--output", "--host", "--port", "--open", "--quiet"],
        "check": ["--config", "--content", "--templates", "--now", "--strict", "--quiet"],
        "new": ["title", "--section", "--tags", "--lang", "--config", "--content"],
    }[command]
    for word in expected:
        assert word in out, word


def test_usage_errors_exit_2(site_dir):
    site_dir.mkdir()
    code, out, err = run_cli(site_dir, "build", "--now", "yesterday")
    assert (code, out) == (2, "")
    assert err.endswith(
        "site-gen build: error: argument --now: cannot read 'yesterday';"
        " use e.g. 2025-07-20, 2025-07-20 14:30 or 2025-07-20T10:00:00+05:00\n"
    )
    assert run_cli(site_dir, "publish")[0] == 2
    assert run_cli(site_dir)[0] == 2


def test_new_writes_an_article_that_builds(good_site):
    code, out, err = run_cli(
        good_site, "new", "Quetta Rail Link Reopens", "--section", "Pakistan", "--tags", "Rail, Quetta"
    )
    assert (code, err) == (0, "")
    path = good_site / out.strip()
    assert re.fullmatch(r"content/articles/\d{4}/\d\d/quetta-rail-link-reopens\.md\n", out)
    text = path.read_text("utf-8")
    assert text.startswith("---\ntitle: Quetta Rail Link Reopens\ndate: ")
    assert "section: Pakistan\ntags: [Rail, Quetta]\n" in text
    code, _out, err = run_cli(good_site, "new", "Quetta Rail Link Reopens")
    assert code == 1
    assert err == f"{out.strip()}: already exists — choose another title or edit that file\n"
    # The new file holds a placeholder instead of a story: check refuses it until the story is written.
    code, _out, err = run_cli(good_site, "check", "--future", *THEME)
    assert code == 1
    assert f"{out.strip()}:15: the article has no body (only the placeholder text)" in err
    path.write_text(text.replace("Write the story here.", "The line reopened on Monday."), "utf-8")
    assert run_cli(good_site, "check", "--future", *THEME)[0] == 0


def test_python_dash_m_entry_point_exit_codes(good_site):
    """The real process: `python -m site_gen` exits with the code main() returns."""
    make_site(good_site, articles={"x.md": "---\ntitle: x\n"})
    result = subprocess.run(
        [sys.executable, "-m", "site_gen", "build", *THEME, *PINNED],
        cwd=good_site,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == "build failed: 1 error; the output folder was left as it was"
    version = subprocess.run(
        [sys.executable, "-m", "site_gen", "--version"], capture_output=True, text=True, timeout=60
    )
    assert (version.returncode, version.stdout) == (0, "site-gen 0.1.0\n")


def test_now_without_an_offset_is_read_in_the_site_time_zone(tmp_path):
    """Issue 19, case 7: `--now 2025-07-21 14:00` is Karachi time, as a front matter date is."""
    from tests._site import article as story
    from tests._site import make_site as site

    root = site(tmp_path, {"articles/a.md": story("Later Today", date="2025-07-21 15:00")})
    code, out, err = run_cli(root, "check", "--now", "2025-07-21 14:00")
    assert code == 0 and "note: scheduled for 21 July 2025, 15:00 PKT" in err  # 14:00 UTC would be 19:00 PKT
    assert run_cli(root, "check", "--now", "2025-07-21 16:00", "-q")[1:] == ("", "")
    code, out, err = run_cli(root, "check", "--now", "2025-07-21")
    assert code == 0 and "note: scheduled" in err
    assert run_cli(root, "build", "--now", "2025-07-21 16:00", "-q")[0] == 0
    assert (root / "build/2025/07/21/later-today/index.html").is_file()


def test_site_gen_finds_site_yaml_from_a_subfolder(tmp_path):
    """Issue 19, case 7: like git, the project is the nearest folder above holding site.yaml."""
    from tests._site import article as story
    from tests._site import make_site as site

    root = site(tmp_path, {"articles/2025/07/a.md": story("A Story")})
    inside = root / "content/articles/2025/07"
    assert run_cli(inside, "check", "--now", NOW_ARG, "a.md") == (0, "ok: no errors, 0 warning(s)\n", "")
    code, out, err = run_cli(inside, "new", "From the Desk", "--date", "2025-07-21")
    assert (code, out, err) == (0, "from-the-desk.md\n", "")
    assert (inside / "from-the-desk.md").is_file()
    assert run_cli(inside, "build", "--now", NOW_ARG, "-q")[0] == 1  # the placeholder body
    (inside / "from-the-desk.md").unlink()
    assert run_cli(inside, "build", "--now", NOW_ARG, "-q")[0] == 0
    assert (root / "build/index.html").is_file() and not (inside / "build").exists()


def test_strict_check_warns_about_a_caption_without_a_picture(tmp_path):
    from tests._site import article as story
    from tests._site import make_site as site

    root = site(tmp_path, {"articles/a.md": story("A", image={"caption": "Trucks at Torkham", "credit": "AP"})})
    code, out, err = run_cli(root, "check", "--now", NOW_ARG, "--strict")
    assert code == 1
    assert err.splitlines()[0] == (
        "content/articles/a.md:4: warning: the image has a caption but no picture (no `src:`)"
        " — add `src: /images/photo.jpg` under `image:`, or remove the caption"
    )
