"""``site-gen import``: wire copy files → article files → built pages."""

from __future__ import annotations

import io
import os
import re
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from site_gen.build import BuildOptions, build_site, check_site
from site_gen.cli import main
from site_gen.importer import ImportOptions, import_sources
from tests.wire_fixtures import FOLDER, TODAY, case_names

REPO = Path(__file__).resolve().parents[1]
SAMPLE = FOLDER / "00-sample.txt"
SAMPLE_ARTICLE = "content/articles/2025/07/pakistan-afghanistan-pledge-to-strengthen-anti-terrorism-cooperation.md"
SAMPLE_PAGE = "build/2025/07/20/pakistan-afghanistan-pledge-to-strengthen-anti-terrorism-cooperation/index.html"
NOW = datetime(2025, 8, 1, tzinfo=UTC)


def make_project(root: Path) -> Path:
    """A site with the repository's configuration, templates and stylesheet, and no articles."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "static", root / "static")
    (root / "content" / "articles").mkdir(parents=True)
    return root


def build(root: Path) -> None:
    build_site(BuildOptions(root=root, now=NOW))


def article_body(page: str) -> str:
    return re.search(r'<div class="body">(.*?)</div>', page, re.S).group(1)


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = make_project(tmp_path / "site")
    monkeypatch.chdir(root)
    return root


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["import", *args])
    out, err = capsys.readouterr()
    return code, out, err


# -- the sample, end to end ---------------------------------------------------
@pytest.fixture(scope="module")
def sample_site(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("sample") / "site")
    cwd = Path.cwd()
    try:
        os.chdir(root)
        code = main(["import", str(SAMPLE)])
    finally:
        os.chdir(cwd)
    assert code == 0
    build(root)
    return root


def test_sample_imports_to_its_article_file(sample_site):
    text = (sample_site / SAMPLE_ARTICLE).read_text(encoding="utf-8")
    assert text == (FOLDER / "00-sample.md").read_text(encoding="utf-8")


def test_sample_page_shows_headline_date_dateline_caption_and_22_paragraphs(sample_site):
    page = (sample_site / SAMPLE_PAGE).read_text(encoding="utf-8")
    assert "<h1>Pakistan, Afghanistan Pledge to Strengthen Anti-Terrorism Cooperation</h1>" in page
    assert re.search(r'<time datetime="2025-07-20"[^>]*>20 July 2025</time>', page)
    assert (
        "<figcaption>Interior Minister Mohsin Naqvi holds a meeting with his Afghan counterpart "
        "Sirajuddin Haqqani, in Kabul</figcaption>" in page
    )
    body = article_body(page)
    assert body.count("<p>") == 22
    assert body.strip().startswith('<p><span class="dateline">KABUL:</span> Pakistan and Afghanistan have agreed')
    assert body.count("KABUL") == 1
    assert "icon-" not in body and "whatsapp" not in body.lower()  # (the theme's own share links are outside the body)
    assert "Earlier this month, the two countries also held the inaugural round" in body


# -- every fixture builds ---------------------------------------------------------
@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("fixtures") / "site")
    options = ImportOptions(content=root / "content", today=TODAY)
    outcomes = import_sources([str(FOLDER / f"{name}.txt") for name in case_names()], options)
    build(root)
    return root, outcomes


def test_every_fixture_imports_builds_and_passes_check(fixture_site):
    root, outcomes = fixture_site
    assert [o.status for o in outcomes] == ["written"] * len(case_names())
    problems = check_site(BuildOptions(root=root, now=NOW))
    # Only what leaves the editor something to fill: a wire caption waits for its picture.
    assert {p.severity for p in problems} <= {"unfilled", "warning"}
    assert {p.message for p in problems} <= {
        "`author` is empty",
        "`section` is empty",
        "`tags` is empty",
        "the image has a caption but no picture (no `src:`)",
    }
    for outcome in outcomes:
        day = re.search(r"^date: (\d{4})-(\d\d)-(\d\d)", outcome.document, re.M).groups()
        page = root / "build" / "/".join(day) / outcome.path.stem / "index.html"
        assert page.exists(), outcome.source


def page_of(root: Path, slug: str) -> str:
    (page,) = (root / "build").glob(f"*/*/*/{slug}/index.html")
    return page.read_text(encoding="utf-8")


def test_html_and_template_syntax_in_copy_show_as_text_on_the_page(fixture_site):
    root, _ = fixture_site
    page = page_of(root, "cyber-crime-wing-warns-of-fake-script-prize-links-and-config-scams")
    assert "<script" not in page.split("</header>", 1)[1].split("</main>", 1)[0]
    assert "<h1>Cyber-crime wing warns of fake &lt;script&gt; &#34;prize&#34; links and {{ config }} scams</h1>" in page
    body = article_body(page)
    assert "&lt;script&gt;alert(" in body and "&lt;/script&gt;" in body
    assert "{{ config }}" in body and "{% raw %}{{ user.name }}{% endraw %}" in body
    assert "&lt;b&gt;Do not click&lt;/b&gt;" in body and "<b>" not in body


def test_right_to_left_copy_renders_right_to_left(fixture_site):
    root, _ = fixture_site
    for slug, lang in (
        ("2025-07-20-pshaor-min-bs-ripd", "ur"),
        ("2025-07-23-kabl-ke-d-aobo", "ps"),
        ("2025-07-24-bazar-mioh-dr-mzar", "fa"),
    ):
        page = page_of(root, slug)
        assert f'<article class="story" lang="{lang}" dir="rtl"' in page


def test_caption_credit_and_list_reach_the_page(fixture_site):
    root, _ = fixture_site
    page = page_of(root, "gomal-university-reopens-after-three-week-closure")
    assert (
        '<figcaption>Students queue outside the main gate of Gomal University on Monday morning <span class="credit"><bdi>'
        "File photo</bdi></span></figcaption>" in page
    )
    assert '<span class="dateline">DERA ISMAIL KHAN:</span>' in page
    bullets = article_body(page_of(root, "budget-2025-26-at-a-glance-what-changes-for-salaried-people"))
    assert bullets.count("<li>") == 4


# -- the command line -----------------------------------------------------------
def test_import_says_where_it_wrote_and_what_it_dropped(project, capsys):
    code, out, err = run(capsys, str(SAMPLE))
    assert code == 0
    assert out == f"{SAMPLE.as_posix()} → {SAMPLE_ARTICLE}\n1 file: 1 written\n"
    assert err == (
        f"{SAMPLE.as_posix()}:6: dropped (share buttons): icon-facebook icon-twitter icon-whatsapp\n"
        f"{SAMPLE.as_posix()}:52: dropped (share buttons): icon-facebook icon-twitter icon-whatsapp\n"
    )


def test_second_import_says_so_and_force_replaces(project, capsys):
    shutil.copy(SAMPLE, "story.txt")
    assert run(capsys, "story.txt")[0] == 0
    path = project / SAMPLE_ARTICLE
    path.write_text(path.read_text(encoding="utf-8").replace("section:", "section: Afghanistan"), encoding="utf-8")
    code, out, err = run(capsys, "story.txt")
    assert code == 0
    assert out == (
        f"story.txt: already imported as {SAMPLE_ARTICLE} — use --force to replace it\n1 file: 1 already imported\n"
    )
    assert err == ""
    assert "section: Afghanistan" in path.read_text(encoding="utf-8")
    code, out, _ = run(capsys, "story.txt", "--force")
    assert (code, out) == (0, f"story.txt → {SAMPLE_ARTICLE} (replaced; no change)\n1 file: 1 replaced\n")
    assert "section: Afghanistan" in path.read_text(encoding="utf-8")  # the copy carries no section
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


EDITED = """---
title: Pakistan, Afghanistan Pledge to Strengthen Anti-Terrorism Cooperation
date: 2025-07-20T10:00:00+05:00
author: Staff Reporter
section: Afghanistan
tags: [Pakistan, Afghanistan, Counterterrorism, Border, Refugees]
image:
  src: /images/2025/07/naqvi-haqqani.jpg
  alt: Two ministers at a table
  caption: An old caption
aliases: [/2025/07/20/naqvi-in-kabul/]
corrections:
- {date: 2025-07-21, text: An earlier version misspelled a name.}
summary: Ministers agree on border steps.
---

Old body.
"""


def test_force_merges_the_new_copy_into_the_editors_article_and_keeps_its_url(project, capsys):
    """Issue 19, case 2: the file is named after the wire file, the live URL after the title."""
    folder = project / "content/articles/2025/07"
    folder.mkdir(parents=True)
    path = folder / "pakistan-afghanistan-pledge-anti-terrorism-cooperation.md"
    path.write_text(EDITED, encoding="utf-8")
    from PIL import Image

    (project / "static/images/2025/07").mkdir(parents=True)
    Image.new("RGB", (40, 30), "gray").save(project / "static/images/2025/07/naqvi-haqqani.jpg")
    build(project)
    live = "build/2025/07/20/pakistan-afghanistan-pledge-to-strengthen-anti-terrorism-cooperation/index.html"
    assert (project / live).exists()
    code, out, _ = run(capsys, str(SAMPLE), "--force")
    assert code == 0
    assert out == (
        f"{SAMPLE.as_posix()} → {path.relative_to(project).as_posix()} "
        "(replaced; changed: slug, dateline, image.caption, body)\n1 file: 1 replaced\n"
    )
    text = path.read_text(encoding="utf-8")
    for kept in (
        "author: Staff Reporter\n",
        "section: Afghanistan\n",
        "tags: [Pakistan, Afghanistan, Counterterrorism, Border, Refugees]\n",
        "  src: /images/2025/07/naqvi-haqqani.jpg\n  alt: Two ministers at a table\n",
        "aliases: [/2025/07/20/naqvi-in-kabul/]\n",
        "text: An earlier version misspelled a name.",
        "summary: Ministers agree on border steps.\n",
        "slug: pakistan-afghanistan-pledge-to-strengthen-anti-terrorism-cooperation\n",
        "  caption: Interior Minister Mohsin Naqvi holds a meeting",
    ):
        assert kept in text
    assert "Old body." not in text and "Radio Pakistan reported" in text
    build(project)
    assert (project / live).exists()
    assert [p for p in check_site(BuildOptions(root=project, now=NOW)) if p.severity not in ("note", "unfilled")] == []


def test_force_takes_the_fields_the_new_copy_carries(project, capsys):
    folder = project / "content/articles/2025/07"
    folder.mkdir(parents=True)
    (folder / "floods.md").write_text(
        "---\ntitle: Floods hit Swat\ndate: 2025-07-21\nslug: floods-swat\nauthor: Desk\nsection: Pakistan\n---\n\nOld.\n",
        encoding="utf-8",
    )
    Path("swat.txt").write_text(
        "Floods hit Swat\n\nBy Amina Yousafzai\n\nJuly 21, 2025\n\nMINGORA: New.\n", encoding="utf-8"
    )
    code, out, _ = run(capsys, "swat.txt", "--force")
    assert "(replaced; changed: dateline, author, body)" in out
    text = (folder / "floods.md").read_text(encoding="utf-8")
    assert "author: Amina Yousafzai\n" in text and "slug: floods-swat\n" in text and "section: Pakistan\n" in text


def test_import_writes_the_slug_the_live_url_takes_from_the_title(project, capsys):
    from site_gen.config import Config
    from site_gen.load import parse_article

    run(capsys, str(SAMPLE))
    text = (project / SAMPLE_ARTICLE).read_text(encoding="utf-8")
    without = re.sub(r"^slug: .*\n", "", text, flags=re.M)
    article, _, _ = parse_article(without.encode(), "x.md", Config("", ""), stem="from-the-file-name")
    assert f"\nslug: {article.slug}\n" in text


@pytest.mark.parametrize(
    ("encoding", "name"),
    [("cp1252", "Windows-1252"), ("latin-1", "Windows-1252"), ("cp1256", "Windows-1256 (Arabic script)")],
)
def test_copy_in_a_windows_encoding_is_read_and_written_as_utf8(project, capsys, encoding, name):
    if encoding == "cp1256":
        text = (
            "کراچی میں بارش کا نیا سلسلہ\n\nJuly 21, 2025\n\nکراچی: محکمہ موسمیات نے شہر میں بارش کی پیش گوئی کی ہے۔\n"
        )
        text = text.replace("ی", "\u064a").replace("ک", "\u0643").replace("۔", ".")  # what Windows-1256 has
    else:
        text = (
            "Caf\u00e9 owners in Gulberg say \u201cno\u201d to new tax\n\nJuly 21, 2025\n\n"
            "LAHORE: Caf\u00e9 and restaurant owners \u2014 about 300 of them \u2014 met on Monday.\n"
        )
        if encoding == "latin-1":
            text = text.translate({0x201C: '"', 0x201D: '"', 0x2014: "-"})
    Path("copy.txt").write_bytes(text.encode(encoding))
    code, out, err = run(capsys, "copy.txt")
    assert code == 0, err
    assert err.splitlines()[0] == (
        f"copy.txt: warning: not UTF-8: read as {name} — check accented letters and quotes; the article is UTF-8"
    )
    (written,) = (project / "content/articles/2025/07").glob("*.md")
    assert text.splitlines()[0] in written.read_text(encoding="utf-8")


def test_hand_written_article_of_the_same_story_counts_as_imported(project, capsys):
    folder = project / "content/articles/2025/07"
    folder.mkdir(parents=True)
    (folder / "naqvi-in-kabul.md").write_text(
        "---\ntitle: Pakistan, Afghanistan pledge to strengthen anti-terrorism  cooperation\n"
        "date: 2025-07-20T10:00:00+05:00\n---\n\nText.\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, str(SAMPLE))
    assert code == 0
    assert "already imported as content/articles/2025/07/naqvi-in-kabul.md" in out
    assert [p.name for p in folder.iterdir()] == ["naqvi-in-kabul.md"]


def test_a_different_story_with_a_taken_slug_gets_a_number(project, capsys):
    one = "Floods hit Swat\n\nJuly 21, 2025\n\nMINGORA: First story.\n"
    two = "Floods hit Swat\n\nJuly 28, 2025\n\nMINGORA: Second story, a week later.\n"
    Path("one.txt").write_text(one, encoding="utf-8")
    Path("two.txt").write_text(two, encoding="utf-8")
    code, out, _ = run(capsys, "one.txt", "two.txt")
    assert code == 0
    assert out == (
        "one.txt → content/articles/2025/07/floods-hit-swat.md\n"
        "two.txt → content/articles/2025/07/floods-hit-swat-2.md\n"
        "2 files: 2 written\n"
    )
    second = (project / "content/articles/2025/07/floods-hit-swat-2.md").read_text(encoding="utf-8")
    assert "slug: floods-hit-swat-2\n" in second
    build(project)
    assert (project / "build/2025/07/28/floods-hit-swat-2/index.html").exists()
    assert (project / "build/2025/07/21/floods-hit-swat/index.html").exists()


def test_out_folder_and_stdout(project, capsys, tmp_path):
    out_dir = tmp_path / "review"
    code, out, _ = run(capsys, str(SAMPLE), "--out", str(out_dir))
    assert code == 0
    written = out_dir / "pakistan-afghanistan-pledge-to-strengthen-anti-terrorism-cooperation.md"
    assert written.read_text(encoding="utf-8") == (FOLDER / "00-sample.md").read_text(encoding="utf-8")
    assert not (project / "content/articles/2025").exists()

    code, out, err = run(capsys, str(SAMPLE), "--stdout")
    assert code == 0
    assert out == (FOLDER / "00-sample.md").read_text(encoding="utf-8")
    assert err.endswith("1 file: 1 printed\n")
    assert not (project / "content/articles/2025").exists()


def test_standard_input(project, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SAMPLE.read_bytes())))
    code, out, err = run(capsys, "-")
    assert code == 0
    assert out == f"stdin → {SAMPLE_ARTICLE}\n1 file: 1 written\n"
    assert err.startswith("stdin:6: dropped (share buttons)")


BAD_INPUTS = {
    "empty.txt": (b"", "empty.txt: the file is empty — paste the wire copy into it"),
    "blank.txt": (b"  \r\n\r\n\t\n", "blank.txt: the file is empty — paste the wire copy into it"),
    "one-block.txt": (
        b"Headline\nKABUL: Lead.\nMore text.\n",
        "one-block.txt:1: no blank line: cannot tell the headline from the story — "
        "put an empty line after the headline and between paragraphs",
    ),
    "photo.txt": (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
        "photo.txt: the file holds binary data, not text — import the wire copy as a .txt file",
    ),
    "notepad.txt": (
        "Headline\r\n\r\nKABUL: Lead.\r\n".encode("utf-16"),
        "notepad.txt: the file is UTF-16 text, not UTF-8 — save it as UTF-8 and import it again",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_names_the_file_and_exits_1_while_the_others_are_imported(project, capsys, name):
    data, message = BAD_INPUTS[name]
    Path(name).write_bytes(data)
    shutil.copy(SAMPLE, "good.txt")
    code, out, err = run(capsys, name, "good.txt")
    assert code == 1
    assert err.splitlines()[0] == message
    assert out == f"good.txt → {SAMPLE_ARTICLE}\n2 files: 1 written, 1 failed\n"
    assert (project / SAMPLE_ARTICLE).exists()


def test_missing_file_and_folder(project, capsys):
    Path("inbox").mkdir()
    code, out, err = run(capsys, "nowhere.txt", "inbox")
    assert code == 1
    assert err == (
        "nowhere.txt: file not found — check the name\n"
        "inbox: is a folder, not a file — name the .txt files, e.g. inbox/*.txt\n"
    )
    assert out == "2 files: 2 failed\n"


def test_import_never_writes_outside_the_content_folder(project, capsys, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / "content/articles/2025").symlink_to(elsewhere, target_is_directory=True)
    code, _, err = run(capsys, str(SAMPLE))
    assert code == 1
    assert err.splitlines()[-1] == (
        f"{SAMPLE.as_posix()}: refusing to write outside content/articles: content/articles/2025/07/"
    )
    assert list(elsewhere.rglob("*")) == []


def test_zone_less_times_take_the_configured_zone(project, capsys):
    text = Path("site.yaml").read_text(encoding="utf-8").replace("Asia/Karachi", "Asia/Kabul")
    Path("site.yaml").write_text(text, encoding="utf-8")
    Path("t.txt").write_text("Headline\n\nJuly 22, 2025 10:00 am\n\nHERAT: Lead.\n", encoding="utf-8")
    code, out, _ = run(capsys, "t.txt", "--stdout")
    assert code == 0
    assert "\ndate: 2025-07-22T10:00:00+04:30\n" in out


def test_missing_config_given_explicitly_is_an_error(project, capsys):
    code, out, err = run(capsys, str(SAMPLE), "--config", "nope.yaml")
    assert code == 1
    assert err == "nope.yaml: configuration file not found — create site.yaml or pass --config FILE\n"
    assert out == ""


def test_warnings_are_printed_with_file_and_line(project, capsys):
    shutil.copy(FOLDER / "20-no-date-line.txt", "undated.txt")
    code, out, err = run(capsys, "undated.txt")
    today = datetime.now(ZoneInfo("Asia/Karachi")).date()
    assert code == 0
    assert err == f"undated.txt:1: warning: no date line found; dated {today.isoformat()} (today) — check `date`\n"
    assert out == (
        f"undated.txt → content/articles/{today:%Y}/{today:%m}/sindh-assembly-passes-bill-on-domestic-workers-wages.md\n"
        "1 file: 1 written\n"
    )


def test_check_strict_warns_about_the_fields_an_import_leaves_empty(project, capsys):
    run(capsys, str(SAMPLE))
    code = main(["check", "--strict"])
    _out, err = capsys.readouterr()
    assert code == 1
    article = SAMPLE_ARTICLE
    assert f"{article}:6: warning: `author` is empty — fill it in or delete the line" in err
    assert f"{article}:7: warning: `section` is empty — fill it in or delete the line" in err
    assert f"{article}:8: warning: `tags` is empty — add tags such as [Pakistan, Economy], or delete the line" in err
    assert (
        f"{article}:9: warning: the image has a caption but no picture (no `src:`)"
        " — add `src: /images/photo.jpg` under `image:`, or remove the caption" in err
    )
    path = project / article
    text = path.read_text(encoding="utf-8").replace("author:\n", "author: Staff Reporter\n")
    text = text.replace("section:\n", "section: Afghanistan\n").replace("tags: []", "tags: [Pakistan]")
    text = text.replace("image:\n", "image:\n  src: /images/x.jpg\n  alt: A meeting\n")
    path.write_text(text, encoding="utf-8")
    from PIL import Image

    (project / "static/images").mkdir(exist_ok=True)
    Image.new("RGB", (40, 30), "gray").save(project / "static/images/x.jpg")
    assert main(["check", "--strict"]) == 0


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ("inbox/Dawn story 22 July.txt", ["inbox/Dawn story 22 July.txt"]),
        ("inbox/*.txt", ["inbox/Dawn story 22 July.txt", "inbox/swat.txt"]),
        ("inbox/swat.txt inbox/Dawn*", ["inbox/swat.txt", "inbox/Dawn story 22 July.txt"]),
    ],
)
def test_make_import_takes_names_with_spaces_and_globs(project, files, expected):
    import subprocess

    Path("inbox").mkdir()
    shutil.copy(SAMPLE, "inbox/Dawn story 22 July.txt")
    Path("inbox/swat.txt").write_text("Floods hit Swat\n\nJuly 21, 2025\n\nMINGORA: First.\n", encoding="utf-8")
    make = ["make", "-s", "-f", str(REPO / "Makefile"), "import", f"PY={sys.executable}", "BYTECODE="]
    done = subprocess.run([*make, f"FILES={files}"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert [line.split(" → ")[0] for line in done.stdout.splitlines()[:-1]] == expected
    done = subprocess.run(make, capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert done.stderr.startswith('usage: make import FILES="inbox/*.txt"')
