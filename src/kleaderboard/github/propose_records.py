"""Proposing run records to the repository: one commit on a bot branch, one pull request.

Run records never reach the default branch directly. After an evaluation, the
checked records (:mod:`kleaderboard.github.record_intake`) are written, re-serialised from
the validated model (never the artifact's bytes), as
``submissions/<org>/<model>/runs/<run-id>.json`` in a single commit on a new
branch ``kleaderboard-bot/runs-…``, and a pull request from it asks a maintainer
to merge. The provenance record of the same evaluation
(:mod:`kleaderboard.github.provenance_intake`) travels in the same commit as
``submissions/<org>/<model>/provenance/<record-id>.json``. Records are only added: an
existing file is never overwritten.

:func:`propose_checked_records` does it in the ``evaluate`` and ``rerun`` workflows
(the command ``kleaderboard propose-records``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from kleaderboard.errors import InputError, Problem, ProvenanceError, RunRecordError
from kleaderboard.github.client import CreatedPullRequest, GitHubClient
from kleaderboard.github.comments import inert
from kleaderboard.github.provenance_intake import check_untrusted_provenance
from kleaderboard.github.record_intake import MAX_RECORD_BYTES, check_untrusted_record
from kleaderboard.provenance.record import ProvenanceRecord, provenance_path, provenance_text
from kleaderboard.records import RunRecord
from kleaderboard.submission import untrusted
from kleaderboard.submission.manifest import Manifest
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


def _expected(path: Path, expect: Expectation) -> tuple[str, str | None, Manifest | None]:
    """The submission a record must be about, its manifest's sha256, and the manifest when at hand."""
    if expect.submission is not None:
        if not _is_id(expect.submission):
            raise InputError.single("--submission", "", f"{expect.submission!r} is not <org>/<model>", "")
        return expect.submission, expect.manifest_sha256, _base_manifest(expect)
    claimed = _claimed(path, MAX_RECORD_BYTES)
    manifest = expect.submissions_dir / claimed / MANIFEST_NAME
    if not _is_id(claimed) or not manifest.is_file():
        raise InputError.single(
            path, "submission", f"{claimed!r} is not a submission on the base branch", "re-run it"
        )
    sub = load_submission(manifest)
    return claimed, sub.manifest_sha256, sub.manifest


def _base_manifest(expect: Expectation) -> Manifest | None:
    # A pull request's new or changed manifest is not on the base branch yet: use the base's only
    # when it is the manifest that was evaluated.
    path = expect.submissions_dir / str(expect.submission) / MANIFEST_NAME
    if not path.is_file():
        return None
    sub = load_submission(path)
    same = expect.manifest_sha256 is None or sub.manifest_sha256 == expect.manifest_sha256
    return sub.manifest if same else None


def _json_files(paths: Iterable[Path]) -> list[Path]:
    return sorted(p for path in paths for p in ([path] if not path.is_dir() else path.rglob("*.json")))


T = TypeVar("T")


def _checked(
    paths: Iterable[Path],
    expect: Expectation,
    check: Callable[..., T],
    error: Callable[[list[Problem]], InputError],
) -> list[T]:
    """Every JSON file under paths through one intake check; every problem raised at once."""
    records: list[T] = []
    problems: list[Problem] = []
    for path in _json_files(paths):
        try:
            submission, manifest_sha256, manifest = _expected(path, expect)
            records.append(check(path, submission, manifest_sha256, manifest=manifest))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise error(problems)
    return records


def checked_records(paths: Iterable[Path], expect: Expectation) -> list[RunRecord]:
    """Every record under paths (files or folders), each checked; all problems raised at once."""
    return _checked(paths, expect, check_untrusted_record, RunRecordError)


def checked_provenance(paths: Iterable[Path], expect: Expectation) -> list[ProvenanceRecord]:
    """Every provenance record under paths, each through the provenance intake; all problems at once."""
    return _checked(paths, expect, check_untrusted_provenance, ProvenanceError)


def branch_name(records: list[RunRecord], now: dt.datetime | None = None, also: Iterable[str] = ()) -> str:
    """kleaderboard-bot/runs-<UTC time>-<hash of the record paths (and the other paths added)>."""
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")
    paths = sorted([*map(record_path, records), *also])
    digest = hashlib.sha256("\n".join(paths).encode()).hexdigest()[:10]
    return f"{BRANCH_PREFIX}{stamp}-{digest}"


def _body(records: list[RunRecord], note: str, provenance: Sequence[ProvenanceRecord] = ()) -> str:
    # Every string from a record came out of an untrusted run: rendered inert, never as Markdown.
    lines = [note, ""] if note else []
    if records:
        lines += ["| submission | suite | run | status |", "| --- | --- | --- | --- |"]
    for r in records:
        cells = (
            inert(r.submission),
            f"{inert(r.suite)} v{r.suite_version}",
            inert(r.run_id),
            inert(r.status),
        )
        lines.append(f"| {' | '.join(cells)} |")
    if provenance:
        lines += [""] if records else []
        lines += ["| submission | provenance record | flagged scores |", "| --- | --- | --- |"]
    for p in provenance:
        flagged = sum(len(result.flagged) for result in p.weights)
        lines.append(f"| {inert(p.submission)} | {inert(p.record_id)} | {flagged} |")
    lines += ["", "Written by the kleaderboard pipeline after checking each record against the schema."]
    return "\n".join(lines) + "\n"


def _refuse_existing(paths: Iterable[str], root: Path) -> None:
    existing = sorted(path for path in paths if (root / path).exists())
    if existing:
        raise InputError(
            [
                Problem(path, "", "already exists on the base branch", "never overwrite a record")
                for path in existing
            ]
        )


def propose_records(
    client: GitHubClient,
    base: str,
    records: Sequence[RunRecord | ProvenanceRecord],
    title: str,
    note: str = "",
    root: Path = Path(),
) -> CreatedPullRequest | None:
    """Commit the records on a new bot branch from base and open a pull request; None when empty.

    records: run records, and the provenance records of the same evaluations, in one commit.
    root is a checkout of base: a record already there is refused, never overwritten.
    """
    if not records:
        return None
    runs = [r for r in records if isinstance(r, RunRecord)]
    provenance = [r for r in records if isinstance(r, ProvenanceRecord)]
    files = {record_path(r): record_text(r) for r in runs}
    files |= {provenance_path(p): provenance_text(p) for p in provenance}
    _refuse_existing(files, root)
    branch = branch_name(runs, also=map(provenance_path, provenance))
    counts = f"{len(runs)} run record(s)" + (
        f", {len(provenance)} provenance record(s)" if provenance else ""
    )
    message = f"Add {counts}\n\n" + "\n".join(sorted(files))
    client.commit_files(base, branch, files, message)
    return client.open_pull_request(branch, base, title, _body(runs, note, provenance))


@dataclass(frozen=True)
class Proposal:
    """The pull request to open: into which branch, with which title and first paragraph."""

    base: str = "main"
    title: str = "Run records from the evaluation pipeline"
    note: str = ""
    only_succeeded: bool = False


def propose_checked_records(
    repo: str,
    paths: Iterable[Path],
    expect: Expectation,
    proposal: Proposal,
    provenance_paths: Iterable[Path] = (),
) -> CreatedPullRequest | None:
    """Check the records at paths (and the provenance records at provenance_paths) and open the
    pull request; None when there is nothing to propose."""
    records = checked_records(paths, expect)
    provenance = checked_provenance(provenance_paths, expect)
    if proposal.only_succeeded:
        records = [r for r in records if r.status == "succeeded"]
    with GitHubClient.from_env(repo) as client:
        root = expect.submissions_dir.parent
        return propose_records(
            client, proposal.base, [*records, *provenance], proposal.title, proposal.note, root
        )


__all__ = [
    "BRANCH_PREFIX",
    "Expectation",
    "Proposal",
    "branch_name",
    "checked_provenance",
    "checked_records",
    "propose_checked_records",
    "propose_records",
    "record_path",
    "record_text",
]
