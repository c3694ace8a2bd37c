"""The runner with the real lm-eval on CPU: records, failures and crashes."""

from __future__ import annotations

import json
import shutil
import signal
import time
from pathlib import Path

import pytest

from kleaderboard.errors import EvaluationError
from kleaderboard.submission.tree import load_submission, read_record
from kleaderboard.suites import load_suite
from tests.pr_fixtures import TINY_LOCAL_MANIFEST

pytest.importorskip("lm_eval", reason="needs the eval extra")
pytestmark = pytest.mark.slow

from kleaderboard.evaluation.runner import RunOptions, evaluate_submission  # noqa: E402


def make_local_submission(root: Path, model_dir: Path) -> Path:
    folder = root / "submissions" / "test-team" / "tiny"
    folder.mkdir(parents=True)
    shutil.copytree(model_dir, folder / "model")
    (folder / "submission.yaml").write_text(TINY_LOCAL_MANIFEST, encoding="utf-8")
    return folder / "submission.yaml"


def with_modes(path: Path, modes: str) -> Path:
    """Declare chat modes (with the chat template and a think-end token) in a test manifest."""
    text = path.read_text(encoding="utf-8").replace(
        "  architecture: 1-layer Llama\n",
        f"  architecture: 1-layer Llama\n  modes: [{modes}]\n  chat_template: true\n"
        "  think_end_token: </think>\n",
    )
    path.write_text(text, encoding="utf-8")
    return path


def test_run_writes_a_complete_record(tmp_path: Path, tiny_model: Path) -> None:
    sub = load_submission(make_local_submission(tmp_path, tiny_model))
    suite = load_suite("demo")
    lines: list[str] = []
    record = evaluate_submission(sub, suite, RunOptions(device="cpu", limit=6), lines.append)
    assert record.status == "succeeded", record.error
    assert [s.task for s in record.scores] == [t.task for t in suite.tasks]
    for score, task in zip(record.scores, suite.tasks, strict=True):
        assert score.metric == task.metric_key
        assert 0.0 <= score.value <= 1.0
        assert score.n_samples == 6
        assert score.task_hash and len(score.task_hash) == 64
    assert record.settings.device == "cpu" and record.settings.limit == 6
    assert record.measured.hardware_kind == "cpu"
    assert record.measured.tokens_processed and record.measured.tokens_processed > 0
    assert "model.safetensors" in record.model.file_hashes
    assert record.environment.libraries["lm-eval"] == "0.4.13"
    assert any("[4/4]" in line for line in lines)  # progress per task
    stored = read_record(sub.runs_dir / f"{record.run_id}.json")
    assert stored == record


def test_same_settings_give_the_same_scores(tmp_path: Path, tiny_model: Path) -> None:
    sub = load_submission(make_local_submission(tmp_path, tiny_model))
    suite = load_suite("demo")
    first = evaluate_submission(sub, suite, RunOptions(device="cpu", limit=4), lambda _: None)
    (sub.runs_dir / f"{first.run_id}.json").rename(sub.runs_dir / "first.json")
    second = evaluate_submission(sub, suite, RunOptions(device="cpu", limit=4, force=True), lambda _: None)
    assert [(s.value, s.task_hash) for s in first.scores] == [(s.value, s.task_hash) for s in second.scores]


def test_model_that_fails_to_load_gives_a_failed_record(tmp_path: Path, tiny_model: Path) -> None:
    path = make_local_submission(tmp_path, tiny_model)
    (path.parent / "model" / "config.json").write_text("{ not json", encoding="utf-8")
    sub = load_submission(path)
    record = evaluate_submission(sub, load_suite("demo"), RunOptions(device="cpu", limit=2), print)
    assert record.status == "failed"
    assert record.error and "the model could not be loaded" in record.error
    assert record.scores == []
    saved = json.loads((sub.runs_dir / f"{record.run_id}.json").read_text(encoding="utf-8"))
    assert saved["status"] == "failed"


def test_killed_run_leaves_no_record(tmp_path: Path, tiny_model: Path) -> None:
    sub = load_submission(make_local_submission(tmp_path, tiny_model))

    def interrupt(line: str) -> None:
        if "[1/4]" in line:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        evaluate_submission(sub, load_suite("demo"), RunOptions(device="cpu", limit=2), interrupt)
    assert not sub.runs_dir.exists() or list(sub.runs_dir.iterdir()) == []


def test_unchanged_rerun_writes_nothing_and_loads_no_model(tmp_path: Path, tiny_model: Path) -> None:
    sub = load_submission(make_local_submission(tmp_path, tiny_model))
    suite = load_suite("demo")
    first = evaluate_submission(sub, suite, RunOptions(device="cpu", limit=3), lambda _: None)
    lines: list[str] = []
    again = evaluate_submission(sub, suite, RunOptions(device="cpu", limit=3), lines.append)
    assert again == first
    assert len(list(sub.runs_dir.glob("*.json"))) == 1
    assert any(line.startswith("up to date: run " + first.run_id) for line in lines)
    assert not any("loading" in line for line in lines)


def test_adding_a_task_evaluates_only_the_new_task(tmp_path: Path, tiny_model: Path) -> None:
    sub = load_submission(make_local_submission(tmp_path, tiny_model))
    full = load_suite("demo")
    smaller = full.model_copy(update={"tasks": full.tasks[:3], "categories": full.categories[:3]})
    first = evaluate_submission(sub, smaller, RunOptions(device="cpu", limit=3), lambda _: None)
    bigger = full.model_copy(update={"version": full.version + 1})
    second = evaluate_submission(sub, bigger, RunOptions(device="cpu", limit=3), lambda _: None)
    assert second.run_id != first.run_id
    reused = [s.task for s in second.scores if s.reused_from == first.run_id]
    fresh = [s.task for s in second.scores if s.reused_from is None]
    assert reused == [t.task for t in full.tasks[:3]]
    assert fresh == [full.tasks[3].task]
    assert [s.value for s in second.scores[:3]] == [s.value for s in first.scores]


def test_changed_limit_is_not_carried_over(tmp_path: Path, tiny_model: Path) -> None:
    sub = load_submission(make_local_submission(tmp_path, tiny_model))
    suite = load_suite("demo")
    evaluate_submission(sub, suite, RunOptions(device="cpu", limit=2), lambda _: None)
    second = evaluate_submission(sub, suite, RunOptions(device="cpu", limit=3), lambda _: None)
    assert all(s.reused_from is None for s in second.scores)
    assert {s.n_samples for s in second.scores} == {3}


def test_timeout_gives_a_failed_record_in_plain_words(tmp_path: Path, tiny_model: Path) -> None:
    sub = load_submission(make_local_submission(tmp_path, tiny_model))
    options = RunOptions(device="cpu", timeout_s=0.01)
    record = evaluate_submission(sub, load_suite("demo"), options, lambda _: None)
    assert record.status == "failed"
    assert record.error and "did not finish within its time limit of 0.0 s" in record.error


def test_a_model_that_loads_too_slowly_fails_on_its_own_limit(
    tmp_path: Path, tiny_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kleaderboard.evaluation import adapter

    real_load = adapter.load_model

    def slow_load(*args: object, **kwargs: object) -> object:
        time.sleep(3)
        return real_load(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(adapter, "load_model", slow_load)
    sub = load_submission(make_local_submission(tmp_path, tiny_model))
    options = RunOptions(device="cpu", limit=2, timeout_s=60, load_timeout_s=0.5, measure_cost=False)
    record = evaluate_submission(sub, load_suite("demo"), options, lambda _: None)
    assert record.status == "failed"
    assert record.error and record.error.startswith("the model did not load within its time limit of 0.5 s")
    assert "--load-timeout" in record.error
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0  # no timer left behind


def test_a_limit_that_passed_speaks_when_a_library_turned_its_exception_into_another() -> None:
    from kleaderboard.evaluation.runner import _time_limit

    # transformers caught the timer's exception while reading a model's configuration and raised
    # its own: the record said "could not be loaded", not that the time limit had passed
    limit = r"did not finish within its time limit of 0\.2 s"
    with pytest.raises(EvaluationError, match=limit) as raised, _time_limit(0.2):
        try:
            time.sleep(3)
        except EvaluationError as exc:
            raise OSError("Can't load the configuration of 'model'") from exc
    assert isinstance(raised.value.__cause__, OSError)
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0


def test_a_load_limit_gives_the_run_limit_back_with_what_is_left() -> None:
    from kleaderboard.evaluation.runner import LOAD_LIMIT, _time_limit

    with _time_limit(30) as outer:
        with _time_limit(5, LOAD_LIMIT):
            time.sleep(0.2)
        left = signal.getitimer(signal.ITIMER_REAL)[0]
        assert 29 < left < 29.9  # the run's limit runs on, less the time the load took
    outer.check()
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0


def test_when_the_run_limit_ends_first_it_speaks_during_the_load() -> None:
    from kleaderboard.evaluation.runner import LOAD_LIMIT, _time_limit

    with (
        pytest.raises(EvaluationError, match=r"^the evaluation did not finish within"),
        _time_limit(0.3),
        _time_limit(10, LOAD_LIMIT),
    ):
        time.sleep(2)
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0


def test_cost_figures_are_measured_and_labelled_cpu(tmp_path: Path, tiny_model: Path) -> None:
    sub = load_submission(make_local_submission(tmp_path, tiny_model))
    record = evaluate_submission(sub, load_suite("demo"), RunOptions(device="cpu", limit=2), print)
    measured = record.measured
    assert [p.concurrency for p in measured.serving] == [1, 4]
    for point in measured.serving:
        assert point.input_tokens == 48 and point.output_tokens == 16
        assert point.ttft_seconds > 0 and point.output_tokens_per_second > 0
    assert measured.structural is not None and measured.structural.attention == "mha"
    import torch
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(sub.folder / "model", dtype=torch.float32)
    real = sum(p.numel() for p in model.parameters())
    assert measured.structural.total_parameters == pytest.approx(real, rel=0.01)  # norms not counted
    assert measured.cost is not None and measured.cost.gpu is None
    assert "CPU figures" in measured.cost.note
    assert measured.cost.energy_wh is None and "no GPU energy counter" in measured.cost.note


def test_think_modes_use_the_chat_template_with_thinking_switched(
    tmp_path: Path, tiny_chat_model: Path
) -> None:
    sub = load_submission(with_modes(make_local_submission(tmp_path, tiny_chat_model), "think_on, think_off"))
    demo = load_suite("demo")
    # thinking models answer in text: only the generative task can run with thinking on
    suite = demo.model_copy(update={"tasks": demo.tasks[3:], "categories": demo.categories[3:]})
    on = evaluate_submission(sub, suite, RunOptions(device="cpu", limit=3, measure_cost=False), print)
    off = evaluate_submission(
        sub, suite, RunOptions(device="cpu", limit=3, measure_cost=False, mode="think_off"), print
    )
    assert on.status == off.status == "succeeded", (on.error, off.error)
    assert (on.settings.mode, off.settings.mode) == ("think_on", "think_off")
    assert on.settings.apply_chat_template and on.settings.fewshot_as_multiturn
    assert on.settings.model_args["enable_thinking"] is True
    assert off.settings.model_args["enable_thinking"] is False
    assert "-think_on-" in on.run_id and "-think_off-" in off.run_id
    # the prompts differ (the template adds <no_think>), so the task hashes differ
    assert [s.task_hash for s in on.scores] != [s.task_hash for s in off.scores]


def test_undeclared_mode_is_refused(tmp_path: Path, tiny_model: Path) -> None:
    from kleaderboard.errors import InputError

    sub = load_submission(make_local_submission(tmp_path, tiny_model))
    with pytest.raises(InputError, match="does not declare mode 'instruct' \\(it declares base\\)"):
        evaluate_submission(sub, load_suite("demo"), RunOptions(device="cpu", mode="instruct"), print)


def test_think_on_with_likelihood_tasks_is_refused_up_front(tmp_path: Path, tiny_chat_model: Path) -> None:
    from kleaderboard.errors import InputError

    sub = load_submission(with_modes(make_local_submission(tmp_path, tiny_chat_model), "think_on"))
    with pytest.raises(InputError, match="think_on mode needs generative tasks, but demo_ko_facts"):
        evaluate_submission(sub, load_suite("demo"), RunOptions(device="cpu", limit=2), print)
    assert not sub.runs_dir.exists()


def test_local_completions_backend_matches_the_hf_backend(tmp_path: Path, tiny_model: Path) -> None:
    from .openai_server import completions_server

    sub = load_submission(make_local_submission(tmp_path, tiny_model))
    suite = load_suite("demo")
    local = evaluate_submission(sub, suite, RunOptions(device="cpu", limit=5, measure_cost=False), print)
    with completions_server(sub.folder / "model") as url:
        remote = evaluate_submission(
            sub,
            suite,
            RunOptions(device="cpu", limit=5, backend="local-completions", base_url=url, batch_size=1),
            print,
        )
    assert remote.status == "succeeded", remote.error
    assert remote.settings.backend == "local-completions"
    assert remote.measured.serving == []  # a remote server's cost is not ours to measure
    assert [s.value for s in remote.scores] == pytest.approx([s.value for s in local.scores])


def test_killed_run_resumes_from_the_response_cache(tmp_path: Path, tiny_model: Path) -> None:
    import sqlite3

    sub = load_submission(make_local_submission(tmp_path, tiny_model))
    suite = load_suite("demo")
    cache = tmp_path / "cache"

    def interrupt(line: str) -> None:
        if "[2/4]" in line:
            raise KeyboardInterrupt

    options = RunOptions(device="cpu", limit=4, cache_dir=cache, measure_cost=False)
    with pytest.raises(KeyboardInterrupt):
        evaluate_submission(sub, suite, options, interrupt)
    assert not sub.runs_dir.exists()  # no half-written record
    (db,) = cache.glob("*.db")
    with sqlite3.connect(db) as conn:
        cached = conn.execute("SELECT COUNT(*) FROM unnamed").fetchone()[0]
    assert cached > 0  # the responses of the finished tasks survived the kill
    resumed = evaluate_submission(sub, suite, options, lambda _: None)
    fresh = evaluate_submission(
        sub, suite, RunOptions(device="cpu", limit=4, measure_cost=False, force=True), lambda _: None
    )
    assert resumed.status == "succeeded"
    assert [s.value for s in resumed.scores] == [s.value for s in fresh.scores]


def test_time_limit_holds_even_when_a_library_swallows_the_exception() -> None:
    import contextlib
    import time

    from kleaderboard.errors import EvaluationError
    from kleaderboard.evaluation.runner import _time_limit

    with _time_limit(0.01) as deadline, contextlib.suppress(Exception):  # a careless library
        time.sleep(0.5)
    with pytest.raises(EvaluationError, match="did not finish within its time limit"):
        deadline.check()


def test_a_limit_that_passes_inside_a_finaliser_prints_no_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc
    import sys
    import time

    from kleaderboard.errors import EvaluationError
    from kleaderboard.evaluation.runner import _time_limit

    # the fresh-clone run: the timer's signal landed in a gc callback, where Python cannot
    # raise, so it printed "Exception ignored in ..." with a traceback; the deadline remembers
    # that it passed (check() speaks for it), so the traceback is only noise in the log
    reported: list[BaseException | None] = []

    def record(unraisable: sys.UnraisableHookArgs) -> None:
        reported.append(unraisable.exc_value)

    monkeypatch.setattr(sys, "unraisablehook", record)

    class SlowToFinalise:
        def __del__(self) -> None:
            time.sleep(0.5)

    with _time_limit(0.05) as deadline:
        SlowToFinalise()  # its finaliser runs here, and the limit passes inside it
        gc.collect()
    assert deadline.expired
    with pytest.raises(EvaluationError, match="did not finish within its time limit"):
        deadline.check()
    assert reported == []

    class Broken:  # anything else unraisable is still reported, as Python would
        def __del__(self) -> None:
            raise ValueError("a finaliser's own bug")

    with _time_limit(5):
        Broken()
    assert [type(exc) for exc in reported] == [ValueError]
    Broken()  # and the hook before the limit is back once it is over
    assert [type(exc) for exc in reported] == [ValueError, ValueError]
    assert sys.unraisablehook is record
