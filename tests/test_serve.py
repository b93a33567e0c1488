"""``site-gen serve``: error page, path resolution, reload messages, and whom the server answers.

The guard tests start the real server (``python -m site_gen serve``) on a
free loopback port over a small site, and talk to it with raw HTTP; each
wait is bounded. The browser's view is in tests/browser/test_serve.py.
"""

from __future__ import annotations

import base64
import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime
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
    host_name,
    inject,
    looks_like_html,
    origin_name,
    reload_paths,
    resolve_request,
    snippet,
)
from tests._site import NOW_ARG, article, make_site, run_cli, tree

DRAFT_TITLE = "Zebra Crossing Plan Kept Under Wraps"
DRAFT_BODY = "Only the desk may read this paragraph."
SECRET_LINE = "root-secret-first-line:x:0:0"


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


# -- whom the server answers ----------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """``site-gen serve`` as a subprocess on 127.0.0.1, with what it printed."""

    def __init__(self, folder: Path, *args: str):
        self.folder = folder
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "site_gen", "serve", "--host", "127.0.0.1", "--port", str(_free_port()), *args],
            cwd=folder,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        threading.Thread(target=self._read, daemon=True).start()
        deadline = time.monotonic() + 120
        while not any("Serving " in line for line in self.lines):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise AssertionError("the server did not start:\n" + self.output())
            time.sleep(0.05)
        line = next(line for line in self.lines if "Serving " in line)
        self.port = int(line.split(" on ", 1)[1].split(" ", 1)[0].rstrip("/").rsplit(":", 1)[1])

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def output(self) -> str:
        return "\n".join(self.lines)

    def get(self, path: str, host: str | None, method: str = "GET", **headers: str) -> tuple[int, bytes]:
        """A raw request to 127.0.0.1 with exactly this ``Host`` header (none when None)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            if host is not None:
                connection.putheader("Host", host)
            for name, value in headers.items():
                connection.putheader(name.replace("_", "-"), value)
            connection.endheaders()
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def handshake(self, host: str, origin: str | None, **headers: str) -> int:
        """The status of a websocket handshake on /livereload (101 when accepted)."""
        key = base64.b64encode(os.urandom(16)).decode()
        extra = {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Key": key}
        extra["Sec-WebSocket-Version"] = "13"
        if origin is not None:
            extra["Origin"] = origin
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as raw:
            lines = ["GET /livereload HTTP/1.1", f"Host: {host}"]
            lines += [f"{k}: {v}" for k, v in {**extra, **headers}.items()]
            raw.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
            answer = b""
            while b"\r\n" not in answer:
                chunk = raw.recv(4096)
                if not chunk:
                    break
                answer += chunk
        return int(answer.split(b" ", 2)[1])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="module")
def draft_server(tmp_path_factory):
    """The preview of a site with one published article and one draft."""
    root = make_site(
        tmp_path_factory.mktemp("serve-guard") / "site",
        {
            "articles/2025/07/public.md": article("A Public Story", "2025-07-20 09:00", section="Pakistan"),
            "articles/2025/07/draft.md": article(
                DRAFT_TITLE, "2025-07-20 10:00", f"{DRAFT_BODY}\n", section="Pakistan", draft=True
            ),
        },
    )
    running = Server(root, "--now", NOW_ARG)
    yield running
    running.stop()


EVIL_HOSTS = ["evil.example", "evil.example:8000", "127.0.0.1.evil.example", "localhost.evil.example", "[::2]"]


@pytest.mark.parametrize("host", EVIL_HOSTS)
@pytest.mark.parametrize("path", ["/", "/livereload.js", "/2025/", "/no-such-page/", "/css/site.css"])
def test_a_request_for_another_host_gets_403_and_no_draft(draft_server, host, path):
    for method in ("GET", "HEAD", "POST"):
        status, body = draft_server.get(path, host, method)
        assert status == 403, (path, host, method, status)
        assert DRAFT_TITLE.encode() not in body and DRAFT_BODY.encode() not in body
        assert b"livereload" not in body


def test_the_refusal_is_explained_once_in_the_terminal(draft_server):
    draft_server.get("/", "rebind.example")
    draft_server.get("/", "rebind.example")
    deadline = time.monotonic() + 10
    while "rebind.example" not in draft_server.output() and time.monotonic() < deadline:
        time.sleep(0.05)
    told = [line for line in draft_server.lines if "'rebind.example'" in line]
    assert len(told) == 1 and told[0].startswith("refused a request with Host 'rebind.example'"), told


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.1:{port}", "localhost", "LocalHost:{port}", "[::1]:1"])
def test_a_request_for_this_computer_is_served(draft_server, host):
    host = host.format(port=draft_server.port)
    status, body = draft_server.get("/", host)
    assert status == 200, (host, status)
    assert DRAFT_TITLE.encode() in body  # the preview shows drafts, to its own browser


def test_the_websocket_refuses_other_origins(draft_server):
    here = f"127.0.0.1:{draft_server.port}"
    assert draft_server.handshake(here, f"http://{here}") == 101
    assert draft_server.handshake(here, f"http://localhost:{draft_server.port}") == 101
    assert draft_server.handshake(here, None) == 101  # not a browser: browsers always send Origin
    for origin in ("http://evil.example", f"http://evil.example:{draft_server.port}", "null", "file://"):
        assert draft_server.handshake(here, origin) == 403, origin
        assert draft_server.handshake(here, origin, Sec_Fetch_Site="cross-site") == 403, origin
    # A DNS-rebinding page: same origin in the browser's eyes, but the name is not this computer's.
    rebound = f"evil.example:{draft_server.port}"
    assert draft_server.handshake(rebound, f"http://{rebound}", **{"Sec-Fetch-Site": "same-origin"}) == 403
    assert draft_server.handshake(rebound, None) == 403


@pytest.mark.slow
def test_the_error_page_is_refused_to_another_host(tmp_path):
    """A content file symlinked to a secret: the error page shows its first line, to this computer only."""
    secret = tmp_path / "secret.txt"
    secret.write_text(f"{SECRET_LINE}\nsecond line\n", "utf-8")
    root = make_site(tmp_path / "site", {"articles/2025/07/ok.md": article("Fine", "2025-07-20 09:00")})
    (root / "content" / "articles" / "2025" / "07" / "passwd.md").symlink_to(secret)
    running = Server(root, "--now", NOW_ARG)
    try:
        status, body = running.get("/", f"localhost:{running.port}")
        assert status == 500 and b"site-gen-error" in body  # the page the test guards exists
        for host in ("evil.example", f"evil.example:{running.port}"):
            status, body = running.get("/", host)
            assert status == 403 and SECRET_LINE.encode() not in body and b"site-gen-error" not in body
    finally:
        running.stop()


def test_hosts_and_origins_are_parsed_strictly():
    assert host_name("LOCALHOST:8000") == "localhost" and host_name("[::1]:80") == "::1"
    assert host_name("localhost:x") is None and host_name("::1") is None and host_name("[::1]x") is None
    assert origin_name("http://127.0.0.1:8000") == "127.0.0.1"
    assert origin_name("null") is None and origin_name("http://user@localhost") is None


# -- the output folder ------------------------------------------------------------


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


@pytest.mark.slow
@pytest.mark.parametrize("output", ["build", "./build/", "build/preview"])
def test_serve_refuses_build_folder(tmp_path, output):
    root = _site(tmp_path)
    code, said = _serve_exits(root, "--output", output)
    assert code == 2, said
    assert "--output: refusing to serve the preview into build" in said
    assert "where `site-gen build` writes the site" in said and "Traceback" not in said
    assert not (root / "build").exists()
    assert not (root / ".site-gen-preview").exists()


@pytest.mark.slow
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


@pytest.mark.slow
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


def test_the_preview_marks_its_folder_and_does_not_serve_the_mark(draft_server):
    assert (draft_server.folder / ".site-gen-preview" / "site" / MARKER).is_file()
    status, body = draft_server.get(f"/{MARKER}", "127.0.0.1")
    assert status == 404 and b"never deploy" not in body


def test_a_new_story_with_its_placeholder_shows_its_error_on_its_own_page_only(tmp_path):
    """Issue 19, case 5: while the preview runs, `site-gen new` makes a file whose body is the
    placeholder; the build fails, its page shows why, and the rest of the preview still works."""
    from site_gen.serve import Preview

    root = make_site(tmp_path / "site", {"articles/2025/07/ok.md": article("Fine", "2025-07-20 09:00")})
    options = BuildOptions(
        root=root,
        output=Path(".site-gen-preview/site"),
        cache_dir=Path(".site-gen-preview/cache"),
        drafts=True,
        future=True,
        now=datetime.fromisoformat(NOW_ARG),
    )
    said: list[str] = []
    preview = Preview(options, said.append, said.append)
    preview.build()
    assert preview.errors is None
    assert run_cli(root, "new", "Border Talks Resume", "--date", "2025-07-21 10:00")[0] == 0
    preview.build()
    assert preview.errors and "only the placeholder text" in preview.errors[0].message
    assert said[-1] == "build failed: 1 error; the pages of those files show them"
    own = preview.page_errors("2025/07/21/border-talks-resume/", found=False)
    assert own == preview.errors
    assert preview.page_errors("", found=True) is None  # the home page is served
    assert preview.page_errors("2025/07/20/fine/", found=True) is None
    assert preview.page_errors("no/such/page/", found=False) == preview.errors
    # An error outside the content (site.yaml, a template) still takes every page.
    (root / "site.yaml").write_text((root / "site.yaml").read_text("utf-8") + "per_page: many\n", "utf-8")
    preview.build()
    assert preview.errors[0].path == "site.yaml"
    assert preview.page_errors("", found=True) == preview.errors


@pytest.mark.slow  # the real server
def test_the_running_preview_keeps_serving_beside_a_new_placeholder_story(tmp_path):
    root = make_site(tmp_path / "site", {"articles/2025/07/ok.md": article("Fine", "2025-07-20 09:00")})
    running = Server(root, "--now", NOW_ARG)
    try:
        host = f"localhost:{running.port}"
        assert running.get("/2025/07/20/fine/", host)[0] == 200
        assert run_cli(root, "new", "Border Talks Resume", "--date", "2025-07-21 10:00")[0] == 0
        deadline = time.monotonic() + 60
        while "build failed" not in running.output() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "build failed: 1 error; the pages of those files show them" in running.output()
        status, body = running.get("/2025/07/21/border-talks-resume/", host)
        assert status == 500 and b"only the placeholder text" in body
        status, body = running.get("/2025/07/20/fine/", host)
        assert status == 200 and b"Fine" in body and b"site-gen-error" not in body
        assert running.get("/", host)[0] == 200
    finally:
        running.stop()


def test_a_file_whose_front_matter_cannot_be_read_shows_its_error_everywhere(tmp_path):
    from site_gen.serve import Preview

    root = make_site(tmp_path / "site", {"articles/2025/07/ok.md": article("Fine", "2025-07-20 09:00")})
    options = BuildOptions(root=root, output=Path(".site-gen-preview/site"), cache_dir=None, drafts=True, future=True)
    preview = Preview(options, lambda _: None, lambda _: None)
    preview.build()
    (root / "content/articles/2025/07/ok.md").write_text("---\ntitle: [Fine\ndate: 2025-07-20\n---\nText.\n", "utf-8")
    preview.build()
    assert preview.contained is None
    assert preview.page_errors("", found=True) == preview.errors
