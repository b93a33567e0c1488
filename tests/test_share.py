"""Share images, icons and the offline worker: what a shared link shows, and that it follows edits."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image

from site_gen import share
from site_gen.build import BuildOptions, build_site
from tests.conftest import KARACHI, REPO, make_site, site_options
from tests.test_incremental import edit, story, tree
from tests.test_sample_site import SAMPLE_NOW

ARTIFACTS = REPO / "test-artifacts"
_OG = re.compile(r'<meta property="og:image" content="([^"]+)">')
_JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def local_file(output: Path, base: str, url: str) -> Path:
    assert url.startswith(base), url
    return output / urlsplit(url).path[len(urlsplit(base).path) :]


@pytest.mark.slow
def test_every_article_of_the_sample_site_is_shared_with_a_raster_image_1200_px_wide(tmp_path):
    output = tmp_path / "out"
    build_site(BuildOptions(root=REPO, output=output, cache_dir=tmp_path / "cache", now=SAMPLE_NOW))
    base = "https://bulletin.example.org/"
    pages = [p for p in output.rglob("index.html") if '"@type": "NewsArticle"' in p.read_text("utf-8")]
    assert len(pages) >= 17
    for page in pages:
        text = page.read_text("utf-8")
        og = _OG.findall(text)
        news = next(d for d in map(json.loads, _JSONLD.findall(text)) if d["@type"] == "NewsArticle")
        assert len(og) == 1 and len(news["image"]) == 3, page
        ratios = []
        for url in [*og, *news["image"]]:
            with Image.open(local_file(output, base, url)) as image:
                assert image.format in ("PNG", "JPEG") and image.width >= 1200, (page, url, image.size)
                ratios.append(round(image.width / image.height, 2))
        assert ratios == [1.9, 1.78, 1.33, 1.0], page
        logo = news["publisher"]["logo"]
        with Image.open(local_file(output, base, logo["url"])) as image:
            assert image.size == (logo["width"], logo["height"]) and min(image.size) >= 112
    nangarhar = next(p for p in pages if "nangarhar" in str(p))
    assert "solar-pump-diagram" in _OG.findall(nangarhar.read_text("utf-8"))[0]  # its body's image, not the logo
    with Image.open(output / "favicon.ico") as icon:
        assert icon.format == "ICO"
    manifest = json.loads((output / "manifest.webmanifest").read_text("utf-8"))
    assert {i["sizes"] for i in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert (output / icon["src"].lstrip("/")).is_file()


def test_an_urdu_card_is_drawn_in_nastaliq_for_a_person_to_look_at():
    context = {
        "v": share.CARD_VERSION,
        "title": "وفاقی بجٹ میں تعلیم کے لیے مختص رقم میں اضافہ، صوبوں کو نئے اسکولوں کے لیے فنڈز ملیں گے",
        "section": "Pakistan",
        "site": "The Frontier Bulletin",
        "date": share.card_date(date(2025, 7, 20), "ur"),
        "lang": "ur",
        "dir": "rtl",
    }
    assert context["date"] == "۲۰ جولائی ۲۰۲۵"
    ARTIFACTS.mkdir(exist_ok=True)
    for name, size in share.SIZES.items():
        data = share.draw_card(dict(context, size=list(size)))
        (ARTIFACTS / f"share-card-ur-{name}.png").write_bytes(data)
        with Image.open(ARTIFACTS / f"share-card-ur-{name}.png") as image:
            assert image.size == size
            assert len(image.getcolors(256)) > 20  # antialiased text, not an empty red field
    # The same card from another cache folder is the same bytes: nothing depends on the machine's fonts.
    assert share.draw_card(dict(context, size=[1200, 630])) == (ARTIFACTS / "share-card-ur-og.png").read_bytes()


def test_a_card_is_drawn_once_and_then_read_from_the_cache(tmp_path, monkeypatch):
    context = {"v": "1", "title": "A", "section": "", "site": "S", "date": "1 July 2025", "lang": "en", "dir": "ltr"}
    context["size"] = [1200, 630]
    first = share.render_card(context, tmp_path)
    monkeypatch.setattr(share, "draw_card", lambda _c: pytest.fail("drawn again"))
    assert share.render_card(context, tmp_path) == first


@pytest.mark.parametrize("jobs", [1, 2])
def test_retitling_a_story_draws_its_card_again_and_equals_a_clean_build(tmp_path, jobs):
    stories = {f"s{n}.md": story(n, slug=f"story-number-{n}") for n in range(6)}  # a new title keeps the URL
    root = make_site(tmp_path / "site", articles=stories, config={"share_cards_days": 365})
    build_site(site_options(root, jobs=jobs))
    card = next((root / "build").rglob("story-number-3/share-og.png"))
    before = card.read_bytes()
    page = card.parent / "index.html"
    url = re.search(r"share-og\.png\?v=\w+", page.read_text("utf-8"))[0]
    edit(root / "content/articles/s3.md", "title: Story number 3", "title: Story number 3, retitled")
    report = build_site(site_options(root, jobs=jobs))
    assert not report.planned_all
    assert card.read_bytes() != before
    assert url not in page.read_text("utf-8")  # a new URL: social sites cache images by URL
    clean = tmp_path / "clean"
    build_site(site_options(root, output=clean, cache_dir=None, jobs=jobs))
    assert tree(root / "build") == tree(clean)
    # A body edit leaves the card (and its URL) as they were.
    edit(root / "content/articles/s3.md", "Lead paragraph of story 3.", "Lead paragraph of story 3, longer.")
    again = card.read_bytes()
    build_site(site_options(root, jobs=jobs))
    assert card.read_bytes() == again


def test_the_worker_keeps_the_newest_stories_and_changes_with_their_text(tmp_path):
    root = make_site(
        tmp_path / "site", articles={f"s{n}.md": story(n) for n in range(8)}, config={"offline_stories": 3}
    )
    build_site(site_options(root))
    worker = (root / "build/sw.js").read_text("utf-8")
    assert worker.count("/20") >= 3 and "/offline/" in worker
    edit(root / "content/articles/s0.md", "Lead paragraph of story 0.", "Lead paragraph of story 0, new.")
    build_site(site_options(root))
    clean = tmp_path / "clean"
    build_site(site_options(root, output=clean, cache_dir=None))
    assert tree(root / "build") == tree(clean)
    preview = tmp_path / "preview"
    build_site(site_options(root, output=preview, cache_dir=None, offline=False))
    assert not (preview / "sw.js").exists() and "serviceWorker" not in (preview / "index.html").read_text("utf-8")


def og_image(page: Path) -> str:
    return _OG.findall(page.read_text("utf-8"))[0]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_story_leaving_the_cards_window_is_shared_with_the_site_card_and_equals_a_clean_build(tmp_path, jobs):
    # Stories of May to July; the clock of 1 August with a window of 14 days: story 17
    # (18 July, 17:15) has its own card, the others the site's.
    stories = {f"s{n}.md": story(n) for n in range(20)}
    root = make_site(tmp_path / "site", articles=stories, config={"share_cards_days": 14})
    build_site(site_options(root, jobs=jobs))
    out = root / "build"
    own = sorted(p.parent.name for p in out.rglob("share-og.png") if p.parent != out)
    assert own == ["story-number-17"]
    page = next(out.rglob("story-number-17/index.html"))
    assert "/story-number-17/share-og.png?v=" in og_image(page)
    older = next(out.rglob("story-number-14/index.html"))
    assert og_image(older).startswith("https://example.org/share-og.png?v=")
    for name, size in share.SIZES.items():  # the site's card: drawn once, in every size
        with Image.open(out / f"share-{name}.png") as image:
            assert image.size == size and image.format == "PNG"
    # The clock moves a minute past the window's edge: its card gives way to the site's.
    later = datetime(2025, 8, 1, 17, 16, tzinfo=KARACHI)
    report = build_site(site_options(root, jobs=jobs, now=later))
    assert report.planned_all  # a clock event: every page planned
    assert not page.with_name("share-og.png").exists()
    assert og_image(page) == og_image(older)
    clean = tmp_path / "clean"
    build_site(site_options(root, output=clean, cache_dir=None, jobs=jobs, now=later))
    assert tree(out) == tree(clean)
    # The same clock again: nothing to do.
    assert build_site(site_options(root, jobs=jobs, now=later)).written == 0


def test_the_window_s_edges_are_clock_events_of_the_build():
    from types import SimpleNamespace

    from site_gen.config import Config
    from site_gen.rebuild import valid_interval

    at = datetime(2025, 7, 20, 10, 0, tzinfo=KARACHI)
    article = SimpleNamespace(date=SimpleNamespace(at=at))
    config = Config(title="T", base_url="https://e.org/", share_cards_days=3)
    # Between the news sitemap's 48 hours and the cards' 3 days: both edges bound the interval.
    low, high = valid_interval([article], at + timedelta(days=2, hours=12), config)
    assert (low, high) == ((at + timedelta(hours=48)).timestamp(), (at + timedelta(days=3)).timestamp())
    assert valid_interval([article], at + timedelta(days=3), config) == (0.0, 0.0)
