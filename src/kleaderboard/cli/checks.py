"""Commands that check a submission before any evaluation: ``check-scope``, ``check-hub``, ``precheck``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kleaderboard.cli.command import Command


def parameter_count(text: str) -> int:
    """Type of --max-parameters: 1200000000000, 1_200_000_000_000 or 1.2e12."""
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        try:
            value = int(float(text))
        except (ValueError, OverflowError):
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a number of parameters (e.g. 1.2e12)"
            ) from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be a positive number of parameters")
    return value


def _scope_arguments(parser: argparse.ArgumentParser) -> None:
    from kleaderboard.checks.scope import OWNERS_NAME, SUBMISSIONS_DIR

    parser.add_argument(
        "--files",
        required=True,
        help="JSON list from GitHub's 'List pull request files', each object with 'mode' "
        "added from the git trees API at the head commit",
    )
    parser.add_argument("--author", required=True, help="GitHub login of the pull request's author")
    parser.add_argument(
        "--owners", default=f"{SUBMISSIONS_DIR}/{OWNERS_NAME}", help="owners file, from the base branch"
    )
    parser.add_argument(
        "--submissions-dir", default=SUBMISSIONS_DIR, help="the base branch's submissions/ folder"
    )


def run_scope(args: argparse.Namespace) -> int:
    """Print each problem, then the verdict; exit 1 when refused."""
    from kleaderboard.checks.scope import check_files_list, verdict

    result = check_files_list(Path(args.files), args.author, Path(args.owners), Path(args.submissions_dir))
    for problem in result.problems:
        print(problem)
    print(verdict(result, args.author))
    return 1 if result.problems else 0


def _hub_arguments(parser: argparse.ArgumentParser) -> None:
    from kleaderboard.checks.hub import DEFAULT_ENDPOINT, DEFAULT_MAX_PARAMETERS

    parser.add_argument("submission", help="submission folder or its submission.yaml")
    parser.add_argument(
        "--endpoint", default=None, help=f"Hub to ask (default: $HF_ENDPOINT, else {DEFAULT_ENDPOINT})"
    )
    parser.add_argument(
        "--max-parameters",
        type=parameter_count,
        default=DEFAULT_MAX_PARAMETERS,
        help="refuse models with more parameters than this (default: 1.2e12)",
    )


def run_hub(args: argparse.Namespace) -> int:
    """Print every problem, then every finding; exit 1 on problems."""
    from kleaderboard.checks.hub import check_manifest_file_on_hub

    report = check_manifest_file_on_hub(
        Path(args.submission), endpoint=args.endpoint, max_parameters=args.max_parameters
    )
    for problem in report.problems:
        print(problem)
    for finding in report.findings:
        print(f"note: {finding}")
    where = f"{report.repo}@{report.commit or report.revision}" if report.repo else args.submission
    verdict = "ok" if report.ok else f"{len(report.problems)} problem(s)"
    print(f"check-hub {where}: {verdict}, {len(report.findings)} note(s)", file=sys.stderr)
    return 0 if report.ok else 1


def _precheck_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--base", help="the upstream base branch (default: upstream/main, origin/main or main)"
    )
    parser.add_argument(
        "--author", help="your GitHub login (default: the first team.github account of the changed manifest)"
    )
    parser.add_argument("--no-hub", action="store_true", help="skip the Hugging Face Hub check (offline)")
    parser.add_argument("--repo", default=".", help="your clone of the leaderboard (default: here)")


def run_precheck(args: argparse.Namespace) -> int:
    """Print the comment the bot would post; exit 1 when it would refuse."""
    from kleaderboard.github.precheck import run_precheck as precheck

    result = precheck(Path(args.repo), args.base, args.author, check_hub=not args.no_hub)
    print(result.comment)
    for path in result.uncommitted:
        print(
            f"not committed, so not checked: {path} — commit it; a pull request holds commits only",
            file=sys.stderr,
        )
    hub = "Hub not checked (--no-hub)" if args.no_hub else "Hub checked"
    verdict = "ok" if result.report.ok else f"{len(result.report.problems)} problem(s)"
    print(f"precheck against {result.base}: {verdict}; {hub}", file=sys.stderr)
    return 0 if result.report.ok else 1


COMMANDS = (
    Command(
        "check-scope",
        "Check offline, from a saved file list, that a pull request changes only one submission "
        "folder its author may change.",
        "kleaderboard check-scope --files files.json --author some-login",
        _scope_arguments,
        run_scope,
        old_names=("check-pr",),
    ),
    Command(
        "precheck",
        "Run the bot's submission check in your own clone: the pull request HEAD would make against "
        "the upstream base branch (scope, manifest, loss log, lineage, Hub), printed as the bot's comment.",
        "kleaderboard precheck --base upstream/main",
        _precheck_arguments,
        run_precheck,
    ),
    Command(
        "check-hub",
        "Check a submission's Hub repo from metadata alone: weights, remote code, size, access, licence.",
        "kleaderboard check-hub submissions/acme/acme-7b --max-parameters 1.2e12",
        _hub_arguments,
        run_hub,
        old_names=("hub-check",),
    ),
)
