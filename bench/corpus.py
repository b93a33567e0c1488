"""Deterministic news corpus for ``make bench``.

``python bench/corpus.py OUT --n 10000 --seed 1`` writes a complete site
project into OUT:

* ``content/articles/YYYY/MM/slug.md``: N articles with front matter in the
  format of DESIGN.md (dates with times and ``+05:00`` offsets spread over
  several years, 1–4 tags out of ~150 with Zipf-like popularity, 8 sections,
  40 authors, some datelines, summaries and updates) and 450–900-word Markdown
  bodies with ``##`` subheadings, bullet lists, blockquotes, emphasis and links
  (to earlier generated articles and to external sites);
* ``content/pages/``, ``templates/`` and ``static/`` copied from the repository;
* ``site.yaml``: the repository's, with a menu of the 8 sections.

The same seed and N always give byte-identical files. Slugs are unique. Only
the standard library is used, so the generator runs without the venv.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import os
import random
import re
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ZONE = timezone(timedelta(hours=5))  # Asia/Karachi: +05:00 all year, no daylight saving
START = datetime(2019, 7, 1, tzinfo=ZONE)
END = datetime(2025, 6, 30, 23, 0, tzinfo=ZONE)
#: A fixed "now" just after the newest article: pass it as ``--now`` for reproducible builds.
NOW = "2025-07-01T09:00:00+05:00"

SECTIONS = ["Pakistan", "Afghanistan", "Central Asia", "Business", "Security", "Politics", "Opinion", "Sport"]
SECTION_WEIGHTS = [30, 22, 10, 14, 10, 8, 4, 2]

FIRST_NAMES = [
    "Ayesha", "Bilal", "Farah", "Hamid", "Imran", "Javed", "Kamran", "Laila", "Mariam", "Nadia",
    "Omar", "Parveen", "Qasim", "Rashid", "Sana", "Tariq", "Usman", "Wajiha", "Yasmin", "Zahid",
]  # fmt: skip
LAST_NAMES = [
    "Ahmed", "Baig", "Chaudhry", "Durrani", "Effendi", "Farooqi", "Gilani", "Hussain", "Iqbal", "Jamali",
    "Khan", "Lodhi", "Mirza", "Niazi", "Orakzai", "Popal", "Qureshi", "Rahimi", "Sherzad", "Yousafzai",
]  # fmt: skip
DATELINES = [
    "ISLAMABAD", "KARACHI", "LAHORE", "PESHAWAR", "QUETTA", "KABUL", "KANDAHAR", "HERAT", "MAZAR-I-SHARIF",
    "TASHKENT", "DUSHANBE", "BISHKEK", "ALMATY", "ASHGABAT", "GWADAR", "GILGIT", "MULTAN", "FAISALABAD",
]  # fmt: skip
PLACES = [
    "Pakistan", "Afghanistan", "Uzbekistan", "Tajikistan", "Kyrgyzstan", "Kazakhstan", "Turkmenistan", "Iran",
    "China", "India", "Islamabad", "Karachi", "Lahore", "Peshawar", "Quetta", "Kabul", "Kandahar", "Herat",
    "Tashkent", "Dushanbe", "Balochistan", "Sindh", "Punjab", "Khyber Pakhtunkhwa", "Gilgit-Baltistan", "Gwadar",
]  # fmt: skip
ORGS = [
    "the State Bank", "the Finance Ministry", "the Foreign Office", "the Election Commission", "the Supreme Court",
    "the National Assembly", "the Senate", "the provincial government", "the World Bank", "the IMF",
    "the Asian Development Bank", "the UN refugee agency", "the Interior Ministry", "the Planning Commission",
    "the chamber of commerce", "the cricket board", "the health department", "the meteorological department",
]  # fmt: skip
ROLES = [
    "spokesperson", "minister", "senior official", "analyst", "economist", "trader", "farmer", "teacher",
    "doctor", "lawmaker", "diplomat", "engineer", "shopkeeper", "student", "police officer", "researcher",
]  # fmt: skip
NOUNS = [
    "budget", "border", "election", "inflation", "trade", "railway", "pipeline", "harvest", "flood", "drought",
    "power tariff", "fuel price", "wheat crop", "exchange rate", "security operation", "refugee return",
    "customs duty", "gas shortage", "school term", "vaccination drive", "water dispute", "bus service",
    "fiscal deficit", "remittance flow", "cotton yield", "road project", "dam", "textile export", "visa policy",
]  # fmt: skip
VERBS = [
    "agree on", "review", "announce", "reject", "approve", "delay", "expand", "suspend", "debate", "launch",
    "criticise", "welcome", "investigate", "extend", "revise", "defend", "resume", "cut", "raise", "sign",
]  # fmt: skip
ADJECTIVES = [
    "new", "long-awaited", "controversial", "ambitious", "delayed", "revised", "joint", "regional", "federal",
    "provincial", "emergency", "annual", "cross-border", "landmark", "temporary", "urgent",
]  # fmt: skip
_FILLER_TEXT = (
    "the a of to and in that for on with as by at from this was were has have had is are will would could "
    "said officials people government year week month country region city province market prices workers "
    "families traders talks plan policy agreement meeting report figures data support pressure concerns "
    "growth supply demand costs revenue spending reforms measures steps efforts security stability "
    "cooperation development investment projects schools hospitals roads villages districts residents "
    "farmers students police court ministers parliament opposition party leaders analysts experts "
    "statement decision proposal announcement increase decrease rise fall percent million billion "
    "rupees dollars afghanis earlier later recently now since after before during while because however"
)
FILLER = _FILLER_TEXT.split()

TAGS = [
    "Pakistan", "Afghanistan", "Economy", "Inflation", "IMF", "CPEC", "Taliban", "Elections", "Border Management",
    "Counterterrorism", "Refugees", "Trade", "Energy", "Budget", "Cricket", "Floods", "Climate", "Water",
    "Agriculture", "Wheat", "Cotton", "Textiles", "Remittances", "State Bank", "Interest Rates", "Stock Market",
    "Rupee", "Fuel Prices", "Electricity", "Gas", "Railways", "Roads", "Gwadar", "Balochistan", "Sindh", "Punjab",
    "Khyber Pakhtunkhwa", "Gilgit-Baltistan", "Karachi", "Lahore", "Islamabad", "Peshawar", "Quetta", "Kabul",
    "Kandahar", "Herat", "Uzbekistan", "Tajikistan", "Kyrgyzstan", "Kazakhstan", "Turkmenistan", "Iran", "China",
    "India", "United States", "Russia", "Saudi Arabia", "Qatar", "Turkey", "United Nations", "World Bank",
    "Asian Development Bank", "Human Rights", "Women's Rights", "Education", "Health", "Polio", "Dengue",
    "Covid-19", "Press Freedom", "Judiciary", "Supreme Court", "Parliament", "Senate", "Opposition", "Protests",
    "Labour", "Minimum Wage", "Taxes", "Customs", "Smuggling", "Drugs", "Police", "Military", "Diplomacy",
    "Visas", "Tourism", "Aviation", "PIA", "Telecoms", "Internet", "Startups", "Banking", "Microfinance",
    "Housing", "Urban Planning", "Transport", "Air Quality", "Heatwave", "Earthquake", "Glaciers", "Indus River",
    "Amu Darya", "Irrigation", "Dams", "Hydropower", "Solar Power", "Coal", "Oil", "Mining", "Copper", "Lithium",
    "Football", "Hockey", "Olympics", "Squash", "Culture", "Music", "Film", "Literature", "Urdu", "Pashto",
    "Dari", "Heritage", "Religion", "Ramadan", "Eid", "Hajj", "Migration", "Deportations", "Aid", "Food Security",
    "Poverty", "Child Labour", "Disability", "Minorities", "Local Government", "Census", "Water Dispute",
    "Trans-Afghan Railway", "TAPI Pipeline", "CASA-1000", "SCO", "SAARC", "ECO", "FATF", "Sanctions",
    "Debt", "Privatisation", "Exports", "Imports", "Tariffs", "Fisheries", "Livestock", "Forests",
]  # fmt: skip

EXTERNAL = [
    "https://www.dawn.com/news/", "https://tribune.com.pk/story/", "https://www.thenews.com.pk/print/",
    "https://www.reuters.com/world/asia-pacific/", "https://www.bbc.com/news/world-asia-", "https://tolonews.com/",
    "https://www.sbp.org.pk/press/", "https://www.worldbank.org/en/news/press-release/",
    "https://www.unhcr.org/news/", "https://www.imf.org/en/News/Articles/",
]  # fmt: skip

TITLE_PATTERNS = [
    "{place} and {place2} {verb} {adj} {noun} plan",
    "{org_t} to {verb} {noun} after talks in {place}",
    "{place} {noun} talks stall as {role}s voice concerns",
    "{adj_t} {noun} in {place} draws criticism",
    "Why the {noun} matters for {place}",
    "{place} braces for {noun} as prices climb",
    "{org_t} says {noun} will {verb_bare} by year end",
    "{role_t}s in {place} count the cost of the {noun}",
    "{place} officials {verb} {adj} {noun} rules",
    "{noun_t} figures for {place} beat forecasts",
    "In {place}, a {adj} {noun} divides opinion",
    "{place} signs {noun} deal with {place2}",
]


@dataclass
class Meta:
    """What the generator decides about one article before writing its body."""

    slug: str
    title: str
    moment: datetime
    section: str
    tags: list[str]

    @property
    def url(self) -> str:
        return f"/{self.moment:%Y/%m/%d}/{self.slug}/"

    @property
    def file(self) -> str:
        return f"content/articles/{self.moment:%Y/%m}/{self.slug}.md"


def slugify(text: str) -> str:
    """site_gen's own slug rule (the corpus links to articles by their URL)."""
    from site_gen.urls import slugify as site_slugify

    return site_slugify(text)


_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ,.'’()%&-]*$")


def yaml_text(text: str) -> str:
    """A YAML scalar that reads back as exactly ``text``."""
    if _PLAIN.match(text) and text.lower() not in {"yes", "no", "on", "off", "true", "false", "null"}:
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def zipf_cumulative(count: int, exponent: float = 1.07) -> list[float]:
    total, out = 0.0, []
    for rank in range(1, count + 1):
        total += 1.0 / rank**exponent
        out.append(total)
    return out


class Generator:
    """Deterministic corpus maker: everything comes from one seeded ``random.Random``."""

    def __init__(self, n: int, seed: int = 1):
        self.n = n
        self.rng = random.Random(f"site-gen-bench:{seed}")
        rng = self.rng
        names = [f"{first} {last}" for first, last in itertools.product(FIRST_NAMES, LAST_NAMES)]
        rng.shuffle(names)
        self.authors = ["Staff Reporter", "Our Correspondent", *names[:38]]
        self.author_cum = zipf_cumulative(len(self.authors), 0.8)
        self.tags = list(TAGS)
        rng.shuffle(self.tags)  # popularity order, seeded
        self.tag_cum = zipf_cumulative(len(self.tags))
        self.sentences = [self._sentence() for _ in range(6000)]
        self.headings = [self._fill(rng.choice(TITLE_PATTERNS)) for _ in range(1500)]

    # --- pieces of text -------------------------------------------------------------
    def _fill(self, pattern: str) -> str:
        rng = self.rng
        place, place2 = rng.sample(PLACES, 2)
        values = {
            "place": place,
            "place2": place2,
            "verb": rng.choice(VERBS),
            "verb_bare": rng.choice(["end", "resume", "expand", "improve", "shrink", "recover"]),
            "adj": rng.choice(ADJECTIVES),
            "adj_t": cap(rng.choice(ADJECTIVES)),
            "noun": rng.choice(NOUNS),
            "noun_t": cap(rng.choice(NOUNS)),
            "org_t": cap(rng.choice(ORGS).removeprefix("the ")),
            "role": rng.choice(ROLES),
            "role_t": cap(rng.choice(ROLES)),
        }
        return pattern.format(**values)

    def _sentence(self) -> str:
        rng = self.rng
        kind = rng.random()
        words = " ".join(rng.choices(FILLER, k=rng.randint(6, 16)))
        if kind < 0.3:
            text = (
                f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}, a {rng.choice(ROLES)} in {rng.choice(PLACES)}, "
                f"said the {rng.choice(NOUNS)} {words}"
            )
        elif kind < 0.55:
            text = f"{cap(rng.choice(ORGS))} said on {rng.choice(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'])} that it would {rng.choice(VERBS)} the {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}, {words}"
        elif kind < 0.7:
            text = f"The {rng.choice(NOUNS)} rose {rng.randint(2, 48)} percent to Rs{rng.randint(10, 990)} billion, {words}"
        else:
            text = cap(words)
        return text + "."

    def _paragraph(self, links: list[str]) -> str:
        rng = self.rng
        sentences = rng.choices(self.sentences, k=rng.randint(2, 4))
        if links and rng.random() < 0.5:
            i = rng.randrange(len(sentences))
            sentences[i] = sentences[i][:-1] + f" ({links.pop()})."
        if rng.random() < 0.15:
            i = rng.randrange(len(sentences))
            words = sentences[i].split(" ")
            j = rng.randrange(len(words))
            if words[j].isalpha():
                words[j] = f"*{words[j]}*"
                sentences[i] = " ".join(words)
        return " ".join(sentences)

    def body(self, earlier: list[Meta]) -> str:
        rng = self.rng
        target = rng.randint(450, 840)
        links = []
        for _ in range(rng.randint(1, 3) if earlier else 0):
            other = earlier[rng.randrange(len(earlier))]
            links.append(f"[{other.title.lower()}]({other.url})")
        for _ in range(rng.randint(0 if links else 1, 2)):
            site = rng.choice(EXTERNAL)
            links.append(
                f"[{rng.choice(['report', 'statement', 'figures', 'earlier coverage'])}]({site}{rng.randint(100000, 999999)})"
            )
        blocks: list[str] = []
        words = 0
        since_heading = 0
        has_list = rng.random() < 0.7
        has_quote = rng.random() < 0.55
        while words < target:
            if len(blocks) >= 3 and since_heading >= rng.randint(3, 5):
                heading = "## " + rng.choice(self.headings)
                blocks.append(heading)
                since_heading = 0
                continue
            roll = rng.random()
            if has_list and len(blocks) >= 4 and roll < 0.25:
                has_list = False
                items = [
                    f"- {cap(rng.choice(NOUNS))}: {rng.choice(self.sentences)[:-1].lower()}"
                    for _ in range(rng.randint(3, 6))
                ]
                block = "\n".join(items)
            elif has_quote and len(blocks) >= 2 and roll < 0.5:
                has_quote = False
                block = "> " + " ".join(rng.choices(self.sentences, k=2)) + "\n>\n> — " + rng.choice(self.authors)
            else:
                block = self._paragraph(links)
            blocks.append(block)
            since_heading += 1
            words += block.count(" ") + 1
        if links:
            blocks.append("Related: " + ", ".join(links) + ".")
        return "\n\n".join(blocks) + "\n"

    # --- the corpus -----------------------------------------------------------------
    def plan(self) -> list[Meta]:
        """Titles, dates, slugs, sections and tags of every article, oldest first."""
        rng = self.rng
        span = int((END - START).total_seconds() // 60)
        minutes = sorted(rng.randrange(span) for _ in range(self.n))
        used: set[str] = set()
        metas = []
        for minute in minutes:
            moment = START + timedelta(minutes=minute)
            if moment.hour < 6:  # newsrooms publish in the day
                moment += timedelta(hours=7)
            moment = moment.replace(second=0)
            title = self._fill(rng.choice(TITLE_PATTERNS))
            title = cap(title)
            slug = slugify(title)
            if slug in used:
                slug = f"{slug[:70].rstrip('-')}-{moment:%Y%m%d}"
                while slug in used:
                    slug = f"{slug}-{rng.randrange(10, 99)}"
            used.add(slug)
            section = rng.choices(SECTIONS, weights=SECTION_WEIGHTS)[0]
            count = rng.choices([1, 2, 3, 4], weights=[20, 35, 30, 15])[0]
            tags: list[str] = []
            while len(tags) < count:
                tag = self.tags[bisect.bisect_left(self.tag_cum, rng.random() * self.tag_cum[-1])]
                if tag not in tags:
                    tags.append(tag)
            metas.append(Meta(slug, title, moment, section, tags))
        metas.sort(key=lambda m: (m.moment, m.slug))
        return metas

    def article(self, meta: Meta, earlier: list[Meta]) -> str:
        rng = self.rng
        lines = ["---", f"title: {yaml_text(meta.title)}", f"date: {meta.moment.isoformat()}"]
        if rng.random() < 0.1:
            lines.append(f"updated: {(meta.moment + timedelta(hours=rng.randint(1, 30))).isoformat()}")
        if meta.slug != slugify(meta.title) or rng.random() < 0.2:
            lines.append(f"slug: {meta.slug}")
        if rng.random() < 0.4:
            lines.append(f"summary: {yaml_text(cap(rng.choice(self.sentences)))}")
        if rng.random() < 0.35:
            lines.append(f"dateline: {rng.choice(DATELINES)}")
        if rng.random() < 0.1:
            pair = [self._author(), self._author()]
            if pair[0] != pair[1]:
                lines.append(f"authors: [{', '.join(yaml_text(a) for a in pair)}]")
            else:
                lines.append(f"author: {yaml_text(pair[0])}")
        else:
            lines.append(f"author: {yaml_text(self._author())}")
        lines.append(f"{'category' if rng.random() < 0.05 else 'section'}: {meta.section}")
        lines.append(f"tags: [{', '.join(yaml_text(t) for t in meta.tags)}]")
        lines.append("---")
        return "\n".join(lines) + "\n\n" + self.body(earlier)

    def _author(self) -> str:
        return self.authors[bisect.bisect_left(self.author_cum, self.rng.random() * self.author_cum[-1])]


def site_yaml(repo: Path = REPO) -> str:
    """The repository's site.yaml with ``menu`` set to the corpus's sections."""
    kept, skipping = [], False
    for line in (repo / "site.yaml").read_text("utf-8").splitlines():
        if line.startswith("menu:"):
            skipping = True
            continue
        if skipping and (line.startswith((" ", "\t", "-")) or not line.strip()):
            continue
        skipping = False
        kept.append(line)
    kept.append("menu: [" + ", ".join(SECTIONS) + "]")
    return "\n".join(kept) + "\n"


CORPUS_FOLDERS = ("content", "templates", "static")
"""The folders :func:`generate` writes and prunes."""


def generate(
    out: Path, n: int = 10_000, seed: int = 1, repo: Path = REPO, deleted: list[Path] | None = None
) -> list[Meta]:
    """Write the whole project into ``out``; return the articles' metadata.

    A corpus already there is brought up to date, not replaced: a file with the right bytes is
    left alone, and only files that do not belong under ``content/``, ``templates/`` and
    ``static/`` (the articles a bench run added) are deleted: deleting the 10,000 files of the
    last corpus cost the bench's next builds seconds (a deletion slows this disk's file creation
    for minutes, see bench/README.md). The files it deletes are added to ``deleted``.

    A symbolic link under those folders is removed, not followed: the corpus is written and
    pruned only inside ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    gone = deleted if deleted is not None else []
    _remove_links(out, gone)
    kept: set[Path] = set()
    folders: set[Path] = set()

    def put(rel: str, data: bytes) -> None:
        path = out / rel
        kept.add(path)
        try:
            if path.read_bytes() == data:
                return
        except FileNotFoundError:
            if path.parent not in folders:
                path.parent.mkdir(parents=True, exist_ok=True)
                folders.add(path.parent)
        path.write_bytes(data)

    for name in ("templates", "static", "content/pages"):
        for path in sorted((repo / name).rglob("*")) if (repo / name).is_dir() else ():
            if path.is_file():
                put(path.relative_to(repo).as_posix(), path.read_bytes())
    put("site.yaml", site_yaml(repo).encode("utf-8"))
    gen = Generator(n, seed)
    metas = gen.plan()
    for i, meta in enumerate(metas):
        # links go to earlier articles only (a story cites older coverage), from a window of recent ones
        earlier = metas[max(0, i - 400) : i]
        put(meta.file, gen.article(meta, earlier).encode("utf-8"))
    _prune(out, kept, gone)
    return metas


def _remove_links(out: Path, gone: list[Path]) -> None:
    """Remove every symbolic link under the corpus's folders (added to ``gone``), not following any."""
    for name in CORPUS_FOLDERS:
        if (out / name).is_symlink():
            (out / name).unlink()
            gone.append(out / name)
        for folder, dirs, files in os.walk(out / name):
            for entry in (*dirs, *files):
                if os.path.islink(os.path.join(folder, entry)):
                    os.unlink(os.path.join(folder, entry))
                    gone.append(Path(folder, entry))


def _prune(out: Path, kept: set[Path], gone: list[Path]) -> None:
    """Delete the files under the corpus's folders that are not ``kept`` (added to ``gone``), and empty folders."""
    for name in CORPUS_FOLDERS:
        for folder, _dirs, files in os.walk(out / name, topdown=False):
            for file in files:
                if Path(folder, file) not in kept:
                    Path(folder, file).unlink()
                    gone.append(Path(folder, file))
            if not os.listdir(folder):
                os.rmdir(folder)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write the project into")
    parser.add_argument("--n", type=int, default=10_000, help="number of articles (default 10000)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    metas = generate(args.out, args.n, args.seed)
    print(f"{len(metas)} articles in {args.out}/ in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
