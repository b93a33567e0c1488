"""Issue 20: nothing an editor types, and nothing on the disk, crashes, hangs or fools the build.

Each case of the issue, run as written, ends in a clear message (``path:line: message — hint``,
or a usage error) and leaves the output folder as it was.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from site_gen.build import build_site, read_config
from site_gen.config import checked_base_url, override
from site_gen.errors import BuildFailed
from tests.conftest import NOW, REPO, make_config, make_site, run_cli, site_options

THEME = ("--templates", str(REPO / "templates"), "--static", str(REPO / "static"))
PINNED = ("--now", NOW.isoformat())
STORY = {"2025/07/story.md": {"title": "A story", "date": "2025-07-20"}}


@pytest.fixture
def site(site_dir):
    return make_site(site_dir, articles=STORY)


# -- case 9: --base-url is checked as site.yaml's base_url is ------------------------------------------

HOSTILE_URLS = ["javascript:alert(1)//", "ftp://files.example.org/", 'https://x.org/"><script>', "//x.org/"]


@pytest.mark.parametrize("url", HOSTILE_URLS)
@pytest.mark.parametrize("command", ["build", "check", "serve"])
def test_a_hostile_base_url_is_a_usage_error(site, command, url):
    code, out, err = run_cli(site, command, *THEME, *PINNED, "--base-url", url)
    assert code == 2
    assert f"argument --base-url: must be an absolute http(s) URL, not {url!r} — e.g. https://news.example.org/" in err
    assert not (site / "build").exists() and not (site / ".site-gen-preview").exists()


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_the_same_rule_for_site_yaml_and_the_override(url):
    with pytest.raises(ValueError) as caught:
        checked_base_url(url)
    with pytest.raises(BuildFailed) as failed:
        override(make_config(), base_url=url)
    assert [str(e) for e in failed.value.errors] == [
        f"--base-url: the base URL {caught.value} — e.g. https://news.example.org/"
    ]


def test_build_options_with_a_hostile_base_url_are_refused(site):
    with pytest.raises(BuildFailed, match="--base-url: the base URL must be an absolute http"):
        read_config(site_options(site, base_url="javascript:alert(1)//"))


def test_a_good_base_url_is_still_taken(site):
    code, _out, err = run_cli(site, "build", *THEME, *PINNED, "--base-url", "https://mirror.example.org/news")
    assert code == 0, err
    assert b'href="https://mirror.example.org/news/2025/07/20/a-story/"' in (site / "build" / "feed.xml").read_bytes()


# -- case 4: dates at the edges -------------------------------------------------------------------------

OUT_OF_RANGE = [
    "9999-12-31",
    "9999-12-30T12:00:00+05:00",  # in the last 48 hours of year 9999
    "9998-12-31T23:00:00-12:00",  # year 9999 in the site's time zone
    "0001-01-01T00:00:00+05:00",
    "0999-12-31",
]
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)")
RANGE_MESSAGE = "is out of range — a date must fall in the years 1000 to 9998; is the year a typo?"


@pytest.mark.parametrize("when", OUT_OF_RANGE)
@pytest.mark.parametrize("field", ["date", "updated", "correction"])
@pytest.mark.parametrize("command", ["build", "check"])
def test_a_date_out_of_range_is_an_error_before_anything_is_written(site_dir, command, field, when):
    text = "---\ntitle: Edge\ndate: 2025-07-20\n---\nBody.\n"
    if field == "date":
        text = text.replace("2025-07-20", when)
    elif field == "updated":
        text = text.replace("---\nBody", f"updated: {when}\n---\nBody")
    else:
        text = text.replace("---\nBody", f"corrections:\n  - {{date: '{when}', text: Fixed.}}\n---\nBody")
    make_site(site_dir, articles={"edge.md": text})
    code, out, err = run_cli(site_dir, command, *THEME, *PINNED, "--future", "--drafts")
    assert code == 1
    line = 3 if field == "date" else 4
    prefix = "correction date: " if field == "correction" else ""
    assert f"content/articles/edge.md:{line}: {prefix}the date {when!r} {RANGE_MESSAGE}" in err
    assert "Traceback" not in out + err and "ok" not in out
    assert not (site_dir / "build").exists()


@pytest.mark.parametrize("when", ["9999-12-31T00:00:00+00:00", "0001-01-01T00:00:00+05:00", "0999-06-01T00:00:00Z"])
@pytest.mark.parametrize("command", ["build", "check", "serve"])
def test_now_out_of_range_is_a_usage_error(site, command, when):
    code, _out, err = run_cli(site, command, *THEME, "--now", when)
    assert code == 2
    assert f"argument --now: the date {when!r} {RANGE_MESSAGE}" in err
    assert not (site / "build").exists()


def test_the_edges_of_the_range_build_into_every_output(site_dir):
    first, last = "1000-01-01", "9998-12-31T23:59:59"  # in the site's zone, Asia/Karachi (+04:28:12 in 1000)
    make_site(
        site_dir,
        articles={
            "first.md": {"title": "First", "date": first, "updated": first},
            "last.md": {"title": "Last", "date": last, "corrections": [{"date": last, "text": "Fixed."}]},
        },
    )
    for now in ("1000-01-01T00:00:00+04:00", "9998-12-31T23:59:59+05:00", "9998-12-31T23:59:59-12:00"):
        code, _out, err = run_cli(site_dir, "build", *THEME, "--now", now, "--future")
        assert code == 0, err
        for name in ("feed.xml", "rss.xml", "sitemap.xml", "news-sitemap.xml"):
            if (site_dir / "build" / name).exists():
                ET.fromstring((site_dir / "build" / name).read_bytes())
        atom = (site_dir / "build" / "feed.xml").read_text("utf-8")
        stamps = re.findall(r"<(?:published|updated)>([^<]*)<", atom)
        assert stamps and all(RFC3339.fullmatch(stamp) for stamp in stamps), stamps
        assert "<pubDate>Wed, 01 Jan 1000 00:00:48 +0429</pubDate>" in (site_dir / "build" / "rss.xml").read_text()
        assert (site_dir / "build" / "1000" / "01" / "01" / "first" / "index.html").is_file()
        assert (site_dir / "build" / "9998" / "12" / "31" / "last" / "index.html").is_file()
    code, out, err = run_cli(site_dir, "check", *THEME, "--now", "9998-12-31T23:59:59+05:00", "--future")
    assert code == 0 and "ok" in out, err


def test_wire_copy_dated_out_of_range_is_not_taken():
    from site_gen.dates import DateOutOfRange, parse_newsroom_date

    from .conftest import KARACHI

    for line in ("31 December 9999", "Dec 31, 9999 11:00 pm", "9999-12-31T23:00:00-05:00", "1 January 0999"):
        with pytest.raises(DateOutOfRange):
            parse_newsroom_date(line, KARACHI)


# -- case 5: text that XML cannot carry -----------------------------------------------------------------

NOT_XML_HINT = "delete it: feeds and sitemaps cannot carry it (it is invisible, often pasted from a terminal or a PDF)"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "---\ntitle: Bell\ndate: 2025-07-20\n---\n\nA bell\x07 rings.\n",
            6,
            "the file holds the control character U+0007",
        ),
        (
            "---\ntitle: Colour\ndate: 2025-07-20\n---\n\n\x1b[31mred\x1b[0m\n",
            6,
            "the file holds the control character U+001B",
        ),
        ('---\ntitle: "a \\0 b"\ndate: 2025-07-20\n---\nText.\n', 2, "`title` holds the control character U+0000"),
        (
            '---\ntitle: T\ndate: 2025-07-20\ntags: [a, "b\\x0c"]\n---\nText.\n',
            4,
            "`tags` holds the control character U+000C",
        ),
        (
            '---\ntitle: T\ndate: 2025-07-20\nsummary: "\\ufffe"\n---\nText.\n',
            4,
            "`summary` holds the control character U+FFFE",
        ),
        (
            '---\ntitle: T\ndate: 2025-07-20\nimage: {src: /a.jpg, alt: "\\uffff"}\n---\nText.\n',
            4,
            "`image` holds the control character U+FFFF",
        ),
    ],
)
@pytest.mark.parametrize("command", ["build", "check"])
def test_text_xml_cannot_carry_is_refused_at_load(site_dir, command, text, line, message):
    make_site(site_dir, articles={"x.md": text})
    code, out, err = run_cli(site_dir, command, *THEME, *PINNED)
    assert code == 1
    assert f"content/articles/x.md:{line}: {message} — {NOT_XML_HINT}" in err
    assert "ok" not in out and not (site_dir / "build").exists()


def test_tab_cr_lf_and_other_unicode_are_kept(site_dir):
    body = "Tab\there, CR\r\nNEL\x85 and emoji 🌧 and zero width\u200bspace.\n"
    make_site(site_dir, articles={"x.md": {"title": "Kept\tas is", "date": "2025-07-20", "body": body}})
    code, _out, err = run_cli(site_dir, "build", *THEME, *PINNED)
    assert code == 0, err


def test_site_yaml_with_a_control_character_is_refused(site_dir):
    make_site(site_dir, articles=STORY, config='title: "Bulletin \\a"\nbase_url: https://example.org/\n')
    code, _out, err = run_cli(site_dir, "build", *THEME, *PINNED)
    assert code == 1
    assert f"site.yaml:1: `title` holds the control character U+0007 — {NOT_XML_HINT}" in err


HOSTILE_CHARS = st.sampled_from(
    list("\x00\x01\x07\x08\x0b\x0c\x0e\x1b\x1f\x7f\x85\t\r\n\ufffe\uffff\ud800\udfff<>&\"']]>")
)
HOSTILE_TEXT = st.text(alphabet=HOSTILE_CHARS | st.characters(), max_size=24)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    title=HOSTILE_TEXT,
    summary=HOSTILE_TEXT,
    tag=HOSTILE_TEXT,
    author=HOSTILE_TEXT,
    section=HOSTILE_TEXT,
    body=st.lists(HOSTILE_TEXT, max_size=4).map("\n\n".join),
)
@example(title="a \0 b", summary="s", tag="t", author="a", section="Business", body="A bell\x07 rings.")
@example(title="Bell", summary="s", tag="t\x1b[31m", author="a", section="Business", body="Text.")
def test_every_feed_and_sitemap_is_well_formed_xml(tmp_path_factory, title, summary, tag, author, section, body):
    """A site whose text is hostile is either refused at load (path:line) or builds into feeds and
    sitemaps that a strict XML parser reads."""
    root = tmp_path_factory.mktemp("hostile")
    head = {"title": title or "T", "date": "2025-07-20", "summary": summary, "tags": [tag or "t"]}
    head.update(author=author or "a", section=section or "Business")
    front = yaml.safe_dump(head, allow_unicode=True, sort_keys=False, width=1000)
    data = ("---\n" + front + "---\n\n" + body + "\n").encode("utf-8", "surrogatepass")
    make_site(root, articles={"x.md": data}, config={"base_url": "https://example.org/news/"})
    try:
        build_site(site_options(root, cache_dir=None, future=True))
    except BuildFailed as failed:
        # A NUL is "binary data", said of the whole file (a photo saved as .md); the rest name their line.
        named = [
            e.path == "content/articles/x.md" and (e.line >= 1 or "binary data" in e.message) for e in failed.errors
        ]
        assert all(named), failed.errors
        assert not (root / "build").exists()
        return
    xml_files = sorted((root / "build").rglob("*.xml"))
    assert len(xml_files) >= 4
    for path in xml_files:
        try:
            ET.fromstring(path.read_bytes())
        except ET.ParseError as exc:
            pytest.fail(f"{path.relative_to(root)}: {exc}")


# -- case 6: only regular files are read, each with a size cap ------------------------------------------

NOT_REGULAR = "only regular files are read; remove it, or put the file itself there"


def run_process(cwd, *args, timeout=60):
    """``site-gen ARGS`` in its own process: what would hang (a FIFO) fails the test instead."""
    import subprocess
    import sys

    try:
        done = subprocess.run(
            [sys.executable, "-m", "site_gen", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"site-gen {' '.join(args)} hung")
    return done.returncode, done.stdout, done.stderr


def special(path, kind):
    import os

    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "fifo":
        os.mkfifo(path)
        return "a FIFO (named pipe)"
    os.symlink("/dev/zero", path)
    return "a character device"


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["fifo", "zero"])
@pytest.mark.parametrize("command", ["build", "check"])
def test_a_special_file_under_content_is_refused_not_read(site, command, kind):
    code, _out, err = run_process(site, "build", *THEME, *PINNED)  # a cache that knows the other files
    assert code == 0, err
    before = sorted(p.relative_to(site).as_posix() for p in (site / "build").rglob("*"))
    what = special(site / "content" / "articles" / "f.md", kind)
    code, out, err = run_process(site, command, *THEME, *PINNED)
    assert code == 1
    assert f"content/articles/f.md: not a regular file — it is {what} — {NOT_REGULAR}" in err
    assert "Traceback" not in err and "ok" not in out
    assert sorted(p.relative_to(site).as_posix() for p in (site / "build").rglob("*")) == before


def test_a_special_file_on_a_first_build(site):
    special(site / "content" / "articles" / "f.md", "fifo")
    code, _out, err = run_process(site, "build", *THEME, *PINNED, "--fresh")
    assert code == 1
    assert f"content/articles/f.md: not a regular file — it is a FIFO (named pipe) — {NOT_REGULAR}" in err
    assert not (site / "build").exists()


@pytest.mark.parametrize("kind", ["fifo", "zero"])
def test_import_of_a_special_file(tmp_path, kind):
    what = special(tmp_path / "wire.txt", kind)
    code, out, err = run_process(tmp_path, "import", "wire.txt")
    assert code == 1
    assert f"wire.txt: not a regular file — it is {what} — import wire copy saved as a .txt file" in err
    assert "Traceback" not in err and not (tmp_path / "content").exists()


def test_a_config_that_is_a_device(site):
    code, _out, err = run_process(site, "check", "--config", "/dev/zero")
    assert code == 1
    assert "/dev/zero: not a regular file — it is a character device — pass --config FILE naming site.yaml" in err


def test_reads_are_capped(tmp_path):
    from site_gen.sources import MAX_FILE_BYTES, read_content

    big = tmp_path / "big.md"
    big.write_bytes(b"x" * (MAX_FILE_BYTES + 5000))
    assert len(read_content(big)) == MAX_FILE_BYTES + 1
    assert read_content(big, limit=10) == b"x" * 11
    (tmp_path / "empty.md").write_bytes(b"")
    assert read_content(tmp_path / "empty.md") == b""
    code, _out, err = run_cli(tmp_path, "import", "big.md")
    assert code == 1 and "big.md: the file is too large (over 2,000,000 bytes)" in err


# -- case 8: folders that must never be touched ---------------------------------------------------------

GIT = ".git/HEAD", ".git/config", ".git/objects/ab/cdef"


@pytest.mark.parametrize(
    ("output", "problem"),
    [
        (".git", "it is .git, a git repository's own folder"),
        (".git/site", "it is inside .git"),
    ],
)
def test_the_output_may_not_touch_git(site, output, problem):
    for rel in (*GIT, *(f"repo/{g}" for g in GIT)):
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text("git's own\n")
    for command in ("build", "check"):
        code, _out, err = run_cli(
            site, command, *THEME, *PINNED, "--output", output, *(["--clean"] * (command == "build"))
        )
        assert code == 1
        assert f"--output: refusing to build into {output} ({(site / output).resolve()}): {problem}" in err
    assert all((site / rel).read_text() == "git's own\n" for rel in GIT)
    assert sorted(p.name for p in (site / ".git").iterdir()) == ["HEAD", "config", "objects"]
    assert not (site / ".site-gen-cache").exists()


@pytest.mark.parametrize(
    ("cache", "problem"),
    [
        ("static/cc", "it is inside static/"),
        ("build/x", "it is inside the output folder"),
        ("build", "it is the output folder"),
        ("content/cache", "it is inside content/"),
        ("templates/c", "it is inside templates/"),
        (".", "it is the project folder"),
        ("..", "it contains the project folder"),
    ],
)
def test_the_cache_may_not_be_published_or_read(site, cache, problem):
    import shutil

    for theme in ("templates", "static"):
        shutil.copytree(REPO / theme, site / theme)
    before = sorted(p.relative_to(site).as_posix() for p in site.rglob("*"))
    code, _out, err = run_cli(site, "build", *PINNED, "--cache-dir", cache)
    assert code == 1
    assert f"--cache-dir: refusing to keep the cache in {cache} ({(site / cache).resolve()}): {problem}" in err
    assert "the cache holds drafts and scheduled stories" in err
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*")) == before


def test_the_output_may_not_hold_the_cache(site):
    code, _out, err = run_cli(site, "build", *THEME, *PINNED, "--output", "out", "--cache-dir", "out/cache")
    assert code == 1
    assert (
        "--cache-dir: refusing to keep the cache in .site-gen-cache"
        in run_cli(site, "build", *THEME, *PINNED, "--output", ".site-gen-cache/x")[2]
    )
    assert code == 1
    assert "--cache-dir: refusing to keep the cache in out/cache" in err and "it is inside the output folder" in err
    assert not (site / "out").exists()


# -- case 10: messages, never tracebacks ----------------------------------------------------------------

WIRE = "Floods in Swat\n\n21 July 2025\n\nRain fell all night in the valley and the river rose.\n"


@pytest.fixture
def wire_site(site):
    (site / "story.txt").write_text(WIRE, "utf-8")
    (site / "afile").write_text("not a folder\n", "utf-8")
    existing = site / "content" / "articles" / "2025" / "07" / "existing.md"
    existing.parent.mkdir(parents=True, exist_ok=True)
    existing.write_text("---\ntitle: Existing\ndate: 2025-07-20\n---\nKept.\n", "utf-8")
    return site


def test_import_into_a_file_is_refused_and_the_file_kept(wire_site):
    existing = wire_site / "content" / "articles" / "2025" / "07" / "existing.md"
    before = existing.read_bytes()
    code, out, err = run_cli(wire_site, "import", "--out", "content/articles/2025/07/existing.md", "story.txt")
    assert code == 2
    assert "--out content/articles/2025/07/existing.md: not a folder — name a folder" in err
    assert existing.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--out", "/proc/self"), "story.txt: cannot write /proc/self/"),
        (("--out", "afile/sub"), "story.txt: cannot write afile/sub: Not a directory"),
        (("--content", "afile"), "--content afile: not a folder"),
    ],
)
def test_import_into_what_cannot_be_written(wire_site, args, expected):
    code, out, err = run_cli(wire_site, "import", *args, "story.txt")
    assert code in (1, 2)
    assert expected in err
    assert (wire_site / "afile").read_text("utf-8") == "not a folder\n"


HOSTILE_ARGS = {
    "build": [
        ("--output", ".git", "--clean"),
        ("--output", "afile/sub"),
        ("--output", "afile"),
        ("--output", "/proc/self"),
        ("--content", "afile"),
        ("--content", "/proc/self"),
        ("--templates", "afile"),
        ("--config", "/dev/zero"),
        ("--config", "content"),
        ("--config", "missing.yaml"),
        ("--cache-dir", "static/cc"),
        ("--cache-dir", "afile"),
        ("--base-url", "javascript:alert(1)//"),
        ("--base-url", "ftp://example.org/"),
        ("--now", "0001-01-01T00:00:00+05:00"),
        ("--now", "9999-12-31T23:00:00+00:00"),
        ("--jobs", "x"),
    ],
    "check": [
        ("/etc/passwd",),
        ("afile",),
        ("--content", "afile"),
        ("--config", "/dev/zero"),
        ("--output", ".git"),
        ("--base-url", "javascript:alert(1)//"),
        ("--now", "0001-01-01T00:00:00+05:00"),
    ],
    "serve": [
        ("--help",),
        ("--base-url", "javascript:alert(1)//"),
        ("--now", "0001-01-01T00:00:00+05:00"),
        ("--port", "x"),
    ],
    "new": [
        ("Headline", "--content", "afile"),
        ("Headline", "--content", "/proc/self"),
        ("Headline", "--config", "/dev/zero"),
        ("", "--lang", "x y"),
    ],
    "import": [
        ("--out", "content/articles/2025/07/existing.md", "story.txt"),
        ("--out", "/proc/self", "story.txt"),
        ("--out", "afile/sub", "story.txt"),
        ("--content", "afile", "story.txt"),
        ("--config", "/dev/zero", "story.txt"),
        ("afile/x.txt",),
        ("/proc/self",),
    ],
}


@pytest.mark.parametrize(
    ("command", "args"), [(command, args) for command, cases in HOSTILE_ARGS.items() for args in cases]
)
def test_every_command_answers_hostile_arguments_with_a_message(wire_site, command, args):
    try:
        code, out, err = run_cli(wire_site, command, *THEME[2:] if command == "build" else (), *args)
    except Exception as exc:  # what would reach the terminal as a traceback
        pytest.fail(f"site-gen {command} {' '.join(args)}: {type(exc).__name__}: {exc}")
    assert "Traceback" not in out + err
    if args == ("--help",):
        assert code == 0 and "usage: site-gen serve" in out
        return
    assert code in (1, 2), (out, err)
    assert err.strip(), "a refusal says why"
    assert (wire_site / "afile").read_text("utf-8") == "not a folder\n"
    assert not (wire_site / ".git").exists()


# -- case 11: smaller ------------------------------------------------------------------------------------


@pytest.mark.parametrize("src", ["/images/../../../etc/passwd", "../secret.jpg", "images\\\\..\\\\x.jpg"])
@pytest.mark.parametrize("form", ["text", "mapping"])
def test_an_image_path_that_leaves_the_site_is_refused(site_dir, src, form):
    image = src if form == "text" else {"src": src, "alt": "A photo"}
    make_site(site_dir, articles={"x.md": {"title": "Photo", "date": "2025-07-20", "image": image}})
    code, out, err = run_cli(site_dir, "check", *THEME, *PINNED)
    assert code == 1
    assert (
        f"content/articles/x.md:4: image {src!r} points outside the site — write a path under static/, such as"
        " /images/x.jpg"
    ) in err


@pytest.mark.parametrize("name", ["/etc/passwd", "site.yaml.bak"])
def test_check_of_a_file_outside_the_site_is_not_ok(site, name):
    (site / "site.yaml.bak").write_text("x", "utf-8")
    code, out, err = run_cli(site, "check", *THEME, *PINNED, name)
    assert code == 2
    assert f"{name}: not a file of this site" in err and "ok" not in out
    code, out, err = run_cli(site, "check", *THEME, *PINNED, "content/articles/2025/07/story.md", "site.yaml")
    assert code == 0 and out.startswith("ok"), err
