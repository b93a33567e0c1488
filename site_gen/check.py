"""Editors' checks beyond what loading finds; pure.

:func:`check_content` takes every article read (drafts and scheduled ones
too), the static pages, the configuration, the clock and, when known, the
pages a build plans and the static files it copies. It returns
:class:`~site_gen.errors.ContentError` items of three severities:

``error``
    the site would be wrong: an ``updated`` before ``date``, an article with
    no body, two articles (or an alias) on one URL, a path that would escape
    the output folder or needs a folder where a file is, a link or image to a
    page or file the site does not have.
``warning``
    worth a look: a tag that differs from an existing tag only by case,
    spacing or a small typo, a section missing from the menu, an image without
    alt text, a title over :data:`TITLE_LIMIT` characters, a slug used twice.
``note``
    information: an article scheduled for later.

``site-gen check`` prints all of them; ``site-gen build`` fails on the errors.
"""

from __future__ import annotations

import difflib
import posixpath
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import replace
from datetime import datetime
from functools import lru_cache
from urllib.parse import unquote, urljoin, urlsplit

from . import urls
from .collect import link_translations, publishable
from .config import Config
from .embargo import embargoed_images
from .errors import ContentError
from .model import BODY_START, Article
from .plan import Page, digest_language

TITLE_LIMIT = 110
"""Longest headline without a warning (news apps and search results cut longer ones)."""
MAX_NAME_BYTES = 255
"""Longest file or folder name most file systems accept."""
PLACEHOLDER = "Write the story here."
assert len(PLACEHOLDER) < BODY_START  # Article.body keeps enough to tell it from a body that begins with it
"""Body that ``site-gen new`` writes; an article still holding it has no body."""
_KEY_RUN = re.compile(r"[\W_]+")


def check_content(
    articles: Sequence[Article],
    pages: Sequence[Article],
    config: Config,
    now: datetime,
    planned: Sequence[Page] | None = None,
    static_files: Mapping[str, str] | None = None,
    drafts: bool = False,
    future: bool = False,
    links: bool = True,
    unpublished: Sequence[Article] = (),
) -> list[ContentError]:
    """Every problem found, sorted by file and line.

    ``articles`` are all articles read, published or not; ``planned`` the
    pages of the build (site-made pages such as ``tags/x/`` come from here);
    ``static_files`` maps the site path of each static file to its file, as
    shown in messages. ``links=False`` skips the link check (used when some
    files could not be read, so that links to them are not reported twice).
    ``unpublished`` are articles left out of ``articles`` (a build checks only
    what it publishes) whose pages links may already point to.
    """
    static_files = dict(static_files or {})
    everything = [*articles, *pages]
    held = {id(a): publishable(a, now, drafts, future) for a in articles}
    held.update({id(p): "draft" for p in pages if p.draft and not drafts})
    problems: list[ContentError] = []
    for article in everything:
        problems += check_article(article, config, now)
    every = {a.source: a for a in (*unpublished, *articles) if a.kind == "article"}  # drafts are translations too
    problems += check_languages(list(every.values()), config)
    problems += check_tags(articles)
    problems += check_slugs(articles)
    problems += check_urls(everything, planned or (), static_files)
    if links:
        later = [a for a in unpublished if id(a) not in held]
        held.update({id(a): "draft" if a.draft else "scheduled" for a in later})
        problems += check_links(everything, held, config, planned or (), static_files, later)
    problems += embargoed_images(everything, now, drafts, future, static_files)
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.message))


def check_languages(articles: Sequence[Article], config: Config) -> list[ContentError]:
    """A ``lang:`` site.yaml's ``languages`` does not list (a warning: the story is built, in
    English chrome), and translations that name no story, one in another language, or a story
    two others claim (errors, as in a build)."""
    problems = []
    if config.languages:
        known = ", ".join(item.code for item in config.languages)
        for a in articles:
            if config.language_of(a.lang) is None:
                problems.append(
                    _problem(
                        a,
                        "lang",
                        f"unknown language `{a.lang}`: site.yaml lists {known}",
                        "use one of them, or add the language to `languages` in site.yaml",
                        "warning",
                    )
                )
    return problems + link_translations(articles)[1]


def check_catalogues(templates, config: Config, shown_as=lambda path: str(path)) -> list[ContentError]:
    """A warning for each language whose catalogue lacks words the templates use: its pages show
    those words in English (``make messages`` adds them, empty, for a translator)."""
    from .i18n import missing_words

    codes = [item.code for item in config.languages if item.code != "en"]
    return [
        ContentError(
            shown_as(path),
            0,
            f"{count} of the theme's words {'is' if count == 1 else 'are'} not translated into `{code}`: "
            "its pages show them in English",
            "run `make messages`, then fill in the empty msgstr lines",
            "warning",
        )
        for code, (path, count) in missing_words(templates, codes, config.menu).items()
    ]


# -- one article -------------------------------------------------------------
def _line(article: Article, *keys: str) -> int:
    for key in keys:
        if key in article.lines:
            return article.lines[key]
    return 1


def _problem(article: Article, keys: tuple[str, ...] | str, message: str, hint: str = "", severity: str = "error"):
    keys = (keys,) if isinstance(keys, str) else keys
    return ContentError(article.source, _line(article, *keys), message, hint, severity)


def check_article(article: Article, config: Config, now: datetime) -> list[ContentError]:
    """Checks that need only one article: dates, headline, body, image, section."""
    found = []
    a = article
    if a.updated is not None and "date" in a.lines and a.updated.at < a.date.at:
        found.append(
            _problem(
                a,
                "updated",
                f"`updated` ({a.updated.human()}) is before `date` ({a.date.human()})",
                "an update comes after publication: check the day, month and year",
            )
        )
    if a.kind == "article" and not a.draft and a.date.at > now:
        found.append(
            _problem(a, "date", f"scheduled for {a.date.human()}", "it appears with the first build after then", "note")
        )
    if len(a.title) > TITLE_LIMIT:
        found.append(
            _problem(
                a,
                "title",
                f"the title is {len(a.title)} characters long (more than {TITLE_LIMIT})",
                "news apps and search results cut long headlines; shorten it",
                "warning",
            )
        )
    body = a.body.strip()
    if not body or body == PLACEHOLDER:
        found.append(
            ContentError(
                a.source,
                max(a.body_line - 1, 1),
                f"the {'article' if a.kind == 'article' else 'page'} has no body"
                + (" (only the placeholder text)" if body else ""),
                "write the story below the closing `---` line",
            )
        )
    if a.image is not None and not a.image.src and (a.image.caption or a.image.credit):
        found.append(
            _problem(
                a,
                "image",
                "the image has a caption but no picture (no `src:`)",
                "add `src: /images/photo.jpg` under `image:`, or remove the caption",
                "warning",
            )
        )
    if a.image is not None and a.image.src:
        scheme = urlsplit(a.image.src).scheme.lower()
        if scheme not in ("", "http", "https"):
            found.append(
                _problem(
                    a,
                    "image",
                    f"the image address {a.image.src!r} is not a site path or an http(s) URL",
                    "write it as /images/photo.jpg or https://…",
                )
            )
        if not a.image.alt:
            found.append(
                _problem(
                    a,
                    "image",
                    "the image has no alt text",
                    "add `alt:` saying what the picture shows, for readers who cannot see it",
                    "warning",
                )
            )
    for link in a.links:
        if link.kind == "image" and not link.alt.strip():
            found.append(
                ContentError(
                    a.source,
                    link.line,
                    f"the image {link.url} has no alt text",
                    f"write ![what the picture shows]({link.url})",
                    "warning",
                )
            )
    found += unfilled_fields(a)
    if a.section and config.menu and urls.term_slug(a.section) not in _menu_slugs(config.menu):
        close = difflib.get_close_matches(a.section, list(config.menu), n=1, cutoff=0.7)
        hint = f"did you mean {close[0]!r}?" if close else "use one of " + ", ".join(config.menu)
        found.append(
            _problem(
                a,
                ("section", "category"),
                f"the section {a.section!r} is not in the menu",
                hint + ", or add it to `menu:` in site.yaml",
                "warning",
            )
        )
    return found


UNFILLED = "unfilled"
"""Severity of a field written but left empty: dropped by ``site-gen check``, a warning with ``--strict``
(see :func:`for_check`). A new or imported article leaves them for the editor; they never fail a build."""


def unfilled_fields(a: Article) -> list[ContentError]:
    """The fields written but left empty (``author:``, ``section:``, ``tags: []``, as ``site-gen
    import`` leaves them for the editor)."""
    if a.kind != "article":
        return []
    found = []
    for key, value in (("author", a.authors), ("authors", a.authors), ("section", a.section), ("category", a.section)):
        if key in a.lines and not value:
            found.append(_problem(a, key, f"`{key}` is empty", "fill it in or delete the line", UNFILLED))
    if "tags" in a.lines and not a.tags:
        hint = "add tags such as [Pakistan, Economy], or delete the line"
        found.append(_problem(a, "tags", "`tags` is empty", hint, UNFILLED))
    return found  # an image with a caption but no picture is a warning of its own (check_article)


def for_check(problems: Iterable[ContentError], strict: bool) -> list[ContentError]:
    """What ``site-gen check`` reports: the :data:`UNFILLED` fields as warnings with ``--strict``, else not."""
    if strict:
        return [replace(p, severity="warning") if p.severity == UNFILLED else p for p in problems]
    return [p for p in problems if p.severity != UNFILLED]


@lru_cache(maxsize=16)
def _menu_slugs(menu: tuple[str, ...]) -> frozenset[str]:
    return frozenset(urls.term_slug(name) for name in menu)


# -- tags --------------------------------------------------------------------
@lru_cache(maxsize=1 << 16)
def tag_key(name: str) -> str:
    """What is left of a tag when case, spacing and punctuation are ignored."""
    return _KEY_RUN.sub("", unicodedata.normalize("NFKC", name).casefold())


def _one_edit_apart(a: str, b: str) -> bool:
    """One letter added, removed, changed, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = next((i for i in range(len(short)) if short[i] != long[i]), len(short))
    return short[i:] == long[i + 1 :]


def _near_keys(keys: Iterable[str], min_length: int = 5) -> list[tuple[str, str]]:
    """Pairs of keys one edit apart, found through shared one-letter deletions."""
    by_variant: dict[str, set[str]] = defaultdict(set)
    for key in keys:
        if len(key) < min_length:
            continue
        by_variant[key].add(key)
        for i in range(len(key)):
            by_variant[key[:i] + key[i + 1 :]].add(key)
    pairs = set()
    for group in by_variant.values():
        if len(group) < 2:
            continue
        ordered = sorted(group)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                if _one_edit_apart(a, b):
                    pairs.add((a, b))
    return sorted(pairs)


def _is_variant_pair(a: str, b: str) -> bool:
    """Whether a one-edit pair is likely one tag spelled two ways."""
    if a.startswith(b) or b.startswith(a):  # Afghan / Afghans, Pakistan / Pakistani
        return False
    return re.findall(r"\d+", a) == re.findall(r"\d+", b)  # 2024 election / 2025 election


def check_tags(articles: Sequence[Article]) -> list[ContentError]:
    """Tags written differently from an existing tag: case, spacing, or a one-letter typo."""
    uses: Counter = Counter()
    first_seen: dict[str, tuple] = {}
    spellings: dict[str, Counter] = defaultdict(Counter)
    for a in sorted(articles, key=lambda a: (a.date.at, a.source)):
        for name in a.tags:
            key = tag_key(name)
            if not key:
                continue
            uses[key] += 1
            spellings[key][name] += 1
            first_seen.setdefault(name, (a.date.at, a.source))
            first_seen.setdefault(key, (a.date.at, a.source))

    def preferred(items: Counter, order: dict) -> str:
        return min(items, key=lambda n: (-items[n], order[n], n))

    canonical = {key: preferred(names, first_seen) for key, names in spellings.items()}
    typo_of: dict[str, str] = {}
    for a_key, b_key in _near_keys(uses):
        if not _is_variant_pair(a_key, b_key):
            continue
        keep, other = sorted((a_key, b_key), key=lambda k: (-uses[k], first_seen[k], k))
        typo_of.setdefault(other, keep)

    found = []
    for a in articles:
        for name in a.tags:
            key = tag_key(name)
            if not key:
                continue
            if key in typo_of:
                existing = canonical[typo_of[key]]
                count = uses[typo_of[key]]
                found.append(
                    _problem(
                        a,
                        "tags",
                        f"the tag {name!r} looks like a misspelling of the existing tag {existing!r}",
                        f"write {existing!r} (used {count} time{'s' if count != 1 else ''})",
                        "warning",
                    )
                )
            elif name != canonical[key]:
                existing = canonical[key]
                count = spellings[key][existing]
                found.append(
                    _problem(
                        a,
                        "tags",
                        f"the tag {name!r} differs from the existing tag {existing!r} only by case, spacing or punctuation",
                        f"write {existing!r} (used {count} time{'s' if count != 1 else ''})",
                        "warning",
                    )
                )
    return found


# -- slugs and URLs ----------------------------------------------------------
def check_slugs(articles: Sequence[Article]) -> list[ContentError]:
    """The same slug on two articles of different days: legal, but easily confused."""
    by_slug: dict[str, list[Article]] = defaultdict(list)
    for a in articles:
        if a.kind == "article":
            by_slug[a.slug].append(a)
    found = []
    for group in by_slug.values():
        group.sort(key=lambda a: (a.date.at, a.source))
        paths = Counter(a.path for a in group)
        for a in group[1:]:
            first = group[0]
            if paths[a.path] > 1 or paths[first.path] > 1:
                continue  # on one URL: an error reported by check_urls
            found.append(
                _problem(
                    a,
                    ("slug", "title"),
                    f"the slug {a.slug!r} is also used by {first.source} (/{first.path})",
                    "give this story its own `slug:` so the two are not confused",
                    "warning",
                )
            )
    return found


def _unsafe(path: str) -> bool:
    """Outside the output folder, or hidden: ``.git/``, or the writer's own ``.site-gen-…`` files."""
    return not urls.is_safe_path(path) or path.startswith(".") or "/." in path


def check_urls(
    articles: Sequence[Article], planned: Sequence[Page], static_files: Mapping[str, str]
) -> list[ContentError]:
    """Two things on one URL, paths that escape the output folder, files where folders must be.

    The output files are claimed in this order: the pages the site makes, the static files,
    then each article's and page's own URL and its aliases (:func:`site_gen.urls.output_clashes`)."""
    found: list[ContentError] = []
    paths: list[str] = []
    owners: list[str] = []  # who claims each path, as messages name it
    for page in planned:
        if not page.source:
            paths.append(urls.output_file(page.path))
            owners.append("a page the site makes")
    sites = len(paths)
    for rel, shown in sorted(static_files.items()):
        problem = _static_problem(rel, shown)
        if problem is not None:
            found.append(problem)
            continue
        paths.append(rel)
        owners.append(f"the static file {shown}")
    statics = len(paths)
    claims = []  # (file, article, front matter keys, description) of each claim past ``statics``
    for out, a, keys, what in _claims(articles):
        problem = _claim_problem(out, a, keys, what)
        if problem is not None:
            found.append(problem)
            continue
        paths.append(out)
        owners.append(a.source)
        claims.append((out, a, keys, what))
    claimed = {out: (a, keys) for out, a, keys, _what in claims}
    refused: set[int] = set()  # claims that lost their path, and paths already reported under a file
    for clash in urls.output_clashes(paths):
        i, j = clash.index, clash.other
        if clash.kind == urls.UNDER:
            if i in refused or j in refused:  # a claim that lost its path writes no file to be under
                continue
            refused.add(i)  # the first file among its folders only
            out, folder = paths[i], clash.path
            message = f"/{out} needs a folder where {owners[j]} has a file: /{folder}"
            if out in claimed:
                a, keys = claimed[out]
                found.append(_problem(a, keys, message, "change the slug or alias"))
            else:
                found.append(ContentError(_shown(owners[i]), 0, message, "rename one of them"))
        elif i >= statics:
            out, a, keys, what = claims[i - statics]
            refused.add(i)
            hint = "remove or change the alias" if keys == ("aliases",) else "give one of them a different `slug:`"
            if clash.kind == urls.SAME:
                found.append(_problem(a, keys, f"{what} is on the same URL as {owners[j]}: /{urls_path(out)}", hint))
            else:
                message = (
                    f"{what} differs only in capitals from /{urls_path(paths[j])} ({owners[j]}):"
                    " the two overwrite each other on Windows and macOS"
                )
                found.append(_problem(a, keys, message, hint))
        elif i >= sites and clash.kind == urls.SAME:
            rel = paths[i]
            message = f"the static file is on the same URL as {owners[j]}: /{rel}"
            found.append(ContentError(static_files[rel], 0, message, "rename it"))
    return found


def _claims(articles: Sequence[Article]):
    """Every claim of an article or page on an output file: ``(file, article, front matter
    keys, description)``, articles first by date, then static pages, then every alias."""
    for a in sorted(articles, key=lambda a: (a.kind != "article", a.date.at, a.source)):
        what = "this article" if a.kind == "article" else "this page"
        yield urls.output_file(a.path), a, ("slug", "title"), what
    for a in sorted(articles, key=lambda a: (a.date.at, a.source)):
        for alias in a.aliases:
            yield urls.output_file(alias), a, ("aliases",), f"the alias /{alias}"


def _static_problem(rel: str, shown: str) -> ContentError | None:
    """A static file that cannot be published at its path, whatever else the site holds."""
    if _unsafe(rel):
        return ContentError(
            shown, 0, f"the file name {rel!r} cannot be published safely", "rename it: letters, digits, - _ ."
        )
    if rel.split("/")[0] == urls.SEARCH_BUNDLE:
        return ContentError(shown, 0, f"/{urls.SEARCH_BUNDLE}/ holds the search index: /{rel}", "move the file")
    return None


def _claim_problem(out: str, a: Article, keys: tuple[str, ...], what: str) -> ContentError | None:
    """A claim that cannot be written, whatever else the site holds."""
    hint = "remove or change the alias" if keys == ("aliases",) else "give one of them a different `slug:`"
    if not urls.is_safe_path(out):
        return _problem(a, keys, f"{what} would be written outside the output folder: {out!r}", hint)
    if _unsafe(out):
        return _problem(a, keys, f"{what} uses a hidden name (starting with a dot): {out!r}", hint)
    if out.split("/")[0] == urls.SEARCH_BUNDLE:
        message = f"{what} is in /{urls.SEARCH_BUNDLE}/, which holds the search index: /{urls_path(out)}"
        return _problem(a, keys, message, hint)
    if len(out.encode("utf-8")) > MAX_NAME_BYTES and any(
        len(part.encode("utf-8")) > MAX_NAME_BYTES for part in out.split("/")
    ):
        return _problem(a, keys, f"{what} has a part longer than {MAX_NAME_BYTES} bytes, which disks refuse", hint)
    if keys == ("aliases",) and out == urls.output_file(a.path):
        return _problem(a, keys, f"{what} is this article's own URL", "remove it from `aliases:`")
    return None


def urls_path(out: str) -> str:
    """The site path of an output file (``x/index.html`` → ``x/``)."""
    return out[: -len("index.html")] if out == "index.html" or out.endswith("/index.html") else out


def _shown(owner: str) -> str:
    return owner.removeprefix("the static file ") if owner.startswith("the static file ") else "(site)"


# -- links -------------------------------------------------------------------
def site_path_of(url: str, config: Config, here: str) -> str | None:
    """The site path a link points to, or None when it leaves the site.

    ``here`` is the site path of the linking page, for relative links.
    The common shapes (``/2025/07/20/slug/``, ``https://other.host/…``,
    ``mailto:``, ``#note``) are read directly; every other one as
    :func:`urllib.parse.urljoin` reads it (:func:`_site_path_by_urllib`).
    """
    url = url.strip()
    if not url or url[0] in "#?":
        return None  # this page
    url = urls.body_link(url, config.base_path)  # a root-relative link is read from the site's root
    if _NEEDS_URLLIB.search(url) is None:
        base_path = config.base_path
        if url[0] == "/":
            if url[:2] != "//":
                path = _PATH_END.split(url, 1)[0]
                if not _PATH_TRICKS.search(path):
                    # urljoin, unquote and normpath leave such a path as it is.
                    if path.startswith(base_path):
                        return path[len(base_path) :]
                    return None if path.rstrip("/") + "/" != base_path else ""
        else:
            scheme = _SCHEME.match(url)
            if scheme is not None:
                if scheme[0][:-1].lower() not in ("http", "https"):
                    return None
                rest = url[scheme.end() :]
                if rest[:2] == "//":
                    netloc = _PATH_END.split(rest[2:], 1)[0].split("/", 1)[0]
                    if netloc.lower() != _netloc(config.base_url):
                        return None
    return _site_path_by_urllib(url, config.base_url, config.base_path, here)


#: Characters that urlsplit drops or checks (controls, spaces, brackets of IPv6 hosts): such URLs go the long way.
_NEEDS_URLLIB = re.compile(r"[\x00-\x20\[\]]")
_PATH_END = re.compile(r"[?#]")
#: What urljoin, unquote or normpath would change in a path: empty or dot segments, params, escapes.
_PATH_TRICKS = re.compile(r"//|/\.|;|%")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


@lru_cache(maxsize=64)
def _netloc(base_url: str) -> str:
    return urlsplit(base_url).netloc.lower()


@lru_cache(maxsize=1 << 16)
def _site_path_by_urllib(url: str, base_url: str, base_path: str, here: str) -> str | None:
    """:func:`site_path_of` for any URL, by the rules of :mod:`urllib.parse`."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme or parts.netloc:
        if parts.scheme.lower() not in ("http", "https", "") or parts.netloc.lower() != _netloc(base_url):
            return None
        path = parts.path or "/"
    else:
        if not parts.path:
            return None  # #fragment or ?query: this page
        try:  # a path such as "//℀" reads as a host name that urllib refuses
            path = urljoin(base_path + here, parts.path)
        except ValueError:
            return None
    if not path.startswith(base_path):
        return None if path.rstrip("/") + "/" != base_path else ""
    rest = unquote(path[len(base_path) :])
    trailing = rest.endswith("/")
    rest = posixpath.normpath("/" + rest).lstrip("/")
    return rest + "/" if trailing and rest else rest


def _pages_of(article: Article, config: Config) -> list[str]:
    """Output files that publishing ``article`` creates: its page, aliases, date, digest and term pages."""
    at = article.date.at
    paths = [article.path, *article.aliases]
    if article.kind == "article":
        paths += [
            urls.archive_path(at.year),
            urls.archive_path(at.year, at.month),
            urls.archive_path(at.year, at.month, at.day),
        ]
        default = config.site_languages[0].code
        if digest_language(article.lang) == digest_language(default):
            paths.append(urls.digest_path(at.year, at.month, at.day))
        elif any(item.code == article.lang for item in config.site_languages):  # as served_languages has it
            paths.append(urls.digest_path(at.year, at.month, at.day, digest_language(article.lang)))
        names = [("tag", n) for n in article.tags] + [("author", n) for n in article.authors]
        names += [("section", article.section)] if article.section else []
        paths += [urls.term_path(kind, urls.term_slug(name)) for kind, name in names if urls.term_slug(name)]
    return [urls.output_file(path) for path in paths]


def check_links(
    articles: Sequence[Article],
    held: Mapping[int, str],
    config: Config,
    planned: Sequence[Page],
    static_files: Mapping[str, str],
    unpublished: Sequence[Article] = (),
    outputs: Set[str] | None = None,
) -> list[ContentError]:
    """Links and images in bodies (and lead images) that lead nowhere on this site.

    A link to a page that only an unpublished article creates (the article
    itself, its date or tag pages) is a warning: it works once that article is
    out. Unpublished articles may link to each other. ``outputs``: the output
    files of the site, when the caller has them instead of ``planned`` pages.
    """
    if outputs is None:
        outputs = {urls.output_file(p.path) for p in planned}
    outputs = set(outputs) | set(static_files)
    pending: dict[str, Article] = {}
    waiting = [a for a in articles if held.get(id(a))] + list(unpublished)
    for a in sorted(waiting, key=lambda a: (a.date.at, a.source)):
        for out in _pages_of(a, config):
            if out not in outputs:
                pending.setdefault(out, a)
    found = []
    by_depth: dict[int, list[str]] = {}  # known pages by depth, for suggestions (made at the first broken link)
    for a in articles:
        targets = [(link.kind, link.url, link.line) for link in a.links]
        if a.image is not None and a.image.src:
            targets.append(("lead image", a.image.src, _line(a, "image")))
        for kind, url, line in targets:
            path = site_path_of(url, config, a.path)
            if path is None or path == "":
                continue
            if path in outputs or urls.output_file(path) in outputs or path + "/index.html" in outputs:
                continue
            files = {path, urls.output_file(path), path + "/index.html"}
            later = next((pending[f] for f in sorted(files) if f in pending), None)
            if later is not None:
                if not held.get(id(a)):
                    said = "a draft" if held[id(later)] == "draft" else f"scheduled for {later.date.human()}"
                    found.append(
                        ContentError(
                            a.source,
                            line,
                            f"link to /{path}: not published yet ({said}, {later.source})",
                            "the link leads nowhere until then",
                            "warning",
                        )
                    )
                continue
            if kind == "link":
                message = f"link to /{path}: there is no such page on this site"
                close = _closest(path, outputs, by_depth)
                hint = f"did you mean /{close}?" if close else "check the address; if the page moved, give it an alias"
            else:
                message = f"image not found: /{path}"  # the words of site_gen.images, which a build uses
                hint = f"put the file at static/{path} or fix the path"
            found.append(ContentError(a.source, line, message, hint))
    return found


def _closest(path: str, known: set[str], by_depth: dict[int, list[str]] | None = None) -> str:
    """The known page most like ``path``, among those as deep (``by_depth`` remembers them for ``known``)."""
    if by_depth is None:
        by_depth = {}
    if not by_depth:
        groups: dict[int, set[str]] = defaultdict(set)
        for out in known:
            site_path = urls_path(out)
            groups[site_path.rstrip("/").count("/")].add(site_path)
        by_depth.update((depth, sorted(paths)) for depth, paths in groups.items())
    candidates = by_depth.get(path.rstrip("/").count("/"), [])
    close = difflib.get_close_matches(path, candidates, n=1, cutoff=0.8)
    return close[0] if close else ""
