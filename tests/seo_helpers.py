"""Sites for the feed, sitemap, metadata and validator tests, and a link crawler.

``write_generated_site`` writes a site with hand-written tricky articles (a
headline holding ``</script>``, ``&``, quotes and Urdu; right-to-left
articles; aliases; footnotes and heading anchors linked with ``#fragment``)
and many generated ones, so lists paginate and every feed is full.
"""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from PIL import Image

from site_gen.build import BuildOptions, build_site

REPO = Path(__file__).resolve().parent.parent
PKT = timezone(timedelta(hours=5))
#: The clock of every test build: 2025-07-21 12:00 in Pakistan.
NOW = datetime(2025, 7, 21, 12, 0, tzinfo=PKT)
BASE_URL = "https://bulletin.example.org/"

EVIL_TITLE = "Budget \"cuts\" & </script><!-- 'leaks' — پاکستان کا بجٹ"
URDU_TITLE = "پاکستان اور افغانستان کا انسداد دہشت گردی پر تعاون"

SITE_YAML = """\
title: The Frontier Bulletin
description: News from Pakistan, Afghanistan and Central Asia.
base_url: {base_url}
language: en
timezone: Asia/Karachi
per_page: 5
feed_items: {feed_items}
publisher:
  name: The Frontier Bulletin
  logo: /images/logo.svg
menu: [Pakistan, Afghanistan, Business]
{extra}"""

SECTIONS = ["Pakistan", "Afghanistan", "Business", "Central Asia"]
TAGS = ["CPEC", "Border Management", "Energy", "Counterterrorism", "Trade", "Refugees", "Railways", "Budget"]
AUTHORS = ["Staff Reporter", "Ayesha Khan", "Ahmad Zia", "Farid Ahmadi"]


def article(title: str, date: str, body: str, **fields) -> str:
    """The text of an article file."""
    lines = ["---", f"title: {_yaml_text(title)}", f"date: {date}"]
    for key, value in fields.items():
        lines.append(f"{key}: {value}")
    lines += ["---", "", body, ""]
    return "\n".join(lines)


def _yaml_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def write_generated_site(root: Path, count: int = 60, feed_items: int = 20, extra_config: str = "") -> Path:
    """Write a whole project (site.yaml, content, static) into ``root``; returns ``root``."""
    (root / "content" / "articles" / "2025").mkdir(parents=True)
    (root / "content" / "pages").mkdir(parents=True)
    (root / "site.yaml").write_text(
        SITE_YAML.format(base_url=BASE_URL, feed_items=feed_items, extra=extra_config), "utf-8"
    )
    shutil.copytree(REPO / "static", root / "static")
    Image.new("RGB", (64, 48), (180, 120, 60)).save(root / "static" / "images" / "market.jpg", "JPEG")
    articles = root / "content" / "articles" / "2025"

    def put(name: str, text: str) -> None:
        (articles / name).write_text(text, "utf-8")

    put(
        "evil-headline.md",
        article(
            EVIL_TITLE,
            "2025-07-21T09:30:00+05:00",
            "The budget debate & its </script> fallout.\n\n## Reactions\n\nSee [the reactions](#reactions).",
            slug="budget-cuts-leaks",
            summary=_yaml_text('Summary with "quotes" & <b>tags</b> and </script>.'),
            author="Ayesha Khan",
            section="Business",
            tags="[Budget, 'R&D <Labs>']",
            image="{src: /images/market.jpg, alt: 'Traders at a \"market\" & stalls', caption: Karachi}",
            updated="2025-07-21T11:00:00+05:00",
        ),
    )
    put(
        "urdu.md",
        article(
            URDU_TITLE,
            "2025-07-20T18:00:00+05:00",
            "پاکستان اور افغانستان نے تعاون بڑھانے پر اتفاق کیا۔[^1]\n\n[^1]: ریڈیو پاکستان",
            lang="ur",
            section="Pakistan",
            tags="[CPEC, پاکستان]",
            author="Staff Reporter",
            dateline="کابل",
        ),
    )
    put(
        "pashto.md",
        article(
            "د پاکستان او افغانستان خبرې",
            "2025-07-19T08:00:00+05:00",
            "دوه هېوادونو د همکارۍ ژمنه وکړه.",
            lang="ps",
            section="Afghanistan",
            tags="[Border Management]",
        ),
    )
    put(
        "renamed.md",
        article(
            "Railway Deal Signed",
            "2025-07-18",
            "Read the [Urdu story](/2025/07/20/) and the [about page](/about/#how-we-work).",
            slug="railway-deal-signed",
            aliases="[/2025/07/18/railway-deal/, /old/railway.html]",
            section="Central Asia",
            tags="[Railways, Trade]",
            authors="[Ahmad Zia, Farid Ahmadi]",
        ),
    )
    put(
        "future.md",
        article("Scheduled Story", "2025-07-30T09:00:00+05:00", "Not yet.", section="Pakistan"),
    )
    start = datetime(2025, 7, 17, 9, 0, tzinfo=PKT)
    for n in range(count):
        when = start - timedelta(hours=7 * n)
        tags = ", ".join(TAGS[(n + k) % len(TAGS)] for k in range(1 + n % 3))
        fields = {
            "section": SECTIONS[n % len(SECTIONS)],
            "tags": f"[{tags}]",
            "author": AUTHORS[n % len(AUTHORS)],
        }
        if n % 5 == 0:
            fields["updated"] = (when + timedelta(days=1)).isoformat()
        if n % 7 == 0:
            fields["lang"] = "fa"
        body = f"Story number {n} about {fields['section']}.\n\n## Details {n}\n\nMore on [the details](#details-{n})."
        put(
            f"story-{n:03d}.md",
            article(f"Story {n}: Ministers Meet on {TAGS[n % 8]}", when.isoformat(), body, **fields),
        )
    (root / "content" / "pages" / "about.md").write_text(
        "---\ntitle: About\nsummary: Who we are.\nupdated: 2025-07-01\n---\n\nWe report.\n\n## How we work\n\nCarefully. "
        "Write to us through the [contact page](/contact/).\n",
        "utf-8",
    )
    (root / "content" / "pages" / "contact.md").write_text("---\ntitle: Contact\n---\n\nEmail the newsroom.\n", "utf-8")
    return root


def build(root: Path, out: Path, content: Path | None = None, now: datetime = NOW, **options) -> Path:
    """Build a project with the repository's templates; returns the output folder."""
    build_site(
        BuildOptions(
            root=root,
            content=content or root / "content",
            templates=REPO / "templates",
            static=root / "static",
            output=out,
            now=now,
            **options,
        )
    )
    return out


# -- crawling -----------------------------------------------------------------


class PageParser(HTMLParser):
    """Links, ids and JSON-LD blocks of one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.ids: set[str] = set()
        self.meta: list[tuple[str, str]] = []
        self.scripts: list[str] = []
        self.texts: dict[str, str] = {}
        self._in: str | None = None
        self._buffer: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and "name" in a:
            self.ids.add(a["name"])
        for attr in ("href", "src"):
            if a.get(attr) is not None and tag in ("a", "link", "img", "script", "source", "iframe"):
                self.links.append((tag, a[attr]))
        if tag == "meta" and a.get("content") is not None:
            self.meta.append((a.get("property") or a.get("name") or a.get("http-equiv") or "", a["content"]))
        if tag in ("script", "title", "h1"):
            self._in = tag
            self._buffer = []
            self._type = a.get("type", "")

    def handle_data(self, data):
        if self._in:
            self._buffer.append(data)

    def handle_endtag(self, tag):
        if tag == self._in:
            text = "".join(self._buffer)
            if tag == "script" and self._type == "application/ld+json":
                self.scripts.append(text)
            elif tag != "script":
                self.texts.setdefault(tag, text)
            self._in = None


def parse_page(path: Path) -> PageParser:
    parser = PageParser()
    parser.feed(path.read_text("utf-8"))
    parser.close()
    return parser


def file_for(out: Path, url: str, base_url: str = BASE_URL) -> Path | None:
    """The built file a link of the site points to, or None for an outside link."""
    base = urlsplit(base_url)
    parts = urlsplit(url)
    if parts.scheme and (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        return None
    if parts.scheme in ("mailto", "tel", "javascript", "data"):
        return None
    path = unquote(parts.path)
    if not path.startswith(base.path):
        raise AssertionError(f"link outside the site's base path: {url}")
    rel = path[len(base.path) :]
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    return out / rel


def broken_links(out: Path, base_url: str = BASE_URL) -> list[str]:
    """Every internal link, image, stylesheet, feed link and ``#fragment`` of ``out`` that does not resolve."""
    problems: list[str] = []
    ids: dict[Path, set[str]] = {}

    def ids_of(path: Path) -> set[str]:
        if path not in ids:
            ids[path] = parse_page(path).ids
        return ids[path]

    for page in sorted(out.rglob("*.html")):
        parsed = parse_page(page)
        ids[page] = parsed.ids
        urls = [u for _, u in parsed.links]
        urls += [c for k, c in parsed.meta if k in ("og:url", "og:image", "twitter:image", "article:author")]
        for url in urls:
            where = f"{page.relative_to(out)}: {url}"
            if url.startswith("#"):
                target, fragment = page, url[1:]
            else:
                resolved = url if urlsplit(url).scheme or url.startswith("/") else _join(page, out, url, base_url)
                target = file_for(out, resolved, base_url)
                if target is None:
                    continue
                fragment = urlsplit(url).fragment
            if not target.is_file():
                problems.append(f"{where}: no file {target.relative_to(out)}")
            elif fragment and target.suffix == ".html" and unquote(fragment) not in ids_of(target):
                problems.append(f"{where}: no id {fragment!r} in {target.relative_to(out)}")
    return problems


def _join(page: Path, out: Path, url: str, base_url: str) -> str:
    from urllib.parse import urljoin

    rel = page.relative_to(out).as_posix()
    return urljoin(base_url + rel, url)
