"""A small site on disk for tests: the project's templates and static files, chosen content."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
NOW = datetime(2025, 7, 21, 7, 0, tzinfo=UTC)
"""The tests' clock: 21 July 2025, 12:00 in Karachi."""
NOW_ARG = "2025-07-21T12:00:00+05:00"

CONFIG = """\
title: Test Bulletin
base_url: https://bulletin.example.org/
timezone: Asia/Karachi
per_page: 5
menu: [Pakistan, Afghanistan, Business]
"""


def article(title: str = "A Story", date: str = "2025-07-20", body: str = "Body text.\n", **fields) -> str:
    """Text of an article file; extra fields go into the front matter as YAML."""
    head = {"title": title, "date": date, **fields}
    return "---\n" + yaml.safe_dump(head, allow_unicode=True, sort_keys=False, width=1000) + "---\n\n" + body


def make_site(root: Path, files: dict[str, str | bytes], config: str = CONFIG) -> Path:
    """Write a project into ``root``: site.yaml, templates, static and ``files`` (paths under content/)."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "templates", root / "templates", dirs_exist_ok=True)
    shutil.copytree(REPO / "static", root / "static", dirs_exist_ok=True)
    (root / "site.yaml").write_text(config, "utf-8")
    (root / "content" / "articles").mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        path = root / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, "utf-8")
    return root


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes, by relative path. The manifest stands as
    the files and hashes it names: its stat signatures differ from one build to the next."""
    import json

    from site_gen.write import MANIFEST, read_manifest

    files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
    if MANIFEST in files:
        files[MANIFEST] = json.dumps(read_manifest(folder), sort_keys=True).encode()
    return files


def run_cli(root: Path, *args: str) -> tuple[int, str, str]:
    """Run ``site-gen ARGS`` in ``root`` in a subprocess-free way; returns (exit code, stdout, stderr)."""
    import contextlib
    import io
    import os

    from site_gen.cli import main

    out, err = io.StringIO(), io.StringIO()
    before = os.getcwd()
    os.chdir(root)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    finally:
        os.chdir(before)
    return code, out.getvalue(), err.getvalue()
