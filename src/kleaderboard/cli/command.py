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


__all__ = ["AddArguments", "Command", "Run"]
