"""Save-to-reload latency of ``site-gen serve`` on a generated corpus (part of ``make bench``).

Generates the corpus (bench/corpus.py) into ``bench/out/serve-N/``, or brings
it up to date, starts ``python -m site_gen serve`` there on a free port, waits
for the first build, and connects to ``/livereload`` as a browser does.
Then, several times, it rewrites the title of the article at the top of the
home page and measures from the file write

* to the reload message on the websocket (the rebuild is done and the
  browser is told), and
* to the moment the home page, fetched over HTTP, shows the new title.

``python bench/bench_serve.py --n 10000 --runs 5``; prints one line per edit
and the medians, and writes ``bench/out/serve-latest.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402

LEAD = re.compile(r'<article class="lead".*?<h2><a href="([^"]+)">', re.S)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode("utf-8")


def article_file(site: Path, url: str) -> Path:
    """The source of the article at ``/YYYY/MM/DD/slug/``."""
    year, month, _day, slug = url.strip("/").split("/")[-4:]
    folder = site / "content" / "articles" / year / month
    named = folder / f"{slug}.md"
    if named.is_file():
        return named
    for path in folder.glob("*.md"):
        if f"\nslug: {slug}\n" in path.read_text("utf-8"):
            return path
    raise SystemExit(f"no source found for {url}")


def set_title(text: str, title: str) -> str:
    return re.sub(r"^title:.*$", f"title: {title}", text, count=1, flags=re.M)


async def measure(site: Path, port: int, runs: int, lines: list[str]) -> list[dict]:
    from tornado.websocket import websocket_connect

    base = f"http://127.0.0.1:{port}/"
    socket_ = await websocket_connect(f"ws://127.0.0.1:{port}/livereload")
    await socket_.write_message(json.dumps({"command": "hello", "protocols": []}))
    await socket_.read_message()
    await socket_.write_message(json.dumps({"command": "info", "url": base}))
    await asyncio.sleep(0.2)
    lead = LEAD.search(await asyncio.to_thread(fetch, base))
    source = article_file(site, lead.group(1))
    original = source.read_text("utf-8")
    results = []
    try:
        for run in range(runs):
            title = f"Bench edit {run} changed the headline at {time.time():.0f}"
            rebuilt_before = len(lines)
            started = time.perf_counter()
            source.write_text(set_title(original, title), "utf-8")
            message = json.loads(await asyncio.wait_for(socket_.read_message(), timeout=120))
            notified = time.perf_counter() - started
            assert message["command"] == "reload", message
            while title not in await asyncio.to_thread(fetch, base):
                if time.perf_counter() - started > 120:
                    raise SystemExit("the home page never showed the new title")
                await asyncio.sleep(0.01)
            shown = time.perf_counter() - started
            rebuild = next((line for line in lines[rebuilt_before:] if "rebuilt" in line), "")
            results.append({"notified": notified, "shown": shown, "server": rebuild})
            print(f"  edit {run + 1}: reload sent {notified:.2f} s, page shows it {shown:.2f} s  ({rebuild})")
            await asyncio.sleep(0.5)
    finally:
        source.write_text(original, "utf-8")
        socket_.close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="articles in the corpus (default 10000)")
    parser.add_argument("--runs", type=int, default=5, help="edits to time (default 5)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--python", default=sys.executable, help="interpreter with site_gen installed")
    args = parser.parse_args(argv)

    site = OUT / f"serve-{args.n}"
    started = time.perf_counter()  # brought up to date every time: the repository's templates change
    corpus.generate(site, args.n, args.seed)
    print(f"serve bench: corpus of {args.n} articles in {time.perf_counter() - started:.1f} s")
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [args.python, "-m", "site_gen", "serve", "--port", str(port), "--now", corpus.NOW],
        cwd=site,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []

    def read() -> None:
        for line in process.stdout:
            lines.append(line.rstrip("\n"))

    threading.Thread(target=read, daemon=True).start()
    try:
        while not any(line.startswith("Serving ") for line in lines):
            if process.poll() is not None:
                raise SystemExit("serve stopped:\n" + "\n".join(lines))
            time.sleep(0.05)
        if any(line.startswith("build failed") for line in lines):
            raise SystemExit("serve bench: the corpus does not build:\n" + "\n".join(lines))
        print(f"serve bench: {args.n} articles, server up in {time.perf_counter() - started:.1f} s ({lines[-2]})")
        results = asyncio.run(measure(site, port, args.runs, lines))
    finally:
        process.terminate()
        process.wait(timeout=30)
    notified = statistics.median(r["notified"] for r in results)
    shown = statistics.median(r["shown"] for r in results)
    print(
        f"serve bench: save → reload sent {notified:.2f} s, save → page shows the edit {shown:.2f} s "
        f"(medians of {len(results)} one-article title edits at {args.n} articles)"
    )
    OUT.mkdir(exist_ok=True)
    summary = {"n": args.n, "runs": results, "median_notified": notified, "median_shown": shown}
    (OUT / "serve-latest.json").write_text(json.dumps(summary, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
