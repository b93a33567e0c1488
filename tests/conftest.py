"""Shared helpers for site_gen's tests.

Import them in a test module with ``from tests.conftest import make_site, ...``
(``tests`` is a package) or use the fixtures at the end of this file.

* :func:`make_site` writes a small project (``site.yaml`` + ``content/``)
  into a folder; the repository's own ``templates/`` and ``static/`` are used
  unless you pass others to :func:`site_options`.
* :func:`article_text` is the text of one article file from its fields.
* :func:`make_config` and :func:`make_article` give model objects without a disk.
* :func:`site_options` gives :class:`~site_gen.build.BuildOptions` with a
  pinned clock (:data:`NOW`), so builds are reproducible.
* :func:`run_cli` runs ``site-gen`` in-process in a folder and returns
  ``(exit code, stdout, stderr)``.
* :func:`snapshot` reads every file under a folder, for byte-for-byte comparisons.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from site_gen import cli
from site_gen import rendering as rendering_module
from site_gen.build import BuildOptions
from site_gen.config import Config, parse_config
from site_gen.load import parse_article
from site_gen.model import Article
from site_gen.yamlload import load_mapping

REPO = Path(__file__).resolve().parent.parent
"""The repository root (``templates/``, ``static/``, ``site.yaml``, ``content/``)."""
KARACHI = ZoneInfo("Asia/Karachi")
NOW = datetime(2025, 8, 1, 12, 0, tzinfo=KARACHI)
"""The pinned clock of test builds: 1 August 2025, 12:00 in Karachi."""

DEFAULT_CONFIG: dict[str, Any] = {
    "title": "Test Bulletin",
    "base_url": "https://example.org/",
    "timezone": "Asia/Karachi",
    "per_page": 10,
}


def article_text(
    title: str | None = "A story", date: str | None = "2025-07-20", body: str = "Text.\n", **fields
) -> str:
    """The text of an article file: ``---``, YAML front matter, ``---``, body.

    ``title`` and ``date`` come first; pass ``None`` to leave one out. Other
    keyword arguments become fields in order (``tags=["A", "B"]``, ``draft=True``).
    """
    data: dict[str, Any] = {}
    if title is not None:
        data["title"] = title
    if date is not None:
        data["date"] = date
    data.update(fields)
    lines = []
    for key, value in data.items():
        if key in ("date", "updated") and isinstance(value, str):
            lines.append(f"{key}: {value}\n")  # unquoted, as editors write dates
        else:
            lines.append(yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False, width=1000))
    return "---\n" + "".join(lines) + f"---\n\n{body}"


def _write(path: Path, content: str | bytes | dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, dict):
        content = article_text(**content)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)


def make_site(
    root: Path,
    articles: dict[str, str | bytes | dict] | None = None,
    pages: dict[str, str | bytes | dict] | None = None,
    config: dict[str, Any] | str | None = None,
) -> Path:
    """Write a project into ``root`` and return ``root``.

    ``articles`` maps a path under ``content/articles/`` (``2025/a.md``) to the
    file: text, bytes, or a dict of keyword arguments for :func:`article_text`.
    ``pages`` does the same under ``content/pages/``. ``config`` is merged into
    :data:`DEFAULT_CONFIG` and written as ``site.yaml``; a string is written as is.
    """
    root.mkdir(parents=True, exist_ok=True)
    if isinstance(config, str):
        (root / "site.yaml").write_text(config, "utf-8")
    else:
        data = dict(DEFAULT_CONFIG, **(config or {}))
        (root / "site.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    (root / "content" / "articles").mkdir(parents=True, exist_ok=True)
    (root / "content" / "pages").mkdir(parents=True, exist_ok=True)
    for rel, content in (articles or {}).items():
        _write(root / "content" / "articles" / rel, content)
    for rel, content in (pages or {}).items():
        _write(root / "content" / "pages" / rel, content)
    return root


def site_options(root: Path, **changes) -> BuildOptions:
    """Build options for the project in ``root``: repository templates and static files, clock at :data:`NOW`."""
    values: dict[str, Any] = dict(
        root=root, templates=REPO / "templates", static=REPO / "static", output=root / "build", now=NOW
    )
    values.update(changes)
    return BuildOptions(**values)


def make_config(**overrides) -> Config:
    """A checked :class:`Config` from :data:`DEFAULT_CONFIG` plus ``overrides``."""
    data = dict(DEFAULT_CONFIG, **overrides)
    return parse_config(load_mapping(yaml.safe_dump(data, allow_unicode=True)), "site.yaml")


def make_article(
    title: str = "A story",
    date: str = "2025-07-20",
    config: Config | None = None,
    where: str = "content/articles/a.md",
    kind: str = "article",
    **fields,
) -> Article:
    """An :class:`Article` (or static page, ``kind="page"``) parsed from the fields, as if read from ``where``.

    See :func:`article_text` for the fields; raises on invalid ones.
    """
    text = article_text(title, date, **fields)
    article, _html, _warnings = parse_article(
        text.encode("utf-8"), where, config or make_config(), kind=kind, stem=Path(where).stem
    )
    return article


def run_cli(cwd: Path, *args: str) -> tuple[int, str, str]:
    """Run ``site-gen ARGS`` in-process with ``cwd`` as working folder; return (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(list(args))
            except SystemExit as exc:  # argparse: --help, usage errors
                code = exc.code if isinstance(exc.code, int) else 1
    finally:
        os.chdir(previous)
    return code, out.getvalue(), err.getvalue()


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative POSIX path → bytes); empty when the folder is missing."""
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark ``browser`` every test that uses Chromium (the ``browser`` fixture of tests/browser/conftest.py)."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def site_dir(tmp_path: Path) -> Path:
    """An empty project folder (``tmp_path / "site"``); fill it with :func:`make_site`."""
    return tmp_path / "site"


@pytest.fixture(params=[1, 2], ids=["jobs1", "jobs2"])
def jobs(request, monkeypatch) -> int:
    """``--jobs`` for a test that runs with one job and with two (then with a low
    ``PARALLEL_RENDER_MIN``, so that two jobs really fork workers)."""
    if request.param > 1:
        monkeypatch.setattr(rendering_module, "PARALLEL_RENDER_MIN", 4)
    return request.param


def search_index_text(output: Path) -> str:
    """Every Pagefind fragment of an output folder, decompressed, as one text."""
    texts = []
    for path in sorted((output / "pagefind").rglob("*.pf_fragment")):
        data = path.read_bytes()
        texts.append(gzip.decompress(data).decode("utf-8", "replace") if data[:2] == b"\x1f\x8b" else data.decode())
    return "\n".join(texts)
