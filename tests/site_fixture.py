"""The fixture repository under tests/data/site_repo, for the site tests (its `board` and
`rendered` fixtures live in conftest.py)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import markdown

from kleaderboard.scoring.leaderboard import Entry, Leaderboard

REPO = Path(__file__).parent / "data" / "site_repo"
SUBMISSIONS = REPO / "submissions"
SITE_SCALE = Path(__file__).parents[1] / "benchmarks" / "site_scale.py"


def site_scale_module() -> ModuleType:
    """benchmarks/site_scale.py as a module (it writes the varied submissions the scale tests use)."""
    spec = importlib.util.spec_from_file_location("site_scale", SITE_SCALE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["site_scale"] = module
    spec.loader.exec_module(module)
    return module


def entry(board: Leaderboard, submission_id: str) -> Entry:
    return next(e for e in board.entries if e.id == submission_id)


def to_html(text: str) -> str:
    """What MkDocs does to a page: Markdown with the extensions our mkdocs.yml enables."""
    # drop the front matter (a whole page has one; a page body alone, as model_page makes, none)
    body = text.split("\n---\n", 1)[1] if text.startswith("---\n") else text
    return markdown.markdown(body, extensions=["toc", "attr_list", "tables", "admonition"])
