"""Arrange loaded articles into a :class:`~site_gen.model.Site`; pure.

Decides what is published (drafts and scheduled articles held back), the
order of articles (newest first, then slug), tags, sections, authors, date
archives and related coverage.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from datetime import datetime

from . import urls
from .model import Article, Period, Site, Term

RELATED_COUNT = 4
#: Related coverage looks at this many earlier articles of each shared tag.
RELATED_WINDOW = 100


def publishable(article: Article, now: datetime, drafts: bool, future: bool) -> str:
    """``""`` when the article is published, else ``draft`` or ``scheduled``."""
    if article.draft and not drafts:
        return "draft"
    if article.date.at > now and not future:
        return "scheduled"
    return ""


def sort_key(article: Article) -> tuple:
    """Newest first; ties by slug, then file, so the order never depends on disk order."""
    return (-article.date.at.timestamp(), article.slug, article.source)


def collect_site(
    articles: list[Article],
    pages: list[Article],
    now: datetime,
    drafts: bool = False,
    future: bool = False,
) -> Site:
    """Build the :class:`Site` of everything that is published at ``now``."""
    held = Counter()
    published = []
    for article in articles:
        reason = publishable(article, now, drafts, future)
        if reason:
            held[reason] += 1
        else:
            published.append(article)
    ordered = tuple(sorted(published, key=sort_key))
    static_pages = tuple(sorted((p for p in pages if not (p.draft and not drafts)), key=lambda p: p.slug))
    held["draft"] += sum(1 for p in pages if p.draft and not drafts)

    tags = _terms("tag", ordered, lambda a: a.tags)
    sections = _terms("section", ordered, lambda a: (a.section,) if a.section else ())
    authors = _terms("author", ordered, lambda a: a.authors)
    per_article: list[dict[str, list[Term]]] = [{"tag": [], "section": [], "author": []} for _ in ordered]
    for kind, terms in (("tag", tags), ("section", sections), ("author", authors)):
        for term in terms:
            for index in term.articles:
                per_article[index][kind].append(term)
    article_terms = tuple(
        {
            "tag": _in_article_order(terms["tag"], ordered[i].tags),
            "section": tuple(terms["section"]),
            "author": _in_article_order(terms["author"], ordered[i].authors),
        }
        for i, terms in enumerate(per_article)
    )
    years, months, days = _archives(ordered)
    return Site(
        articles=ordered,
        pages=static_pages,
        tags=tags,
        sections=sections,
        authors=authors,
        years=years,
        months=months,
        days=days,
        related=_related(ordered, tags),
        article_terms=article_terms,
        held_back={"drafts": held["draft"], "scheduled": held["scheduled"]},
    )


def _in_article_order(terms: list[Term], names: tuple[str, ...]) -> tuple[Term, ...]:
    by_slug = {t.slug: t for t in terms}
    result = []
    for name in names:
        term = by_slug.pop(urls.term_slug(name), None)
        if term:
            result.append(term)
    return tuple(result)


def _terms(kind: str, articles: tuple[Article, ...], names_of) -> tuple[Term, ...]:
    """Group articles by the slug of each name; the most used spelling names the term."""
    members: dict[str, list[int]] = defaultdict(list)
    spellings: dict[str, Counter] = defaultdict(Counter)
    for index, article in enumerate(articles):
        for name in names_of(article):
            slug = urls.term_slug(name)
            if not slug:
                continue
            if not members[slug] or members[slug][-1] != index:
                members[slug].append(index)
            spellings[slug][name] += 1
    terms = []
    for slug, indexes in members.items():
        name = min(spellings[slug].items(), key=lambda item: (-item[1], item[0]))[0]
        terms.append(Term(kind, name, slug, urls.term_path(kind, slug), tuple(indexes)))
    return tuple(sorted(terms, key=lambda t: (t.name.casefold(), t.slug)))


def _archives(articles: tuple[Article, ...]):
    groups: dict[tuple, list[int]] = defaultdict(list)
    for index, article in enumerate(articles):
        at = article.date.at
        groups[(at.year, None, None)].append(index)
        groups[(at.year, at.month, None)].append(index)
        groups[(at.year, at.month, at.day)].append(index)

    def periods(level: int) -> tuple[Period, ...]:
        keys = [k for k in groups if sum(v is not None for v in k) == level]
        keys.sort(key=lambda k: tuple(v or 0 for v in k), reverse=True)
        return tuple(Period(*k, urls.archive_path(*k), tuple(groups[k])) for k in keys)

    return periods(1), periods(2), periods(3)


def _related(articles: tuple[Article, ...], tags: tuple[Term, ...]) -> tuple[tuple[int, ...], ...]:
    """Earlier articles sharing the most tags, then the most recent.

    Only earlier articles are candidates, so publishing a story never changes
    the pages of older ones. Among each shared tag, the ``RELATED_WINDOW``
    most recent earlier stories are considered.
    """
    by_slug = {t.slug: t.articles for t in tags}
    result = []
    for index, article in enumerate(articles):
        counts: Counter = Counter()
        for slug in dict.fromkeys(urls.term_slug(name) for name in article.tags):
            members = by_slug.get(slug, ())
            start = bisect_right(members, index)
            counts.update(members[start : start + RELATED_WINDOW])
        best = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:RELATED_COUNT]
        result.append(tuple(i for i, _ in best))
    return tuple(result)
