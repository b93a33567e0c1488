"""How work is shared between the calling process and its forked workers (site_gen.parallel)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time

import pytest

from site_gen import parallel
from site_gen.errors import BuildFailed
from site_gen.parallel import in_order, shared_work


def _where(chunk: list[int]) -> tuple[list[int], int]:
    time.sleep(0.01)  # long enough for the worker to start before the parent has taken every chunk
    return [n * n for n in chunk], os.getpid()


def test_every_chunk_is_done_once_by_the_parent_and_a_worker():
    chunks = [[n, n + 1] for n in range(0, 200, 2)]
    done = list(shared_work(_where, chunks, jobs=2))
    assert sorted(index for index, _ in done) == list(range(len(chunks)))
    assert {index: squares for index, (squares, _pid) in done} == {
        index: [n * n for n in chunk] for index, chunk in enumerate(chunks)
    }
    pids = {pid for _, (_, pid) in done}
    assert os.getpid() in pids, "the calling process works too"
    assert len(pids) == 2, "jobs 2: the parent and one worker"


def test_the_parent_can_work_from_the_end():
    chunks = [[n] for n in range(100)]
    done = list(shared_work(_where, chunks, jobs=2, parent_from_end=True))
    assert sorted(index for index, _ in done) == list(range(len(chunks)))
    mine = [index for index, (_, pid) in done if pid == os.getpid()]
    theirs = [index for index, (_, pid) in done if pid != os.getpid()]
    assert mine and theirs
    assert max(theirs) < min(mine), "the worker went forward from the first chunk, the parent back from the last"
    assert mine == sorted(mine, reverse=True)


@pytest.mark.parametrize("jobs", [1, 2])
def test_side_work_is_done_once_by_the_parent_before_its_first_chunk(jobs):
    events = []
    chunks = [[n] for n in range(60)]

    def side_task(name):
        def run():
            time.sleep(0.05)  # the worker renders meanwhile
            events.append((name, os.getpid()))

        return run

    done = []
    for index, (_squares, pid) in shared_work(_where, chunks, jobs, side=[side_task("a"), side_task("b")]):
        done.append((index, pid))
        events.append(("chunk", pid))
    assert sorted(index for index, _ in done) == list(range(len(chunks)))
    names = [name for name, _ in events]
    assert names.count("a") == names.count("b") == 1 and names.index("a") < names.index("b")
    assert {pid for name, pid in events if name != "chunk"} == {os.getpid()}, "done by the calling process"
    mine = [at for at, (name, pid) in enumerate(events) if name == "chunk" and pid == os.getpid()]
    assert mine and min(mine) > names.index("b"), "before the calling process's first chunk"
    if jobs == 2:
        theirs = [index for index, pid in done if pid != os.getpid()]
        assert len(theirs) > len(chunks) / 2, "the worker took the chunks the parent left while it did the side work"


def test_a_failure_in_side_work_stops_the_workers_and_reaches_the_caller():
    def broken():
        raise BuildFailed([])

    with pytest.raises(BuildFailed):
        list(shared_work(_where, [[n] for n in range(40)], 2, side=[broken]))
    assert not multiprocessing.active_children()
    assert not parallel._SHARED


def test_the_parent_switches_threads_often_while_it_works_beside_workers_and_then_as_before():
    """The pool's thread that reads a worker's results must not wait 5 ms for the parent's
    chunk to let go of the GIL: the interval is short during the run, restored after it,
    also when the run fails."""
    seen = []
    before = sys.getswitchinterval()
    list(shared_work(_where, [[n] for n in range(40)], 2, side=[lambda: seen.append(sys.getswitchinterval())]))
    assert seen == [pytest.approx(parallel.SWITCH_INTERVAL)] and before > parallel.SWITCH_INTERVAL
    assert sys.getswitchinterval() == before

    def broken():
        raise BuildFailed([])

    with pytest.raises(BuildFailed):
        list(shared_work(_where, [[n] for n in range(40)], 2, side=[broken]))
    assert sys.getswitchinterval() == before


def test_one_job_works_in_the_calling_process_in_order():
    done = list(shared_work(_where, [[1], [2], [3]], jobs=1))
    assert [(index, squares) for index, (squares, _) in done] == [(0, [1]), (1, [4]), (2, [9])]
    assert {pid for _, (_, pid) in done} == {os.getpid()}


def test_in_order_holds_early_results_back():
    assert list(in_order(iter([(2, "c"), (0, "a"), (3, "d"), (1, "b")]))) == ["a", "b", "c", "d"]


def _fail_on_seven(chunk: list[int]) -> list[int]:
    if 7 in chunk:
        raise ValueError("seven")
    return chunk


def test_a_failure_in_any_process_reaches_the_caller():
    with pytest.raises(ValueError, match="seven"):
        list(shared_work(_fail_on_seven, [[n] for n in range(40)], jobs=3))


def _no_children_left() -> bool:
    deadline = time.monotonic() + 5
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    return not multiprocessing.active_children()


def test_a_failure_leaves_no_worker_and_no_shared_state():
    with pytest.raises(ValueError, match="seven"):
        list(shared_work(_fail_on_seven, [[n] for n in range(40)], jobs=3))
    assert parallel._SHARED == {}
    assert _no_children_left()


_PARENT = os.getpid()


def _worker_finishes_parent_fails(chunk: list[str]) -> list[str]:
    folder = chunk[0]
    if os.getpid() != _PARENT:
        open(os.path.join(folder, f"started-{chunk[1]}"), "w").close()
        time.sleep(0.3)
        open(os.path.join(folder, f"done-{chunk[1]}"), "w").close()
        return chunk
    deadline = time.monotonic() + 10
    while not any(name.startswith("started") for name in os.listdir(folder)) and time.monotonic() < deadline:
        time.sleep(0.01)
    raise ValueError("the parent's chunk")


def test_after_a_failure_the_workers_finish_their_chunks_before_the_pool_stops(tmp_path):
    # A worker stopped while it sends its result back holds the results' lock for good, and
    # the pool's shutdown then waits for it forever: the workers' chunks are let finish.
    with pytest.raises(ValueError, match="the parent's chunk"):
        list(shared_work(_worker_finishes_parent_fails, [[str(tmp_path), n] for n in range(2)], jobs=2))
    started = sorted(p.name[len("started-") :] for p in tmp_path.glob("started-*"))
    done = sorted(p.name[len("done-") :] for p in tmp_path.glob("done-*"))
    assert started and done == started
    assert parallel._SHARED == {}
    assert _no_children_left()


def _killed_in_a_worker(chunk: list[int]) -> list[int]:
    if os.getpid() != _PARENT and 5 in chunk:
        os.kill(os.getpid(), signal.SIGKILL)  # what the out-of-memory killer does
    time.sleep(0.01)
    return chunk


def test_a_worker_killed_outright_fails_the_run_instead_of_hanging_it():
    with pytest.raises(BuildFailed) as failed:
        # The parent takes chunks from the end: the worker reaches chunk 5 first.
        list(shared_work(_killed_in_a_worker, [[n] for n in range(60)], jobs=2, parent_from_end=True))
    (error,) = failed.value.errors
    assert "a worker process was killed by signal 9 (SIGKILL)" in error.message
    assert "--jobs 1" in error.hint
    assert parallel._SHARED == {}
    assert _no_children_left()


def test_a_run_left_unfinished_does_not_disturb_the_next():
    chunks = [[n] for n in range(30)]
    first = shared_work(_where, chunks, jobs=2)
    started = [next(first)]
    second = list(shared_work(_where, chunks, jobs=2))
    assert sorted(index for index, _ in second) == list(range(30))
    rest = started + list(first)
    assert sorted(index for index, _ in rest) == list(range(30))
    assert parallel._SHARED == {}


# -- Background: work done by a forked child beside the caller -------------------------------


def test_background_work_is_done_by_a_child_and_its_result_comes_back():
    job = parallel.Background(lambda: (os.getpid(), {"a", "b"}))
    assert job.pid not in (0, os.getpid()), "a child was forked"
    child = job.pid
    pid, found = job.result()
    assert pid == child, "made in the child"
    assert found == {"a", "b"}
    assert job.result() == (pid, found), "asked twice, the same result"
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped


def test_background_work_the_child_fails_is_done_again_by_the_caller():
    parent = os.getpid()

    def work():
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return "made by the caller"

    job = parallel.Background(work)
    assert job.pid
    assert job.result() == "made by the caller"


def test_background_work_not_forked_is_done_when_asked():
    calls = []
    job = parallel.Background(lambda: calls.append(1) or len(calls), fork=False)
    assert job.pid == 0 and not calls
    assert job.result() == 1 and job.result() == 1


def test_a_cancelled_child_is_stopped_and_reaped():
    job = parallel.Background(lambda: time.sleep(60))
    pid = job.pid
    started = time.monotonic()
    job.cancel()
    assert time.monotonic() - started < 5
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
