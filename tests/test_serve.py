"""The pure parts of ``site-gen serve``: error page, path resolution, reload messages.

The server itself is exercised end to end in tests/browser/test_serve.py.
"""

from __future__ import annotations

from pathlib import Path

from site_gen.cli import make_parser
from site_gen.errors import ContentError
from site_gen.serve import error_page, inject, looks_like_html, reload_paths, resolve_request, snippet


def test_error_page_names_file_line_and_marks_the_offending_line_escaped(tmp_path: Path):
    article = tmp_path / "content" / "x.md"
    article.parent.mkdir()
    article.write_text("---\ntitle: <script>alert(1)</script>\ndate: [2025\n---\nbody\n", "utf-8")
    error = ContentError("content/x.md", 3, "YAML <syntax> error", "close the `[` & try again")
    html = error_page([error], tmp_path, '<script src="/livereload.js?port=1"></script>')
    assert "<h2>content/x.md:3</h2>" in html
    assert "YAML &lt;syntax&gt; error" in html and "close the `[` &amp; try again" in html
    assert "<script>alert(1)</script>" not in html
    assert "title: &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<mark class="line">→ 3 | date: [2025</mark>' in html
    assert html.count('<script src="/livereload.js?port=1"></script>') == 1
    assert html.index("livereload.js") < html.index("</head>")


def test_snippet_is_empty_without_a_line_or_a_readable_file(tmp_path: Path):
    assert snippet(ContentError("content/x.md", 0, "m"), tmp_path) == []
    assert snippet(ContentError("content/missing.md", 4, "m"), tmp_path) == []
    (tmp_path / "a.md").write_text("\n".join(f"line {n}" for n in range(1, 11)), "utf-8")
    lines = snippet(ContentError("a.md", 1, "m"), tmp_path)
    assert lines == [(1, "line 1", True), (2, "line 2", False), (3, "line 3", False), (4, "line 4", False)]


def test_resolve_request_stays_inside_the_folder(tmp_path: Path):
    site = tmp_path / "site"
    (site / "2025" / "a").mkdir(parents=True)
    (site / "index.html").write_text("home")
    (site / "2025" / "a" / "index.html").write_text("a")
    (site / ".site-gen-manifest.json").write_text("{}")
    (tmp_path / "secret.txt").write_text("secret")
    (site / "out.txt").symlink_to(tmp_path / "secret.txt")
    (site / "outdir").symlink_to(tmp_path, target_is_directory=True)
    assert resolve_request(site, "") == (200, (site / "index.html").resolve(), "")
    assert resolve_request(site, "2025/a/")[0] == 200
    assert resolve_request(site, "2025/a") == (301, None, "/2025/a/")
    assert resolve_request(site, "../secret.txt")[0] == 403
    assert resolve_request(site, "2025/../../secret.txt")[0] == 403
    assert resolve_request(site, "out.txt")[0] == 403
    assert resolve_request(site, "outdir/secret.txt")[0] == 403
    assert resolve_request(site, "outdir/")[0] == 403
    assert resolve_request(site, ".site-gen-manifest.json")[0] == 404
    assert resolve_request(site, "a\\..\\..\\secret.txt")[0] == 403
    assert resolve_request(site, "nothing/")[0] == 404


def test_reload_script_goes_before_head_end_or_at_the_end():
    assert inject(b"<html><head></HEAD><body></body>", "<s>") == b"<html><head><s></HEAD><body></body>"
    assert inject(b"<p>x</body>", "<s>") == b"<p>x<s></body>"
    assert inject(b"<p>x", "<s>") == b"<p>x<s>"


def test_css_only_changes_reload_only_stylesheets():
    assert reload_paths(["css/site.css"]) == ["/css/site.css"]
    assert reload_paths(["css/site.css", "index.html"]) == ["*"]
    assert reload_paths([]) == ["*"]
    assert looks_like_html("") and looks_like_html("2025/") and looks_like_html("a/index.html")
    assert looks_like_html("tags/x") and not looks_like_html("css/site.css")


def test_serve_defaults_to_the_preview_folder_and_this_computer():
    args = make_parser().parse_args(["serve"])
    assert args.output == Path(".site-gen-preview/site")
    assert args.host == "127.0.0.1" and args.port == 8000
    assert make_parser().parse_args(["build"]).output == Path("build")
