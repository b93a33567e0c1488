"""URL, slug and output-path rules (site_gen.urls)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from site_gen import urls


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Pakistan’s Budget: 5% More", "pakistans-budget-5-more"),
        ("Pakistan's budget", "pakistans-budget"),
        ("Don’t Panic", "dont-panic"),
        ("  Spaces   around  ", "spaces-around"),
        ("Budget 2025-26 raises spending", "budget-2025-26-raises-spending"),
        ("Ürümqi café reopens", "urumqi-cafe-reopens"),
        ("Herat -- Kabul — Kandahar", "herat-kabul-kandahar"),
        ("UPPER case", "upper-case"),
        ("!!!", ""),
        ("پاکستان اور افغانستان", ""),
        ("CPEC: نیا منصوبہ", "cpec"),
    ],
)
def test_slugify(title, slug):
    assert urls.slugify(title) == slug


def test_slugify_long_title_cuts_at_a_word_boundary_within_80_characters():
    title = " ".join(["reconstruction"] * 12)  # 12 × 14 letters + hyphens = 179 characters
    slug = urls.slugify(title)
    assert len(slug) <= urls.MAX_SLUG_LENGTH
    assert slug == "-".join(["reconstruction"] * 5)  # 74 characters; a sixth word would pass 80
    assert urls.is_valid_slug(slug)


def test_slugify_keeps_the_last_word_when_the_cut_falls_on_a_boundary():
    words = ["abcd"] * 15 + ["abcde", "xyz"]  # the first 16 words are exactly 80 characters
    assert urls.slugify(" ".join(words)) == "-".join(words[:-1])
    assert len(urls.slugify(" ".join(words))) == 80


def test_slugify_one_very_long_word_is_cut_at_80():
    assert urls.slugify("a" * 100) == "a" * 80


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Pakistan", "pakistan"),
        ("Central Asia", "central-asia"),
        ("Imran Khan’s PTI", "imran-khans-pti"),
        ("پاکستان", "پاکستان"),
        ("خیبر پختونخوا", "خیبر-پختونخوا"),
        ("پاکِستان", "پاکِستان"),  # a combining mark (zer) does not split the word
        ("CPEC منصوبہ", "cpec-منصوبہ"),  # mixed script: the Urdu word is not dropped
        ("हिंदी समाचार", "हिंदी-समाचार"),
        ("!!!", ""),
    ],
)
def test_term_slug(name, slug):
    assert urls.term_slug(name) == slug


def test_term_slug_mixed_script_does_not_share_the_url_of_its_latin_part():
    assert urls.term_slug("CPEC منصوبہ") != urls.term_slug("CPEC")


def test_term_slug_of_long_urdu_name_is_at_most_80_characters():
    slug = urls.term_slug("پاکستان " * 30)
    assert len(slug) <= 80
    assert not slug.endswith("-")


@pytest.mark.parametrize(
    ("slug", "valid"),
    [
        ("budget-2025-26", True),
        ("a", True),
        ("Budget", True),
        ("two--hyphens", True),
        ("under_score", True),
        ("v2.1", True),
        ("پاکستان", True),
        ("پاکِستان-اور-افغانستان", True),
        ("a" * 81, True),  # issue 19: the archive's 81-character slugs
        ("a" * 200, True),
        ("a" * 201, False),
        ("../etc", False),
        (".hidden", False),
        ("a b", False),
        ("x?y", False),
    ],
)
def test_is_valid_slug(slug, valid):
    assert urls.is_valid_slug(slug) is valid


@pytest.mark.parametrize(
    ("slug", "message", "hint"),
    [
        ("a" * 201, "slug 'aaaaaaaaaaaaaaaaaaaaaaaa…' is 201 characters long; the limit is 200", "shorten it"),
        (
            "پ" * 120,
            "slug '" + "پ" * 24 + "…' is 240 bytes in UTF-8 (120 characters) long; the limit is 200",
            "shorten",
        ),
        (
            "Not A Slug",
            "slug 'Not A Slug' may not contain a space: a URL or file name cannot carry it",
            "e.g. not-a-slug",
        ),
        ("x?y#z", "slug 'x?y#z' may not contain '#', '?': a URL or file name cannot carry them", "e.g. x-y-z"),
        ("../etc", "slug '../etc' may not contain '/':", "e.g. etc"),
        ("tab\there", "may not contain U+0009 (a control character):", ""),
        (".hidden", "slug '.hidden' begins with '.', which hosts hide", "remove the leading dot"),
    ],
)
def test_slug_problem_says_exactly_why(slug, message, hint):
    said, told = urls.slug_problem(slug)
    assert message in said, said
    assert hint in told


@pytest.mark.parametrize(
    ("path", "safe"),
    [
        ("", True),
        ("2025/07/20/slug/", True),
        ("tags/پاکستان/", True),
        ("404.html", True),
        ("css/site.css", True),
        ("../outside", False),
        ("a/../../b", False),
        ("a/./b", False),
        ("..", False),
        ("/etc/passwd", False),
        ("\\windows", False),
        ("a\\b", False),
        ("C:/x", False),
        ("a\x00b", False),
        ("a\nb", False),
        ("a\x7fb", False),
    ],
)
def test_is_safe_path(path, safe):
    assert urls.is_safe_path(path) is safe


def test_paths_of_every_page_kind():
    from datetime import datetime

    assert urls.article_path(datetime(2025, 7, 5, 23, 30), "x") == "2025/07/05/x/"
    assert urls.page_path("about") == "about/"
    assert urls.term_path("tag", "cpec") == "tags/cpec/"
    assert urls.term_path("section", "business") == "sections/business/"
    assert urls.term_path("author", "staff") == "authors/staff/"
    assert urls.taxonomy_index_path("tag") == "tags/"
    assert urls.archive_path(2025) == "2025/"
    assert urls.archive_path(2025, 7) == "2025/07/"
    assert urls.archive_path(2025, 7, 5) == "2025/07/05/"
    assert urls.paged_path("", None) == ""
    assert urls.paged_path("", 2) == "page/2/"
    assert urls.paged_path("tags/x/", 3) == "tags/x/page/3/"


@pytest.mark.parametrize(
    ("path", "file"),
    [("", "index.html"), ("about/", "about/index.html"), ("404.html", "404.html"), ("feed.xml", "feed.xml")],
)
def test_output_file(path, file):
    assert urls.output_file(path) == file


@pytest.mark.parametrize(
    ("base", "path", "link"),
    [
        ("/", "", "/"),
        ("/", "2025/07/20/slug/", "/2025/07/20/slug/"),
        ("/news/", "", "/news/"),
        ("/news/", "tags/cpec/", "/news/tags/cpec/"),
        ("/", "tags/پاکستان/", "/tags/%D9%BE%D8%A7%DA%A9%D8%B3%D8%AA%D8%A7%D9%86/"),
        ("/news/", "tags/a b/", "/news/tags/a%20b/"),
        ("/", "tags/a?b#c/", "/tags/a%3Fb%23c/"),
        ("/", "css/site.css", "/css/site.css"),
    ],
)
def test_href(base, path, link):
    assert urls.href(base, path) == link


def test_absolute():
    assert urls.absolute("https://example.org/news/", "tags/x/") == "https://example.org/news/tags/x/"
    assert urls.absolute("https://example.org/", "") == "https://example.org/"
    assert urls.absolute("https://example.org/", "tags/ü/") == "https://example.org/tags/%C3%BC/"


@settings(max_examples=400, deadline=None)
@given(url=st.text(max_size=40), title=st.text(max_size=40))
def test_share_links_quote_like_urllib(url, title):
    from urllib.parse import quote, quote_plus

    expected = {
        "WhatsApp": f"https://wa.me/?text={quote_plus(f'{title} {url}')}",
        "Facebook": f"https://www.facebook.com/sharer/sharer.php?u={quote_plus(url)}",
        "X": f"https://x.com/intent/post?url={quote_plus(url)}&text={quote_plus(title)}",
        "Telegram": f"https://t.me/share/url?url={quote_plus(url)}&text={quote_plus(title)}",
        "Email": f"mailto:?subject={quote(title, safe='')}&body={quote(url, safe='')}",
    }
    assert {link["name"]: link["url"] for link in urls.share_links(url, title)} == expected


def test_a_long_editor_slug_builds_and_a_too_long_one_says_its_length(tmp_path):
    from tests._site import NOW_ARG, article, make_site, run_cli

    long_slug = "pakistan-afghanistan-pledge-to-strengthen-anti-terrorism-cooperation-at-torkham-x"  # 82
    root = make_site(
        tmp_path,
        {
            "articles/a.md": article("A", slug=long_slug),
            "articles/b.md": article("B", slug="b" * 201),
        },
    )
    code, _, err = run_cli(root, "build", "--now", NOW_ARG, "-q")
    assert code == 1
    assert err.splitlines()[0] == (
        "content/articles/b.md:4: slug 'bbbbbbbbbbbbbbbbbbbbbbbb…' is 201 characters long; the limit is 200"
        " — shorten it: the slug is a folder name and a link people share"
    )
    assert long_slug not in err
    (root / "content/articles/b.md").unlink()
    assert run_cli(root, "build", "--now", NOW_ARG, "-q")[0] == 0
    assert (root / f"build/2025/07/20/{long_slug}/index.html").is_file()


def test_output_clashes_names_each_kind_in_claim_order():
    from site_gen.urls import CASE, OVER, SAME, UNDER, Clash, TakenPaths, output_clashes

    paths = ["a/index.html", "feed.xml", "A/index.html", "a/index.html", "feed.xml/index.html", "x/y/z"]
    assert output_clashes(paths) == [
        Clash(2, 0, CASE, "a/index.html"),
        Clash(3, 0, SAME, "a/index.html"),  # the first claim owns the path, whatever came between
        Clash(4, 1, UNDER, "feed.xml"),
    ]
    assert output_clashes(paths, fold=False) == [Clash(3, 0, SAME, "a/index.html"), Clash(4, 1, UNDER, "feed.xml")]
    # Files already in the output: a claim of one rewrites it; the others are checked against them.
    taken = TakenPaths({"x/y", "b/index.html", "feed.xml"})
    assert output_clashes(["x/y/z", "B/index.html", "feed.xml", "b"], taken) == [
        Clash(1, -1, CASE, ""),
        Clash(0, -1, UNDER, "x/y"),
        Clash(3, -1, OVER, ""),
    ]
    assert output_clashes(["Ö/index.html"], TakenPaths({"ö/index.html"})) == [Clash(0, -1, CASE, "")]
