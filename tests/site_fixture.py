"""The fixture repository under tests/data/site_repo, for the site tests (its `board` and
`rendered` fixtures live in conftest.py)."""

from __future__ import annotations

from pathlib import Path

import markdown

from kleaderboard.scoring.leaderboard import Entry, Leaderboard

REPO = Path(__file__).parent / "data" / "site_repo"
SUBMISSIONS = REPO / "submissions"


def entry(board: Leaderboard, submission_id: str) -> Entry:
    return next(e for e in board.entries if e.id == submission_id)


def to_html(text: str) -> str:
    """What MkDocs does to a page: Markdown with the extensions our mkdocs.yml enables."""
    body = text.split("\n---\n", 1)[1]  # drop the front matter
    return markdown.markdown(body, extensions=["toc", "attr_list", "tables", "admonition"])
