"""Each mode's generation budget and sampling: the suite's, with the model card's sampling."""

from __future__ import annotations

from pathlib import Path

from kleaderboard.evaluation.settings import generation_of, run_generation
from kleaderboard.kinds import Mode
from kleaderboard.records import Settings
from kleaderboard.submission.tree import load_submission
from kleaderboard.suites import load_suite
from tests.pr_fixtures import TINY_LOCAL_MANIFEST

SAMPLING = "  sampling: {temperature: 1.0, top_p: 0.9, source: 'https://example.org/card'}\n"


def submission(tmp_path: Path, extra: str = ""):
    folder = tmp_path / "submissions" / "team" / "model"
    folder.mkdir(parents=True)
    text = TINY_LOCAL_MANIFEST.replace(
        "  architecture: 1-layer Llama\n",
        "  architecture: 1-layer Llama\n  modes: [think_on, base]\n  chat_template: true\n"
        "  think_end_token: </think>\n" + extra,
    )
    (folder / "submission.yaml").write_text(text, encoding="utf-8")
    return load_submission(folder / "submission.yaml")


def test_the_suite_sets_each_modes_budget_and_sampling(tmp_path: Path) -> None:
    sub = submission(tmp_path)
    suite = load_suite("ko-global-v2")
    think = run_generation(suite, Mode.think_on, sub)
    assert (think.max_gen_toks, think.temperature, think.top_p) == (32768, 0.6, 0.95)
    base = run_generation(suite, Mode.base, sub)
    assert (base.max_gen_toks, base.temperature, base.samples) == (2048, 0.0, False)
    # a suite without a generation block: greedy, up to its max_gen_toks
    assert run_generation(load_suite("ko-global-v1"), Mode.think_on, sub).max_gen_toks == 2048


def test_the_model_cards_sampling_replaces_the_suites_where_it_samples(tmp_path: Path) -> None:
    sub = submission(tmp_path, SAMPLING)
    suite = load_suite("ko-global-v2")
    think = run_generation(suite, Mode.think_on, sub)
    assert (think.max_gen_toks, think.temperature, think.top_p) == (32768, 1.0, 0.9)
    assert not run_generation(suite, Mode.base, sub).samples  # greedy modes stay greedy


def test_the_runner_reads_the_generation_back_from_the_settings() -> None:
    settings = Settings.model_validate(
        {
            "backend": "hf",
            "device": "cpu",
            "dtype": "float32",
            "batch_size": 1,
            "seeds": {},
            "apply_chat_template": True,
            "fewshot_as_multiturn": True,
            "max_gen_toks": 64,
            "temperature": 0.6,
            "top_p": 0.95,
            "model_args": {},
        }
    )
    generation = generation_of(settings)
    assert generation.generation_kwargs() == {
        "max_gen_toks": 64,
        "do_sample": True,
        "temperature": 0.6,
        "top_p": 0.95,
    }
