"""Golden output of the fixture site: build it, or refresh ``tests/golden/site/``.

``python -m tests.golden`` (``make golden``) rebuilds ``tests/fixtures/site/``
with the repository's ``templates/`` and ``static/`` at the pinned time
:data:`tests.conftest.NOW` and replaces ``tests/golden/site/`` with the result.
Run it after an intended change to the templates, the stylesheet or the
output, and review ``git diff tests/golden`` before committing.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from site_gen.build import BuildReport, build_site
from tests.conftest import REPO, site_options, snapshot

TESTS = Path(__file__).resolve().parent
FIXTURE = TESTS / "fixtures" / "site"
GOLDEN = TESTS / "golden" / "site"
#: Build bookkeeping in the output folder (manifest, staging) is not part of the site.
BOOKKEEPING_PREFIX = ".site-gen"


def site_files(folder: Path) -> dict[str, bytes]:
    """The files of a built site (relative path → bytes), without build bookkeeping."""
    return {
        rel: data for rel, data in snapshot(folder).items() if not rel.split("/")[-1].startswith(BOOKKEEPING_PREFIX)
    }


def build_fixture(work: Path) -> tuple[Path, BuildReport]:
    """Copy the fixture project into ``work`` and build it into ``work/build``; return (output, report)."""
    project = work / "project"
    shutil.copytree(FIXTURE, project)
    output = work / "build"
    report = build_site(site_options(project, output=output, fresh=True))
    return output, report


def main() -> int:
    with tempfile.TemporaryDirectory() as temp:
        output, report = build_fixture(Path(temp))
        files = site_files(output)
        if GOLDEN.exists():
            shutil.rmtree(GOLDEN)
        for rel, data in files.items():
            target = GOLDEN / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    print(f"{report.summary()}; wrote {len(files)} files to {GOLDEN.relative_to(REPO)}/")
    print("review them with `git diff --stat tests/golden` before committing")
    return 0


if __name__ == "__main__":
    sys.exit(main())
