"""The charts page's per-family timeline: each team's versions of one model family, in the
order they were made, with the overall index each measured.

The family, the version and the step from the earlier version are *declared*
(``originality.lineage`` in the manifest); the index and the run date are *measured*.
A version's place is its number of steps from the family's start, following
``continued_from`` among the submissions on the board; a parent that is not on the board
(or a loop) ends the walk, so a broken chain still shows, after its start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kleaderboard import display
from kleaderboard.display import Label
from kleaderboard.scoring.leaderboard import Entry, Leaderboard
from kleaderboard.scoring.normalise import Estimate
from kleaderboard.site.lineage import STEP_TEXT

TITLE = Label("계열별 버전과 점수", "Versions of each family and their scores")


@dataclass(frozen=True)
class VersionRow:
    version: str
    name: str
    page_uri: str
    step: Label  # how it was made from the earlier version; "start" for the first
    parent_version: str  # the earlier version's name, its submission id when not on the board, or ""
    overall: Estimate | None
    run_date: str  # the measured run's finish date, '—' without one
    suite_version: str  # 'v1', '—' without a run


@dataclass(frozen=True)
class FamilyTimeline:
    family: str
    team: str
    versions: tuple[VersionRow, ...]


def _depth(entry_id: str, parents: dict[str, str]) -> int:
    seen = {entry_id}
    depth, current = 0, entry_id
    while (parent := parents.get(current)) is not None and parent not in seen:
        seen.add(parent)
        depth, current = depth + 1, parent
    return depth


def _natural(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key where 'v10' comes after 'v9'."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", text) if part)


def _row(entry: Entry, by_id: dict[str, Entry]) -> VersionRow:
    lineage = entry.submission.manifest.originality.lineage
    assert lineage is not None
    parent = lineage.continued_from
    parent_entry = by_id.get(parent.submission) if parent else None
    parent_lineage = parent_entry.submission.manifest.originality.lineage if parent_entry else None
    run = entry.run
    return VersionRow(
        version=lineage.version,
        name=entry.submission.manifest.model.name,
        page_uri=entry.page_path,
        step=STEP_TEXT[parent.how.value if parent else ""],
        parent_version=(parent_lineage.version if parent_lineage else parent.submission) if parent else "",
        overall=entry.overall,
        run_date=display.date(run.finished_at[:10]) if run else display.MISSING,
        suite_version=f"v{run.suite_version}" if run else display.MISSING,
    )


def family_timelines(board: Leaderboard) -> tuple[FamilyTimeline, ...]:
    """Every declared family on the board (by organisation and family name), versions in order."""
    by_id = {entry.id: entry for entry in board.entries}
    families: dict[tuple[str, str], list[Entry]] = {}
    parents: dict[str, str] = {}
    for entry in board.entries:
        lineage = entry.submission.manifest.originality.lineage
        if lineage is None:
            continue
        families.setdefault((entry.submission.org, lineage.family), []).append(entry)
        if lineage.continued_from is not None:
            parents[entry.id] = str(lineage.continued_from.submission)
    timelines = []
    for (_, family), entries in sorted(families.items()):
        entries.sort(key=lambda e: (_depth(e.id, parents), _natural(_version(e)), e.id))
        team = entries[0].submission.manifest.team.name
        timelines.append(FamilyTimeline(family, team, tuple(_row(e, by_id) for e in entries)))
    return tuple(timelines)


def _version(entry: Entry) -> str:
    lineage = entry.submission.manifest.originality.lineage
    return lineage.version if lineage else ""


__all__ = ["TITLE", "FamilyTimeline", "VersionRow", "family_timelines"]
