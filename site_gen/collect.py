"""Arrange loaded articles into a :class:`~site_gen.model.Site`; pure.

Decides what is published (drafts and scheduled articles held back), the
order of articles (newest first, then slug), tags, sections, authors, date
archives and related coverage.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from datetime import datetime
from itertools import combinations

from . import urls
from .errors import ContentError
from .metadata import modified
from .model import Article, Period, Site, Term

RELATED_COUNT = 4
#: Related coverage looks at this many earlier articles of each shared tag.
RELATED_WINDOW = 100


TERM_NAMES = {
    "tag": lambda a: a.tags,
    "section": lambda a: (a.section,) if a.section else (),
    "author": lambda a: a.authors,
}
"""The names an article gives for each kind of term, as written."""


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

    tags = _terms("tag", ordered, TERM_NAMES["tag"])
    sections = _terms("section", ordered, TERM_NAMES["section"])
    authors = _terms("author", ordered, TERM_NAMES["author"])
    tag_terms, section_terms, author_terms = _terms_of(tags), _terms_of(sections), _terms_of(authors)
    article_terms = tuple(
        {"tag": tag_terms(a.tags), "section": section_terms((a.section,)), "author": author_terms(a.authors)}
        for a in ordered
    )
    years, months, days = _archives(ordered)
    languages: dict[str, list[int]] = {}
    for index, article in enumerate(ordered):
        languages.setdefault(article.lang, []).append(index)
    groups, translation_errors = link_translations(articles)
    position = {a.source: i for i, a in enumerate(ordered)}
    translations = tuple(
        tuple(sorted(position[s] for s in groups.get(a.source, ()) if s in position and s != a.source)) for a in ordered
    )
    latest: dict[str, int] = {}
    for kind, terms in (("tag", tags), ("section", sections), ("author", authors)):
        members = {i for t in terms for i in t.articles}
        if members:
            latest[kind] = max(members, key=lambda i: change_key(ordered[i], i))
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
        languages={lang: tuple(indexes) for lang, indexes in languages.items()},
        translations=translations,
        translation_errors=tuple(translation_errors),
        translation_targets=frozenset(t for a in articles if a.kind == "article" for _code, t in a.translations),
        latest_change=latest,
    )


def link_translations(articles) -> tuple[dict[str, tuple[str, ...]], list[ContentError]]:
    """The versions of each story in other languages (by source, each group holding all its
    members), from every article's ``translations:`` (drafts included: a link to a draft is
    right, only not shown until it is published), and the errors of the links: a target that
    no story is, one in another language than the link says, or a language twice in a group
    (two stories claiming one translation). One side of a link is enough; both may say it."""
    by_slug: dict[str, list[Article]] = {}
    for a in articles:
        by_slug.setdefault(a.slug, []).append(a)
    parent = {a.source: a.source for a in articles if a.kind == "article"}

    def root(source: str) -> str:
        while parent[source] != source:
            parent[source] = parent[parent[source]]
            source = parent[source]
        return source

    errors: list[ContentError] = []
    claims: list[tuple[Article, str, Article]] = []
    for a in articles:
        line = a.lines.get("translations", 1)
        for code, target in a.translations if a.kind == "article" else ():
            if target.endswith(".md"):
                found = [b for b in articles if b.source.endswith("/" + target.lstrip("/")) or b.source == target]
            else:
                found = by_slug.get(target, [])
            same = [b for b in found if b.lang.split("-")[0] == code.split("-")[0]]
            chosen = same or found
            if not chosen or chosen[0] is a or chosen[0].kind != "article":
                errors.append(
                    ContentError(
                        a.source,
                        line,
                        f"the translation `{code}: {target}` is no story",
                        "give the slug (or the file, articles/YYYY/MM/x.md) of the other-language story",
                    )
                )
                continue
            if len(chosen) > 1:
                names = ", ".join(b.source for b in chosen)
                errors.append(
                    ContentError(
                        a.source,
                        line,
                        f"the translation `{code}: {target}` names {len(chosen)} stories: {names}",
                        "name the file instead: articles/YYYY/MM/x.md",
                    )
                )
                continue
            other = chosen[0]
            if not same:
                errors.append(
                    ContentError(
                        a.source,
                        line,
                        f"the translation `{code}: {target}` is in `{other.lang}`, not `{code}`",
                        f"write `{other.lang}: {target}`, or set `lang: {code}` in {other.source}",
                    )
                )
                continue
            claims.append((a, code, other))
            parent[root(a.source)] = root(other.source)
    members: dict[str, list[str]] = {}
    for source in parent:
        members.setdefault(root(source), []).append(source)
    langs = {a.source: a.lang.split("-")[0] for a in articles}
    for a, code, other in claims:
        group = members[root(a.source)]
        rivals = sorted(s for s in group if langs[s] == langs[a.source] and s != a.source)
        if rivals:
            errors.append(
                ContentError(
                    a.source,
                    a.lines.get("translations", 1),
                    f"{other.source} is claimed as the `{code}` translation of two stories in `{langs[a.source]}`: "
                    f"this one and {rivals[0]}",
                    "keep the link in one of them",
                )
            )
    groups = {s: tuple(sorted(g)) for g in members.values() if len(g) > 1 for s in g}
    return groups, sorted(set(errors), key=lambda e: (e.path, e.line, e.message))


def served_languages(site: Site, config) -> list[str]:
    """The codes of the site's languages, but the default one, that have a published story:
    each gets a front page (``/ur/``), feeds and a search page of its own."""
    default = config.site_languages[0].code
    return [item.code for item in config.site_languages if item.code != default and site.languages.get(item.code)]


def change_key(article: Article, index: int) -> tuple:
    """Orders articles by their last change (:func:`~site_gen.metadata.modified`), the
    newest in the site's order first among equals: the largest key is the latest change."""
    moment = modified(article)
    return (moment.at, moment.has_time, -index)


def insert_newest(site: Site, new: list[Article]) -> Site | None:
    """``site`` with the published articles ``new``, each newer than every article in it
    (:func:`sort_key`), arranged as :func:`collect_site` would; None when they may do
    more than take the first places: name a term in another spelling (it may rename
    it), or be older than the newest article. Older articles keep their related stories
    (only earlier stories are related), shifted by the number of new ones; terms,
    archives and languages gain the new indexes."""
    ordered_new = tuple(sorted(new, key=sort_key))
    count = len(ordered_new)
    if not _may_insert(site, ordered_new):
        return None

    def shifted(indexes: tuple[int, ...]) -> tuple[int, ...]:
        return tuple(map(count.__add__, indexes))  # mapped in C: a site's worth of index tuples

    kinds = {}
    for kind, old_terms in (("tag", site.tags), ("section", site.sections), ("author", site.authors)):
        kinds[kind] = _inserted_terms(kind, old_terms, ordered_new)
        if kinds[kind] is None:
            return None
    tags, sections, authors = kinds["tag"], kinds["section"], kinds["author"]
    tag_terms, section_terms, author_terms = _terms_of(tags), _terms_of(sections), _terms_of(authors)
    article_terms = [
        {"tag": tag_terms(a.tags), "section": section_terms((a.section,)), "author": author_terms(a.authors)}
        for a in ordered_new
    ]
    now_named = {(t.kind, t.slug): t for t in (*tags, *sections, *authors)}
    renamed: dict[int, tuple[Term, ...]] = {}  # by the old tuple: articles of the same names share one

    def now_terms(terms: tuple[Term, ...]) -> tuple[Term, ...]:
        found = renamed.get(id(terms))
        if found is None:
            found = renamed[id(terms)] = tuple([now_named[(t.kind, t.slug)] for t in terms])
        return found

    article_terms += [  # the three kinds spelled out: quicker than a dict comprehension
        {"tag": now_terms(terms["tag"]), "section": now_terms(terms["section"]), "author": now_terms(terms["author"])}
        for terms in site.article_terms
    ]
    years, months, days = _inserted_periods(site, ordered_new)
    related = [_related_one(i, ordered_new[i], tags, RELATED_WINDOW, RELATED_COUNT) for i in range(count)]
    related += [shifted(r) for r in site.related]
    languages = {lang: shifted(indexes) for lang, indexes in site.languages.items()}
    for index in reversed(range(count)):
        lang = ordered_new[index].lang
        languages[lang] = (index, *languages.get(lang, ()))
    old = site.articles  # a build's LazyArticles puts the new ones in front without reading the rest
    return Site(
        articles=old.prepended(ordered_new) if hasattr(old, "prepended") else (*ordered_new, *old),
        pages=site.pages,
        tags=tags,
        sections=sections,
        authors=authors,
        years=years,
        months=months,
        days=days,
        related=tuple(related),
        article_terms=tuple(article_terms),
        held_back=site.held_back,
        languages=languages,
        translations=(*((),) * count, *[shifted(t) if t else t for t in site.translations]),  # most have none
        translation_targets=site.translation_targets,
        latest_change=_inserted_latest_change(site, ordered_new, article_terms),
    )


def _inserted_terms(
    kind: str, old_terms: tuple[Term, ...], ordered_new: tuple[Article, ...]
) -> tuple[Term, ...] | None:
    """The terms of one kind with the new stories first among their members (:func:`insert_newest`);
    None when a new story spells a term another way, or a new term is spelled two ways."""
    count = len(ordered_new)
    by_slug = {t.slug: t for t in old_terms}
    added: dict[str, list[int]] = {}
    spelled: dict[str, set[str]] = {}
    for index, article in enumerate(ordered_new):
        for name in TERM_NAMES[kind](article):
            slug = urls.term_slug(name)
            if not slug:
                continue
            term = by_slug.get(slug)
            if term is not None and name != term.name:
                return None  # another spelling: the most used one names the term
            members = added.setdefault(slug, [])
            if not members or members[-1] != index:
                members.append(index)
            spelled.setdefault(slug, set()).add(name)
    terms = [
        Term(kind, t.name, t.slug, t.path, (*added.get(t.slug, ()), *map(count.__add__, t.articles))) for t in old_terms
    ]
    for slug, indexes in added.items():
        if slug not in by_slug:
            if len(spelled[slug]) != 1:
                return None
            (name,) = spelled[slug]
            terms.append(Term(kind, name, slug, urls.term_path(kind, slug), tuple(indexes)))
    return tuple(sorted(terms, key=lambda t: (t.name.casefold(), t.slug)))


def _inserted_periods(site: Site, ordered_new: tuple[Article, ...]) -> tuple:
    """Years, months and days with the new stories first among their members (:func:`insert_newest`)."""
    count = len(ordered_new)
    groups: dict[tuple, list[int]] = {}
    latest: dict[tuple, int] = {}
    for periods in (site.years, site.months, site.days):
        for p in periods:
            groups[(p.year, p.month, p.day)] = list(map(count.__add__, p.articles))
            latest[(p.year, p.month, p.day)] = p.latest + count
    for index, article in reversed(list(enumerate(ordered_new))):
        at = article.date.at
        for key in ((at.year, None, None), (at.year, at.month, None), (at.year, at.month, at.day)):
            groups.setdefault(key, []).insert(0, index)
            if key not in latest:
                latest[key] = index
            else:
                other = latest[key]
                known = ordered_new[other] if other < count else site.articles[other - count]
                if change_key(article, index) > change_key(known, other):
                    latest[key] = index
    return _periods(groups, latest)


def _inserted_latest_change(site: Site, ordered_new: tuple[Article, ...], article_terms: list[dict]) -> dict[str, int]:
    """For each kind of term, the index of the latest change among stories that have one (:func:`insert_newest`)."""
    count = len(ordered_new)
    latest = {}
    for kind in ("tag", "section", "author"):
        candidates = [(change_key(a, i), i) for i, a in enumerate(ordered_new) if article_terms[i][kind]]
        if kind in site.latest_change:
            old = site.latest_change[kind] + count
            candidates.append((change_key(site.articles[old - count], old), old))
        if candidates:
            latest[kind] = max(candidates)[1]
    return latest


def _may_insert(site: Site, ordered_new: tuple[Article, ...]) -> bool:
    """Whether new stories only take the first places: newer than every other, and linked to
    no older story as its translation, either way (that one's page would change too)."""
    if not ordered_new or (site.articles and sort_key(ordered_new[-1]) >= sort_key(site.articles[0])):
        return False
    return not any(a.translations or a.slug in site.translation_targets for a in ordered_new)


def _terms_of(terms: tuple[Term, ...]):
    """``names → their terms``, in the order of the names, one term per slug (remembered per tuple of names)."""
    by_slug = {t.slug: t for t in terms}
    known: dict[tuple[str, ...], tuple[Term, ...]] = {}

    def of(names: tuple[str, ...]) -> tuple[Term, ...]:
        found = known.get(names)
        if found is None:
            slugs = dict.fromkeys(map(urls.term_slug, names))
            found = known[names] = tuple(by_slug[slug] for slug in slugs if slug in by_slug)
        return found

    return of


def _terms(kind: str, articles: tuple[Article, ...], names_of) -> tuple[Term, ...]:
    """Group articles by the slug of each name; the most used spelling names the term."""
    slug_of = urls.term_slug
    members: dict[str, list[int]] = {}
    uses: dict[tuple[str, str], int] = {}  # (slug, spelling) → articles using it
    for index, article in enumerate(articles):
        for name in names_of(article):
            slug = slug_of(name)
            if not slug:
                continue
            found = members.get(slug)
            if found is None:
                members[slug] = [index]
            elif found[-1] != index:
                found.append(index)
            key = (slug, name)
            uses[key] = uses.get(key, 0) + 1
    spellings: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for (slug, name), count in uses.items():
        spellings[slug].append((-count, name))
    terms = []
    for slug, indexes in members.items():
        name = min(spellings[slug])[1]
        terms.append(Term(kind, name, slug, urls.term_path(kind, slug), tuple(indexes)))
    return tuple(sorted(terms, key=lambda t: (t.name.casefold(), t.slug)))


def _archives(articles: tuple[Article, ...]):
    groups: dict[tuple, list[int]] = defaultdict(list)
    latest: dict[tuple, tuple] = {}
    for index, article in enumerate(articles):
        at = article.date.at
        key = change_key(article, index)
        for period in ((at.year, None, None), (at.year, at.month, None), (at.year, at.month, at.day)):
            groups[period].append(index)
            if period not in latest or key > latest[period]:
                latest[period] = key
    return _periods(groups, {period: -key[2] for period, key in latest.items()})


def _periods(groups: dict[tuple, list[int]], latest: dict[tuple, int]):
    """Years, months and days, newest first, from ``(year, month, day) → indexes``
    and the index of the article changed last in each."""

    def periods(level: int) -> tuple[Period, ...]:
        keys = [k for k in groups if sum(v is not None for v in k) == level]
        keys.sort(key=lambda k: tuple(v or 0 for v in k), reverse=True)
        return tuple(Period(*k, urls.archive_path(*k), tuple(groups[k]), latest[k]) for k in keys)

    return periods(1), periods(2), periods(3)


def _related(
    articles: tuple[Article, ...],
    tags: tuple[Term, ...],
    window: int = RELATED_WINDOW,
    count: int = RELATED_COUNT,
) -> tuple[tuple[int, ...], ...]:
    """Earlier articles sharing the most tags, then the most recent.

    Only earlier articles are candidates, so publishing a story never changes
    the pages of older ones. Among each shared tag, the ``window`` most recent
    earlier stories are considered; the ``count`` best are kept, by the number
    of tags shared (most first), then by index (most recent first).

    Without counting every candidate: tag lists are sorted, so a tag's window
    is every member after the article up to a last one. A candidate shares two
    or more tags exactly when it lies in the window of a *pair* of the
    article's tags; the few such candidates come from lists of the articles
    having both tags of a pair, and the rest of the best are the smallest
    indexes at the heads of the windows.
    """
    by_slug = {t.slug: t.articles for t in tags}
    slug_of = urls.term_slug
    shapes: dict[tuple[str, ...], tuple] = {}
    both_tags: dict[tuple[str, str], list[int]] = {}
    per_article = []
    for index, article in enumerate(articles):
        shape = shapes.get(article.tags)
        if shape is None:
            slugs = [s for s in dict.fromkeys(map(slug_of, article.tags)) if s in by_slug]
            pairs = [(x, y, (a, b) if a < b else (b, a)) for (x, a), (y, b) in combinations(enumerate(slugs), 2)]
            shape = shapes[article.tags] = (
                tuple(by_slug[s] for s in slugs),
                tuple((x, y, both_tags.setdefault(key, [])) for x, y, key in pairs),
            )
        per_article.append(shape)
        for _x, _y, members in shape[1]:
            members.append(index)  # ascending, like the tags' own lists
    return tuple(
        [_best_related(index, lists, pairs, window, count) for index, (lists, pairs) in enumerate(per_article)]
    )


def _related_one(index: int, article: Article, tags: tuple[Term, ...], window: int, count: int) -> tuple[int, ...]:
    """:func:`_related` of one article, at ``index`` in a site whose tags are ``tags``."""
    by_slug = {t.slug: t.articles for t in tags}
    slugs = [s for s in dict.fromkeys(map(urls.term_slug, article.tags)) if s in by_slug]
    pairs = [
        (x, y, sorted(set(by_slug[a]).intersection(by_slug[b]))) for (x, a), (y, b) in combinations(enumerate(slugs), 2)
    ]
    return _best_related(index, tuple(by_slug[s] for s in slugs), pairs, window, count)


def _best_related(index: int, lists, pairs, window: int, count: int) -> tuple[int, ...]:
    """The related stories of the article at ``index``: ``lists`` are its tags' members,
    ``pairs`` ``(x, y, members of both tags x and y)`` (see :func:`_related`)."""
    if len(lists) <= 1:
        if lists:
            start = bisect_right(lists[0], index)
            return tuple(lists[0][start : start + min(count, window)])
        return ()
    starts, lasts = [], []
    for members in lists:
        start = bisect_right(members, index)
        starts.append(start)
        end = min(start + window, len(members))
        lasts.append(members[end - 1])  # ≤ index when the window is empty
    shared = []  # for each pair of tags, the candidates in both windows
    for x, y, members in pairs:
        last = min(lasts[x], lasts[y])
        if last > index:
            first = bisect_right(members, index)
            found = members[first : bisect_right(members, last, first)]
            if found:
                shared.append(found)
    if not shared:
        best: tuple[int, ...] | list[int] = ()
        many: Counter | list[int] = []
    elif len(shared) == 1:  # no candidate in three windows: each shares exactly two tags
        many = shared[0]
        best = many[:count]
    else:
        # A candidate in m windows is in m(m-1)/2 pairs: more pairs, more tags shared.
        many = Counter()
        for found in shared:
            many.update(found)
        best = sorted(sorted(many), key=many.__getitem__, reverse=True)[:count]
    need = count - len(best)
    if need > 0:
        # The smallest indexes in one window only are among each window's first need + len(many).
        take = min(need + len(many), window)
        head = set()
        for members, start in zip(lists, starts, strict=True):
            head.update(members[start : start + take])
        head.difference_update(many)
        best = (*best, *sorted(head)[:need])
    return tuple(best)
