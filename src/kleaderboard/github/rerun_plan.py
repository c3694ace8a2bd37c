"""Re-runs: which submissions on the default branch to evaluate again, on which suite.

A maintainer starts the ``rerun`` workflow with a selection (``all``, or
submission ids separated by commas or spaces), a suite and ``force``.
:func:`plan_reruns` turns that into the list of ids the GPU matrix evaluates:
without ``force`` a submission is skipped when it already has a succeeded run
record for its current manifest (same sha256) on the same suite and suite
version, and a submission whose revision is still ``pending`` is always skipped.

The command ``kleaderboard rerun-plan`` prints the plan and writes
:meth:`RerunPlan.outputs` (``submissions``, a JSON list, and ``count``) to the
Actions output file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from kleaderboard.errors import InputError, Problem
from kleaderboard.submission.tree import Submission, load_all, load_runs
from kleaderboard.suggest import perhaps
from kleaderboard.suites import Suite

ALL = "all"
MAX_SELECTED = 256  # one workflow matrix holds at most 256 jobs
_SEPARATORS = re.compile(r"[\s,]+")


@dataclass(frozen=True)
class RerunPlan:
    """The ids to evaluate, in order, and every id left out with the reason."""

    run: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]

    def outputs(self) -> dict[str, str]:
        """What the workflow's matrix reads: ``submissions`` (a JSON list) and ``count``."""
        return {"submissions": json.dumps(list(self.run)), "count": str(len(self.run))}


def parse_selection(text: str, known: list[str]) -> list[str]:
    """'all', or ids separated by commas or whitespace; every unknown id is reported at once."""
    words = [w for w in _SEPARATORS.split(text.strip()) if w]
    if words == [ALL]:
        return list(known)
    if not words:
        raise InputError.single("submissions", "", "is empty", f"give '{ALL}' or ids such as acme/acme-7b")
    problems = []
    for word in words:
        if word not in known:
            fix = perhaps(word, known) or "give ids as <org>/<model> from submissions/"
            problems.append(Problem("submissions", word, "is not a submission on this branch", fix))
    if problems:
        raise InputError(problems)
    return list(dict.fromkeys(words))


def _reason_to_skip(sub: Submission, suite: Suite, force: bool) -> str | None:
    if sub.manifest.model.pending:
        return "revision is 'pending': nothing fixed to evaluate"
    if force:
        return None
    for record in load_runs(sub):
        same = (record.suite, record.suite_version, record.manifest_sha256) == (
            suite.name,
            suite.version,
            sub.manifest_sha256,
        )
        if same and record.status == "succeeded":
            return f"already evaluated on {suite.label} by run {record.run_id} (use force to run again)"
    return None


def plan_reruns(root: Path, selection: str, suite: Suite, force: bool = False) -> RerunPlan:
    """Which of the selected submissions under root to evaluate on suite."""
    loaded, problems = load_all(root)
    by_id = {sub.id: sub for sub in loaded}
    chosen = parse_selection(selection, sorted(by_id))
    if problems and selection.strip() != ALL:
        chosen_problems = [p for p in problems if any(f"/{sid}/" in p.file for sid in chosen)]
        if chosen_problems:
            raise InputError(chosen_problems)
    run, skipped = [], []
    for sid in chosen:
        reason = _reason_to_skip(by_id[sid], suite, force)
        if reason is None:
            run.append(sid)
        else:
            skipped.append((sid, reason))
    if len(run) > MAX_SELECTED:
        raise InputError.single(
            "submissions", "", f"selects {len(run)} submissions; one run takes at most {MAX_SELECTED}", ""
        )
    return RerunPlan(tuple(run), tuple(skipped))


__all__ = ["RerunPlan", "parse_selection", "plan_reruns"]
