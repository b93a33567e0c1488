"""Live-reload preview: build, serve the output folder, rebuild on change.

A failed rebuild is reported in the terminal and the server keeps serving
the last good site.
"""

from __future__ import annotations

import sys
from dataclasses import replace

from .build import BuildOptions, build_site
from .errors import BuildFailed


def serve(options: BuildOptions, host: str, port: int, open_browser: bool) -> int:
    """Build once, then serve with livereload until interrupted."""
    from livereload import Server

    def rebuild() -> None:
        try:
            report = build_site(options)
        except BuildFailed as failed:
            for error in failed.errors:
                print(error, file=sys.stderr)
            print("rebuild failed; still serving the last good build", file=sys.stderr)
            return
        print(f"rebuilt: {report.summary()}", flush=True)

    report = build_site(replace(options))
    print(f"Built {report.summary()}")
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: serving on {host}: other computers on the network can see drafts", file=sys.stderr)
    server = Server()
    for name in ("content", "templates", "static", "config"):
        server.watch(str(options.path(name)), rebuild, delay=0.2)
    print(f"Serving on http://{host}:{port}/ (Ctrl-C to stop)", flush=True)
    server.serve(host=host, port=port, root=str(options.path("output")), open_url_delay=0.5 if open_browser else None)
    return 0
