"""HumanEval+ and MBPP+ scored by running the generated code in kleaderboard's sandbox.

lm-eval's humaneval_plus / mbpp_plus score through Hugging Face ``evaluate``'s code_eval,
which runs the model's code as the evaluating user, with its network and files (and needs
the metric script from the Hub). These tasks keep lm-eval's prompts and prediction
building and replace only the scorer: :func:`kleaderboard.code_sandbox.passes` runs each
program with no network, its own temporary folder, resource limits and a scrubbed
environment, and refuses to run anything where it cannot sandbox.
"""

from __future__ import annotations

import re
from typing import Any

from kleaderboard.code_sandbox import pass_rate


def pass_at_1(references: list[str], predictions: list[list[str]], **_: Any) -> float:
    """pass@1 with one sample per problem: the share of programs whose tests pass."""
    programs = [
        f"{candidates[0]}\n{tests}\n" for tests, candidates in zip(references, predictions, strict=True)
    ]
    return pass_rate(programs)


def humaneval_predictions(resps: list[list[str]], docs: list[dict[str, Any]]) -> list[list[str]]:
    """The prompt (signature and docstring) followed by the completion (lm-eval humaneval/utils.py)."""
    return [[doc["prompt"] + r for r in resp] for resp, doc in zip(resps, docs, strict=True)]


_CODE_BLOCK = re.compile(r"```(?:\w+)?\n?(.*?)\n?```", re.DOTALL)


def mbpp_predictions(resps: list[list[str]], docs: list[dict[str, Any]]) -> list[list[str]]:
    """The first fenced code block (lm-eval mbpp/utils.extract_code_blocks; the prompt opens the
    fence with gen_prefix, so one is prepended), or the raw text when there is none."""

    def code(text: str) -> str:
        found = _CODE_BLOCK.findall("```" + text)
        return found[0] if found else text

    return [[code(r) for r in resp] for resp in resps]


def mbpp_plus_tests(doc: dict[str, Any]) -> str:
    """EvalPlus's tests for the problem: its imports, then the `test` program (base and plus
    inputs). lm-eval's mbpp_plus checks only the three `test_list` asserts of MBPP."""
    imports = "\n".join(doc.get("test_imports") or [])
    return f"{imports}\n{doc['test']}"
