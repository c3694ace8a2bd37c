"""Run one ``kleaderboard`` command in-process, letting our errors propagate (for ``pytest.raises``).

``kleaderboard.cli.main.main`` would turn them into an exit code and stderr lines;
tests that assert an error's text call the command through here instead.
"""

from __future__ import annotations

from kleaderboard.cli.main import COMMANDS, build_parser


def run_cli(*argv: str) -> int:
    """Parse argv exactly as the program does and run the command it names."""
    args = build_parser(argv[0]).parse_args(list(argv))
    return COMMANDS[args.command].run(args)
