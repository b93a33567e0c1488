"""Pages, stable pagination, period navigation and collisions (site_gen.plan)."""

import functools
import json
import re
from datetime import date, timedelta

import pytest

from site_gen import identities, parallel
from site_gen import plan as plan_module
from site_gen.collect import collect_site
from site_gen.plan import SHAPE_PARTS, Planner, plan_pages
from tests.conftest import NOW, make_article, make_config

_LIST = re.compile(r"^(?P<first>.*?)(?:page/(?P<number>\d+)/)?$")


def stories(count, **fields):
    """``count`` articles, one a day from 1 June 2025 (``S000`` the oldest)."""
    if fields:
        return [_story(n, **fields) for n in range(count)]
    return list(_plain_stories(count))


def _story(n, **fields):
    return make_article(f"S{n:03d}", (date(2025, 6, 1) + timedelta(days=n)).isoformat(), **fields)


@functools.cache
def _plain_stories(count):
    return tuple(_plain_stories(count - 1) + (_story(count - 1),)) if count else ()


def plan(articles, pages=(), **config):
    config.setdefault("per_page", 3)
    result, errors = plan_pages(collect_site(list(articles), list(pages), NOW), make_config(**config))
    assert errors == []
    return {page.path: page for page in result}


def list_pages(pages, first, template):
    """{number or None: card titles} of one list (the front page's lead story first)."""
    found = {}
    for path, page in pages.items():
        match = _LIST.match(path)
        if page.template == template and match["first"] == first:
            number = int(match["number"]) if match["number"] else None
            lead = [page.context["lead"]] if page.context.get("lead") else []
            found[number] = [card["title"] for card in lead + page.context["cards"]]
    return found


@pytest.mark.parametrize("per_page", [1, 2, 3, 10])
def test_stable_pagination_shape(per_page):
    for count in range(0, 4 * per_page + 3):
        pages = plan(stories(count), per_page=per_page)
        lists = list_pages(pages, "", "home.html")
        newest_first = [f"S{n:03d}" for n in reversed(range(count))]
        first = lists.pop(None)
        # The first page holds between per_page and 2 × per_page − 1 stories (all of them when fewer).
        assert len(first) == count if count < per_page else per_page <= len(first) <= 2 * per_page - 1
        # Older pages are numbered from the oldest: page 1 holds the very first stories; each is full.
        assert sorted(lists) == list(range(1, len(lists) + 1))
        oldest_first = newest_first[::-1]
        for number, titles in lists.items():
            assert titles == oldest_first[(number - 1) * per_page : number * per_page][::-1]
        # Every story is on exactly one page, newest first.
        assert first + [t for n in sorted(lists, reverse=True) for t in lists[n]] == newest_first


def test_pagination_links():
    pages = plan(stories(10), per_page=3)  # first page 4 stories, then pages 2 and 1
    nav = {path: page.context["pagination"] for path, page in pages.items() if page.template == "home.html"}
    assert nav[""] == {"number": None, "newer": None, "older": "/page/2/"}
    assert nav["page/2/"] == {"number": 2, "newer": "/", "older": "/page/1/"}
    assert nav["page/1/"] == {"number": 1, "newer": "/page/2/", "older": None}
    assert pages["page/1/"].context["page"]["title"] == "Test Bulletin — older stories, page 1"


def changed_paths(before, after):
    changed = {p for p in before.keys() & after.keys() if before[p].context != after[p].context}
    return changed, set(after) - set(before), set(before) - set(after)


@pytest.mark.parametrize("per_page", [1, 2, 3, 5])
def test_adding_a_story_changes_only_the_first_page_and_at_most_one_older_page(per_page):
    for count in range(0, 4 * per_page + 2):
        before = plan(stories(count), per_page=per_page)
        after = plan(stories(count + 1), per_page=per_page)
        lists_before = {p: v for p, v in before.items() if v.template == "home.html"}
        lists_after = {p: v for p, v in after.items() if v.template == "home.html"}
        changed, added, removed = changed_paths(lists_before, lists_after)
        assert removed == set()
        assert "" in changed
        assert len(changed - {""}) <= 1, (count, changed)
        assert len(added) <= 1


def test_publishing_a_story_leaves_unrelated_and_older_pages_unchanged():
    """Only the pages that show the new story (or link to it as a neighbour) change."""
    tags = ["Floods", "Trade", "Energy", "Border"]
    old = [
        make_article(
            f"S{n:03d}",
            f"2025-{6 + n // 20:02d}-{1 + n % 20:02d}",
            tags=[tags[n % 4], tags[(n + 1) % 4]],
            section=["Pakistan", "Business"][n % 2],
            author=["Sana Mir", "Ali Khan", "Staff"][n % 3],
        )
        for n in range(40)
    ]
    new = make_article("Fresh", "2025-07-25", tags=["Floods", "Trade"], section="Business", author="Staff")
    before = plan(old, per_page=3)
    after = plan([*old, new], per_page=3)
    changed, added, removed = changed_paths(before, after)
    assert removed == set()
    cards = {p for p in after if p.startswith("2025/07/25/fresh/share-")}  # its drawn share images
    assert len(cards) == 4
    assert added <= {"2025/07/25/fresh/", "2025/07/25/", "digest/2025/07/25/"} | cards | {
        p for p in after if "/page/" in p or p.startswith("page/")
    }
    previous_newest = "2025/07/20/s039/"
    allowed_lists = ["", "tags/floods/", "tags/trade/", "sections/business/", "authors/staff/"]
    for path in changed | added:
        if path in (previous_newest, "2025/", "2025/07/", "2025/07/20/", "tags/", "sections/", "authors/"):
            continue  # the neighbour's "newer" link; the story's year and month; the neighbouring day; counts
        if path in ("2025/07/25/fresh/", "2025/07/25/", "digest/2025/07/25/") or path in cards:
            continue  # its page, its day's and that day's digest, its share images
        if path in ("feed.xml", "rss.xml", "feed.json", "sitemap.xml", "news-sitemap.xml", "sw.js"):
            continue  # the site-wide feeds and sitemaps list every new story; the worker keeps the newest
        if path.endswith("/feed.xml"):
            assert path[: -len("feed.xml")] in allowed_lists, path
            continue
        first = _LIST.match(path)["first"]
        assert first in allowed_lists, path
    for first in allowed_lists:
        in_list = {p for p in changed | added if _LIST.match(p)["first"] == first and p != first}
        assert len(in_list - added) <= 1 and len(added & in_list) <= 1, (first, in_list)
    # Pages of the other tags and sections, and older article pages, are untouched.
    assert not {p for p in changed if p.startswith(("tags/energy/", "tags/border/", "sections/pakistan/"))}
    assert [p for p in changed if pages_template(after, p) == "article.html"] == [previous_newest]


def pages_template(pages, path):
    return pages[path].template


def test_term_pages_show_the_count_on_the_first_page_only():
    pages = plan(stories(8, tags=["Floods"]), per_page=3)
    assert pages["tags/floods/"].context["term"] == {
        "name": "Floods",
        "url": "/tags/floods/",
        "count": 8,
        "kind": "tag",
    }
    assert pages["tags/floods/page/1/"].context["term"]["count"] is None
    assert pages["tags/"].context["terms"] == [{"name": "Floods", "url": "/tags/floods/", "count": 8}]


def test_period_navigation_skips_empty_periods():
    articles = [
        make_article("Nov", "2024-11-05"),
        make_article("Dec", "2024-12-20"),
        make_article("Feb", "2025-02-01"),
        make_article("Feb 2", "2025-02-01 10:00"),
        make_article("Jul", "2025-07-20"),
    ]
    pages = plan(articles)

    def nav(path):
        context = pages[path].context
        return (
            context["older"] and context["older"]["url"],
            context["newer"] and context["newer"]["url"],
            context["period"]["label"],
        )

    assert nav("2025/") == ("/2024/", None, "2025")
    assert nav("2024/") == (None, "/2025/", "2024")
    assert nav("2025/02/") == ("/2024/12/", "/2025/07/", "February 2025")
    assert nav("2024/12/") == ("/2024/11/", "/2025/02/", "December 2024")
    assert nav("2025/02/01/") == ("/2024/12/20/", "/2025/07/20/", "1 February 2025")
    assert nav("2024/11/05/") == (None, "/2024/12/20/", "5 November 2024")
    assert pages["2025/"].context["children"] == [
        {"label": "February 2025", "url": "/2025/02/", "count": 2},
        {"label": "July 2025", "url": "/2025/07/", "count": 1},
    ]
    assert pages["2025/"].context["cards"] == []
    assert [c["title"] for c in pages["2025/02/"].context["cards"]] == ["Feb 2", "Feb"]
    assert [c["label"] for c in pages["2025/02/"].context["children"]] == ["1 February 2025"]
    assert [c["title"] for c in pages["2025/02/01/"].context["cards"]] == ["Feb 2", "Feb"]


def test_article_page_context():
    articles = [
        make_article("Old", "2025-07-01", tags=["Floods"]),
        make_article(
            "Main",
            "2025-07-02 09:00",
            updated="2025-07-03 10:00",
            tags=["Floods", "Sindh"],
            section="Pakistan",
            authors=["Sana Mir", "Ali Khan"],
            dateline="KARACHI",
            image={"src": "/images/flood.jpg", "alt": "Water", "caption": "Sukkur", "credit": "AFP"},
            corrections=[{"date": "2025-07-03", "text": "Fixed a name."}],
            lang="ur",
        ),
        make_article("New", "2025-07-04"),
    ]
    context = plan(articles, base_url="https://example.org/news/")["2025/07/02/main/"].context
    article = context["article"]
    # An Urdu story's dates in Urdu words, from CLDR (ur_PK).
    assert article["date"] == {"human": "2 جولائی، 2025 9:00 AM PKT", "iso": "2025-07-02T09:00:00+05:00"}
    assert article["updated"] == {"human": "3 جولائی، 2025 10:00 AM PKT", "iso": "2025-07-03T10:00:00+05:00"}
    assert article["authors"] == [
        {"name": "Sana Mir", "url": "/news/authors/sana-mir/"},
        {"name": "Ali Khan", "url": "/news/authors/ali-khan/"},
    ]
    assert article["section"] == {"name": "Pakistan", "url": "/news/sections/pakistan/"}
    assert [t["url"] for t in article["tags"]] == ["/news/tags/floods/", "/news/tags/sindh/"]
    assert article["image"] == {
        "src": "/news/images/flood.jpg",
        "alt": "Water",
        "caption": "Sukkur",
        "credit": "AFP",
        "width": None,  # not resized in this test: no image views were given
        "height": None,
        "srcset": "",
        "webp": "",
    }
    assert article["corrections"] == [
        {"date": {"human": "3 جولائی، 2025", "iso": "2025-07-03"}, "text": "Fixed a name."}
    ]
    assert (article["lang"], article["dir"], context["page"]["dir"]) == ("ur", "rtl", "rtl")
    assert context["page"]["canonical"] == "https://example.org/news/2025/07/02/main/"
    assert [c["title"] for c in context["related"]] == ["Old"]
    assert context["newer"]["title"] == "New"
    assert context["older"]["title"] == "Old"


def test_what_a_build_keeps_per_article_stays_small():
    """Memory at 100,000 articles: an article page makes its deps when asked and keeps none
    (a build asks once, for the fingerprint), and every card and article view naming one
    section shares one link to it instead of a dict each."""
    articles = [make_article(f"S{n}", f"2025-07-0{n + 1}", section="Pakistan", tags=["Floods"]) for n in range(3)]
    pages = plan(articles)
    page = pages["2025/07/02/s1/"]
    first, again = page.deps, page.deps
    assert first == again and first is not again
    newest, older = page.context["newer"], page.context["older"]
    assert newest["section"] == {"name": "Pakistan", "url": "/sections/pakistan/"}
    assert newest["section"] is older["section"] is page.context["article"]["section"]
    assert page.context["article"]["tags"][0] is pages["2025/07/03/s2/"].context["article"]["tags"][0]


def test_updated_not_after_date_is_not_shown():
    context = plan([make_article("A", "2025-07-02 09:00", updated="2025-07-02 09:00")])["2025/07/02/a/"].context
    assert context["article"]["updated"] is None


def test_absolute_image_src_is_kept():
    article = make_article("A", "2025-07-02", image="https://cdn.example.net/x.jpg")
    context = plan([article], base_url="https://example.org/news/")["2025/07/02/a/"].context
    assert context["article"]["image"]["src"] == "https://cdn.example.net/x.jpg"


def test_every_context_is_plain_data():
    articles = [
        *stories(7, tags=["A", "پاکستان"], section="S", author="X"),
        make_article("R", "2025-07-30", aliases=["/old/"]),
    ]
    pages = [make_article("About", None, kind="page", where="content/pages/about.md")]

    def plain(value):
        if isinstance(value, dict):
            return all(isinstance(k, str) and plain(v) for k, v in value.items())
        if isinstance(value, list):
            return all(plain(v) for v in value)
        return value is None or type(value) in (str, int, bool)

    planned = plan(articles, pages)
    for path, page in planned.items():
        assert plain(page.context), path
        json.dumps(page.context)
    kinds = {p.template for p in planned.values()}
    assert kinds == {
        "article.html",
        "page.html",
        "home.html",
        "terms.html",
        "term.html",
        "year.html",
        "month.html",
        "day.html",
        "digest_page.html",
        "404.html",
        "redirect.html",
        "feeds/atom.xml",
        "feeds/rss.xml",
        "feeds/feed.json",
        "sitemaps/urlset.xml",
        "sitemaps/robots.txt",  # no news sitemap: no clock, so no story in its window
        "search.html",
        "offline.html",
        "offline/sw.js",
        "(share card)",
    }
    assert planned["old/"].context["target"] == "https://example.org/2025/07/30/r/"
    assert planned["about/"].template == "page.html"
    assert "tags/پاکستان/" in planned


def collisions(articles, pages=()):
    _pages, errors = plan_pages(collect_site(list(articles), list(pages), NOW), make_config())
    return [str(e) for e in errors]


def test_two_articles_on_one_url():
    first = make_article("Same", "2025-07-20", where="content/articles/a.md")
    second = make_article("Same", "2025-07-20 18:00", where="content/articles/b.md")
    with_slug = make_article("Other", "2025-07-20", slug="same", where="content/articles/c.md")
    assert collisions([first, second, with_slug]) == [
        # b.md is the newest, so it comes first; the others are reported on their own file.
        "content/articles/a.md:2: this article is on the same URL as content/articles/b.md: /2025/07/20/same/"
        " — give one of them a different `slug:`",
        "content/articles/c.md:4: this article is on the same URL as content/articles/b.md: /2025/07/20/same/"
        " — give one of them a different `slug:`",
    ]


def test_alias_on_an_existing_url():
    target = make_article("Target", "2025-07-20", where="content/articles/a.md")
    mover = make_article("Mover", "2025-07-21", aliases=["/2025/07/20/target/"], where="content/articles/b.md")
    assert collisions([target, mover]) == [
        "content/articles/b.md:4: an alias is on the same URL as content/articles/a.md: /2025/07/20/target/"
        " — remove or change the alias"
    ]


def test_static_page_on_a_url_of_the_site():
    article = make_article("Story", "2025-07-20")
    page = make_article("Year", None, kind="page", where="content/pages/2025.md")
    assert collisions([article], [page]) == [
        "content/pages/2025.md:2: this page is on the same URL as the site's own page (year.html): /2025/"
        " — choose another `slug:`"
    ]


def _desk(n, **changes):
    """Story ``n`` of a small newsroom: tags, sections and authors that overlap."""
    fields = {
        "tags": [["Floods", "Sindh"], ["Floods"], ["Budget", "Sindh"], ["Cricket"]][n % 4],
        "section": ["Pakistan", "Business", "Sport"][n % 3],
        "authors": [["Amina Qureshi"], ["Bilal Khan", "Amina Qureshi"]][n % 2],
        "summary": f"Summary {n}.",
    }
    if n in _DESK_LANGS:  # the last stories of the desk: translations of earlier English ones
        lang, target = _DESK_LANGS[n]
        fields.update(lang=lang, translations={"en": target} if target else None)
        fields.update(title=f"خبر {n}", slug=f"khabar-{n}")
    fields.update(changes)
    if fields.get("translations") is None:
        fields.pop("translations", None)
    title = fields.pop("title", f"Story {n}")
    day = fields.pop("date", (date(2025, 5, 1) + timedelta(days=n // 2)).isoformat() + f" {8 + n % 2:02d}:00")
    body = fields.pop("body", f"Body of story {n}.\n")
    return make_article(title, day, where=f"content/articles/s{n}.md", body=body, **fields)


_DESK_LANGS = {10: ("ur", "story-4"), 11: ("ur", None), 12: ("ps", "story-3")}
_DESK_CONFIG = {
    "per_page": 2,
    "languages": [{"code": "en"}, {"code": "ur", "direction": "rtl"}, {"code": "ps", "direction": "rtl"}],
}
_DESK = [_desk(n) for n in range(14)]
_EDITS = {
    "body": lambda s: s[:5] + [_desk(5, body="A new paragraph.\n")] + s[6:],
    "longer body": lambda s: s[:5] + [_desk(5, body="Many more words. " * 400 + "\n\n## A subheading\n")] + s[6:],
    "title": lambda s: s[:5] + [_desk(5, title="Retitled")] + s[6:],
    "summary": lambda s: s[:5] + [_desk(5, summary="Another summary.")] + s[6:],
    "title, same slug": lambda s: s[:5] + [_desk(5, title="Retitled", slug="story-5")] + s[6:],
    "tags": lambda s: s[:5] + [_desk(5, tags=["Cricket", "Heat"])] + s[6:],
    "tag spelling that names the term": lambda s: [_desk(n, tags=["FLOODS"]) if n < 9 else x for n, x in enumerate(s)],
    "section": lambda s: s[:5] + [_desk(5, section="Business")] + s[6:],
    "author": lambda s: s[:5] + [_desk(5, authors=["Zarina Aliyeva"])] + s[6:],
    "date": lambda s: s[:5] + [_desk(5, date="2025-05-06 07:00")] + s[6:],
    "updated": lambda s: s[:5] + [_desk(5, updated="2025-06-01 10:00")] + s[6:],
    "added": lambda s: [*s, _desk(14)],
    "deleted": lambda s: s[:5] + s[6:],
    "draft": lambda s: s[:5] + [_desk(5, draft=True)] + s[6:],
    "translation body": lambda s: s[:10] + [_desk(10, body="نیا متن۔\n")] + s[11:],
    "translation title": lambda s: s[:10] + [_desk(10, title="نئی سرخی")] + s[11:],
    "link a translation": lambda s: s[:11] + [_desk(11, translations={"en": "story-6"})] + s[12:],
    "unlink a translation": lambda s: s[:10] + [_desk(10, translations=None)] + s[11:],
    "translated story drafted": lambda s: s[:12] + [_desk(12, draft=True)] + s[13:],
}


@pytest.mark.parametrize("edit", _EDITS)
def test_a_page_made_on_demand_changes_only_when_its_deps_change(edit):
    """``Page.deps`` decides a made context: a build skips a page whose deps did not change."""
    before = plan(_DESK, **_DESK_CONFIG)
    after = plan(_EDITS[edit](list(_DESK)), **_DESK_CONFIG)
    made = [path for path, page in after.items() if page.deps is not None]
    drawn = [path for path, page in after.items() if page.template == "(share card)"]  # small given contexts
    assert len(made) > (len(after) - len(drawn)) / 2  # articles, lists, archives and feeds are made on demand
    changed = 0
    for path in before.keys() & after.keys():
        old, new = before[path], after[path]
        if old.deps is not None and old.deps == new.deps:
            assert old.context == new.context, f"/{path}: same deps, different context"
        elif old.context != new.context:
            changed += 1
    assert changed > 0


@pytest.mark.parametrize("edit", _EDITS)
def test_the_pages_that_read_what_an_edit_changed_are_all_that_change(edit):
    """What a rebuild plans when the site keeps its arrangement: the pages whose recorded reads
    hold an identity the edit changed (:func:`identities.changed`). Every page whose context
    changes is among them, and each is planned as a full plan plans it; a story that moved
    to a new URL (a new title) changes the sitemaps too. An edit that changes the arrangement,
    adds or removes an article, is said to (None): the site is then arranged again."""
    edited = _EDITS[edit](list(_DESK))
    names = identities.changed({a.source: a for a in _DESK}, {a.source: a for a in edited})
    if edit not in (
        "body",
        "longer body",
        "title",
        "summary",
        "title, same slug",
        "translation body",
        "translation title",
    ):
        assert names is None
        return
    config = make_config(**_DESK_CONFIG)
    before = plan(_DESK, **_DESK_CONFIG)
    after = plan(edited, **_DESK_CONFIG)
    if edit == "title":  # the story's pages (its own, its share cards) move to its new folder
        was, now = "2025/05/03/story-5/", "2025/05/03/retitled/"
        assert before.keys() - after.keys() and all(p.startswith(was) for p in before.keys() - after.keys())
        assert {p.replace(was, now) for p in before.keys() - after.keys()} == after.keys() - before.keys()
    else:
        assert before.keys() == after.keys()
    changed = {path for path in after if path not in before or before[path].context != after[path].context}
    sitemaps = {path for path in changed if path.startswith("sitemap")} if edit == "title" else set()
    readers = {page.key for page in before.values() if not names.isdisjoint(page.reads)}
    planned = {page.path: page for page in Planner(collect_site(edited, [], NOW), config).pages_for(readers)}
    assert changed - sitemaps and changed - sitemaps <= planned.keys(), changed - sitemaps - planned.keys()
    for path, page in planned.items():
        assert page.template == after[path].template
        assert page.context == after[path].context, path
    if edit in ("body", "longer body"):  # the card is as it was: its own page (with its share cards) and the feeds
        assert names == {identities.whole("content/articles/s5.md")}
        own = {p for p in planned if not p.endswith((".xml", ".json", ".js"))}
        assert "2025/05/03/story-5/" in own and all(p.startswith("2025/05/03/story-5/") for p in own), own


@pytest.mark.parametrize(
    "new",
    [
        {},
        {"tags": ["Locusts"], "section": "Weather"},
        {"authors": ["Zarina Aliyeva"], "lang": "ur"},
        {"date": "2025-08-01 07:00"},
    ],
    ids=["same terms", "new tag and section", "new author, other language", "new month"],
)
@pytest.mark.parametrize("count", [1, 3])
def test_the_pages_a_new_story_changes_are_those_whose_shape_changed(new, count, monkeypatch):
    """A new newest story arranges the site again: every page whose context changes is new or
    has another shape (:meth:`Planner.shapes`), or is one of its redirects, the news sitemap or
    the sitemaps; and each is planned as a full plan plans it. The shapes compared half by
    half, one half in a forked child, give the same pages."""
    config = make_config(per_page=2)
    added = [_desk(20 + n, **{"date": f"2025-07-{20 + n} 10:00", **new}) for n in range(count)]
    before_site, after_site = collect_site(list(_DESK), [], NOW), collect_site([*_DESK, *added], [], NOW)
    moved, gone = identities.dirty(Planner(before_site, config).shapes(), Planner(after_site, config).shapes())
    assert not gone
    halves = [Planner(after_site, config).shapes(part) for part in SHAPE_PARTS]
    assert (
        not halves[0].keys() & halves[1].keys() and {**halves[0], **halves[1]} == Planner(after_site, config).shapes()
    )
    forks = []
    real_fork = parallel.os.fork
    monkeypatch.setattr(parallel, "SPLIT_SHAPES_MIN", 0)
    monkeypatch.setattr(parallel.os, "fork", lambda: forks.append(1) or real_fork())
    for fork in (True, False):
        assert identities.dirty_between(Planner(before_site, config), Planner(after_site, config), fork) == (
            moved,
            gone,
        )
    assert forks == [1]
    before, after = plan(_DESK, per_page=2), plan([*_DESK, *added], per_page=2)
    changed = {path for path in after if path not in before or before[path].context != after[path].context}
    keys = moved | {f"r {a.source}" for a in added} | {"n", "m"}
    planned = {page.path: page for page in Planner(after_site, config).pages_for(keys)}
    sitemaps = {path for path in changed if path.startswith("sitemap") or path == "news-sitemap.xml"}
    assert changed - sitemaps <= planned.keys(), sorted(changed - sitemaps - planned.keys())
    for path, page in planned.items():
        assert page.context == after[path].context, path
    assert len(planned) < len(after) * 3 / 4  # not every page: most lists keep their older pages


@pytest.mark.parametrize(
    "before, after, by_rows",
    [
        (_DESK, [*_DESK, _desk(20, date="2025-07-20 10:00")], True),
        (_DESK, [*_DESK, _desk(20, date="2025-07-20 10:00"), _desk(21, date="2025-07-21 10:00")], True),
        (_DESK, [*_DESK[:5], _desk(5, tags=["Locusts"]), *_DESK[6:]], True),
        (_DESK, [*_DESK[:5], _desk(5, authors=["Zarina Aliyeva"]), *_DESK[6:]], True),
        (_DESK, [*_DESK, _desk(20, date="2025-04-20 10:00")], False),
        ([*_DESK, _desk(20, date="2025-07-20 10:00")], _DESK, False),
        (_DESK, [*_DESK[:3], *_DESK[4:]], False),
    ],
    ids=[
        "new story",
        "two new stories",
        "retagged",
        "another author",
        "backdated story",
        "story gone",
        "older story gone",
    ],
)
def test_the_article_shapes_compared_row_by_row_are_those_compared_by_key(before, after, by_rows, monkeypatch):
    """:func:`identities.dirty_articles` gives what :func:`identities.dirty` gives of the
    first half of the shapes: row by row when the site after holds the site before with
    stories in front, by key otherwise."""
    config = make_config(per_page=2)
    old, new = Planner(collect_site(before, [], NOW), config), Planner(collect_site(after, [], NOW), config)
    expected = identities.dirty(old.shapes(SHAPE_PARTS[0]), new.shapes(SHAPE_PARTS[0]))
    assert expected[0] or expected[1]
    by_key = []
    real = plan_module.article_shapes_by_key
    monkeypatch.setattr(plan_module, "article_shapes_by_key", lambda *a: by_key.append(1) or real(*a))
    assert identities.dirty_articles(old, new) == expected
    assert bool(by_key) is not by_rows


def test_pages_read_one_identity_string_per_source():
    """However many pages read an article's card or its whole, they hold one string for it
    (a large site's pages hold hundreds of thousands of reads)."""
    config = make_config(per_page=2)
    articles = [
        make_article(f"Story {n}", f"2025-07-{10 + n:02d}", where=f"content/articles/s{n}.md") for n in range(6)
    ]
    pages, _errors = plan_pages(collect_site(articles, [], NOW), config)
    reads = [name for page in pages for name in page.reads]
    by_text: dict[str, set[int]] = {}
    for name in reads:
        by_text.setdefault(name, set()).add(id(name))
    assert len(reads) > len(by_text) and all(len(ids) == 1 for ids in by_text.values())
