"""Work split across forked processes (kleaderboard.forked): the same results, in order, as
in one process; a child's failure raised here as it would have been without children."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading

import pytest

from kleaderboard import forked


def run_alone(body: str) -> subprocess.CompletedProcess[str]:
    """body in a fresh Python process: a single thread, so it may fork (this test process
    may run other threads, where map_in_order works in the process itself)."""
    script = "import os, sys\nfrom kleaderboard import forked\n" + textwrap.dedent(body)
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)


def test_results_come_back_in_order_from_every_process():
    done = run_alone(
        """
        def work(item):
            return (item * item, os.getpid())
        out = forked.map_in_order(work, list(range(101)), 3)
        assert [square for square, _ in out] == [i * i for i in range(101)]
        print(len({pid for _, pid in out}))
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["3"]  # three processes did the work


def test_an_error_in_a_child_is_raised_here_as_itself():
    done = run_alone(
        """
        from kleaderboard.errors import InputError, Problem
        parent = os.getpid()
        in_a_child = forked.shares(9, 3)[1][0]  # the first item of the second share: a child's
        def work(item):
            if item == in_a_child:
                raise InputError([Problem("x.yaml", "model.name", "is empty", "name it")])
            return item
        try:
            forked.map_in_order(work, list(range(9)), 3)
        except InputError as exc:
            print(exc.problems[0].field, exc.problems[0].fix)
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "model.name name it"  # the problem whole, not its text


def test_a_child_that_dies_has_its_share_done_here():
    done = run_alone(
        """
        parent = os.getpid()
        def work(item):
            if os.getpid() != parent:
                os._exit(9)  # e.g. killed for memory
            return item + 1
        print(forked.map_in_order(work, list(range(7)), 2))
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(list(range(1, 8)))


def test_with_threads_the_work_stays_in_this_process():
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        assert forked.fork_unsafe_because() == "it has threads"
        pids = forked.map_in_order(lambda _: os.getpid(), list(range(200)), 4)
    finally:
        stop.set()
        other.join()
    assert set(pids) == {os.getpid()}


@pytest.mark.parametrize(("requested", "items", "expected"), [(3, 2, 3), (1, 10_000, 1)])
def test_a_requested_count_is_given(requested, items, expected):
    assert forked.worker_count(requested, items) == expected


def test_few_items_stay_in_one_process():
    assert forked.worker_count(0, forked.ITEMS_PER_WORKER - 1) == 1


def test_shares_are_even_whatever_pattern_the_items_follow():
    # every other item costly (a submission with a loss log, say): striding by the number of
    # processes would give one process all of them
    parts = forked.shares(1000, 2)
    costly = [sum(1 for index in part if index % 2 == 0) for part in parts]
    assert sorted(index for part in parts for index in part) == list(range(1000))
    assert all(part == sorted(part) for part in parts)
    assert abs(len(parts[0]) - len(parts[1])) <= 1
    assert all(200 <= count <= 300 for count in costly), costly
    assert forked.shares(1000, 2) == parts  # the same every time


def test_a_group_stays_in_one_share_its_items_together():
    # a model's page in each language: [ko pages..., en pages...], the same model at i and i + 50
    parts = forked.shares(100, 3, group=lambda index: index % 50)
    for part in parts:
        for position in range(0, len(part), 2):
            first, second = part[position : position + 2]
            assert second == first + 50  # its twin, right after it
    assert sorted(index for part in parts for index in part) == list(range(100))


def test_heavy_items_are_spread_first():
    # the leaderboard, claims and charts pages in two languages, each as long as many model pages
    heavy = {0, 1, 2, 3, 4, 5}
    parts = forked.shares(606, 2, weight=lambda index: 100.0 if index in heavy else 1.0)
    assert [len(heavy & set(part)) for part in parts] == [3, 3]
    assert abs(len(parts[0]) - len(parts[1])) <= 1


def test_work_in_the_background_runs_in_a_child_while_this_process_goes_on():
    done = run_alone(
        """
        import time
        start = time.monotonic()
        pending = forked.in_background(lambda: (time.sleep(0.5), os.getpid())[1])
        assert time.monotonic() - start < 0.4  # not waited for
        assert isinstance(pending, forked.Pending)
        print(pending.result() != os.getpid())
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True"]  # done in another process


def test_work_in_the_background_that_fails_is_redone_where_its_result_is_asked():
    done = run_alone(
        """
        from kleaderboard.errors import InputError, Problem
        parent = os.getpid()
        def work():
            if os.getpid() != parent:
                os._exit(9)  # the child dies (killed for memory, say): its work is redone here
            raise InputError([Problem("x.yaml", "model.name", "is empty", "name it")])
        pending = forked.in_background(work)
        try:
            pending.result()
        except InputError as exc:
            print(exc.problems[0].field)
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["model.name"]


def test_work_in_the_background_can_be_stopped():
    done = run_alone(
        """
        import time
        pending = forked.in_background(lambda: time.sleep(60))
        start = time.monotonic()
        pending.stop()
        print(time.monotonic() - start < 5, pending.child.exitcode)
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "-15"]


def test_without_fork_background_work_is_done_at_once():
    calls = []
    done = forked.in_background(lambda: calls.append(os.getpid()) or 7, fork=False)
    assert calls == [os.getpid()] and done.result() == 7
    done.stop()  # nothing to stop


def test_a_child_sending_its_results_back_gets_less_to_do():
    # pickling a result costs a child a share of making it: its share is that much smaller,
    # so that its results are back when this process has made its own
    even = forked.shares(1000, 2)
    lighter = forked.shares(1000, 2, costs=[1.0, 1.25])
    assert abs(len(even[0]) - len(even[1])) <= 1
    assert len(lighter[0]) == pytest.approx(1.25 * len(lighter[1]), abs=2)
    assert sorted(lighter[0] + lighter[1]) == list(range(1000))
    assert forked.shares(1000, 2, costs=[1.0, 1.0]) == even
