"""`site-gen check`: one test per check, with the exact line an editor sees."""

from __future__ import annotations

import pytest

from tests._site import NOW_ARG, article, make_site, run_cli

A = "content/articles/2025/07/"


def check(tmp_path, files, *extra, config=None):
    """Run `site-gen check`; returns (exit code, the problems printed, the summary line)."""
    kwargs = {"config": config} if config else {}
    root = make_site(tmp_path / "site", files, **kwargs)
    code, out, err = run_cli(root, "check", "--now", NOW_ARG, *extra)
    problems = err.splitlines(keepends=True)
    summary = problems.pop() if code else out
    return code, "".join(problems), summary


def lines(out: str) -> list[str]:
    return out.splitlines()


def test_clean_site_passes(tmp_path):
    code, out, err = check(
        tmp_path, {"articles/2025/07/a.md": article("Budget", tags=["Pakistan"], section="Pakistan")}
    )
    assert (code, out) == (0, "")
    assert err == "ok: no errors, 0 warning(s)\n"


def test_yaml_syntax(tmp_path):
    code, out, _ = check(tmp_path, {"articles/2025/07/a.md": "---\ntitle: Budget\ntags: [Pakistan\n---\nText.\n"})
    assert code == 1
    assert lines(out)[0] == (
        f"{A}a.md:3: YAML syntax error: did not find expected ',' or ']'"
        " — close the brackets, and quote names that contain `,` `:` or `#`"
    )


def test_required_field(tmp_path):
    code, out, _ = check(tmp_path, {"articles/2025/07/a.md": "---\ntitle: Budget\n---\nText.\n"})
    assert code == 1
    assert lines(out)[0] == f"{A}a.md:1: missing `date` — add a line `date: …` to the front matter"


def test_date_that_does_not_parse(tmp_path):
    code, out, _ = check(tmp_path, {"articles/2025/07/a.md": article("Budget", date="2025-13-01")})
    assert code == 1
    assert lines(out)[0] == (
        f"{A}a.md:3: cannot read the date '2025-13-01' — write it as 2025-07-20, 2025-07-20 14:30 or 2025-07-20T14:30:00+05:00"
    )


def test_updated_before_date(tmp_path):
    code, out, _ = check(tmp_path, {"articles/2025/07/a.md": article("Budget", updated="2025-07-19 09:00")})
    assert code == 1
    assert out == (
        f"{A}a.md:4: `updated` (19 July 2025, 09:00 PKT) is before `date` (20 July 2025)"
        " — an update comes after publication: check the day, month and year\n"
    )


def test_two_articles_on_one_url(tmp_path):
    files = {
        "articles/2025/07/a.md": article("Budget"),
        "articles/2025/07/b.md": article("Budget", date="2025-07-20 18:00"),
    }
    code, out, _ = check(tmp_path, files)
    assert code == 1
    assert out == (
        f"{A}b.md:2: this article is on the same URL as {A}a.md: /2025/07/20/budget/"
        " — give one of them a different `slug:`\n"
    )


def test_draft_on_the_url_of_a_published_article(tmp_path):
    files = {
        "articles/2025/07/a.md": article("Budget"),
        "articles/2025/07/b.md": article("Budget again", slug="budget", draft=True),
    }
    code, out, _ = check(tmp_path, files)
    assert code == 1
    assert out == (
        f"{A}b.md:4: this article is on the same URL as {A}a.md: /2025/07/20/budget/"
        " — give one of them a different `slug:`\n"
    )


def test_duplicate_slug_on_another_day(tmp_path):
    files = {
        "articles/2025/07/a.md": article("Budget", date="2025-07-19"),
        "articles/2025/07/b.md": article("Budget"),
    }
    code, out, _ = check(tmp_path, files)
    assert code == 0
    assert out == (
        f"{A}b.md:2: warning: the slug 'budget' is also used by {A}a.md (/2025/07/19/budget/)"
        " — give this story its own `slug:` so the two are not confused\n"
    )
    code, _, err = check(tmp_path / "again", files, "--strict")
    assert code == 1
    assert err == "1 warning(s); failing because of --strict\n"


def test_alias_on_another_articles_url(tmp_path):
    files = {
        "articles/2025/07/a.md": article("Budget", date="2025-07-19"),
        "articles/2025/07/b.md": article("Budget passed", aliases=["/2025/07/19/budget/"]),
    }
    code, out, _ = check(tmp_path, files)
    assert code == 1
    assert out == (
        f"{A}b.md:4: the alias /2025/07/19/budget/ is on the same URL as {A}a.md: /2025/07/19/budget/"
        " — remove or change the alias\n"
    )


def test_two_aliases_collide(tmp_path):
    files = {
        "articles/2025/07/a.md": article("Budget", date="2025-07-19", aliases=["/old/budget/"]),
        "articles/2025/07/b.md": article("Budget passed", aliases=["/old/budget"]),
    }
    code, out, _ = check(tmp_path, files)
    assert code == 1
    assert out == (
        f"{A}b.md:4: the alias /old/budget/ is on the same URL as {A}a.md: /old/budget/ — remove or change the alias\n"
    )


def test_alias_on_a_page_of_the_site(tmp_path):
    code, out, _ = check(tmp_path, {"articles/2025/07/a.md": article("Budget", aliases=["/tags/"])})
    assert code == 1
    assert out == (
        f"{A}a.md:4: the alias /tags/ is on the same URL as a page the site makes: /tags/ — remove or change the alias\n"
    )


def test_alias_differing_only_in_capitals(tmp_path):
    files = {
        "articles/2025/07/a.md": article("Budget", date="2025-07-19", aliases=["/Old/"]),
        "articles/2025/07/b.md": article("Budget passed", aliases=["/old/"]),
    }
    code, out, _ = check(tmp_path, files)
    assert code == 1
    assert out == (
        f"{A}b.md:4: the alias /old/ differs only in capitals from /Old/ ({A}a.md):"
        " the two overwrite each other on Windows and macOS — remove or change the alias\n"
    )


def test_alias_needing_a_folder_where_a_file_is(tmp_path):
    code, out, _ = check(tmp_path, {"articles/2025/07/a.md": article("Budget", aliases=["/images/logo.svg/"])})
    assert code == 1
    assert out == (
        f"{A}a.md:4: /images/logo.svg/index.html needs a folder where the static file static/images/logo.svg"
        " has a file: /images/logo.svg — change the slug or alias\n"
    )


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        (
            ["pakistan"],
            "the tag 'pakistan' differs from the existing tag 'Pakistan' only by case, spacing or punctuation"
            " — write 'Pakistan' (used 2 times)",
        ),
        (
            ["Counter-terrorism"],
            "the tag 'Counter-terrorism' differs from the existing tag 'Counterterrorism' only by case, spacing"
            " or punctuation — write 'Counterterrorism' (used 2 times)",
        ),
        (
            ["Pakstan"],
            "the tag 'Pakstan' looks like a misspelling of the existing tag 'Pakistan' — write 'Pakistan' (used 2 times)",
        ),
        (
            ["Afghanistna"],
            "the tag 'Afghanistna' looks like a misspelling of the existing tag 'Afghanistan' — write 'Afghanistan' (used 2 times)",
        ),
    ],
)
def test_tag_variants(tmp_path, tags, message):
    files = {
        "articles/2025/07/a.md": article(
            "One", date="2025-07-18", tags=["Pakistan", "Counterterrorism", "Afghanistan"]
        ),
        "articles/2025/07/b.md": article(
            "Two", date="2025-07-19", tags=["Pakistan", "Counterterrorism", "Afghanistan"]
        ),
        "articles/2025/07/c.md": article("Three", tags=tags),
    }
    code, out, _ = check(tmp_path, files)
    assert code == 0
    assert out == f"{A}c.md:4: warning: {message}\n"


def test_tags_that_are_different_topics_are_left_alone(tmp_path):
    files = {
        "articles/2025/07/a.md": article("One", date="2025-07-18", tags=["Iran", "Pakistan", "Budget 2024", "Afghan"]),
        "articles/2025/07/b.md": article("Two", tags=["Iraq", "Pakistani", "Budget 2025", "Afghans"]),
    }
    assert check(tmp_path, files)[:2] == (0, "")


def test_section_not_in_menu(tmp_path):
    code, out, _ = check(tmp_path, {"articles/2025/07/a.md": article("Budget", section="Busines")})
    assert code == 0
    assert out == (
        f"{A}a.md:4: warning: the section 'Busines' is not in the menu"
        " — did you mean 'Business'?, or add it to `menu:` in site.yaml\n"
    )


def test_lead_image_without_alt_text(tmp_path):
    code, out, _ = check(tmp_path, {"articles/2025/07/a.md": article("Budget", image={"src": "/images/logo.svg"})})
    assert code == 0
    assert out == (
        f"{A}a.md:4: warning: the image has no alt text"
        " — add `alt:` saying what the picture shows, for readers who cannot see it\n"
    )


def test_body_image_without_alt_text(tmp_path):
    body = "First paragraph.\n\nSecond, with a picture:\n![](/images/logo.svg)\n"
    code, out, _ = check(tmp_path, {"articles/2025/07/a.md": article("Budget", body=body)})
    assert code == 0
    assert out == (
        f"{A}a.md:9: warning: the image /images/logo.svg has no alt text"
        " — write ![what the picture shows](/images/logo.svg)\n"
    )


def test_links_to_pages_that_do_not_exist(tmp_path):
    body = (
        "Good: [home](/), [tag](/tags/pakistan/), [story](/2025/07/19/earlier/), [logo](/images/logo.svg),\n"
        "[relative](../../19/earlier/), [absolute](https://bulletin.example.org/2025/07/19/earlier/), [out](https://e.org/x).\n"
        "\n"
        "Bad: [typo](/2025/07/19/earlir/) and [gone](https://bulletin.example.org/2024/01/01/old/).\n"
        "![Chart](/images/chart.png) and [secret](/2025/07/20/secret/).\n"
    )
    files = {
        "articles/2025/07/earlier.md": article("Earlier", date="2025-07-19", tags=["Pakistan"]),
        "articles/2025/07/a.md": article("Budget", body=body),
        "articles/2025/07/secret.md": article("Secret", draft=True),
    }
    code, out, _ = check(tmp_path, files)
    assert code == 1
    assert lines(out) == [
        f"{A}a.md:9: link to /2024/01/01/old/: there is no such page on this site"
        " — check the address; if the page moved, give it an alias",
        f"{A}a.md:9: link to /2025/07/19/earlir/: there is no such page on this site — did you mean /2025/07/19/earlier/?",
        f"{A}a.md:10: image not found: /images/chart.png — put the file at static/images/chart.png or fix the path",
        f"{A}a.md:10: warning: link to /2025/07/20/secret/: not published yet (a draft, {A}secret.md)"
        " — the link leads nowhere until then",
    ]


def test_article_without_body(tmp_path):
    code, out, _ = check(tmp_path, {"articles/2025/07/a.md": article("Budget", body="\n\n")})
    assert code == 1
    assert out == f"{A}a.md:4: the article has no body — write the story below the closing `---` line\n"


def test_article_still_holding_the_placeholder(tmp_path):
    code, out, _ = check(tmp_path, {"articles/2025/07/a.md": article("Budget", body="Write the story here.\n")})
    assert code == 1
    assert out == (
        f"{A}a.md:4: the article has no body (only the placeholder text) — write the story below the closing `---` line\n"
    )


def test_title_over_110_characters(tmp_path):
    title = "Pakistan and Afghanistan agree to strengthen cooperation on counterterrorism and border management in Kabul talks"
    code, out, _ = check(tmp_path, {"articles/2025/07/a.md": article(title)})
    assert code == 0
    assert out == (
        f"{A}a.md:2: warning: the title is 113 characters long (more than 110)"
        " — news apps and search results cut long headlines; shorten it\n"
    )


def test_future_date_is_a_note(tmp_path):
    files = {"articles/2025/07/a.md": article("Budget", date="2025-07-22T09:00:00+05:00")}
    code, out, err = check(tmp_path, files, "--strict")
    assert code == 0
    assert (
        out == f"{A}a.md:3: note: scheduled for 22 July 2025, 09:00 PKT — it appears with the first build after then\n"
    )
    assert err == "ok: no errors, 0 warning(s), 1 note(s)\n"


def test_unknown_key_close_to_a_known_one(tmp_path):
    """Issue 19, case 4: a misspelled known key loses its data, so it is an error."""
    code, out, _ = check(tmp_path, {"articles/2025/07/a.md": article("Budget", tgas=["Pakistan"])})
    assert code == 1
    assert lines(out)[0] == f"{A}a.md:4: unknown key `tgas`: its value is not used — did you mean `tags`?"


def test_everything_is_reported_at_once(tmp_path):
    files = {
        "articles/2025/07/a.md": "---\ntitle: [Budget\n---\nText.\n",
        "articles/2025/07/b.md": article("Budget", updated="2025-07-01"),
        "articles/2025/07/c.md": article("Other", body="", section="Sport"),
    }
    code, out, err = check(tmp_path, files)
    assert code == 1
    assert [line.split(" ")[0] for line in lines(out)] == [
        f"{A}a.md:2:",
        f"{A}b.md:4:",
        f"{A}c.md:4:",
        f"{A}c.md:5:",
        "content:",
    ]
    assert lines(out)[-1] == (
        "content: note: links in bodies were not checked, since some files could not be read"
        " — fix the errors, then check again"
    )
    assert err == "3 error(s)\n"


def test_only_the_named_files_are_reported(tmp_path):
    files = {"articles/2025/07/a.md": article("Budget", body=""), "articles/2025/07/b.md": article("Other", body="")}
    code, out, _ = check(tmp_path, files, f"{A}b.md")
    assert code == 1
    assert out == f"{A}b.md:4: the article has no body — write the story below the closing `---` line\n"


def test_a_named_file_that_does_not_exist(tmp_path):
    root = make_site(tmp_path / "site", {})
    assert run_cli(root, "check", "content/articles/nope.md") == (2, "", "content/articles/nope.md: no such file\n")


def test_check_writes_nothing(tmp_path):
    root = make_site(tmp_path / "site", {"articles/2025/07/a.md": article("Budget")})
    run_cli(root, "check", "--now", NOW_ARG)
    assert not (root / "build").exists()


def test_editor_slips_get_the_right_hint(tmp_path):
    """Issue 19, case 4: a colon in a title, misspelled keys, a `- ` line that merges two tags."""
    files = {
        "articles/2025/07/a.md": "---\ntitle: Gwadar: Port Opens to Traffic\ndate: 2025-07-20\n---\n\nText.\n",
        "articles/2025/07/b.md": (
            "---\ntitle: B\ndate: 2025-07-20\ntag: [Pakistan]\ncategroy: Pakistan\nautor: Me\n"
            "tags:\n- Pakistan\n  - Uzbekistan\n---\n\nText.\n"
        ),
        "articles/2025/07/c.md": "---\ntitle: C\ndate: 2025-07-20\ntags: [Pakistan\n  - Uzbekistan]\n---\n\nText.\n",
        "articles/2025/07/d.md": "---\ntitle: D\ndate: 2025-07-20\ntags: [Pakistan - Afghanistan Border]\n---\n\nT.\n",
    }
    code, out, _ = check(tmp_path, files)
    assert code == 1
    merged = (
        " `tags` has one item 'Pakistan - Uzbekistan': this `- Uzbekistan` line is read as part of the item above"
        " — put each `- ` item on its own line at the same indentation, or write `tags: [One, Two]`"
    )
    assert lines(out) == [
        f"{A}a.md:2: YAML syntax error: mapping values are not allowed in this context"
        ' — the value holds `: `; put it in quotes: title: "Gwadar: Port Opens to Traffic"',
        f"{A}b.md:4: unknown key `tag`: its value is not used — did you mean `tags`?",
        f"{A}b.md:5: unknown key `categroy`: its value is not used — did you mean `category`?",
        f"{A}b.md:6: unknown key `autor`: its value is not used — did you mean `author`?",
        f"{A}b.md:9:" + merged,
        f"{A}c.md:5:" + merged,
        "content: note: links in bodies were not checked, since some files could not be read"
        " — fix the errors, then check again",
    ]


def test_a_link_to_the_digest_page_a_scheduled_story_makes_is_a_warning(tmp_path):
    """Only a scheduled story is on 22 July: that day's digest page appears with it, as its day page does."""
    files = {
        "articles/2025/07/later.md": article("Budget vote", date="2025-07-22T09:00:00+05:00"),
        "articles/2025/07/a.md": article("Talks", body="See [the digest](/digest/2025/07/22/).\n"),
    }
    code, out, _ = check(tmp_path, files)
    assert code == 0 and "link to /digest/2025/07/22/" in out and "warning" in out
    files["articles/2025/07/a.md"] = article("Talks", body="See [the digest](/digest/2025/07/23/).\n")
    code, out, err = check(tmp_path / "other", files)
    assert code == 1 and "link to /digest/2025/07/23/: there is no such page" in out + err


def test_a_claim_that_lost_its_path_to_capitals_is_no_file_to_be_under(tmp_path):
    """/OLD.html loses to /old.html (capitals): the one error says so; /OLD.html/bar/ is not also
    said to need a folder where /OLD.html has a file, since /OLD.html is never written."""
    files = {
        "articles/2025/07/a.md": article("One", aliases=["/old.html"]),
        "articles/2025/07/b.md": article("Two", aliases=["/OLD.html"]),
        "articles/2025/07/c.md": article("Three", aliases=["/OLD.html/bar/"]),
    }
    code, out, err = check(tmp_path, files)
    assert code == 1 and "differs only in capitals" in out + err
    assert "needs a folder" not in out + err and "1 error(s)" in out + err
