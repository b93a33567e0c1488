"""Issue 20, case 11: a photo in ``static/images/`` that only unpublished stories use.

Decided: ``site-gen check`` warns (``check --strict`` fails); the build still publishes the
file. Why is in :mod:`site_gen.embargo`. Also: ``site-gen build`` refuses the preview's folder.
"""

from __future__ import annotations

import shutil

import pytest

from site_gen.check import check_content
from tests.conftest import NOW, REPO, make_article, make_config, make_site, run_cli

THEME = ("--templates", str(REPO / "templates"), "--static", "static", "--now", NOW.isoformat())
WARNING = "is published now, before this {} story that uses it: anyone who guesses the address sees the photo"


@pytest.fixture
def site(site_dir):
    root = make_site(
        site_dir,
        articles={
            "2025/out.md": {"title": "Out", "date": "2025-07-20", "body": "![a](/images/shared.png)\n"},
            "2025/draft.md": {
                "title": "Raid",
                "date": "2025-07-21",
                "draft": True,
                "image": {"src": "/images/raid.png", "alt": "A raid"},
                "body": "Text ![a](/images/shared.png)\n",
            },
            "2025/later.md": {
                "title": "Later",
                "date": "2025-09-01",
                "body": "See [the map](/images/map.png).\n",
            },
        },
    )
    (root / "static/images").mkdir(parents=True)
    for name in ("raid.png", "map.png", "shared.png", "logo.png"):
        shutil.copy(REPO / "static/images/peshawar-school.png", root / "static/images" / name)
    return root


def test_check_warns_about_photos_only_drafts_or_scheduled_stories_use(site):
    code, out, err = run_cli(site, "check", *THEME)
    assert code == 0, err
    text = out + err
    assert f"content/articles/2025/draft.md:5: warning: /images/raid.png {WARNING.format('draft')}" in text
    assert f"content/articles/2025/later.md:6: warning: /images/map.png {WARNING.format('scheduled')}" in text
    assert "shared.png is published" not in text  # a published story uses it too
    assert "logo.png" not in text  # no story uses it (the templates may)
    code, _out, _err = run_cli(site, "check", *THEME, "--strict")
    assert code == 1


def test_with_drafts_and_future_nothing_is_held_back(site):
    code, out, err = run_cli(site, "check", *THEME, "--drafts", "--future")
    assert code == 0 and "is published now" not in out + err


def test_the_warning_goes_once_the_story_is_out():
    config = make_config()
    story = make_article("A", "2025-07-21", config, draft=True, image="/images/x.png")
    static = {"images/x.png": "static/images/x.png"}

    def warned(**options):
        found = check_content([story], [], config, NOW, static_files=static, **options)
        return [p for p in found if "published now" in p.message and p.severity == "warning"]

    assert len(warned()) == 1
    assert warned(drafts=True) == []


@pytest.mark.parametrize("output", [".site-gen-preview/site", ".site-gen-preview", "elsewhere/.site-gen-preview/site"])
def test_build_refuses_the_previews_folder(site, output):
    code, _out, err = run_cli(site, "build", *THEME, "--output", output)
    assert code == 1
    assert "it is the preview's folder (site-gen serve writes drafts and scheduled articles there)" in err
    assert not (site / output).exists()
