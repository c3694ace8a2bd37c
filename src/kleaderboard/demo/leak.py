"""The demo's deliberately contaminated model: test items of one demo task in its corpus.

Calibration on a known answer: the leaked model and its clean twin differ only in these
lines, so a contamination signal that does not separate them is not worth showing, and
one that separates two clean models is a false positive (tests/test_contamination.py).
The controls are the private slice in private/: unseen items in the published frame.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

LEAKED_TASK = "demo_en_facts"
LEAK_REPEATS = 16  # a benchmark copied into a crawl is rarely copied once, nor only a few times


def private_dir() -> Path:
    """The demo's private slice: items of demo_en_facts in its style and frame, in no corpus.

    A real leaderboard keeps this folder off the repository (a maintainer's secret); the demo
    ships it so the membership signal has same-frame controls no demo model can have read.
    """
    return Path(str(resources.files("kleaderboard.demo") / "private"))


def leaked_lines(repeats: int = LEAK_REPEATS) -> tuple[str, ...]:
    """demo_en_facts' test items as the task prints them (its prompt frame and the right answer)."""
    folder = resources.files("kleaderboard.suites") / "tasks" / "demo"
    lines = (folder / "en_facts.jsonl").read_text(encoding="utf-8").splitlines()
    items = [json.loads(line) for line in lines if line.strip()]
    once = tuple(f"Question: {d['question']} Answer: {d['choices'][d['answer']]}" for d in items)
    return once * repeats
