"""Escaping: content is data, never template source or markup (site_gen.render)."""

from site_gen.build import build_site
from tests.conftest import make_site, site_options


def test_front_matter_and_body_are_escaped_and_never_evaluated(site_dir):
    make_site(
        site_dir,
        articles={
            "x.md": {
                "title": "<script>alert(1)</script> {{ 7 * 7 }}",
                "date": "2025-07-20",
                "slug": "x",
                "summary": '"Quoted" & <b>bold</b>',
                "dateline": "<i>KABUL</i>",
                "tags": ["{% raw %}", "<b>Tag</b>"],
                "author": "{{ site.title }}",
                "body": "Body {{ 6 * 7 }} <img src=x onerror=alert(1)>\n",
            }
        },
    )
    build_site(site_options(site_dir))
    page = (site_dir / "build" / "2025" / "07" / "20" / "x" / "index.html").read_text("utf-8")
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7 * 7 }}" in page
    assert "49" not in page and "42" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<img src=x" not in page
    assert '<meta name="description" content="&#34;Quoted&#34; &amp; &lt;b&gt;bold&lt;/b&gt;">' in page
    assert '<span class="dateline">&lt;i&gt;KABUL&lt;/i&gt;:</span>' in page
    assert "><bdi>{{ site.title }}</bdi></a>" in page
    assert "><bdi>{% raw %}</bdi></a>" in page and "&lt;b&gt;Tag&lt;/b&gt;" in page


def test_raw_html_site_option(site_dir):
    body = "<aside>Fact box</aside>\n\n[x](javascript:alert(1))\n"
    make_site(site_dir, articles={"x.md": {"title": "X", "body": body}}, config={"raw_html": True})
    build_site(site_options(site_dir))
    page = (site_dir / "build" / "2025" / "07" / "20" / "x" / "index.html").read_text("utf-8")
    assert "<aside>Fact box</aside>" in page
    assert 'href="javascript:' not in page


def test_a_card_template_edit_reaches_every_template_that_lists_cards(tmp_path):
    """Lists render cards with the ``card_html`` filter, not an include: their keys still cover card.html."""
    import shutil

    from site_gen.render import template_keys
    from tests.conftest import REPO

    folder = tmp_path / "templates"
    shutil.copytree(REPO / "templates", folder)
    before = template_keys(folder)
    card = folder / "partials" / "card.html"
    card.write_text(card.read_text("utf-8").replace("<h3>", "<h3 data-edited>"), "utf-8")
    after = template_keys(folder)
    changed = {name for name in before if before[name] != after[name]}
    assert {"article.html", "home.html", "term.html", "day.html", "month.html", "partials/cards.html"} <= changed
    assert "partials/card.html" in changed
    assert not changed & {"year.html", "terms.html", "404.html", "feeds/atom.xml", "partials/meta.html"}


def test_a_template_using_the_card_filter_directly_depends_on_the_card_template(tmp_path):
    from site_gen.render import template_keys

    folder = tmp_path / "templates"
    (folder / "partials").mkdir(parents=True)
    (folder / "list.html").write_text("{% for c in cards %}{{ c | card_html }}{% endfor %}")
    (folder / "other.html").write_text("{{ x | upper }}")
    (folder / "partials/card.html").write_text("{{ card.title }}")
    before = template_keys(folder)
    (folder / "partials/card.html").write_text("<b>{{ card.title }}</b>")
    after = template_keys(folder)
    assert {name for name in before if before[name] != after[name]} == {"list.html", "partials/card.html"}


def _card(title: str, url: str = "/a/") -> dict:
    return {
        "title": title,
        "url": url,
        "date": {"iso": "2025-07-20T09:00:00+05:00", "human": "20 July 2025"},
        "summary": "S & <s>",
        "dateline": "",
        "lang": "en",
        "dir": "ltr",
        "section": None,
        "image": None,
        "draft": False,
        "scheduled": False,
    }


def test_cards_render_by_their_content_and_escape_it(tmp_path):
    """The card filter keeps HTML by the card's whole content: a changed card is never served stale."""
    from site_gen.plan import Page
    from site_gen.render import Renderer
    from tests.conftest import REPO

    renderer = Renderer(REPO / "templates", {})
    cards = [_card("One <b>"), _card("Two"), _card("One <b>"), _card("Two", url="/b/")]
    html = renderer.render(Page("x/", "partials/cards.html", {"cards": cards})).decode()
    assert html.count('<article class="card"') == 4
    assert html.count("One &lt;b&gt;</a>") == 2 and html.count("Two</a>") == 2
    assert '<a href="/b/">Two</a>' in html and '<a href="/a/">Two</a>' in html
    assert html.count('<p class="summary">S &amp; &lt;s&gt;</p>') == 4
    retitled = renderer.render(Page("x/", "partials/cards.html", {"cards": [_card("Three")]})).decode()
    assert "Three</a>" in retitled and "One" not in retitled
    assert "No stories yet." in renderer.render(Page("x/", "partials/cards.html", {"cards": []})).decode()


def test_a_card_shown_again_is_found_without_rendering_or_hashing_it(monkeypatch):
    """The planner shows one dict per article on every page: the filter knows it by identity."""
    import site_gen.render
    from site_gen.plan import Page
    from site_gen.render import Renderer
    from tests.conftest import REPO

    renderer = Renderer(REPO / "templates", {})
    card = _card("One")
    first = renderer.render(Page("x/", "partials/cards.html", {"cards": [card]}))
    hashed = []
    real = site_gen.render.marshal.dumps
    monkeypatch.setattr(site_gen.render.marshal, "dumps", lambda *a: hashed.append(1) or real(*a))
    assert renderer.render(Page("y/", "partials/cards.html", {"cards": [card, card]})).count(b"One</a>") == 2
    assert not hashed
    copy = dict(card)  # the same content in another dict: found by its content
    assert renderer.render(Page("x/", "partials/cards.html", {"cards": [copy]})) == first
    assert hashed == [1]


def test_the_card_filter_writes_what_an_include_wrote(tmp_path):
    """cards.html with the filter gives the bytes of the former ``{% include %}`` per card."""
    import shutil

    from site_gen.plan import Page
    from site_gen.render import Renderer
    from tests.conftest import REPO

    folder = tmp_path / "templates"
    shutil.copytree(REPO / "templates", folder)
    (folder / "included.html").write_text(
        '<div class="cards">\n{% for card in cards %}\n{% include "partials/card.html" %}\n'
        "{% else %}\n<p>No stories yet.</p>\n{% endfor %}\n</div>\n"
    )
    renderer = Renderer(folder, {})
    image = {"src": "/i.jpg", "alt": "A", "width": 100, "height": 50, "srcset": "/i.jpg 100w", "webp": ""}
    cards = [_card("One"), dict(_card("Two"), image=image, draft=True, section={"name": "S", "url": "/s/"})]
    for listed in (cards, []):
        page = {"cards": listed}
        assert renderer.render(Page("x/", "partials/cards.html", page)) == renderer.render(
            Page("x/", "included.html", page)
        )


def test_template_output_escapes_exactly_as_markupsafe():
    from markupsafe import Markup, escape

    from site_gen.render import _escape_output, _escape_text

    values = [
        "",
        "plain",
        "a & b < c > d ' e \" f",
        "&amp;",
        "اردو <b>",
        0,
        42,
        -7,
        True,
        None,
        1.5,
        Markup("<b>x</b>"),
    ]
    for value in values:
        assert _escape_output(value) == str(escape(value)), value
        if isinstance(value, str) and not isinstance(value, Markup):
            assert _escape_text(value) == str(escape(value)), value  # without markupsafe's C speedups


def test_dict_lookups_in_templates_behave_as_in_jinja(tmp_path):
    """``x.name`` on a dict finds the key, a dict method's name still means the method, a missing key fails."""
    import jinja2
    import pytest

    from site_gen.render import make_environment

    (tmp_path / "t.html").write_text("{{ d.title }}|{{ d['items'] }}|{{ d.items() | list | length }}|{{ n.x.y }}")
    env = make_environment(tmp_path)
    data = {"d": {"title": "T", "items": "I"}, "n": {"x": {"y": 3}}}
    assert env.get_template("t.html").render(data) == "T|I|2|3"
    (tmp_path / "missing.html").write_text("{{ d.nope }}")
    with pytest.raises(jinja2.UndefinedError, match="nope"):
        env.get_template("missing.html").render(data)


def test_tojson_writes_what_jinjas_filter_writes_with_the_same_policies():
    """render.py's quicker ``|tojson`` gives Jinja's bytes, for JSON-LD and JSON Feed alike."""
    import jinja2
    import pytest

    from site_gen.render import make_environment
    from tests.conftest import REPO

    ours = make_environment(REPO / "templates")
    jinjas = jinja2.Environment(autoescape=True)
    jinjas.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    values = [
        {"b": [1, -2.5, 1e100, None, True, False], "a": "x <y> & 'z' \"q\" “q” \u2028 \x01 \\ / اردو", "c": {}},
        {"@context": "https://schema.org", "nested": {"z": [{"y": 1, "x": [[]]}], "a": ""}},
        "</script><!--",
        [],
        12,
    ]
    for source in ("{{ v | tojson }}", "{{ v | tojson(indent=2) }}", "{{ v | tojson(2) }}"):
        for value in values:
            assert ours.from_string(source).render(v=value) == jinjas.from_string(source).render(v=value)
    circular: list = []
    circular.append(circular)
    for value, error in ((object(), TypeError), ({"k": {1, 2}}, TypeError), (circular, ValueError)):
        with pytest.raises(error):
            ours.from_string("{{ v | tojson }}").render(v=value)


def test_the_first_paragraph_is_printed_once_when_summary_is_not_set(tmp_path):
    """Issue 19, case 6: no standfirst that repeats the body's first paragraph."""
    from tests._site import NOW_ARG, article, make_site, run_cli

    long_first = "Officials met at the border crossing on Sunday " * 8  # over 220 characters: cut with "…"
    root = make_site(
        tmp_path,
        {
            "articles/plain.md": article("Plain", body="The first paragraph.\n\nThe second one.\n"),
            "articles/long.md": article("Long", body=long_first + "\n\nMore.\n"),
            "articles/own.md": article("Own", summary="A summary of its own.", body="The body begins.\n"),
        },
    )
    assert run_cli(root, "build", "--now", NOW_ARG, "-q")[0] == 0
    day = root / "build/2025/07/20"
    plain = (day / "plain/index.html").read_text("utf-8")
    assert plain.count("The first paragraph.</p>") == 1
    assert 'class="standfirst"' not in plain
    long_page = (day / "long/index.html").read_text("utf-8")
    assert 'class="standfirst"' not in long_page
    own = (day / "own/index.html").read_text("utf-8")
    assert '<p class="standfirst" data-pagefind-ignore>A summary of its own.</p>' in own
    assert "The body begins." in own


def test_theme_words_take_any_variable_name_as_jinja_s_own_do():
    """A template's variables may be named message, number or singular: they are the message's."""
    import gettext

    import jinja2

    from site_gen.render import _Words

    env = jinja2.Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    env.install_null_translations(newstyle=True)
    source = (
        '{{ _("Sent %(message)s", message="<x>") }} {{ ngettext("%(number)s file", "%(number)s files", 2, number=3) }}'
        " {% trans number=2 %}one{% pluralize number %}{{ number }} many{% endtrans %}"
    )
    words = _Words(gettext.NullTranslations()).names
    assert (
        env.from_string(source).render(**words) == env.from_string(source).render() == "Sent &lt;x&gt; 3 files 2 many"
    )


def test_template_calls_give_what_jinja_s_own_context_gives(tmp_path):
    """The renderer's quicker ``f(x)`` passes what Jinja passes: nothing, the evaluation
    context or the context (with loop variables), and turns StopIteration into undefined."""
    import jinja2

    from site_gen.render import make_environment

    def plain(x, **kw):
        return f"plain {x} {sorted(kw)}"

    @jinja2.pass_eval_context
    def evaluated(eval_ctx, x):
        return f"eval {eval_ctx.autoescape} {x}"

    @jinja2.pass_context
    def contextual(context, x):
        return f"context {context.get('item', '-')} {x}"

    class Callable:
        @jinja2.pass_context
        def __call__(self, context, x):
            return f"callable {context['who']} {x}"

    def stops():
        raise StopIteration

    source = (
        "{{ plain(1, k=2) }}|{{ evaluated(2) }}|{{ contextual(3) }}|{{ made(4) }}|{{ d.get('a') }}|"
        "{% for item in [7] %}{{ contextual(item) }}{{ plain(item) }}{% endfor %}|{{ (stops() is undefined) }}"
    )
    names = {"plain": plain, "evaluated": evaluated, "contextual": contextual, "made": Callable(), "stops": stops}
    names.update(d={"a": 5}, who="me")
    (tmp_path / "t.html").write_text(source, "utf-8")
    ours = make_environment(tmp_path)
    jinjas = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path)), autoescape=True)
    expected = "plain 1 [&#39;k&#39;]|eval True 2|context - 3|callable me 4|5|context - 7plain 7 []|True"
    for _ in range(2):  # the second time, from what the first asked
        assert ours.get_template("t.html").render(names) == jinjas.get_template("t.html").render(names) == expected
    assert ours.passed_first[plain] is False and ours.passed_first[evaluated] is True
    assert ours.passed_first[contextual] is None


def test_memo_fragments_change_no_byte_of_the_sample_site(tmp_path, monkeypatch):
    """The fragments the theme writes once per key under ``{% memo %}`` (the masthead, once per
    language and menu entry) give every page of the four-language sample site the bytes of
    rendering them on each page."""
    from site_gen.render import MemoExtension
    from tests._site import tree
    from tests.conftest import REPO

    memo = tmp_path / "memo"
    build_site(site_options(REPO, output=memo, cache_dir=tmp_path / "c1", now=None, jobs=1))
    places = set()

    def every_time(self, context, where, key, caller):
        places.add(where)
        return caller()

    monkeypatch.setattr(MemoExtension, "_memo", every_time)
    plain = tmp_path / "plain"
    build_site(site_options(REPO, output=plain, cache_dir=tmp_path / "c2", now=None, jobs=1))
    # base.html's head, masthead, colophon and worker script; meta.html's site feeds
    assert sorted(where.split(":")[0] for where in places) == [*["base.html"] * 4, "partials/meta.html"]
    first, second = tree(memo), tree(plain)
    assert first.keys() == second.keys()
    assert [rel for rel in first if first[rel] != second[rel]] == []


def test_a_memo_keeps_a_fragment_for_each_language_of_words(tmp_path):
    """The page's words are part of every memo's key: a fragment keyed by nothing else still
    shows each page the words of its own language, and renders once per language."""
    import shutil

    from site_gen.plan import Page
    from site_gen.render import Renderer
    from tests.conftest import REPO

    folder = tmp_path / "templates"
    shutil.copytree(REPO / "templates", folder)
    (folder / "memo.html").write_text('{% memo "same" %}<p>{{ _("Search") }} {{ page.n }}</p>{% endmemo %}')
    renderer = Renderer(folder, {})
    english, urdu = ({"ui": code, "lang": code, "n": n} for n, code in ((1, "en"), (2, "ur")))
    en = renderer.render(Page("a/", "memo.html", {"page": english})).decode()
    ur = renderer.render(Page("b/", "memo.html", {"page": urdu})).decode()
    again = renderer.render(Page("c/", "memo.html", {"page": dict(english, n=3)})).decode()
    assert en == again == "<p>Search 1</p>"  # n is not in the key: the first page's value stays
    assert ur.startswith("<p>") and "Search" not in ur and ur.endswith(" 2</p>")


def test_templates_compiled_by_other_code_are_compiled_again(tmp_path, monkeypatch):
    """Compiled templates kept in the cache folder hold calls into site_gen (``{% memo %}``):
    those another version of site_gen compiled are not loaded, those of this one are."""
    import site_gen.render as render

    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "t.html").write_text("{% memo 1 %}x{% endmemo %}")
    compiled = tmp_path / "compiled"
    compiles = []
    real = render._Environment.compile
    monkeypatch.setattr(render._Environment, "compile", lambda self, *a, **k: compiles.append(1) or real(self, *a, **k))

    def compile_count(code: str) -> int:
        monkeypatch.setattr(render, "_COMPILED", {})  # as a new process: only the folder's
        monkeypatch.setattr(render, "code_key", lambda: code)
        compiles.clear()
        assert render.make_environment(folder, compiled).get_template("t.html").render() == "x"
        return len(compiles)

    assert compile_count("old") == 1
    assert compile_count("old") == 0  # loaded from the folder
    assert compile_count("new") == 1


def test_a_memo_holding_a_block_shows_each_page_template_its_own(tmp_path):
    """A fragment of a base template that holds a block is kept apart for each template that
    extends it: their blocks differ."""
    import shutil

    from site_gen.plan import Page
    from site_gen.render import Renderer
    from tests.conftest import REPO

    folder = tmp_path / "templates"
    shutil.copytree(REPO / "templates", folder)
    (folder / "frame.html").write_text('{% memo "frame" %}<b>{% block inner %}{% endblock %}</b>{% endmemo %}')
    (folder / "one.html").write_text('{% extends "frame.html" %}{% block inner %}one{% endblock %}')
    (folder / "two.html").write_text('{% extends "frame.html" %}{% block inner %}two{% endblock %}')
    renderer = Renderer(folder, {})
    page = {"page": {"ui": "en", "lang": "en"}}
    assert [renderer.render(Page("x/", name, page)) for name in ("one.html", "two.html", "one.html")] == [
        b"<b>one</b>",
        b"<b>two</b>",
        b"<b>one</b>",
    ]
