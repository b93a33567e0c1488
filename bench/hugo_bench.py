"""Optional reference: Hugo on the same corpus (``python bench/hugo_bench.py SITE [--runs N]``).

Hugo is not installed by the project (Debian's ``hugo`` package, 0.111 here). The corpus's
content files are used as they are (YAML front matter), with a small theme of Hugo's own
templates doing what site_gen's pages do: article pages with their tags, section and
authors, paginated lists (home, tags, sections, authors; 10 a page), RSS feeds and the
sitemap, the same URL scheme (``YYYY/MM/DD/slug/``). Each run is cold: no ``resources/``
and no output. Runs alternate with site_gen's cold build (no cache, no output) on the same
corpus, and the medians of both are printed side by side, wall and CPU time.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

CONFIG = """\
baseURL = "https://bulletin.example.org/"
title = "The Frontier Bulletin"
languageCode = "en"
timeZone = "Asia/Karachi"
paginate = 10
disableKinds = ["RSS"]
[permalinks]
  articles = "/:year/:month/:day/:slug/"
[taxonomies]
  tag = "tags"
  sectionterm = "section"
  author = "authors"
[outputs]
  home = ["HTML", "RSS"]
  taxonomy = ["HTML"]
  term = ["HTML", "RSS"]
"""

LAYOUTS = {
    "_default/baseof.html": (
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>{{ .Title }} — {{ .Site.Title }}</title>"
        '<link rel=canonical href="{{ .Permalink }}"></head><body><header><a href="/">{{ .Site.Title }}</a></header>'
        '<main>{{ block "main" . }}{{ end }}</main></body></html>'
    ),
    "_default/single.html": (
        '{{ define "main" }}<article><h1>{{ .Title }}</h1><time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">'
        '{{ .Date.Format "2 January 2006" }}</time><p>{{ range .Params.authors }}{{ . }} {{ end }}</p>{{ .Content }}'
        '<ul>{{ range .GetTerms "tags" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>'
        '{{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}'
        '{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</article>{{ end }}'
    ),
    "_default/list.html": (
        '{{ define "main" }}<h1>{{ .Title }}</h1>{{ range .Paginator.Pages }}<article><h2><a href="{{ .RelPermalink }}">'
        '{{ .Title }}</a></h2><p>{{ .Summary }}</p></article>{{ end }}{{ template "_internal/pagination.html" . }}'
        "{{ end }}"
    ),
    "_default/terms.html": (
        '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">'
        "{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}</ul>{{ end }}"
    ),
    "index.html": (
        '{{ define "main" }}{{ range (.Paginate (where .Site.RegularPages "Section" "articles")).Pages }}<article><h2>'
        '<a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><p>{{ .Summary }}</p></article>{{ end }}'
        '{{ template "_internal/pagination.html" . }}{{ end }}'
    ),
}


def make_site(corpus: Path, target: Path) -> None:
    """A Hugo project beside the corpus, its content a link to the corpus's articles."""
    shutil.rmtree(target, ignore_errors=True)
    (target / "content").mkdir(parents=True)
    os.symlink((corpus / "content" / "articles").resolve(), target / "content" / "articles")
    (target / "hugo.toml").write_text(CONFIG, "utf-8")
    for name, text in LAYOUTS.items():
        path = target / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, children included) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="a corpus written by bench/corpus.py")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    if shutil.which("hugo") is None:
        print("hugo is not installed (Debian: apt-get install hugo)", file=sys.stderr)
        return 2
    hugo_site = args.corpus.parent / f"{args.corpus.name}-hugo"
    make_site(args.corpus, hugo_site)
    trash = args.corpus.parent / f"{args.corpus.name}-trash"
    trash.mkdir(exist_ok=True)
    now = "2025-07-01T09:00:00+05:00"
    ours = [sys.executable, "-m", "site_gen", "build", "-q", "--now", now, "--jobs", str(args.jobs)]
    ours += ["--output", "build-cold", "--cache-dir", ".cache-cold"]
    figures: dict[str, list[tuple[float, float]]] = {"hugo": [], "site_gen": []}
    for run in range(args.runs):
        for name in ("hugo", "site_gen"):
            # Moved aside, not deleted: see bench/README.md on freed inodes.
            for folder in (
                hugo_site / "public",
                hugo_site / "resources",
                args.corpus / "build-cold",
                args.corpus / ".cache-cold",
            ):
                if folder.exists():
                    folder.rename(trash / f"{folder.name}-{run}-{name}-{time.time_ns()}")
            subprocess.run(["sync"], check=False)
            if name == "hugo":
                figures[name].append(timed(["hugo", "--quiet"], hugo_site))
            else:
                figures[name].append(timed(ours, args.corpus))
            wall, cpu = figures[name][-1]
            print(f"  {name:9} run {run + 1}: {wall:.2f} s wall, {cpu:.2f} s cpu", flush=True)
    medians = {
        name: (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs))
        for name, runs in figures.items()
    }
    (hw, hc), (sw, sc) = medians["hugo"], medians["site_gen"]
    print(
        f"cold build, medians of {args.runs} alternated runs: site_gen {sw:.2f} s wall / {sc:.2f} s cpu, "
        f"Hugo {hw:.2f} s / {hc:.2f} s: {sw / hw:.2f}× the wall time, {sc / hc:.2f}× the CPU"
    )
    shutil.rmtree(trash, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
