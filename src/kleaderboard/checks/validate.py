"""Repository-level checks: every problem in every submission given, before exiting.

``validate`` never imports torch or lm-eval: it reads YAML, CSV and JSON only.
Besides problems it returns notes: what the evidence (a loss log) shows beside the
declarations (:mod:`kleaderboard.checks.evidence`). Notes are information for the team
and never fail a submission.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kleaderboard.checks.evidence import loss_log_findings
from kleaderboard.checks.lineage import lineage_chain
from kleaderboard.errors import InputError, Problem
from kleaderboard.submission.loss_log import read_loss_log
from kleaderboard.submission.tree import (
    LOSS_LOG_NAME,
    MANIFEST_NAME,
    Submission,
    load_submission,
    read_record,
)


@dataclass(frozen=True)
class Report:
    """What validate found: how many manifests it checked, every problem, and notes."""

    checked: int
    problems: tuple[Problem, ...]
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


def collect_manifests(paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    """Expand files and folders into manifest paths; a path that holds none is a problem.

    A loss_log.csv stands for its folder's manifest (the pre-commit hook passes the changed
    files, and a commit may change the loss log alone).
    """
    found: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_file() and path.name == LOSS_LOG_NAME and (path.parent / MANIFEST_NAME).is_file():
            found.append(path.parent / MANIFEST_NAME)
        elif path.is_file():
            found.append(path)
        elif path.is_dir():
            direct = path / MANIFEST_NAME
            manifests = [direct] if direct.is_file() else sorted(path.rglob(MANIFEST_NAME))
            if not manifests:
                problems.append(
                    Problem(str(path), "", f"no {MANIFEST_NAME} found here", "give a submission folder")
                )
            found.extend(manifests)
        else:
            problems.append(Problem(str(path), "", "does not exist", "check the path"))
    return list(dict.fromkeys(found)), problems


def _loss_log_evidence(sub: Submission) -> tuple[list[Problem], list[str]]:
    """Problems with the declared loss log, or notes on what it shows."""
    loss_log = sub.manifest.originality.loss_log
    if loss_log is None:
        return [], []
    path = sub.path(loss_log)
    if not path.is_file():
        problem = Problem(
            str(sub.folder / MANIFEST_NAME),
            "originality.loss_log",
            f"{loss_log} does not exist",
            "add the file to the submission folder or remove the key",
        )
        return [problem], []
    try:
        log = read_loss_log(path)
    except InputError as exc:
        return list(exc.problems), []
    return [], [f"{path}: {f.what_en}: {f.sentence_en}" for f in loss_log_findings(sub.manifest, log)]


def _run_problems(sub: Submission) -> list[Problem]:
    problems: list[Problem] = []
    for record in sorted(sub.runs_dir.glob("*.json")) if sub.runs_dir.is_dir() else []:
        try:
            read_record(record)
        except InputError as exc:
            problems.extend(exc.problems)
    return problems


def validate_paths(paths: list[Path], submissions_root: Path | None = None) -> Report:
    """Check every submission under the given files and folders.

    ``submissions_root``: where the earlier versions a lineage names live (default: the
    submission's own tree); the pull-request check gives the base branch's.
    """
    manifests, problems = collect_manifests(paths)
    notes: list[str] = []
    for path in manifests:
        try:
            sub = load_submission(path)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        log_problems, log_notes = _loss_log_evidence(sub)
        problems.extend(
            log_problems + _run_problems(sub) + list(lineage_chain(sub, submissions_root).problems)
        )
        notes.extend(log_notes)
    return Report(len(manifests), tuple(problems), tuple(notes))
