"""Reference figure: the least a Python static site generator has to do.

One process reads every article file, takes its title from the front matter
(a line scan, no YAML), renders the body with markdown-it-py (plain
CommonMark) and a trivial Jinja2 template, and writes
``OUT/<slug>/index.html``. No taxonomies, lists, feeds, cache or checks.
Issue 5 quotes 13.5 s for this at 10,000 articles on its machine; ``make
bench`` runs it on the same corpus so site_gen's figures can be related to
what this machine does.

    python bench/baseline.py CONTENT_DIR OUT_DIR
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

from jinja2 import Environment
from markdown_it import MarkdownIt

TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><article><h1>{{ title }}</h1>
{{ body | safe }}
</article></body></html>
"""


def build(content: Path, out: Path) -> int:
    md = MarkdownIt("commonmark")
    template = Environment(autoescape=True).from_string(TEMPLATE)
    count = 0
    for path in sorted((content / "articles").rglob("*.md")):
        text = path.read_text("utf-8")
        _, front, body = text.split("---\n", 2)
        title = next((line[6:].strip().strip('"') for line in front.splitlines() if line.startswith("title:")), "")
        target = out / path.stem / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(template.render(title=title, body=md.render(body)), "utf-8")
        count += 1
    return count


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    content, out = Path(argv[0]), Path(argv[1])
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    count = build(content, out)
    print(f"baseline: {count} articles in {time.perf_counter() - started:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
