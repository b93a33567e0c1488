"""Turn a :class:`~site_gen.model.Site` into the list of pages to write; pure.

Each :class:`Page` has a site path, a template and a *context* of plain data
(str, int, bool, None, lists and dicts): templates get small views, never the
whole site, and the context alone decides a page's bytes (with the template).

Lists (home, tags, sections, authors) use *stable pagination*: the first page
of a list shows the newest stories (between ``per_page`` and
``2 × per_page − 1`` of them); older stories sit on pages numbered from the
oldest, ``page/1/`` holding the very first ``per_page`` stories. Publishing a
story therefore changes the first page of each list it is on, and only rarely
one more page, instead of shifting every page of the archive.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

from . import feeds, identities, metadata, offline, share, sitemaps, urls
from .cache import serialize
from .collect import served_languages
from .config import Config, default_language
from .dates import Moment, local_number, month_names, period_label, weekday_names
from .errors import ContentError
from .hashing import digest
from .identities import card_fields
from .images import local_path, share_photo
from .model import Article, Period, Site, Term, identity

TAXONOMY_TITLES = {"tag": "Tags", "section": "Sections", "author": "Authors"}
SHAPE_PARTS = ("articles", "lists")
"""The two halves of :meth:`Planner.shapes`, about as long to make: the article and static
pages, the date and digest pages, the feeds and the offline list; the paginated lists (front
pages, terms) and the term indexes."""
SECTION_CARDS = 4
"""Stories in each section block of the home page."""
LANGUAGE_CARDS = 6
"""Stories in each other-language column of the home page."""
LANGUAGE_PATHS = ("tag", "section")
"""The lists a language other than the default gets under its own folder (``/ur/tags/x/``)."""


class Page:
    """One file to write.

    A page's *context* is either given or made on first use (``make``): then
    ``deps`` is small plain data that decides the context (article identities,
    card keys, links), so a build can tell whether the page changed without
    making it, and workers make only the contexts of pages they render. With
    ``arg``, ``make``, ``deps_fn`` and ``reads`` are functions of it (an article
    page's index: the planner's methods shared by every article page, not three
    partial objects for each).
    """

    __slots__ = (
        "path",
        "rel",
        "template",
        "source",
        "key",
        "lastmod",
        "_deps",
        "_deps_fn",
        "_reads",
        "_context",
        "_make",
        "_arg",
    )

    def __init__(
        self,
        path: str,
        template: str,
        context: dict[str, Any] | None = None,
        source: str = "",
        *,
        make: Callable[..., dict[str, Any]] | None = None,
        deps: Any = None,
        lastmod: str | None = None,
        deps_fn: Callable[..., Any] | None = None,
        key: str = "",
        reads: tuple[str, ...] | Callable[..., tuple[str, ...]] = (),
        arg: int | None = None,
    ):
        self.path = path
        """Site path (``tags/x/`` or ``404.html``), see :mod:`site_gen.urls`."""
        self.rel = urls.output_file(path)
        """The file written in the output folder (``tags/x/index.html``)."""

        self.template = template
        """Template file name, relative to the templates folder."""
        self.source = source
        """File the page comes from, for messages (articles and static pages)."""
        self._deps = deps
        self._deps_fn = deps_fn
        self.key = key
        """How the planner makes this page again (:meth:`Planner.pages_for`): its kind and
        what names it, such as ``a content/x.md`` or ``l tag pakistan 3``."""
        self._reads = reads if callable(reads) else (*reads, identities.template(template))
        self.lastmod = lastmod
        """``lastmod`` in the sitemap, for a made context (given contexts carry ``page.modified``)."""
        self._context = context
        self._make = make
        self._arg = arg

    def _made(self, make: Callable) -> Any:
        """``make()``, or ``make(arg)`` for a page given an ``arg``."""
        return make() if self._arg is None else make(self._arg)

    @property
    def deps(self) -> Any:
        """What a made context depends on (None when the context is given).

        Deps given as a function are made each time they are asked for, and not kept: a
        build asks once, for the page's fingerprint, and every article page's deps kept through
        rendering add up on a large site (copied again by each worker process that touches them)."""
        if self._deps is None and self._deps_fn is not None:
            return self._made(self._deps_fn)
        return self._deps

    @property
    def reads(self) -> tuple[str, ...]:
        """The identities the page shows (:mod:`site_gen.identities`), besides the site's
        arrangement, and its template: a rebuild after edits that change one of them plans
        this page again."""
        reads = self._reads
        return (*self._made(reads), identities.template(self.template)) if callable(reads) else reads

    @property
    def context(self) -> dict[str, Any]:
        """Plain data handed to the template, besides ``site``."""
        if self._context is None:
            self._context = self._made(self._make)
        return self._context

    def forget(self) -> None:
        """Drop a made context (it is made again when needed): keeps memory flat while rendering."""
        if self._make is not None:
            self._context = None

    def sitemap_entry(self) -> tuple[str, str | None] | None:
        """``(path, lastmod)`` when the page belongs in the sitemap: HTML, with a ``page`` view, not ``noindex``."""
        if not self.rel.endswith(".html"):
            return None
        if self._make is not None:
            return (self.path, self.lastmod)
        view = self.context.get("page")
        if isinstance(view, dict) and not view.get("robots"):
            return (self.path, view.get("modified"))
        return None

    def __repr__(self) -> str:
        return f"Page({self.path!r}, {self.template!r})"


class PerArticle:
    """One value per article, made when first asked for: a rebuild that plans a
    few pages looks at a few articles (see :class:`site_gen.rebuild.LazyArticles`)."""

    __slots__ = ("_make", "_values")

    def __init__(self, count: int, make: Callable[[int], Any]):
        self._make = make
        self._values: list = [None] * count

    def __getitem__(self, index: int) -> Any:
        value = self._values[index]
        if value is None:
            value = self._values[index] = self._make(index)
        return value


class Planner:
    """Builds the views and pages of one site for one configuration."""

    def __init__(self, site: Site, config: Config, images: dict[str, dict] | None = None, now: datetime | None = None):
        self.site = site
        self.config = config
        self.now = now
        """The build's clock: an article dated after it is flagged as scheduled (previews publish it)."""
        self.images = images or {}
        """Responsive views of local images, from :func:`site_gen.images.process_images`."""
        self._cards: dict[int, dict] = {}
        self._site_card: dict[str, dict] | None = None
        self._term_links: dict[tuple[str, str], dict] = {}
        self._card_keys: list[str | None] = [None] * len(site.articles)
        self._changed_iso: list[str | None] = [None] * len(site.articles)
        articles = site.articles
        self._changed = PerArticle(len(articles), lambda i: metadata.modified(articles[i]))
        """When each article last changed (for ``lastmod``)."""
        changed = self._changed
        self._change_order = PerArticle(len(articles), lambda i: (changed[i].at, changed[i].has_time))
        """The same as sort keys (Moment's own order, without its slower comparisons)."""
        self._months_of: dict[int, list[Period]] = {}
        self._days_of: dict[tuple[int, int], list[Period]] = {}
        for p in site.months:
            self._months_of.setdefault(p.year, []).append(p)
        for p in site.days:
            self._days_of.setdefault((p.year, p.month), []).append(p)
        self.default_lang = config.site_languages[0].code
        self.served = served_languages(site, config)
        """Languages with a front page of their own (``/ur/``), besides the default one at ``/``."""
        self._lang_sets: dict[str, frozenset[int]] = {}
        self._full_terms: dict[tuple[str, str], Term] | None = None
        self._digest_lang: list[str] | None = None
        self.digest_langs = list(dict.fromkeys(map(digest_language, (self.default_lang, *self.served))))
        """The languages with digest pages (:func:`digest_language`): the default one (at
        ``/digest/``), then those with pages of their own (``/ur/digest/``)."""
        self._article_parts = (self.article_context, self.article_deps, self.article_reads)
        """What every article page makes from its index (:class:`Page`'s ``arg``), bound once."""

    # -- views -------------------------------------------------------------
    def link(self, path: str) -> str:
        return urls.href(self.config.base_path, path)

    def term_view(self, term: Term) -> dict:
        """A term with its article count (term index and the first page of a term's list)."""
        return {"name": term.name, "url": self.link(term.path), "count": len(term.articles)}

    def term_link(self, term: Term) -> dict:
        """A term as a link, without its count: publishing elsewhere in the term leaves it unchanged.

        One dict per term, shared by every card and article view that names it (views are
        never changed once made): 300 bytes less a card, and a build keeps every card."""
        key = (term.kind, term.slug)
        link = self._term_links.get(key)
        if link is None:
            link = self._term_links[key] = {"name": term.name, "url": self.link(term.path)}
        return link

    def card(self, index: int) -> dict:
        """Small view of an article for lists."""
        if index not in self._cards:
            a = self.site.articles[index]
            terms = self.site.article_terms[index]
            self._cards[index] = {
                "title": a.title,
                "url": self.link(a.path),
                "date": self.moment_view(a.date, a.lang),
                "summary": a.summary,
                "dateline": a.dateline,
                "lang": a.lang,
                "dir": self.direction(a.lang),
                "section": self.term_link(terms["section"][0]) if terms["section"] else None,
                "image": self.image_view(a),
                "draft": a.draft,
                "scheduled": self.is_scheduled(a),
            }
        return self._cards[index]

    def card_key(self, index: int) -> str:
        """What decides everything :meth:`card` shows, found without making the card.

        The article's :func:`~site_gen.identities.card_fields` and place in the
        site (URL, date, language) say what it shows of the article itself (an edit of
        its body leaves the key as it was); its section's name (the most used spelling
        across the site), its image's variants and the clock (scheduled flag) come from elsewhere.
        Its source is part of the key too: a page that shows the card reads it by source
        (:func:`~site_gen.identities.card`), and a renamed file renders the page again, which
        records the new name.
        """
        key = self._card_keys[index]
        if key is None:
            a = self.site.articles[index]
            section = self.site.article_terms[index]["section"]
            parts = (
                a.source,
                card_fields(a),
                a.path,
                a.date.isoformat(),
                a.lang,
                a.draft,
                (section[0].name, section[0].path) if section else None,
                self.image_dep(a),
                self.is_scheduled(a),
            )
            key = self._card_keys[index] = digest(serialize(parts))
        return key

    def image_dep(self, a: Article) -> Any:
        """What :meth:`image_view` takes from outside the article: the variants of its image."""
        if a.image is None or not a.image.src:
            return None
        return self.images.get(local_path(a.image.src) or "")

    def newest_moment(self, indexes) -> Moment | None:
        """The latest change among some articles (the first one of equals), or None."""
        if not indexes:
            return None
        return self._changed[max(indexes, key=self._change_order.__getitem__)]

    def newest(self, indexes) -> str | None:
        """``lastmod`` of a list: the latest change among its articles."""
        if not indexes:
            return None
        return self.changed_iso(max(indexes, key=self._change_order.__getitem__))

    def changed_iso(self, index: int) -> str:
        """When an article last changed, as ``lastmod`` text."""
        text = self._changed_iso[index]
        if text is None:
            text = self._changed_iso[index] = self._changed[index].isoformat()
        return text

    def is_scheduled(self, a: Article) -> bool:
        return self.now is not None and a.date.at > self.now

    def image_view(self, a: Article) -> dict | None:
        """An article's image with its responsive variants (``width`` None when unknown)."""
        if a.image is None:
            return None
        path = local_path(a.image.src) if a.image.src else None
        known = self.images.get(path) if path else None
        view = {"src": a.image.src, "width": None, "height": None, "srcset": "", "webp": ""}
        if path and known is None:
            view["src"] = self.link(path)
        view.update(known or {})
        view.update(alt=a.image.alt, caption=a.image.caption, credit=a.image.credit)
        return view

    def direction(self, lang: str) -> str:
        return "rtl" if self.config.is_rtl(lang) else "ltr"

    def moment_view(self, moment: Moment, lang: str) -> dict:
        """A date as a page in ``lang`` shows it (CLDR words and digits) and as ``datetime``."""
        return {"human": moment.human(self.config.locale_of(lang)), "iso": moment.isoformat()}

    def language_name(self, lang: str) -> str:
        known = self.config.language_of(lang) or default_language(lang)
        return known.name

    def ui_lang(self, lang: str) -> str:
        """The language of a page's chrome (header, menu, footer): its own when the site
        serves it (see ``site.chrome``), else the default."""
        code = lang.split("-")[0].lower()
        return code if code in self.served else self.default_lang

    def in_lang(self, lang: str) -> frozenset[int]:
        found = self._lang_sets.get(lang)
        if found is None:
            found = self._lang_sets[lang] = frozenset(self.site.languages.get(lang, ()))
        return found

    def versions(self, i: int) -> list[tuple[str, str]]:
        """``(lang, path)`` of an article and its published translations, in the site's language order."""
        articles = self.site.articles
        group = [i, *self.site.translations[i]] if self.site.translations else [i]
        order = {item.code: n for n, item in enumerate(self.config.site_languages)}
        found = [(articles[j].lang, articles[j].path) for j in group]
        return sorted(found, key=lambda v: (order.get(v[0].split("-")[0], len(order)), v[0]))

    def hreflang(self, versions: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """``(hreflang, path)`` of a page's versions and ``x-default`` (the default language's
        version, or the first); empty for a page with no other version."""
        if len(versions) < 2:
            return []
        default = next((path for lang, path in versions if lang == self.default_lang), versions[0][1])
        return [*versions, ("x-default", default)]

    def alternates_view(self, alternates: list[tuple[str, str]]) -> list[dict]:
        return [{"hreflang": h, "href": urls.absolute(self.config.base_url, path)} for h, path in alternates]

    def switcher(self, versions: list[tuple[str, str]], current: str) -> list[dict]:
        """The language switcher: each version's language (in itself) and link; the page's own is marked."""
        if len(versions) < 2:
            return []
        return [
            {
                "lang": lang,
                "dir": self.direction(lang),
                "name": self.language_name(lang),
                "url": self.link(path),
                "current": path == current,
            }
            for lang, path in versions
        ]

    def article_view(self, a: Article, index: int | None) -> dict:
        terms = self.site.article_terms[index] if index is not None else {}
        return {
            "title": a.title,
            "url": self.link(a.path),
            "date": self.moment_view(a.date, a.lang),
            "updated": self.moment_view(a.updated, a.lang) if a.updated and a.updated > a.date else None,
            "dateline": a.dateline,
            "authors": [self.term_link(t) for t in terms.get("author", ())]
            or [{"name": n, "url": None} for n in a.authors],
            "section": self.term_link(terms["section"][0]) if terms.get("section") else None,
            "tags": [self.term_link(t) for t in terms.get("tag", ())],
            "summary": a.summary,
            "body": a.key,
            "body_images": {p: self.images[p] for p, _line in a.body_images if p in self.images},
            "image": self.image_view(a),
            "lang": a.lang,
            "dir": self.direction(a.lang),
            "reading_minutes": a.reading_minutes,
            "reading": local_number(a.reading_minutes, self.config.locale_of(a.lang)),
            "corrections": [{"date": self.moment_view(c.date, a.lang), "text": c.text} for c in a.corrections],
            "draft": a.draft,
            "scheduled": self.is_scheduled(a),
            "language_name": self.language_name(a.lang),
            "versions": self.switcher(self.versions(index), a.path) if index is not None else [],
            "share": urls.share_links(urls.absolute(self.config.base_url, a.path), a.title),
        }

    def meta(
        self,
        title: str,
        path: str,
        description: str = "",
        lang: str = "",
        *,
        modified: Moment | None = None,
        feeds: list[dict] | None = None,
        image: dict | None = None,
        og_article: dict | None = None,
        jsonld: list[dict] | None = None,
        robots: str = "",
        alternates: list[tuple[str, str]] | None = None,
    ) -> dict:
        """The ``page`` view: what ``base.html`` and ``partials/meta.html`` show in ``<head>``.

        ``modified`` is the page's ``lastmod`` in the sitemap; ``feeds`` are
        its own feeds besides the site's (a section's or tag's Atom feed); ``alternates``
        its versions in other languages (:meth:`hreflang`).
        """
        lang = lang or self.config.language
        alternates = alternates or []
        locale = self.config.locale_of(lang)
        canonical = urls.absolute(self.config.base_url, path)
        description = description or self.config.description
        return {
            "title": title,
            "path": path,
            "url": self.link(path),
            "canonical": canonical,
            "description": description,
            "lang": lang,
            "dir": self.direction(lang),
            "modified": modified.isoformat() if modified else None,
            "feeds": feeds or [],
            "social": metadata.social(self.config, title, canonical, description, image, og_article),
            "jsonld": jsonld or [],
            "robots": robots,
            "ui": self.ui_lang(lang),
            "ui_dir": self.direction(self.ui_lang(lang)),
            "hreflang": self.alternates_view(alternates),
            "versions": self.switcher([(h, p) for h, p in alternates if h != "x-default"], path),
            "locale": locale,
            "locale_alternates": sorted(
                {self.config.locale_of(h) for h, _path in alternates if h != "x-default"} - {locale}
            ),
        }

    def crumbs(self, *trail: tuple[str, str]) -> dict:
        """``BreadcrumbList`` from the home page through ``(name, path)`` pairs."""
        return metadata.breadcrumbs(self.config, [(self.config.title, ""), *trail])

    # -- pages -------------------------------------------------------------
    def pages(self) -> list[Page]:
        pages: list[Page] = [self.article_page(i) for i in range(len(self.site.articles))]
        pages += [self.static_page(p) for p in self.site.pages]
        pages += self.home_pages()
        for kind, terms in self.taxonomies():
            pages.append(self.term_index_page(kind, terms))
            for term in terms:
                pages += self.term_pages(term)
        for lang in self.served:
            pages += self.home_pages(lang=lang)
            for term in self.language_terms(lang):
                pages += self.term_pages(term, lang=lang)
        pages += self.archive_pages()
        pages += self.digest_pages()
        for i in range(len(self.site.articles)):
            pages += self.share_pages(i)
        return pages + self.site_pages()

    def site_pages(self) -> list[Page]:
        """The site's own pages (key ``s``), which read the frame only: the 404 page, the
        search pages, the offline page, the site's share card and the web app manifest."""
        view = self.meta("Page not found", "404.html", robots="noindex")
        pages = [Page("404.html", "404.html", {"page": view}, key="s"), self.search_page(None)]
        pages += [self.search_page(lang) for lang in self.served]
        if self.config.offline_stories:
            view = self.meta("You are offline", offline.OFFLINE, robots="noindex")
            pages.append(Page(offline.OFFLINE, "offline.html", {"page": view}, key="s"))
        pages += self.site_card_pages()
        if self.config.publisher.icon:
            pages.append(Page(*offline.manifest_output(self.config, share.THEME_COLOR), key="s"))
        return pages

    def search_page(self, lang: str | None) -> Page:
        """``/search/``, or ``/ur/search/``: Pagefind searches the index of the page's ``<html lang>``."""
        path = "search/" if lang is None else urls.language_path(lang, "search/")
        return Page(path, "search.html", {"page": self.meta("Search", path, lang=lang or "")}, key="s")

    def language_terms(self, lang: str) -> list[Term]:
        """The sections and tags with a story in ``lang``, as terms of those stories alone."""
        members = self.in_lang(lang)
        found = []
        for kind, terms in self.taxonomies():
            if kind not in LANGUAGE_PATHS:
                continue
            for term in terms:
                mine = tuple(i for i in term.articles if i in members)
                if mine:
                    found.append(Term(kind, term.name, term.slug, term.path, mine))
        return found

    def all_alternates(self) -> dict[str, list[tuple[str, str]]]:
        """Every page's versions in other languages with ``x-default`` (:meth:`hreflang`), by site
        path: the sitemap lists them as ``xhtml:link`` of each version."""
        found: dict[str, list[tuple[str, str]]] = {}
        groups = [self.versions(i) for i, others in enumerate(self.site.translations) if others]
        groups.append([(self.default_lang, ""), *((code, urls.language_path(code, "")) for code in self.served)])
        groups += [self.term_versions(t) for kind, terms in self.taxonomies() if kind in LANGUAGE_PATHS for t in terms]
        for versions in groups:
            alternates = self.hreflang(versions)
            for _lang, path in versions if alternates else ():
                found[path] = alternates
        return found

    def full_term(self, term: Term) -> Term:
        """The site's own term of a language's term (:meth:`language_terms`): all its stories."""
        if self._full_terms is None:
            self._full_terms = {(t.kind, t.slug): t for _kind, group in self.taxonomies() for t in group}
        return self._full_terms[(term.kind, term.slug)]

    def term_versions(self, term: Term) -> list[tuple[str, str]]:
        """The list of a term and its lists in each served language that has stories in it."""
        found = [(self.default_lang, term.path)]
        if term.kind in LANGUAGE_PATHS:
            for lang in self.served:
                if not self.in_lang(lang).isdisjoint(term.articles):
                    found.append((lang, urls.language_path(lang, term.path)))
        return found

    def pages_for(self, keys: set[str]) -> list[Page]:
        """The pages with these keys (:attr:`Page.key`), as :meth:`pages` and :func:`plan_pages`
        make them, for a rebuild that plans only the pages whose reads or shape changed (see
        :mod:`site_gen.identities`). Unknown keys, and ``m`` (the sitemaps, see
        :func:`some_pages`), plan nothing."""
        articles = self.site.articles
        sources = getattr(articles, "sources", None) or [a.source for a in articles]
        index = {source: i for i, source in enumerate(sources)}
        statics = {p.source: p for p in self.site.pages}
        lists: dict[str, set[int | None]] = {}
        periods: set[str] = set()
        digests: set[str] = set()
        redirected: list[Article] = []
        pages: list[Page] = []
        for key in sorted(keys):
            kind, _, rest = key.partition(" ")
            if kind == "l":  # l home 3, l tag pakistan -, l lang ur 2, l ur:tag pakistan -
                name, _, number = rest.rpartition(" ")
                lists.setdefault(name, set()).add(None if number == "-" else int(number))
            elif kind == "d":
                periods.add(rest)
            elif kind == "e":
                digests.add(key)
            elif kind == "r" and (rest in index or rest in statics):
                redirected.append(articles[index[rest]] if rest in index else statics[rest])
            else:
                pages += self._pages_of_key(kind, rest, index, statics)
        pages += self._list_pages_for(lists)
        if periods:
            pages += self.archive_pages(periods)
        if digests:
            pages += self.digest_pages(digests)
        pages += alias_pages_of(redirected, self.config)
        feed_paths = {key[2:] for key in keys if key.startswith("f ")}
        if feed_paths:
            pages += feed_pages(self.site, self.config, feed_paths)
        return pages

    def _pages_of_key(self, kind: str, rest: str, index: dict[str, int], statics: dict[str, Article]) -> list[Page]:
        """:meth:`pages_for` of a key that names its pages alone (an article's with its share
        cards, a static page, the news sitemap and robots.txt, the offline files, a term index,
        the site's own pages)."""
        if kind == "a" and rest in index:
            return [self.article_page(index[rest]), *self.share_pages(index[rest])]
        if kind == "p" and rest in statics:
            return [self.static_page(statics[rest])]
        if kind == "n":
            return [*news_pages(self.site, self.config, self.now), robots_page(self.site, self.config, self.now)]
        if kind == "w":
            return worker_pages(self.site, self.config)
        if kind == "s":
            return self.site_pages()
        if kind == "t":
            return [self.term_index_page(rest, dict(self.taxonomies())[rest])]
        return []

    def _list_pages_for(self, lists: dict[str, set[int | None]]) -> list[Page]:
        """:meth:`pages_for` of the ``l`` keys: page numbers (None: the first) by list name."""
        terms = {f"{t.kind} {t.slug}": t for _kind, group in self.taxonomies() for t in group}
        for lang in self.served:
            terms.update({f"{lang}:{t.kind} {t.slug}": t for t in self.language_terms(lang)})
        pages: list[Page] = []
        for name, numbers in sorted(lists.items()):
            if name == "home":
                pages += self.home_pages(numbers)
            elif name.startswith("lang "):
                pages += self.home_pages(numbers, lang=name[5:])
            elif name in terms:
                lang = name.partition(":")[0] if ":" in name.partition(" ")[0] else None
                pages += self.term_pages(terms[name], numbers, lang=lang)
        return pages

    def shapes(self, part: str | None = None) -> dict[str, tuple]:
        """Each page key of the site (but ``s``, ``m``, ``n`` and redirects) with its *shape*:
        what its page takes from the site's arrangement (which stories it lists, in what
        order, next to which; term names and counts; page numbers), named by source, so that
        it is made without reading an article. A rebuild that arranged the site again plans
        the pages whose shape changed (:func:`site_gen.identities.dirty`); what the page takes
        from the articles themselves, it reads (:attr:`Page.reads`). With ``part``, one of
        :data:`SHAPE_PARTS` only."""
        shapes: dict[str, tuple] = {}
        if part != "lists":
            src, columns = self.article_shapes()
            shapes.update(article_shapes_by_key(src, columns))
            shapes.update(self.around_shapes(src, columns[-1]))
        if part != "articles":
            self._list_shapes(self.sources(), shapes)
        return shapes

    def sources(self) -> tuple[str, ...]:
        """The articles' sources, in the site's order."""
        site = self.site
        return tuple(getattr(site.articles, "sources", None) or [a.source for a in site.articles])

    def article_shapes(self) -> tuple[tuple[str, ...], tuple[tuple, tuple, list, list]]:
        """The article pages' :meth:`shapes` as columns: the sources in the site's order, and
        aligned with them the story newer and the one older, the related stories and the
        terms (:func:`article_shapes_by_key` makes the shapes of them)."""
        src = self.sources()
        of = src.__getitem__  # the sources at some indexes: tuple(map(of, indexes)), mapped in C
        count = len(src)
        newer, older = (None, *src)[:count], (*src[1:], None)[:count]
        related = [tuple(map(of, r)) for r in self.site.related]
        return src, (newer, older, related, _all_named(self.site.article_terms))

    def around_shapes(self, src: tuple[str, ...], named: list[tuple]) -> dict[str, tuple]:
        """The other :meth:`shapes` of the first of :data:`SHAPE_PARTS`: the static pages
        (which take nothing from the arrangement), the date and digest pages, the feeds and
        the offline list; ``src`` and ``named`` as :meth:`article_shapes` gives them."""
        pages = self.site.pages
        shapes = {f"p {source}": () for source in getattr(pages, "sources", None) or [p.source for p in pages]}
        self._archive_shapes(src, shapes)
        self._feed_shapes(src, named, shapes)
        return shapes

    def _list_shapes(self, src: list[str], shapes: dict[str, tuple]) -> None:
        """:meth:`shapes` of the paginated lists (front pages, terms) and the term indexes."""
        site = self.site
        per = self.config.per_page
        blocks = (self.home_reads(()), _named({"section": site.sections, "tag": (), "author": ()}))
        lists = [("home", None, range(len(src)), blocks)]
        lists += [(f"{t.kind} {t.slug}", t, t.articles, ()) for _kind, group in self.taxonomies() for t in group]
        for lang in self.served:  # a language's front page and lists, and what they link in other languages
            lists.append((f"lang {lang}", None, site.languages[lang], tuple(self.served)))
            lists += [
                (f"{lang}:{t.kind} {t.slug}", t, t.articles, tuple(self.term_versions(self.full_term(t))))
                for t in self.language_terms(lang)
            ]
        for name, term, indexes, first in lists:
            chunks = paginate(indexes, per)
            last = len(chunks) - 1
            for number, chunk in chunks:
                shown = tuple(map(src.__getitem__, chunk))
                nav = last if number is None else number < last  # the links to the next pages
                if term is None:
                    shape = (nav, shown, first if number is None else ())
                else:
                    shape = (nav, shown, term.name, len(term.articles) if number is None else None, first)
                shapes[f"l {name} {'-' if number is None else number}"] = shape
        for kind, group in self.taxonomies():
            latest = site.latest_change.get(kind)
            listed = tuple([(t.name, t.path, len(t.articles)) for t in group])
            shapes[f"t {kind}"] = (listed, src[latest] if latest is not None else None)

    def _archive_shapes(self, src: list[str], shapes: dict[str, tuple]) -> None:
        """:meth:`shapes` of the date pages and the digest pages."""
        site = self.site
        for periods in (site.years, site.months, site.days):
            for n, period in enumerate(periods):
                newer = periods[n - 1].path if n else None
                older = periods[n + 1].path if n + 1 < len(periods) else None
                children = tuple([(self.link(c.path), len(c.articles)) for c in self.finer(period)])
                shown = tuple([src[i] for i in period.articles])
                shapes[f"d {period.path}"] = (newer, older, children, shown, src[period.latest])
        for period in site.days:
            for lang, shown in self.digest_split(period).items():
                shapes[self.digest_key(period, lang)] = tuple([src[i] for i in shown])

    def _feed_shapes(self, src: list[str], named: list[tuple], shapes: dict[str, tuple]) -> None:
        """:meth:`shapes` of the feeds and of the offline reading list."""
        site = self.site
        items = self.config.feed_items
        entry = [(src[i], named[i]) for i in range(min(len(src), items))]
        for path in (urls.ATOM_FEED, urls.RSS_FEED, urls.JSON_FEED):
            shapes[f"f {path}"] = tuple(entry)
        for term in (*site.sections, *site.tags):
            shown = tuple([(src[i], named[i]) for i in term.articles[:items]])
            shapes[f"f {urls.term_feed_path(term.kind, term.slug)}"] = (term.name, term.path, shown)
        if self.config.offline_stories:
            shapes["w"] = tuple(src[i] for i in offline.offline_articles(site, self.config))
        for lang in self.served:
            shown = tuple([(src[i], named[i]) for i in site.languages[lang][:items]])
            for path, _template in feeds.SITE_FEEDS:
                shapes[f"f {urls.language_path(lang, path)}"] = shown

    def static_page(self, p: Article) -> Page:
        view = self.meta(
            p.title,
            p.path,
            p.summary,
            p.lang,
            modified=p.updated or (p.date if "date" in p.lines else None),
            image=metadata.image_of(p, self.config),
            jsonld=[self.crumbs((p.title, p.path))],
        )
        context = {"page": view, "article": self.article_view(p, None)}
        reads = (identities.whole(p.source), *identities.links(p, self.config))
        return Page(p.path, "page.html", context, p.source, key=f"p {p.source}", reads=reads)

    def taxonomies(self) -> tuple[tuple[str, tuple[Term, ...]], ...]:
        return (("tag", self.site.tags), ("section", self.site.sections), ("author", self.site.authors))

    def term_index_page(self, kind: str, terms: tuple[Term, ...]) -> Page:
        """Every tag (section, author) with its count."""
        index_path = urls.taxonomy_index_path(kind)
        title = TAXONOMY_TITLES[kind]
        latest = self.site.latest_change.get(kind)
        page = self.meta(
            title,
            index_path,
            modified=self._changed[latest] if latest is not None else None,
            jsonld=[self.crumbs((title, index_path))],
        )
        context = {"page": page, "kind": kind, "terms": [self.term_view(t) for t in terms]}
        return Page(index_path, "terms.html", context, key=f"t {kind}")

    def term_pages(self, term: Term, numbers: set[int | None] | None = None, lang: str | None = None) -> list[Page]:
        """The list of a tag, section or author (see :meth:`list_pages` for ``numbers``); with
        ``lang``, its list in that language (``term`` of its stories in it, :meth:`language_terms`)."""
        kind = term.kind
        index_path = urls.taxonomy_index_path(kind)
        title = TAXONOMY_TITLES[kind]
        path = term.path if lang is None else urls.language_path(lang, term.path)
        extra = {"term": dict(self.term_view(term), kind=kind, url=self.link(path))}
        # Older pages do not show the count, so a new story leaves them as they were.
        older_extra = {"term": dict(extra["term"], count=None)}
        own_feeds = [feeds.term_feed_link(term, self.config)] if kind in ("tag", "section") and lang is None else []
        crumbs = [self.crumbs((title, index_path), (term.name, path))]
        versions = self.term_versions(self.full_term(term)) if kind in LANGUAGE_PATHS else []
        return self.list_pages(
            f"{kind} {term.slug}" if lang is None else f"{lang}:{kind} {term.slug}",
            path,
            "term.html",
            term.name,
            term.articles,
            extra,
            older_extra,
            own_feeds,
            crumbs,
            numbers,
            lang=lang or "",
            alternates=self.hreflang(versions),
        )

    def home_pages(self, numbers: set[int | None] | None = None, lang: str | None = None) -> list[Page]:
        """The front page (lead, latest, a block per menu section, other languages) and older pages;
        with ``lang``, the front page of that language's stories (``/ur/``: lead and latest)."""
        empty = {"lead": None, "sections": [], "languages": []}
        first_path = "" if lang is None else urls.language_path(lang, "")
        fronts = [(self.default_lang, ""), *((code, urls.language_path(code, "")) for code in self.served)]
        pages = self.list_pages(
            "home" if lang is None else f"lang {lang}",
            first_path,
            "home.html",
            self.config.title if lang is None else self.language_name(lang),
            range(len(self.site.articles)) if lang is None else self.site.languages.get(lang, ()),
            empty,
            jsonld=metadata.home(self.config) if lang is None else None,
            numbers=numbers,
            lang=lang or "",
            alternates=self.hreflang(fronts),
        )
        first = pages[0] if pages and pages[0].path == first_path else None
        cards = first.context["cards"] if first else None
        if not cards:
            return pages
        home_lang = lang or self.config.language
        candidates = [c for c in cards[:5] if c["image"] and c["image"]["src"]]
        lead = next((c for c in candidates if c["lang"] == home_lang), candidates[0] if candidates else cards[0])
        latest = [c for c in cards if c is not lead and c["lang"] == home_lang]
        context = dict(first.context, lead=lead, cards=latest)
        if lang is None:
            context["sections"] = self.home_sections(lead)
            context["languages"] = self.home_languages(lead)
        reads = self.home_reads(first.reads) if lang is None else first.reads
        pages[0] = Page(first.path, first.template, context, key=first.key, reads=reads)
        return pages

    def home_reads(self, listed: tuple[str, ...]) -> tuple[str, ...]:
        """What the front page reads: its list, and the cards of its section blocks and language
        columns (one more than each shows, since the lead is left out of them)."""
        sources = [*listed]
        by_slug = {t.slug: t for t in self.site.sections}
        for name in self.config.menu:
            term = by_slug.get(urls.term_slug(name))
            if term is not None:
                sources += self.card_reads(term.articles[: SECTION_CARDS + 1])
        for lang, indexes in self.site.languages.items():
            if lang != self.config.language:
                sources += self.card_reads(indexes[: LANGUAGE_CARDS + 1])
        return tuple(dict.fromkeys(sources))

    def card_reads(self, indexes) -> list[str]:
        articles = self.site.articles
        sources = getattr(articles, "sources", None)
        if sources is not None:
            return [identities.card(sources[i]) for i in indexes]
        return [identities.card(articles[i].source) for i in indexes]

    def home_sections(self, lead: dict) -> list[dict]:
        by_slug = {t.slug: t for t in self.site.sections}
        blocks = []
        for name in self.config.menu:
            term = by_slug.get(urls.term_slug(name))
            if term is None:
                continue
            cards = [self.card(i) for i in term.articles[: SECTION_CARDS + 1]]
            cards = [c for c in cards if c is not lead][:SECTION_CARDS]
            blocks.append({"name": term.name, "url": self.link(term.path), "cards": cards})
        return blocks

    def home_languages(self, lead: dict) -> list[dict]:
        found: dict[str, list[dict]] = {}
        for lang, indexes in self.site.languages.items():
            if lang != self.config.language:
                cards = [card for card in map(self.card, indexes[: LANGUAGE_CARDS + 1]) if card is not lead]
                if cards:
                    found[lang] = cards[:LANGUAGE_CARDS]
        return [
            {
                "lang": lang,
                "dir": self.direction(lang),
                "name": self.language_name(lang),
                "url": self.link(urls.language_path(lang, "")) if lang in self.served else None,
                "cards": cards,
            }
            for lang, cards in sorted(found.items())
        ]

    def article_page(self, i: int) -> Page:
        """An article's page; its deps and reads are made when asked for."""
        a = self.site.articles[i]
        make, deps, reads = self._article_parts
        return Page(
            a.path,
            "article.html",
            source=a.source,
            make=make,
            deps_fn=deps,
            key=f"a {a.source}",
            reads=reads,
            lastmod=self.changed_iso(i),
            arg=i,
        )

    def share_view(self, i: int) -> dict[str, dict]:
        """An article's share images by size name (:data:`site_gen.share.SIZES`): absolute URL,
        size and alt text, cut from its photo or drawn (:meth:`share_pages`)."""
        a = self.site.articles[i]
        photo = share_photo(a, self.images)
        base = self.config.base_url
        if photo is not None:
            alt = a.image.alt if a.image and local_path(a.image.src or "") == photo else ""
            crops = self.images[photo]["share"]
            return {
                name: {"url": urls.absolute(base, c["path"]), "width": c["width"], "height": c["height"], "alt": alt}
                for name, c in crops.items()
            }
        if not self.own_card(i):  # the same for every older story: made once
            if self._site_card is None:
                self._site_card = self.card_views(share.share_paths(share.SITE_CARD), self.site_card_context)
            return self._site_card
        return self.card_views(share.share_paths(a.path), partial(self.card_context, i))

    def card_views(self, paths: dict[str, str], context) -> dict[str, dict]:
        """Absolute URL and size of each size of a drawn card (``context``: size name → what it shows)."""
        views = {}
        for name, path in paths.items():
            version = share.card_key(context(name))[:10]  # a new URL when the card changes: sites cache by URL
            width, height = share.SIZES[name]
            views[name] = {"url": f"{urls.absolute(self.config.base_url, path)}?v={version}", "width": width}
            views[name].update(height=height, alt="")
        return views

    def own_card(self, i: int) -> bool:
        """Whether article ``i`` (without a photo) is drawn a card of its own: while it is recent."""
        return share.recent(self.site.articles[i].date.at, self.now, self.config.share_cards_days)

    def site_card_context(self, name: str) -> dict:
        """What one size of the site's card shows (:func:`site_gen.share.site_card`)."""
        c = self.config
        address = c.base_url.partition("://")[2].rstrip("/")
        return share.site_card(
            c.title, c.description, address, c.language, self.direction(c.language), share.SIZES[name]
        )

    def site_card_pages(self) -> list[Page]:
        """The site's card, shared by the older stories without a photo; it reads the frame only."""
        paths = share.share_paths(share.SITE_CARD)
        return [
            Page(path, share.TEMPLATE, {"card": self.site_card_context(name)}, key="s") for name, path in paths.items()
        ]

    def card_context(self, i: int, name: str) -> dict:
        """What one size of an article's drawn card shows (its context and its cache key)."""
        a = self.site.articles[i]
        section = self.site.article_terms[i]["section"]
        return {
            "v": share.CARD_VERSION,
            "title": a.title,
            "section": section[0].name if section else "",
            "site": self.config.title,
            "date": share.card_date(a.date.at.date(), a.lang),
            "lang": a.lang,
            "dir": self.direction(a.lang),
            "size": list(share.SIZES[name]),
        }

    def share_pages(self, i: int) -> list[Page]:
        """The drawn share cards of an article without a photo; they read its card
        (headline; its section, date and language are its place). They are the article's
        files, planned with its page (same key): a clash on their paths is reported on it."""
        a = self.site.articles[i]
        if share_photo(a, self.images) is not None or not self.own_card(i):
            return []
        key, reads = f"a {a.source}", (identities.card(a.source),)
        return [
            Page(path, share.TEMPLATE, {"card": self.card_context(i, name)}, a.source, key=key, reads=reads)
            for name, path in share.share_paths(a.path).items()
        ]

    def article_reads(self, i: int) -> tuple[str, ...]:
        """The article itself, the cards of the stories next to it and related to it, and the
        URLs its body links to."""
        count = len(self.site.articles)
        shown = [n for n in (i - 1, i + 1) if 0 <= n < count] + list(self.site.related[i])
        a = self.site.articles[i]
        return (identities.whole(a.source), *self.card_reads(shown), *identities.links(a, self.config))

    def article_deps(self, i: int) -> tuple:
        articles = self.site.articles
        a = articles[i]
        terms = self.site.article_terms[i]
        card_key = self.card_key
        deps = (
            "article",
            identity(a),
            tuple([(t.kind, t.name, t.path) for kind in ("section", "tag", "author") for t in terms[kind]]),
            tuple([card_key(j) for j in self.site.related[i]]),
            self.card_key(i - 1) if i > 0 else None,
            self.card_key(i + 1) if i + 1 < len(articles) else None,
            self.image_dep(a),
            [self.images.get(p) for p, _line in a.body_images],
            self.is_scheduled(a),
            self.own_card(i) if share_photo(a, self.images) is None else None,  # its card, or the site's
            self.versions(i) if self.site.translations and self.site.translations[i] else None,
        )
        return deps

    def article_context(self, i: int) -> dict:
        articles = self.site.articles
        a = articles[i]
        terms = self.site.article_terms[i]
        trail = [(terms["section"][0].name, terms["section"][0].path)] if terms["section"] else []
        shared = self.share_view(i)
        page = self.meta(
            a.title,
            a.path,
            a.summary,
            a.lang,
            modified=self._changed[i],
            image=shared["og"],
            og_article=metadata.article_social(a, terms, self.config),
            jsonld=[
                metadata.news_article(a, terms, self.config, [shared[n]["url"] for n in share.JSONLD_SIZES]),
                self.crumbs(*trail, (a.title, a.path)),
            ],
            alternates=self.hreflang(self.versions(i)),
        )
        return {
            "page": page,
            "article": self.article_view(a, i),
            "related": [self.card(j) for j in self.site.related[i]],
            "newer": self.card(i - 1) if i > 0 else None,
            "older": self.card(i + 1) if i + 1 < len(articles) else None,
        }

    def list_pages(
        self,
        name: str,
        first: str,
        template: str,
        title: str,
        indexes,
        extra: dict,
        older_extra: dict | None = None,
        feeds: list[dict] | None = None,
        jsonld: list[dict] | None = None,
        numbers: set[int | None] | None = None,
        lang: str = "",
        alternates: list[tuple[str, str]] | None = None,
    ) -> list[Page]:
        """Pages of one list (``name``, as in the pages' keys) with stable pagination (see the
        module docstring).

        ``extra`` is added to the context of the first page, ``older_extra``
        (default: ``extra``) to that of the numbered older pages. ``feeds`` are
        linked from every page of the list, ``jsonld`` and ``alternates`` (versions in other
        languages, :meth:`hreflang`) are on its first page; ``lang`` is the list's language.
        With ``numbers``, only the pages of these numbers (None: the first page).
        """
        chunks = paginate(indexes, self.config.per_page)
        archive_count = len(chunks) - 1
        pages = []

        def nav(number: int | None) -> dict:
            newer = older = None
            if number is not None:
                newer = urls.paged_path(first, number + 1 if number < archive_count else None)
                older = urls.paged_path(first, number - 1) if number > 1 else None
            elif archive_count:
                older = urls.paged_path(first, archive_count)
            return {
                "number": number,
                "newer": self.link(newer) if newer is not None else None,
                "older": self.link(older) if older is not None else None,
            }

        card_key = self.card_key

        def page(number: int | None, chunk: list[int]) -> Page:
            path = urls.paged_path(first, number)
            if number is None:
                label = title
            elif lang:  # the page's own words are the template's; its title only numbers it
                label = f"{title} ({local_number(number, self.config.locale_of(lang))})"
            else:
                label = f"{title} — older stories, page {number}"
            own = extra if number is None or older_extra is None else older_extra
            own_jsonld = jsonld if number is None else None
            own_alternates = alternates if number is None else None
            navigation = nav(number)
            lastmod = self.newest(chunk)
            deps = (template, label, tuple([card_key(i) for i in chunk]), own, feeds, own_jsonld, navigation, lastmod)
            if lang or own_alternates:
                deps = (*deps, lang, own_alternates)
            make = partial(
                self.list_context, path, label, chunk, own, feeds, own_jsonld, navigation, lang, own_alternates
            )
            key = f"l {name} {'-' if number is None else number}"
            reads = partial(self.list_reads, chunk)
            return Page(path, template, make=make, deps=deps, key=key, reads=reads, lastmod=lastmod)

        for number, chunk in chunks:
            if numbers is None or number in numbers:
                pages.append(page(number, chunk))
        return pages

    def list_reads(self, chunk: list[int]) -> tuple[str, ...]:
        return tuple(self.card_reads(chunk))

    def list_context(self, path, label, chunk, own, feeds, jsonld, navigation, lang="", alternates=None) -> dict:
        page_meta = self.meta(
            label,
            path,
            lang=lang,
            modified=self.newest_moment(chunk),
            feeds=feeds,
            jsonld=jsonld,
            alternates=alternates,
        )
        return dict(own, page=page_meta, cards=[self.card(i) for i in chunk], pagination=navigation)

    def archive_pages(self, paths: set[str] | None = None) -> list[Page]:
        """Year, month and day pages (with ``paths``: those on these paths)."""
        pages = []
        for periods, template in (
            (self.site.years, "year.html"),
            (self.site.months, "month.html"),
            (self.site.days, "day.html"),
        ):
            for i, period in enumerate(periods):
                if paths is not None and period.path not in paths:
                    continue
                newer = periods[i - 1] if i > 0 else None
                older = periods[i + 1] if i + 1 < len(periods) else None
                # Everything but the cards and the page view, which are made when the page is rendered.
                frame = {
                    "period": self.period_view(period),
                    "newer": self.period_link(newer) if newer else None,
                    "older": self.period_link(older) if older else None,
                    "children": self.children(period),
                    "calendar": self.calendar(period),
                }
                if period.day is not None:
                    frame["digests"] = self.digest_links(period)
                shown = period.articles if period.month else ()
                lastmod = self.changed_iso(period.latest)  # a year page shows no cards, but its lastmod
                deps = (template, frame, tuple(self.card_key(j) for j in shown), lastmod)
                make = partial(self.archive_context, period, frame)
                reads = partial(self.list_reads, shown)
                key = f"d {period.path}"
                pages.append(Page(period.path, template, make=make, deps=deps, key=key, reads=reads, lastmod=lastmod))
        return pages

    def archive_context(self, period: Period, frame: dict) -> dict:
        page = self.meta(
            period_label(period),
            period.path,
            modified=self._changed[period.latest],
            jsonld=[self.crumbs(*self.period_trail(period))],
        )
        cards = [self.card(j) for j in period.articles] if period.month else []
        return dict(frame, page=page, cards=cards)

    # -- the daily digest --------------------------------------------------
    def digest_split(self, period: Period) -> dict[str, list[int]]:
        """A day's stories by the language of its digest pages (:func:`digest_language`), newest
        first: the default language and those with pages of their own (:attr:`served`)."""
        if self._digest_lang is None:
            self._digest_lang = found = [""] * len(self.site.articles)
            langs = self.digest_langs
            for code, indexes in self.site.languages.items():
                lang = digest_language(code)
                for i in indexes if lang in langs else ():
                    found[i] = lang
        split: dict[str, list[int]] = {}
        for i in period.articles:
            lang = self._digest_lang[i]
            if lang:
                split.setdefault(lang, []).append(i)
        return split

    def digest_languages(self, period: Period) -> list[str]:
        """The languages of a day's digest pages, in the site's order."""
        split = self.digest_split(period)
        return [lang for lang in self.digest_langs if lang in split]

    def digest_stories(self, period: Period, lang: str) -> list[int]:
        """The stories of a day's digest in ``lang``, lead first: the newest with a photo to
        share (:func:`~site_gen.images.share_photo`), else the newest; then the others, newest
        first. The e-mail (:func:`site_gen.digest.make_digest`) and the page show these."""
        found = [i for i in period.articles if digest_language(self.site.articles[i].lang) == lang]
        articles = self.site.articles
        lead = next((i for i in found if share_photo(articles[i], self.images) is not None), None)
        if lead is None:
            return found
        return [lead, *[i for i in found if i != lead]]

    def digest_days(self) -> list[tuple[Period, str]]:
        """``(day, language)`` of every digest page."""
        return [(period, lang) for period in self.site.days for lang in self.digest_languages(period)]

    def digest_key(self, period: Period, lang: str) -> str:
        return f"e {lang} {period.path}"

    def digest_path(self, period: Period, lang: str) -> str:
        other = None if lang == self.digest_langs[0] else lang
        return urls.digest_path(period.year, period.month, period.day, other)

    def digest_links(self, period: Period) -> list[dict]:
        """A day page's links to that day's digests, one per language."""
        return [
            {
                "lang": lang,
                "dir": self.direction(lang),
                "name": self.language_name(lang),
                "url": self.link(self.digest_path(period, lang)),
            }
            for lang in self.digest_languages(period)
        ]

    def digest_pages(self, keys: set[str] | None = None) -> list[Page]:
        """The digest page of each day and language (with ``keys``: those of these keys): the
        e-mail's stories (:meth:`digest_stories`) as the site shows them; it reads their cards."""
        if keys is None:
            wanted = self.digest_days()
        else:
            days = {period.path: period for period in self.site.days}
            named = [key.split(" ", 2)[1:] for key in sorted(keys)]
            wanted = [(days[path], lang) for lang, path in named if path in days]
        pages = []
        for period, lang in wanted:
            shown = self.digest_stories(period, lang)
            if not shown:
                continue
            path = self.digest_path(period, lang)
            day = self.period_link(period)
            locale = self.config.locale_of(lang)
            label = period_label(period, locale)
            frame = {"digest": {"label": label, "count": len(shown)}, "day": day}
            lastmod = self.newest(shown)
            deps = ("digest_page.html", lang, frame, tuple([self.card_key(i) for i in shown]), lastmod)
            make = partial(self.digest_context, period, lang, path, frame, shown)
            reads = partial(self.list_reads, shown)
            key = self.digest_key(period, lang)
            pages.append(Page(path, "digest_page.html", make=make, deps=deps, key=key, reads=reads, lastmod=lastmod))
        return pages

    def digest_context(self, period: Period, lang: str, path: str, frame: dict, shown: list[int]) -> dict:
        label = frame["digest"]["label"]
        # The page's own words are the template's: in another language its title is the day alone.
        title = f"Daily digest, {label}" if lang == self.digest_langs[0] else label
        page = self.meta(
            title,
            path,
            lang=lang,
            modified=self.newest_moment(shown),
            jsonld=[self.crumbs(*self.period_trail(period), (title, path))],
        )
        cards = [self.card(i) for i in shown]
        return dict(frame, page=page, lead=cards[0], cards=cards[1:])

    def period_trail(self, period: Period) -> list[tuple[str, str]]:
        """``2025`` → ``July 2025`` → ``20 July 2025`` as breadcrumbs."""
        levels = [(period.year, None, None)]
        if period.month is not None:
            levels.append((period.year, period.month, None))
        if period.day is not None:
            levels.append((period.year, period.month, period.day))
        return [(period_label(Period(*k, "", ())), urls.archive_path(*k)) for k in levels]

    def period_view(self, period: Period) -> dict:
        return {"label": period_label(period), "url": self.link(period.path), "count": len(period.articles)}

    def period_link(self, period: Period) -> dict:
        """A neighbouring period, without its count: its new stories leave this page unchanged."""
        return {"label": period_label(period), "url": self.link(period.path)}

    def calendar(self, period: Period) -> dict | None:
        """A year's twelve months, or a month's weeks (Monday first), with story counts."""
        if period.day is not None:
            return None
        if period.month is None:
            months = {p.month: p for p in self._months_of.get(period.year, ())}
            return {
                "months": [
                    {
                        "label": month_names()[m - 1],
                        "url": self.link(months[m].path) if m in months else None,
                        "count": len(months[m].articles) if m in months else 0,
                    }
                    for m in range(1, 13)
                ]
            }
        days = {p.day: p for p in self._days_of.get((period.year, period.month), ())}
        weeks = []
        for week in calendar.Calendar(firstweekday=0).monthdayscalendar(period.year, period.month):
            cells = []
            for day in week:
                if day == 0:
                    cells.append(None)
                    continue
                p = days.get(day)
                cells.append(
                    {
                        "day": day,
                        "label": period_label(Period(period.year, period.month, day, "", ())),
                        "url": self.link(p.path) if p else None,
                        "count": len(p.articles) if p else 0,
                    }
                )
            weeks.append(cells)
        return {"weekdays": weekday_names(), "weeks": weeks}

    def children(self, period: Period) -> list[dict]:
        return [self.period_view(p) for p in self.finer(period)]

    def finer(self, period: Period) -> list[Period]:
        """A year's months, a month's days (newest first); none for a day."""
        if period.day is not None:
            return []
        if period.month is None:
            return self._months_of.get(period.year, [])[::-1]
        return self._days_of.get((period.year, period.month), [])[::-1]


def digest_language(code: str) -> str:
    """The language a story's ``lang`` counts for in the digest: its base code (``en-GB`` → ``en``)."""
    return code.split("-")[0].lower()


def feed_pages(site: Site, config: Config, paths: set[str] | None = None) -> list[Page]:
    """The feeds (those on ``paths``, when given), made when rendered.
    A feed reads the whole of each article it shows (its body is in it)."""
    sources = getattr(site.articles, "sources", None)

    def reads(shown) -> tuple[str, ...]:
        return tuple(identities.whole(sources[i] if sources else site.articles[i].source) for i in shown)

    return [
        Page(path, template, make=make, deps=deps, key=f"f {path}", reads=partial(reads, shown))
        for path, template, deps, make, shown in feeds.lazy_feeds(site, config, paths)
    ]


def _named(terms: dict[str, tuple[Term, ...]]) -> tuple:
    """An article's terms as its pages and feed entries show them."""
    return _all_named([terms])[0]


def article_shapes_by_key(src: tuple[str, ...], columns: tuple) -> dict[str, tuple]:
    """The article pages' shapes by page key, from :meth:`Planner.article_shapes`."""
    return dict(zip(map("a ".__add__, src), zip(*columns, strict=True), strict=True))


def _all_named(article_terms) -> list[tuple]:
    """:func:`_named` of each article, in order: its sections, tags and authors as
    ``(kind, name, path)``, each tuple of terms (most are shared: an article's section, its
    author, often its tags) made once."""
    made: dict[int, tuple] = {}

    def shown(terms: tuple[Term, ...]) -> tuple:
        found = made.get(id(terms))
        if found is None:
            found = made[id(terms)] = tuple([(t.kind, t.name, t.path) for t in terms])
        return found

    return [shown(terms["section"]) + shown(terms["tag"]) + shown(terms["author"]) for terms in article_terms]


def paginate(indexes, per: int) -> list[tuple[int | None, list[int]]]:
    """A list's pages with stable pagination (see the module docstring): ``(None, newest)``
    first, then ``(number, chunk)`` for each older page, the newest of them first."""
    items = list(indexes)
    full, rest = divmod(len(items), per)
    archive_count = max(full - 1, 0)
    chunks: list[tuple[int | None, list[int]]] = [(None, items[: rest + per] if archive_count else items)]
    total = len(items)
    chunks += [(n, items[total - n * per : total - (n - 1) * per]) for n in range(1, archive_count + 1)]
    return chunks


def plan_pages(
    site: Site,
    config: Config,
    now: datetime | None = None,
    images: dict[str, dict] | None = None,
) -> tuple[list[Page], list[ContentError]]:
    """Every page of the site, and the errors of pages that would collide.

    ``now`` is the build's clock, for the news sitemap's 48-hour window
    (left empty without a clock). ``images`` are the responsive views of local
    images (see :mod:`site_gen.images`); without them, images are linked as they are.
    """
    planner = Planner(site, config, images, now)
    pages = planner.pages()
    pages += alias_pages(site, config)
    pages += feed_pages(site, config)
    entries = sorted(sitemap_entries(pages), key=by_path)
    alternates = planner.all_alternates()
    pages += sitemap_pages(entries, config, alternates)
    pages += news_pages(site, config, now)
    pages.append(robots_page(site, config, now))
    pages += worker_pages(site, config)
    errors = list(site.translation_errors)
    return pages, errors + find_collisions(pages, site)


def some_pages(
    site: Site,
    config: Config,
    now: datetime | None,
    images: dict[str, dict],
    keys: set[str],
    sitemap: dict[str, str | None],
) -> tuple[list[Page], dict[str, str | None]]:
    """The pages of these keys (:meth:`Planner.pages_for`), and the sitemap entries of the
    site: the last build's (``sitemap``, by path) with those of the pages planned. The
    sitemaps are planned too when ``m`` is among the keys."""
    planner = Planner(site, config, images, now)
    pages = planner.pages_for(keys)
    entries = dict(sitemap)
    entries.update(sitemap_entries(pages))
    if "m" in keys:  # one entry a path: the plain sort orders them by path, without a key function
        pages += sitemap_pages(sorted(entries.items()), config, planner.all_alternates())
    return pages, entries


def sitemap_pages(entries: list[tuple[str, str | None]], config: Config, alternates: dict) -> list[Page]:
    """The sitemaps (key ``m``, :func:`site_gen.sitemaps.sitemap_files`), their contexts made when rendered."""
    files = sitemaps.sitemap_files(entries, config, alternates=alternates)
    return [Page(path, template, make=make, deps=deps, key="m") for path, template, make, deps in files]


def whole_reads(site: Site, shown) -> tuple[str, ...]:
    sources = getattr(site.articles, "sources", None)
    return tuple(identities.whole(sources[i] if sources else site.articles[i].source) for i in shown)


def news_pages(site: Site, config: Config, now: datetime | None) -> list[Page]:
    """The news sitemap, which reads the titles of the stories in its window; none when the
    window is empty (see :func:`site_gen.sitemaps.news_output`)."""
    shown = sitemaps.news_articles(site, now)
    if not shown:
        return []
    return [Page(*sitemaps.news_output(site, config, now), key="n", reads=whole_reads(site, shown))]


def robots_page(site: Site, config: Config, now: datetime | None) -> Page:
    """``robots.txt``: planned with the news sitemap (key ``n``), which it names when there is one."""
    return Page(*sitemaps.robots_output(config, bool(sitemaps.news_articles(site, now))), key="n")


def worker_pages(site: Site, config: Config) -> list[Page]:
    """The service worker (:mod:`site_gen.offline`): it keeps the newest stories whole."""
    if not config.offline_stories:
        return []
    shown = offline.offline_articles(site, config)
    return [Page(*offline.worker_output(site, config, shown), key="w", reads=whole_reads(site, shown))]


def by_path(entry: tuple[str, str | None]) -> str:
    return entry[0]


def sitemap_entries(pages: list[Page]) -> list[tuple[str, str | None]]:
    """``(path, lastmod)`` of every HTML page to index: not redirects, nor ``noindex`` pages (404).

    The sitemap lists them by path: a rebuild that plans only the pages a new story
    changes updates the last build's list (see :func:`some_pages`)."""
    return [entry for entry in map(Page.sitemap_entry, pages) if entry is not None]


def alias_pages(site: Site, config: Config) -> list[Page]:
    """Small redirect pages at each article's old URLs."""
    return alias_pages_of((*site.articles, *site.pages), config)


def alias_pages_of(articles, config: Config) -> list[Page]:
    """The redirect pages of some articles."""
    pages = []
    for a in articles:
        target = urls.absolute(config.base_url, a.path)
        for alias in a.aliases:
            context = {
                "target": target,
                "title": a.title,
                "lang": a.lang,
                "dir": "rtl" if config.is_rtl(a.lang) else "ltr",
            }
            pages.append(
                Page(
                    alias, "redirect.html", context, a.source, key=f"r {a.source}", reads=(identities.whole(a.source),)
                )
            )
    return pages


def find_collisions(pages: list[Page], site: Site) -> list[ContentError]:
    """Two pages on one URL, and a page written as a file where another needs a folder (alias
    ``/rss.xml/`` and the RSS feed): an error on the content file involved, naming the other
    (:func:`site_gen.urls.output_clashes`; capitals are ``check``'s)."""
    sources = {a.source: a for a in (*site.articles, *site.pages)}
    errors = []
    for clash in urls.output_clashes([page.rel for page in pages], fold=False):
        page, other = pages[clash.index], pages[clash.other]
        if clash.kind == urls.UNDER:
            errors.append(_folder_error(page, other, sources))
        elif not (_is_share(page) and _is_share(other)):  # beside their articles' pages, which clash too
            errors.append(_same_url_error(page, other, sources))
    return errors


def _is_share(page: Page) -> bool:
    """An article's share card (the site's own are key ``s``)."""
    return page.template == share.TEMPLATE and page.key != "s"


def _same_url_error(page: Page, other: Page, sources: dict) -> ContentError:
    # Report on the later content file, or on the earlier one when the later page is the site's own.
    mine, theirs = (page, other) if page.source or not other.source else (other, page)
    article = sources.get(mine.source)
    is_alias = mine.template == "redirect.html"
    key = "aliases" if is_alias else ("slug" if article and "slug" in article.lines else "title")
    line = article.lines.get(key, 1) if article else 0
    what = "an alias" if is_alias else ("this page" if article and article.kind == "page" else "this article")
    clash = theirs.source or f"the site's own page ({theirs.template})"
    if is_alias:
        hint = "remove or change the alias"
    elif theirs.source:
        hint = "give one of them a different `slug:`"
    else:
        hint = "choose another `slug:`"
    return ContentError(mine.source or "(site)", line, f"{what} is on the same URL as {clash}: /{page.path}", hint)


def _folder_error(page: Page, other: Page, sources: dict) -> ContentError:
    """``page`` needs a folder where ``other`` is a file."""
    mine, theirs = (page, other) if page.source else (other, page)
    article = sources.get(mine.source)
    key = "aliases" if mine.template == "redirect.html" else "slug"
    line = article.lines.get(key, 1) if article else 0
    clash = theirs.source or "a page of the site"
    return ContentError(
        mine.source or "(site)",
        line,
        f"/{page.path} needs a folder where {clash} writes the file /{other.path}",
        "remove or change the alias" if key == "aliases" else "choose another `slug:`",
    )
