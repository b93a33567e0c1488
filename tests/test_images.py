"""site_gen.images: resizing, the content-hash cache, missing files, body rewriting."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from site_gen.build import BuildOptions, build_site
from site_gen.dates import parse_moment
from site_gen.errors import BuildFailed
from site_gen.images import body_image_refs, local_path, process_images, responsive_body
from site_gen.markdown import render_markdown
from site_gen.model import Article
from site_gen.model import Image as ArticleImage

ZONE = ZoneInfo("Asia/Karachi")


def make_article(body: str = "Text.", image: str | None = "/images/photo.jpg", image_line: int = 7) -> Article:
    return Article(
        source="content/articles/x.md",
        source_hash="h",
        title="A story",
        date=parse_moment("2025-07-20", ZONE),
        slug="a-story",
        path="2025/07/20/a-story/",
        body=body,
        body_line=12,
        body_images=body_image_refs(render_markdown(body).html, body, 12),
        image=ArticleImage(src=image, alt="A photo") if image else None,
        lines={"image": image_line},
    )


@pytest.fixture
def static(tmp_path: Path) -> Path:
    folder = tmp_path / "static" / "images"
    folder.mkdir(parents=True)
    Image.new("RGB", (1000, 500), (200, 40, 40)).save(folder / "photo.jpg", quality=85)
    Image.new("RGB", (200, 100), (20, 40, 200)).save(folder / "small.png")
    return tmp_path / "static"


def test_image_is_resized_into_widths_in_webp_and_its_own_format(static, tmp_path):
    result = process_images([make_article()], static, tmp_path / "cache")
    assert result.errors == []
    view = result.views["images/photo.jpg"]
    assert (view["width"], view["height"]) == (1000, 500)
    assert [p.split()[1] for p in view["srcset"].split(", ")] == ["160w", "320w", "640w", "960w", "1000w"]
    assert view["webp"].count(".webp ") == 5
    assert view["src"].endswith("-640.jpg")
    sizes = {}
    for rel, cached in result.outputs.items():
        with Image.open(cached) as im:
            sizes[rel.rsplit("-", 1)[1]] = (im.format, im.size)
    assert sizes["320.webp"] == ("WEBP", (320, 160))
    assert sizes["960.jpg"] == ("JPEG", (960, 480))
    assert sizes["1000.jpg"] == ("JPEG", (1000, 500))


def test_small_image_is_not_enlarged(static, tmp_path):
    article = make_article(image="/images/small.png")
    view = process_images([article], static, tmp_path / "cache").views["images/small.png"]
    assert [p.split()[1] for p in view["srcset"].split(", ")] == ["160w", "200w"]
    assert view["src"].endswith("-200.png")  # the widest there is when none reaches 640


def test_second_run_takes_every_file_from_the_cache(static, tmp_path):
    first = process_images([make_article()], static, tmp_path / "cache")
    stamps = {p: p.stat().st_mtime_ns for p in first.outputs.values()}
    again = process_images([make_article()], static, tmp_path / "cache")
    assert (first.processed, again.processed) == (1, 0)
    assert again.views == first.views
    assert {p: p.stat().st_mtime_ns for p in again.outputs.values()} == stamps


def test_changed_image_gets_new_files(static, tmp_path):
    first = process_images([make_article()], static, tmp_path / "cache")
    Image.new("RGB", (800, 400), (0, 120, 0)).save(static / "images/photo.jpg")
    second = process_images([make_article()], static, tmp_path / "cache")
    assert second.processed == 1
    assert set(first.outputs).isdisjoint(second.outputs)  # new names: caches never serve the old picture


def test_missing_image_is_an_error_naming_the_article_and_line(static, tmp_path):
    body = "Intro.\n\n![A chart](/images/chart.png)\n"
    result = process_images([make_article(body, image="/images/gone.jpg")], static, tmp_path / "cache")
    messages = [str(e) for e in result.errors]
    assert messages[0].startswith("content/articles/x.md:7: image not found: /images/gone.jpg")
    assert messages[1].startswith("content/articles/x.md:14: image not found: /images/chart.png")


def test_build_fails_on_a_missing_image_and_writes_nothing(tmp_path):
    (tmp_path / "content/articles").mkdir(parents=True)
    (tmp_path / "static").mkdir()
    (tmp_path / "templates").symlink_to(Path(__file__).resolve().parents[1] / "templates")
    (tmp_path / "site.yaml").write_text("title: T\nbase_url: https://example.org/\n")
    (tmp_path / "content/articles/a.md").write_text(
        "---\ntitle: A\ndate: 2025-07-20\nimage:\n  src: /images/none.jpg\n  alt: x\n---\nBody.\n"
    )
    with pytest.raises(BuildFailed) as failed:
        build_site(BuildOptions(root=tmp_path))
    assert [str(e).split(" — ")[0] for e in failed.value.errors] == [
        "content/articles/a.md:4: image not found: /images/none.jpg"
    ]
    assert not (tmp_path / "build/index.html").exists()


def test_external_and_svg_images_are_left_as_they_are(static, tmp_path):
    (static / "images/logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    body = "![Logo](/images/logo.svg) ![Far](https://example.org/x.jpg)"
    result = process_images([make_article(body, image=None)], static, tmp_path / "cache")
    assert result.errors == [] and result.outputs == {}
    html = responsive_body(render_markdown(body).html, result.views, "100vw")
    assert '<img src="/images/logo.svg" alt="Logo" loading="lazy" decoding="async">' in html
    assert 'src="https://example.org/x.jpg"' in html and "<picture>" not in html


def test_body_images_become_lazy_pictures_with_escaped_attributes(static, tmp_path):
    body = '![Chart of "wheat" & rice](/images/photo.jpg "Source: FAO")'
    article = make_article(body, image=None)
    views = process_images([article], static, tmp_path / "cache").views
    html = responsive_body(render_markdown(body).html, views, "100vw")
    assert html.count('<picture><source type="image/webp"') == 1
    assert (
        'alt="Chart of &quot;wheat&quot; &amp; rice"' in html
    )  # the reference engine keeps straight quotes in alt text
    assert 'width="1000" height="500" loading="lazy"' in html and 'title="Source: FAO"' in html


def test_local_path_accepts_only_site_paths():
    assert local_path("/images/a%20b.jpg") == "images/a b.jpg"
    assert local_path("https://example.org/a.jpg") is None
    assert local_path("//cdn.example.org/a.jpg") is None
    assert local_path("/../etc/passwd") is None


def test_webp_is_left_out_when_it_would_be_larger(tmp_path):
    folder = tmp_path / "static/images"
    folder.mkdir(parents=True)
    Image.new("P", (800, 400), 3).save(folder / "flat.png", optimize=True)  # a tiny palette PNG
    result = process_images([make_article(image="/images/flat.png")], tmp_path / "static", tmp_path / "cache")
    view = result.views["images/flat.png"]
    assert view["webp"] == "" and view["srcset"].count(".png ") == 4
    assert not [rel for rel in result.outputs if rel.endswith(".webp")]
