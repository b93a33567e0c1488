"""``make bench``: measure site_gen on a generated news corpus (issue 5).

    python bench/run.py [--n 10000] [--runs 3] [--jobs 2] [--pelican] [--steps a,b]

Generates the corpus (bench/corpus.py) into ``bench/out/site-N/``, then runs
``python -m site_gen build`` there as a subprocess for every measurement,
several runs each, and prints a table (median, min–max, files written, peak
memory, target, OK/MISS). The table is also written as JSON to
``bench/out/results-<timestamp>.json`` and ``bench/out/latest.json``.

Engine flags are passed only when ``site-gen build --help`` lists them
(``--jobs``, ``--cache-dir``, ``--fresh``, ``--now``), so the harness measures
today's engine and tomorrow's alike. See bench/README.md for what each
figure means.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out"
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402

CACHE_DIR = ".site-gen-cache"
#: Figures of a few seconds even at 100,000 articles: measured 3 times unless --runs says otherwise.
QUICK_STEPS = ("noop", "edit_body", "add_article")
#: Outputs set aside by cold runs, deleted when the bench is done (see :meth:`Bench.set_aside`).
TRASH = OUT / "trash"
#: When the last bench deleted its trash (a time.time() stamp), and how long this disk
#: remembers a deletion: ext4 without a journal does not reuse an inode freed in the last
#: 60 s (RECENTCY_MIN in fs/ext4/ialloc.c), or 360 s while its inode table block is dirty,
#: which a build creating files next to it makes it again; it steps over each such inode
#: when it creates a file.
EMPTIED = OUT / ".trash-emptied"
DISK_FORGETS_SECONDS = 365
#: Folders of a search index, left out of the count of files rewritten (issue 5: "the search index apart").
SEARCH_FOLDERS = ("search", "pagefind", "_pagefind", "lunr")


class BenchError(Exception):
    pass


@dataclass
class Target:
    """An upper bound from issue 5; ``None`` where the issue asks only for the figure."""

    limit: float | None
    text: str


@dataclass
class Step:
    key: str
    label: str
    small: Target  # for N <= 10,000
    large: Target  # for N >= 100,000 (also used in between)
    runs: list[dict] = field(default_factory=list)


NO_TARGET = Target(None, "say the figure")


def make_steps() -> list[Step]:
    cold = (Target(10, "≤ 10 s"), Target(120, "< 2 min"))
    return [
        Step("cold_fresh", "cold build, --fresh", *cold),
        Step("cold_empty", "cold build, no cache/output", *cold),
        Step("noop", "rebuild, nothing changed", Target(0.5, "< 0.5 s"), Target(None, "—")),
        Step("edit_body", "rebuild, one body edited", Target(1, "< 1 s"), Target(3, "< 3 s")),
        Step("add_article", "rebuild, one article added", Target(1.5, "< 1.5 s"), Target(3, "< 3 s")),
        Step("edit_article_html", "rebuild, article.html edited", NO_TARGET, NO_TARGET),
        Step("edit_base_html", "rebuild, base.html edited", NO_TARGET, NO_TARGET),
    ]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


# --- the output folder ----------------------------------------------------------------------
def snapshot(build: Path) -> dict[str, tuple[int, int, int]]:
    """(mtime_ns, size, inode) of every file in the output folder.

    Hidden files (the engine's manifest and staging) and search index folders are left out.
    """
    found: dict[str, tuple[int, int, int]] = {}

    def walk(folder: str, rel: str) -> None:
        try:
            entries = list(os.scandir(folder))
        except FileNotFoundError:
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            name = f"{rel}{entry.name}"
            if entry.is_dir(follow_symlinks=False):
                if rel == "" and entry.name in SEARCH_FOLDERS:
                    continue
                walk(entry.path, name + "/")
            else:
                st = entry.stat(follow_symlinks=False)
                found[name] = (st.st_mtime_ns, st.st_size, st.st_ino)

    walk(str(build), "")
    return found


def changes(before: dict, after: dict) -> tuple[list[str], list[str]]:
    """Files written (new, or bytes/mtime/inode changed) and files removed."""
    written = sorted(rel for rel, stat in after.items() if before.get(rel) != stat)
    removed = sorted(rel for rel in before if rel not in after)
    return written, removed


def kind_of(rel: str) -> str:
    """Rough kind of an output file, to see at a glance what a rebuild rewrote."""
    parts = rel.split("/")
    if parts[0] in ("tags", "sections", "authors"):
        return parts[0] if len(parts) > 2 else parts[0] + " index"
    if parts[0] == "page" or rel == "index.html":
        return "home"
    if parts[0].isdigit():
        return {5: "article", 4: "day", 3: "month", 2: "year"}.get(len(parts), "dated")
    if rel.endswith((".xml", ".json", ".txt")):
        return "feeds/sitemaps"
    return "other"


# --- editing the corpus -----------------------------------------------------------------------
def insert_marker(template: str, marker: str, before_body: bool) -> str:
    """The template with an HTML comment that shows up in every page using it."""
    if before_body and "</body>" in template:
        return template.replace("</body>", marker + "\n</body>", 1)
    match = re.search(r"{%-?\s*block\s+\w+\s*-?%}", template)
    if match:
        return template[: match.end()] + marker + template[match.end() :]
    return template + marker + "\n"


def new_article(k: int, seed: int, recent: list[corpus.Meta]) -> tuple[str, str]:
    """Path and text of the k-th article added by the bench, with a tag no other article has."""
    gen = corpus.Generator(1, seed + 1000 + k)
    moment = datetime.fromisoformat("2025-07-01T06:00:00+05:00") + timedelta(minutes=2 * k)
    popular = next(tag for tag in gen.tags if tag != corpus.TAGS[0])
    slug = f"newsroom-test-story-{k}-on-border-talks"
    text = (
        "---\n"
        f"title: Newsroom test story {k} on border talks\n"
        f"date: {moment.isoformat()}\n"
        "dateline: ISLAMABAD\n"
        "author: Staff Reporter\n"
        "section: Pakistan\n"
        f"tags: [Bench Topic {k}, {popular}, {corpus.TAGS[0]}]\n"
        "---\n\n" + gen.body(recent)
    )
    return f"content/articles/{moment:%Y/%m}/{slug}.md", text


# --- the harness --------------------------------------------------------------------------------
class Bench:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.n = args.n
        self.site = OUT / f"site-{args.n}"
        self.build_dir = self.site / "build"
        self.logs = OUT / "logs" / f"site-{args.n}"
        self.python = args.python
        self.flags = engine_flags(self.python)
        self.metas: list[corpus.Meta] = []
        self.counter = 0

    def build_command(self, fresh: bool = False) -> list[str]:
        cmd = [self.python, "-m", "site_gen", "build"]
        if "--now" in self.flags:
            cmd += ["--now", corpus.NOW]
        if "--jobs" in self.flags:
            cmd += ["--jobs", str(self.args.jobs)]
        if "--cache-dir" in self.flags:
            cmd += ["--cache-dir", CACHE_DIR]
        if fresh and "--fresh" in self.flags:
            cmd.append("--fresh")
        return cmd

    def measure(self, cmd: list[str], tag: str) -> dict:
        """Run ``cmd`` in the corpus folder under bench/measure.py (a fresh process per run)."""
        self.counter += 1
        report = self.logs / f"{self.counter:03d}-{tag}.json"
        subprocess.run([sys.executable, str(BENCH / "measure.py"), str(report), "--", *cmd], cwd=self.site, check=True)
        result = json.loads(report.read_text("utf-8"))
        out = Path(f"{report}.stdout").read_text("utf-8", "replace")
        if result["rc"] != 0:
            err = Path(f"{report}.stderr").read_text("utf-8", "replace")
            raise BenchError(f"{' '.join(cmd)} exited with {result['rc']}:\n{(out + err)[-3000:]}")
        found = re.search(r"(\d[\d,]*) files written", out)
        result["engine_written"] = int(found.group(1).replace(",", "")) if found else None
        return result

    def runs_for(self, key: str) -> int:
        """Runs of one figure: ``--runs``; without it 3, or 1 above 20,000 articles but for the
        rebuilds of a few seconds (one run of those says little on a shared machine)."""
        if self.args.runs is not None:
            return self.args.runs
        return 3 if self.n <= 20_000 or key in QUICK_STEPS else 1

    def reset_output(self) -> None:
        """No output and no cache, as in a fresh clone."""
        self.set_aside(self.build_dir)
        self.set_aside(self.site / CACHE_DIR)

    def set_aside(self, path: Path) -> None:
        """Move ``path`` out of the way of a timed run; :meth:`empty_trash` deletes it when the
        bench is done: a deletion slows this disk's file creation for minutes (see ``EMPTIED``),
        which a fresh clone on a CI machine does not pay for, so the cold figures do not either."""
        if path.exists():
            TRASH.mkdir(parents=True, exist_ok=True)
            path.rename(TRASH / f"{path.name}-{time.monotonic_ns()}")

    def empty_trash(self) -> None:
        if TRASH.exists():
            shutil.rmtree(TRASH, ignore_errors=True)
            self.deleted_files()

    def deleted_files(self) -> None:
        """Note that files were just deleted (see :meth:`wait_for_the_disk`)."""
        os.sync()
        EMPTIED.write_text(f"{time.time()}\n", "utf-8")

    def wait_for_the_disk(self) -> None:
        """Wait until the deletions of the last bench (or of this one's start) no longer slow
        file creation (see ``EMPTIED`` and bench/README.md): 10,000 articles without cache or
        output took 8.5-15 s in the minutes after a bench instead of 6.7-7.1 s. Benches run back
        to back wait up to six minutes."""
        try:
            since = time.time() - float(EMPTIED.read_text("utf-8"))
        except (OSError, ValueError):
            return
        if 0 <= since < DISK_FORGETS_SECONDS:
            wait = DISK_FORGETS_SECONDS - since
            print(f"  waiting {wait:.0f} s: files were deleted {since:.0f} s ago (see bench/README.md)", flush=True)
            time.sleep(wait)

    def ensure_built(self) -> None:
        if not self.build_dir.is_dir():
            print("  (building once, not measured)", flush=True)
            self.measure(self.build_command(), "setup")

    def run_step(self, step: Step, prepare, fresh: bool = False) -> None:
        print(f"{step.label}:", flush=True)
        runs = self.runs_for(step.key)
        for k in range(1, runs + 1):
            prepare(k)
            before = snapshot(self.build_dir)
            os.sync()  # the last step's (or reset's) writes reach the disk before the clock starts
            load = os.getloadavg()[0]
            result = self.measure(self.build_command(fresh), step.key)
            result["load"] = round(load, 2)
            written, removed = changes(before, snapshot(self.build_dir))
            result["files_written"] = len(written)
            result["files_new"] = sum(rel not in before for rel in written)
            result["files_removed"] = len(removed)
            result["written_by_kind"] = dict(sorted(Counter(kind_of(r) for r in written).items()))
            if step.key in ("add_article", "edit_body") and k == 1:
                result["written_sample"] = written[:200]
            step.runs.append(result)
            print(
                f"  run {k}/{runs}: {result['seconds']:.2f} s, {len(written)} files written"
                f"{f', {len(removed)} removed' if removed else ''}, peak {result['peak_mb']:.0f} MB"
                f" (cpu {result['cpu_seconds']:.1f} s, kernel {result.get('kernel_seconds', 0):.1f} s, load {load:.1f})",
                flush=True,
            )

    def run(self) -> dict:
        self.logs.mkdir(parents=True, exist_ok=True)
        for old in self.logs.iterdir():
            old.unlink()
        load_before = os.getloadavg()
        print(f"generating {self.n:,} articles into {self.site.relative_to(REPO)}/ …", flush=True)
        started = time.perf_counter()
        self.empty_trash()  # what an interrupted bench left
        self.reset_output()
        deleted: list[Path] = []
        self.metas = corpus.generate(self.site, self.n, self.args.seed, deleted=deleted)
        if len(deleted) > 100:  # another seed or size: most of the last corpus is gone
            self.deleted_files()
        corpus_seconds = time.perf_counter() - started
        print(f"  {corpus_seconds:.1f} s; engine flags: {' '.join(sorted(self.flags)) or '(none)'}", flush=True)
        self.wait_for_the_disk()

        steps = {s.key: s for s in make_steps()}
        wanted = self.args.steps or list(steps)
        edited = self.site / self.metas[len(self.metas) // 2].file
        original_body = edited.read_text("utf-8")
        templates = {
            name: (self.site / "templates" / name).read_text("utf-8") for name in ("article.html", "base.html")
        }

        def add(k: int) -> None:
            rel, text = new_article(k, self.args.seed, self.metas[-60:])
            (self.site / rel).parent.mkdir(parents=True, exist_ok=True)
            (self.site / rel).write_text(text, "utf-8")

        def edit_template(name: str):
            def edit(k: int) -> None:
                marker = f"<!-- bench edit {k} -->"
                text = insert_marker(templates[name], marker, before_body=(name == "base.html"))
                (self.site / "templates" / name).write_text(text, "utf-8")

            return edit

        prepares = {
            # without --fresh in the engine, a cold build is one without output and cache
            "cold_fresh": lambda k: None if "--fresh" in self.flags else self.reset_output(),
            "cold_empty": lambda k: self.reset_output(),
            "noop": lambda k: None,
            "edit_body": lambda k: edited.write_text(
                original_body + f"\nThis story was corrected after publication (bench edit {k}).\n", "utf-8"
            ),
            "add_article": add,
            "edit_article_html": edit_template("article.html"),
            "edit_base_html": edit_template("base.html"),
        }
        for key in steps:
            if key not in wanted:
                continue
            if not key.startswith("cold"):
                self.ensure_built()
            self.run_step(steps[key], prepares[key], fresh=(key == "cold_fresh"))

        references = {}
        if not self.args.no_baseline:
            references["baseline"] = self.reference_baseline()
        if self.build_dir.is_dir():
            references["copy"] = self.reference_copy()
        if self.args.pelican:
            import pelican_bench

            runs, facts = pelican_bench.run(self, self.runs_for("pelican"))
            references["pelican"] = {**summarise(runs), **facts}
        self.empty_trash()
        return self.results(steps, references, corpus_seconds, load_before)

    def reference_baseline(self) -> dict:
        print("baseline (read + markdown-it-py + trivial Jinja2 + write, one process):", flush=True)
        out = OUT / "baseline-out"
        runs = []
        count = self.runs_for("baseline")
        for k in range(1, count + 1):
            self.set_aside(out)
            cmd = [self.python, str(BENCH / "baseline.py"), "content", str(out)]
            runs.append(self.measure(cmd, "baseline"))
            print(
                f"  run {k}/{count}: {runs[-1]['seconds']:.2f} s, peak {runs[-1]['peak_mb']:.0f} MB",
                flush=True,
            )
        self.set_aside(out)
        return summarise(runs)

    def reference_copy(self) -> dict:
        print("copying the finished build/ folder (cp -r):", flush=True)
        target = OUT / "copy-of-build"
        self.set_aside(target)
        result = self.measure(["cp", "-r", "build", str(target)], "copy")
        self.set_aside(target)
        print(f"  {result['seconds']:.2f} s", flush=True)
        return summarise([result])

    def results(self, steps: dict[str, Step], references: dict, corpus_seconds: float, load_before) -> dict:
        large = self.n > 10_000
        rows = []
        for step in steps.values():
            if not step.runs:
                continue
            target = step.large if large else step.small
            row = {"key": step.key, "label": step.label, **summarise(step.runs), "target": target.text}
            row["ok"] = None if target.limit is None else row["median_s"] <= target.limit
            rows.append(row)
        by_key = {row["key"]: row for row in rows}
        if "add_article" in by_key:
            added = by_key["add_article"]  # every file a deploy uploads; the label says how many are new
            files = added["files_written"]
            rows.append(
                {"key": "files_add", "label": f"files rewritten, one added ({added['files_new']} of them new)",
                 "value": files, "unit": "files", "target": "< 30", "ok": files < 30}
            )  # fmt: skip
        cold = [r for key in ("cold_empty", "cold_fresh") for r in steps[key].runs]
        if cold:
            peak = max(r["peak_mb"] for r in cold)
            limit = 2048 if large else 400
            rows.append(
                {"key": "memory_cold", "label": "peak memory, cold build", "value": round(peak), "unit": "MB",
                 "target": "< 2 GB" if large else "< 400 MB", "ok": peak < limit}
            )  # fmt: skip
        cold_key = "cold_empty" if "cold_empty" in by_key else "cold_fresh"
        if "pelican" in references and cold_key in by_key and references["pelican"].get("median_s"):
            ratio = references["pelican"]["median_s"] / by_key[cold_key]["median_s"]
            rows.append(
                {"key": "vs_pelican", "label": "cold build vs Pelican", "value": round(ratio, 2), "unit": "× faster",
                 "target": "≥ 6×", "ok": ratio >= 6}
            )  # fmt: skip
        return {
            "n": self.n,
            "seed": self.args.seed,
            "runs": self.runs_for("cold_fresh"),
            "jobs": self.args.jobs if "--jobs" in self.flags else None,
            "engine": engine_info(self.python, self.flags),
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "platform": platform.platform(),
                "load_before": [round(x, 2) for x in load_before],
                "load_after": [round(x, 2) for x in os.getloadavg()],
            },
            "when": datetime.now().astimezone().isoformat(timespec="seconds"),
            "corpus_seconds": round(corpus_seconds, 2),
            "targets_for": "100,000 articles" if large else "10,000 articles",
            "rows": rows,
            "references": references,
        }


def summarise(runs: list[dict]) -> dict:
    seconds = [r["seconds"] for r in runs]
    return {
        "median_s": round(median(seconds), 3),
        "min_s": round(min(seconds), 3),
        "max_s": round(max(seconds), 3),
        "files_written": round(median([r.get("files_written", 0) for r in runs])),
        "files_new": round(median([r.get("files_new", 0) for r in runs])),
        "peak_mb": round(max(r["peak_mb"] for r in runs), 1),
        "cpu_s": round(median([r["cpu_seconds"] for r in runs]), 2),
        "kernel_s": round(median([r.get("kernel_seconds", 0.0) for r in runs]), 2),
        "runs": runs,
    }


def engine_flags(python: str) -> set[str]:
    """Which optional flags ``site-gen build`` understands today."""
    help_text = subprocess.run(
        [python, "-m", "site_gen", "build", "--help"], capture_output=True, text=True, cwd=REPO
    ).stdout
    return {
        flag for flag in ("--jobs", "--cache-dir", "--fresh", "--now") if re.search(re.escape(flag) + r"\b", help_text)
    }


def engine_info(python: str, flags: set[str]) -> dict:
    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True)
        return done.stdout.strip()

    version = subprocess.run(
        [python, "-c", "import site_gen; print(site_gen.__version__)"], capture_output=True, text=True
    ).stdout.strip()
    return {
        "version": version,
        "commit": git("rev-parse", "--short", "HEAD"),
        "branch": git("rev-parse", "--abbrev-ref", "HEAD"),
        "dirty": bool(git("status", "--porcelain", "--", "site_gen", "templates")),
        "flags": sorted(flags),
    }


# --- printing ---------------------------------------------------------------------------------
def fmt_s(value: float) -> str:
    return f"{value:.2f}" if value < 100 else f"{value:.0f}"


def table(results: dict, previous: dict | None) -> str:
    prev_rows = {r["key"]: r for r in (previous or {}).get("rows", [])}
    head = ["figure", "median", "min–max (s)", "cpu s", "kernel s", "files", "peak MB", "target", ""]
    if prev_rows:
        head.insert(2, "prev")
    lines = []
    for row in results["rows"]:
        mark = {True: "OK", False: "MISS", None: "—"}[row["ok"]]
        if "median_s" in row:
            cells = [
                row["label"],
                f"{fmt_s(row['median_s'])} s",
                f"{fmt_s(row['min_s'])}–{fmt_s(row['max_s'])}",
                fmt_s(row["cpu_s"]),
                fmt_s(row.get("kernel_s", 0.0)),
                str(row["files_written"]),
                f"{row['peak_mb']:.0f}",
                row["target"],
                mark,
            ]
            prev = prev_rows.get(row["key"], {}).get("median_s")
        else:
            cells = [row["label"], f"{row['value']} {row['unit']}", "", "", "", "", "", row["target"], mark]
            prev = prev_rows.get(row["key"], {}).get("value")
        if prev_rows:
            cells.insert(2, "" if prev is None else (f"{fmt_s(prev)} s" if "median_s" in row else str(prev)))
        lines.append(cells)
    refs = results["references"]
    names = {
        "baseline": "reference: read+markdown+jinja2+write",
        "copy": "reference: cp -r build/",
        "pelican": "reference: Pelican",
    }
    for key, ref in refs.items():
        if not ref or "median_s" not in ref:
            continue
        cells = [
            names[key],
            f"{fmt_s(ref['median_s'])} s",
            f"{fmt_s(ref['min_s'])}–{fmt_s(ref['max_s'])}",
            fmt_s(ref["cpu_s"]),
            fmt_s(ref.get("kernel_s", 0.0)),
            "",
            f"{ref['peak_mb']:.0f}",
            "",
            "",
        ]
        if prev_rows:
            cells.insert(2, "")
        lines.append(cells)
    widths = [max(len(str(c)) for c in col) for col in zip(head, *lines, strict=True)]
    rule = "  ".join("-" * w for w in widths)
    out = ["  ".join(str(c).ljust(w) for c, w in zip(head, widths, strict=True)).rstrip(), rule]
    out += ["  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip() for cells in lines]
    engine = results["engine"]
    for row in results["rows"]:
        if row["key"].startswith("edit_") and row["key"].endswith("_html") and row["files_written"]:
            per_page = 1000 * row["median_s"] / row["files_written"]
            out.append(f"{row['label']}: {row['files_written']} pages rewritten, {per_page:.1f} ms a page")
    out.append("")
    out.append(
        f"{results['n']:,} articles, {results['runs']} run(s) each"
        f"{' (3 of the quick rebuilds)' if results['runs'] == 1 and results['n'] > 20_000 else ''},"
        f" jobs={results['jobs'] or 'n/a'}, "
        f"site_gen {engine['version']} @ {engine['commit']}{' (modified)' if engine['dirty'] else ''}, "
        f"{results['machine']['cpus']} CPUs, load {results['machine']['load_before'][0]:.1f} before / "
        f"{results['machine']['load_after'][0]:.1f} after"
    )
    if results["n"] not in (10_000, 100_000):
        out.append(
            f"targets are the issue's for {results['targets_for']}; at N={results['n']:,} the marks are indicative only"
        )
    if results["machine"]["load_before"][0] > 0.5 * (results["machine"]["cpus"] or 1):
        out.append("note: the machine was busy when the bench started; times may be inflated")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="articles in the corpus (default 10000)")
    parser.add_argument(
        "--runs", type=int, help="runs per figure (default 3; above 20,000 articles 1, but 3 for the quick rebuilds)"
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="--jobs for the engine, if it has it")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--python", default=sys.executable, help="interpreter with site_gen installed")
    parser.add_argument("--steps", type=lambda s: [x for x in s.split(",") if x], help="only these figures")
    parser.add_argument("--pelican", action="store_true", help="also time Pelican on the same corpus")
    parser.add_argument("--no-baseline", action="store_true", help="skip the read+markdown+jinja2 reference")
    parser.add_argument("--fail-on-miss", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    known = {s.key for s in make_steps()}
    if args.steps and not set(args.steps) <= known:
        parser.error(f"unknown step(s) {sorted(set(args.steps) - known)}; known: {', '.join(sorted(known))}")
    OUT.mkdir(parents=True, exist_ok=True)
    latest = OUT / "latest.json"
    try:
        previous = json.loads(latest.read_text("utf-8"))
        if previous.get("n") != args.n:
            previous = None
    except (OSError, ValueError):
        previous = None
    started = time.perf_counter()
    try:
        results = Bench(args).run()
    except BenchError as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        return 1
    results["bench_seconds"] = round(time.perf_counter() - started, 1)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    text = json.dumps(results, indent=1, ensure_ascii=False) + "\n"
    (OUT / f"results-{stamp}.json").write_text(text, "utf-8")
    latest.write_text(text, "utf-8")
    print()
    print(table(results, previous))
    print(f"bench took {results['bench_seconds']:.0f} s; JSON in {(OUT / f'results-{stamp}.json').relative_to(REPO)}")
    if args.fail_on_miss and any(row["ok"] is False for row in results["rows"]):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
