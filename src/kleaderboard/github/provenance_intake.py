"""Provenance records that arrive as artifacts: checked like run records before anything reads them.

The same reader (:func:`kleaderboard.submission.untrusted.load_json`: a regular file, size-capped,
strict JSON), then the provenance-record schema
(:class:`~kleaderboard.provenance.record.ProvenanceRecord`), the file named
``<record_id>.json``, the expected submission and manifest, a pinned commit (the manifest's
repo and revision when the manifest is at hand), and every figure in its range: statistics
are correlations or shares (-1..1), percentiles 0..100, tokenizer overlaps 0..1.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kleaderboard.errors import Problem, ProvenanceError, RunRecordError
from kleaderboard.github.record_intake import FIX, find_record, schema_problems
from kleaderboard.identifiers import is_commit_sha
from kleaderboard.provenance.record import ProvenanceRecord
from kleaderboard.submission import untrusted
from kleaderboard.submission.manifest import Manifest
from kleaderboard.submission.tree import MAX_RECORD_BYTES


def _validate(path: Path, data: Any) -> ProvenanceRecord:
    try:
        return ProvenanceRecord.model_validate(data)
    except ValidationError as exc:
        raise ProvenanceError(schema_problems(path, exc, "the provenance-record schema")) from None


def _range_problems(path: Path, record: ProvenanceRecord) -> list[Problem]:
    problems = []

    def check(field: str, value: float | None, low: float, high: float) -> None:
        if value is not None and not (math.isfinite(value) and low <= value <= high):
            problems.append(Problem(str(path), field, f"{value!r} is outside {low:g}..{high:g}", FIX))

    for i, result in enumerate(record.weights):
        for j, s in enumerate(result.scores):
            check(f"weights.{i}.scores.{j}.value", s.value, -1.0, 1.0)
            check(f"weights.{i}.scores.{j}.percentile", s.percentile, 0.0, 100.0)
    for i, null in enumerate(record.null):
        for j, value in enumerate(null.values):
            check(f"null.{i}.values.{j}", value, -1.0, 1.0)
    for i, tok in enumerate(record.tokenizers):
        for name in ("vocabulary_jaccard", "identical_ids", "shared_merges"):
            check(f"tokenizers.{i}.{name}", getattr(tok, name), 0.0, 1.0)
    return problems


def _identity_problems(
    path: Path,
    record: ProvenanceRecord,
    submission: str,
    manifest_sha256: str | None,
    manifest: Manifest | None,
) -> list[Problem]:
    problems = []
    if path.name != f"{record.record_id}.json":
        problems.append(
            Problem(str(path), "record_id", f"{record.record_id!r} does not match the file name", FIX)
        )
    if record.submission != submission:
        problems.append(Problem(str(path), "submission", f"{record.submission!r} is not {submission!r}", FIX))
    if manifest_sha256 is not None and record.manifest_sha256 != manifest_sha256:
        message = f"{record.manifest_sha256} is not the sha256 of the manifest ({manifest_sha256})"
        problems.append(Problem(str(path), "manifest_sha256", message, FIX))
    revision = record.model_revision
    if manifest is not None and (record.model_source, revision) != (
        manifest.model.hub_repo,
        manifest.model.revision,
    ):
        message = f"{record.model_source}@{revision} is not the manifest's model.hub_repo at model.revision"
        problems.append(Problem(str(path), "model_revision", message, FIX))
    elif manifest is None and not (revision and is_commit_sha(revision)):
        problems.append(
            Problem(str(path), "model_revision", f"{revision!r} is not a pinned 40-hex commit", FIX)
        )
    return problems


def check_untrusted_provenance(
    path: Path,
    submission: str,
    manifest_sha256: str | None = None,
    max_bytes: int = MAX_RECORD_BYTES,
    manifest: Manifest | None = None,
) -> ProvenanceRecord:
    """The provenance record at path, after every check in the module docstring; ProvenanceError otherwise."""
    try:
        data = untrusted.load_json(path, max_bytes, ProvenanceError)
    except ProvenanceError as exc:
        raise ProvenanceError([Problem(p.file, p.field, p.message, FIX) for p in exc.problems]) from None
    record = _validate(path, data)
    problems = _identity_problems(path, record, submission, manifest_sha256, manifest)
    problems += _range_problems(path, record)
    if problems:
        raise ProvenanceError(problems)
    return record


def check_provenance_artifact(
    artifact: Path, submission: str, manifest_sha256: str | None = None, max_bytes: int = MAX_RECORD_BYTES
) -> tuple[Path, ProvenanceRecord]:
    """The one provenance record in a downloaded artifact, checked."""
    try:
        path = find_record(artifact)
    except RunRecordError as exc:  # the same artifact shape: one JSON file
        raise ProvenanceError(exc.problems) from None
    if path is None:
        raise ProvenanceError.single(
            artifact, "", "holds no provenance record", "see the provenance job's log"
        )
    return path, check_untrusted_provenance(path, submission, manifest_sha256, max_bytes)
