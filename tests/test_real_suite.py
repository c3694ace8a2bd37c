"""The production suite's REAL lm-eval task configs, run offline on fixture mirrors.

Every task of ko-global-v1 runs with lm-eval's own YAML (prompt, splits, few-shot,
metrics, filters, group aggregation); only the dataset is read from a local mirror of
the Hub repository with the real column schema (tests/lm_eval_fixtures.py). A suite that
only worked on demo data would fail here.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kleaderboard.submission.tree import load_submission
from kleaderboard.suites import Suite, load_suite

pytest.importorskip("lm_eval", reason="needs the eval extra")
pytestmark = pytest.mark.slow

from kleaderboard.evaluation import adapter  # noqa: E402
from kleaderboard.evaluation.runner import RunOptions, evaluate_submission  # noqa: E402
from tests.pr_fixtures import TINY_LOCAL_MANIFEST as MANIFEST  # noqa: E402

from .lm_eval_fixtures import _index, fewshot_source, leaf_configs, materialise  # noqa: E402


@pytest.fixture(scope="module")
def mirror(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[str]]]:
    data_dir = tmp_path_factory.mktemp("hub-mirror")
    return data_dir, materialise(load_suite("ko-global-v1"), data_dir)


def test_every_suite_task_resolves_in_its_own_folder() -> None:
    suite = load_suite("ko-global-v1")
    tm = adapter.make_task_manager(suite.tasks)
    for task in suite.tasks:
        assert adapter.leaf_tasks(tm, task.task), task.task
    assert len(adapter.leaf_tasks(tm, "kmmlu")) == 45
    assert len(adapter.leaf_tasks(tm, "mmlu")) == 57


def test_mirror_is_shaped_like_the_hub_repo(mirror: tuple[Path, dict[str, list[str]]]) -> None:
    data_dir, _ = mirror
    readme = (data_dir / "HAERAE-HUB" / "KMMLU" / "README.md").read_text(encoding="utf-8")
    assert "- config_name: Accounting" in readme and "split: dev" in readme


def test_each_few_shot_file_is_sized_for_every_task_that_reads_it(
    mirror: tuple[Path, dict[str, list[str]]],
) -> None:
    # ARC-Challenge's train split feeds both the 25-shot task and its zero-shot chat
    # variant; a mirror sized for the last task written failed the 25-shot one.
    data_dir, _ = mirror
    suite = load_suite("ko-global-v1")
    tasks = [*suite.tasks, *(t.for_mode("instruct") for t in suite.tasks if t.chat)]
    index = _index(suite.model_copy(update={"tasks": tasks}))
    for task in (t for t in tasks if t.n_shot):
        for cfg in leaf_configs(task.task, index).values():
            config = cfg.get("dataset_name") or "default"
            path = data_dir / cfg["dataset_path"] / "data" / config / f"{fewshot_source(cfg)}.jsonl"
            rows = path.read_text(encoding="utf-8").splitlines()
            assert len(rows) >= task.n_shot + 1, (task.task, path)
    arc = data_dir / "allenai" / "ai2_arc" / "data" / "ARC-Challenge" / "train.jsonl"
    assert len(arc.read_text(encoding="utf-8").splitlines()) == 26


def test_whole_production_suite_runs_on_real_configs(
    tmp_path: Path, tiny_model: Path, mirror: tuple[Path, dict[str, list[str]]]
) -> None:
    data_dir, _ = mirror
    suite = load_suite("ko-global-v1").model_copy(update={"max_gen_toks": 8})
    folder = tmp_path / "submissions" / "test-team" / "tiny"
    folder.mkdir(parents=True)
    shutil.copytree(tiny_model, folder / "model")
    (folder / "submission.yaml").write_text(MANIFEST, encoding="utf-8")
    sub = load_submission(folder / "submission.yaml")
    record = evaluate_submission(
        sub, suite, RunOptions(device="cpu", backend="hf", batch_size=8, data_dir=data_dir), print
    )
    assert record.status == "succeeded", record.error
    assert [s.task for s in record.scores] == [t.task for t in suite.tasks]
    by_task = {s.task: s for s in record.scores}
    for task in suite.tasks:
        score = by_task[task.task]
        assert score.metric == task.metric_key
        assert 0.0 <= score.value <= 1.0
        assert score.n_samples > 0
        assert score.n_shot == task.n_shot
    # groups are scored by lm-eval's own aggregation over all their leaves
    assert by_task["kmmlu"].n_samples >= 45 and by_task["mmlu"].n_samples >= 57


def test_missing_mirror_is_a_clear_failure(tmp_path: Path) -> None:
    suite = load_suite("ko-global-v1")
    with pytest.raises(
        adapter.EvaluationError, match="no local mirror of dataset HAERAE-HUB/KMMLU \\(read by 'kmmlu_"
    ):
        adapter.make_task_manager(suite.tasks[:1], tmp_path)


def test_chat_variants_run_through_the_chat_template(
    tmp_path: Path, tiny_chat_model: Path, mirror: tuple[Path, dict[str, list[str]]]
) -> None:
    data_dir, _ = mirror
    full = load_suite("ko-global-v1")
    with_variants = [t for t in full.tasks if t.chat]
    categories = [c for c in full.categories if any(t.category == c.id for t in with_variants)]
    suite = full.model_copy(update={"tasks": with_variants, "categories": categories, "max_gen_toks": 8})
    folder = tmp_path / "submissions" / "test-team" / "tiny"
    folder.mkdir(parents=True)
    shutil.copytree(tiny_chat_model, folder / "model")
    manifest = MANIFEST.replace(
        "  architecture: 1-layer Llama\n",
        "  architecture: 1-layer Llama\n  modes: [instruct]\n  chat_template: true\n",
    )
    (folder / "submission.yaml").write_text(manifest, encoding="utf-8")
    sub = load_submission(folder / "submission.yaml")
    options = RunOptions(device="cpu", backend="hf", batch_size=8, data_dir=data_dir, measure_cost=False)
    record = evaluate_submission(sub, suite, options, print)
    assert record.status == "succeeded", record.error
    assert record.settings.mode == "instruct" and record.settings.apply_chat_template
    assert [s.task for s in record.scores] == ["kmmlu_direct", "arc_challenge_chat", "mmlu_generative"]
    for score, task in zip(record.scores, suite.for_mode("instruct").tasks, strict=True):
        assert score.metric == task.metric_key


def test_a_pinned_dataset_is_recorded_and_moving_the_pin_re_evaluates_its_task(
    tmp_path: Path, tiny_model: Path, mirror: tuple[Path, dict[str, list[str]]]
) -> None:
    data_dir, _ = mirror
    full = load_suite("ko-global-v1")

    def pinned(revision: str) -> Suite:
        tasks = [t for t in full.tasks if t.task in ("kobest_boolq", "kobest_copa")]
        tasks[0] = tasks[0].model_copy(update={"dataset_revision": revision})
        categories = [c for c in full.categories if c.id == "ko_language_culture"]
        return full.model_copy(update={"tasks": tasks, "categories": categories})

    folder = tmp_path / "submissions" / "test-team" / "tiny"
    folder.mkdir(parents=True)
    shutil.copytree(tiny_model, folder / "model")
    (folder / "submission.yaml").write_text(MANIFEST, encoding="utf-8")
    sub = load_submission(folder / "submission.yaml")
    options = RunOptions(
        device="cpu", backend="hf", batch_size=8, data_dir=data_dir, measure_cost=False, limit=4
    )
    first = evaluate_submission(sub, pinned("1" * 40), options, print)
    assert first.status == "succeeded", first.error
    boolq, copa = first.scores
    assert (boolq.dataset_path, boolq.dataset_revision) == ("skt/kobest_v1", "1" * 40)
    assert (copa.dataset_path, copa.dataset_revision) == ("skt/kobest_v1", None)
    # the mirror stands for the pinned commit; moving the pin is a new input, not "up to date"
    second = evaluate_submission(sub, pinned("2" * 40), options, print)
    assert second.run_id != first.run_id
    boolq, copa = second.scores
    assert boolq.reused_from is None and boolq.dataset_revision == "2" * 40
    assert copa.reused_from == first.run_id and copa.dataset_path == "skt/kobest_v1"


def test_the_contamination_pass_runs_on_the_production_configs(
    tmp_path: Path, tiny_model: Path, mirror: tuple[Path, dict[str, list[str]]]
) -> None:
    # What the GPU runner runs (rerun with contamination ticked), on CPU: real configs with the
    # options shown in the prompt (kmmlu: shuffled), an English frame (arc: reworded), a
    # generative task (no perturbation), and a private slice made in the test for arc.
    import json

    data_dir, _ = mirror
    full = load_suite("ko-global-v1")
    tasks = [t for t in full.tasks if t.task in ("kmmlu", "arc_challenge", "gsm8k")]
    categories = [c for c in full.categories if any(t.category == c.id for t in tasks)]
    suite = full.model_copy(update={"tasks": tasks, "categories": categories, "max_gen_toks": 8})
    arc = data_dir / "allenai" / "ai2_arc" / "data" / "ARC-Challenge" / "test.jsonl"
    rows = [json.loads(line) for line in arc.read_text(encoding="utf-8").splitlines()[:3]]
    private = tmp_path / "private"
    private.mkdir()
    (private / "arc_challenge.jsonl").write_text(
        "".join(json.dumps({**r, "question": f"(unseen) {r['question']}"}) + "\n" for r in rows),
        encoding="utf-8",
    )
    folder = tmp_path / "submissions" / "test-team" / "tiny"
    folder.mkdir(parents=True)
    shutil.copytree(tiny_model, folder / "model")
    (folder / "submission.yaml").write_text(MANIFEST, encoding="utf-8")
    options = RunOptions(
        device="cpu",
        backend="hf",
        batch_size=8,
        data_dir=data_dir,
        measure_cost=False,
        limit=2,
        contamination=True,
        private_dir=private,
    )
    record = evaluate_submission(load_submission(folder / "submission.yaml"), suite, options, print)
    assert record.status == "succeeded", record.error
    block = record.contamination
    assert block is not None and block.requests > 0
    gaps = {g.task: g for g in block.perturbation}
    assert "shuffle" in gaps["kmmlu"].perturbations and "reword" in gaps["arc_challenge"].perturbations
    (slice_score,) = block.private
    assert (slice_score.task, slice_score.n_items) == ("arc_challenge", 3)
    assert {(s.task, s.statistic) for s in block.membership} == {
        ("arc_challenge", "min_k"),
        ("arc_challenge", "min_k_plus_plus"),
    }
    assert any(line.startswith("gsm8k: not multiple choice") for line in block.not_measured)
    assert any(line.startswith("kmmlu: membership not measured") for line in block.not_measured)
