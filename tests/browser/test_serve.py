"""``site-gen serve`` end to end: the real server over a temporary copy of the fixture site.

The server runs as a subprocess (``python -m site_gen serve``); headless
Chromium watches the pages change while the test edits files on disk, and
never reloads them itself. Path-safety checks use raw HTTP (http.client),
since browsers and HTTP libraries normalise ``..`` away. Each step's time is
printed (``pytest -s``); the limit of every wait is generous on purpose.
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import REPO, SITE

pytestmark = pytest.mark.slow  # a real `site-gen serve` process, rebuilding as files change

ARTICLE = Path("content/articles/2025/07/torkham-fruit-lane.md")
OLD_TITLE = "Torkham Opens a Fruit Lane for Summer Lorries"
NEW_TITLE = "Torkham Keeps a Night Lane Open for Fruit Lorries"
WAIT_MS = 10_000


def _free_port_pair() -> int:
    """A port P such that P and P + 1 are both free (P is then held busy on purpose)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port >= 65535:
            continue
        try:
            with socket.socket() as a, socket.socket() as b:
                a.bind(("127.0.0.1", port))
                b.bind(("127.0.0.1", port + 1))
            return port
        except OSError:
            continue
    raise RuntimeError("no two free ports in a row")


class Server:
    """The serve subprocess, with everything it printed so far."""

    def __init__(self, folder: Path, port: int):
        self.folder = folder
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "site_gen", "serve", "--port", str(port)],
            cwd=folder,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, text: str, timeout: float = 120) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines:
                if text in line:
                    return line
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"the server never printed {text!r}:\n{self.output()}")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The fixture site (with the project's templates and static files) served on 127.0.0.1.

    The port asked for is held busy while the server starts, so it must take the next one.
    """
    folder = tmp_path_factory.mktemp("serve") / "site"
    shutil.copytree(SITE, folder)
    shutil.copytree(REPO / "templates", folder / "templates")
    shutil.copytree(REPO / "static", folder / "static")
    port = _free_port_pair()
    busy = socket.socket()
    busy.bind(("127.0.0.1", port))
    busy.listen()
    try:
        running = Server(folder, port)
        line = running.wait_for("Serving ")
    finally:
        busy.close()
    running.asked_port = port
    running.url = line.split(" on ", 1)[1].split(" ", 1)[0]
    running.port = int(running.url.rstrip("/").rsplit(":", 1)[1])
    yield running
    if running.process.poll() is None:
        running.process.kill()
        running.process.wait()


def _raw_get(port: int, path: str) -> tuple[int, bytes]:
    """GET the path exactly as written (no normalisation)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_busy_port_takes_the_next_and_says_so(server):
    assert server.port == server.asked_port + 1
    assert f"port {server.asked_port} is busy; using port {server.port} instead" in server.output()
    assert server.url == f"http://127.0.0.1:{server.port}/"
    assert (server.folder / ".site-gen-preview" / "site" / "index.html").is_file()
    assert not (server.folder / "build").exists(), "the preview must never write into build/"
    assert "does not index search" in server.output()


def test_only_files_inside_the_preview_folder_are_served(server, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("outside the preview\n")
    preview = server.folder / ".site-gen-preview" / "site"
    (preview / "link-out.txt").symlink_to(secret)
    (preview / "folder-out").symlink_to(tmp_path, target_is_directory=True)
    status, body = _raw_get(server.port, "/")
    assert status == 200 and b"/livereload.js?port=" in body
    for path in (
        "/../site.yaml",
        "/../../site.yaml",
        "/%2e%2e/site.yaml",
        "/%2E%2E/%2e%2e/site.yaml",
        "/css/..%2f..%2fsite.yaml",
        "/link-out.txt",
        "/folder-out/secret.txt",
        "/.site-gen-manifest.json",
    ):
        status, body = _raw_get(server.port, path)
        assert status in (403, 404), (path, status)
        assert b"outside the preview" not in body and b"timezone" not in body, path


def test_live_preview_follows_edits_errors_and_new_articles(server, browser):
    article = server.folder / ARTICLE
    original = article.read_text("utf-8")
    page = browser.new_page()
    hellos: list[float] = []

    def on_socket(ws) -> None:
        ws.on("framereceived", lambda frame: hellos.append(time.monotonic()) if '"hello"' in str(frame) else None)

    page.on("websocket", on_socket)
    timings: dict[str, float] = {}

    def connected(count: int) -> None:
        """Wait until the page loaded ``count`` times has its live-reload connection."""
        page.wait_for_function("true")  # let queued events run
        deadline = time.monotonic() + WAIT_MS / 1000
        while len(hellos) < count and time.monotonic() < deadline:
            page.wait_for_timeout(20)
        assert len(hellos) >= count, "the page did not open its live-reload connection"

    def step(name: str, change, check) -> None:
        started = time.monotonic()
        change()
        check()
        timings[name] = time.monotonic() - started

    try:
        page.goto(server.url)
        assert page.locator(".lead h2").inner_text().startswith(OLD_TITLE)
        connected(1)

        step(
            "edit title",
            lambda: article.write_text(original.replace(OLD_TITLE, NEW_TITLE), "utf-8"),
            lambda: page.locator(".lead h2", has_text=NEW_TITLE).wait_for(timeout=WAIT_MS),
        )
        connected(2)

        broken = original.replace(OLD_TITLE, NEW_TITLE).replace("section: Business", "section: [Business")
        step(
            "break front matter",
            lambda: article.write_text(broken, "utf-8"),
            lambda: page.locator("#site-gen-error").wait_for(timeout=WAIT_MS),
        )
        error = page.locator("#site-gen-error").inner_text()
        assert f"{ARTICLE.as_posix()}:" in error
        marked = page.locator("#site-gen-error mark").first.inner_text()
        assert "section: [Business" in marked, marked
        line = broken.splitlines().index("section: [Business") + 1
        assert f" {line} | " in marked
        connected(3)

        step(
            "fix front matter",
            lambda: article.write_text(original.replace(OLD_TITLE, NEW_TITLE), "utf-8"),
            lambda: page.locator(".lead h2", has_text=NEW_TITLE).wait_for(timeout=WAIT_MS),
        )
        assert page.locator("#site-gen-error").count() == 0
        connected(4)

        new = server.folder / "content/articles/2099/01/preview-only-story.md"

        def add_article() -> None:
            new.parent.mkdir(parents=True)
            new.write_text(
                "---\ntitle: A Preview-Only Story <b>not bold</b>\ndate: 2099-01-01 09:00\ndraft: true\n"
                "section: Business\n---\n\nStill being written.\n",
                "utf-8",
            )

        step(
            "add article",
            add_article,
            lambda: page.locator("h2, h3", has_text="A Preview-Only Story").first.wait_for(timeout=WAIT_MS),
        )
        heading = page.locator("h2, h3", has_text="A Preview-Only Story").first.inner_text()
        assert "<b>not bold</b>" in heading and "Draft" in heading and "Scheduled" in heading
    except Exception:
        print(server.output())
        raise
    finally:
        page.close()
        article.write_text(original, "utf-8")
    print(
        "\nserve: seconds from save to what the browser shows: " + ", ".join(f"{k} {v:.2f}" for k, v in timings.items())
    )
    assert "build failed: 1 error" in server.output()
    assert not (server.folder / "build").exists()


def test_ctrl_c_stops_cleanly(server):
    server.process.send_signal(signal.SIGINT)
    assert server.process.wait(timeout=20) == 0
    server.reader.join(timeout=5)
    assert server.lines[-1] == "Stopped.", server.output()
    assert "Traceback" not in server.output()
