"""Run records that arrive as artifacts of an evaluation: data from an untrusted run.

The GPU job evaluates a team's model; whatever it uploads is checked here, by a
separate job with no access to the GPU runner, before any of it is commented on a
pull request or proposed to the repository. A record is accepted only when it is
a regular file of at most :data:`MAX_RECORD_BYTES`, strict UTF-8 JSON with no
duplicate keys, no NaN or Infinity and no deep nesting (read by
:func:`kleaderboard.submission.untrusted.load_json`), valid against the run-record schema
(:class:`~kleaderboard.records.RunRecord`), named ``<run_id>.json``, about the
expected submission and, when given, about the expected manifest (its sha256), of
a shipped suite, with scores in range, and about a pinned commit (the manifest's
Hub repo and revision when the manifest is at hand).

:func:`check_artifact` runs these checks on a downloaded artifact (the command
``kleaderboard check-run-record``, run in a workflow).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kleaderboard import display
from kleaderboard.errors import Problem, RunRecordError
from kleaderboard.identifiers import is_commit_sha
from kleaderboard.records import RunRecord
from kleaderboard.submission import untrusted
from kleaderboard.submission.manifest import Manifest
from kleaderboard.submission.tree import MAX_RECORD_BYTES
from kleaderboard.suites import available_suites

SUFFIX = ".json"
FIX = "re-run the evaluation; a record is written only by the pipeline"
# Every metric the suites score (acc, acc_norm, exact_match, *_acc) is a fraction.
SCORE_RANGE = (0.0, 1.0)


def _refuse(path: Path, field: str, message: str, fix: str = FIX) -> RunRecordError:
    return RunRecordError.single(path, field, message, fix)


def schema_problems(path: Path, exc: ValidationError, schema: str) -> list[Problem]:
    """One problem per mismatch of a record with its schema, each at its field's path."""
    return [Problem(str(path), ".".join(str(p) for p in e["loc"]), e["msg"], schema) for e in exc.errors()]


def _validate(path: Path, data: Any) -> RunRecord:
    try:
        return RunRecord.model_validate(data)
    except ValidationError as exc:
        raise RunRecordError(schema_problems(path, exc, "the run-record schema")) from None


def _identity_problems(
    path: Path, record: RunRecord, submission: str, manifest_sha256: str | None
) -> list[Problem]:
    problems = []
    if path.name != f"{record.run_id}{SUFFIX}":
        problems.append(Problem(str(path), "run_id", f"{record.run_id!r} does not match the file name", FIX))
    if record.submission != submission:
        problems.append(Problem(str(path), "submission", f"{record.submission!r} is not {submission!r}", FIX))
    if manifest_sha256 is not None and record.manifest_sha256 != manifest_sha256:
        problems.append(
            Problem(
                str(path),
                "manifest_sha256",
                f"{record.manifest_sha256} is not the sha256 of the evaluated manifest ({manifest_sha256})",
                FIX,
            )
        )
    return problems


def _suite_problems(path: Path, record: RunRecord) -> list[Problem]:
    if record.suite in available_suites():
        return []
    return [Problem(str(path), "suite", f"{record.suite!r} is not a suite of this leaderboard", FIX)]


def _score_problems(path: Path, record: RunRecord) -> list[Problem]:
    low, high = SCORE_RANGE
    problems = []
    for index, score in enumerate(record.scores):
        for name, value in (("value", score.value), ("stderr", score.stderr)):
            if value is not None and not low <= value <= high:
                problems.append(
                    Problem(
                        str(path),
                        f"scores.{index}.{name}",
                        f"{value!r} is outside {display.significant(low)}..{display.significant(high)}, "
                        "the range of every metric the suites score",
                        FIX,
                    )
                )
    return problems


def _model_problems(path: Path, record: RunRecord, manifest: Manifest | None) -> list[Problem]:
    """The weights the record names: a pinned commit, and the manifest's repo and commit when given."""
    source, revision = record.model.source, record.model.revision
    if manifest is None:
        if revision is not None and is_commit_sha(revision):
            return []
        return [Problem(str(path), "model.revision", f"{revision!r} is not a pinned 40-hex commit", FIX)]
    spec = manifest.model
    problems = []
    if source != spec.hub_repo:
        message = f"{source!r} is not the manifest's model.hub_repo ({spec.hub_repo!r})"
        problems.append(Problem(str(path), "model.source", message, FIX))
    if spec.pending or revision != spec.revision:
        message = f"{revision!r} is not the manifest's pinned model.revision ({spec.revision!r})"
        problems.append(Problem(str(path), "model.revision", message, FIX))
    return problems


def check_untrusted_record(
    path: Path,
    submission: str,
    manifest_sha256: str | None = None,
    max_bytes: int = MAX_RECORD_BYTES,
    manifest: Manifest | None = None,
) -> RunRecord:
    """The run record at path, after every check in the module docstring; RunRecordError otherwise.

    Besides its identity, the record must name a shipped suite, scores within the metrics' range
    and a pinned commit: the manifest's Hub repo and revision when the manifest is given.
    """
    try:
        data = untrusted.load_json(path, max_bytes, RunRecordError)
    except RunRecordError as exc:  # the reader's generic fix; a record's only fix is a new run
        raise RunRecordError([Problem(p.file, p.field, p.message, FIX) for p in exc.problems]) from None
    record = _validate(path, data)
    problems = _identity_problems(path, record, submission, manifest_sha256)
    problems += _suite_problems(path, record) + _score_problems(path, record)
    problems += _model_problems(path, record, manifest)
    if problems:
        raise RunRecordError(problems)
    return record


def find_record(path: Path) -> Path | None:
    """The one record in a downloaded artifact: path itself, or the only *.json in the folder.

    None when the artifact is absent or holds no record; RunRecordError when it
    holds more than one, or anything that is not a run record.
    """
    if path.is_symlink() or path.is_file():
        return path
    if not path.is_dir():
        return None
    found = sorted(p for p in path.rglob("*") if not p.is_dir() or p.is_symlink())
    if not found:
        return None
    if len(found) > 1 or found[0].suffix != SUFFIX:
        names = ", ".join(str(p.relative_to(path)) for p in found[:5])
        raise _refuse(path, "", f"holds {len(found)} file(s) ({names}); expected one run record")
    return found[0]


def check_artifact(
    artifact: Path, submission: str, manifest_sha256: str | None = None, max_bytes: int = MAX_RECORD_BYTES
) -> tuple[Path, RunRecord]:
    """The one run record in a downloaded artifact, checked; RunRecordError when there is none."""
    path = find_record(artifact)
    if path is None:
        raise _refuse(artifact, "", "holds no run record", "see the evaluation job's log")
    return path, check_untrusted_record(path, submission, manifest_sha256, max_bytes)


__all__ = [
    "MAX_RECORD_BYTES",
    "SCORE_RANGE",
    "check_artifact",
    "check_untrusted_record",
    "find_record",
]
