"""The leaderboard table: submissions joined with their run records and scored.

This is the one data structure the site renders; templates read its fields and
never guess. Each figure says where it came from:

* ``declared`` — written by the team in submission.yaml (or its loss log);
* ``measured`` — produced by the evaluation pipeline (a run record);
* ``checked`` — a declared figure the pipeline compared against evidence.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from kleaderboard import forked
from kleaderboard.checks.evidence import Finding, loss_log_findings, parameter_findings
from kleaderboard.errors import InputError, Problem
from kleaderboard.kinds import Mode
from kleaderboard.records import RunRecord, TaskScore
from kleaderboard.scoring import normalise
from kleaderboard.submission.loss_log import LossLog, read_loss_log
from kleaderboard.submission.tree import Submission, find_manifests, load_runs, load_submission
from kleaderboard.suites import Category, Suite, SuiteTask

Provenance = Literal["declared", "measured", "checked"]
Status = Literal["evaluated", "incomplete", "failed", "awaiting", "pending", "previous"]

STATUS_TEXT: dict[str, tuple[str, str]] = {
    "evaluated": ("평가 완료", "evaluated"),
    "incomplete": ("일부 평가", "partly evaluated"),
    "failed": ("평가 실패", "evaluation failed"),
    "awaiting": ("평가 대기", "awaiting evaluation"),
    "pending": ("리비전 대기", "awaiting evaluation (revision pending)"),
    "previous": ("이전 버전 점수", "earlier suite version"),
}


@dataclass(frozen=True)
class TaskResult:
    """One suite task for one model: raw measured score and its normalised value."""

    task: SuiteTask
    raw: TaskScore | None
    normalised: normalise.Estimate | None
    provenance: Provenance = "measured"


@dataclass(frozen=True)
class CategoryResult:
    category: Category
    index: normalise.Estimate | None
    provenance: Provenance = "measured"


@dataclass(frozen=True)
class LossCurve:
    """A loss log as evidence: the team's points plus what the pipeline derived.

    ``findings`` set the log beside the manifest's declarations (first loss vs
    ln V, tokens vs declared tokens); they are ``checked`` figures, shown as
    evidence, never as a verdict.
    """

    log: LossLog | None
    problems: tuple[Problem, ...] = ()
    provenance: Provenance = "declared"
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class Entry:
    """One row of the leaderboard and everything its model page shows."""

    submission: Submission
    status: Status
    run: RunRecord | None
    failed_run: RunRecord | None
    tasks: tuple[TaskResult, ...]
    categories: tuple[CategoryResult, ...]
    overall: normalise.Estimate | None
    loss: LossCurve
    rank: int | None = None
    # After a suite bump, until the re-run lands: the newest run on an earlier version, shown
    # (labelled with its version) but never scored or ranked against the new version.
    previous: RunRecord | None = None
    # Every run record of the submission (any suite, version, mode or status), newest first.
    history: tuple[RunRecord, ...] = ()

    @property
    def id(self) -> str:
        return self.submission.id

    @property
    def parameter_checks(self) -> tuple[Finding, ...]:
        """Declared parameter counts beside those computed from the evaluated config.json."""
        structural = self.run.measured.structural if self.run else None
        return parameter_findings(self.submission.manifest, structural)

    @property
    def page_path(self) -> str:
        """Site path of the model page, relative to the site root."""
        return f"models/{self.submission.org}/{self.submission.slug}.md"

    @property
    def status_text(self) -> tuple[str, str]:
        """(Korean, English) label of the status."""
        return STATUS_TEXT[self.status]


@dataclass(frozen=True)
class Leaderboard:
    """The submissions ranked on one suite version.

    ``beside`` holds the same submissions scored on further suites (e.g. ko-global-v1 beside
    ko-global-v2): shown next to this board, each labelled with its suite and version, and
    never ranked against it or against each other.
    """

    suite: Suite
    entries: tuple[Entry, ...]
    problems: tuple[Problem, ...] = field(default=())
    beside: tuple[Leaderboard, ...] = ()

    @property
    def boards(self) -> tuple[Leaderboard, ...]:
        """This board, then the boards beside it, in the site's order."""
        return (self, *self.beside)


def latest_runs(
    runs: list[RunRecord], suite: Suite, mode: Mode = Mode.base
) -> tuple[RunRecord | None, RunRecord | None]:
    """The newest succeeded and the newest failed run for this suite, version and mode."""
    mine = [
        r
        for r in runs
        if r.suite == suite.name and r.suite_version == suite.version and r.settings.mode == mode
    ]
    ok = [r for r in mine if r.status == "succeeded"]
    failed = [r for r in mine if r.status == "failed"]
    return (ok[-1] if ok else None), (failed[-1] if failed else None)


def previous_run(runs: list[RunRecord], suite: Suite, mode: Mode = Mode.base) -> RunRecord | None:
    """The newest succeeded run of an earlier version of this suite, in this mode."""
    older = [
        r
        for r in runs
        if r.suite == suite.name
        and r.suite_version < suite.version
        and r.settings.mode == mode
        and r.status == "succeeded"
    ]
    return max(older, key=lambda r: (r.suite_version, r.finished_at), default=None)


def score_tasks(run: RunRecord | None, suite: Suite) -> tuple[TaskResult, ...]:
    """Normalise each suite task's score from a run (missing tasks stay None)."""
    results = []
    for task in suite.tasks:
        raw = run.score(task.task) if run else None
        if raw is not None and raw.metric != task.metric_key:
            raw = None  # a score under another metric is not this task's score
        norm = normalise.normalise(raw.value, raw.stderr, task.chance) if raw is not None else None
        results.append(TaskResult(task, raw, norm))
    return tuple(results)


def score_categories(tasks: tuple[TaskResult, ...], suite: Suite) -> tuple[CategoryResult, ...]:
    """Category indices from normalised task scores."""
    out = []
    for category in suite.categories:
        members = [t for t in tasks if t.task.category == category.id]
        est = normalise.index([t.normalised for t in members], [t.task.weight for t in members])
        out.append(CategoryResult(category, est))
    return tuple(out)


def _status(
    sub: Submission, runs: tuple[RunRecord | None, RunRecord | None, RunRecord | None], complete: bool
) -> Status:
    run, failed, previous = runs
    if run is not None:
        return "evaluated" if complete else "incomplete"
    if failed is not None:
        return "failed"
    if previous is not None:
        return "previous"
    return "pending" if sub.manifest.model.pending else "awaiting"


def _loss_curve(sub: Submission) -> LossCurve:
    relative = sub.manifest.originality.loss_log
    if relative is None:
        return LossCurve(None)
    try:
        log = read_loss_log(sub.path(relative))
    except InputError as exc:
        return LossCurve(None, tuple(exc.problems))
    return LossCurve(log, findings=loss_log_findings(sub.manifest, log))


def build_entry(sub: Submission, suite: Suite) -> Entry:
    """Join one submission with its latest runs and score it."""
    mode = sub.manifest.model.modes[0]  # a model is ranked in the first mode it declares
    suite = suite.for_mode(mode)
    runs = load_runs(sub)
    run, failed = latest_runs(runs, suite, mode)
    previous = previous_run(runs, suite, mode) if run is None else None
    tasks = score_tasks(run, suite)
    categories = score_categories(tasks, suite)
    overall = normalise.index([c.index for c in categories], [1.0] * len(categories))
    status = _status(sub, (run, failed, previous), overall is not None)
    newest = tuple(sorted(runs, key=lambda r: (r.started_at, r.run_id), reverse=True))
    loss = _loss_curve(sub)
    return Entry(sub, status, run, failed, tasks, categories, overall, loss, None, previous, newest)


def build_leaderboard(submissions_dir: Path, suite: Suite) -> Leaderboard:
    """Load every submission under submissions_dir and rank them on suite."""
    return build_leaderboards(submissions_dir, [suite])


# A submission's entries pickle (to come back from a child) in about an eighth of the time it
# takes to load and score them (0.17 ms against 1.1-1.45 ms, the scale benchmark's submissions).
SENT_BACK = 0.13


def build_leaderboards(submissions_dir: Path, suites: Sequence[Suite], workers: int = 1) -> Leaderboard:
    """Load every submission once and rank it on each suite: the first suite's board, with
    the other suites' boards beside it (each ranked on its own). The submissions are loaded
    and scored in ``workers`` processes (0: one per CPU; kleaderboard.forked)."""
    if not suites:
        raise ValueError("build_leaderboards needs at least one suite")
    paths = find_manifests(submissions_dir)
    workers = forked.worker_count(workers, len(paths))
    load = functools.partial(_load_and_enter, suites=tuple(suites))
    loaded = forked.map_in_order(load, paths, workers, sent_back=SENT_BACK)
    problems = tuple(problem for outcome in loaded if isinstance(outcome, list) for problem in outcome)
    entries = [outcome for outcome in loaded if not isinstance(outcome, list)]
    boards = [
        _ranked([each[index] for each in entries], suite, problems) for index, suite in enumerate(suites)
    ]
    return replace(boards[0], beside=tuple(boards[1:]))


def _load_and_enter(path: Path, suites: tuple[Suite, ...]) -> tuple[Entry, ...] | list[Problem]:
    """One submission's entry on each suite, or the problems that keep it off the boards."""
    try:
        sub = load_submission(path)
    except InputError as exc:
        return exc.problems
    return tuple(build_entry(sub, suite) for suite in suites)


def _ranked(entries: Sequence[Entry], suite: Suite, problems: tuple[Problem, ...]) -> Leaderboard:
    ranks = normalise.rank([e.overall.value if e.overall else None for e in entries])
    ranked = [Entry(**{**e.__dict__, "rank": r}) for e, r in zip(entries, ranks, strict=True)]
    ranked.sort(key=lambda e: (e.rank is None, e.rank or 0, e.id))
    return Leaderboard(suite, tuple(ranked), problems)
