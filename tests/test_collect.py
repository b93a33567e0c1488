"""Publishing, order, taxonomies, archives and related coverage (site_gen.collect)."""

import dataclasses
import random

import pytest

from site_gen.collect import RELATED_COUNT, RELATED_WINDOW, _related, collect_site
from site_gen.urls import term_slug
from tests.conftest import NOW, make_article


def titles(site, indexes=None):
    chosen = site.articles if indexes is None else [site.articles[i] for i in indexes]
    return [a.title for a in chosen]


def test_drafts_and_scheduled_are_held_back_with_counts():
    articles = [
        make_article("Published", "2025-07-20"),
        make_article("Draft one", "2025-07-19", draft=True),
        make_article("Draft two", "2025-07-18", draft=True),
        make_article("Tomorrow", "2025-08-02"),
        make_article("Later today", "2025-08-01T12:00:01+05:00"),
        make_article("Exactly now", "2025-08-01T07:00:00Z"),  # = NOW: published
    ]
    site = collect_site(articles, [], NOW)
    assert titles(site) == ["Exactly now", "Published"]
    assert site.held_back == {"drafts": 2, "scheduled": 2}

    with_drafts = collect_site(articles, [], NOW, drafts=True)
    assert titles(with_drafts) == ["Exactly now", "Published", "Draft one", "Draft two"]
    assert with_drafts.held_back == {"drafts": 0, "scheduled": 2}

    everything = collect_site(articles, [], NOW, drafts=True, future=True)
    assert len(everything.articles) == 6
    assert everything.held_back == {"drafts": 0, "scheduled": 0}


def test_a_scheduled_draft_counts_once_as_draft():
    site = collect_site([make_article("Both", "2030-01-01", draft=True)], [], NOW)
    assert site.held_back == {"drafts": 1, "scheduled": 0}


def test_draft_pages_are_held_back_and_pages_sorted_by_slug():
    pages = [
        make_article("Contact", None, kind="page", where="content/pages/contact.md"),
        make_article("About", None, kind="page", where="content/pages/about.md"),
        make_article("Jobs", None, kind="page", draft=True, where="content/pages/jobs.md"),
    ]
    site = collect_site([], pages, NOW)
    assert [p.slug for p in site.pages] == ["about", "contact"]
    assert site.held_back["drafts"] == 1
    assert [p.slug for p in collect_site([], pages, NOW, drafts=True).pages] == ["about", "contact", "jobs"]


def test_order_is_newest_first_then_slug_whatever_the_input_order():
    articles = [
        make_article("Bravo", "2025-07-20 10:00"),
        make_article("Alpha", "2025-07-20 10:00"),
        make_article("Charlie", "2025-07-20T05:00:00Z"),  # 10:00 in Karachi too
        make_article("Older", "2025-07-19 23:59"),
        make_article("Newest", "2025-07-21"),
        make_article("Bare date", "2025-07-20"),  # midnight: before the 10:00 stories
    ]
    expected = ["Newest", "Alpha", "Bravo", "Charlie", "Bare date", "Older"]
    for seed in range(5):
        shuffled = articles[:]
        random.Random(seed).shuffle(shuffled)
        assert titles(collect_site(shuffled, [], NOW)) == expected


def test_terms_merge_by_slug_under_the_most_used_spelling():
    articles = [
        make_article("A", "2025-07-01", tags=["CPEC", "Trade"]),
        make_article("B", "2025-07-02", tags="cpec, trade"),
        make_article("C", "2025-07-03", tags=["CPEC"]),
        make_article("D", "2025-07-04", tags=["Gwadar Port"]),
        make_article("E", "2025-07-05", tags=["gwadar-port"]),
    ]
    site = collect_site(articles, [], NOW)
    by_slug = {t.slug: t for t in site.tags}
    assert sorted(by_slug) == ["cpec", "gwadar-port", "trade"]
    assert by_slug["cpec"].name == "CPEC"  # 2 × "CPEC", 1 × "cpec"
    assert titles(site, by_slug["cpec"].articles) == ["C", "B", "A"]  # newest first
    assert by_slug["trade"].name == "Trade"  # a tie: the first in code-point order ("T" < "t")
    assert by_slug["gwadar-port"].name == "Gwadar Port"
    assert by_slug["cpec"].path == "tags/cpec/"
    # Each article links to the merged terms, in the order it lists its tags.
    b = titles(site).index("B")
    assert [t.name for t in site.article_terms[b]["tag"]] == ["CPEC", "Trade"]


def test_terms_are_sorted_by_name():
    articles = [make_article("A", "2025-07-01", tags=["beta", "Alpha", "پاکستان", "Gamma"])]
    assert [t.name for t in collect_site(articles, [], NOW).tags] == ["Alpha", "beta", "Gamma", "پاکستان"]


def test_sections_and_authors():
    articles = [
        make_article("A", "2025-07-01", section="Business", authors=["Sana Mir", "Ali Khan"]),
        make_article("B", "2025-07-02", category="business", author="Ali Khan"),
        make_article("C", "2025-07-03"),
    ]
    site = collect_site(articles, [], NOW)
    assert [(t.kind, t.name, t.path, titles(site, t.articles)) for t in site.sections] == [
        ("section", "Business", "sections/business/", ["B", "A"])
    ]
    assert [(t.name, titles(site, t.articles)) for t in site.authors] == [("Ali Khan", ["B", "A"]), ("Sana Mir", ["A"])]
    a = titles(site).index("A")
    assert [t.name for t in site.article_terms[a]["author"]] == ["Sana Mir", "Ali Khan"]  # byline order
    assert site.article_terms[titles(site).index("C")] == {"tag": (), "section": (), "author": ()}


def test_archives_in_the_site_time_zone():
    articles = [
        make_article("Late UTC", "2024-12-31T20:00:00Z"),  # 1 January 2025, 01:00 in Karachi
        make_article("New year", "2025-01-01 09:00"),
        make_article("July", "2025-07-20"),
        make_article("Old", "2024-11-05"),
    ]
    site = collect_site(articles, [], NOW)
    assert [(p.year, p.path, titles(site, p.articles)) for p in site.years] == [
        (2025, "2025/", ["July", "New year", "Late UTC"]),
        (2024, "2024/", ["Old"]),
    ]
    assert [p.path for p in site.months] == ["2025/07/", "2025/01/", "2024/11/"]
    assert [(p.path, len(p.articles)) for p in site.days] == [
        ("2025/07/20/", 1),
        ("2025/01/01/", 2),
        ("2024/11/05/", 1),
    ]
    assert site.articles[titles(site).index("Late UTC")].path == "2025/01/01/late-utc/"


def test_related_are_only_earlier_articles_most_shared_tags_then_most_recent():
    articles = [
        make_article("Oldest two shared", "2025-07-01", tags=["A", "B"]),
        make_article("One shared", "2025-07-02", tags=["A"]),
        make_article("Other tag", "2025-07-03", tags=["C"]),
        make_article("Two shared", "2025-07-04", tags=["A", "B", "C"]),
        make_article("Subject", "2025-07-05", tags=["A", "B"]),
        make_article("Newer shared", "2025-07-06", tags=["A", "B"]),
    ]
    site = collect_site(articles, [], NOW)
    subject = titles(site).index("Subject")
    assert titles(site, site.related[subject]) == ["Two shared", "Oldest two shared", "One shared"]
    assert titles(site, site.related[titles(site).index("Oldest two shared")]) == []
    assert titles(site, site.related[titles(site).index("Other tag")]) == []
    newest = titles(site).index("Newer shared")
    assert titles(site, site.related[newest])[:2] == ["Subject", "Two shared"]


def test_related_is_capped_and_unchanged_by_newer_articles():
    older = [make_article(f"Story {n}", f"2025-07-{n:02d}", tags=["Floods"]) for n in range(1, 10)]
    site = collect_site(older, [], NOW)
    first = {a.title: titles(site, site.related[i]) for i, a in enumerate(site.articles)}
    assert first["Story 9"] == ["Story 8", "Story 7", "Story 6", "Story 5"]
    assert all(len(r) <= RELATED_COUNT for r in first.values())

    grown = collect_site([*older, make_article("Story 10", "2025-07-10", tags=["Floods"])], [], NOW)
    again = {a.title: titles(grown, grown.related[i]) for i, a in enumerate(grown.articles)}
    assert {k: v for k, v in again.items() if k != "Story 10"} == first


def test_two_spellings_of_one_tag_count_once_for_related():
    articles = [
        make_article("Only foo", "2025-07-01", tags=["Foo Bar"]),
        make_article("Only baz", "2025-07-02", tags=["Baz"]),
        make_article("Subject", "2025-07-03", tags=["Foo Bar", "foo-bar", "Baz"]),
    ]
    site = collect_site(articles, [], NOW)
    # One shared tag each: the more recent comes first.
    assert titles(site, site.related[0]) == ["Only baz", "Only foo"]


# -- related coverage: the fast algorithm against the plain one ---------------
def _related_reference(articles, tags, window, count):
    """The plain algorithm (count every candidate of every window, sort them all): the definition."""
    from bisect import bisect_right
    from collections import Counter

    from site_gen import urls

    by_slug = {t.slug: t.articles for t in tags}
    result = []
    for index, article in enumerate(articles):
        counts: Counter = Counter()
        for slug in dict.fromkeys(urls.term_slug(name) for name in article.tags):
            members = by_slug.get(slug, ())
            start = bisect_right(members, index)
            counts.update(members[start : start + window])
        best = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:count]
        result.append(tuple(i for i, _ in best))
    return tuple(result)


@pytest.fixture(scope="module")
def many_tagged():
    """600 articles, 0–6 tags each from 12 (uneven use, spelling variants, an untaggable name), many on one day."""
    rng = random.Random(7)
    base = make_article("Base", "2025-01-01", tags=["X"])
    names = [f"Tag {n}" for n in range(12)]
    articles = []
    for n in range(600):
        pool = names[: rng.choice([3, 5, 12])]
        chosen = rng.sample(pool, rng.randint(0, min(5, len(pool))))
        if chosen and rng.random() < 0.1:
            chosen.append(chosen[0].upper().replace(" ", "-"))  # one tag written twice
        if rng.random() < 0.05:
            chosen.append("!!!")  # no slug: not a tag
        day = 1 + n // 40 if rng.random() < 0.7 else 1  # ties of date: order by slug
        articles.append(
            dataclasses.replace(
                base,
                title=f"Story {n}",
                slug=f"story-{n}",
                source=f"content/articles/{n}.md",
                tags=tuple(chosen),
                date=dataclasses.replace(base.date, at=base.date.at.replace(day=day, hour=rng.randint(0, 1))),
            )
        )
    return collect_site(articles, [], NOW)


def test_related_equals_the_plain_algorithm(many_tagged):
    site = many_tagged
    assert site.related == _related_reference(site.articles, site.tags, RELATED_WINDOW, RELATED_COUNT)
    assert sum(1 for r in site.related if len(r) == RELATED_COUNT) > 400
    # Sharing more tags beats being more recent for some articles, not for others.
    assert any(r != tuple(sorted(r)) for r in site.related)
    assert any(len(r) > 1 and r == tuple(sorted(r)) for r in site.related)


@pytest.mark.parametrize(("window", "count"), [(1, 4), (2, 1), (3, 4), (5, 3), (8, 6), (30, 10)])
def test_related_equals_the_plain_algorithm_at_window_edges(many_tagged, window, count):
    site = many_tagged
    expected = _related_reference(site.articles, site.tags, window, count)
    assert _related(site.articles, site.tags, window, count) == expected


@pytest.mark.parametrize("seed", range(30))
def test_insert_newest_arranges_new_stories_as_collect_site_does(seed):
    """The new-stories rebuild (rebuild.load_changes) arranges the last build's site and the
    stories newer than all of it with collect.insert_newest, not collect_site, so as not to
    read every article again: whenever it accepts, its site is collect_site's."""
    from site_gen.collect import insert_newest

    rng = random.Random(seed)
    tags = ["Pakistan", "pakistan", "Kabul", "Trade", "Energy", "Water", "CPEC"]
    articles = []
    for n in range(rng.randint(0, 25)):
        day = f"2025-{rng.randint(6, 7):02d}-{rng.randint(1, 28):02d}"
        fields = {"tags": rng.sample(tags, rng.randint(0, 3)), "lang": rng.choice(["en", "en", "ur"])}
        if rng.random() < 0.7:
            fields["section"] = rng.choice(["Security", "Business", "business"])
        if rng.random() < 0.5:
            fields["authors"] = rng.sample(["Staff Reporter", "A. Khan", "B. Noori"], rng.randint(1, 2))
        if rng.random() < 0.3:
            fields["updated"] = f"{day} {rng.randint(12, 23)}:00"
        when = f"{day} {rng.randint(0, 11):02d}:{rng.randint(0, 59):02d}"
        articles.append(make_article(f"Story {n}", when, where=f"content/articles/s{n}.md", **fields))
    new = [
        make_article(
            f"New {n}",
            f"2025-07-3{n % 2} 0{n}:00",
            where=f"content/articles/new{n}.md",
            tags=rng.sample(tags, rng.randint(0, 3)),
            **({"section": rng.choice(["Security", "Sport"])} if rng.random() < 0.7 else {}),
        )
        for n in range(rng.randint(1, 3))
    ]
    old = collect_site(articles, [], NOW)
    inserted = insert_newest(old, new)
    whole = collect_site([*articles, *new], [], NOW)
    names: dict[tuple[str, str], set[str]] = {}
    for t in (*old.tags, *old.sections, *old.authors):
        names[(t.kind, t.slug)] = {t.name}
    for a in new:
        for kind, given in (("tag", a.tags), ("section", (a.section,) if a.section else ()), ("author", a.authors)):
            for name in given:
                names.setdefault((kind, term_slug(name)), set()).add(name)
    respelled = any(len(spellings) > 1 for spellings in names.values())
    # It declines exactly when a new story spells a term another way (the most used spelling names it).
    assert (inserted is None) == respelled
    if inserted is not None:
        assert inserted == whole
