"""``make fuzz``: random and hostile Markdown bodies through the renderer and whole builds.

``python -m tests.fuzz [--bodies N] [--seed S] [--builds B]`` draws ``N`` bodies (seeded, so
a run can be repeated; every 40th is a hostile shape of :data:`tests.markdown_bodies.HOSTILE`
at a random size), then:

* renders each with :func:`site_gen.markdown.render_markdown` and, when the limits accept
  it, holds the HTML against markdown-it-py configured with mdit-py-plugins themselves
  (:func:`tests.markdown_bodies.reference_html`): a *difference* is any other byte;
* builds ``B`` sites of 200 of the bodies each (one article a body, two jobs, so workers
  parse too) with :func:`site_gen.build.build_site`, and parses every ``.xml`` output with
  a strict XML parser. A refused body must be an error naming its file; an accepted one
  must build.

A *crash* is any exception but the limits' own refusal (or, for a build, anything but
:class:`~site_gen.errors.BuildFailed` naming exactly the refused files). It prints the
figures and exits 1 when anything differed or crashed; the first bodies that did are
written to ``bench/out/fuzz-failures.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import traceback
import xml.etree.ElementTree as ET
from pathlib import Path

from site_gen.build import build_site
from site_gen.errors import BuildFailed
from site_gen.markdown import BodyTooComplex, render_markdown
from tests.conftest import REPO, article_text, make_site, site_options
from tests.markdown_bodies import HOSTILE, random_body, reference_html

#: Bodies longer than this are rendered but not compared: the plugins' heading ids are
#: quadratic (20,000 headings take the reference 19 s).
COMPARE_MAX = 20_000
SIZES = (3, 19, 21, 41, 500, 30_000)
BATCH = 200
FAILURES = REPO / "bench" / "out" / "fuzz-failures.json"


def draw(rnd: random.Random, count: int):
    for number in range(count):
        if number % 40 == 39:
            yield rnd.choice(HOSTILE)(rnd.choice(SIZES))
        else:
            yield random_body(rnd, 60)


def fuzz_renderer(bodies: list[str], failures: list) -> dict:
    figures = {"tried": 0, "refused": 0, "compared": 0, "differences": 0, "crashes": 0, "slowest": 0.0}
    for body in bodies:
        figures["tried"] += 1
        started = time.perf_counter()
        try:
            html = render_markdown(body).html
        except BodyTooComplex:
            figures["refused"] += 1
            continue
        except Exception:
            figures["crashes"] += 1
            failures.append({"body": body, "crash": traceback.format_exc()})
            continue
        finally:
            figures["slowest"] = max(figures["slowest"], time.perf_counter() - started)
        if len(body) <= COMPARE_MAX:
            figures["compared"] += 1
            expected = reference_html(body)
            if html != expected:
                figures["differences"] += 1
                failures.append({"body": body, "site_gen": html, "reference": expected})
    return figures


def refusal(body: str) -> str:
    """The message the limits refuse ``body`` with, or ""."""
    try:
        render_markdown(body)
    except BodyTooComplex as exc:
        return exc.message
    return ""


def fuzz_builds(bodies: list[str], failures: list) -> dict:
    figures = {"builds": 0, "bodies": 0, "refused": 0, "crashes": 0, "unexpected": 0, "other_errors": 0, "xml_files": 0}
    for start in range(0, len(bodies), BATCH):
        batch = bodies[start : start + BATCH]
        with tempfile.TemporaryDirectory(prefix="site-gen-fuzz-") as folder:
            root = Path(folder)
            articles = {f"2025/b{i}.md": article_text(f"Body {i}", "2025-07-20", body=b) for i, b in enumerate(batch)}
            make_site(root, articles=articles)
            expected = {f"content/articles/2025/b{i}.md": refusal(b) for i, b in enumerate(batch)}
            expected = {path: message for path, message in expected.items() if message}
            figures["builds"] += 1
            figures["bodies"] += len(batch)
            figures["refused"] += len(expected)
            options = site_options(root, jobs=2, cache_dir=root / "cache", image_cache=root / "cache/img")
            try:
                build_site(options)
                errors: list = []
            except BuildFailed as failed:
                errors = failed.errors
            except Exception:
                figures["crashes"] += 1
                failures.append({"batch": batch, "crash": traceback.format_exc()})
                continue
            limits = {e.path: e.message for e in errors if e.message in expected.values()}
            if limits != expected:  # each refused body named with its message, no other one
                figures["unexpected"] += 1
                failures.append({"batch": batch, "errors": [str(e) for e in errors], "refused": expected})
                continue
            named = {e.path for e in errors}
            try:
                figures["other_errors"] += _build_the_rest(root, named, options)
                for xml in sorted((root / "build").rglob("*.xml")):
                    ET.parse(xml)
                    figures["xml_files"] += 1
            except Exception:
                figures["crashes"] += 1
                failures.append({"batch": batch, "crash": traceback.format_exc()})
    return figures


def _build_the_rest(root: Path, named: set[str], options) -> int:
    """Build again without the files the last build refused, until one succeeds: past the
    limits, a build also refuses what an editor would be told (a link to no page, an empty
    body). Returns how many files those other errors named."""
    others = 0
    while named:
        for path in named:
            (root / path).unlink(missing_ok=True)
        try:
            build_site(options)
            named = set()
        except BuildFailed as failed:
            named = {error.path for error in failed.errors if error.path.startswith("content/")}
            others += len(named)
            if not named:
                raise
    return others


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bodies", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--builds", type=int, default=10, help="sites of 200 bodies each to build")
    args = parser.parse_args(argv)
    rnd = random.Random(args.seed)
    bodies = list(draw(rnd, args.bodies))
    failures: list = []
    started = time.perf_counter()
    r = fuzz_renderer(bodies, failures)
    rendered = time.perf_counter() - started
    b = fuzz_builds(bodies[: args.builds * BATCH], failures)
    total = time.perf_counter() - started
    print(f"fuzz: {r['tried']:,} bodies (seed {args.seed}) in {total:.0f} s")
    print(
        f"  renderer: {r['tried'] - r['refused']:,} rendered, {r['refused']:,} refused by the limits; "
        f"compared with markdown-it-py + mdit-py-plugins: {r['compared']:,}, "
        f"differences: {r['differences']}, crashes: {r['crashes']}; slowest body {r['slowest']:.2f} s ({rendered:.0f} s)"
    )
    print(
        f"  whole builds: {b['builds']} sites, {b['bodies']:,} bodies ({b['refused']} refused, each a path:line "
        f"error), crashes: {b['crashes']}, unexpected errors: {b['unexpected']} "
        f"(other content errors, such as links to no page: {b['other_errors']}), XML files parsed: {b['xml_files']}"
    )
    if failures:
        FAILURES.parent.mkdir(parents=True, exist_ok=True)
        FAILURES.write_text(json.dumps(failures[:50], ensure_ascii=False, indent=1), "utf-8")
        print(f"  {len(failures)} failures; the first are in {FAILURES.relative_to(REPO)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
