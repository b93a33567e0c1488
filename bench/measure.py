"""Run one command and report its wall time, CPU time and peak memory as JSON.

``python bench/measure.py OUT.json -- CMD ...`` runs CMD (stdout and stderr
to ``OUT.json.stdout`` / ``OUT.json.stderr``) and writes::

    {"rc": 0, "seconds": 12.3, "cpu_seconds": 14.1, "kernel_seconds": 2.0,
     "maxrss_mb": 81.2, "tree_pss_mb": 95.0, "peak_mb": 95.0}

It is meant to be started as a fresh process for every measurement:
``getrusage(RUSAGE_CHILDREN).ru_maxrss`` is the peak resident set of the
largest process among the children waited for, so it is per-run only in a
new process. For builds that fork workers (``--jobs``) the sum over the
process tree matters more than the largest process; that sum is sampled ten
times a second from ``/proc`` (proportional set size, so pages shared after
``fork`` are not counted twice). ``peak_mb`` is the larger of the two.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

SAMPLE_SECONDS = 0.1


def _process_group(pgid: int) -> list[int]:
    """Pids whose process group is ``pgid`` (the command and everything it started)."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2 :].split()
        if len(fields) > 2 and int(fields[2]) == pgid:
            found.append(int(entry.name))
    return found


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    try:  # no smaps_rollup: resident set size
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except (OSError, ValueError):
        return 0


def measure(command: list[str], stdout: Path, stderr: Path, cwd: str | None = None) -> dict:
    peak_tree_kb = 0
    done = threading.Event()
    with open(stdout, "wb") as out, open(stderr, "wb") as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err, cwd=cwd, start_new_session=True)

        def sample() -> None:
            nonlocal peak_tree_kb
            while not done.wait(SAMPLE_SECONDS):
                total = sum(_pss_kb(pid) for pid in _process_group(child.pid))
                peak_tree_kb = max(peak_tree_kb, total)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        rc = child.wait()
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    maxrss_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    tree_mb = peak_tree_kb / 1024
    return {
        "rc": rc,
        "seconds": round(seconds, 3),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3),
        "kernel_seconds": round(usage.ru_stime, 3),
        "maxrss_mb": round(maxrss_mb, 1),
        "tree_pss_mb": round(tree_mb, 1),
        "peak_mb": round(max(maxrss_mb, tree_mb), 1),
    }


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != "--":
        print("usage: measure.py OUT.json -- COMMAND ...", file=sys.stderr)
        return 2
    report = Path(argv[0])
    result = measure(argv[2:], Path(f"{report}.stdout"), Path(f"{report}.stderr"))
    report.write_text(json.dumps(result), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
