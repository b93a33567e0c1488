"""Issue 20, case 1: no body kills the process, and a crashed worker leaves nothing behind.

The bodies below made ``build``, ``check`` and ``serve`` die with exit 139 (a segmentation
fault in the Rust Markdown engine) and no message, leaving ``build/.site-gen-staging``. Now
each is a ``path:line`` error before any engine sees it, and the output stays as it was.
The processes run as subprocesses, so that a crash fails the test instead of ending pytest.
"""

from __future__ import annotations

import faulthandler
import os
import signal
import subprocess
import sys
import time

import pytest

from site_gen import load
from site_gen.build import build_site
from site_gen.errors import BuildFailed
from site_gen.parallel import PARALLEL_PARSE_MIN
from site_gen.serve import Preview
from site_gen.write import STAGING
from tests.conftest import NOW, REPO, article_text, make_site, site_options, snapshot

THEME = ("--templates", str(REPO / "templates"), "--static", str(REPO / "static"), "--now", NOW.isoformat())
INTRO = "Intro.\n\n"
HOSTILE = {
    "quotes.md": (">" * 100_000 + " x", "this line nests quotes and lists 20 levels deep or more"),
    "bullets.md": ("- " * 50_000 + "x", "this line nests quotes and lists 20 levels deep or more"),
    "numbers.md": ("1. " * 30_000, "this line nests quotes and lists 20 levels deep or more"),
    "stars.md": ("*" * 200_000 + "a" + "*" * 200_000, "this line has a run of 200000 `*` marks (at most 40)"),
}


def hostile_site(root, extra: int = 0):
    articles = {"2025/good.md": {"title": "Good", "date": "2025-07-20"}}
    for i in range(extra):
        articles[f"2025/more-{i}.md"] = {"title": f"More {i}", "date": "2025-07-19", "body": f"Story {i}.\n"}
    for name, (body, _message) in HOSTILE.items():
        articles[f"2025/{name}"] = article_text(name, "2025-07-20", body=INTRO + body + "\n")
    return make_site(root, articles=articles)


def run(cwd, *args, env=None):
    environment = dict(os.environ, RUST_BACKTRACE="1", **(env or {}))
    done = subprocess.run(
        [sys.executable, "-m", "site_gen", *args], cwd=cwd, capture_output=True, text=True, timeout=120, env=environment
    )
    return done.returncode, done.stdout, done.stderr


def hostile_line(name: str) -> int:
    """The line of the file holding the hostile body's line (after the front matter and INTRO)."""
    text = article_text(name, "2025-07-20", body=INTRO + HOSTILE[name][0] + "\n")
    return text.count("\n", 0, text.index(INTRO)) + INTRO.count("\n") + 1


def assert_each_body_named(err: str) -> None:
    for name, (_body, message) in HOSTILE.items():
        assert f"content/articles/2025/{name}:{hostile_line(name)}: {message}" in err
    assert "Traceback" not in err and "panicked" not in err and "Segmentation" not in err


@pytest.mark.parametrize("command", ["build", "check"])
def test_bodies_that_crashed_the_engine_are_path_line_errors(site_dir, command):
    site = hostile_site(site_dir)
    code, out, err = run(site, command, *THEME, "-q" if command == "build" else "--strict")
    assert code == 1, (code, err[-2000:])
    assert_each_body_named(err)
    assert not (site / "build").exists()


@pytest.mark.slow
def test_with_workers_and_an_earlier_build_the_output_is_left_as_it_was(site_dir):
    """Over PARALLEL_PARSE_MIN files, a worker parses some of the hostile ones."""
    site = hostile_site(site_dir, extra=PARALLEL_PARSE_MIN + 20)
    hostile = {name: (site / "content/articles/2025" / name).read_text("utf-8") for name in HOSTILE}
    for name in HOSTILE:
        (site / "content/articles/2025" / name).unlink()
    code, _out, err = run(site, "build", *THEME, "-q", "--jobs", "2")
    assert code == 0, err
    before = snapshot(site / "build")
    for name, text in hostile.items():
        (site / "content/articles/2025" / name).write_text(text, "utf-8")
    code, _out, err = run(site, "build", *THEME, "-q", "--jobs", "2")
    assert code == 1, (code, err[-2000:])
    assert_each_body_named(err)
    assert snapshot(site / "build") == before
    assert not (site / "build" / STAGING).exists() or not any(p.is_dir() for p in (site / "build" / STAGING).iterdir())


def test_a_body_that_panicked_the_rust_engine_prints_nothing(site_dir):
    """``See the note [^[`` panicked inside markdown-it-pyrs' footnote plugin; the fallback
    rendered it, but the panic and (RUST_BACKTRACE=1) a backtrace reached stderr despite -q."""
    body = "A story.\n\nSee the note [^["
    site = make_site(site_dir, articles={"2025/note.md": {"title": "Note", "date": "2025-07-20", "body": body}})
    code, out, err = run(site, "build", *THEME, "-q")
    assert (code, out, err) == (0, "", "")
    page = (site / "build/2025/07/20/note/index.html").read_text("utf-8")
    assert "<p>See the note [^[</p>" in page


def test_the_preview_shows_the_errors_and_builds_again_once_fixed(site_dir):
    site = hostile_site(site_dir)
    said, warned = [], []
    options = site_options(site, output=site / ".site-gen-preview" / "site", drafts=True, future=True)
    preview = Preview(options, said.append, warned.append)
    preview.build()
    shown = {str(error) for error in preview.errors or []}
    for name, (_body, message) in HOSTILE.items():
        assert any(s.startswith(f"content/articles/2025/{name}:{hostile_line(name)}: {message}") for s in shown)
    for name in HOSTILE:
        (site / "content/articles/2025" / name).write_text(article_text(name, "2025-07-20", body="Fixed.\n"))
    preview.build()
    assert preview.errors is None


_PARENT = os.getpid()


def _crashing_parse(data, where, *args, **kwargs):
    if os.getpid() != _PARENT:
        faulthandler.disable()  # pytest's: no dump of the worker's stack on the terminal
        os.kill(os.getpid(), signal.SIGSEGV)  # what the Rust engine did, in the first file a worker parses
    time.sleep(0.005)  # the parent leaves the worker some files
    return _ORIGINAL_PARSE(data, where, *args, **kwargs)


_ORIGINAL_PARSE = load.parse_article


@pytest.mark.parametrize("first", [True, False])
def test_a_worker_that_crashes_fails_the_build_with_a_message_and_leaves_nothing(site_dir, monkeypatch, first):
    site = make_site(
        site_dir,
        articles={
            f"2025/more-{i}.md": {"title": f"More {i}", "date": "2025-07-19", "body": f"Story {i}.\n"}
            for i in range(PARALLEL_PARSE_MIN + 20)
        },
    )
    options = site_options(site, jobs=2, cache_dir=None)
    if not first:
        build_site(options)
        (site / "content/articles/2025/more-5.md").write_text(article_text("More 5", "2025-07-19", body="Edited.\n"))
    before = snapshot(site / "build") if not first else None
    monkeypatch.setattr(load, "parse_article", _crashing_parse)
    with pytest.raises(BuildFailed) as failed:
        build_site(options)
    (error,) = failed.value.errors
    assert "a worker process was killed by signal 11 (SIGSEGV)" in str(error)
    assert "crashed" in error.hint and "--jobs 1" in error.hint
    if first:
        assert not (site / "build").exists()
    else:
        assert snapshot(site / "build") == before
        staging = site / "build" / STAGING
        assert not staging.exists() or not any(p.is_dir() for p in staging.iterdir())
