"""Incremental runs: which earlier task scores still hold for this run.

A task score can be carried over from an earlier succeeded run of the same
submission when nothing that could move it has changed: the same weights (model
identity with file hashes), the same settings, the same lm-eval release, and the
same task fingerprint (the task's resolved configs, n-shot, metric and limits —
see ``adapter.task_fingerprint``). A carried-over score names the run it came
from (``reused_from``), so the evidence trail stays complete.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kleaderboard.records import ModelIdentity, RunRecord, Settings, TaskScore


@dataclass(frozen=True)
class Reusable:
    """A score that may be carried over, and the run that measured it."""

    score: TaskScore
    run_id: str


def _comparable(settings: Settings) -> dict[str, Any]:
    # batch size changes padding, not the scored requests; everything else must match
    return settings.model_dump(exclude={"batch_size"})


def reusable_scores(
    previous: list[RunRecord], identity: ModelIdentity, settings: Settings, lm_eval_version: str
) -> dict[str, Reusable]:
    """Fingerprint -> the newest reusable score measured under the same conditions."""
    found: dict[str, Reusable] = {}
    for run in previous:  # oldest first, so newer runs overwrite older ones
        same = (
            run.status == "succeeded"
            and run.model == identity
            and run.lm_eval_version == lm_eval_version
            and _comparable(run.settings) == _comparable(settings)
        )
        if not same:
            continue
        for score in run.scores:
            if score.config_hash:
                origin = score.reused_from or run.run_id
                found[score.config_hash] = Reusable(score, origin)
    return found


def up_to_date(
    previous: list[RunRecord], suite_name: str, suite_version: int, scores: list[TaskScore]
) -> RunRecord | None:
    """An earlier record of this suite version that already holds exactly these scores."""
    wanted = {(s.task, s.config_hash, s.value) for s in scores}
    for run in reversed(previous):
        if run.status != "succeeded" or (run.suite, run.suite_version) != (suite_name, suite_version):
            continue
        if {(s.task, s.config_hash, s.value) for s in run.scores} == wanted:
            return run
    return None
