"""Ranks as ranges: where 95 % confidence intervals overlap, the order is not known.

A model's best possible rank is one more than the number of models whose whole interval
lies above its own; its worst is the number of models whose interval reaches its lower end
(itself included). Equal ends count as overlapping. O(n log n) by bisection, for thousands.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from kleaderboard.scoring.leaderboard import Entry

Z95 = 1.959964  # two-sided 95 % normal quantile


def interval(entry: Entry) -> tuple[float, float] | None:
    """The 95 % interval of an entry's overall index; None when it has no index."""
    if entry.overall is None:
        return None
    half = Z95 * (entry.overall.stderr or 0.0)
    return entry.overall.value - half, entry.overall.value + half


def rank_ranges(entries: tuple[Entry, ...]) -> dict[str, tuple[int, int]]:
    """{submission id: (best rank, worst rank)} of every ranked entry."""
    ranked = {e.id: iv for e in entries if e.rank is not None and (iv := interval(e)) is not None}
    lows = sorted(low for low, _ in ranked.values())
    highs = sorted(high for _, high in ranked.values())
    return {
        submission: (1 + len(lows) - bisect_right(lows, high), len(highs) - bisect_left(highs, low))
        for submission, (low, high) in ranked.items()
    }


def range_text(ranks: tuple[int, int] | None) -> str:
    """'2–5' where the order is uncertain, '' where the rank is sure (or there is none)."""
    if ranks is None or ranks[0] == ranks[1]:
        return ""
    return f"{ranks[0]}–{ranks[1]}"
