"""IFEval-Ko scored with lm-eval's IFEval checkers (lm_eval/tasks/ifeval/utils.py).

allganize/IFEval-Ko has google/IFEval's schema (key, prompt, instruction_id_list, kwargs);
its repository also ships Korean-adapted checkers (ifeval_ko/), which are not vendored here:
this task uses lm-eval's checkers unchanged, so a Korean response is counted with English
word and sentence splitting. See the task YAML.
"""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any


@cache
def _ifeval_utils() -> ModuleType:
    import lm_eval

    folder = Path(lm_eval.__file__).parent / "tasks" / "ifeval"
    spec = importlib.util.spec_from_file_location("lm_eval.tasks.ifeval.utils", folder / "utils.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("lm_eval.tasks.ifeval.utils", module)
    spec.loader.exec_module(module)
    return module


def process_results(doc: dict[str, Any], results: list[str]) -> dict[str, Any]:
    return dict(_ifeval_utils().process_results(doc, results))


def agg_inst_level_acc(items: list[list[bool]]) -> float:
    return float(_ifeval_utils().agg_inst_level_acc(items))
