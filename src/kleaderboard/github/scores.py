"""Posting an evaluation's scores on its pull request: the last step of the ``evaluate`` workflow.

:func:`post_scores` checks the downloaded artifact
(:mod:`kleaderboard.github.record_intake`), reads the declared scores from the
submission at the evaluated commit (:func:`~kleaderboard.github.pull_check.staged_manifest`),
posts or updates the scores comment (:mod:`kleaderboard.github.comments`) and sets
the ``kleaderboard/evaluation`` commit status. An artifact that is missing or
refused still gets a comment, saying why there are no scores.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kleaderboard.errors import InputError
from kleaderboard.github.client import GitHubClient
from kleaderboard.github.comments import (
    EVALUATION_CONTEXT,
    SCORES_MARKER,
    ScoresContext,
    render_scores_comment,
)
from kleaderboard.github.pull_check import staged_manifest
from kleaderboard.github.record_intake import check_untrusted_record, find_record
from kleaderboard.records import RunRecord

MAX_QUOTED_PROBLEMS = 5


@dataclass(frozen=True)
class ScoresPosted:
    """The comment that was posted, and whether it carries scores of a succeeded run."""

    body: str
    ok: bool


def _checked_record(
    artifact: Path | None, submission: str, manifest_sha256: str | None
) -> tuple[RunRecord | None, str | None]:
    """The artifact's record, or None and why not (a refused record is reported, not raised)."""
    try:
        path = find_record(artifact) if artifact else None
        if path is None:
            return None, "the evaluation job ended without a run record"
        return check_untrusted_record(path, submission, manifest_sha256), None
    except InputError as exc:
        quoted = "; ".join(str(p) for p in exc.problems[:MAX_QUOTED_PROBLEMS])
        return None, "the run record was refused: " + quoted


def post_scores(
    repo: str,
    number: int,
    context: ScoresContext,
    artifact: Path | None,
    manifest_sha256: str | None = None,
) -> ScoresPosted:
    """Check the artifact, post or update the scores comment on pull request number, set the status."""
    record, failure = _checked_record(artifact, context.submission, manifest_sha256)
    with GitHubClient.from_env(repo) as client:
        manifest = staged_manifest(client, context.sha, context.submission)
        body = render_scores_comment(context, record, manifest, failure)
        client.upsert_comment(number, SCORES_MARKER, body)
        ok = record is not None and record.status == "succeeded"
        state, words = ("success", "scores posted") if ok else ("failure", "evaluation failed")
        client.create_status(context.sha, state, EVALUATION_CONTEXT, words, context.run_url)
    return ScoresPosted(body, ok)


__all__ = ["ScoresPosted", "post_scores"]
