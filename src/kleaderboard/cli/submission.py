"""Commands about a submission folder: ``new``, ``validate``, ``schema``, ``import-loss-log``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kleaderboard.cli.command import Command


def _new_arguments(parser: argparse.ArgumentParser) -> None:
    from kleaderboard.submission.scaffold import NO_LICENSE

    parser.add_argument("target", nargs="?", metavar="ORG/MODEL", help="the new folder, e.g. acme/acme-7b")
    parser.add_argument("--hub-repo", metavar="OWNER/NAME", help="Hugging Face repo id")
    parser.add_argument("--revision", metavar="SHA|pending", help="40-hex commit to evaluate, or pending")
    parser.add_argument("--team", metavar="NAME", help="team name shown on the site")
    parser.add_argument("--contact", metavar="X", help="e-mail address or URL")
    parser.add_argument("--params-total", metavar="N", help="total parameters (7000000000 or 7B)")
    parser.add_argument("--params-active", metavar="N", help="active parameters per token (MoE)")
    parser.add_argument("--license", metavar="ID", help=f"SPDX id or licence name (default {NO_LICENSE})")
    zero = parser.add_mutually_exclusive_group()
    zero.add_argument(
        "--from-zero",
        dest="from_zero",
        action="store_true",
        default=None,
        help="weights trained from random initialisation",
    )
    zero.add_argument(
        "--not-from-zero",
        dest="from_zero",
        action="store_false",
        default=None,
        help="weights started from another model (give --base-model)",
    )
    parser.add_argument(
        "--base-model", metavar="OWNER/NAME", help="with --not-from-zero: where the weights came from"
    )
    parser.add_argument("--name", help="display name (default: the Hub repo's name)")
    parser.add_argument("--architecture", metavar="TEXT", help="one-line architecture summary")
    parser.add_argument(
        "--submissions-dir", default="submissions", metavar="DIR", help="default: submissions"
    )


def run_new(args: argparse.Namespace) -> int:
    """Values left out are asked for when stdin is a terminal; then the folder is written."""
    from kleaderboard.submission.scaffold import create_submission, next_steps, resolve, terminal_input

    answers = resolve(vars(args), terminal_input())
    path = create_submission(answers, Path(args.submissions_dir))
    print(f"만들었습니다 · created {path.as_posix()}")
    print("다음 단계 · next steps:")
    print("\n".join(next_steps(path, answers)))
    return 0


def _validate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", default=["submissions"], help="files or folders")


def run_validate(args: argparse.Namespace) -> int:
    from kleaderboard.checks.validate import validate_paths

    report = validate_paths([Path(p) for p in args.paths])
    for problem in report.problems:
        print(problem)
    for note in report.notes:
        print(f"note: {note}")
    verdict = "ok" if report.ok else f"{len(report.problems)} problem(s)"
    print(f"checked {report.checked} submission(s): {verdict}", file=sys.stderr)
    return 0 if report.ok else 1


def _schema_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("which", choices=["submission", "run"], help="which schema")


def run_schema(args: argparse.Namespace) -> int:
    if args.which == "submission":
        from kleaderboard.submission.manifest import manifest_json_schema as schema
    else:
        from kleaderboard.records import run_record_json_schema as schema
    print(json.dumps(schema(), indent=2, ensure_ascii=False))
    return 0


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number above 0")
    return value


def _mapping(text: str) -> tuple[str, str]:
    field, sep, name = text.partition("=")
    if not sep or not field.strip() or not name.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not FIELD=NAME (e.g. loss='lm loss')")
    return field.strip(), name.strip()


def _import_arguments(parser: argparse.ArgumentParser) -> None:
    from kleaderboard.submission.loss_sources import FIELDS, FORMATS

    parser.add_argument(
        "sources", nargs="+", metavar="SOURCE", help="log files (or a TensorBoard folder), oldest run first"
    )
    parser.add_argument("--format", required=True, choices=FORMATS, help="what wrote the files")
    parser.add_argument("--out", default="loss_log.csv", help="the loss log to write (default: loss_log.csv)")
    parser.add_argument(
        "--map",
        type=_mapping,
        action="append",
        default=[],
        metavar="FIELD=NAME",
        help=f"the source's name for a field ({', '.join(FIELDS)}); repeatable",
    )
    parser.add_argument("--seq-len", type=_positive, help="tokens per sequence, for the token recipe")
    parser.add_argument(
        "--global-batch", type=_positive, help="sequences per optimizer step, for the token recipe"
    )


def run_import(args: argparse.Namespace) -> int:
    from kleaderboard.submission.loss_import import ImportOptions, TokenRecipe, describe, import_loss_log

    options = ImportOptions(args.format, dict(args.map), TokenRecipe(args.global_batch, args.seq_len))
    out = Path(args.out)
    imported = import_loss_log([Path(s) for s in args.sources], out, options)
    for note in imported.notes:
        print(f"note: {note}")
    print(describe(imported, out))
    return 0


COMMANDS = (
    Command(
        "new",
        "Start a submission folder: a commented submission.yaml that validates as written.",
        "kleaderboard new acme/acme-7b --hub-repo acme/Acme-7B --revision pending "
        "--team Acme --contact evals@acme.example --params-total 7B --from-zero",
        _new_arguments,
        run_new,
    ),
    Command(
        "validate",
        "Check submission manifests, loss logs and run records; print every problem.",
        "kleaderboard validate submissions/acme/acme-7b",
        _validate_arguments,
        run_validate,
    ),
    Command(
        "import-loss-log",
        "Convert a trainer's loss curve (W&B CSV, TensorBoard, trainer_state.json, Megatron-LM or NeMo log, "
        "CSV) into loss_log.csv: restarts kept as runs, non-finite rows dropped, tokens counted, all noted.",
        "kleaderboard import-loss-log train.log --format megatron --seq-len 4096 "
        "--out submissions/acme/acme-7b/loss_log.csv",
        _import_arguments,
        run_import,
    ),
    Command(
        "schema",
        "Print the JSON Schema of submission.yaml or of a run record.",
        "kleaderboard schema submission > schema/submission.schema.json",
        _schema_arguments,
        run_schema,
    ),
)
