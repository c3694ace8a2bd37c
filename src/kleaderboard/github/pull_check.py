"""The submission check of a pull request, from GitHub's API alone: no checkout, no PR code run.

:func:`check_pull_request` reads the pull request's changed files and their git
modes at the head commit, judges the scope with :mod:`kleaderboard.checks.scope`,
copies the submission folder's plain files into a temporary folder **as data**
(tree and blob reads; nothing is executed), validates them with
:func:`~kleaderboard.checks.validate.validate_paths` and checks the model on the
Hugging Face Hub with :mod:`kleaderboard.checks.hub`. The owners file and the list of
existing submissions come from the base branch, which the workflow checked out.

:func:`run_pull_check` is the whole step of the ``check`` and ``evaluate`` workflows
(the command ``kleaderboard check-pull-request``): it runs the check, posts the
comment (:mod:`kleaderboard.github.comments`) and sets the ``kleaderboard/check``
and ``kleaderboard/scope`` commit statuses. It fails closed: ``ok`` only when every check
ran to the end, the base is the default branch and the model is pinned on the Hub.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable, Iterator
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
    with_manifest_owners,
)
from kleaderboard.checks.validate import validate_paths
from kleaderboard.errors import HubError, InputError, ManifestError, Problem
from kleaderboard.github.check_report import NOT_A_SUBMISSION, SCOPE_CONTEXT, CheckReport
from kleaderboard.github.client import GitHubClient, PullRequest, TreeEntry
from kleaderboard.github.comments import CHECK_MARKER, render_check_comment
from kleaderboard.github.propose_records import (
    BRANCH_PREFIX,
    Expectation,
    checked_provenance,
    checked_records,
)
from kleaderboard.provenance.record import FOLDER as PROVENANCE_DIR
from kleaderboard.submission import untrusted
from kleaderboard.submission.manifest import Manifest, load_manifest, manifest_from_bytes
from kleaderboard.submission.tree import (
    ALLOWED_NAMES,
    MANIFEST_NAME,
    MAX_RECORD_BYTES,
    OWNERS_NAME,
    RUNS_DIR,
    SIZE_LIMITS,
    SLUG,
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
    submissions_dir: Path | None = None  # the base branch's submissions/, for records pull requests


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


def stageable(entry: TreeEntry) -> bool:
    """A plain file a submission folder may hold, within its size limit: what is copied as data."""
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
        if stageable(entry):
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


def _validate_staged(folder: Path, root: Path, found: _Found, submissions: Path | None = None) -> None:
    manifest_path = folder / MANIFEST_NAME
    if not manifest_path.is_file():
        return  # removed, oversized or not a plain file: the scope check says which
    # The earlier versions a lineage names are the base branch's, not staged.
    report = validate_paths([folder], submissions_root=submissions)
    found.problems += [_relative(p, root) for p in report.problems]
    try:
        data = untrusted.read_bytes(manifest_path, error=ManifestError)  # read once: parsed and hashed
        found.manifest = manifest_from_bytes(data, manifest_path)
    except InputError:
        return
    found.manifest_sha256 = hashlib.sha256(data).hexdigest()


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


def _base_problems(pr: PullRequest) -> list[Problem]:
    # Another branch (an old bot branch, say) may lack the team's folder or hold other rules.
    if pr.base_ref == pr.default_branch:
        return []
    return [
        Problem(
            f"pull request #{pr.number}",
            "base",
            f"targets branch '{pr.base_ref}', not the repository's default branch '{pr.default_branch}'",
            f"change the base branch to '{pr.default_branch}' (Edit, next to the title): "
            "submissions are checked and merged there only",
        )
    ]


def _evaluable_problems(submission: str, found: _Found) -> list[Problem]:
    """A pull request is evaluated at a fixed Hub commit: no demo folder, no 'pending'."""
    spec = found.manifest.model if found.manifest else None
    label = str(Path(SUBMISSIONS_DIR, submission, MANIFEST_NAME))
    if spec is None:
        return []
    if spec.local_path is not None:
        return [
            Problem(
                label,
                "model.local_path",
                "is for the local demo only: a pull request's model must be on the Hugging Face Hub",
                "replace local_path with hub_repo: <owner>/<name> and revision: <the 40-hex commit>",
            )
        ]
    if spec.pending:
        commit = found.hub.commit if found.hub and found.hub.commit else "<the 40-hex commit>"
        return [
            Problem(
                label,
                "model.revision",
                "is 'pending': a pull request is evaluated at a fixed commit of the weights",
                f"set revision: {commit} (the commit to evaluate; 'pending' is for local validate only)",
            )
        ]
    return []


def _claim_problems(submission: str, author: str, found: _Found) -> list[Problem]:
    """A new folder's manifest names its owners: the merge is what records them."""
    if found.manifest is None or author.lower() in {login.lower() for login in found.manifest.team.github}:
        return []
    listed = ", ".join(found.manifest.team.github) or "no one"
    return [
        Problem(
            str(Path(SUBMISSIONS_DIR, submission, MANIFEST_NAME)),
            "team.github",
            f"lists {listed}, not this pull request's author {author}",
            f"add your account, e.g. github: [{author}] under team: it records who may change this "
            "folder in later pull requests (such as setting the commit after revision: pending)",
        )
    ]


def _unchecked_problems(submission: str, found: _Found) -> list[Problem]:
    # Fail closed: a folder whose manifest is gone (removed in the pull request) checked nothing.
    if found.manifest is not None or found.problems:
        return []
    return [
        Problem(
            str(Path(SUBMISSIONS_DIR, submission, MANIFEST_NAME)),
            "",
            "is missing at the head commit, so nothing in the folder could be checked",
            "keep submission.yaml in the folder; to withdraw a submission, ask the maintainers",
        )
    ]


def check_pull_request(
    client: GitHubClient, pr: PullRequest, inputs: CheckInputs, workdir: Path
) -> CheckReport:
    """Scope, manifest, loss-log and Hub checks of pr at its head commit; files staged under workdir."""
    changes = changed_files(client, pr.number, pr.head_sha)
    base: dict[str, Any] = {"number": pr.number, "sha": pr.head_sha, "author": pr.author}
    if _is_records_pull(pr, changes, inputs, client.repo):
        return check_records_pull(client, pr, changes, inputs, workdir)
    if not _touches_submissions(changes):
        return CheckReport(**base, touches_submissions=False, problems=tuple(_base_problems(pr)))

    def stage(submission: str) -> Path:
        return stage_submission(client, pr.head_sha, submission, workdir)

    return check_submission_changes(changes, inputs, Staging(stage, workdir), base, _base_problems(pr))


@dataclass(frozen=True)
class Staging:
    """How the head commit's submission folder is copied as data, and where: the API for the bot,
    git for the local pre-check (:mod:`kleaderboard.github.precheck`)."""

    stage: Callable[[str], Path]  # submission id -> the staged folder
    workdir: Path


def check_submission_changes(
    changes: list[ChangedFile],
    inputs: CheckInputs,
    staging: Staging,
    base: dict[str, Any],
    first_problems: list[Problem] | None = None,
) -> CheckReport:
    """Scope, manifest, loss-log and Hub checks of a submission pull request's changed files.

    ``base`` holds the report's number, sha and author; the one check both the bot and the
    local pre-check run.
    """
    author = str(base["author"])
    scope = check_pr(changes, author, inputs.owners, set(inputs.existing))
    found = _Found(problems=list(first_problems or []) + list(scope.problems))
    staged = None
    if scope.submission is not None:
        staged = staging.stage(scope.submission)
        _validate_staged(staged, staging.workdir, found, inputs.submissions_dir)
        _check_hub(scope.submission, inputs, found)
        found.problems += _evaluable_problems(scope.submission, found) + _unchecked_problems(
            scope.submission, found
        )
        if scope.is_new:
            found.problems += _claim_problems(scope.submission, author, found)
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


# --- records pull requests: the bot's, adding run and provenance records only ------------------


def _record_file(path: str, folders: tuple[str, ...] = (RUNS_DIR, PROVENANCE_DIR)) -> bool:
    parts = path.split("/")
    return (
        len(parts) == 5
        and parts[0] == SUBMISSIONS_DIR
        and parts[3] in folders
        and parts[4].endswith(".json")
        and all(SLUG.fullmatch(part) for part in parts[1:3])
    )


def _is_records_pull(pr: PullRequest, changes: list[ChangedFile], inputs: CheckInputs, repo: str) -> bool:
    """The bot's pull request from a kleaderboard-bot/ branch of this repository, touching only
    runs/ and provenance/.

    Only bots listed in OWNERS.yaml qualify, and a ruleset lets nobody else push to those
    branches (site_src/maintainers.md); everything else goes through the submission check,
    which refuses runs/.
    """
    return (
        pr.author.lower() in inputs.owners.bots
        and pr.head_repo == repo
        and pr.head_ref.startswith(BRANCH_PREFIX)
        and bool(changes)
        and all(_record_file(change.path) for change in changes)
    )


def check_records_pull(
    client: GitHubClient, pr: PullRequest, changes: list[ChangedFile], inputs: CheckInputs, workdir: Path
) -> CheckReport:
    """Each added record, read as data at the head commit, checked against the base branch's manifest."""
    problems = _base_problems(pr) + [
        Problem(change.path, "status", f"is {change.status}", "a records pull request only adds new records")
        for change in changes
        if change.status != "added" or change.mode not in (None, REGULAR_FILE)
    ]
    staged = [_stage_file(client, pr.head_sha, change.path, workdir) for change in changes]
    expect = Expectation(submissions_dir=inputs.submissions_dir or Path(SUBMISSIONS_DIR))
    runs = [p for c, p in zip(changes, staged, strict=True) if p and _record_file(c.path, (RUNS_DIR,))]
    provenance = [p for p in staged if p is not None and p not in runs]
    for check, paths in ((checked_records, runs), (checked_provenance, provenance)):
        try:
            check(paths, expect)
        except InputError as exc:
            problems += [_relative(problem, workdir) for problem in exc.problems]
    problems += [
        Problem(change.path, "", "is not a plain file at the head commit", "re-run the rerun workflow")
        for change, path in zip(changes, staged, strict=True)
        if path is None
    ]
    return CheckReport(
        number=pr.number,
        sha=pr.head_sha,
        author=pr.author,
        touches_submissions=True,
        problems=tuple(dict.fromkeys(problems)),
        records=tuple(change.path for change in changes),
    )


def _stage_file(client: GitHubClient, sha: str, path: str, workdir: Path) -> Path | None:
    folder = path.rpartition("/")[0]
    entry = next((e for e in client.tree(sha, folder) if e.path == path), None)
    if entry is None or entry.mode != REGULAR_FILE or entry.type != "blob":
        return None
    target = workdir / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(client.blob(entry.sha, MAX_RECORD_BYTES))
    return target


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


# --- the whole step of the check workflow -------------------------------------------------


@dataclass(frozen=True)
class PullCheckOptions:
    """Where the check reads the base branch, how far it goes and where it reports."""

    owners: Path = Path(SUBMISSIONS_DIR, OWNERS_NAME)
    submissions_dir: Path = Path(SUBMISSIONS_DIR)
    comment: bool = False
    status: bool = False
    check_hub: bool = True
    stage_dir: Path | None = None
    run_url: str | None = None
    site_url: str | None = None


@dataclass(frozen=True)
class PullCheckRun:
    """The outcome of :func:`run_pull_check`: a report, or None when the head moved on."""

    head_sha: str
    report: CheckReport | None

    def outputs(self) -> dict[str, str]:
        """The values the workflow reads from the Actions output file."""
        report = self.report
        if report is None:
            return {"ok": "false", "submission": "", "manifest_sha256": "", "staged": ""}
        return {
            "ok": "true" if report.ok and report.submission and report.manifest else "false",
            "submission": report.submission or "",
            "manifest_sha256": report.manifest_sha256 or "",
            "staged": str(report.staged or ""),
        }


@contextmanager
def _workdir(stage_dir: Path | None) -> Iterator[Path]:
    if stage_dir:
        path = stage_dir.resolve()
        path.mkdir(parents=True, exist_ok=True)
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="kleaderboard-pr-") as tmp:
        yield Path(tmp).resolve()


def write_outputs(path: str | Path | None, values: dict[str, str]) -> None:
    """Append key=value lines to a GitHub Actions output file (values are single-line by construction)."""
    if not path:
        return
    lines = [f"{key}={value}" for key, value in values.items() if "\n" not in key + value]
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("".join(f"{line}\n" for line in lines))


def _publish(client: GitHubClient, report: CheckReport, options: PullCheckOptions) -> None:
    if options.comment and report.touches_submissions and not report.records:
        body = render_check_comment(report, options.run_url, options.site_url)
        client.upsert_comment(report.number, CHECK_MARKER, body)
    if options.status:
        client.create_status(report.sha, report.state, CHECK_CONTEXT, report.summary, options.run_url)
        client.create_status(
            report.sha, report.scope_state, SCOPE_CONTEXT, _scope_summary(report), options.run_url
        )


def _scope_summary(report: CheckReport) -> str:
    if report.touches_submissions or report.problems:
        return f"{report.summary} (see {CHECK_CONTEXT})"
    return "code or docs pull request: not a submission; ci and a maintainer's review judge it"


def run_pull_check(repo: str, number: int, sha: str, options: PullCheckOptions) -> PullCheckRun:
    """Check pull request ``number`` of ``repo`` at head ``sha``; comment and set statuses as asked.

    A head that moved on past ``sha`` is not checked (a newer run checks it): the
    result's report is None then.
    """
    inputs = CheckInputs(
        owners=with_manifest_owners(load_owners(options.owners), options.submissions_dir),
        existing=existing_submissions(options.submissions_dir),
        check_hub=options.check_hub,
        submissions_dir=options.submissions_dir,
    )
    with GitHubClient.from_env(repo) as client, _workdir(options.stage_dir) as workdir:
        pr = client.pull_request(number)
        if pr.head_sha != sha:
            return PullCheckRun(pr.head_sha, None)
        if options.status:
            client.create_status(pr.head_sha, "pending", CHECK_CONTEXT, "checking", options.run_url)
        report = check_pull_request(client, pr, inputs, workdir)
        _publish(client, report, options)
    return PullCheckRun(pr.head_sha, report)


__all__ = [
    "CHECK_CONTEXT",
    "NOT_A_SUBMISSION",
    "SCOPE_CONTEXT",
    "CheckInputs",
    "CheckReport",
    "PullCheckOptions",
    "PullCheckRun",
    "Staging",
    "changed_files",
    "check_pull_request",
    "check_submission_changes",
    "existing_submissions",
    "run_pull_check",
    "stage_submission",
    "stageable",
    "staged_manifest",
    "write_outputs",
]
