"""The ``kleaderboard`` command: parse arguments, call one library function, print.

Errors we raise on purpose are printed as one line per problem and mapped to an
exit code in :func:`main`; nothing here holds logic of its own.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType

from kleaderboard.errors import InputError, KleaderboardError

COMMANDS: dict[str, tuple[str, str]] = {
    "new": (
        "Start a submission folder: a commented submission.yaml that validates as written.",
        "kleaderboard new acme/acme-7b --hub-repo acme/Acme-7B --revision pending "
        "--team Acme --contact evals@acme.example --params-total 7B --from-zero",
    ),
    "validate": (
        "Check submission manifests, loss logs and run records; print every problem.",
        "kleaderboard validate submissions/acme/acme-7b",
    ),
    "evaluate": (
        "Evaluate one submission with lm-eval and write runs/<run-id>.json.",
        "kleaderboard evaluate submissions/acme/acme-7b --suite ko-global-v1",
    ),
    "demo": (
        "Train tiny models from zero on CPU, evaluate them and build the demo site (offline).",
        "kleaderboard demo --workspace ./kleaderboard-demo",
    ),
    "build": (
        "Build the static site with mkdocs (strict).",
        "kleaderboard build --config mkdocs.yml --site-dir site",
    ),
    "check-pr": (
        "Check that a pull request changes only one submission folder its author may change.",
        "kleaderboard check-pr --files files.json --author some-login",
    ),
    "hub-check": (
        "Check a submission's Hub repo from metadata alone: weights, remote code, size, access, licence.",
        "kleaderboard hub-check submissions/acme/acme-7b --max-parameters 1.2e12",
    ),
    "schema": (
        "Print the JSON Schema of submission.yaml or of a run record.",
        "kleaderboard schema submission > schema/submission.schema.json",
    ),
}


# Commands whose module holds both halves: add_arguments(parser) and run_command(args).
DELEGATED: dict[str, str] = {
    "new": "submission.scaffold",
    "check-pr": "checks.scope",
    "hub-check": "checks.hub",
    "pr-check": "github.pull_check",
    "comment-scores": "github.comments",
    "check-run-record": "github.record_intake",
    "rerun-plan": "github.rerun_plan",
    "propose-records": "github.propose_records",
}
COMMANDS.update(
    {
        "pr-check": (
            "Check a pull request through the GitHub API: scope, manifest, loss log, Hub; comment it.",
            "kleaderboard pr-check --repo acme/leaderboard --pr 12 --sha <40-hex> --comment --status",
        ),
        "comment-scores": (
            "Comment a validated run record's scores on the pull request.",
            "kleaderboard comment-scores --repo acme/leaderboard --pr 12 --sha <40-hex> "
            "--submission acme/acme-7b --record record/",
        ),
        "check-run-record": (
            "Validate an untrusted run-record artifact before anything reads it.",
            "kleaderboard check-run-record record/ --submission acme/acme-7b --manifest-sha256 <hex>",
        ),
        "rerun-plan": (
            "List which submissions a maintainer re-run evaluates (for the workflow matrix).",
            "kleaderboard rerun-plan --submissions all --suite ko-global-v1 --force false",
        ),
        "propose-records": (
            "Open a pull request from a bot branch that adds validated run records.",
            "kleaderboard propose-records records/ --repo acme/leaderboard --base main",
        ),
    }
)


def _delegate(name: str) -> ModuleType:  # a module with add_arguments / run_command
    import importlib

    return importlib.import_module(f"kleaderboard.{DELEGATED[name]}")


def cmd_validate(args: argparse.Namespace) -> int:
    from kleaderboard.checks.validate import validate_paths

    report = validate_paths([Path(p) for p in args.paths])
    for problem in report.problems:
        print(problem)
    for note in report.notes:
        print(f"note: {note}")
    verdict = "ok" if report.ok else f"{len(report.problems)} problem(s)"
    print(f"checked {report.checked} submission(s): {verdict}", file=sys.stderr)
    return 0 if report.ok else 1


def cmd_evaluate(args: argparse.Namespace) -> int:
    from kleaderboard.evaluation import require_eval_extra
    from kleaderboard.submission.tree import MANIFEST_NAME, load_submission
    from kleaderboard.suites import load_suite

    require_eval_extra()
    from kleaderboard.evaluation.runner import RunOptions, evaluate_submission

    path = Path(args.submission)
    sub = load_submission(path / MANIFEST_NAME if path.is_dir() else path)
    options = RunOptions(
        device=args.device,
        batch_size=args.batch_size,
        data_dir=Path(args.data_dir) if args.data_dir else None,
        cache_dir=Path(args.cache_dir) if args.cache_dir else None,
        limit=args.limit,
        force=args.force,
        timeout_s=args.timeout,
        measure_cost=not args.no_cost,
        mode=args.mode,
        backend=args.backend,
        tensor_parallel=args.tensor_parallel,
        pipeline_parallel=args.pipeline_parallel,
        data_parallel=args.data_parallel,
        base_url=args.base_url,
    )
    record = evaluate_submission(sub, load_suite(args.suite), options)
    return 0 if record.status == "succeeded" else 3


def cmd_demo(args: argparse.Namespace) -> int:
    from kleaderboard.demo.workspace import run_demo

    run_demo(Path(args.workspace))
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from kleaderboard.site.build import build_site

    site = build_site(Path(args.config), Path(args.site_dir) if args.site_dir else None)
    print(f"built {site}")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    if args.which == "submission":
        from kleaderboard.submission.manifest import manifest_json_schema

        schema = manifest_json_schema()
    else:
        from kleaderboard.records import run_record_json_schema

        schema = run_record_json_schema()
    print(json.dumps(schema, indent=2, ensure_ascii=False))
    return 0


def _add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    if name in DELEGATED:
        _delegate(name).add_arguments(parser)
    elif name == "validate":
        parser.add_argument("paths", nargs="*", default=["submissions"], help="files or folders")
    elif name == "evaluate":
        parser.add_argument("submission", help="submission folder or its submission.yaml")
        parser.add_argument("--suite", default="ko-global-v1", help="suite name")
        parser.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:0 …")
        parser.add_argument("--batch-size", type=int, default=None, help="override the suite's")
        parser.add_argument("--data-dir", help="local mirror of the Hub datasets (closed networks)")
        parser.add_argument("--cache-dir", help="lm-eval response cache folder (re-runs are cheap)")
        parser.add_argument("--limit", type=int, default=None, help="only N documents per task")
        parser.add_argument("--force", action="store_true", help="re-evaluate scores that would carry over")
        parser.add_argument("--timeout", type=float, default=None, help="fail the run after N seconds")
        parser.add_argument("--no-cost", action="store_true", help="skip the serving-cost workload")
        parser.add_argument(
            "--mode",
            choices=["base", "instruct", "think_on", "think_off"],
            help="prompting mode (default: the manifest's first)",
        )
        parser.add_argument(
            "--backend", choices=["hf", "vllm", "local-completions"], help="default: the suite's"
        )
        parser.add_argument("--tensor-parallel", type=int, default=1, help="vllm: GPUs per model copy")
        parser.add_argument("--pipeline-parallel", type=int, default=1, help="vllm: pipeline stages")
        parser.add_argument("--data-parallel", type=int, default=1, help="vllm: model copies (Ray)")
        parser.add_argument("--base-url", help="local-completions: the server's completions URL")
    elif name == "demo":
        parser.add_argument("--workspace", default="kleaderboard-demo", help="output folder")
    elif name == "build":
        parser.add_argument("--config", default="mkdocs.yml", help="mkdocs.yml to build")
        parser.add_argument("--site-dir", default=None, help="output folder (default: site/)")
    elif name == "schema":
        parser.add_argument("which", choices=["submission", "run"], help="which schema")


HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "validate": cmd_validate,
    "evaluate": cmd_evaluate,
    "demo": cmd_demo,
    "build": cmd_build,
    "schema": cmd_schema,
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; every command's help ends with an example.

    ``only``: add the arguments of that command alone, so that running one command
    does not import the modules of all the others.
    """
    parser = argparse.ArgumentParser(
        prog="kleaderboard", description="Korean sovereign-AI leaderboard: submissions, runs, site."
    )
    subs = parser.add_subparsers(dest="command", required=True)
    for name, (summary, example) in COMMANDS.items():
        sub = subs.add_parser(
            name,
            help=summary,
            description=summary,
            epilog=f"example:\n  {example}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        if only is None or only == name:
            _add_arguments(name, sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; maps our errors to exit codes."""
    argv = list(sys.argv[1:] if argv is None else argv)
    chosen = next((a for a in argv if not a.startswith("-")), None)
    args = build_parser(chosen if chosen in COMMANDS else None).parse_args(argv)
    try:
        if args.command in DELEGATED:
            return int(_delegate(args.command).run_command(args))
        return HANDLERS[args.command](args)
    except InputError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return exc.exit_code
    except KleaderboardError as exc:
        print(f"kleaderboard: {exc}", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    sys.exit(main())
