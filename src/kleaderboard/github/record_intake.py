"""Run records that arrive as artifacts of an evaluation: data from an untrusted run.

The GPU job evaluates a team's model; whatever it uploads is checked here, by a
separate job with no access to the GPU runner, before any of it is commented on a
pull request or proposed to the repository. A record is accepted only when it is
a regular file of at most :data:`MAX_RECORD_BYTES`, strict UTF-8 JSON with no
duplicate keys, no NaN or Infinity and no deep nesting (read by
:func:`kleaderboard.submission.untrusted.load_json`), valid against the run-record schema
(:class:`~kleaderboard.records.RunRecord`), named ``<run_id>.json``, about the
expected submission and, when given, about the expected manifest (its sha256).

The command ``kleaderboard check-run-record`` (:func:`add_arguments`,
:func:`run_command`) runs these checks in a workflow.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kleaderboard.errors import Problem, RunRecordError
from kleaderboard.records import RunRecord
from kleaderboard.submission import untrusted
from kleaderboard.submission.tree import MAX_RECORD_BYTES

SUFFIX = ".json"
FIX = "re-run the evaluation; a record is written only by the pipeline"


def _refuse(path: Path, field: str, message: str, fix: str = FIX) -> RunRecordError:
    return RunRecordError.single(path, field, message, fix)


def _validate(path: Path, data: Any) -> RunRecord:
    try:
        return RunRecord.model_validate(data)
    except ValidationError as exc:
        raise RunRecordError(
            [
                Problem(str(path), ".".join(str(p) for p in e["loc"]), e["msg"], "the run-record schema")
                for e in exc.errors()
            ]
        ) from None


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


def check_untrusted_record(
    path: Path, submission: str, manifest_sha256: str | None = None, max_bytes: int = MAX_RECORD_BYTES
) -> RunRecord:
    """The run record at path, after every check in the module docstring; RunRecordError otherwise."""
    record = _validate(path, untrusted.load_json(path, max_bytes, RunRecordError))
    problems = _identity_problems(path, record, submission, manifest_sha256)
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


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``kleaderboard check-run-record``."""
    parser.add_argument("record", help="the run record, or the artifact folder holding exactly one")
    parser.add_argument("--submission", required=True, help="'<org>/<model>' the record must be about")
    parser.add_argument("--manifest-sha256", default=None, help="sha256 of the manifest that was evaluated")
    parser.add_argument(
        "--max-bytes", type=int, default=MAX_RECORD_BYTES, help="largest record accepted, in bytes"
    )


def run_command(args: argparse.Namespace) -> int:
    """Check one untrusted run record; print what it is, or raise RunRecordError (exit 1)."""
    path = find_record(Path(args.record))
    if path is None:
        raise _refuse(Path(args.record), "", "holds no run record", "see the evaluation job's log")
    record = check_untrusted_record(path, args.submission, args.manifest_sha256, args.max_bytes)
    print(
        f"{path}: ok: {record.submission}, run {record.run_id}, {record.status}, {len(record.scores)} scores"
    )
    return 0


__all__ = [
    "MAX_RECORD_BYTES",
    "add_arguments",
    "check_untrusted_record",
    "find_record",
    "run_command",
]
