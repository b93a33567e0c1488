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
