"""A build killed with SIGKILL halfway never leaves a truncated file; the next build equals a clean one.

A site of many small articles is built in a subprocess (``python -m site_gen
build``) and killed twice: once while pages are being rendered and staged, once
while staged files are being moved into place. The folder is then rebuilt and
compared, byte for byte, with a clean build of the same content.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from site_gen import write
from site_gen.build import BuildOptions, build_site
from tests._site import NOW, NOW_ARG, article, make_site, tree

pytestmark = pytest.mark.slow  # a 1,000-article site, built and killed in subprocesses

ARTICLES = 1000


@pytest.fixture(scope="module")
def big_site(tmp_path_factory):
    base = tmp_path_factory.mktemp("big")
    files = {
        f"articles/2025/{1 + i % 6:02d}/story-{i}.md": article(
            f"Story number {i}",
            date=f"2025-{1 + i % 6:02d}-{1 + i % 28:02d} {i % 24:02d}:00",
            tags=[f"Tag {i % 40}", "Pakistan"],
            section=["Pakistan", "Afghanistan", "Business"][i % 3],
            body=f"Paragraph {i} of the story.\n\nA second paragraph, [linking home](/).\n",
        )
        for i in range(ARTICLES)
    }
    root = make_site(base / "site", files)
    build_site(BuildOptions(root=root, output=base / "reference", now=NOW))
    return root, tree(base / "reference")


def _start(root):
    return subprocess.Popen(
        [sys.executable, "-m", "site_gen", "build", "--now", NOW_ARG, "-q"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_for(condition, process, timeout=600.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None, "the build finished before it could be killed"
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.002)


def _kill(process):
    process.send_signal(signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL


def _any_page_in_place(out):
    for _folder, subfolders, files in os.walk(out):
        if write.STAGING in subfolders:
            subfolders.remove(write.STAGING)
        if "index.html" in files:
            return True
    return False


def _published(out):
    """Files in the output besides the writer's own (staging folder, manifest)."""
    return {
        rel: data
        for rel, data in tree(out).items()
        if not rel.startswith(write.STAGING) and not rel.startswith(write.MANIFEST)
    }


def test_sigkill_mid_build_then_rebuild_equals_clean_build(big_site):
    root, reference = big_site
    out = root / "build"
    staging = out / write.STAGING

    # 1. Killed while rendering: pages are staged, none is in place yet.
    process = _start(root)
    _wait_for(lambda: staging.is_dir() and sum(1 for p in staging.rglob("*") if p.is_file()) >= 50, process)
    _kill(process)
    assert _published(out) == {}

    # 2. Killed while moving staged files into place: the commit starts by writing the
    #    manifest (there was none), then moves files; kill at the first one moved.
    process = _start(root)
    _wait_for(lambda: (out / write.MANIFEST).exists(), process)
    _wait_for(lambda: _any_page_in_place(out), process)
    _kill(process)
    moved = _published(out)
    assert 0 < len(moved) < len(reference), "the kill did not land in the middle of the commit"
    for rel, data in moved.items():
        assert data == reference[rel], f"{rel} is truncated or wrong"

    # 3. The next build finishes the job: the same tree as a clean build.
    done = subprocess.run(
        [sys.executable, "-m", "site_gen", "build", "--now", NOW_ARG, "-q"], cwd=root, capture_output=True, text=True
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert tree(out) == reference
    assert not staging.exists()
    assert os.listdir(out)
