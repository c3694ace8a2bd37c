"""AIME scored over k sampled answers per problem.

lm-eval's aime25 task (lm_eval/tasks/aime/aime25.yaml) scores only the first answer
(``results[0]``); with ``repeats: k`` every answer is generated, and this scorer averages
them, using lm-eval's own answer normalisation (aime/utils.py: $…$ and \\boxed{} extraction,
is_equiv). The per-problem mean over k is what reports call "avg@k"; its error is the
standard error over the 30 problems of those means.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any


@cache
def _aime_utils() -> ModuleType:
    import lm_eval

    path = Path(lm_eval.__file__).parent / "tasks" / "aime" / "utils.py"
    spec = importlib.util.spec_from_file_location("lm_eval_aime_utils", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def process_results(doc: dict[str, Any], results: list[str]) -> dict[str, float]:
    score = _aime_utils().process_results
    return {"exact_match": sum(score(doc, [r])["exact_match"] for r in results) / len(results)}
