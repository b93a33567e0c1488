"""Worker processes: the one place that decides how work is shared out.

Workers are forked, so they inherit what the parent prepared (the site, the
pages, the templates) and only small arguments and results cross the pipe.
The output never depends on the number of jobs.
"""

from __future__ import annotations

import multiprocessing
import os


def default_jobs() -> int:
    """One job per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def worker_pool(jobs: int):
    """A pool of ``jobs`` forked workers (use as a context manager)."""
    return multiprocessing.get_context("fork").Pool(jobs)
