"""A model's history: every run of it, and whether the shown run still describes the submission.

A run is *stale* when what it evaluated is no longer what the manifest declares: the
weights (model repository or revision), their precision, or the mode it was ranked in.
These are the manifest's evaluated fields, compared with what the run record kept, so
an edit of declared text alone (a note, a source) never marks a run stale; such an edit
is shown as "manifest edited since" instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from kleaderboard import display
from kleaderboard.display import Label
from kleaderboard.records import RunRecord
from kleaderboard.scoring.leaderboard import Entry
from kleaderboard.submission.manifest import Manifest

REVISION_CHANGED = Label("리비전 바뀜", "revision changed")
REPOSITORY_CHANGED = Label("모델 저장소 바뀜", "model repository changed")
PRECISION_CHANGED = Label("정밀도 바뀜", "precision changed")
MODE_DROPPED = Label("모드를 더 이상 신고하지 않음", "mode no longer declared")
STALE = Label("다시 평가 필요", "stale")


def stale_reasons(run: RunRecord, manifest: Manifest) -> tuple[Label, ...]:
    """Why run no longer describes the manifest's evaluated fields; () when it still does."""
    spec = manifest.model
    source = spec.hub_repo or spec.local_path
    reasons = []
    # The Hub treats repo ids case-insensitively (Acme/Model-7B is acme/model-7b).
    if source is not None and str(source).casefold() != run.model.source.casefold():
        reasons.append(REPOSITORY_CHANGED)
    if spec.hub_repo is not None and spec.revision != run.model.revision:
        reasons.append(REVISION_CHANGED)
    if spec.precision != run.settings.dtype:
        reasons.append(PRECISION_CHANGED)
    if run.settings.mode not in spec.modes:
        reasons.append(MODE_DROPPED)
    return tuple(reasons)


def entry_stale_reasons(entry: Entry) -> tuple[Label, ...]:
    """The stale reasons of the run whose scores the leaderboard shows; () without one."""
    return stale_reasons(entry.run, entry.submission.manifest) if entry.run else ()


@dataclass(frozen=True)
class HistoryRow:
    """One run as the model page's history lists it."""

    run: RunRecord
    href: str
    date: str
    suite: str  # "name v2"
    status: Label
    stale: tuple[Label, ...]
    manifest_edited: bool  # submission.yaml differs from the one evaluated

    @property
    def revision(self) -> str:
        return self.run.model.revision or display.MISSING

    @property
    def inputs(self) -> str:
        """The run's inputs hash, short (the record holds it whole)."""
        return self.run.inputs_hash[:12] if self.run.inputs_hash else display.MISSING


RUN_STATUS = {"succeeded": Label("성공", "succeeded"), "failed": Label("실패", "failed")}


def history_rows(entry: Entry, href_of: dict[str, str]) -> tuple[HistoryRow, ...]:
    """Every run of the entry, newest first; href_of maps run ids to their records' hrefs."""
    manifest = entry.submission.manifest
    return tuple(
        HistoryRow(
            run=run,
            href=href_of[run.run_id],
            date=display.date(run.started_at),
            suite=f"{run.suite} v{run.suite_version}",
            status=RUN_STATUS[run.status],
            stale=stale_reasons(run, manifest),
            manifest_edited=run.manifest_sha256 != entry.submission.manifest_sha256,
        )
        for run in entry.history
    )
