"""Sitemaps, the Google News sitemap and ``robots.txt``; pure.

* ``sitemap.xml`` lists every HTML page of the site that search engines should
  index (not the 404 page, not alias redirects) with its ``lastmod``: the
  newest ``updated``/``date`` among the articles the page shows. There is no
  build time in it, so an unchanged site gives the same bytes. A static page
  with neither ``date`` nor ``updated`` has no ``lastmod``.
* Past ``sitemap_limit`` URLs (``site.yaml``, at most and by default 50,000)
  or 50 MB, ``sitemap.xml`` becomes a sitemap index of ``sitemap-1.xml``,
  ``sitemap-2.xml``… at the site root (a sitemap may only list URLs in or
  below its own folder).
* ``news-sitemap.xml`` (Google News) lists the articles published in the 48
  hours before the build's clock (``--now``, or the real time), newest first,
  at most 1,000, each with the publication name and the article's language.
* ``robots.txt`` allows everything and names both sitemaps. Crawlers read it
  only at the root of a host, so it matters when ``base_url`` has no path.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from functools import partial

from . import urls
from .config import Config
from .feeds import Output
from .model import Site

MAX_URLS = 50_000
MAX_BYTES = 50 * 1024 * 1024
NEWS_WINDOW = timedelta(hours=48)
NEWS_MAX = 1000
#: Bytes of the ``<urlset>`` header and footer, with room to spare.
_FRAME_BYTES = 256
#: Bytes of one ``<url>`` element besides its ``loc`` and ``lastmod`` text.
_ENTRY_BYTES = 48
_XML_SPECIAL = re.compile("[&<>\"']")


def entry_bytes(loc: str, lastmod: str | None) -> int:
    """An upper bound of the bytes of one ``<url>`` element in ``sitemaps/urlset.xml``.

    URLs are percent-encoded, so only characters of ``base_url`` could need
    XML escaping; each is counted as its longest escape (6 bytes).
    """
    escapes = sum(loc.count(ch) for ch in "&<>\"'") * 5 if _XML_SPECIAL.search(loc) else 0
    return len(loc.encode("utf-8")) + escapes + len(lastmod or "") + _ENTRY_BYTES


def split_entries(entries: Sequence[dict], max_urls: int, max_bytes: int) -> list[list[dict]]:
    """Cut the URL list into parts within both limits, keeping its order."""
    locs = [e["loc"] for e in entries]
    lastmods = [e["lastmod"] for e in entries]
    return [list(entries[start:end]) for start, end in split_bounds(locs, lastmods, max_urls, max_bytes)]


def split_bounds(
    locs: Sequence[str], lastmods: Sequence[str | None], max_urls: int, max_bytes: int, plain: bool | None = None
) -> list[tuple[int, int]]:
    """:func:`split_entries` as ``(start, end)`` of each part: parts as large as the limits allow.

    ``plain``: known to need no escaping (percent-encoded URLs on a ``base_url`` of plain
    ASCII); None to look.
    """
    count = len(locs)
    if count <= max_urls:
        # A bound without measuring each entry: 4 bytes a character, escapes of 6.
        bound = _FRAME_BYTES + 9 * sum(map(len, locs)) + sum(map(len, filter(None, lastmods))) + _ENTRY_BYTES * count
        if bound <= max_bytes:
            return [(0, count)]
    if plain is None:
        joined = "".join(locs)
        plain = joined.isascii() and not _XML_SPECIAL.search(joined)
    bounds: list[tuple[int, int]] = []
    start = 0
    if plain:
        # Nothing to escape: a run of ``max_urls`` entries whose bytes are known to fit (each
        # ``lastmod`` counted as the longest) is one part, taken whole; near the byte limit,
        # the rest is measured entry by entry.
        longest = max(map(len, filter(None, lastmods)), default=0)
        while start < count:
            end = min(start + max_urls, count)
            if _FRAME_BYTES + sum(map(len, locs[start:end])) + (longest + _ENTRY_BYTES) * (end - start) > max_bytes:
                break
            bounds.append((start, end))
            start = end
    sizes = [entry_bytes(loc, lastmod) for loc, lastmod in zip(locs[start:], lastmods[start:], strict=True)]
    return bounds + [(start + a, start + b) for a, b in _split_sized(sizes, max_urls, max_bytes)]


def _split_sized(sizes: Sequence[int], max_urls: int, max_bytes: int) -> list[tuple[int, int]]:
    """:func:`split_bounds`, entry by entry, given each entry's bytes."""
    bounds: list[tuple[int, int]] = []
    start, size = 0, _FRAME_BYTES
    for index, grow in enumerate(sizes):
        if index > start and (index - start >= max_urls or size + grow > max_bytes):
            bounds.append((start, index))
            start, size = index, _FRAME_BYTES
        size += grow
    if sizes:
        bounds.append((start, len(sizes)))
    return bounds


def sitemap_files(
    pages: Sequence[tuple[str, str | None]],
    config: Config,
    max_urls: int | None = None,
    max_bytes: int = MAX_BYTES,
    alternates: dict[str, list[tuple[str, str]]] | None = None,
) -> list[tuple[str, str, Callable[[], dict], tuple]]:
    """``sitemap.xml`` for ``(site path, lastmod)`` pairs; an index and parts past the limits.

    ``alternates``: the versions in other languages of some paths, ``(hreflang, path)``, listed
    as ``xhtml:link`` in each version's entry. Each file is ``(path, template, make, deps)``: its
    context is made by ``make`` when it is rendered (a dict for each of the site's pages is not
    held from the plan to the render), and ``deps`` is what decides it."""
    limit = min(max_urls or config.sitemap_limit, MAX_URLS)
    paths, lastmods = zip(*pages, strict=True) if pages else ((), ())
    locs = urls.absolute_all(config.base_url, list(paths))
    # Paths are percent-encoded: only base_url could hold a character to escape.
    plain = config.base_url.isascii() and not _XML_SPECIAL.search(config.base_url)
    bounds = split_bounds(locs, lastmods, limit, max_bytes, plain)
    alternates = alternates or {}

    def part(path: str, start: int, end: int) -> tuple[str, str, Callable[[], dict], tuple]:
        shown, dates = paths[start:end], lastmods[start:end]
        versions = tuple((p, tuple(alternates[p])) for p in shown if p in alternates)
        make = partial(_urlset_context, shown, dates, config.base_url, dict(versions))
        return path, "sitemaps/urlset.xml", make, (shown, dates, config.base_url, versions)

    if len(bounds) <= 1:
        return [part(urls.SITEMAP, 0, len(paths))]
    files = [part(urls.sitemap_part_path(number), start, end) for number, (start, end) in enumerate(bounds, 1)]
    index = tuple(
        (urls.absolute(config.base_url, path), _latest(list(filter(None, lastmods[start:end]))))
        for (path, *_rest), (start, end) in zip(files, bounds, strict=True)
    )
    return [(urls.SITEMAP, "sitemaps/index.xml", partial(_index_context, index), index), *files]


def _index_context(parts: Sequence[tuple[str, str | None]]) -> dict:
    """The context of the sitemap index: each part's ``(URL, lastmod)``."""
    return {"entries": [{"loc": loc, "lastmod": lastmod} for loc, lastmod in parts]}


def _urlset_context(paths: Sequence[str], lastmods: Sequence[str | None], base_url: str, alternates: dict) -> dict:
    """The context of one ``sitemaps/urlset.xml``: an entry for each path, with its versions in
    other languages (``alternates``)."""
    locs = urls.absolute_all(base_url, list(paths))
    entries = [{"loc": loc, "lastmod": lastmod} for loc, lastmod in zip(locs, lastmods, strict=True)]
    for path, entry in zip(paths, entries, strict=True) if alternates else ():
        versions = alternates.get(path)
        if versions:
            entry["alternates"] = [{"hreflang": h, "href": urls.absolute(base_url, p)} for h, p in versions]
    return {"entries": entries}


def _latest(dates: list[str]) -> str | None:
    """The latest of W3C datetimes that may have different offsets (or be bare dates)."""
    if not dates:
        return None
    first = dates[0]
    width, offset = len(first), first[-6:]
    if (
        width == 25
        and first[10] == "T"
        and offset[0] in "+-"
        and all(len(d) == width and d[-6:] == offset for d in dates)
    ):
        return max(dates)  # one form, one offset (a site's own dates): text order is time order
    return max(dates, key=lambda text: datetime.fromisoformat(text).timestamp() if "T" in text else _day(text))


def _day(text: str) -> float:
    return datetime.fromisoformat(text + "T00:00:00+00:00").timestamp()


def news_language(lang: str) -> str:
    """Language code in the form Google News wants: ISO 639 (``en``), or ``zh-cn``/``zh-tw``."""
    parts = lang.lower().split("-")
    if parts[0] == "zh":
        return "zh-tw" if any(p in ("tw", "hk", "mo", "hant") for p in parts[1:]) else "zh-cn"
    return parts[0]


def news_articles(site: Site, now: datetime | None) -> list[int]:
    """Indexes of the articles of the 48 hours up to ``now`` (none when ``now`` is None), newest first."""
    found: list[int] = []
    if now is not None:
        start = now - NEWS_WINDOW
        for i, a in enumerate(site.articles):  # newest first: stop at the first one before the window
            if a.date.at <= start:
                break
            if a.date.at <= now:
                found.append(i)
                if len(found) == NEWS_MAX:
                    break
    return found


def news_output(site: Site, config: Config, now: datetime | None) -> Output:
    """``news-sitemap.xml``: the articles of :func:`news_articles`.

    With none (no story in 48 hours) the build writes no news sitemap, and ``robots.txt``
    names none: the Google News schema rejects an empty ``<urlset>``, and keeping the last
    one would make the output depend on the builds before it (an incremental build must
    equal a clean one) while listing stories Google News no longer takes. A crawler that
    asks for it then meets a 404, which Google treats as "nothing new"."""
    entries = []
    for i in news_articles(site, now):
        a = site.articles[i]
        entries.append(
            {
                "loc": urls.absolute(config.base_url, a.path),
                "language": news_language(a.lang),
                "date": a.date.timestamp_iso(),
                "title": a.title,
            }
        )
    return Output(urls.NEWS_SITEMAP, "sitemaps/news.xml", {"entries": entries, "publication": config.publisher.name})


def robots_output(config: Config, news: bool = True) -> Output:
    """``robots.txt`` naming the sitemap, and the news sitemap when there is one (``news``)."""
    return Output(
        urls.ROBOTS,
        "sitemaps/robots.txt",
        {
            "sitemap": urls.absolute(config.base_url, urls.SITEMAP),
            "news_sitemap": urls.absolute(config.base_url, urls.NEWS_SITEMAP) if news else None,
        },
    )
