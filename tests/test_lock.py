"""One build at a time: a second build of one project stops at once, naming the first one's pid.

Real processes (``python -m site_gen build``) build one project together; the lock is
released after a failure and after SIGKILL; ``site-gen serve`` rebuilds take it too.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from site_gen import write
from site_gen.build import BuildOptions, build_site
from site_gen.errors import BuildFailed
from tests._site import NOW, NOW_ARG, article, make_site, tree

pytestmark = pytest.mark.slow  # real builds, processes and Pagefind: not in make test-fast

ARTICLES = 300
LOCK = Path(write.STAGING) / "lock"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    base = tmp_path_factory.mktemp("lock")
    files = {
        f"articles/2025/{1 + i % 6:02d}/story-{i}.md": article(
            f"Story number {i}",
            date=f"2025-{1 + i % 6:02d}-{1 + i % 28:02d} {i % 24:02d}:00",
            tags=[f"Tag {i % 30}", "Pakistan"],
            section=["Pakistan", "Afghanistan", "Business"][i % 3],
            body=f"Paragraph {i} of the story.\n",
        )
        for i in range(ARTICLES)
    }
    root = make_site(base / "site", files)
    build_site(BuildOptions(root=root, output=base / "reference", cache_dir=None, now=NOW))
    return root, _site(base / "reference")


def _build(root: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "site_gen", "build", "--now", NOW_ARG, "-q", *args],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _site(out: Path) -> dict[str, bytes]:
    return {rel: data for rel, data in tree(out).items() if not rel.startswith(write.MANIFEST)}


def _fresh_copy(root: Path, tmp_path: Path) -> Path:
    copy = make_site(tmp_path / "site", {})
    for path in (root / "content").rglob("*.md"):
        target = copy / "content" / path.relative_to(root / "content")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    return copy


@pytest.mark.parametrize("previous", [False, True], ids=["first-build", "over-a-build"])
def test_two_builds_at_once_leave_one_complete_site_and_a_clear_message(project, tmp_path, previous):
    source, reference = project
    root = _fresh_copy(source, tmp_path)
    if previous:
        assert _build(root).wait() == 0
    first, second = _build(root, "--fresh"), _build(root, "--fresh")
    results = {process.pid: (process.wait(), *process.communicate()) for process in (first, second)}
    codes = sorted(code for code, _out, _err in results.values())
    assert codes in ([0, 0], [0, 1]), results
    for pid, (code, _out, err) in results.items():
        assert "Traceback" not in err
        if code:
            other = next(p for p in results if p != pid)
            assert re.fullmatch(
                rf"build/: another site-gen build \(pid {other}\) is running — wait for it to finish\n"
                r"build failed: 1 error; the output folder was left as it was\n",
                err,
            ), err
    assert _site(root / "build") == reference
    assert not (root / "build" / LOCK).exists()
    assert not (root / ".site-gen-cache" / ".site-gen-lock").exists()


def _hold(folder: Path, cache: Path | None = None) -> subprocess.Popen:
    """Another process holding the build lock of ``folder`` until its input closes."""
    code = (
        "import sys\nfrom pathlib import Path\nfrom site_gen.lock import build_lock\n"
        "cache = Path(sys.argv[2]) if len(sys.argv) > 2 else None\n"
        "with build_lock(Path(sys.argv[1]), cache):\n"
        "    print('held', flush=True)\n"
        "    sys.stdin.read()\n"
    )
    args = [str(folder)] if cache is None else [str(folder), str(cache)]
    holder = subprocess.Popen(
        [sys.executable, "-c", code, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline() == "held\n"
    return holder


def test_a_held_lock_stops_the_build_at_once_and_changes_nothing(project, tmp_path):
    source, _reference = project
    root = _fresh_copy(source, tmp_path)
    assert _build(root).wait() == 0
    before = tree(root / "build")
    holder = _hold(root / "build")
    try:
        started = time.monotonic()
        process = _build(root, "--fresh")
        code, (_out, err) = process.wait(), process.communicate()
        assert time.monotonic() - started < 30
    finally:
        holder.stdin.close()
        holder.wait()
    assert code == 1
    assert f"build/: another site-gen build (pid {holder.pid}) is running — wait for it to finish" in err
    assert "Traceback" not in err
    assert tree(root / "build") == before


def test_the_cache_folder_is_locked_too(project, tmp_path):
    """Two output folders, one cache: the second build stops too (the cache is one build's)."""
    source, _reference = project
    root = _fresh_copy(source, tmp_path)
    holder = _hold(tmp_path / "elsewhere", root / ".site-gen-cache")
    try:
        process = _build(root)
        code, (_out, err) = process.wait(), process.communicate()
    finally:
        holder.stdin.close()
        holder.wait()
    assert code == 1
    assert f".site-gen-cache/: another site-gen build (pid {holder.pid}) is running" in err
    assert not (root / "build").exists()  # a refused build makes no output folder either


def test_the_lock_is_released_after_sigkill(project, tmp_path):
    source, reference = project
    root = _fresh_copy(source, tmp_path)
    process = _build(root)
    deadline = time.monotonic() + 120
    while not (root / "build" / LOCK).is_file() or not (root / "build" / LOCK).read_text().strip():
        assert process.poll() is None, "the build ended before it held the lock"
        assert time.monotonic() < deadline, "no lock file appeared"
        time.sleep(0.002)
    assert (root / "build" / LOCK).read_text() == f"{process.pid}\n"
    process.send_signal(signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL
    again = _build(root)
    code, (_out, err) = again.wait(), again.communicate()
    assert (code, err) == (0, "")
    assert _site(root / "build") == reference
    assert not (root / "build" / write.STAGING).exists()  # the dead build's staging folder and lock are gone


def test_the_lock_is_released_after_a_failure(tmp_path, monkeypatch):
    import site_gen.build

    root = make_site(tmp_path / "site", {"articles/a.md": "---\ntitle: [unclosed\n---\nBody\n"})
    options = BuildOptions(root=root, now=NOW)
    held = []
    read_config = site_gen.build.read_config

    def reading(options):  # the failing build holds the lock while it runs
        held.append((root / "build" / LOCK).read_text())
        return read_config(options)

    monkeypatch.setattr(site_gen.build, "read_config", reading)
    for _attempt in range(2):
        with pytest.raises(BuildFailed) as failed:
            build_site(options)
        assert "another site-gen build" not in str(failed.value)
    assert held == [f"{os.getpid()}\n"] * 2
    assert not (root / "build").exists()  # the folder the lock made is gone with it
    holder = _hold(root / "build")  # and nobody holds it: another process takes it at once
    holder.stdin.close()
    assert holder.wait() == 0


def test_stale_staging_folders_of_dead_builds_are_removed_and_live_ones_kept(tmp_path):
    root = make_site(tmp_path / "site", {"articles/a.md": article("One")})
    staging = root / "build" / write.STAGING
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (staging / f"{dead.pid}-00000000").mkdir(parents=True)
    (staging / f"{dead.pid}-00000000" / "s0").write_text("half")
    alive = staging / f"{os.getppid()}-11111111"
    alive.mkdir()
    build_site(BuildOptions(root=root, now=NOW))
    assert sorted(p.name for p in staging.iterdir()) == [alive.name]


def test_serve_rebuilds_take_the_lock_and_survive_a_held_one(tmp_path):
    from site_gen.serve import Preview

    root = make_site(tmp_path / "site", {"articles/a.md": article("One")})
    options = BuildOptions(root=root, output=Path("preview"), cache_dir=Path("preview-cache"), now=NOW)
    said: list[str] = []
    preview = Preview(options, said.append, said.append)
    holder = _hold(root / "preview")
    try:
        preview.build()
        assert preview.errors is not None
        assert any(f"another site-gen build (pid {holder.pid}) is running" in text for text in said)
        assert not any("Traceback" in text for text in said)
        # A build into another folder (and another cache) runs while the preview's is held.
        build_site(BuildOptions(root=root, now=NOW))
    finally:
        holder.stdin.close()
        holder.wait()
    preview.build()  # the next save: the lock is free again
    assert preview.errors is None
    assert (root / "preview" / "index.html").is_file()
