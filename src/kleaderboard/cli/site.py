"""Commands that build the public site: ``build``, and ``demo`` (tiny models end to end, then the site)."""

from __future__ import annotations

import argparse
from pathlib import Path

from kleaderboard.cli.command import Command


def _build_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", default="mkdocs.yml", help="mkdocs.yml to build")
    parser.add_argument("--site-dir", default=None, help="output folder (default: site/)")


def run_build(args: argparse.Namespace) -> int:
    from kleaderboard.site.build import build_site

    site = build_site(Path(args.config), Path(args.site_dir) if args.site_dir else None)
    print(f"built {site}")
    return 0


def _demo_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workspace", default="kleaderboard-demo", help="output folder")


def run_demo(args: argparse.Namespace) -> int:
    from kleaderboard.demo.workspace import run_demo as demo

    demo(Path(args.workspace))
    return 0


COMMANDS = (
    Command(
        "build",
        "Build the static site with mkdocs (strict).",
        "kleaderboard build --config mkdocs.yml --site-dir site",
        _build_arguments,
        run_build,
    ),
    Command(
        "demo",
        "Train tiny models from zero on CPU, evaluate them and build the demo site (offline).",
        "kleaderboard demo --workspace ./kleaderboard-demo",
        _demo_arguments,
        run_demo,
    ),
)
