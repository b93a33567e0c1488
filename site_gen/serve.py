"""Live preview: build into a preview folder, serve it, rebuild when a file changes.

* The preview has its own output folder and cache (``.site-gen-preview/``,
  git-ignored), so drafts and scheduled articles never reach ``build/``.
* Files are watched with watchfiles (inotify): a save is seen at once and
  costs nothing while idle, where livereload's own watcher polls the mtime of
  every file, a cost that grows with the site.
  Saves that arrive together (or while a build runs) cause one rebuild.
* A rebuild is :func:`site_gen.build.build_site` again, in this process: the
  incremental cache makes it re-render only the pages a change touches.
* The server is tornado with livereload's websocket handler and
  ``livereload.js``: after a successful rebuild the browsers reload (only
  the stylesheets when only CSS changed).
* A failed build never stops the server: while the last build failed, every
  HTML request gets an error page (file, line, message, hint, the offending
  lines) that carries the reload script, so fixing the file brings the page back.
* Only files inside the preview folder are served: ``..`` (plain or
  percent-encoded), hidden files and links that lead out of it are refused.
* The preview serves only its own browser: a request whose ``Host`` is not
  ``localhost``, ``127.0.0.1``, ``[::1]``, the ``--host`` name or the address
  the connection reached (with any port) gets 403 on every path, the error
  page included, so a DNS-rebinding page cannot read the drafts. The
  ``/livereload`` websocket also refuses an ``Origin`` that is not one of
  those names; a handshake without ``Origin`` is allowed, since browsers
  always send one (RFC 6455) and only a program on a computer that could
  fetch the pages anyway leaves it out.
* ``--output`` may not be a folder a plain build uses: ``build/`` (or a folder
  inside it), nor a folder ``site-gen build`` wrote (its ``.site-gen-manifest``
  is there). Serve tells its own folders apart by the marker file
  :data:`MARKER` it leaves after each build (or by their parent,
  ``.site-gen-preview/``, the layout serve has always used). Refused before
  anything is written, with exit 2.
"""

from __future__ import annotations

import contextlib
import errno
import mimetypes
import os
import queue
import re
import signal
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from markupsafe import escape

from .build import BuildOptions, build_site
from .errors import BuildFailed, ContentError, display_path
from .folders import BUILD_FOLDER, MARKER, PREVIEW, check_output_folder, is_preview_folder
from .write import LEGACY_MANIFEST, MANIFEST, read_manifest

PORT_TRIES = 20
"""How many ports after a busy one are tried."""
SNIPPET = 3
"""Lines shown before and after the offending line on the error page."""


class PreviewFolderRefused(BuildFailed):
    """``serve --output`` names a folder a plain build uses; nothing was written (exit 2)."""


def preview_options(options: BuildOptions) -> BuildOptions:
    """Preview options: drafts and scheduled articles in, no clean-up of foreign files, no
    service worker (it would keep drafts, and stand between an editor's save and the reload)."""
    from dataclasses import replace

    return replace(options, drafts=True, future=True, clean=False, fresh=False, offline=False)


def ensure_preview_folder(options: BuildOptions) -> None:
    """Create the preview folder with a ``.gitignore`` that keeps it out of git."""
    for name in ("output", "cache_dir"):
        value = getattr(options, name)
        if value is None:
            continue
        folder = options.path(name).parent
        if folder.name == PREVIEW.name:
            folder.mkdir(parents=True, exist_ok=True)
            ignore = folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# site-gen serve's preview (drafts included): never deploy\n*\n", "utf-8")


def check_preview_folder(options: BuildOptions) -> None:
    """Refuse an output folder that a plain build uses (:class:`PreviewFolderRefused`).

    ``build/`` and any folder inside it are refused even before a build made
    them; so is any folder that holds (or lies inside one that holds) a build
    manifest without being serve's own: the preview would add drafts and
    scheduled articles to a site that gets deployed.
    """
    out = options.path("output").resolve()
    build = (options.root / BUILD_FOLDER).resolve()
    shown = display_path(out, options.root)
    problem = ""
    if out == build:
        problem = f"it is {BUILD_FOLDER}/, where `site-gen build` writes the site"
    elif build in out.parents:
        problem = f"it is inside {BUILD_FOLDER}/, where `site-gen build` writes the site"
    else:
        for folder in (out, *out.parents):
            manifest = next((folder / n for n in (MANIFEST, LEGACY_MANIFEST) if (folder / n).is_file()), None)
            if manifest is None or is_preview_folder(folder):
                continue
            built = display_path(manifest, options.root)
            if folder == out:
                problem = f"`site-gen build` wrote it ({built} is there)"
            else:
                problem = f"it is inside {display_path(folder, options.root)}/, which `site-gen build` wrote ({built} is there)"
            break
    if problem:
        raise PreviewFolderRefused(
            [
                ContentError(
                    "--output",
                    0,
                    f"refusing to serve the preview into {shown}/: {problem}, and the preview adds drafts "
                    "and scheduled articles",
                    f"leave --output out (the preview then goes into {PREVIEW}/site/) or name a folder of its own",
                )
            ]
        )


def mark_preview_folder(out: Path) -> None:
    """Leave :data:`MARKER` in the preview's output folder (after a build: an empty folder builds faster)."""
    marker = out / MARKER
    if out.is_dir() and not marker.is_file():
        with contextlib.suppress(OSError):
            marker.write_text(
                "site-gen serve's preview (drafts and scheduled articles included): never deploy this folder\n",
                "utf-8",
            )


# -- error page -------------------------------------------------------------


def snippet(error: ContentError, root: Path) -> list[tuple[int, str, bool]]:
    """``(number, text, is_the_line)`` of the lines around the error's line; empty when unknown."""
    if error.line <= 0:
        return []
    path = Path(error.path)
    if not path.is_absolute():
        path = root / path
    try:
        if not path.is_file() or path.stat().st_size > 4_000_000:
            return []
        lines = path.read_text("utf-8", errors="replace").splitlines()
    except OSError:
        return []
    first = max(1, error.line - SNIPPET)
    last = min(len(lines), error.line + SNIPPET)
    return [(n, lines[n - 1], n == error.line) for n in range(first, last + 1)]


_STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #fff8f6; color: #1d1d1d; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem; }
h1 { color: #a0141e; font-size: 1.6rem; }
.problem { background: #fff; border-left: .4rem solid #a0141e; padding: .5rem 1rem; margin: 1rem 0; }
.problem h2 { font: 600 1rem ui-monospace, monospace; margin: .5rem 0; }
.hint { color: #3d3d3d; }
pre { background: #f4f4f4; padding: .5rem; overflow-x: auto; font-size: .9rem; }
pre .line { display: block; }
pre mark { display: block; background: #ffd9d6; font-weight: 600; }
"""


def error_page(errors: list[ContentError], root: Path, script: str) -> str:
    """A readable HTML page of build errors; every piece of text is escaped."""
    count = len(errors)
    parts = [
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Build failed ({count} error{'s' if count != 1 else ''}) · site-gen preview</title>",
        f"<style>{_STYLE}</style>{script}</head>",
        '<body><main id="site-gen-error"><h1>The preview could not be built</h1>',
        f"<p>{count} problem{'s' if count != 1 else ''}. Fix the file and save it: this page reloads by itself.</p>",
    ]
    for error in errors:
        where = f"{error.path}:{error.line}" if error.line else error.path
        parts.append(f'<section class="problem"><h2>{escape(where)}</h2>')
        parts.append(f'<p class="message">{escape(error.message)}</p>')
        if error.hint:
            parts.append(f'<p class="hint">Hint: {escape(error.hint)}</p>')
        lines = snippet(error, root)
        if lines:
            width = len(str(lines[-1][0]))
            parts.append("<pre>")
            for number, text, marked in lines:
                label = f"{'→' if marked else ' '} {number:>{width}} | "
                tag = "mark" if marked else "span"
                parts.append(f'<{tag} class="line">{escape(label)}{escape(text)}</{tag}>')
            parts.append("</pre>")
        parts.append("</section>")
    parts.append("</main></body></html>\n")
    return "".join(parts)


# -- the preview: builds and state --------------------------------------------


class Preview:
    """Builds the preview and remembers whether the last build failed."""

    def __init__(self, options: BuildOptions, say: Callable[[str], None], warn: Callable[[str], None]):
        self.options = options
        self.out = options.path("output")
        self.say = say
        self.warn = warn
        self.errors: list[ContentError] | None = None
        """The last build's errors; None when it succeeded."""
        self.contained: dict[str, list[ContentError]] | None = None
        """When every error of the last build is in an article or page file whose URL can be read
        and an earlier build is there to show: the errors by the site path of the page they
        belong to. Other pages are then served from the earlier build."""
        self.builds = 0
        self.lock = threading.Lock()

    def build(self) -> tuple[bool, list[str]]:
        """Build once; returns (whether something changed for the browser, changed files)."""
        with self.lock:
            before = read_manifest(self.out)
            started = time.perf_counter()
            failed_before = self.errors is not None
            errors = None
            try:
                report = build_site(self.options)
            except BuildFailed as failed:
                errors = failed.errors
            except Exception as exc:  # a bug or an unreadable file must not stop the preview
                self.warn(traceback.format_exc().rstrip())
                errors = [
                    ContentError(
                        "(site-gen)",
                        0,
                        f"{type(exc).__name__}: {exc}",
                        "the full traceback is in the terminal; fixing or undoing the last change may help",
                    )
                ]
            self.builds += 1
            self.errors = errors
            self.contained = self.contain(errors) if errors is not None else None
            mark_preview_folder(self.out)
            if errors is not None:
                for error in self.errors:
                    self.warn(str(error))
                count = len(self.errors)
                shown = "the pages of those files show them" if self.contained is not None else "the browser shows them"
                self.warn(f"build failed: {count} error{'s' if count != 1 else ''}; {shown}")
                return True, ["*"]
            for warning in report.warnings:
                self.warn(str(warning))
            after = read_manifest(self.out)
            changed = sorted(rel for rel in set(before) | set(after) if before.get(rel) != after.get(rel))
            self.say(
                f"{'built' if self.builds == 1 else 'rebuilt'} in {time.perf_counter() - started:.2f} s: "
                f"{report.articles} articles, {report.rendered} pages rendered, {report.written} files written"
                + (" (errors fixed)" if failed_before else "")
            )
            return bool(changed) or failed_before, changed

    def contain(self, errors: list[ContentError]) -> dict[str, list[ContentError]] | None:
        """:attr:`contained` for ``errors``: None unless each is in an article or page file that
        still reads (a new story holding its placeholder, a broken link) and the output holds an
        earlier build. A file whose front matter cannot be read shows its error on every page."""
        from .build import read_config
        from .history import content_kind
        from .load import _Problems, parse_article

        if not (self.out / "index.html").is_file():
            return None
        content = display_path(self.options.path("content"), self.options.root).rstrip("/")
        try:
            config = read_config(self.options)
        except BuildFailed:
            return None
        by_page: dict[str, list[ContentError]] = {}
        for error in errors:
            kind = content_kind(error.path, content)
            if kind is None:
                return None
            try:
                data = (self.options.root / error.path).read_bytes()
                stem = os.path.splitext(os.path.basename(error.path))[0]
                page = parse_article(data, error.path, config, kind=kind, stem=stem)[0].path
            except (OSError, ContentError, _Problems):
                return None  # a file that cannot be read (bad YAML…) has no page of its own: show it everywhere
            by_page.setdefault(page, []).append(error)
        return by_page

    def page_errors(self, path: str, found: bool) -> list[ContentError] | None:
        """The errors to show for a request of site path ``path`` (``found``: the output has a
        file for it), or None to serve the file."""
        if self.errors is None:
            return None
        if self.contained is None:
            return self.errors
        page = path.strip("/") + "/" if path.strip("/") else ""
        if page in self.contained:
            return self.contained[page]
        return None if found else self.errors


def reload_paths(changed: list[str]) -> list[str]:
    """What to tell the browsers: the stylesheets when only CSS changed, else the whole page (``*``)."""
    if changed and all(rel.endswith(".css") for rel in changed):
        return ["/" + rel for rel in changed]
    return ["*"]


# -- HTTP ---------------------------------------------------------------------


LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
WILDCARD_HOSTS = ("0.0.0.0", "::", "")
REFUSED = (
    "403 Forbidden: this preview answers only requests addressed to localhost, 127.0.0.1, [::1] "
    "or the name given with --host\n"
)


def allowed_hosts(host: str) -> frozenset[str]:
    """The names a request may address: the loopback names and the ``--host`` value."""
    return frozenset((*LOOPBACK_NAMES, host_name(host) or host.lower()))


def host_name(value: str) -> str | None:
    """The name of a ``Host`` value (``name``, ``name:port``, ``[v6]``, ``[v6]:port``), lower case.

    None when it is malformed: a bare IPv6 address, a port that is not digits.
    """
    value = value.strip().lower()
    if value.startswith("["):
        name, bracket, rest = value[1:].partition("]")
        port = rest.removeprefix(":")
        if not bracket or (rest and (rest == port or (port and not (port.isascii() and port.isdigit())))):
            return None
        return name
    name, colon, port = value.partition(":")
    if colon and port and not (port.isascii() and port.isdigit()):
        return None
    return name


def origin_name(origin: str) -> str | None:
    """The host name of an ``Origin`` (``http://name:port``); None when it is not http(s) or is ``null``."""
    scheme, sep, rest = origin.strip().partition("://")
    if not sep or scheme.lower() not in ("http", "https") or "/" in rest or "@" in rest:
        return None
    return host_name(rest)


def local_address(request) -> str | None:
    """The address the request's connection reached (an interface's, when bound to every one)."""
    try:
        address = request.connection.stream.socket.getsockname()[0]
    except (AttributeError, OSError, IndexError, TypeError):
        return None
    address = address.lower()
    return address.removeprefix("::ffff:") if "." in address else address


def addressed_here(name: str | None, allowed: frozenset[str], request) -> bool:
    """Whether a Host or Origin name is this preview: an allowed name or the connection's own address."""
    return bool(name) and (name in allowed or name == local_address(request))


def live_script(port: int) -> str:
    return f'<script src="/livereload.js?port={port}"></script>'


_HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)
_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)


def inject(html: bytes, script: str) -> bytes:
    """The page with the reload script before ``</head>`` (or ``</body>``, or at the end)."""
    tag = script.encode()
    for pattern in (_HEAD_END, _BODY_END):
        match = pattern.search(html)
        if match:
            return html[: match.start()] + tag + html[match.start() :]
    return html + tag


def looks_like_html(path: str) -> bool:
    """Whether a request path names a page (folder, .html, or no extension)."""
    last = path.rsplit("/", 1)[-1]
    return not last or last.endswith((".html", ".htm")) or "." not in last


def resolve_request(root: Path, path: str) -> tuple[int, Path | None, str]:
    """``(status, file, redirect)`` for a decoded request path, inside ``root`` only.

    403 for ``..``, backslashes, NUL bytes and links that lead out of the
    folder; 404 for hidden names (site_gen's manifest and staging) and
    missing files; 301 to add the slash of a folder.
    """
    parts = path.split("/")
    if any(part == ".." for part in parts) or "\\" in path or "\x00" in path:
        return 403, None, ""
    if any(part.startswith(".") for part in parts if part):
        return 404, None, ""
    base = os.path.realpath(root)
    target = os.path.realpath(os.path.join(base, *[p for p in parts if p]))
    if target != base and not target.startswith(base + os.sep):
        return 403, None, ""
    if os.path.isdir(target):
        if path and not path.endswith("/"):
            return 301, None, "/" + quote(path) + "/"
        target = os.path.realpath(os.path.join(target, "index.html"))
        if not target.startswith(base + os.sep):
            return 403, None, ""
    if not os.path.isfile(target):
        return 404, None, ""
    return 200, Path(target), ""


def answer(preview: Preview, path: str, raw: str, script: str) -> tuple[int, str, Any]:
    """What the preview answers for ``path`` (``raw``: the request's path as sent): ``(status,
    content type, body)``; ``(301, "", location)`` for a redirect; ``(status, "", b"")`` for an
    error tornado writes. HTML gets the reload ``script``; a page whose build failed, the errors."""
    if "%00" in raw or "\x00" in raw:
        return 403, "", b""
    status, target, location = resolve_request(preview.out, path)
    shown = preview.page_errors(path, status != 404) if looks_like_html(path) else None
    if shown is not None:
        return 500, "text/html; charset=utf-8", error_page(shown, preview.options.root, script).encode()
    if status == 301:
        return 301, "", location
    if status == 404:
        fallback = preview.out / "404.html"
        if looks_like_html(path) and fallback.is_file():
            return 404, "text/html; charset=utf-8", inject(fallback.read_bytes(), script)
    if status != 200:
        return status, "", b""
    data = target.read_bytes()
    kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    if kind == "text/html":
        data = inject(data, script)
    if kind.startswith("text/") or kind in ("application/javascript", "application/json", "image/svg+xml"):
        kind += "; charset=utf-8"
    return 200, kind, data


def _refusals(warn: Callable[[str], None]) -> Callable[[str, str], None]:
    """``refused(what, value)``: say once per value in the terminal why a request was refused
    (the value shown escaped), for the first 20 values."""
    told: set[str] = set()

    def refused(what: str, value: str) -> None:
        if value in told or len(told) >= 20:
            return
        told.add(value)
        warn(
            f"refused a request with {what} {value[:100]!r}: the preview answers only localhost, 127.0.0.1, "
            "[::1] and the --host name (a web page may be trying to read the drafts)"
        )

    return refused


def make_app(preview: Preview, port_box: list[int], host: str = "127.0.0.1"):
    """The tornado application: livereload's websocket and script, and the preview's files.

    Every request addressed to another name (``Host``) gets 403 before any
    handler runs: :class:`RefusedHandler`.
    """
    from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
    from tornado import web

    allowed = allowed_hosts(host)
    refused = _refusals(preview.warn)

    class RefusedHandler(web.RequestHandler):
        SUPPORTED_METHODS = ("GET", "HEAD", "POST", "DELETE", "PATCH", "PUT", "OPTIONS")

        def prepare(self) -> None:
            refused("Host", self.request.host)
            self.set_status(403)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(b"" if self.request.method == "HEAD" else REFUSED.encode())

    class PreviewApplication(web.Application):
        def find_handler(self, request, **kwargs):
            if not addressed_here(host_name(request.host), allowed, request):
                return self.get_handler_delegate(request, RefusedHandler)
            return super().find_handler(request, **kwargs)

    class PreviewHandler(web.RequestHandler):
        def compute_etag(self):
            return None

        def set_default_headers(self):
            self.set_header("Cache-Control", "no-store")
            self.set_header("X-Content-Type-Options", "nosniff")

        def write_error(self, status_code: int, **kwargs) -> None:
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish(f"{status_code} {self._reason}\n")

        def head(self, path: str) -> None:
            self.get(path, head=True)

        def get(self, path: str, head: bool = False) -> None:
            status, kind, body = answer(preview, path, self.request.path, live_script(port_box[0]))
            if status == 301:
                self.redirect(body + (f"?{self.request.query}" if self.request.query else ""), permanent=False)
                return
            if not kind:
                raise web.HTTPError(status)
            self.set_status(status)
            self.set_header("Content-Type", kind)
            self.finish(b"" if head else body)

    class QuietReloadHandler(LiveReloadHandler):
        def check_origin(self, origin: str) -> bool:
            return addressed_here(origin_name(origin), allowed, self.request)

        def prepare(self) -> None:
            # Checked here for every handshake: tornado skips check_origin when the browser
            # says "Sec-Fetch-Site: same-origin", which a rebound name is.
            origin = self.request.headers.get("Origin")
            if origin is not None and not self.check_origin(origin):
                refused("Origin", origin)
                self.set_status(403)
                self.set_header("Content-Type", "text/plain; charset=utf-8")
                self.finish(REFUSED.encode())

    return PreviewApplication(
        [
            (r"/livereload", QuietReloadHandler),
            (r"/livereload\.js", LiveReloadJSHandler),
            (r"/(.*)", PreviewHandler),
        ],
        websocket_ping_interval=20,
        log_function=lambda handler: None,  # the terminal is for builds and their errors
    )


def notify(paths: list[str]) -> int:
    """Tell every connected browser to reload (call on the IOLoop's thread); returns how many."""
    from livereload.handlers import LiveReloadHandler

    sent = 0
    for path in paths:
        message = {"command": "reload", "path": path, "liveCSS": True, "liveImg": True}
        for waiter in list(LiveReloadHandler.waiters):
            try:
                waiter.write_message(message)
                sent += 1
            except Exception:  # a closed socket: forget it
                LiveReloadHandler.waiters.discard(waiter)
    return sent


def bind(host: str, port: int, warn: Callable[[str], None]) -> tuple[list[socket.socket], int]:
    """Listening sockets on ``port``, or on the next free one (said out loud)."""
    from tornado.netutil import bind_sockets

    for candidate in range(port, port + PORT_TRIES):
        try:
            sockets = bind_sockets(candidate, address=host)
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE or port == 0:
                raise
            continue
        if candidate != port:
            warn(f"port {port} is busy; using port {candidate} instead (choose one with --port)")
        return sockets, sockets[0].getsockname()[1]
    raise OSError(errno.EADDRINUSE, f"ports {port}–{port + PORT_TRIES - 1} are all busy; choose one with --port")


# -- watching -----------------------------------------------------------------


def watch_targets(options: BuildOptions) -> tuple[list[Path], Path]:
    """The folders watched recursively, and the configuration file."""
    folders = [options.path(name).resolve() for name in ("content", "templates", "static")]
    return [f for f in folders if f.is_dir()], options.path("config").resolve()


def _watch(paths: list[Path], recursive: bool, keep, changes: queue.Queue, stop: threading.Event) -> None:
    import watchfiles

    for batch in watchfiles.watch(
        *paths,
        recursive=recursive,
        stop_event=stop,
        debounce=1600,
        step=50,
        rust_timeout=500,
        yield_on_timeout=True,
        raise_interrupt=False,
    ):
        wanted = {path for _kind, path in batch if keep(path)}
        if wanted:
            changes.put(wanted)


def start_watching(options: BuildOptions, changes: queue.Queue, stop: threading.Event) -> list[threading.Thread]:
    """Watch content/, templates/, static/ (recursively) and the configuration file."""
    import watchfiles

    folders, config = watch_targets(options)
    ignore = watchfiles.DefaultFilter()
    threads = []
    if folders:
        threads.append(
            threading.Thread(target=_watch, args=(folders, True, lambda p: ignore(None, p), changes, stop), daemon=True)
        )
    threads.append(
        threading.Thread(
            target=_watch, args=([config.parent], False, lambda p: Path(p) == config, changes, stop), daemon=True
        )
    )
    for thread in threads:
        thread.start()
    return threads


def _rebuild_loop(preview: Preview, changes: queue.Queue, stop: threading.Event, loop, quiet: float) -> None:
    """Wait for changes; gather those that come together; build once; tell the browsers."""
    while not stop.is_set():
        try:
            batch = set(changes.get(timeout=0.5))
        except queue.Empty:
            continue
        while True:  # saves in quick succession: one rebuild
            try:
                batch |= changes.get(timeout=quiet)
            except queue.Empty:
                break
        try:
            reload, changed = preview.build()
        except Exception:  # never let the builder thread die
            preview.warn(traceback.format_exc().rstrip())
            continue
        if reload:
            paths = reload_paths(changed) if preview.errors is None else ["*"]
            loop.add_callback(lambda paths=paths: notify(paths))


# -- the command --------------------------------------------------------------


def _interrupt(_signum, _frame) -> None:
    raise KeyboardInterrupt


def serve(
    options: BuildOptions,
    host: str,
    port: int,
    open_browser: bool,
    say: Callable[[str], None] | None = None,
    warn: Callable[[str], None] | None = None,
) -> int:
    """Build once, then serve with live reload until Ctrl-C. Returns 0."""
    say = say or (lambda text: print(text, flush=True))
    warn = warn or (lambda text: print(text, file=sys.stderr, flush=True))
    options = preview_options(options)
    check_output_folder(options)  # raises BuildFailed: never serve a refused folder
    check_preview_folder(options)  # raises PreviewFolderRefused: never add drafts to a build's folder
    ensure_preview_folder(options)
    preview = Preview(options, say, warn)
    preview.build()  # errors are shown in the browser, not fatal

    from tornado.ioloop import IOLoop

    sockets, bound = bind(host, port, warn)
    port_box = [bound]
    app = make_app(preview, port_box, host)
    from tornado.httpserver import HTTPServer

    server = HTTPServer(app)
    server.add_sockets(sockets)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{'127.0.0.1' if host in WILDCARD_HOSTS else shown}:{bound}/"
    if host in WILDCARD_HOSTS:
        warn(
            f"warning: listening on every network interface ({host}): anyone on the network can see "
            "the preview, drafts and scheduled articles included"
        )
    elif host not in ("127.0.0.1", "localhost", "::1"):
        warn(f"warning: listening on {host}: other computers can see drafts and scheduled articles")
    say(f"Serving {display_path(preview.out, options.root)}/ on {url} (Ctrl-C to stop)")

    stop = threading.Event()
    changes: queue.Queue = queue.Queue()
    loop = IOLoop.current()
    watchers = start_watching(options, changes, stop)
    builder = threading.Thread(target=_rebuild_loop, args=(preview, changes, stop, loop, 0.05), daemon=True)
    builder.start()
    if open_browser:
        import webbrowser

        loop.call_later(0.3, lambda: webbrowser.open(url))
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)
        # Ctrl-C stops the preview even when it was started with SIGINT ignored (as a
        # background job of a script is): Python then installs no handler of its own.
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        loop.start()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.stop()
        with contextlib.suppress(Exception):
            loop.close(all_fds=False)
        for thread in (*watchers, builder):
            thread.join(timeout=2)
        say("Stopped.")
    return 0
