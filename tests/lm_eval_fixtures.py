"""Offline data for real lm-eval tasks: the suite's task YAMLs, run on tiny local files.

The production suite (``ko-global-v1``) names real lm-eval tasks whose data lives on the
Hugging Face Hub, which tests cannot reach. :func:`materialise` writes a *mirror*: for
every dataset the suite's leaf tasks read, ``data_dir/<dataset_path>/`` shaped like the
Hub dataset repository (a README.md whose ``configs`` map each config name and split to
a JSONL file), filled with small rows of the *real* column schemas (templates in
``tests/data/lm_eval_fixtures/``). The runner's ``--data-dir`` reads exactly that layout,
the same one a production mirror made with ``huggingface-cli download`` has; task
configs, prompts, metrics, filters and group aggregation stay lm-eval's own.

lm-eval is imported inside the functions: it is a test-only dependency here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TEMPLATES_DIR = Path(__file__).parent / "data" / "lm_eval_fixtures"

# (dataset_path, dataset_name) of a leaf task -> template file stem. A None name matches
# every config of that dataset (e.g. the 45 KMMLU subjects share one template).
TEMPLATES: dict[tuple[str, str | None], str] = {
    ("HAERAE-HUB/KMMLU", None): "kmmlu",
    ("HAERAE-HUB/HAE_RAE_BENCH", None): "haerae",
    ("skt/kobest_v1", "boolq"): "kobest_boolq",
    ("skt/kobest_v1", "copa"): "kobest_copa",
    ("skt/kobest_v1", "wic"): "kobest_wic",
    ("skt/kobest_v1", "hellaswag"): "kobest_hellaswag",
    ("skt/kobest_v1", "sentineg"): "kobest_sentineg",
    ("EunsuKim/CLIcK", None): "click",
    ("HAERAE-HUB/HRM8K", "MMMLU"): "hrm8k_mmmlu",
    ("HAERAE-HUB/HRM8K", None): "hrm8k",
    ("cais/mmlu", None): "mmlu",
    ("allenai/ai2_arc", None): "arc",
    ("Rowan/hellaswag", None): "hellaswag",
    ("openai/gsm8k", None): "gsm8k",
    ("google/IFEval", None): "ifeval",
    # ko-global-v2
    ("LGAI-EXAONE/KMMLU-Pro", None): "kmmlu_pro",
    ("LGAI-EXAONE/KMMLU-Redux", None): "kmmlu_redux",
    ("openai/MMMLU", None): "mmmlu",
    ("snunlp/KoBALT-700", None): "kobalt",
    ("math-ai/aime25", None): "aime25",
    ("TIGER-Lab/MMLU-Pro", None): "mmlu_pro",
    ("Idavidrein/gpqa", None): "gpqa",
    ("allganize/IFEval-Ko", None): "ifeval_ko",
    ("evalplus/humanevalplus", None): "humanevalplus",
    ("evalplus/mbppplus", None): "mbppplus",
}

# The text column that padding varies to make extra few-shot rows distinct.
VARIED_FIELD: dict[str, str] = {
    "kmmlu": "question",
    "haerae": "query",
    "kobest_boolq": "question",
    "kobest_copa": "premise",
    "kobest_wic": "context_1",
    "kobest_hellaswag": "context",
    "kobest_sentineg": "sentence",
    "click": "question",
    "hrm8k": "question",
    "hrm8k_mmmlu": "question",
    "mmlu": "question",
    "arc": "question",
    "hellaswag": "ctx_a",
    "gsm8k": "question",
    "ifeval": "prompt",
    "kmmlu_pro": "question",
    "kmmlu_redux": "question",
    "mmmlu": "Question",
    "kobalt": "Question",
    "aime25": "problem",
    "mmlu_pro": "question",
    "gpqa": "Question",
    "ifeval_ko": "prompt",
    "humanevalplus": "task_id",
    "mbppplus": "prompt",
}


def _lm_eval_tasks_dir() -> Path:
    import lm_eval

    return Path(lm_eval.__file__).parent / "tasks"


def _mmmlu_subjects() -> list[str]:
    text = (_lm_eval_tasks_dir() / "openai-mmmlu" / "subjects.json").read_text(encoding="utf-8")
    return sorted(json.loads(text))


MMLU_PRO_CATEGORIES = [
    "biology", "business", "chemistry", "computer science", "economics", "engineering", "health",
    "history", "law", "math", "other", "philosophy", "physics", "psychology",
]  # fmt: skip

# Datasets whose leaf tasks each keep only the rows of one column value (lm-eval's
# process_docs filters MMMLU by Subject and MMLU-Pro by category): the template's rows are
# written once per value, so every leaf has documents and its own few-shot examples.
EXPAND_BY: dict[str, tuple[str, Any]] = {
    "mmmlu": ("Subject", _mmmlu_subjects),
    "mmlu_pro": ("category", lambda: MMLU_PRO_CATEGORIES),
}

SPLIT_KEYS = ("test_split", "validation_split", "training_split", "fewshot_split")


def _index(suite: Any) -> dict[str, Any]:
    from lm_eval.tasks import TaskManager

    paths = sorted({str(t.include_path()) for t in suite.tasks})
    return TaskManager(include_path=paths, include_defaults=False).task_index


def leaf_configs(
    name: str, index: dict[str, Any], overrides: dict[str, Any] | None = None
) -> dict[str, dict[str, Any]]:
    """Expand a task, tag or group to {leaf task name: its config}, as lm-eval would.

    Configs come from the index (includes merged, ``!function`` left unresolved), with
    the overrides of enclosing groups and member dicts applied.
    """
    from lm_eval.tasks._index import Kind

    entry = index[name]
    if entry.kind is Kind.TAG:
        leaves: dict[str, dict[str, Any]] = {}
        for task in sorted(entry.tags):
            leaves.update(leaf_configs(task, index, overrides))
        return leaves
    if entry.kind is Kind.GROUP:
        return _group_leaves(entry.cfg, index, overrides)
    return {name: {**entry.cfg, **(overrides or {})}}


def _group_leaves(
    cfg: dict[str, Any], index: dict[str, Any], overrides: dict[str, Any] | None
) -> dict[str, dict[str, Any]]:
    from lm_eval.tasks._factory import GROUP_FIELD_NAMES

    inherited = {k: v for k, v in cfg.items() if k not in GROUP_FIELD_NAMES}
    inherited.update(overrides or {})
    members = cfg.get("task") or []
    leaves: dict[str, dict[str, Any]] = {}
    for item in [members] if isinstance(members, str) else members:
        if isinstance(item, str):
            leaves.update(leaf_configs(item, index, inherited))
        elif "group" in item and item["group"] not in index:  # inline subgroup
            leaves.update(_group_leaves(item, index, inherited))
        else:
            key = "group" if "group" in item else "task"
            extra = {k: v for k, v in item.items() if k not in ("group", "task")}
            leaves.update(leaf_configs(item[key], index, {**inherited, **extra}))
    return leaves


def splits_of(cfg: dict[str, Any]) -> list[str]:
    """The split names a leaf config reads."""
    names = [cfg.get(key) for key in SPLIT_KEYS]
    names.append((cfg.get("fewshot_config") or {}).get("split"))
    return sorted({n for n in names if n})


def fewshot_source(cfg: dict[str, Any]) -> str | None:
    """The split lm-eval draws few-shot examples from (Task.fewshot_docs' fallback order)."""
    candidates = (
        (cfg.get("fewshot_config") or {}).get("split"),
        cfg.get("fewshot_split"),
        cfg.get("training_split"),
        cfg.get("validation_split"),
        cfg.get("test_split"),
    )
    return next((split for split in candidates if split), None)


def template_for(cfg: dict[str, Any]) -> str:
    """The template stem for a leaf config, from its dataset path and name."""
    path, name = cfg.get("dataset_path"), cfg.get("dataset_name")
    stem = TEMPLATES.get((path, name)) or TEMPLATES.get((path, None))
    if stem is None:
        raise KeyError(f"no fixture template for dataset {path!r} (config {name!r})")
    return stem


def read_template(stem: str) -> list[dict[str, Any]]:
    lines = (TEMPLATES_DIR / f"{stem}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def padded(rows: list[dict[str, Any]], field: str, count: int) -> list[dict[str, Any]]:
    """At least ``count`` distinct rows: the template, then numbered variants of it."""
    out = list(rows)
    while len(out) < count:
        base = rows[len(out) % len(rows)]
        out.append({**base, field: f"({len(out) + 1}) {base[field]}"})
    return out


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    path.write_text(text, encoding="utf-8")


def _mirror_rows(cfg: dict[str, Any], n_shot: int) -> dict[str, list[dict[str, Any]]]:
    stem = template_for(cfg)
    rows = read_template(stem)
    source = fewshot_source(cfg)
    field = VARIED_FIELD[stem]
    # n_shot + 1: when few-shot and evaluated split coincide, lm-eval samples one
    # extra example to drop the evaluated document itself.
    counts = {split: n_shot + 1 if split == source and n_shot else 0 for split in splits_of(cfg)}
    if stem in EXPAND_BY:
        column, values = EXPAND_BY[stem]
        return {
            split: [{**row, column: value} for value in values() for row in padded(rows, field, count)]
            for split, count in counts.items()
        }
    return {split: padded(rows, field, count) for split, count in counts.items()}


def _readme(configs: dict[str, dict[str, str]]) -> str:
    lines = ["---", "configs:"]
    for name, splits in sorted(configs.items()):
        lines += [f"- config_name: {name}", "  data_files:"]
        for split, path in sorted(splits.items()):
            lines += [f"  - split: {split}", f"    path: {path}"]
    return "\n".join([*lines, "---", "Test fixture mirror written by tests/lm_eval_fixtures.py.", ""])


def materialise(suite: Any, data_dir: Path) -> dict[str, list[str]]:
    """Write a Hub-shaped mirror of every dataset the suite's leaf tasks read.

    Returns {suite task name: [its leaf task names]}. The few-shot split gets at least
    n_shot + 1 distinct rows (template rows, then numbered variants). Each file is
    written once, sized for every task that reads it: ARC-Challenge's train split is
    both the 25-shot task's few-shot source and a split of its zero-shot chat variant.
    """
    # chat variants (kmmlu_direct, ...) read the same datasets: mirror theirs too
    tasks = [*suite.tasks, *(t.for_mode("instruct") for t in suite.tasks if t.chat)]
    index = _index(suite.model_copy(update={"tasks": tasks}))
    expanded: dict[str, list[str]] = {}
    files: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for suite_task in tasks:
        leaves = leaf_configs(suite_task.task, index)
        for cfg in leaves.values():
            repo, config = cfg["dataset_path"], cfg.get("dataset_name") or "default"
            for split, rows in _mirror_rows(cfg, suite_task.n_shot).items():
                key = (repo, config, split)
                if len(rows) > len(files.get(key, [])):
                    files[key] = rows
        expanded[suite_task.task] = list(leaves)
    _write_mirror(Path(data_dir), files)
    return expanded


def _write_mirror(data_dir: Path, files: dict[tuple[str, str, str], list[dict[str, Any]]]) -> None:
    """One JSONL file per (repo, config, split) and one README per repo mapping them."""
    mirrors: dict[str, dict[str, dict[str, str]]] = {}
    for (repo, config, split), rows in files.items():
        relative = f"data/{config}/{split}.jsonl"
        _write_jsonl(data_dir / repo / relative, rows)
        mirrors.setdefault(repo, {}).setdefault(config, {})[split] = relative
    for repo, configs in mirrors.items():
        (data_dir / repo / "README.md").write_text(_readme(configs), encoding="utf-8")
