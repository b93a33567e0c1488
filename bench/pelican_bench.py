"""Optional reference: Pelican on the same corpus (``make bench PELICAN=1``).

Pelican is installed into its own venv, ``bench/out/pelican-venv`` (never into
site_gen's), the corpus is converted to Pelican's own Markdown header format
(``Title:``, ``Date:``, ``Tags:`` … then the body) and built with the
``simple`` theme that ships with Pelican, with the same URL scheme
(``YYYY/MM/DD/slug/``), 10 articles per list page and its content cache off:
a cold build, like site_gen's cold figures.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
VENV = BENCH / "out" / "pelican-venv"
PELICAN_SPEC = "pelican[markdown]>=4.9,<5"

SETTINGS = """\
AUTHOR = "Staff Reporter"
SITENAME = "The Frontier Bulletin"
SITEURL = "https://bulletin.example.org"
PATH = "content"
TIMEZONE = "Asia/Karachi"
DEFAULT_LANG = "en"
THEME = "simple"
DEFAULT_PAGINATION = 10
ARTICLE_URL = "{date:%Y}/{date:%m}/{date:%d}/{slug}/"
ARTICLE_SAVE_AS = "{date:%Y}/{date:%m}/{date:%d}/{slug}/index.html"
TAG_URL = "tags/{slug}/"
TAG_SAVE_AS = "tags/{slug}/index.html"
CATEGORY_URL = "sections/{slug}/"
CATEGORY_SAVE_AS = "sections/{slug}/index.html"
AUTHOR_URL = "authors/{slug}/"
AUTHOR_SAVE_AS = "authors/{slug}/index.html"
YEAR_ARCHIVE_SAVE_AS = "{date:%Y}/index.html"
MONTH_ARCHIVE_SAVE_AS = "{date:%Y}/{date:%m}/index.html"
DAY_ARCHIVE_SAVE_AS = "{date:%Y}/{date:%m}/{date:%d}/index.html"
FEED_ALL_ATOM = "feed.xml"
TAG_FEED_ATOM = "tags/{slug}/feed.xml"
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
LOAD_CONTENT_CACHE = False
CACHE_CONTENT = False
RELATIVE_URLS = False
"""


def ensure_pelican() -> Path:
    """The pelican executable, installing it into its own venv the first time."""
    exe = VENV / "bin" / "pelican"
    if exe.exists():
        return exe
    print("  installing Pelican into bench/out/pelican-venv …", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(VENV / "bin" / "python"), "-m", "pip", "install", "--quiet", PELICAN_SPEC], check=True)
    return exe


def _front(text: str) -> tuple[dict[str, str], str]:
    """The corpus's own simple front matter (one ``key: value`` a line) and body."""
    _, front, body = text.split("---\n", 2)
    fields = {}
    for line in front.splitlines():
        key, _, value = line.partition(": ")
        fields[key] = value.strip()
    return fields, body


def _unquote(value: str) -> str:
    if value.startswith('"') and value.endswith('"'):
        return value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return value


def _names(value: str) -> str:
    return ", ".join(_unquote(v.strip()) for v in value.strip("[]").split(","))


def convert(site: Path, target: Path) -> int:
    """Write every article of ``site/content/articles`` in Pelican's format under ``target/content``."""
    shutil.rmtree(target / "content", ignore_errors=True)
    out = target / "content"
    out.mkdir(parents=True)
    count = 0
    for path in sorted((site / "content" / "articles").rglob("*.md")):
        fields, body = _front(path.read_text("utf-8"))
        slug = fields.get("slug") or path.stem
        header = [
            f"Title: {_unquote(fields['title'])}",
            f"Date: {fields['date']}",
            f"Slug: {slug}",
            f"Category: {fields.get('section') or fields.get('category')}",
            f"Tags: {_names(fields['tags'])}",
            f"Authors: {_names(fields.get('authors') or fields.get('author', ''))}",
        ]
        if "updated" in fields:
            header.append(f"Modified: {fields['updated']}")
        if "summary" in fields:
            header.append(f"Summary: {_unquote(fields['summary'])}")
        folder = out / path.parent.relative_to(site / "content" / "articles")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / path.name).write_text("\n".join(header) + "\n\n" + body.lstrip("\n"), "utf-8")
        count += 1
    (target / "pelicanconf.py").write_text(SETTINGS, "utf-8")
    return count


def run(bench, runs: int) -> tuple[list[dict], dict]:
    """Time cold Pelican builds of the bench's corpus: one measurement per run, and facts about it."""
    print("Pelican (cold build, simple theme, cache off):", flush=True)
    exe = ensure_pelican()
    target = bench.site.parent / f"pelican-{bench.n}"
    count = convert(bench.site, target)
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True).stdout.strip()
    results = []
    for k in range(1, runs + 1):
        shutil.rmtree(target / "output", ignore_errors=True)
        shutil.rmtree(target / "cache", ignore_errors=True)
        cmd = [
            str(exe),
            str(target / "content"),
            "-o",
            str(target / "output"),
            "-s",
            str(target / "pelicanconf.py"),
            "-q",
        ]
        results.append(bench.measure(cmd, "pelican"))
        print(f"  run {k}/{runs}: {results[-1]['seconds']:.2f} s, peak {results[-1]['peak_mb']:.0f} MB", flush=True)
    written = sum(1 for p in (target / "output").rglob("*") if p.is_file())
    return results, {"version": version, "articles": count, "files": written}
