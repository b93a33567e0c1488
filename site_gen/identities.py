"""What a page reads, by name, and which of those names an edit of content files changes.

While planning, each page records the *identities* it reads (:attr:`site_gen.plan.Page.reads`):

* ``a:<source>``: everything of one content file. The pages that show an article's body or
  its words beyond a card read it: its own page, the feeds, its redirects, the news sitemap.
* ``c:<source>``: what a card shows of an article (:func:`card_fields`): the lists and date
  pages it is on, and the pages of the stories next to it or related to it.
* ``u:<path>``: that a URL of the site is there (:func:`url`). A page whose body links to it
  reads it: when a story moves away from the URL, those links are checked again.
* ``t:<name>``: the template a page is rendered with, and every file it extends, includes or
  imports (:func:`template`): an edit of ``article.html`` plans the article pages again, not
  the lists.

Where an article sits in the site (:func:`place`: its URL, dates, terms, language…) is what
the site's arrangement is made of (:func:`site_gen.collect.collect_site`). What a page takes
from the arrangement is its *shape* (:meth:`site_gen.plan.Planner.shapes`: the stories it
lists, by source, its neighbours, term names and counts, page numbers).

The cache keeps what each page of the last build read (:meth:`site_gen.cache.Cache.readers`).
A rebuild turns the edited files into the identities they changed (:func:`changed`,
:func:`templates_changed`) and
plans the pages that read one of them; when it arranged the site again (new stories), also
those whose shape changed (:func:`dirty`). This module is the one answer to "what changed →
which pages"; the planner only records, and the cache only stores.
"""

from __future__ import annotations

import itertools
import operator
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

from .images import image_refs
from .model import Article

if TYPE_CHECKING:
    from .plan import Planner


def whole(source: str) -> str:
    """The identity of everything one content file holds (one string per source, however
    many pages read it: a site's pages hold hundreds of thousands of these)."""
    return sys.intern("a:" + source)


def card(source: str) -> str:
    """The identity of what a list shows of an article (one string per source, as :func:`whole`)."""
    return sys.intern("c:" + source)


def url(path: str) -> str:
    """The identity of one URL of the site, a site path or an output file, named without
    ``index.html`` and its last slash: ``2025/07/20/slug/``, ``2025/07/20/slug`` and
    ``2025/07/20/slug/index.html`` are one."""
    if path.endswith("index.html"):
        path = path[: -len("index.html")]
    return sys.intern("u:" + path.rstrip("/"))


def template(name: str) -> str:
    """The identity of a template with all it extends, includes or imports (its key,
    :func:`site_gen.render.template_keys`)."""
    return sys.intern("t:" + name)


def links(a: Article, config) -> tuple[str, ...]:
    """The :func:`url` of each place on the site that the body (and lead image) of ``a`` links to."""
    from .check import site_path_of

    targets = [link.url for link in a.links]
    if a.image is not None and a.image.src:
        targets.append(a.image.src)
    found = {site_path_of(target, config, a.path) for target in targets}
    return tuple(sorted(url(path) for path in found if path))


def place(a: Article) -> tuple:
    """Where an article sits in the site: what :func:`~site_gen.collect.collect_site` and
    the planner take from it to arrange the site (lists, terms, dates, URLs), besides what
    pages read through :func:`whole` and :func:`card`."""
    updated = a.updated.isoformat() if a.updated else None
    return (
        a.kind,
        a.source,
        a.path,
        a.slug,
        a.date.isoformat(),
        a.date.at,
        updated,
        a.draft,
        a.tags,
        a.section,
        a.authors,
        a.aliases,
        a.lang,
        a.translations,
    )


def card_fields(a: Article) -> tuple:
    """What a card (:meth:`site_gen.plan.Planner.card`) shows of an article besides its
    :func:`place`. A test keeps this list and the card in step."""
    return (a.title, a.summary, a.dateline, a.image)


def moved(old: Article, new: Article) -> bool:
    """Whether an edit gave a story another URL and left the rest of its place as it was (a
    title changed, without a ``slug:``): its date, terms, language and aliases. The pages
    that show it read its card; those that link to its old URL, :func:`url`."""
    before, after = place(old), place(new)
    return old.kind == new.kind == "article" and before[:2] == after[:2] and before[4:] == after[4:]


def changed(before: Mapping[str, Article], after: Mapping[str, Article]) -> set[str] | None:
    """The identities an edit changed, from the parses of content files before and after
    it (by source); None when the edit changed more than identities can say: a place, but
    for a story's URL (:func:`moved`), the images a file uses (the published image files
    follow them), or a file that is new or gone."""
    if before.keys() != after.keys():
        return None
    found: set[str] = set()
    for source, new in after.items():
        old = before[source]
        if old == new:
            continue
        if old.kind != new.kind or (place(old) != place(new) and not moved(old, new)):
            return None
        if [path for path, _line in image_refs(old)] != [path for path, _line in image_refs(new)]:
            return None
        found.add(whole(source))
        if card_fields(old) != card_fields(new) or old.path != new.path:
            found.add(card(source))
    return found


def dirty(before: Mapping[str, tuple], after: Mapping[str, tuple]) -> tuple[set[str], set[str]]:
    """From the page shapes of the site arranged before and after a change
    (:meth:`site_gen.plan.Planner.shapes`): the keys of pages whose shape changed or that
    are new, and the keys of pages that are gone."""
    changed = {key for key, shape in after.items() if key not in before or before[key] != shape}
    return changed, before.keys() - after.keys()


def dirty_between(before: Planner, after: Planner, fork: bool) -> tuple[set[str], set[str]]:
    """:func:`dirty` of two planners' sites, a half of the shapes at a time
    (:data:`~site_gen.plan.SHAPE_PARTS`): the lists' compared by a forked child meanwhile
    (:class:`~site_gen.parallel.Background`) when ``fork`` and the site is large."""
    from .parallel import SPLIT_SHAPES_MIN, Background
    from .plan import SHAPE_PARTS

    _articles, lists = SHAPE_PARTS
    large = fork and len(after.site.articles) >= SPLIT_SHAPES_MIN
    listed = Background(lambda: dirty(before.shapes(lists), after.shapes(lists)), fork=large)
    try:
        moved, gone = dirty_articles(before, after)
    except BaseException:
        listed.cancel()
        raise
    more, fewer = listed.result()
    return moved | more, gone | fewer


def dirty_articles(before: Planner, after: Planner) -> tuple[set[str], set[str]]:
    """:func:`dirty` of the first of :data:`~site_gen.plan.SHAPE_PARTS`. When the site after
    holds the site before with new stories in front (the everyday rebuild), the article
    pages' shapes are compared row by row, each column mapped in C, with no dict of either;
    else by key."""
    from .plan import article_shapes_by_key

    src, columns = after.article_shapes()
    old_src, old_columns = before.article_shapes()
    moved, gone = dirty(before.around_shapes(old_src, old_columns[-1]), after.around_shapes(src, columns[-1]))
    new = len(src) - len(old_src)
    if new < 0 or src[new:] != old_src:
        more, fewer = dirty(article_shapes_by_key(old_src, old_columns), article_shapes_by_key(src, columns))
        return moved | more, gone | fewer
    differs = map(operator.ne, columns[0][new:], old_columns[0])
    for column, old in zip(columns[1:], old_columns[1:], strict=True):
        differs = map(operator.or_, differs, map(operator.ne, column[new:], old))
    return moved | {f"a {source}" for source in (*src[:new], *itertools.compress(src[new:], differs))}, gone


def templates_changed(before: Mapping[str, str], after: Mapping[str, str]) -> set[str]:
    """The identities of the templates whose key (:func:`site_gen.render.template_keys`)
    differs between two builds, new and gone ones too."""
    return {template(name) for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
