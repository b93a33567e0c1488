"""Feeds: Atom 1.0, RSS 2.0 and JSON Feed 1.1 views of the newest articles; pure.

=====================  =====================================================
``feed.xml``           Atom (RFC 4287), the whole site
``rss.xml``            RSS 2.0, the whole site, for old readers
``feed.json``          JSON Feed 1.1, the whole site
``sections/x/feed.xml``  Atom, one section
``tags/x/feed.xml``    Atom, one tag
=====================  =====================================================

Each feed holds the newest ``feed_items`` articles (``site.yaml``, default
20) with their full body, authors, section and tags, and their published and
updated times. Links inside bodies are made absolute, since feed readers show
them away from the site.

**Entry ids** (Atom ``id``, RSS ``guid``, JSON Feed ``id``) are ``tag:`` URIs
(RFC 4151) made of three things that do not change when an article is edited::

    tag:bulletin.example.org,2025-07-20:articles/2025/07/pakistan-afghanistan-pledge

the host of ``base_url``, the day of the article's ``date`` and the article's
file under ``content/`` without ``.md``. Editing the title, slug, summary,
body, tags or the time of day keeps the id, so readers do not show the story
twice. The id changes when the file is renamed or moved, the ``date`` moves
to another day, or the site moves to another domain; to keep it then, write
the old id in front matter as ``id:`` (an ``id`` with a ``:`` is used as it
is; other text replaces the file part).

The views are plain data; the templates in ``templates/feeds/`` turn them
into XML (escaped by Jinja's autoescape) and JSON (``|tojson``), see
:mod:`site_gen.render`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, NamedTuple

from . import urls
from .collect import served_languages
from .config import Config
from .dates import Moment
from .metadata import image_of, modified, newest_change
from .model import Article, Site, Term, identity

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
#: Used as a feed's ``updated`` time when it has no entries (Atom requires one).
EPOCH = "1970-01-01T00:00:00+00:00"
_ROOT_LINK = re.compile(r'(\s(?:href|src)=")/(?!/)')
_FRAGMENT_LINK = re.compile(r'(\shref=")#')


class Output(NamedTuple):
    """One file for :mod:`site_gen.plan` to wrap in a ``Page``."""

    path: str
    template: str
    context: dict[str, Any]


def entry_id(article: Article, config: Config) -> str:
    """The stable id of an article in every feed (see the module docstring)."""
    given = article.extra.get("id")
    day = article.date.at.date().isoformat()
    if isinstance(given, str) and given.strip():
        given = given.strip()
        return given if ":" in given else urls.tag_uri(config.base_url, day, given)
    return urls.tag_uri(config.base_url, day, source_key(article.source))


def source_key(source: str) -> str:
    """``content/articles/2025/07/x.md`` → ``articles/2025/07/x``: the file inside ``content/``."""
    parts = source.split("/")
    for folder in ("articles", "pages"):
        if folder in parts[:-1]:
            last = len(parts) - 1 - parts[::-1].index(folder)
            parts = parts[last:]
            break
    key = "/".join(parts)
    return key[:-3] if key.endswith(".md") else key


def absolute_links(html: str, base_url: str, page_url: str) -> str:
    """Make root-relative (``/x/``) and fragment (``#fn1``) links of a body absolute."""
    origin = base_url.split("/", 3)
    root = "/".join(origin[:3])
    html = urls.body_links(html, "/" + (origin[3] if len(origin) > 3 else ""))  # under base_url's path
    html = _ROOT_LINK.sub(lambda m: m.group(1) + root + "/", html)
    if 'href="#' not in html:  # most bodies have no footnotes: skip the slow scan
        return html
    return _FRAGMENT_LINK.sub(lambda m: m.group(1) + page_url + "#", html)


def _time(moment: Moment) -> dict:
    return {"iso": moment.timestamp_iso(), "rfc822": moment.rfc822()}


class FeedPlanner:
    """Feed files of one site; entries are built once and shared by every feed."""

    def __init__(self, site: Site, config: Config):
        self.site = site
        self.config = config
        self._entries: dict[int, dict] = {}
        self._deps: dict[int, tuple] = {}

    def absolute(self, path: str) -> str:
        return urls.absolute(self.config.base_url, path)

    def entry(self, index: int) -> dict:
        """Plain view of one article for every feed format."""
        if index in self._entries:
            return self._entries[index]
        a = self.site.articles[index]
        terms = self.site.article_terms[index] if self.site.article_terms else {}
        url = self.absolute(a.path)
        categories = [
            {"term": t.name, "scheme": self.absolute(urls.taxonomy_index_path(t.kind)), "url": self.absolute(t.path)}
            for t in (*terms.get("section", ()), *terms.get("tag", ()))
        ]
        authors = [{"name": t.name, "url": self.absolute(t.path)} for t in terms.get("author", ())]
        if not authors and a.authors:
            authors = [{"name": name, "url": None} for name in a.authors]
        entry = {
            "id": entry_id(a, self.config),
            "title": a.title,
            "url": url,
            "lang": a.lang,
            "summary": a.summary,
            "html": body_ref(a, self.config.base_url, url),
            "published": _time(a.date),
            "updated": _time(modified(a)),
            "authors": authors,
            "categories": categories,
            "tags": [t.name for t in terms.get("tag", ())],
            "section": terms["section"][0].name if terms.get("section") else "",
            "image": image_of(a, self.config),
        }
        self._entries[index] = entry
        return entry

    def feed_view(
        self, title: str, self_path: str, page_path: str, indexes: Sequence[int], feed_id: str, lang: str = ""
    ) -> dict:
        """Header and entries of one feed."""
        chosen = list(indexes)[: self.config.feed_items]
        entries = [self.entry(i) for i in chosen]
        newest = newest_change(self.site.articles[i] for i in chosen)
        logo = self.config.publisher.logo
        return {
            "id": feed_id,
            "title": title,
            "subtitle": self.config.description,
            "self": self.absolute(self_path),
            "home": self.absolute(page_path),
            "base": self.config.base_url,
            "lang": lang or self.config.language,
            "updated": _time(newest) if newest else {"iso": EPOCH, "rfc822": ""},
            "publisher": self.config.publisher.name,
            "logo": urls.absolute_src(self.config.base_url, logo) if logo else None,
            "entries": entries,
        }

    def entry_dep(self, index: int) -> tuple:
        """What decides :meth:`entry`: the article's identity and its terms' names and paths."""
        dep = self._deps.get(index)
        if dep is None:
            a = self.site.articles[index]
            terms = self.site.article_terms[index] if self.site.article_terms else {}
            named = tuple(
                (t.kind, t.name, t.path) for kind in ("section", "tag", "author") for t in terms.get(kind, ())
            )
            dep = self._deps[index] = (identity(a), named)
        return dep

    def lazy(self, paths: set[str] | None = None) -> list[tuple[str, str, tuple, Callable[[], dict], Sequence[int]]]:
        """``(path, template, deps, make, shown)`` of every feed: ``deps`` decides the context
        ``make()`` returns, ``shown`` are the indexes of the articles it shows.

        Every feed shows the first ``feed_items`` articles of its list; the
        configuration (title, base URL…) is the same for the whole build.
        With ``paths``, just the feeds on those paths.
        """
        items = self.config.feed_items
        chosen = range(min(len(self.site.articles), items))
        result = []
        if paths is None or not paths.isdisjoint(path for path, _template in SITE_FEEDS):
            site_deps = ("site feed", tuple(self.entry_dep(i) for i in chosen))
            for number, (path, template) in enumerate(SITE_FEEDS):
                if paths is None or path in paths:
                    make = lambda n=number: self.site_outputs()[n].context  # noqa: E731
                    result.append((path, template, site_deps, make, chosen))
        for lang in served_languages(self.site, self.config):
            shown = self.site.languages[lang][:items]
            lang_deps = ("language feed", lang, tuple(self.entry_dep(i) for i in shown))
            for number, (path, template) in enumerate(SITE_FEEDS):
                if paths is None or urls.language_path(lang, path) in paths:
                    make = lambda n=number, code=lang: self.site_outputs(code)[n].context  # noqa: E731
                    result.append((urls.language_path(lang, path), template, lang_deps, make, shown))
        for term in (*self.site.sections, *self.site.tags):
            shown = term.articles[:items]
            path = urls.term_feed_path(term.kind, term.slug)
            if paths is not None and path not in paths:
                continue
            deps = ("term feed", term.kind, term.name, term.path, tuple(self.entry_dep(i) for i in shown))
            result.append((path, "feeds/atom.xml", deps, lambda t=term: self.term_feed(t).context, shown))
        return result

    def outputs(self) -> list[Output]:
        """Every feed file of the site."""
        result = self.site_outputs()
        for lang in served_languages(self.site, self.config):
            result += self.site_outputs(lang)
        for term in (*self.site.sections, *self.site.tags):
            result.append(self.term_feed(term))
        return result

    def site_outputs(self, lang: str | None = None) -> list[Output]:
        """The site's Atom, RSS and JSON feeds; with ``lang``, those of its stories in that
        language (``ur/feed.xml``…), for a language with a front page of its own."""
        at = (lambda path: path) if lang is None else partial(urls.language_path, lang)
        shown = range(len(self.site.articles)) if lang is None else self.site.languages[lang]
        title = self.config.title
        if lang is not None:
            known = self.config.language_of(lang)
            title = f"{title} — {known.name if known else lang}"
        site_feed = self.feed_view(title, at(urls.ATOM_FEED), at(""), shown, self.absolute(at("")), lang or "")
        result = [
            Output(at(urls.ATOM_FEED), "feeds/atom.xml", {"feed": site_feed}),
            Output(
                at(urls.RSS_FEED),
                "feeds/rss.xml",
                {"feed": dict(site_feed, self=self.absolute(at(urls.RSS_FEED)))},
            ),
            Output(at(urls.JSON_FEED), "feeds/feed.json", {"feed": self.json_feed(site_feed, at(urls.JSON_FEED))}),
        ]
        return result

    def term_feed(self, term: Term) -> Output:
        path = urls.term_feed_path(term.kind, term.slug)
        title = f"{term.name} — {self.config.title}"
        view = self.feed_view(title, path, term.path, term.articles, self.absolute(term.path))
        return Output(path, "feeds/atom.xml", {"feed": view})

    def json_feed(self, feed: dict, path: str = urls.JSON_FEED) -> dict:
        """The JSON Feed 1.1 document: optional fields are left out rather than null."""
        items = []
        for e in feed["entries"]:
            item: dict[str, Any] = {
                "id": e["id"],
                "url": e["url"],
                "title": e["title"],
                "content_html": e["html"],
                "date_published": e["published"]["iso"],
                "date_modified": e["updated"]["iso"],
                "language": e["lang"],
            }
            if e["summary"]:
                item["summary"] = e["summary"]
            if e["image"]:
                item["image"] = e["image"]["url"]
            if e["authors"]:
                item["authors"] = [{k: v for k, v in author.items() if v} for author in e["authors"]]
            tags = ([e["section"]] if e["section"] else []) + [t for t in e["tags"] if t != e["section"]]
            if tags:
                item["tags"] = tags
            items.append(item)
        doc: dict[str, Any] = {
            "version": JSON_FEED_VERSION,
            "title": feed["title"],
            "home_page_url": feed["home"],
            "feed_url": self.absolute(path),
            "language": feed["lang"],
            "authors": [{"name": feed["publisher"], "url": feed["base"]}],
            "items": items,
        }
        if feed["subtitle"]:
            doc["description"] = feed["subtitle"]
        if feed["logo"]:
            doc["icon"] = feed["logo"]
        return doc


SITE_FEEDS = ((urls.ATOM_FEED, "feeds/atom.xml"), (urls.RSS_FEED, "feeds/rss.xml"), (urls.JSON_FEED, "feeds/feed.json"))
"""The site's own feeds (and each served language's, under its folder)."""


def body_ref(article, base_url: str, url: str) -> dict:
    """Names an entry's body; the ``feed_body`` filter turns it into HTML with absolute links.

    Page contexts never hold body HTML, only the article's key (see :mod:`site_gen.build`).
    """
    return {"body": article.key, "dateline": article.dateline, "base": base_url, "url": url}


def feed_outputs(site: Site, config: Config) -> list[Output]:
    """Every feed file of the site (see the module docstring)."""
    return FeedPlanner(site, config).outputs()


def lazy_feeds(
    site: Site, config: Config, paths: set[str] | None = None
) -> list[tuple[str, str, tuple, Callable[[], dict], Sequence[int]]]:
    """Every feed file of the site (or those on ``paths``) as ``(path, template, deps, make,
    shown)`` (see :meth:`FeedPlanner.lazy`)."""
    return FeedPlanner(site, config).lazy(paths)


def feed_links(config: Config, lang: str | None = None) -> list[dict]:
    """``<link rel="alternate">`` targets of the site-wide feeds, for every page; with ``lang``,
    those of that language's feeds (``ur/feed.xml``)."""
    base = config.base_path
    at = (lambda path: path) if lang is None else partial(urls.language_path, lang)
    title = config.title
    if lang is not None:
        known = config.language_of(lang)
        title = f"{title} — {known.name if known else lang}"
    return [
        {"type": "application/atom+xml", "title": f"{title} (Atom)", "url": urls.href(base, at(urls.ATOM_FEED))},
        {
            "type": "application/feed+json",
            "title": f"{title} (JSON Feed)",
            "url": urls.href(base, at(urls.JSON_FEED)),
        },
        {"type": "application/rss+xml", "title": f"{title} (RSS)", "url": urls.href(base, at(urls.RSS_FEED))},
    ]


def term_feed_link(term: Term, config: Config) -> dict:
    """The ``<link rel="alternate">`` of a section's or tag's own feed."""
    return {
        "type": "application/atom+xml",
        "title": f"{term.name} — {config.title} (Atom)",
        "url": urls.href(config.base_path, urls.term_feed_path(term.kind, term.slug)),
    }
