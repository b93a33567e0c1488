"""``site-gen import`` of Word documents and saved web pages (issue 23): fixtures, safety, end to end."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from site_gen.build import BuildOptions, build_site, check_site
from site_gen.cli import main
from tests.document_fixtures import (
    DOCX,
    DOCX_FOLDER,
    HTML_FOLDER,
    build_docx,
    convert_docx_case,
    convert_html_case,
    expected,
    html_names,
    zip_of,
)
from tests.test_import import NOW, make_project
from tests.wire_fixtures import report


def test_there_are_at_least_eight_cases_of_each_format():
    assert len(DOCX) >= 8 and len(html_names()) >= 8


@pytest.mark.parametrize("name", sorted(DOCX))
def test_docx_case_converts_to_its_expected_article(name):
    result = convert_docx_case(name)
    md, log = expected(DOCX_FOLDER, name)
    assert result.document() == md
    assert report(result) == log


@pytest.mark.parametrize("name", html_names())
def test_html_case_converts_to_its_expected_article(name):
    result = convert_html_case(name)
    md, log = expected(HTML_FOLDER, name)
    assert result.document() == md
    assert report(result) == log


@pytest.mark.parametrize("name", html_names())
def test_no_page_junk_reaches_the_article(name):
    document = convert_html_case(name).document()
    for junk in ("Related stories", "Comments (3)", "window.ads", "Copyright 2025", "Privacy", "Sport", "tracker.js"):
        assert junk not in document
    assert "<script>alert" not in document and "<iframe" not in document and "alert(" not in document


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = make_project(tmp_path / "site")
    monkeypatch.chdir(root)
    return root


def run(capsys, *args):
    code = main(["import", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.slow
def test_documents_import_build_and_pass_check_with_their_pictures(project, capsys):
    Path("inbox").mkdir()
    for name in DOCX:
        Path(f"inbox/{name}.docx").write_bytes(build_docx(name))
    for name in html_names():
        shutil.copy(HTML_FOLDER / f"{name}.html", "inbox")
    code, out, err = run(capsys, *sorted(str(p) for p in Path("inbox").iterdir()))
    assert code == 0, err
    assert out.endswith(f"{len(DOCX) + len(html_names())} files: {len(DOCX) + len(html_names())} written\n")
    pictures = sorted(p.name for p in (project / "static/images/2025/07").iterdir())
    assert pictures == [
        "chitral-apricot-growers-find-new-buyers-in-lahore-1.png",
        "wheat-procurement-targets-set-for-four-districts-1.png",
    ]
    assert [p for p in check_site(BuildOptions(root=project, now=NOW)) if p.severity == "error"] == []
    build_site(BuildOptions(root=project, now=NOW))
    page = (project / "build/2025/07/24/wheat-procurement-targets-set-for-four-districts/index.html").read_text("utf-8")
    # The picture is in the body, resized (and it is the story's share image, cropped).
    assert "<table>" in page and "/_img/images/2025/07/wheat-procurement-targets-set-for-four-districts-1-" in page
    page = (project / "build/2025/07/22/karak-gas-field-begins-supplying-three-villages/index.html").read_text("utf-8")
    assert 'href="https://example.org/2025/07/22/karak-gas-field-villages/"' in page  # the source is credited
    # The same again: already imported, and no picture is written twice or over another.
    code, out, _ = run(capsys, "inbox/03-table-and-photo.docx")
    assert "already imported" in out
    assert len(list((project / "static/images/2025/07").iterdir())) == 2


def test_a_picture_never_replaces_a_file(project, capsys):
    folder = project / "static/images/2025/07"
    folder.mkdir(parents=True)
    (folder / "wheat-procurement-targets-set-for-four-districts-1.png").write_bytes(b"editor's own")
    Path("w.docx").write_bytes(build_docx("03-table-and-photo"))
    assert run(capsys, "w.docx")[0] == 0
    assert (folder / "wheat-procurement-targets-set-for-four-districts-1.png").read_bytes() == b"editor's own"
    assert (folder / "wheat-procurement-targets-set-for-four-districts-1-2.png").exists()


HOSTILE = {
    "macros.docm": (
        lambda: build_docx("01-title-byline-dateline"),
        "a macro-enabled Word document (.docm) is not imported — save it as .docx",
    ),
    "locked.docx": (
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
        "the document is password-protected, or an old Word 97–2003 .doc — open it in Word and save it again as a .docx without a password",
    ),
    "broken.docx": (
        lambda: b"PK\x03\x04 not really a zip",
        "the document is damaged (not a readable .docx) — open it in Word and save it again as a .docx without a password",
    ),
    "empty-zip.docx": (
        lambda: zip_of({"a.txt": b"x"}),
        "the document is damaged (no word/document.xml in it) — open it in Word and save it again as a .docx without a password",
    ),
    "bomb.docx": (
        lambda: zip_of(
            {
                "[Content_Types].xml": b"<Types/>",
                "word/document.xml": b"<w/>",
                "word/media/big.bin": b"\0" * 120_000_000,
            }
        ),
        "the document unpacks to more than 100,000,000 bytes — is it really a story? a zip bomb is refused",
    ),
    "vba.docx": (
        lambda: zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>", "word/vbaProject.bin": b"x"}),
        "the document holds macros (.docm) — save it as a plain Word document (.docx)",
    ),
    "front-page.html": (
        lambda: (
            b"<html><head><title>Home</title></head><body><nav><a href='/'>Home</a></nav><p>Subscribe</p></body></html>"
        ),
        "no article text found in the page — save the story's own page, not a front or list page",
    ),
    "huge.html": (
        lambda: b"<p>" + b"a " * 13_000_000 + b"</p>",
        "the file is too large (over 25,000,000 bytes) — is it really one story?",
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_documents_are_refused_while_the_others_import(project, capsys, name):
    make, message = HOSTILE[name]
    Path(name).write_bytes(make())
    Path("good.docx").write_bytes(build_docx("01-title-byline-dateline"))
    code, out, err = run(capsys, name, "good.docx")
    assert code == 1
    assert err.splitlines()[0] == f"{name}: {message}"
    assert out.endswith("2 files: 1 written, 1 failed\n")


def test_help_says_what_each_format_keeps_and_drops(capsys):
    with pytest.raises(SystemExit):
        main(["import", "--help"])
    out = capsys.readouterr().out
    assert ".txt" in out and ".docx" in out and ".html" in out and "drops" in out
