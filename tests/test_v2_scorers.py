"""The answer extraction of ko-global-v2's package tasks, on texts a model could write."""

from __future__ import annotations

import importlib.util
from types import ModuleType

import pytest

from kleaderboard.suites import PACKAGE_TASKS_DIR


def task_module(name: str) -> ModuleType:
    """A helper module of the v2 task folder, loaded by path as lm-eval loads it."""
    spec = importlib.util.spec_from_file_location(
        f"v2_{name}", PACKAGE_TASKS_DIR / "ko_global_v2" / f"{name}.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


choice = task_module("choice")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("정답은 B입니다.", "B"),
        ("A일 수도 있지만… 정답은 C입니다. 다시 보면 정답은 D입니다.", "D"),  # the last statement counts
        ("정답은 A, B입니다", "A, B"),
        ("정답은 K입니다", None),  # outside A-J
        ("B", None),  # the authors' format is required
    ],
)
def test_kobalt_takes_the_authors_last_statement(text: str, expected: str | None) -> None:
    assert choice.kobalt_extract(text) == expected


def test_numbered_answers_take_the_last_statement() -> None:
    doc = {"question": "q", "options": ["a", "b", "c", "d", "e"], "answer": 2}
    assert "1. a\n2. b" in choice.numbered_prompt(doc)
    assert choice.score_numbered(doc, ["보기 1은 틀렸다. 정답: 2"]) == {"exact_match": 1.0}
    assert choice.score_numbered(doc, ["정답: 1 … 아니, 정답: 2"]) == {"exact_match": 1.0}
    assert choice.score_numbered(doc, ["2"]) == {"exact_match": 0.0}  # no stated answer
    assert choice.score_numbered(doc, ["\\boxed{2}", "정답: 3"]) == {"exact_match": 0.5}  # mean over samples


def test_letter_answers() -> None:
    assert choice.first_letter(" B", "ABCD") == "B"
    assert choice.first_letter("정답은 (C)", "ABCD") == "C"
    assert choice.first_letter("Because D is wrong, 정답: A", "ABCD") == "A"
    assert choice.first_letter("Both are wrong", "ABCD") is None  # B inside a word is no answer
    doc = {
        "id": "CSAT_x",
        "paragraph": "",
        "question": "q",
        "choices": ["v", "w", "x", "y", "z"],
        "answer": "z",
    }
    assert "E: z" in choice.click_prompt(doc)  # every option is shown, E included
    assert choice.score_click(doc, ["E"]) == {"exact_match": 1.0}


def test_aime_averages_every_sampled_answer() -> None:
    pytest.importorskip("lm_eval", reason="needs the eval extra")
    aime = task_module("aime_k")
    doc = {"problem": "p", "answer": "70"}
    assert aime.process_results(doc, ["\\boxed{70}", "\\boxed{71}", "$70$", "no"]) == {"exact_match": 0.5}
