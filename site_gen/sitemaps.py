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
from collections.abc import Sequence
from datetime import datetime, timedelta

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
    if len(entries) <= max_urls:
        # A bound without measuring each entry: 4 bytes a character, escapes of 6.
        bound = _FRAME_BYTES + sum(9 * len(e["loc"]) + len(e["lastmod"] or "") + _ENTRY_BYTES for e in entries)
        if bound <= max_bytes:
            return [list(entries)]
    locs = "".join([e["loc"] for e in entries])
    if locs.isascii() and not _XML_SPECIAL.search(locs):  # nothing to escape: entry_bytes, made simple
        sizes = [len(e["loc"]) + len(e["lastmod"] or "") + _ENTRY_BYTES for e in entries]
    else:
        sizes = [entry_bytes(e["loc"], e["lastmod"]) for e in entries]
    parts: list[list[dict]] = [[]]
    size = _FRAME_BYTES
    for entry, grow in zip(entries, sizes, strict=True):
        if parts[-1] and (len(parts[-1]) >= max_urls or size + grow > max_bytes):
            parts.append([])
            size = _FRAME_BYTES
        parts[-1].append(entry)
        size += grow
    return parts


def sitemap_outputs(
    pages: Sequence[tuple[str, str | None]],
    config: Config,
    max_urls: int | None = None,
    max_bytes: int = MAX_BYTES,
) -> list[Output]:
    """``sitemap.xml`` for ``(site path, lastmod)`` pairs; an index and parts past the limits."""
    limit = min(max_urls or config.sitemap_limit, MAX_URLS)
    locs = urls.absolute_all(config.base_url, [path for path, _lastmod in pages])
    entries = [{"loc": loc, "lastmod": lastmod} for loc, (_path, lastmod) in zip(locs, pages, strict=True)]
    parts = split_entries(entries, limit, max_bytes)
    if len(parts) == 1:
        return [Output(urls.SITEMAP, "sitemaps/urlset.xml", {"entries": entries})]
    outputs = []
    index = []
    for number, part in enumerate(parts, 1):
        path = urls.sitemap_part_path(number)
        outputs.append(Output(path, "sitemaps/urlset.xml", {"entries": part}))
        dates = [e["lastmod"] for e in part if e["lastmod"]]
        index.append({"loc": urls.absolute(config.base_url, path), "lastmod": _latest(dates)})
    outputs.insert(0, Output(urls.SITEMAP, "sitemaps/index.xml", {"entries": index}))
    return outputs


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


def news_output(site: Site, config: Config, now: datetime | None) -> Output:
    """``news-sitemap.xml``: articles of the 48 hours up to ``now`` (none when ``now`` is None)."""
    entries = []
    if now is not None:
        start = now - NEWS_WINDOW
        for a in site.articles:  # newest first: stop at the first one before the window
            if a.date.at <= start:
                break
            if a.date.at <= now:
                entries.append(
                    {
                        "loc": urls.absolute(config.base_url, a.path),
                        "language": news_language(a.lang),
                        "date": a.date.timestamp_iso(),
                        "title": a.title,
                    }
                )
                if len(entries) == NEWS_MAX:
                    break
    return Output(urls.NEWS_SITEMAP, "sitemaps/news.xml", {"entries": entries, "publication": config.publisher.name})


def robots_output(config: Config) -> Output:
    """``robots.txt`` naming both sitemaps."""
    return Output(
        urls.ROBOTS,
        "sitemaps/robots.txt",
        {
            "sitemap": urls.absolute(config.base_url, urls.SITEMAP),
            "news_sitemap": urls.absolute(config.base_url, urls.NEWS_SITEMAP),
        },
    )
