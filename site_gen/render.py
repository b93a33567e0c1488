"""Jinja2 rendering: the one place that knows about escaping.

The environment autoescapes every template, and undefined variables are
errors (StrictUndefined). Content is data, never template source: a ``{{``
in an article is shown as typed. The only unescaped value is an article's
body HTML, produced by :mod:`site_gen.markdown`: templates insert it with the
``body_html`` filter (``{{ article | body_html }}``), which finds it by the
article's key in the body store (see :func:`body_html`).

The same autoescape serves the XML files (feeds, sitemaps): it writes ``&``,
``<``, ``>``, ``"`` and ``'`` as ``&amp;``, ``&lt;``, ``&gt;``, ``&#34;`` and
``&#39;``, which XML reads back as the same text; an Atom ``<content
type="html">`` or RSS ``<content:encoded>`` therefore carries the body HTML as
escaped text. JSON (``feed.json``) and JSON-LD in ``<script>`` blocks are
written with ``|tojson``, which escapes ``<``, ``>``, ``&`` and ``'`` as
``\u003c`` etc., so no ``</script>`` or ``<!--`` can appear inside a script
block. ``robots.txt`` holds only percent-encoded URLs, so autoescape does not
change it.
"""

from __future__ import annotations

import gettext
import html
import json
import marshal
import re
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import jinja2.ext
import jinja2.meta
import jinja2.nodes
import jinja2.runtime
from markupsafe import Markup, escape

from . import feeds, i18n, offline, share, urls
from .cache import code_key
from .collect import served_languages
from .config import Config
from .dates import local_digits
from .errors import ContentError, display_path
from .hashing import content_hash, digest
from .images import BODY_IMAGE_SIZES, responsive_body
from .markdown import first_paragraph
from .model import Site
from .plan import Page
from .sources import read_template

#: What ``getattr`` finds on a dict (its methods and dunders): ``x.items`` means the method.
_DICT_ATTRS = frozenset(dir(dict))


def _escape_text(text: str) -> str:
    """``&``, ``<``, ``>``, ``'`` and ``"`` as ``&amp;``, ``&lt;``, ``&gt;``, ``&#39;`` and ``&#34;``."""
    return (
        text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;").replace("'", "&#39;").replace('"', "&#34;")
    )


try:  # markupsafe's own escaping of a str, in C (what markupsafe.escape runs before making a Markup)
    from markupsafe._speedups import _escape_inner as _escape_str
except ImportError:  # pragma: no cover - markupsafe without its C speedups, or another version
    _escape_str = _escape_text


def _escape_output(value: Any) -> str:
    """What ``{{ value }}`` writes: markupsafe's ``escape``, without a Markup object for text.

    Templates write ``&``, ``<``, ``>``, ``'`` and ``"`` of text as ``&amp;``, ``&lt;``,
    ``&gt;``, ``&#39;`` and ``&#34;``, exactly as :func:`markupsafe.escape` does; the
    result is only joined into the page, so a plain string serves. Markup is
    written as it is; anything but ``str``, ``int`` and ``Markup`` (Undefined, floats…)
    goes to markupsafe itself.
    """
    cls = value.__class__
    if cls is str:
        return _escape_str(value)
    if cls is Markup:
        return value
    if cls is int:
        return str(value)
    return escape(value)


def picture(
    img: dict,
    sizes: str,
    lazy: bool = True,
    alt: str | None = None,
    priority: bool = False,
    title: Markup | None = None,
    escape: Callable[[Any], str] = _escape_output,
) -> Markup:
    """The one ``<picture>`` markup: a responsive image (``img``: a view of
    :meth:`site_gen.plan.Planner.image_view` or :mod:`site_gen.images`), its WebP
    variant in a ``<source>`` when there is one. ``alt`` replaces the view's own;
    ``priority`` marks the page's largest paint (``fetchpriority="high"``).

    Templates call it through the ``picture`` macro of ``partials/picture.html``
    (global ``picture_markup``); body images through :func:`body_picture`. Values are
    escaped as ``{{ … }}`` escapes them, unless ``escape`` says otherwise.
    """
    tag = f'<img src="{escape(img["src"])}" alt="{escape(img["alt"] if alt is None else alt)}"'
    if img.get("srcset"):
        tag += f' srcset="{escape(img["srcset"])}" sizes="{escape(sizes)}"'
    if img.get("width"):
        tag += f' width="{escape(img["width"])}" height="{escape(img["height"])}"'
    if lazy:
        tag += ' loading="lazy" decoding="async"'
    if priority:
        tag += ' fetchpriority="high"'
    if title is not None:
        tag += f' title="{escape(title)}"'
    tag += ">"
    if not img.get("webp"):
        return Markup(tag)
    return Markup(
        f'<picture><source type="image/webp" srcset="{escape(img["webp"])}" sizes="{escape(sizes)}">{tag}</picture>'
    )


def _escape_body_attribute(value: Any) -> str:
    """A body image's attribute, escaped by :func:`html.escape` (``&quot;``, ``&#x27;``) as the
    rest of a body's image markup is, not as ``{{ … }}`` escapes (``&#34;``, ``&#39;``);
    Markup (the body's own attribute text) as it is."""
    return value if value.__class__ is Markup else html.escape(str(value), quote=True)


def body_picture(view: dict, alt: str, sizes: str, title: Markup | None = None) -> str:
    """:func:`picture` for an image in a body (lazy: below the headline), for
    :func:`site_gen.images.responsive_body`."""
    return picture(view, sizes, lazy=True, alt=alt, title=title, escape=_escape_body_attribute)


class _Template(jinja2.Template):
    """A template whose ``{{ … }}`` output uses :func:`_escape_output`, and whose globals are
    a plain dict: Jinja gives each template a ``ChainMap`` over the environment's globals,
    and copies it, key by key in Python, into every context it makes (each render, include
    and macro import). A :class:`Renderer` sets the environment's globals before it loads a
    template, and never after."""

    @classmethod
    def _from_namespace(cls, environment, namespace, globals):
        # The compiled module calls ``escape`` (imported from jinja2.runtime) only to
        # write an expression's value into the output (or a block's buffer).
        namespace["escape"] = _escape_output
        return super()._from_namespace(environment, namespace, dict(globals))


class _Context(jinja2.runtime.Context):
    """Jinja's context with a quicker ``f(x)`` in a template.

    Jinja sends every call in a template through :meth:`jinja2.runtime.Context.call`,
    which asks each time whether the callable wants the context, the evaluation
    context or the environment passed first (``pass_context`` & co). The answer is
    a property of the callable, so it is asked once per callable (kept by the
    environment, which lives as long as its renderer). A callable that wants
    nothing, or the evaluation context (the theme's words), is then called straight
    away with what Jinja would give it; one that wants the context goes Jinja's way.
    """

    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's own names
        known = __self.environment.passed_first
        try:
            passed = known.get(__obj, _UNKNOWN)
        except TypeError:  # unhashable (a dict's bound method): Jinja's own way
            passed = None
        if passed is _UNKNOWN:
            passed = known[__obj] = _passed(__obj)
        if passed is None:
            return super().call(__obj, *args, **kwargs)
        if kwargs:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
        if passed:
            args = (__self.eval_ctx, *args)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception"
            )


_UNKNOWN = object()


def _passed(obj: Any) -> bool | None:
    """What :meth:`jinja2.runtime.Context.call` passes ``obj`` before its own arguments:
    nothing (False), the evaluation context (True), or something :class:`_Context` leaves
    to Jinja (None)."""
    from jinja2.utils import _PassArg

    if hasattr(obj, "__call__") and _PassArg.from_obj(obj.__call__) is not None:  # noqa: B004 - Jinja's test
        return None
    passed = _PassArg.from_obj(obj)
    return False if passed is None else True if passed is _PassArg.eval_context else None


class _Environment(jinja2.Environment):
    """Jinja's environment with a quicker ``x.name`` on plain dicts.

    Jinja looks ``x.name`` up as an attribute first and as a key second; on a
    dict the attribute lookup fails (an exception) for every key but a dict
    method's name. Page contexts are plain dicts, so this looks such names up
    as keys straight away: the same value or the same error, without the failed
    attribute lookup.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if obj.__class__ is dict and attribute not in _DICT_ATTRS:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)

    template_class = _Template
    context_class = _Context

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.passed_first: dict[Any, bool | None] = {}
        """For :class:`_Context`: what each callable a template called wants passed first."""
        self.fragments: dict[tuple, str] = {}
        """For :class:`MemoExtension`: the fragments written so far."""


class MemoExtension(jinja2.ext.Extension):
    """``{% memo page.ui %}…{% endmemo %}``: a fragment rendered once for each value of its key by
    each renderer (a build's, in each of its processes), then copied (Hugo's ``partialCached``):
    the masthead and the colophon are the same on every page of a language.

    The key is what the fragment reads beyond ``site``, the theme's words and the blocks of the
    template being rendered (the catalogue of the page's language and that template's name are
    always part of the key): a value the fragment uses but the key leaves out shows the first
    page's value on every page. ``tests/test_render.py`` builds the sample site with and without
    the memo and compares every byte.
    """

    tags = {"memo"}

    #: Fragments kept at most: a key that names every page keeps memory bounded, if slow.
    KEEP = 1_000

    def parse(self, parser: Any) -> jinja2.nodes.Node:
        lineno = next(parser.stream).lineno
        key = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            key.append(parser.parse_expression())
        body = parser.parse_statements(("name:endmemo",), drop_needle=True)
        where = jinja2.nodes.Const(f"{parser.name}:{lineno}")
        context = jinja2.nodes.ContextReference()
        call = self.call_method("_memo", [context, where, jinja2.nodes.Tuple(key, "load")])
        return jinja2.nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _memo(self, context: jinja2.runtime.Context, where: str, key: tuple, caller: Callable[[], str]) -> str:
        fragments = self.environment.fragments
        try:
            found = fragments.get(full := (where, context.name, context.get("_"), key))
        except TypeError:  # a key that is not hashable: no memo
            return caller()
        if found is None:
            if len(fragments) >= self.KEEP:
                fragments.clear()
            found = fragments[full] = caller()
        return found


class _CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's compiled templates kept in this process (:data:`_COMPILED`), then in ``disk``
    (the cache folder's, when there is one): a process that builds again (the preview, a
    test run) does not compile the same template source twice. Jinja checks each entry
    against a checksum of the template's source and of site_gen's code (its extensions compile
    into the templates: :class:`MemoExtension`), and every environment is made by
    :func:`make_environment` with the same options, so an entry compiles to the same code."""

    def __init__(self, disk: jinja2.BytecodeCache | None):
        self.disk = disk

    def get_source_checksum(self, source: str) -> str:
        return super().get_source_checksum(f"{code_key()}\0{source}")

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = _COMPILED.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)  # reset when the source's checksum differs
            if bucket.code is not None:
                return
        if self.disk is not None:
            self.disk.load_bytecode(bucket)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        _COMPILED[bucket.key] = bucket.bytecode_to_string()
        if self.disk is not None:
            self.disk.dump_bytecode(bucket)


#: Jinja extensions the templates may use (``make messages`` reads the templates with them too).
TEMPLATE_EXTENSIONS = ("jinja2.ext.i18n", "site_gen.render.MemoExtension")

#: Compiled templates by Jinja's key (template name and file), each checked by its source's checksum.
_COMPILED: dict[str, bytes] = {}


def make_environment(templates: Path, compiled: Path | None = None) -> jinja2.Environment:
    """The configured environment for one templates folder.

    ``compiled``: a folder where compiled templates are kept between builds
    (Jinja's bytecode cache, keyed by each template's source).
    """
    disk = None
    if compiled is not None:
        try:
            compiled.mkdir(parents=True, exist_ok=True)
            disk = jinja2.FileSystemBytecodeCache(str(compiled))
        except OSError:
            disk = None
    env = _Environment(
        bytecode_cache=_CompiledTemplates(disk),
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        cache_size=-1,  # a plain dict: every template stays compiled, looked up without a lock
        extensions=TEMPLATE_EXTENSIONS,
    )
    env.install_null_translations(newstyle=True)
    env.globals["picture_markup"] = picture  # what partials/picture.html's macro writes
    # |tojson (JSON Feed, JSON-LD): keys sorted for stable output, non-ASCII kept as
    # UTF-8; Jinja still writes <, >, & and ' as \u003c, \u003e, \u0026, \u0027.
    env.policies["json.dumps_kwargs"] = _JSON_OPTIONS
    env.policies["json.dumps_function"] = _json_dumps
    return env


#: The options the policy above gives every ``|tojson``.
_JSON_OPTIONS = {"sort_keys": True, "ensure_ascii": False}


def _json_dumps(value: Any, **options: Any) -> str:
    """``json.dumps``, for Jinja's ``|tojson`` (which then escapes ``<``, ``>``, ``&``, ``'``).

    With the site's options, the C encoder json.dumps would use is made directly, without
    the JSONEncoder set-up json.dumps redoes per call: the same text, twice as fast (an
    article page holds two JSON-LD documents; ``tests/test_render.py`` compares them).
    """
    if options != _JSON_OPTIONS or json.encoder.c_make_encoder is None:
        return json.dumps(value, **options)
    encode = json.encoder.c_make_encoder(
        {}, _not_json, json.encoder.encode_basestring, None, ": ", ", ", True, False, True
    )
    return "".join(encode(value, 0))


def _not_json(value: Any) -> Any:
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


def json_feed(doc: dict) -> Markup:
    """Filter: a JSON Feed document as ``|tojson(indent=2)`` writes it, but with ``version``
    first, as the JSON Feed spec asks (the other keys sorted, as everywhere)."""
    rest = {k: v for k, v in doc.items() if k != "version"}
    text = str(jinja2.utils.htmlsafe_json_dumps(rest, dumps=json.dumps, sort_keys=True, ensure_ascii=False, indent=2))
    if "version" not in doc:
        return Markup(text)
    version = str(jinja2.utils.htmlsafe_json_dumps(doc["version"], dumps=json.dumps))
    inside = text[1:] if rest else "\n}"
    return Markup('{\n  "version": ' + version + ("," if rest else "") + inside)


_FONT_STACK = re.compile(r"[\w\s\"',.-]*")


def css_font(stack: str) -> Markup:
    """A font stack from site.yaml, for a ``<style>`` block (where no entity is read): only
    names, quotes, commas and spaces pass (config checks the same rule); anything else is dropped."""
    return Markup(stack if _FONT_STACK.fullmatch(stack) and "</" not in stack else "")


def with_dateline(html: str, dateline: str = "") -> str:
    """A rendered body with the dateline (escaped) opening its first paragraph.

    Used by article pages (through :func:`body_html`) and by feeds.
    """
    if not dateline:
        return html
    opening = f'<span class="dateline">{escape(dateline)}:</span> '
    if html.startswith("<p>"):
        return "<p>" + opening + html[3:]
    return "<p>" + opening + "</p>\n" + html


def body_html(html: str, dateline: str = "") -> Markup:
    """An article body, trusted as HTML, with the dateline opening its first paragraph."""
    return Markup(with_dateline(html, dateline))


def summary_repeats_body(summary: str, html: str) -> bool:
    """Whether ``summary`` is the first paragraph of the body ``html``, whole or cut short with "…"."""
    first = first_paragraph(html)
    return summary == first or (summary.endswith("…") and first.startswith(summary[:-1].rstrip()))


def site_view(site: Site, config: Config) -> dict[str, Any]:
    """What every template sees as ``site``; ``site.chrome[page.ui]`` is the header, menu and
    footer of a page in one of the site's languages (links into its own pages where it has them)."""
    link = lambda path: urls.href(config.base_path, path)  # noqa: E731
    sections = {t.slug: t for t in site.sections}
    menu = []
    for name in config.menu:
        term = sections.get(urls.term_slug(name))
        if term is not None:
            menu.append({"name": name, "url": link(term.path)})
    default = config.site_languages[0]
    served = served_languages(site, config)
    chrome = {default.code: {"home": link(""), "search_url": link("search/"), "menu": menu, "feeds": []}}
    for code in served:
        mine = frozenset(site.languages[code])
        chrome[code] = {
            "home": link(urls.language_path(code, "")),
            "search_url": link(urls.language_path(code, "search/")),
            "menu": [
                {
                    "name": item["name"],
                    "url": link(urls.language_path(code, sections[urls.term_slug(item["name"])].path)),
                }
                if not mine.isdisjoint(sections[urls.term_slug(item["name"])].articles)
                else item
                for item in menu
            ],
            "feeds": feeds.feed_links(config, code),
        }
    for view in chrome.values():  # what the masthead's memo asks: is this page a menu entry's?
        view["menu_urls"] = [item["url"] for item in view["menu"]]
    languages = [
        {
            "code": item.code,
            "name": item.name,
            "dir": item.direction,
            "font": item.font,
            "url": chrome[item.code]["home"],
        }
        for item in config.site_languages
        if item.code in chrome
    ]
    return {
        "title": config.title,
        "description": config.description,
        "language": config.language,
        "base_url": config.base_url,
        "home": link(""),
        "stylesheet": link("css/site.css"),
        "search_url": link("search/"),
        "pagefind_url": link("pagefind/"),
        "search_script": link("js/search.js"),
        "tags_url": link(urls.taxonomy_index_path("tag")),
        "sections_url": link(urls.taxonomy_index_path("section")),
        "authors_url": link(urls.taxonomy_index_path("author")),
        "publisher": {"name": config.publisher.name, "logo": config.publisher.logo},
        "icons": share.icon_links(config.publisher.icon, link),
        "manifest": link(offline.MANIFEST) if config.publisher.icon else None,
        "service_worker": link(offline.WORKER) if config.offline_stories else None,
        "theme_color": share.THEME_COLOR,
        "menu": menu,
        "latest_year": link(site.years[0].path) if site.years else None,
        "feeds": feeds.feed_links(config),
        "chrome": chrome,
        "languages": languages,
        "fonts": [{"code": item.code, "font": item.font} for item in config.site_languages if item.font],
    }


TEMPLATE_SUFFIXES = (".html", ".xml", ".json", ".txt", ".js", ".webmanifest")

CARD_TEMPLATE = "partials/card.html"

#: Templates that filters render: a template using the filter depends on them too.
FILTER_TEMPLATES = {"card_html": CARD_TEMPLATE}


def template_keys(templates: Path) -> dict[str, str]:
    """For each template, a hash of its own file and of every file it extends,
    includes or imports: a page needs rendering again only when one of those
    changed. A template that picks another by a variable depends on them all.

    The keys depend only on the files' names and bytes: a process that builds again
    with the same templates (the preview, a test run) gets them from
    :data:`_KNOWN_KEYS` without parsing every template again (bench/README.md).
    """
    names = sorted(
        p.relative_to(templates).as_posix()
        for p in templates.rglob("*")
        if p.is_file() and p.suffix in TEMPLATE_SUFFIXES
    )
    sources = [(name, read_template(templates / name)) for name in names]
    words = i18n.catalogues_key(templates)  # every template may use the catalogues' words
    known = digest(marshal.dumps([sources, words], 0))
    keys = _KNOWN_KEYS.get(known)
    if keys is None:
        keys = _KNOWN_KEYS[known] = _keys_of(make_environment(templates), dict(sources), words)
        while len(_KNOWN_KEYS) > 8:
            del _KNOWN_KEYS[next(iter(_KNOWN_KEYS))]
    return dict(keys)


#: :func:`template_keys` by the digest of every template's name and bytes (the last few).
_KNOWN_KEYS: dict[str, dict[str, str]] = {}


def _keys_of(env: jinja2.Environment, sources: dict[str, bytes], words: str = "") -> dict[str, str]:
    names = list(sources)
    own: dict[str, str] = {}
    refs: dict[str, set[str]] = {}
    for name, source in sources.items():
        own[name] = content_hash(source)
        try:
            ast = env.parse(source.decode("utf-8"))
            found = set(jinja2.meta.find_referenced_templates(ast))
            found.update(
                FILTER_TEMPLATES[f.name] for f in ast.find_all(jinja2.nodes.Filter) if f.name in FILTER_TEMPLATES
            )
        except (jinja2.TemplateSyntaxError, UnicodeDecodeError):
            found = {None}
        refs[name] = set(names) if None in found else {f for f in found if f in names}

    keys = {}
    for name in names:
        seen, stack = set(), [name]
        while stack:
            current = stack.pop()
            if current not in seen:
                seen.add(current)
                stack.extend(refs.get(current, ()))
        joined = "".join(f"{n}={own[n]};" for n in sorted(seen)) + f"words={words}"
        keys[name] = content_hash(joined.encode())
    return keys


class _Words:
    """One catalogue's words as a template calls them: what Jinja's i18n extension
    (``newstyle``) gives, the same text, with a word without variables made once."""

    def __init__(self, catalogue: Any):
        self.catalogue = catalogue
        self._plain: dict[str, Markup] = {}
        self._names: dict[str, str] = {}
        self.names = {"_": self.gettext, "gettext": self.gettext, "ngettext": self.ngettext, "word": self.word}

    @jinja2.pass_eval_context
    def gettext(self, eval_ctx, message: str, /, **variables: Any) -> str:
        if not eval_ctx.autoescape:
            return self.catalogue.gettext(message) % variables
        if variables:
            return Markup(self.catalogue.gettext(message)) % variables
        text = self._plain.get(message)
        if text is None:
            text = self._plain[message] = Markup(self.catalogue.gettext(message)) % variables
        return text

    @jinja2.pass_eval_context
    def ngettext(self, eval_ctx, singular: str, plural: str, number: int, /, **variables: Any) -> str:
        variables.setdefault("num", number)
        text = self.catalogue.ngettext(singular, plural, number)
        return (Markup(text) if eval_ctx.autoescape else text) % variables

    def word(self, text: str) -> str:
        """See :meth:`Renderer.word`."""
        found = self._names.get(text)
        if found is None:
            found = self._names[text] = str(self.catalogue.gettext(text))
        return found


class Renderer:
    """Renders pages with one environment and one site view."""

    FEED_BODIES = 500
    """Feed entry bodies kept for the next feeds (:meth:`feed_body`): the site's, sections' and tags'
    feeds list mostly the same newest stories, so a few hundred serve them all, where keeping every
    one held a large share of a build's memory (bench/README.md)."""

    def __init__(
        self,
        templates: Path,
        site_globals: dict[str, Any],
        bodies=None,
        root: Path | None = None,
        compiled: Path | None = None,
        cards: Path | None = None,
    ):
        self.templates = templates
        self.cards = cards
        """Where drawn share cards are kept by content hash (:func:`site_gen.share.render_card`)."""
        self.root = root
        self.bodies = bodies if bodies is not None else {}
        """Body HTML by article key: a dict, or any mapping that loads on demand."""
        self.env = make_environment(templates, compiled)
        self.env.globals["site"] = site_globals
        self.base_path = site_globals.get("home", "/")
        """Path of ``base_url`` (the home page's link), put before the root-relative links of bodies."""
        self.env.filters["body_html"] = self.body_html
        self.env.filters["feed_body"] = self.feed_body
        self.env.filters["with_bodies"] = self.with_bodies
        self.env.filters["json_feed"] = json_feed
        self.env.filters["card_html"] = self.card_html
        self.env.filters["standfirst"] = self.standfirst
        self.env.filters["css_font"] = css_font
        self.env.filters["digits"] = self.digits
        self._catalogues = i18n.compiled_catalogues(templates)
        self._null = gettext.NullTranslations()
        self.env.install_gettext_callables(self.gettext, self.ngettext, newstyle=True)
        self.env.globals["lgettext"] = self.lgettext
        self.env.globals["lngettext"] = self.lngettext
        self.env.globals["word"] = self.word
        self.env.globals["lword"] = self.lword
        self._bound: dict[int, dict[str, Any]] = {}
        self._cards: dict[str, Markup] = {}
        self._card_ids: dict[int, tuple[dict, Markup]] = {}
        self._feed_bodies: dict[tuple, str] = {}

    def words_of(self, lang: str) -> Any:
        if not lang or lang.__class__ is not str:
            return self._null
        return self._catalogues.get(lang.split("-")[0].lower(), self._null)

    def _words_for(self, context: dict) -> dict[str, Any]:
        """``_``, ``gettext``, ``ngettext`` and ``word`` bound to the catalogue
        :meth:`catalogue` finds in a render's context, given to that render's template: a
        word is then one call, not the three ``context.call`` layers of Jinja's i18n
        extension. The globals of the same names stay, for macros imported without context."""
        catalogue = self.catalogue(context)
        words = self._bound.get(id(catalogue))
        if words is None:
            words = self._bound[id(catalogue)] = _Words(catalogue).names
        return words

    def lgettext(self, lang: str, message: str, **variables) -> Markup:
        """``lgettext(article.lang, "By")``: a word in a story's own language (its labels), where
        the page's chrome may be in another (a language the site does not serve)."""
        return Markup(self.words_of(lang).gettext(message)) % variables

    def lngettext(self, lang: str, singular: str, plural: str, number: int, **variables) -> Markup:
        variables.setdefault("num", number)
        return Markup(self.words_of(lang).ngettext(singular, plural, number)) % variables

    def catalogue(self, context) -> Any:
        """The catalogue of the language a template is rendering in: its page's chrome
        (``page.ui``), a card's own language, a redirect's; English (the words as written) else."""
        page = context.get("page")
        if page.__class__ is dict:
            lang = page.get("ui") or page.get("lang")
        else:
            card = context.get("card")
            lang = card.get("lang") if card.__class__ is dict else context.get("lang")
        return self.words_of(lang)

    @jinja2.pass_context
    def word(self, context, text: str) -> str:
        """``word(section.name)``: a name from the content or site.yaml (a section, a tag, a menu
        entry) in the page's language when a catalogue has it. Plain text, escaped like any
        other (never Markup, never a format string: a tag may hold ``<b>`` or ``%``)."""
        return str(self.catalogue(context).gettext(text))

    def lword(self, lang: str, text: str) -> str:
        """:meth:`word` in a story's own language."""
        return str(self.words_of(lang).gettext(text))

    @jinja2.pass_context
    def digits(self, context, value: Any) -> str:
        """Filter: a number in the digits of the page's locale (``۲۳`` on a Pashto page)."""
        page = context.get("page")
        locale = page.get("locale") if page.__class__ is dict else None
        return local_digits(str(value), locale) if locale else str(value)

    @jinja2.pass_context
    def gettext(self, context, message: str) -> str:
        return self.catalogue(context).gettext(message)

    @jinja2.pass_context
    def ngettext(self, context, singular: str, plural: str, number: int) -> str:
        return self.catalogue(context).ngettext(singular, plural, number)

    def body_html(self, article: dict) -> Markup:
        """Filter: the body of an article view, with its dateline."""
        html = responsive_body(self.bodies[article["body"]], article.get("body_images") or {}, BODY_IMAGE_SIZES)
        return body_html(urls.body_links(html, self.base_path), article.get("dateline", ""))

    def standfirst(self, article: dict) -> str:
        """Filter: the summary to print above the body, or "" when it is only the body's first
        paragraph (the summary made from it when ``summary:`` is not set), which the body shows."""
        summary = article.get("summary") or ""
        if not summary:
            return ""
        return "" if summary_repeats_body(summary, self.bodies[article["body"]]) else summary

    def card_html(self, card: dict) -> Markup:
        """Filter: ``partials/card.html`` for one card, rendered once per distinct card.

        A card is plain data and the template sees only it (and ``site``), so
        the same card renders to the same HTML on every list and related block
        it appears in; the HTML is kept by the card's content, the
        :func:`~site_gen.hashing.digest` of its marshal bytes (version 0: no
        references, no interning marks; quicker to make than its ``repr``), so the
        memo stays small.

        The planner makes each article's card once and shows that same dict on
        every page (see :meth:`site_gen.plan.Planner.card`), never changing it: a
        card met before is found by identity first, without hashing it again.
        The memo holds the card itself, so its ``id`` cannot pass to another object.
        """
        seen = self._card_ids.get(id(card))
        if seen is not None and seen[0] is card:
            return seen[1]
        try:
            key = digest(marshal.dumps(card, 0))
        except ValueError:  # not plain data: render it every time
            return Markup(self.env.get_template(CARD_TEMPLATE).render(card=card))
        html = self._cards.get(key)
        if html is None:
            context = {"card": card}
            html = Markup(self.env.get_template(CARD_TEMPLATE).render(context, **self._words_for(context)))
            self._cards[key] = html
        self._card_ids[id(card)] = (card, html)
        return html

    def feed_body(self, ref: dict) -> str:
        """Filter: a feed entry's body (see :func:`site_gen.feeds.body_ref`), as text to escape.

        An article is an entry of several feeds (the site's, its section's, its
        tags'…), which mostly list the same newest stories: its body is made once
        while :attr:`FEED_BODIES` others at most are kept beside it.
        """
        key = (ref["body"], ref["dateline"], ref["base"], ref["url"])
        html = self._feed_bodies.get(key)
        if html is None:
            if len(self._feed_bodies) >= self.FEED_BODIES:
                self._feed_bodies.clear()
            html = with_dateline(self.bodies[ref["body"]], ref["dateline"])
            html = self._feed_bodies[key] = feeds.absolute_links(html, ref["base"], ref["url"])
        return html

    def with_bodies(self, doc: dict) -> dict:
        """Filter: a JSON Feed document with its items' ``content_html`` filled in."""
        items = [dict(item, content_html=self.feed_body(item["content_html"])) for item in doc["items"]]
        return dict(doc, items=items)

    def render(self, page: Page) -> bytes:
        """The bytes of one page; raise :class:`ContentError` naming the template line."""
        if page.template == share.TEMPLATE:
            return share.render_card(page.context["card"], self.cards)
        try:
            template = self.env.get_template(page.template)
            return template.render(page.context, **self._words_for(page.context)).encode("utf-8")
        except jinja2.TemplateSyntaxError as exc:
            path = Path(exc.filename) if exc.filename else self.templates / page.template
            raise ContentError(
                display_path(path, self.root), exc.lineno or 0, f"template error: {exc.message}"
            ) from None
        except jinja2.TemplateNotFound as exc:
            raise ContentError(
                display_path(self.templates / page.template, self.root),
                0,
                f"template not found: {exc.name}",
                "check --templates",
            ) from None
        except Exception as exc:  # an error raised while the template runs
            where, line = self._template_frame(exc)
            message = f"template error while rendering /{page.path}: {type(exc).__name__}: {exc}"
            raise ContentError(where, line, message) from None

    def _template_frame(self, exc: BaseException) -> tuple[str, int]:
        templates = str(self.templates.resolve())
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename and str(Path(frame.filename).resolve()).startswith(templates):
                return display_path(Path(frame.filename), self.root), frame.lineno or 0
        return display_path(self.templates, self.root), 0
