"""One command of the ``kleaderboard`` program: its name, its help and the two halves it is made of."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

AddArguments = Callable[[argparse.ArgumentParser], None]
Run = Callable[[argparse.Namespace], int]


@dataclass(frozen=True)
class Command:
    """A command: ``add_arguments`` fills its parser, ``run`` calls one library function and prints.

    ``summary`` is its line in ``kleaderboard --help``, ``example`` ends its own
    ``--help``; ``old_names`` still run it (hidden from ``--help``) with a note on
    stderr, so that workflows written for an old name keep working.
    """

    name: str
    summary: str
    example: str
    add_arguments: AddArguments
    run: Run
    old_names: tuple[str, ...] = ()


def record_arguments(record: str, manifest_was: str) -> AddArguments:
    """The arguments of a command that checks a record from an artifact (a run or provenance record)."""

    def add(parser: argparse.ArgumentParser) -> None:
        from kleaderboard.submission.tree import MAX_RECORD_BYTES

        parser.add_argument("record", help=f"the {record}, or the artifact folder holding exactly one")
        parser.add_argument("--submission", required=True, help="'<org>/<model>' the record must be about")
        parser.add_argument(
            "--manifest-sha256", default=None, help=f"sha256 of the manifest that was {manifest_was}"
        )
        parser.add_argument(
            "--max-bytes", type=int, default=MAX_RECORD_BYTES, help="largest record accepted, in bytes"
        )

    return add


__all__ = ["AddArguments", "Command", "Run", "record_arguments"]
