"""The submission check of a pull request, from GitHub's API alone: no checkout, no PR code run.

:func:`check_pull_request` reads the pull request's changed files and their git
modes at the head commit, judges the scope with :mod:`kleaderboard.checks.scope`,
copies the submission folder's plain files into a temporary folder **as data**
(tree and blob reads; nothing is executed), validates them with
:func:`~kleaderboard.checks.validate.validate_paths` and checks the model on the
Hugging Face Hub with :mod:`kleaderboard.checks.hub`. The owners file and the list of
existing submissions come from the base branch, which the workflow checked out.

The command ``kleaderboard pr-check`` (:func:`add_arguments`, :func:`run_command`)
runs it in the ``check`` and ``evaluate`` workflows, posts the comment
(:mod:`kleaderboard.github.comments`) and sets the ``kleaderboard/check`` commit status.
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kleaderboard.checks.hub import HubReport, check_submission_on_hub
from kleaderboard.checks.scope import (
    REGULAR_FILE,
    ChangedFile,
    Owners,
    check_pr,
    load_owners,
    parse_changed_files,
)
from kleaderboard.checks.validate import validate_paths
from kleaderboard.errors import HubError, InputError, Problem
from kleaderboard.github.client import GitHubClient, PullRequest, TreeEntry
from kleaderboard.submission import untrusted
from kleaderboard.submission.manifest import Manifest, load_manifest
from kleaderboard.submission.tree import (
    ALLOWED_NAMES,
    MANIFEST_NAME,
    OWNERS_NAME,
    SIZE_LIMITS,
    SUBMISSIONS_DIR,
)

CHECK_CONTEXT = "kleaderboard/check"
SUBMISSIONS_PREFIX = f"{SUBMISSIONS_DIR}/"


@dataclass(frozen=True)
class CheckInputs:
    """What the check takes from the trusted base branch, and how far it goes."""

    owners: Owners
    existing: frozenset[str]
    check_hub: bool = True
    hub_endpoint: str | None = None


@dataclass(frozen=True)
class CheckReport:
    """Everything the check found about one pull request at one head commit."""

    number: int
    sha: str
    author: str
    touches_submissions: bool
    submission: str | None = None
    is_new: bool = False
    problems: tuple[Problem, ...] = ()
    manifest: Manifest | None = None
    manifest_sha256: str | None = None
    hub: HubReport | None = None
    hub_error: str | None = None
    staged: Path | None = field(default=None, compare=False)

    @property
    def ok(self) -> bool:
        """True when nothing refuses the pull request (a Hub outage refuses nothing yet)."""
        return not self.problems

    @property
    def state(self) -> str:
        """The commit status: failure for problems, error when the Hub could not be asked."""
        if self.problems:
            return "failure"
        return "error" if self.hub_error else "success"

    @property
    def summary(self) -> str:
        """One line for the commit status and the log."""
        if not self.touches_submissions:
            return "no submission files changed: nothing to check"
        if self.problems:
            return f"{len(self.problems)} problem(s) in {self.submission or 'the pull request'}"
        if self.hub_error:
            return f"{self.submission}: the Hugging Face Hub could not be checked"
        return f"{self.submission}: ok"


# --- reading the pull request as data ---------------------------------------------------------


def changed_files(client: GitHubClient, number: int, sha: str) -> list[ChangedFile]:
    """The pull request's changed files, each with its git mode and size at the head commit."""
    raw = client.pull_request_files(number)
    present = [str(item.get("filename")) for item in raw if item.get("status") != "removed"]
    entries = client.modes(sha, present)
    enriched: list[dict[str, Any]] = []
    for item in raw:
        entry = entries.get(str(item.get("filename")))
        extra = {"mode": entry.mode, "size": entry.size} if entry is not None else {}
        enriched.append({**item, **extra})
    return parse_changed_files(enriched, f"pull request #{number}")


def _stageable(entry: TreeEntry) -> bool:
    name = entry.path.rsplit("/", 1)[-1]
    limit = SIZE_LIMITS.get(name, 0)
    return (
        entry.type == "blob"
        and entry.mode == REGULAR_FILE
        and name in ALLOWED_NAMES
        and entry.size is not None
        and entry.size <= limit
    )


def stage_submission(client: GitHubClient, sha: str, submission: str, dest: Path) -> Path:
    """Copy the submission folder's plain files at commit sha into dest/submissions/<org>/<model>/.

    Only regular files with the names a submission may hold, within their size
    limits, are copied; anything else is left for the scope check to report.
    """
    folder = dest / SUBMISSIONS_DIR / submission
    folder.mkdir(parents=True, exist_ok=True)
    for entry in client.tree(sha, f"{SUBMISSIONS_DIR}/{submission}"):
        if _stageable(entry):
            name = entry.path.rsplit("/", 1)[-1]
            (folder / name).write_bytes(client.blob(entry.sha, SIZE_LIMITS[name]))
    return folder


def staged_manifest(client: GitHubClient, sha: str, submission: str) -> Manifest | None:
    """The submission's manifest at commit sha, or None when it is absent or does not load."""
    with tempfile.TemporaryDirectory(prefix="kleaderboard-manifest-") as tmp:
        path = stage_submission(client, sha, submission, Path(tmp)) / MANIFEST_NAME
        try:
            return load_manifest(path) if path.is_file() else None
        except InputError:
            return None


# --- the check --------------------------------------------------------------------------------


def _relative(problem: Problem, root: Path) -> Problem:
    prefix = f"{root}/"
    if problem.file.startswith(prefix):
        return Problem(problem.file[len(prefix) :], problem.field, problem.message, problem.fix)
    return problem


def _touches_submissions(changes: list[ChangedFile]) -> bool:
    paths = [c.path for c in changes] + [c.previous_path or "" for c in changes]
    return any(p.casefold().startswith(SUBMISSIONS_PREFIX) for p in paths)


@dataclass
class _Found:
    problems: list[Problem] = field(default_factory=list)
    manifest: Manifest | None = None
    manifest_sha256: str | None = None
    hub: HubReport | None = None
    hub_error: str | None = None


def _validate_staged(folder: Path, root: Path, found: _Found) -> None:
    manifest_path = folder / MANIFEST_NAME
    if not manifest_path.is_file():
        return  # removed, oversized or not a plain file: the scope check says which
    report = validate_paths([folder])
    found.problems += [_relative(p, root) for p in report.problems]
    try:
        found.manifest = load_manifest(manifest_path)
    except InputError:
        return
    found.manifest_sha256 = hashlib.sha256(untrusted.read_bytes(manifest_path)).hexdigest()


def _check_hub(submission: str, inputs: CheckInputs, found: _Found) -> None:
    if found.manifest is None or not inputs.check_hub:
        return
    label = Path(SUBMISSIONS_DIR, submission, MANIFEST_NAME)
    try:
        found.hub = check_submission_on_hub(found.manifest, label, endpoint=inputs.hub_endpoint)
    except HubError as exc:
        found.hub_error = str(exc)
        return
    found.problems += found.hub.problems


def check_pull_request(
    client: GitHubClient, pr: PullRequest, inputs: CheckInputs, workdir: Path
) -> CheckReport:
    """Scope, manifest, loss-log and Hub checks of pr at its head commit; files staged under workdir."""
    changes = changed_files(client, pr.number, pr.head_sha)
    base = {"number": pr.number, "sha": pr.head_sha, "author": pr.author}
    if not _touches_submissions(changes):
        return CheckReport(**base, touches_submissions=False)
    scope = check_pr(changes, pr.author, inputs.owners, set(inputs.existing))
    found = _Found(problems=list(scope.problems))
    staged = None
    if scope.submission is not None:
        staged = stage_submission(client, pr.head_sha, scope.submission, workdir)
        _validate_staged(staged, workdir, found)
        _check_hub(scope.submission, inputs, found)
    return CheckReport(
        **base,
        touches_submissions=True,
        submission=scope.submission,
        is_new=scope.is_new,
        problems=tuple(dict.fromkeys(found.problems)),
        manifest=found.manifest,
        manifest_sha256=found.manifest_sha256,
        hub=found.hub,
        hub_error=found.hub_error,
        staged=staged,
    )


def existing_submissions(root: Path) -> frozenset[str]:
    """'<org>/<model>' of every folder two levels under the base branch's submissions/."""
    if not root.is_dir():
        raise InputError.single(
            root,
            "",
            "is not a folder",
            "run from a checkout of the base branch (or pass --submissions-dir)",
        )
    return frozenset(
        f"{org.name}/{model.name}"
        for org in root.iterdir()
        if org.is_dir()
        for model in org.iterdir()
        if model.is_dir()
    )


# --- the command ------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``kleaderboard pr-check``."""
    parser.add_argument("--repo", required=True, help="OWNER/NAME of the base repository")
    parser.add_argument("--pr", type=int, required=True, help="pull request number")
    parser.add_argument("--sha", required=True, help="head commit to check (40 hex); a newer head skips")
    parser.add_argument("--comment", action="store_true", help="post or update the check comment")
    parser.add_argument("--status", action="store_true", help="set the kleaderboard/check commit status")
    parser.add_argument("--no-hub", action="store_true", help="skip the Hugging Face Hub check")
    parser.add_argument("--stage-dir", default=None, help="keep the staged files here (for evaluation)")
    parser.add_argument("--github-output", default=None, help="append submission, ok, … to this file")
    parser.add_argument("--owners", default=f"{SUBMISSIONS_DIR}/{OWNERS_NAME}", help="from the base branch")
    parser.add_argument("--submissions-dir", default=SUBMISSIONS_DIR, help="the base branch's submissions/")
    parser.add_argument("--run-url", default=None, help="the Actions run, linked from comment and status")
    parser.add_argument("--site-url", default=None, help="the published site, for the maintainer guide")


@contextmanager
def _workdir(stage_dir: str | None) -> Iterator[Path]:
    if stage_dir:
        path = Path(stage_dir).resolve()
        path.mkdir(parents=True, exist_ok=True)
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="kleaderboard-pr-") as tmp:
        yield Path(tmp).resolve()


def write_outputs(path: str | None, values: dict[str, str]) -> None:
    """Append key=value lines to a GitHub Actions output file (values are single-line by construction)."""
    if not path:
        return
    lines = [f"{key}={value}" for key, value in values.items() if "\n" not in key + value]
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("".join(f"{line}\n" for line in lines))


def _outputs(report: CheckReport | None) -> dict[str, str]:
    if report is None:
        return {"ok": "false", "submission": "", "manifest_sha256": "", "staged": ""}
    return {
        "ok": "true" if report.ok and report.submission and report.manifest else "false",
        "submission": report.submission or "",
        "manifest_sha256": report.manifest_sha256 or "",
        "staged": str(report.staged or ""),
    }


def _publish(client: GitHubClient, report: CheckReport, args: argparse.Namespace) -> None:
    from kleaderboard.github.comments import CHECK_MARKER, render_check_comment

    if args.comment and report.touches_submissions:
        body = render_check_comment(report, args.run_url, args.site_url)
        client.upsert_comment(report.number, CHECK_MARKER, body)
    if args.status:
        client.create_status(report.sha, report.state, CHECK_CONTEXT, report.summary, args.run_url)


def _current(client: GitHubClient, args: argparse.Namespace) -> PullRequest | None:
    pr = client.pull_request(args.pr)
    if pr.head_sha != args.sha:
        print(f"pull request #{args.pr} moved on to {pr.head_sha}: {args.sha} is not checked")
        return None
    return pr


def run_command(args: argparse.Namespace) -> int:
    """Check a pull request; print each problem and the verdict; 1 when refused."""
    owners = load_owners(Path(args.owners))
    inputs = CheckInputs(
        owners=owners,
        existing=existing_submissions(Path(args.submissions_dir)),
        check_hub=not args.no_hub,
    )
    with GitHubClient.from_env(args.repo) as client, _workdir(args.stage_dir) as workdir:
        pr = _current(client, args)
        if pr is None:
            write_outputs(args.github_output, _outputs(None))
            return 0
        if args.status:
            client.create_status(pr.head_sha, "pending", CHECK_CONTEXT, "checking", args.run_url)
        report = check_pull_request(client, pr, inputs, workdir)
        _publish(client, report, args)
        write_outputs(args.github_output, _outputs(report))
    for problem in report.problems:
        print(problem)
    print(report.summary)
    return 0 if report.ok else 1


__all__ = [
    "CHECK_CONTEXT",
    "CheckInputs",
    "CheckReport",
    "add_arguments",
    "changed_files",
    "check_pull_request",
    "existing_submissions",
    "run_command",
    "stage_submission",
    "staged_manifest",
    "write_outputs",
]
