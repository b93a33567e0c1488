"""Issue 20, case 6 for ``static/`` and ``templates/``: only regular files are read, each with a cap.

A FIFO under ``static/`` made ``build`` hang (``copy_static`` read it with ``read_bytes``);
one under ``templates/`` stopped it with a misleading hint ("the next build finishes the
job"). Both folders now go through :func:`site_gen.sources.read_site_file`, the rule of
``read_content``: the error names the file and says what it is.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from site_gen.errors import BuildFailed
from site_gen.sources import NOT_REGULAR_HINT, read_site_file
from tests.conftest import NOW, REPO, make_site, snapshot

STORY = {"2025/story.md": {"title": "A story", "date": "2025-07-20"}}


@pytest.fixture
def site(site_dir):
    root = make_site(site_dir, articles=STORY)
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "static", root / "static")
    return root


def run(cwd, *args):
    try:
        done = subprocess.run(
            [sys.executable, "-m", "site_gen", *args, "--now", NOW.isoformat()],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=60,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"site-gen {' '.join(args)} hung")
    return done.returncode, done.stdout, done.stderr


def special(path, kind):
    if kind == "fifo":
        os.mkfifo(path)
        return "a FIFO (named pipe)"
    if kind == "zero":
        os.symlink("/dev/zero", path)
        return "a character device"
    os.mkfifo(path.with_name("real-fifo"))  # a link that stays inside the folder, to a FIFO
    os.symlink("real-fifo", path)
    return "a FIFO (named pipe)"


@pytest.mark.parametrize("kind", ["fifo", "inner-link"])
def test_a_special_file_in_static_is_an_error_not_a_hang(site, kind):
    code, _out, err = run(site, "build", "-q")
    assert code == 0, err
    before = snapshot(site / "build")
    what = special(site / "static" / "images" / "f.jpg", kind)
    code, _out, err = run(site, "build", "-q")  # a rebuild sees a new special file too (it is part of the frame)
    assert code == 1
    shown = "f.jpg" if kind == "fifo" else "real-fifo"  # a link is shown as the file it names
    assert f"static/images/{shown}: not a regular file — it is {what} — {NOT_REGULAR_HINT}" in err
    assert "Traceback" not in err
    assert snapshot(site / "build") == before


@pytest.mark.parametrize("kind", ["fifo", "zero"])
@pytest.mark.parametrize("name", ["partials/extra.html", "404.html"])
def test_a_special_file_in_templates_is_named_with_the_right_hint(site, kind, name):
    target = site / "templates" / name
    target.unlink(missing_ok=True)
    what = special(target, kind)
    code, _out, err = run(site, "build", "-q")
    assert code == 1
    assert f"templates/{name}: not a regular file — it is {what} — {NOT_REGULAR_HINT}" in err
    assert "next build finishes the job" not in err and "Traceback" not in err
    assert not (site / "build").exists()


def test_a_file_over_the_cap_is_refused(tmp_path):
    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * 1001)
    assert read_site_file(big, "static/big.bin", 1001) == b"x" * 1001
    with pytest.raises(BuildFailed, match=r"static/big.bin: the file is too large \(over 1,000 bytes\)"):
        read_site_file(big, "static/big.bin", 1000)
