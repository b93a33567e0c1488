"""The daily digest: the e-mail (size, inlined styles, absolute URLs, images, the .eml's parts) and its page on the site."""

from __future__ import annotations

import re
from datetime import date
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from site_gen.build import build_site
from site_gen.cli import main
from site_gen.digest import CLIP_BYTES, make_digest, write_digest
from site_gen.errors import BuildFailed
from tests.conftest import make_site, site_options

DAY = date(2025, 7, 31)


def day_site(tmp_path: Path, extra: int = 0) -> Path:
    """Five English stories and an Urdu one on 31 July (the third with a photo), one the day before."""
    articles = {
        f"s{n}.md": {
            "title": f"Story {n} of the day: trade at the Torkham crossing",
            "date": f"2025-07-31 {8 + n:02d}:00",
            "section": "Pakistan",
            "dateline": "PESHAWAR",
            "body": f"Lead paragraph of story {n} & its <details>.\n\nMore [text](/about/).\n",
        }
        for n in range(5 + extra)
    }
    articles["s2.md"]["image"] = {"src": "/images/torkham-fruit-trucks.jpg", "alt": "Lorries of fruit at Torkham"}
    articles["ur.md"] = {"title": "طورخم پر تجارت", "date": "2025-07-31 12:00", "lang": "ur", "slug": "torkham-ur"}
    articles["old.md"] = {"title": "The day before", "date": "2025-07-30 09:00"}
    root = make_site(tmp_path / "site", articles=articles, pages={"about.md": {"title": "About"}})
    build_site(site_options(root))
    return root


def test_the_digest_is_an_e_mail_ready_page_under_gmail_s_clipping(tmp_path):
    root = day_site(tmp_path)
    digest = make_digest(site_options(root), DAY)
    html = digest.html
    assert len(html.encode()) < CLIP_BYTES
    assert digest.stories == 5 and digest.left_out == 0  # English only, that day only
    assert not re.search(r"<link[^>]+stylesheet", html)
    assert "prefers-color-scheme: dark" in html and 'name="color-scheme"' in html  # dark mode kept
    assert 'class="story" style="' in html  # the rules are inlined
    titles = re.findall(r'class="(?:lead-title|title)"[^>]*>([^<]+)<', html)
    assert titles[0].startswith("Story 2 ") and titles[1:] == [
        f"Story {n} of the day: trade at the Torkham crossing" for n in (4, 3, 1, 0)
    ]
    for url in re.findall(r'(?:href|src)="([^"]*)"', html):
        assert url.startswith("https://example.org/"), url
    images = re.findall(r"<img [^>]*>", html)
    assert len(images) == 1
    for img in images:
        assert re.search(r' alt="[^"]+"', img) and re.search(r' width="\d+"', img) and re.search(r' height="\d+"', img)
    src = re.search(r'src="https://example.org/([^"?]+)', images[0])[1]
    assert (root / "build" / src).is_file()  # the lead's share image, written by the build
    assert "&amp;" not in digest.text and "Story 2 of the day" in digest.text


def test_the_eml_parses_into_a_text_and_an_html_part(tmp_path):
    root = day_site(tmp_path)
    digest = make_digest(site_options(root), DAY)
    files = write_digest(digest, tmp_path / "out")
    assert [f.name for f in files] == ["2025-07-31-en.html", "2025-07-31-en.txt", "2025-07-31-en.eml"]
    message = BytesParser(policy=policy.default).parse(files[2].open("rb"))
    assert message.get_content_type() == "multipart/alternative"
    assert message["Subject"] == "Test Bulletin: Thursday 31 July 2025"
    text, html = message.get_body(("plain",)), message.get_body(("html",))
    assert "https://example.org/2025/07/31/" in text.get_content()
    assert html.get_content().rstrip("\n") == digest.html


def test_an_urdu_digest_runs_right_to_left(tmp_path):
    root = day_site(tmp_path)
    digest = make_digest(site_options(root), DAY, "ur")
    assert digest.stories == 1 and 'dir="rtl"' in digest.html and "طورخم پر تجارت" in digest.html


def test_a_long_day_leaves_stories_out_rather_than_be_clipped(tmp_path, monkeypatch):
    from site_gen import digest as module

    root = day_site(tmp_path)
    monkeypatch.setattr(module, "HTML_BUDGET", len(make_digest(site_options(root), DAY).html.encode()) - 200)
    digest = make_digest(site_options(root), DAY)
    assert digest.left_out >= 1 and digest.stories == 5 - digest.left_out
    assert "more stor" in digest.html and len(digest.html.encode()) <= module.HTML_BUDGET


def test_site_gen_digest_writes_the_files_and_reports_a_day_without_stories(tmp_path, capsys, monkeypatch):
    root = day_site(tmp_path)
    monkeypatch.chdir(root)
    common = ["--templates", str(site_options(root).templates), "--static", str(site_options(root).static)]
    code = main(["digest", *common, "--date", "2025-07-31", "--now", "2025-08-01T12:00:00+05:00", "--output", "mail"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "5 stories" in out and (root / "mail/2025-07-31-en.eml").is_file()
    code = main(["digest", *common, "--date", "2025-07-01", "--output", "mail"])
    assert code == 1 and "no published story on 2025-07-01" in capsys.readouterr().err


def test_each_day_has_a_digest_page_with_the_e_mail_s_stories_in_its_order(tmp_path):
    """The page and the e-mail take their stories from one rule (Planner.digest_stories): the lead
    (the newest with a photo) first, then the others, newest first; the day page links to it."""
    root = day_site(tmp_path)
    build = root / "build"
    page = (build / "digest/2025/07/31/index.html").read_text("utf-8")
    mail = make_digest(site_options(root), DAY)
    main = page.split('<main id="main"', 1)[1]
    on_page = re.findall(r'<h[23]><a href="/(2025/07/31/[^"]+/)">', main)
    in_mail = re.findall(r'class="(?:lead-)?title"[^>]* href="https://example\.org/(2025/07/31/[^"]+/)"', mail.html)
    assert len(on_page) == 5 and on_page == in_mail, (on_page, in_mail)
    assert on_page[0] == "2025/07/31/story-2-of-the-day-trade-at-the-torkham-crossing/"  # the one with a photo
    assert "<title>Daily digest, 31 July 2025 — " in page and "طورخم" not in main  # its language only
    assert (build / "digest/2025/07/30/index.html").is_file()
    assert not (build / "ur/digest").exists()  # Urdu has no pages of its own on this site
    assert 'href="/digest/2025/07/31/"' in (build / "2025/07/31/index.html").read_text("utf-8")
    assert "https://example.org/digest/2025/07/31/" in (build / "sitemap.xml").read_text("utf-8")


def test_the_e_mail_s_left_out_stories_link_to_the_digest_page(tmp_path, monkeypatch):
    from site_gen import digest as module

    root = day_site(tmp_path)
    monkeypatch.setattr(module, "HTML_BUDGET", len(make_digest(site_options(root), DAY).html.encode()) - 200)
    digest = make_digest(site_options(root), DAY)
    assert digest.left_out >= 1
    assert re.search(r'<td class="more"[^>]*><a href="https://example\.org/digest/2025/07/31/"', digest.html)
    assert "on the site: https://example.org/digest/2025/07/31/" in digest.text


def test_a_static_page_may_not_take_the_digest_folder(tmp_path):
    root = make_site(
        tmp_path / "site", articles={"a.md": {"title": "A story"}}, pages={"digest.md": {"title": "Digest"}}
    )
    with pytest.raises(BuildFailed) as failed:
        build_site(site_options(root))
    assert [e.message for e in failed.value.errors] == ["the page slug 'digest' is used by the site itself"]
