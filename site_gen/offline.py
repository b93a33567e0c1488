"""Reading with no signal: the service worker, its offline page and the web app manifest; pure.

``sw.js`` (hand-written, ``templates/offline/sw.js``: a few dozen lines a newcomer reads,
where Workbox would add a build step and a runtime of its own for the same three rules):

* HTML: network first, so a reader online never gets yesterday's front page; the copy is
  kept, and served when the network fails; a page never kept gets the offline page.
* Fingerprinted files (``/_img/``, ``/pagefind/``: their names change with their bytes):
  cache first.
* Other files (the stylesheet, scripts): network first, the cached copy offline.

When installed it keeps the front page, the offline page, the stylesheet and the newest
:attr:`~site_gen.config.Config.offline_stories` stories (no images: the reader's data).
Its version is a hash of what it keeps, down to each story's text (it reads them whole), so
a build that changes one of them gives a new worker, and the new worker drops the caches of
the old one when it takes over; the pages a reader opened are kept apart, up to
:data:`KEPT_PAGES`. It is registered after the page's ``load`` event: nothing on the first
visit's critical path.
"""

from __future__ import annotations

from typing import NamedTuple

from . import urls
from .config import Config
from .hashing import digest
from .model import Site, identity

WORKER = "sw.js"
OFFLINE = "offline/"
MANIFEST = "manifest.webmanifest"
KEPT_PAGES = 60
"""Pages a reader opened that the worker keeps (the oldest go first)."""


class Output(NamedTuple):
    path: str
    template: str
    context: dict


def offline_articles(site: Site, config: Config) -> list[int]:
    """The stories kept for reading offline: the newest ones."""
    return list(range(min(config.offline_stories, len(site.articles))))


def worker_output(site: Site, config: Config, shown: list[int]) -> Output:
    """``sw.js``, keeping the front page, the offline page, the stylesheet and ``shown``."""
    link = lambda path: urls.href(config.base_path, path)  # noqa: E731
    precache = [link(""), link(OFFLINE), link("css/site.css")] + [link(site.articles[i].path) for i in shown]
    version = digest(repr((precache, [identity(site.articles[i]) for i in shown])).encode())[:16]
    context = {
        "version": version,
        "precache": precache,
        "offline": link(OFFLINE),
        "fingerprinted": [link("_img/"), link("pagefind/")],
        "kept_pages": KEPT_PAGES,
    }
    return Output(WORKER, "offline/sw.js", context)


def manifest_output(config: Config, theme_color: str) -> Output:
    """``manifest.webmanifest``: name, colours and icons, to add the site to a home screen."""
    link = lambda path: urls.href(config.base_path, path)  # noqa: E731
    manifest = {
        "name": config.title,
        "short_name": config.title if len(config.title) <= 12 else "".join(w[0] for w in config.title.split()),
        "description": config.description,
        "lang": config.language,
        "dir": "rtl" if config.is_rtl(config.language) else "ltr",
        "start_url": link(""),
        "scope": link(""),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": theme_color,
        "icons": [
            {"src": link("icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": link("icon-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    return Output(MANIFEST, "offline/manifest.webmanifest", {"manifest": manifest})
