"""``site-gen serve``: error page, path resolution, reload messages, the output folder it refuses.

The output-folder tests run the real command on a free loopback port, bounded
in time. The server itself is exercised end to end in tests/browser/test_serve.py.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from site_gen.build import BuildOptions
from site_gen.cli import make_parser
from site_gen.errors import ContentError
from site_gen.serve import (
    MARKER,
    PreviewFolderRefused,
    check_preview_folder,
    error_page,
    inject,
    looks_like_html,
    reload_paths,
    resolve_request,
    snippet,
)
from tests._site import NOW_ARG, article, make_site, run_cli, tree

DRAFT_TITLE = "Zebra Crossing Plan Kept Under Wraps"


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


# -- the output folder ------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve_exits(root: Path, *args: str) -> tuple[int, str]:
    """Run serve with ``args``; it must exit by itself within 30 s (a server that starts fails)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "site_gen", "serve", "--host", "127.0.0.1", "--port", str(_free_port()), *args],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        pytest.fail(f"serve {' '.join(args)} was accepted and kept serving:\n{output}")
    return process.returncode, output


def _site(tmp_path: Path) -> Path:
    return make_site(
        tmp_path / "site",
        {"articles/2025/07/draft.md": article(DRAFT_TITLE, "2025-07-20 10:00", draft=True)},
    )


@pytest.mark.parametrize("output", ["build", "./build/", "build/preview"])
def test_serve_refuses_build_folder(tmp_path, output):
    root = _site(tmp_path)
    code, said = _serve_exits(root, "--output", output)
    assert code == 2, said
    assert "--output: refusing to serve the preview into build" in said
    assert "where `site-gen build` writes the site" in said and "Traceback" not in said
    assert not (root / "build").exists()
    assert not (root / ".site-gen-preview").exists()


def test_serve_refuses_a_folder_a_build_wrote(tmp_path):
    root = _site(tmp_path)
    code, _out, err = run_cli(root, "build", "--output", "public", "--now", NOW_ARG, "-q")
    assert code == 0, err
    before = tree(root / "public")
    assert ".site-gen-manifest" in before
    for output in ("public", "public/drafts"):
        code, said = _serve_exits(root, "--output", output)
        assert code == 2, said
        assert "`site-gen build` wrote it (public/.site-gen-manifest is there)" in said or (
            "it is inside public/, which `site-gen build` wrote" in said
        ), said
        assert tree(root / "public") == before
        assert not (root / "public" / "drafts").exists()


def test_serve_keeps_its_own_folders(tmp_path):
    root = _site(tmp_path)

    def options(output: str) -> BuildOptions:
        return BuildOptions(root=root, output=Path(output))

    check_preview_folder(options(".site-gen-preview/site"))  # nothing there yet
    check_preview_folder(options("elsewhere"))
    for folder in (".site-gen-preview/site", "elsewhere"):  # a preview's own manifest: the folder was serve's
        (root / folder).mkdir(parents=True)
        (root / folder / ".site-gen-manifest").write_text("{}", "utf-8")
    check_preview_folder(options(".site-gen-preview/site"))
    with pytest.raises(PreviewFolderRefused):
        check_preview_folder(options("elsewhere"))
    (root / "elsewhere" / MARKER).write_text("", "utf-8")
    check_preview_folder(options("elsewhere"))
