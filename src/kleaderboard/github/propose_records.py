"""Proposing run records to the repository: one commit on a bot branch, one pull request.

Run records never reach the default branch directly. After an evaluation, the
checked records (:mod:`kleaderboard.github.record_intake`) are written, re-serialised from
the validated model (never the artifact's bytes), as
``submissions/<org>/<model>/runs/<run-id>.json`` in a single commit on a new
branch ``kleaderboard-bot/runs-…``, and a pull request from it asks a maintainer
to merge. Records are only added: an existing file is never overwritten.

The command ``kleaderboard propose-records`` (:func:`add_arguments`,
:func:`run_command`) does it in the ``evaluate`` and ``rerun`` workflows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kleaderboard.errors import InputError, Problem, RunRecordError
from kleaderboard.github.client import CreatedPullRequest, GitHubClient
from kleaderboard.github.record_intake import MAX_RECORD_BYTES, check_untrusted_record
from kleaderboard.records import RunRecord
from kleaderboard.submission import untrusted
from kleaderboard.submission.tree import MANIFEST_NAME, RUNS_DIR, SLUG, load_submission

BRANCH_PREFIX = "kleaderboard-bot/runs-"


@dataclass(frozen=True)
class Expectation:
    """What a record must be about: a given submission and manifest, or one on the base branch."""

    submission: str | None = None
    manifest_sha256: str | None = None
    submissions_dir: Path = Path("submissions")


def record_path(record: RunRecord) -> str:
    """Where a record lives in the repository."""
    return f"submissions/{record.submission}/{RUNS_DIR}/{record.run_id}.json"


def record_text(record: RunRecord) -> str:
    """The record as write_record writes it, from the validated model."""
    return json.dumps(record.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def _claimed(path: Path, max_bytes: int) -> str:
    """The submission a record names, read only to know what to check it against."""
    try:
        data = untrusted.load_json(path, max_bytes)
    except InputError:  # the full check that follows says what is wrong with it
        return ""
    value = data.get("submission") if isinstance(data, dict) else None
    return value if isinstance(value, str) else ""


def _is_id(text: str) -> bool:
    parts = text.split("/")
    return len(parts) == 2 and all(SLUG.fullmatch(part) for part in parts)


def _expected(path: Path, expect: Expectation) -> tuple[str, str | None]:
    if expect.submission is not None:
        if not _is_id(expect.submission):
            raise InputError.single("--submission", "", f"{expect.submission!r} is not <org>/<model>", "")
        return expect.submission, expect.manifest_sha256
    claimed = _claimed(path, MAX_RECORD_BYTES)
    manifest = expect.submissions_dir / claimed / MANIFEST_NAME
    if not _is_id(claimed) or not manifest.is_file():
        raise InputError.single(
            path, "submission", f"{claimed!r} is not a submission on the base branch", "re-run it"
        )
    return claimed, load_submission(manifest).manifest_sha256


def checked_records(paths: Iterable[Path], expect: Expectation) -> list[RunRecord]:
    """Every record under paths (files or folders), each checked; all problems raised at once."""
    files = sorted(p for path in paths for p in ([path] if not path.is_dir() else path.rglob("*.json")))
    records, problems = [], []
    for path in files:
        try:
            submission, manifest_sha256 = _expected(path, expect)
            records.append(check_untrusted_record(path, submission, manifest_sha256))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise RunRecordError(problems)
    return records


def branch_name(records: list[RunRecord], now: dt.datetime | None = None) -> str:
    """kleaderboard-bot/runs-<UTC time>-<hash of the record paths>."""
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")
    digest = hashlib.sha256("\n".join(sorted(map(record_path, records))).encode()).hexdigest()[:10]
    return f"{BRANCH_PREFIX}{stamp}-{digest}"


def _body(records: list[RunRecord], note: str) -> str:
    lines = [note, ""] if note else []
    lines += ["| submission | suite | run | status |", "| --- | --- | --- | --- |"]
    for r in records:
        lines.append(f"| {r.submission} | {r.suite} v{r.suite_version} | {r.run_id} | {r.status} |")
    lines += ["", "Written by the kleaderboard pipeline after checking each record against the schema."]
    return "\n".join(lines) + "\n"


def propose_records(
    client: GitHubClient, base: str, records: list[RunRecord], title: str, note: str = "", root: Path = Path()
) -> CreatedPullRequest | None:
    """Commit the records on a new bot branch from base and open a pull request; None when empty.

    root is a checkout of base: a record already there is refused, never overwritten.
    """
    if not records:
        return None
    existing = sorted(path for path in map(record_path, records) if (root / path).exists())
    if existing:
        raise InputError(
            [
                Problem(path, "", "already exists on the base branch", "never overwrite a record")
                for path in existing
            ]
        )
    files = {record_path(r): record_text(r) for r in records}
    branch = branch_name(records)
    message = f"Add {len(records)} run record(s)\n\n" + "\n".join(sorted(files))
    client.commit_files(base, branch, files, message)
    return client.open_pull_request(branch, base, title, _body(records, note))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``kleaderboard propose-records``."""
    parser.add_argument("records", nargs="+", help="run records, or folders of downloaded artifacts")
    parser.add_argument("--repo", required=True, help="OWNER/NAME of the repository")
    parser.add_argument("--base", default="main", help="branch the pull request merges into")
    parser.add_argument("--title", default="Run records from the evaluation pipeline", help="PR title")
    parser.add_argument("--note", default="", help="first paragraph of the PR body")
    parser.add_argument("--submission", default=None, help="every record must be about this id")
    parser.add_argument("--manifest-sha256", default=None, help="…and about this manifest")
    parser.add_argument("--submissions-dir", default="submissions", help="the base branch's submissions/")
    parser.add_argument("--only-succeeded", action="store_true", help="leave failed runs out")


def run_command(args: argparse.Namespace) -> int:
    """Check the records and open the pull request; print its address."""
    expect = Expectation(args.submission, args.manifest_sha256, Path(args.submissions_dir))
    records = checked_records([Path(p) for p in args.records], expect)
    if args.only_succeeded:
        records = [r for r in records if r.status == "succeeded"]
    with GitHubClient.from_env(args.repo) as client:
        root = Path(args.submissions_dir).parent
        created = propose_records(client, args.base, records, args.title, args.note, root)
    print(f"opened {created.html_url}" if created else "no run records to propose")
    return 0


__all__ = [
    "BRANCH_PREFIX",
    "Expectation",
    "add_arguments",
    "branch_name",
    "checked_records",
    "propose_records",
    "record_path",
    "record_text",
    "run_command",
]
