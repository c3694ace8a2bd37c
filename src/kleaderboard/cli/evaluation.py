"""The command that evaluates a model: ``evaluate``."""

from __future__ import annotations

import argparse
from pathlib import Path

from kleaderboard.cli.command import Command


def _evaluate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("submission", help="submission folder or its submission.yaml")
    parser.add_argument("--suite", default="ko-global-v1", help="suite name")
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:0 …")
    parser.add_argument("--batch-size", type=int, default=None, help="override the suite's")
    parser.add_argument("--data-dir", help="local mirror of the Hub datasets (closed networks)")
    parser.add_argument("--cache-dir", help="lm-eval response cache folder (re-runs are cheap)")
    parser.add_argument("--limit", type=int, default=None, help="only N documents per task")
    parser.add_argument("--force", action="store_true", help="re-evaluate scores that would carry over")
    parser.add_argument("--timeout", type=float, default=None, help="fail the run after N seconds")
    parser.add_argument(
        "--load-timeout", type=float, default=None, help="fail the run when the model takes N seconds to load"
    )
    parser.add_argument("--no-cost", action="store_true", help="skip the serving-cost workload")
    parser.add_argument(
        "--mode",
        choices=["base", "instruct", "think_on", "think_off"],
        help="prompting mode (default: the manifest's first)",
    )
    parser.add_argument("--backend", choices=["hf", "vllm", "local-completions"], help="default: the suite's")
    parser.add_argument("--tensor-parallel", type=int, default=1, help="vllm: GPUs per model copy")
    parser.add_argument("--pipeline-parallel", type=int, default=1, help="vllm: pipeline stages")
    parser.add_argument("--data-parallel", type=int, default=1, help="vllm: model copies (Ray)")
    parser.add_argument("--base-url", help="local-completions: the server's completions URL")
    parser.add_argument(
        "--contamination",
        action="store_true",
        help="also run the contamination pass: perturbed copies of multiple-choice items, "
        "membership statistics (hf backend), the private slice",
    )
    parser.add_argument(
        "--private-dir",
        help="private held-out items (<task>.jsonl), kept out of the repository; "
        "default $KLEADERBOARD_PRIVATE_DIR; only scores, counts and a hash are recorded",
    )
    parser.add_argument(
        "--snapshot",
        help="load the model from this verified snapshot of the pinned commit (made by fetch-snapshot), "
        "with the Hub offline",
    )


def run_evaluate(args: argparse.Namespace) -> int:
    """Exit 0 when the run succeeded, 3 when it ended in a failed record."""
    from kleaderboard.evaluation import require_eval_extra
    from kleaderboard.submission.tree import MANIFEST_NAME, load_submission
    from kleaderboard.suites import load_suite

    require_eval_extra()
    from kleaderboard.evaluation.runner import RunOptions, evaluate_submission

    if args.snapshot is not None and not args.snapshot.strip():
        from kleaderboard.errors import InputError

        # A workflow whose snapshot step did not run passes an empty value: never fall back to the Hub.
        raise InputError.single("--snapshot", "", "is empty", "give the folder fetch-snapshot made")
    path = Path(args.submission)
    submission = load_submission(path / MANIFEST_NAME if path.is_dir() else path)
    options = RunOptions(
        device=args.device,
        batch_size=args.batch_size,
        data_dir=Path(args.data_dir) if args.data_dir else None,
        cache_dir=Path(args.cache_dir) if args.cache_dir else None,
        limit=args.limit,
        force=args.force,
        timeout_s=args.timeout,
        load_timeout_s=args.load_timeout,
        measure_cost=not args.no_cost,
        mode=args.mode,
        backend=args.backend,
        tensor_parallel=args.tensor_parallel,
        pipeline_parallel=args.pipeline_parallel,
        data_parallel=args.data_parallel,
        base_url=args.base_url,
        snapshot=Path(args.snapshot) if args.snapshot else None,
        contamination=args.contamination or bool(args.private_dir),
        private_dir=Path(args.private_dir) if args.private_dir else None,
    )
    record = evaluate_submission(submission, load_suite(args.suite), options)
    return 0 if record.status == "succeeded" else 3


def _fetch_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("submission", help="submission folder or its submission.yaml")
    parser.add_argument("--dest", required=True, help="a new, empty folder for the snapshot")
    parser.add_argument("--endpoint", help="the Hub to ask (default: $HF_ENDPOINT, else huggingface.co)")


def run_fetch(args: argparse.Namespace) -> int:
    """Download and verify the allowed files of the manifest's pinned commit."""
    from kleaderboard.evaluation.snapshot import fetch_snapshot
    from kleaderboard.submission.tree import MANIFEST_NAME, load_submission

    path = Path(args.submission)
    submission = load_submission(path / MANIFEST_NAME if path.is_dir() else path)
    spec = submission.manifest.model
    if spec.hub_repo is None or spec.revision is None:
        from kleaderboard.errors import InputError

        raise InputError.single(
            submission.folder / MANIFEST_NAME,
            "model.hub_repo",
            "names no Hub repo and commit, so there is nothing to fetch",
            "evaluate a local model folder directly, without --snapshot",
        )
    snap = fetch_snapshot(str(spec.hub_repo), str(spec.revision), Path(args.dest), endpoint=args.endpoint)
    print(f"{len(snap.files)} files of {snap.repo_id}@{snap.revision} in {snap.folder}")
    return 0


def _revisions_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--suite", default="ko-global-v1", help="suite name")
    parser.add_argument("--endpoint", help="the Hub to ask (default: $HF_ENDPOINT, else huggingface.co)")


def run_revisions(args: argparse.Namespace) -> int:
    """Print each Hub dataset the suite reads with its current commit, ready for `dataset_revision:`."""
    from kleaderboard.evaluation import require_eval_extra
    from kleaderboard.suites import load_suite

    require_eval_extra()
    from kleaderboard.evaluation.dataset_revisions import dataset_pins

    for pin in dataset_pins(load_suite(args.suite), endpoint=args.endpoint):
        print(pin.line)
    return 0


def _fetch_datasets_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--suite", default="ko-global-v1", help="suite name")
    parser.add_argument("--dest", required=True, help="the mirror folder (evaluate --data-dir reads it)")
    parser.add_argument("--endpoint", help="the Hub to ask (default: $HF_ENDPOINT, else huggingface.co)")


def run_fetch_datasets(args: argparse.Namespace) -> int:
    """Mirror each Hub dataset the suite reads, at its pinned (or current) commit."""
    from kleaderboard.evaluation import require_eval_extra
    from kleaderboard.suites import load_suite

    require_eval_extra()
    from kleaderboard.evaluation.dataset_revisions import fetch_datasets

    fetched = fetch_datasets(load_suite(args.suite), Path(args.dest), endpoint=args.endpoint)
    print(f"{len(fetched)} dataset(s) in {args.dest}")
    return 0


COMMANDS = (
    Command(
        "evaluate",
        "Evaluate one submission with lm-eval and write runs/<run-id>.json.",
        "kleaderboard evaluate submissions/acme/acme-7b --suite ko-global-v1",
        _evaluate_arguments,
        run_evaluate,
    ),
    Command(
        "fetch-snapshot",
        "Download the allowed files (config, tokenizer, chat template, safetensors) of the manifest's "
        "pinned commit and verify each against the Hub's listing.",
        "kleaderboard fetch-snapshot submissions/acme/acme-7b --dest /tmp/snapshot",
        _fetch_arguments,
        run_fetch,
    ),
    Command(
        "fetch-datasets",
        "Mirror every Hub dataset a suite reads, at its pinned commit, for an evaluation with no network.",
        "kleaderboard fetch-datasets --suite ko-global-v1 --dest /tmp/datasets",
        _fetch_datasets_arguments,
        run_fetch_datasets,
    ),
    Command(
        "dataset-revisions",
        "Print the current Hub commit of each dataset a suite reads, to pin as `dataset_revision:` "
        "in the suite file.",
        "kleaderboard dataset-revisions --suite ko-global-v1",
        _revisions_arguments,
        run_revisions,
    ),
)
