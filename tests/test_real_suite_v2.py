"""ko-global-v2's task configs, run offline on fixture mirrors in every mode.

lm-eval's own tasks (MMMLU Korean, CLIcK, HRM8K, MMLU-Pro, GPQA-Diamond, IFEval) run with
their YAML; the package's tasks (KMMLU-Pro, KMMLU-Redux, KoBALT-700, IFEval-Ko, AIME 2025
avg@k, HumanEval+ and MBPP+ in the sandbox, and the generative CLIcK and MMMLU variants)
with theirs. Only the data is local: mirrors shaped like the Hub repositories, rows in the
real column schemas (tests/lm_eval_fixtures.py). Budgets are cut to a few tokens.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kleaderboard.kinds import Mode
from kleaderboard.submission.tree import load_submission
from kleaderboard.suites import Suite, load_suite

pytest.importorskip("lm_eval", reason="needs the eval extra")
pytestmark = pytest.mark.slow

from kleaderboard.evaluation import adapter  # noqa: E402
from kleaderboard.evaluation.runner import RunOptions, evaluate_submission  # noqa: E402
from tests.pr_fixtures import TINY_LOCAL_MANIFEST as MANIFEST  # noqa: E402

from .lm_eval_fixtures import materialise  # noqa: E402

SUITE = "ko-global-v2"


def suite_for_tests() -> Suite:
    return load_suite(SUITE).capped(8)


@pytest.fixture(scope="module")
def mirror(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("hub-mirror-v2")
    materialise(load_suite(SUITE), data_dir)
    return data_dir


def test_every_task_and_chat_variant_resolves_in_its_own_folder() -> None:
    suite = load_suite(SUITE)
    tasks = [*suite.tasks, *(t.for_mode(Mode.instruct) for t in suite.tasks if t.chat)]
    tm = adapter.make_task_manager(tasks)
    for task in tasks:
        assert adapter.leaf_tasks(tm, task.task), task.task
    assert len(adapter.leaf_tasks(tm, "mmlu_pro")) == 14
    assert len(adapter.leaf_tasks(tm, "mmmlu_ko_kr")) == 57


def test_package_tasks_name_the_hub_datasets_to_pin() -> None:
    suite = load_suite(SUITE)
    tm = adapter.make_task_manager(suite.tasks)
    by_task = {t.task: adapter.hub_datasets(tm, t) for t in suite.tasks}
    assert by_task["kmmlu_pro"] == ["LGAI-EXAONE/KMMLU-Pro"]
    assert by_task["kobalt"] == ["snunlp/KoBALT-700"]
    assert by_task["humaneval_plus_sandboxed"] == ["evalplus/humanevalplus"]
    gated = sorted(t.task for t in suite.tasks if t.gated)
    assert gated == ["gpqa_diamond_cot_zeroshot", "kmmlu_pro", "kmmlu_redux"]


def test_every_mode_has_its_budget_and_sampling() -> None:
    suite = load_suite(SUITE)
    assert suite.generation_for(Mode.think_on).max_gen_toks >= 32768
    assert suite.generation_for(Mode.think_on).samples
    assert not suite.generation_for(Mode.base).samples
    capped = suite.capped(8)
    assert {capped.generation_for(m).max_gen_toks for m in Mode} == {8}


def _submission(tmp_path: Path, model: Path, mode: Mode) -> Path:
    folder = tmp_path / "submissions" / "test-team" / "tiny"
    folder.mkdir(parents=True)
    shutil.copytree(model, folder / "model")
    manifest = MANIFEST
    if mode is not Mode.base:
        manifest = manifest.replace(
            "  architecture: 1-layer Llama\n",
            f"  architecture: 1-layer Llama\n  modes: [{mode}]\n  chat_template: true\n"
            "  think_end_token: </think>\n",
        )
    (folder / "submission.yaml").write_text(manifest, encoding="utf-8")
    return folder / "submission.yaml"


@pytest.mark.parametrize("mode", list(Mode))
def test_whole_suite_runs_in_every_mode(
    mode: Mode, tmp_path: Path, tiny_model: Path, tiny_chat_model: Path, mirror: Path
) -> None:
    suite = suite_for_tests()
    model = tiny_model if mode is Mode.base else tiny_chat_model
    sub = load_submission(_submission(tmp_path, model, mode))
    options = RunOptions(
        device="cpu", backend="hf", batch_size=8, data_dir=mirror, measure_cost=False, limit=2
    )
    record = evaluate_submission(sub, suite, options, print)
    assert record.status == "succeeded", record.error
    expected = suite.for_mode(mode).tasks
    assert [s.task for s in record.scores] == [t.task for t in expected]
    for score, task in zip(record.scores, expected, strict=True):
        assert score.metric == task.metric_key
        assert 0.0 <= score.value <= 1.0
        assert score.n_samples > 0
    generation = suite.generation_for(mode)
    assert record.settings.max_gen_toks == 8
    assert record.settings.temperature == generation.temperature
    assert record.settings.top_p == (generation.top_p if generation.samples else None)
    aime = next(s for s in record.scores if s.task == "aime25_k")
    assert aime.repeats == (8 if generation.samples else 1)
    assert {s.repeats for s in record.scores if s.task != "aime25_k"} == {1}
