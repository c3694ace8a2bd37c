"""The contamination pass on models trained here, on demo_en_facts alone: one with its test
items in its corpus, three without, and the demo's private slice (same style, same frame,
in no corpus) as the membership controls. Calibration on known answers: the leaked model
must be flagged against the clean ones, and no clean model against the others."""

from __future__ import annotations

import json

import pytest

from kleaderboard.records import RunRecord

pytestmark = pytest.mark.slow
pytest.importorskip("lm_eval", reason="needs the eval extra")

SPEC = {"hidden_size": 32, "layers": 1, "heads": 2, "steps": 60}


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> dict[str, RunRecord]:
    from kleaderboard.demo.leak import LEAKED_TASK, leaked_lines, private_dir
    from kleaderboard.demo.training import TrainSpec
    from kleaderboard.demo.workspace import DemoModel, offline_environment, prepare_model
    from kleaderboard.evaluation.runner import RunOptions, evaluate_submission
    from kleaderboard.submission.tree import load_submission
    from kleaderboard.suites import load_suite

    root = tmp_path_factory.mktemp("contamination")
    offline_environment(root)
    demo = load_suite("demo")
    suite = demo.model_copy(update={"tasks": [t for t in demo.tasks if t.task == LEAKED_TASK]})
    private = root / "private"  # a private folder made in the test, holding the demo's slice
    private.mkdir()
    (private / f"{LEAKED_TASK}.jsonl").write_bytes((private_dir() / f"{LEAKED_TASK}.jsonl").read_bytes())
    models = {
        "clean-a": TrainSpec(**SPEC, seed=11),
        "clean-b": TrainSpec(**SPEC, seed=12),
        "clean-c": TrainSpec(**SPEC, seed=13),
        "leaked": TrainSpec(**SPEC, seed=11, extra_lines=leaked_lines()),
    }
    out = {}
    for slug, spec in models.items():
        manifest = prepare_model(root, DemoModel(slug, slug, slug, slug, spec), lambda _: None)
        options = RunOptions(device="cpu", measure_cost=False, contamination=True, private_dir=private)
        out[slug] = evaluate_submission(load_submission(manifest), suite, options, lambda _: None)
    return out


def _auc(record: RunRecord, statistic: str) -> float:
    assert record.contamination is not None
    return next(s.auc for s in record.contamination.membership if s.statistic == statistic)


@pytest.mark.parametrize("statistic", ["min_k", "min_k_plus_plus"])
def test_membership_flags_the_leaked_model_and_no_clean_one(
    records: dict[str, RunRecord], statistic: str
) -> None:
    # Published items against private items in the same frame: the clean models' null is
    # the panel the site uses (one-sided z, leave-one-out for a model in the panel).
    from kleaderboard.contamination import auc_null_se, z_against

    clean = {slug: _auc(records[slug], statistic) for slug in ("clean-a", "clean-b", "clean-c")}
    leaked = _auc(records["leaked"], statistic)
    print(f"{statistic}: leaked AUC {leaked:.3f}, clean AUCs {sorted(clean.values())}")
    assert leaked > max(clean.values())
    signal = next(s for s in records["leaked"].contamination.membership if s.statistic == statistic)
    floor = auc_null_se(signal.n_items, signal.n_controls)  # as the model page reads it
    assert z_against(leaked, list(clean.values()), floor).unusual
    for slug, value in clean.items():
        assert not z_against(value, [v for s, v in clean.items() if s != slug], floor).unusual, slug


def test_the_record_keeps_figures_counts_and_a_hash_never_private_items(
    records: dict[str, RunRecord],
) -> None:
    record = records["leaked"]
    from kleaderboard.demo.leak import private_dir

    assert record.schema_version == 3
    assert record.contamination is not None
    (private,) = record.contamination.private
    lines = (private_dir() / "demo_en_facts.jsonl").read_text(encoding="utf-8").splitlines()
    assert private.n_items == len(lines)
    assert len(private.items_sha256) == 64
    text = json.dumps(record.model_dump(mode="json"))
    assert "Austria" not in text and "Nairobi" not in text
    assert {(s.task, s.controls[0]) for s in record.contamination.membership} == {
        ("demo_en_facts", "private")
    }
    assert all(s.n_controls == len(lines) and s.n_items == 40 for s in record.contamination.membership)
    (gap,) = record.contamination.perturbation
    assert gap.perturbations == ["reword"]  # options are scored one by one: only the frame can change
    # the copy scores a fixed-seed half of the items, each paired with its published score
    assert gap.n_items == 20 and gap.gap_stderr is not None
    assert gap.published * gap.n_items == pytest.approx(round(gap.published * gap.n_items))
    assert record.contamination.requests > 0 and record.contamination.tokens > 0


def test_the_perturbation_gap_of_clean_models_is_within_its_error(records: dict[str, RunRecord]) -> None:
    # On a task whose options are scored one by one only the frame is reworded; a tiny model
    # that learnt the answers keeps them under a new frame, so the gap is no evidence here
    # (the methodology page says so) — but it must not accuse a clean model either.
    for slug in ("clean-a", "clean-b", "clean-c"):
        contamination = records[slug].contamination
        assert contamination is not None
        (gap,) = contamination.perturbation
        assert abs(gap.gap) <= 2 * (gap.gap_stderr or 0) + 0.05


def test_a_run_without_the_pass_stays_version_1(records: dict[str, RunRecord]) -> None:
    data = records["clean-a"].model_dump(mode="json")
    data.update(schema_version=1, contamination=None)
    assert RunRecord.model_validate(data).schema_version == 1
    with pytest.raises(ValueError, match="does not match the contamination block"):
        RunRecord.model_validate({**data, "schema_version": 3})


def test_the_perturbed_sample_is_fixed_half_and_within_the_limit() -> None:
    from kleaderboard.evaluation import adapter

    first = adapter._sample(40, "demo_en_facts")
    assert first == adapter._sample(40, "demo_en_facts") and len(first) == 20
    assert first != adapter._sample(40, "demo_ko_facts")  # each leaf its own sample
    assert first <= set(range(40)) and adapter._sample(3, "x") <= {0, 1, 2}
    assert len(adapter._sample(1, "x")) == 1 and adapter._sample(0, "x") == set()
