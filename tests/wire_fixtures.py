"""The wire copy fixture cases: ``tests/fixtures/wire/NAME.txt`` → ``NAME.md`` + ``NAME.log``.

``NAME.md`` is the article file the importer must write, ``NAME.log`` the
lines it must report as dropped and the warnings. After an intended change,
rewrite them with ``python -m tests.wire_fixtures`` and review the diff.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from site_gen.wire import WireResult, convert

FOLDER = Path(__file__).parent / "fixtures" / "wire"
ZONE = "Asia/Karachi"
TODAY = date(2025, 7, 30)
"""The import date for copy without a date line."""


def case_names() -> list[str]:
    return sorted(p.stem for p in FOLDER.glob("*.txt"))


def read_case(name: str) -> str:
    """The copy as a user would paste it: bytes decoded, byte order mark and all."""
    return (FOLDER / f"{name}.txt").read_bytes().decode("utf-8")


def convert_case(name: str) -> WireResult:
    return convert(read_case(name), zone=ZONE, source_name=f"{name}.txt", today=TODAY)


def report(result: WireResult) -> str:
    lines = [f"{d.line}: dropped ({d.reason}): {d.text}" for d in result.dropped]
    lines += [str(w) for w in result.warnings]
    return "".join(line + "\n" for line in lines)


def expected(name: str) -> tuple[str, str]:
    md = (FOLDER / f"{name}.md").read_text(encoding="utf-8")
    log = FOLDER / f"{name}.log"
    return md, log.read_text(encoding="utf-8") if log.exists() else ""


def rewrite() -> None:
    for name in case_names():
        result = convert_case(name)
        (FOLDER / f"{name}.md").write_text(result.document(), encoding="utf-8")
        log = FOLDER / f"{name}.log"
        text = report(result)
        if text:
            log.write_text(text, encoding="utf-8")
        else:
            log.unlink(missing_ok=True)
        print(f"{name}: {result.front_matter['slug']}")


if __name__ == "__main__":
    rewrite()
