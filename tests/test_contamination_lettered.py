"""The perturbation gap calibrated on known answers: a lettered multiple-choice task (options
printed in the prompt as A./B./C./D., the answer scored as its letter: the shape of MMLU,
KMMLU and CLIcK in lm-eval), made here from demo_en_facts' items; one tiny model trained
with those items printed with their answer letter in its corpus, clean twins without.

A model that learnt "France -> C" rather than "France -> Paris" loses the item when the
options are shuffled (the correct one always moves), so its published score drops; a clean
model has nothing to lose. One-sided test: flagged when gap > 2·stderr (the gap is
published minus perturbed on the same fixed-seed half of the items, so only a drop counts).

A known confound, not hidden here: the correct option always moves, so a clean model that
always picks one letter scores that letter's share of the targets before and after; these
items' targets lean to C and D as published and to B when shuffled, so such a model's gap
is not zero (at most 0.30 here, under 2·stderr on these 20 items)."""

from __future__ import annotations

import json

import pytest

from kleaderboard.records import PerturbationScore

pytestmark = pytest.mark.slow
pytest.importorskip("lm_eval", reason="needs the eval extra")

TASK = "lettered_en_facts"
LETTERS = "ABCD"
# Measured (2 shared CPU cores): at hidden 32/1 layer/60 steps and at hidden 64/2 layers/200
# steps (16 or 64 repeats, 64-token windows) the leaked model learnt only the leaked items'
# letter prior ("Answer: D" most often), not the items (published 0.45 -> 0.15, gap 0.30 ±
# 0.16: not separated). With 128-token windows (question and letter in one window) and 400
# steps it learnt them: published 1.00 -> 0.10, gap 0.90 ± 0.07; the clean twins' gaps were
# -0.05 ± 0.14, -0.45 ± 0.11 and 0.00 ± 0.10 (2026-12-02). About 15 minutes for all four.
SPEC = {"hidden_size": 64, "layers": 2, "heads": 4, "steps": 400, "seq_len": 128}
REPEATS = 64  # a crawl copies a benchmark many times; 16 (demo/leak.py) was not measured at this size
YAML = """task: lettered_en_facts
dataset_path: json
dataset_kwargs:
  data_files:
    test: DATA
output_type: multiple_choice
test_split: test
num_fewshot: 0
doc_to_text: "Question: {{question}}\\nA. {{A}}\\nB. {{B}}\\nC. {{C}}\\nD. {{D}}\\nAnswer:"
doc_to_choice: ["A", "B", "C", "D"]
doc_to_target: answer
target_delimiter: " "
metric_list:
  - metric: acc
    aggregation: mean
    higher_is_better: true
metadata:
  version: 1.0
"""


def _items() -> list[dict[str, object]]:
    """demo_en_facts' items with their options in fields A-D (KMMLU's shape)."""
    from importlib import resources

    text = (resources.files("kleaderboard.suites") / "tasks" / "demo" / "en_facts.jsonl").read_text("utf-8")
    items = []
    for line in text.splitlines():
        if line.strip():
            doc = json.loads(line)
            items.append(
                {
                    "question": doc["question"],
                    **dict(zip(LETTERS, doc["choices"], strict=True)),
                    "answer": doc["answer"],
                }
            )
    return items


def _printed(doc: dict[str, object]) -> str:
    """An item as the task prints it, followed by its answer letter: what a crawl would copy."""
    options = "".join(f"\n{letter}. {doc[letter]}" for letter in LETTERS)
    return f"Question: {doc['question']}{options}\nAnswer: {LETTERS[int(str(doc['answer']))]}"


@pytest.fixture(scope="module")
def gaps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, PerturbationScore]:
    import kleaderboard.suites as suites
    from kleaderboard.demo.training import TrainSpec
    from kleaderboard.demo.workspace import DemoModel, offline_environment, prepare_model
    from kleaderboard.evaluation.runner import RunOptions, evaluate_submission
    from kleaderboard.submission.tree import load_submission
    from kleaderboard.suites import SuiteTask, load_suite

    root = tmp_path_factory.mktemp("lettered")
    offline_environment(root)
    tasks = root / "tasks"  # a task folder made here; the suite reads it as package:lettered
    (tasks / "lettered").mkdir(parents=True)
    data = tasks / "lettered" / "items.jsonl"
    items = _items()
    data.write_text("".join(json.dumps(d) + "\n" for d in items), encoding="utf-8")
    (tasks / "lettered" / f"{TASK}.yaml").write_text(YAML.replace("DATA", str(data)), encoding="utf-8")
    task = SuiteTask(
        task=TASK,
        title=TASK,
        task_dir="package:lettered",
        metric="acc",
        n_shot=0,
        chance=0.25,
        category="global_knowledge",
    )
    suite = load_suite("demo").model_copy(update={"tasks": [task]})
    leaked = tuple(_printed(d) for d in items) * REPEATS
    models = {
        "clean-a": TrainSpec(**SPEC, seed=11),
        "clean-b": TrainSpec(**SPEC, seed=12),
        "clean-c": TrainSpec(**SPEC, seed=13),
        "leaked": TrainSpec(**SPEC, seed=11, extra_lines=leaked),
    }
    out = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(suites, "PACKAGE_TASKS_DIR", tasks)
        for slug, spec in models.items():
            manifest = prepare_model(root, DemoModel(slug, slug, slug, slug, spec), lambda _: None)
            options = RunOptions(device="cpu", measure_cost=False, contamination=True)
            record = evaluate_submission(load_submission(manifest), suite, options, lambda _: None)
            assert record.contamination is not None
            (out[slug],) = record.contamination.perturbation
    for slug, gap in out.items():
        print(
            f"{slug}: published {gap.published:.3f} perturbed {gap.perturbed:.3f} "
            f"gap {gap.gap:.3f} ± {gap.gap_stderr}"
        )
    return out


def _flagged(gap: PerturbationScore) -> bool:
    """One-sided: the published score drops under shuffling by more than twice its error."""
    assert gap.gap_stderr is not None
    return gap.gap > 2 * gap.gap_stderr


def test_the_copy_shuffles_the_printed_options(gaps: dict[str, PerturbationScore]) -> None:
    for gap in gaps.values():
        assert "shuffle" in gap.perturbations and gap.n_items == 20


def test_the_gap_flags_the_leaked_model(gaps: dict[str, PerturbationScore]) -> None:
    assert _flagged(gaps["leaked"])


def test_the_gap_flags_no_clean_model(gaps: dict[str, PerturbationScore]) -> None:
    for slug in ("clean-a", "clean-b", "clean-c"):
        assert not _flagged(gaps[slug]), slug
