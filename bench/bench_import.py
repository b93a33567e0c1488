"""Time ``site-gen import`` on 1,000 wire copy files (the issue's bar: under 5 s).

Writes 1,000 variants of realistic copy (English, Urdu, Pashto; bullets, pull
quotes, junk lines, CRLF and entities) to a temporary folder, imports them all
in one run of the command, and prints the time. Run with ``make bench``.
"""

from __future__ import annotations

import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COUNT = 1_000
BAR_SECONDS = 5.0
CITIES = ["KABUL", "PESHAWAR", "DERA ISMAIL KHAN", "MAZAR-I-SHARIF", "QUETTA", "GILGIT", "KARACHI", "HERAT"]
DATES = [
    "Sun Jul 20 2025",
    "July 21, 2025",
    "21 July 2025",
    "Saturday, 26 July 2025",
    "2025-07-22 14:30 PKT",
    "Updated: Jul 23, 2025 09:10 am",
]
BYLINES = ["By Staff Reporter", "By Sana Gandapur | The Frontier Bulletin", "By Our Correspondent", ""]
SENTENCE = (
    "Officials in the provincial government said on {day} that work on the {thing} would be finished "
    "before the end of the year, at a cost of Rs{cost} million, and that {count} people would benefit."
)
URDU = "پشاور: صوبائی حکومت نے اتوار کے روز بس ریپڈ ٹرانزٹ کے نئے روٹ کا افتتاح کر دیا۔"
PASHTO = "کابل: د کابل ښاروالۍ په ښار کې د څښاک د اوبو رسولو یوه نوې پروژه پیل کړه."


def variant(i: int, rng: random.Random) -> str:
    things = ["bridge", "ring road", "water scheme", "hospital wing", "solar park", "school"]
    paragraphs = [
        SENTENCE.format(
            day=rng.choice(["Monday", "Tuesday", "Friday"]),
            thing=rng.choice(things),
            cost=rng.randint(10, 900),
            count=rng.randint(1000, 90000),
        )
        for _ in range(rng.randint(8, 24))
    ]
    lead_city = rng.choice(CITIES)
    header = [
        f"A caption for story {i} — File photo",
        rng.choice(BYLINES),
        rng.choice(DATES),
        "icon-facebook icon-twitter icon-whatsapp",
    ]
    rng.shuffle(header)
    body = [f"{lead_city}: {paragraphs[0]}", *paragraphs[1:]]
    if i % 5 == 0:
        body.insert(3, "• First point\n• Second point &amp; more\n• Third point")
    if i % 7 == 0:
        body.insert(2, "“A pull quote that runs over\ntwo lines,”\n— A spokesperson")
    if i % 9 == 0:
        body.insert(4, "Also Read: Another story")
    if i % 25 == 0:
        body[0] = URDU if i % 50 == 0 else PASHTO
    headline = f"Story {i}: the {rng.choice(things)} in {lead_city.title()} is “on track”, officials say"
    text = "\n\n".join([headline, "\n".join(h for h in header if h), *body]) + "\n"
    return text.replace("\n", "\r\n") if i % 3 == 0 else text


def main() -> int:
    rng = random.Random(20250720)
    with tempfile.TemporaryDirectory() as tmp:
        inbox = Path(tmp) / "inbox"
        inbox.mkdir()
        for i in range(COUNT):
            (inbox / f"{i:04d}.txt").write_text(variant(i, rng), encoding="utf-8", newline="")
        files = sorted(str(p) for p in inbox.glob("*.txt"))
        command = [sys.executable, "-m", "site_gen", "import", *files, "--out", str(Path(tmp) / "out")]
        started = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(command, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        written = len(list((Path(tmp) / "out").glob("*.md")))
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr.strip()[-300:]
    verdict = "ok" if seconds < BAR_SECONDS and done.returncode == 0 and written == COUNT else "TOO SLOW OR FAILED"
    print(
        f"import of {COUNT:,} wire files: {seconds:.2f} s wall, {cpu:.2f} s CPU ({summary}) — "
        f"bar {BAR_SECONDS:.0f} s: {verdict}"
    )
    return 0 if done.returncode == 0 and written == COUNT else 1


if __name__ == "__main__":
    sys.exit(main())
