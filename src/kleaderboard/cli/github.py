"""Commands the GitHub workflows run: check a pull request, check and comment its scores,
plan re-runs and propose run records. Each talks to the GitHub API with ``$GITHUB_TOKEN``
(``$GITHUB_API_URL`` for another server), except ``check-run-record`` and ``rerun-plan``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kleaderboard.cli.command import Command, record_arguments

SUBMISSIONS_DIR = "submissions"


def _pull_request_arguments(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--repo", required=True, help="OWNER/NAME of the base repository")
    parser.add_argument("--pr", type=int, required=True, help="pull request number")
    parser.add_argument("--sha", required=True, help=what)


def _site_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--run-url", default=None, help="the Actions run, linked from comment and status")
    parser.add_argument("--site-url", default=None, help="the published site, for the maintainer guide")


def _check_arguments(parser: argparse.ArgumentParser) -> None:
    from kleaderboard.checks.scope import OWNERS_NAME

    _pull_request_arguments(parser, "head commit to check (40 hex); a newer head skips")
    parser.add_argument("--comment", action="store_true", help="post or update the check comment")
    parser.add_argument("--status", action="store_true", help="set the kleaderboard/check commit status")
    parser.add_argument("--no-hub", action="store_true", help="skip the Hugging Face Hub check")
    parser.add_argument("--stage-dir", default=None, help="keep the staged files here (for evaluation)")
    parser.add_argument("--github-output", default=None, help="append submission, ok, … to this file")
    parser.add_argument("--owners", default=f"{SUBMISSIONS_DIR}/{OWNERS_NAME}", help="from the base branch")
    parser.add_argument("--submissions-dir", default=SUBMISSIONS_DIR, help="the base branch's submissions/")
    _site_arguments(parser)


def run_check(args: argparse.Namespace) -> int:
    """Print each problem and the verdict; exit 1 when refused, 0 when the head moved on."""
    from kleaderboard.github.pull_check import PullCheckOptions, run_pull_check, write_outputs

    options = PullCheckOptions(
        owners=Path(args.owners),
        submissions_dir=Path(args.submissions_dir),
        comment=args.comment,
        status=args.status,
        check_hub=not args.no_hub,
        stage_dir=Path(args.stage_dir) if args.stage_dir else None,
        run_url=args.run_url,
        site_url=args.site_url,
    )
    done = run_pull_check(args.repo, args.pr, args.sha, options)
    write_outputs(args.github_output, done.outputs())
    if done.report is None:
        print(f"pull request #{args.pr} moved on to {done.head_sha}: {args.sha} is not checked")
        return 0
    for problem in done.report.problems:
        print(problem)
    print(done.report.summary)
    return 0 if done.report.ok else 1


def _scores_arguments(parser: argparse.ArgumentParser) -> None:
    _pull_request_arguments(parser, "the head commit that was evaluated (40 hex)")
    parser.add_argument("--submission", required=True, help="'<org>/<model>' the record must be about")
    parser.add_argument(
        "--record",
        default=None,
        help="the downloaded artifact: a run record, or a folder holding exactly one "
        "(absent or empty: the evaluation left no record)",
    )
    parser.add_argument("--manifest-sha256", default=None, help="sha256 the record must name")
    _site_arguments(parser)


def run_scores(args: argparse.Namespace) -> int:
    """Print the comment; exit 1 when there is no good record (the comment says why)."""
    from kleaderboard.github.comments import ScoresContext
    from kleaderboard.github.scores import post_scores

    context = ScoresContext(args.submission, args.sha, args.run_url, args.site_url)
    artifact = Path(args.record) if args.record else None
    posted = post_scores(args.repo, args.pr, context, artifact, args.manifest_sha256)
    print(posted.body)
    return 0 if posted.ok else 1


def run_record(args: argparse.Namespace) -> int:
    """Print what the record is; a refused record is an error (exit 1)."""
    from kleaderboard.github.record_intake import check_artifact

    path, record = check_artifact(Path(args.record), args.submission, args.manifest_sha256, args.max_bytes)
    scores = len(record.scores)
    print(f"{path}: ok: {record.submission}, run {record.run_id}, {record.status}, {scores} scores")
    return 0


def _rerun_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--submissions", required=True, help="'all', or ids separated by commas")
    parser.add_argument("--suite", default="ko-global-v1", help="suite name")
    parser.add_argument(
        "--force",
        choices=["true", "false"],
        default="false",
        help="true: evaluate even when a record already exists (the workflow's boolean input)",
    )
    parser.add_argument("--submissions-dir", default=SUBMISSIONS_DIR, help="the submissions/ folder")
    parser.add_argument("--github-output", default=None, help="append submissions=[…] and count=N here")


def run_rerun(args: argparse.Namespace) -> int:
    """Print the plan and write it to the Actions output file."""
    from kleaderboard.github.pull_check import write_outputs
    from kleaderboard.github.rerun_plan import plan_reruns
    from kleaderboard.suites import load_suite

    force = args.force == "true"
    plan = plan_reruns(Path(args.submissions_dir), args.submissions, load_suite(args.suite), force)
    for sid in plan.run:
        print(f"evaluate {sid}")
    for sid, reason in plan.skipped:
        print(f"skip {sid}: {reason}")
    write_outputs(args.github_output, plan.outputs())
    return 0


def _propose_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("records", nargs="+", help="run records, or folders of downloaded artifacts")
    parser.add_argument("--repo", required=True, help="OWNER/NAME of the repository")
    parser.add_argument("--base", default="main", help="branch the pull request merges into")
    parser.add_argument("--title", default="Run records from the evaluation pipeline", help="PR title")
    parser.add_argument("--note", default="", help="first paragraph of the PR body")
    parser.add_argument("--submission", default=None, help="every record must be about this id")
    parser.add_argument("--manifest-sha256", default=None, help="…and about this manifest")
    parser.add_argument("--submissions-dir", default=SUBMISSIONS_DIR, help="the base branch's submissions/")
    parser.add_argument("--only-succeeded", action="store_true", help="leave failed runs out")
    parser.add_argument(
        "--provenance",
        action="append",
        default=[],
        help="a provenance record, or a folder of them (its artifact), added to the same pull request "
        "after the provenance intake; repeat for more",
    )


def run_propose(args: argparse.Namespace) -> int:
    """Print the new pull request's address, or that there was nothing to propose."""
    from kleaderboard.github.propose_records import Expectation, Proposal, propose_checked_records

    expect = Expectation(args.submission, args.manifest_sha256, Path(args.submissions_dir))
    proposal = Proposal(args.base, args.title, args.note, args.only_succeeded)
    provenance = [Path(p) for p in args.provenance]
    created = propose_checked_records(
        args.repo, [Path(p) for p in args.records], expect, proposal, provenance
    )
    print(f"opened {created.html_url}" if created else "no run records to propose")
    return 0


COMMANDS = (
    Command(
        "check-pull-request",
        "Check a pull request through the GitHub API (scope, manifest, loss log, Hub); "
        "comment on it and set its status.",
        "kleaderboard check-pull-request --repo acme/leaderboard --pr 12 --sha <40-hex> --comment --status",
        _check_arguments,
        run_check,
        old_names=("pr-check",),
    ),
    Command(
        "comment-scores",
        "Check an evaluation's run-record artifact and comment its scores on the pull request.",
        "kleaderboard comment-scores --repo acme/leaderboard --pr 12 --sha <40-hex> "
        "--submission acme/acme-7b --record record/",
        _scores_arguments,
        run_scores,
    ),
    Command(
        "check-run-record",
        "Validate an untrusted run-record artifact before anything reads it.",
        "kleaderboard check-run-record record/ --submission acme/acme-7b --manifest-sha256 <hex>",
        record_arguments("run record", "evaluated"),
        run_record,
    ),
    Command(
        "rerun-plan",
        "List which submissions a maintainer re-run evaluates (for the workflow matrix).",
        "kleaderboard rerun-plan --submissions all --suite ko-global-v1 --force false",
        _rerun_arguments,
        run_rerun,
    ),
    Command(
        "propose-records",
        "Open a pull request from a bot branch that adds validated run records "
        "(and the evaluation's provenance records).",
        "kleaderboard propose-records records/ --provenance provenance/ --repo acme/leaderboard --base main",
        _propose_arguments,
        run_propose,
    ),
)
