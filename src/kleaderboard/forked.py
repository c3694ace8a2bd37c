"""Work split across forked processes: the steps of a site build that take seconds per
thousand submissions (loading and scoring them, building their pages) use every CPU.

Forking copies the process as it is, so the work needs no setup and no pickling of its
inputs; only results travel back, pickled through a pipe. A process with other threads
(``mkdocs serve``, a test server) must not fork, since a lock another thread holds would
stay held in the child forever; there, and where the platform cannot fork, the work runs in
the process itself. The site's page builds (site/page_builds.py) fork with the same rule.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import threading
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Fewer items than this a process are done in the process itself: forking costs more.
ITEMS_PER_WORKER = 64
MAX_WORKERS = 8


def worker_count(requested: int, items: int) -> int:
    """How many processes share ``items`` pieces of work: ``requested``, or with 0 one per CPU
    this process may use (at most MAX_WORKERS), never more than one per ITEMS_PER_WORKER."""
    if requested > 0:
        return requested
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cpus, MAX_WORKERS, items // ITEMS_PER_WORKER))


def fork_unsafe_because() -> str | None:
    """Why this process must not fork workers, or None."""
    if threading.active_count() > 1:
        return "it has threads"
    if "fork" not in multiprocessing.get_all_start_methods():
        return "no fork here"
    return None


def map_in_order(
    function: Callable[[T], R], items: Sequence[T], workers: int, sent_back: float = 0.0
) -> list[R]:
    """``[function(item) for item in items]``, the items shared across ``workers`` processes
    (this one and forked children, :func:`shares`) where this process may fork. ``sent_back``:
    what pickling a result costs a child, as a share of making it; children get that much
    less to do, so that they have sent their results when this process has made its own.

    A child that fails (or whose results cannot be pickled) has its share redone here, so that
    an error is raised here exactly as it would have been without children."""
    workers = min(workers, len(items))
    if workers <= 1 or fork_unsafe_because() is not None:
        return [function(item) for item in items]
    parts = shares(len(items), workers, costs=[1.0] + [1.0 + sent_back] * (workers - 1))
    done = in_slices(lambda part, in_child: [function(item) for item in part], items, parts)
    results: list[R | None] = [None] * len(items)
    for indexes, share in zip(parts, done, strict=True):
        if isinstance(share, ChildFailed):  # do its share here, where its error is raised
            share = [function(items[index]) for index in indexes]
        for index, result in zip(indexes, share, strict=True):
            results[index] = result
    return results  # type: ignore[return-value]  # every slot is filled above


def shares(
    count: int,
    workers: int,
    group: Callable[[int], Hashable] | None = None,
    weight: Callable[[int], float] | None = None,
    costs: Sequence[float] | None = None,
) -> list[list[int]]:
    """The indexes of ``count`` items shared among ``workers`` processes so that each has about
    as much work: the heaviest first (``weight(index)``, 1 by default), each to the process that
    would have the least with it; items of the same weight taken at random (the same every
    time). ``costs[w]``: what an item's weight costs process w (1 by default; more where a
    child must also send its results back).

    At random, not every n-th item: items often come in a pattern (every other submission with a
    loss log, say), and one process would take all the costly ones and finish last. Items whose
    ``group(index)`` is the same (a model's page in each language) go to the same process, one
    after the other (at the place of the group's first); each share is in the items' order."""
    groups: dict[Hashable, list[int]] = {}
    for index in range(count):
        groups.setdefault(group(index) if group is not None else index, []).append(index)
    members = list(groups.values())  # in the order of each group's first item
    weights = [sum(weight(index) for index in indexes) if weight else len(indexes) for indexes in members]
    taken = list(range(len(members)))
    random.Random(count).shuffle(taken)
    taken.sort(key=lambda member: -weights[member])  # a stable sort: equals stay shuffled
    load = [0.0] * workers
    cost = list(costs) if costs is not None else [1.0] * workers
    owner = [0] * len(members)
    for member in taken:
        lightest = min(range(workers), key=lambda w: load[w] + weights[member] * cost[w])
        owner[member] = lightest
        load[lightest] += weights[member] * cost[lightest]
    parts: list[list[int]] = [[] for _ in range(workers)]
    for member, indexes in enumerate(members):
        parts[owner[member]].extend(indexes)
    return parts


@dataclass(frozen=True)
class ChildFailed:
    """What :func:`in_slices` gives for a child that raised, died, or sent nothing back."""

    exitcode: int | None  # 1: it raised; -N: killed by signal N (as multiprocessing says)


def in_slices(
    work: Callable[[Sequence[T], bool], R], items: Sequence[T], parts: Sequence[Sequence[int]]
) -> list[R | ChildFailed]:
    """``work(part, in_child)`` for each part of items, ``parts`` giving each one's indexes
    (:func:`shares`): the first in this process, each other in a forked child whose result
    comes back pickled. The caller has checked that this process may fork
    (:func:`fork_unsafe_because`). If this process's part raises, the children are stopped."""
    context = multiprocessing.get_context("fork")
    children = []
    for indexes in parts[1:]:
        receiver, sender = context.Pipe(duplex=False)
        part = [items[index] for index in indexes]
        child = context.Process(target=_child, args=(work, part, sender), daemon=True)
        child.start()
        sender.close()
        children.append((child, receiver))
    try:
        results: list[R | ChildFailed] = [work([items[index] for index in parts[0]], False)]
    except BaseException:
        for child, _ in children:
            child.terminate()
        raise
    for child, receiver in children:
        try:
            results.append(receiver.recv())
        except EOFError:  # it raised, or died: its exit code says which
            child.join()
            results.append(ChildFailed(child.exitcode))
        child.join()
    return results


class Pending(Generic[R]):
    """``function()`` running in a forked child while this process goes on (:func:`in_background`)."""

    def __init__(self, function: Callable[[], R]) -> None:
        self.function = function
        context = multiprocessing.get_context("fork")
        self.receiver, sender = context.Pipe(duplex=False)
        self.child = context.Process(
            target=_child, args=(lambda items, _: function(), (), sender), daemon=True
        )
        self.child.start()
        sender.close()

    def result(self) -> R:
        """Wait for the child's result. A child that failed has its work redone here, so that
        its error is raised here, as itself."""
        try:
            result: R = self.receiver.recv()
        except EOFError:  # it raised, or died
            self.child.join()
            return self.function()
        self.child.join()
        return result

    def stop(self) -> None:
        """No result wanted any more (a failed build): the child goes, its work with it."""
        if self.child.is_alive():
            self.child.terminate()
        self.child.join()


class Done(Generic[R]):
    """A result already there: what :func:`in_background` gives where it cannot fork."""

    def __init__(self, result: R) -> None:
        self.value = result

    def result(self) -> R:
        return self.value

    def stop(self) -> None:
        pass


def in_background(function: Callable[[], R], fork: bool = True) -> Pending[R] | Done[R]:
    """Start ``function()`` in a forked child, where this process may (and ``fork``); else run
    it now. Its ``result()`` waits for it. Work that must be done before a later step, that
    would leave a CPU idle meanwhile: the site's downloads, while MkDocs reads its pages."""
    if fork and fork_unsafe_because() is None:
        return Pending(function)
    return Done(function())


def _child(work: Callable[[Sequence[T], bool], R], items: Sequence[T], sender: Connection) -> None:
    try:
        sender.send(work(items, True))
    except BaseException:  # quietly: the parent says it (ChildFailed) or redoes the work
        sender.close()
        os._exit(1)
    sender.close()
