"""Commands for originality evidence: ``provenance``, ``provenance-reference``, ``provenance-null-panel``."""

from __future__ import annotations

import argparse
from pathlib import Path

from kleaderboard.cli.command import Command, record_arguments

REGISTRY_HELP = "the reference registry folder (default: provenance/registry)"


def _where_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--weights", type=Path, default=None, help="read the model from this local folder")
    parser.add_argument(
        "--endpoint",
        default=None,
        help="Hub to read from by range requests (default: $HF_ENDPOINT, else the Hub)",
    )
    parser.add_argument("--registry", type=Path, default=None, help=REGISTRY_HELP)


def _provenance_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("submission", type=Path, help="submission folder or its submission.yaml")
    _where_arguments(parser)


def _manifest(path: Path) -> Path:
    return path / "submission.yaml" if path.is_dir() else path


def _registry(args: argparse.Namespace) -> Path:
    from kleaderboard.provenance.registry import DEFAULT_REGISTRY

    return args.registry or DEFAULT_REGISTRY


def run_provenance(args: argparse.Namespace) -> int:
    """Write the submission's provenance record and print what it holds."""
    from kleaderboard.provenance.collect import Where, run_provenance
    from kleaderboard.provenance.summary import summary_lines

    path, record = run_provenance(
        _manifest(args.submission), _registry(args), Where(args.weights, args.endpoint)
    )
    for line in summary_lines(record):
        print(line)
    print(f"wrote {path}")
    return 0


def _reference_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("repo", help="the reference's Hub repo id (owner/name)")
    parser.add_argument("--commit", default=None, help="the 40-hex commit (required when read from the Hub)")
    parser.add_argument(
        "--independent",
        action="store_true",
        help="the model is known to share no weights with the other entries: it joins the null panel",
    )
    _where_arguments(parser)


def run_reference(args: argparse.Namespace) -> int:
    from kleaderboard.provenance.collect import Where, add_reference

    where = Where(args.weights, args.endpoint)
    path = add_reference(_registry(args), args.repo, args.commit, where, args.independent)
    print(f"wrote {path}")
    return 0


def _panel_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--registry", type=Path, default=None, help=REGISTRY_HELP)


def run_panel(args: argparse.Namespace) -> int:
    from kleaderboard.provenance.registry import rebuild_null_panel

    path, panel = rebuild_null_panel(_registry(args))
    values = sum(len(d.values) for d in panel.distributions)
    print(f"wrote {path}: {len(panel.models)} independent model(s), {values} null value(s)")
    return 0


def run_intake(args: argparse.Namespace) -> int:
    """Print what the record is; a refused record is an error (exit 1)."""
    from kleaderboard.github.provenance_intake import check_provenance_artifact

    path, record = check_provenance_artifact(
        Path(args.record), args.submission, args.manifest_sha256, args.max_bytes
    )
    flagged = sum(len(r.flagged) for r in record.weights)
    print(f"{path}: ok: {record.submission}, record {record.record_id}, {flagged} flagged score(s)")
    return 0


COMMANDS = (
    Command(
        "provenance",
        "Compare a submission's weights, tokenizer and architecture with the reference registry; "
        "write its provenance record (pipeline only).",
        "kleaderboard provenance submissions/acme/acme-7b --weights snapshot/",
        _provenance_arguments,
        run_provenance,
    ),
    Command(
        "provenance-reference",
        "Add a model's fingerprint to the reference registry, from local files or the Hub at a commit.",
        "kleaderboard provenance-reference org/Model-7B --commit 0123…cdef --independent",
        _reference_arguments,
        run_reference,
    ),
    Command(
        "provenance-null-panel",
        "Rebuild the null panel from the registry's independent references.",
        "kleaderboard provenance-null-panel --registry provenance/registry",
        _panel_arguments,
        run_panel,
    ),
    Command(
        "check-provenance-record",
        "Validate an untrusted provenance-record artifact before anything reads it.",
        "kleaderboard check-provenance-record provenance/ --submission acme/acme-7b --manifest-sha256 <hex>",
        record_arguments("provenance record", "checked"),
        run_intake,
    ),
)
