"""The ``kleaderboard`` program: build the parser from every group of commands, run one, map errors.

Each group lives in its own module (:mod:`~kleaderboard.cli.submission`,
:mod:`~kleaderboard.cli.checks`, :mod:`~kleaderboard.cli.evaluation`,
:mod:`~kleaderboard.cli.site`, :mod:`~kleaderboard.cli.github`) as a tuple of
:class:`~kleaderboard.cli.command.Command`; a command parses, calls one library
function and prints. Errors we raise on purpose are printed here, one line per
problem, and mapped to the exit code their class carries (:mod:`kleaderboard.errors`):
this is the only place that catches them.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Sequence

from kleaderboard.cli import checks, evaluation, github, provenance, site, submission
from kleaderboard.cli.command import Command
from kleaderboard.errors import InputError, KleaderboardError

COMMANDS: dict[str, Command] = {
    command.name: command
    for group in (submission, checks, provenance, evaluation, site, github)
    for command in group.COMMANDS
}
# Names that older workflows and docs used: still accepted, never listed in --help.
OLD_NAMES: dict[str, str] = {old: command.name for command in COMMANDS.values() for old in command.old_names}


def _add_command(
    subs: argparse._SubParsersAction[argparse.ArgumentParser], name: str, command: Command, listed: bool
) -> argparse.ArgumentParser:
    # A name given no `help` is left out of --help's list (the old names).
    options: dict[str, str] = {"help": command.summary} if listed else {}
    parser: argparse.ArgumentParser = subs.add_parser(
        name,
        description=command.summary,
        epilog=f"example:\n  {command.example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        **options,  # type: ignore[arg-type]  # typeshed types add_parser's **kwargs too narrowly
    )
    parser.set_defaults(command=command.name)
    return parser


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; every command's help ends with an example.

    ``only``: add the arguments of that command (or old name) alone, so that
    running one command does not import the modules of all the others.
    """
    parser = argparse.ArgumentParser(
        prog="kleaderboard", description="Korean sovereign-AI leaderboard: submissions, runs, site."
    )
    subs = parser.add_subparsers(dest="called_as", metavar="COMMAND", required=True)
    names = [(name, command, True) for name, command in COMMANDS.items()]
    names += [(old, COMMANDS[new], False) for old, new in OLD_NAMES.items()]
    for name, command, listed in names:
        sub = _add_command(subs, name, command, listed)
        if only is None or only == name:
            command.add_arguments(sub)
    return parser


def _run(args: argparse.Namespace) -> int:
    if args.called_as != args.command:
        print(
            f"kleaderboard: '{args.called_as}' is now called '{args.command}'; the old name still works "
            "for now — use the new one",
            file=sys.stderr,
        )
    return COMMANDS[args.command].run(args)


def unknown_command(name: str) -> str:
    """The error for a command that does not exist, with the closest one (old names lead to new)."""
    close = difflib.get_close_matches(name, [*COMMANDS, *OLD_NAMES], n=1)
    hint = f"; Perhaps you meant '{OLD_NAMES.get(close[0], close[0])}'?" if close else ""
    return f"unknown command {name!r}{hint} ('kleaderboard --help' lists them)"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; maps our errors to exit codes."""
    argv = list(sys.argv[1:] if argv is None else argv)
    # The program itself takes no option but --help, so the first other word is the command.
    chosen = next((a for a in argv if not a.startswith("-")), None)
    known = chosen in COMMANDS or chosen in OLD_NAMES
    parser = build_parser(chosen if known else None)
    if chosen is not None and not known:
        parser.error(unknown_command(chosen))  # argparse's own message would list the old names
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except InputError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return exc.exit_code
    except KleaderboardError as exc:
        print(f"kleaderboard: {exc}", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    sys.exit(main())
