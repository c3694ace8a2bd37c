"""Calibration on known answers: tiny models trained from zero (the null panel) and models derived from one.

The null panel is built from seeds 1..4 only; seed 0 is the base every derived model
comes from, so every independent pair tested below (seed 0 against the others, the
borrowed model against seeds 1..4) is scored against a null it took no part in.
"""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import numpy as np
import pytest

from kleaderboard.demo.provenance_models import EXPECTED, KnownModels, train_known_models
from kleaderboard.provenance import statistics as st
from kleaderboard.provenance.fingerprint import Fingerprint, fingerprint
from kleaderboard.provenance.model_files import open_local
from kleaderboard.provenance.null_panel import Calibrated, NullPanel, build_panel, score

pytestmark = pytest.mark.slow
SEEDS = 5


@pytest.fixture(scope="module")
def known(tmp_path_factory: pytest.TempPathFactory) -> KnownModels:
    return train_known_models(tmp_path_factory.mktemp("known"), seeds=SEEDS, progress=lambda _: None)


@pytest.fixture(scope="module")
def prints(known: KnownModels) -> dict[str, Fingerprint]:
    return {
        name: fingerprint(open_local(folder)) for name, folder in {**known.panel, **known.derived}.items()
    }


@pytest.fixture(scope="module")
def panel(prints: dict[str, Fingerprint]) -> NullPanel:
    return build_panel([prints[f"seed-{s}"] for s in range(1, SEEDS)])


def _flagged(scores: list[Calibrated]) -> set[str]:
    return {s.component for s in scores if s.flagged}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_every_derived_model_is_flagged_on_the_right_component(
    name: str, prints: dict[str, Fingerprint], panel: NullPanel
) -> None:
    flagged = _flagged(score(prints[name], prints["seed-0"], panel))
    expected = EXPECTED[name]
    if expected is None:  # derived as a whole: every layer carries the base's mark
        layers = {c.name for c in prints[name].components if c.layer is not None}
        assert layers <= flagged, f"{name}: not flagged {sorted(layers - flagged)}"
    else:  # one borrowed component, and nothing else
        assert flagged == {expected}


def test_no_independent_pair_is_flagged(prints: dict[str, Fingerprint], panel: NullPanel) -> None:
    others = [f"seed-{s}" for s in range(1, SEEDS)]
    pairs = [(a, b) for a, b in itertools.permutations(["seed-0", *others], 2) if "seed-0" in (a, b)]
    pairs += [("borrowed", other) for other in others]
    found = {(a, b): _flagged(score(prints[a], prints[b], panel)) for a, b in pairs}
    assert not any(found.values()), {pair: sorted(f) for pair, f in found.items() if f}


def test_the_disguised_copy_is_caught_by_invariants_not_by_hashes(
    prints: dict[str, Fingerprint], panel: NullPanel
) -> None:
    scores = score(prints["disguised"], prints["seed-0"], panel)
    assert all(s.value == 0 for s in scores if s.statistic == "exact")  # no tensor is byte-identical
    norm = [s for s in scores if s.statistic == "norm"]
    assert norm and all(s.value > 0.99 and s.flagged for s in norm)
    assert all(s.z is not None and s.percentile == 100.0 for s in norm)


def test_depth_up_scaling_matches_each_new_layer_to_a_base_layer(
    prints: dict[str, Fingerprint], panel: NullPanel
) -> None:
    scores = score(prints["upscaled"], prints["seed-0"], panel)
    matched = {
        s.component: s.matched for s in scores if s.statistic == "norm" and s.component.endswith("mlp")
    }
    assert matched == {
        "layers.0.mlp": "layers.0.mlp",
        "layers.1.mlp": "layers.1.mlp",
        "layers.2.mlp": "layers.0.mlp",
        "layers.3.mlp": "layers.1.mlp",
    }


def test_independent_norms_with_raw_cosine_above_0_9_have_a_centred_statistic_near_zero(
    known: KnownModels, prints: dict[str, Fingerprint], panel: NullPanel
) -> None:
    from safetensors.numpy import load_file

    weights = {n: load_file(known.panel[n] / "model.safetensors") for n in ("seed-0", "seed-1")}
    name = "model.layers.0.post_attention_layernorm.weight"
    raw = st.raw_cosine(weights["seed-0"][name], weights["seed-1"][name])
    assert raw > 0.9
    centred = next(
        s
        for s in score(prints["seed-1"], prints["seed-0"], panel)
        if s.component == "layers.0.mlp" and s.statistic == "norm"
    )
    assert abs(centred.value) < 0.4 and not centred.flagged
    derived = next(
        s
        for s in score(prints["continued"], prints["seed-0"], panel)
        if s.component == "layers.0.mlp" and s.statistic == "norm"
    )
    assert derived.value > centred.value + 0.4


def test_scores_are_calibrated_never_bare(prints: dict[str, Fingerprint], panel: NullPanel) -> None:
    scores = score(prints["finetune"], prints["seed-0"], panel)
    for s in scores:
        assert s.null_size >= 4 * 3  # ordered pairs of the four null seeds
        assert s.z is not None and s.percentile is not None
    assert np.isfinite([s.z for s in scores if s.z is not None]).all()


def test_the_command_writes_a_record_that_flags_the_disguised_copy(
    known: KnownModels, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kleaderboard.cli.main import main
    from kleaderboard.provenance.record import ProvenanceRecord
    from tests.pr_fixtures import TINY_LOCAL_MANIFEST

    registry = tmp_path / "registry"
    for name, folder in known.panel.items():
        assert (
            main(
                [
                    "provenance-reference",
                    f"demo/{name}",
                    "--weights",
                    str(folder),
                    "--registry",
                    str(registry),
                    "--independent",
                ]
            )
            == 0
        )
    assert main(["provenance-null-panel", "--registry", str(registry)]) == 0
    assert f"{SEEDS} independent model(s)" in capsys.readouterr().out
    submission = tmp_path / "submissions" / "test" / "tiny"
    shutil.copytree(known.derived["disguised"], submission / "model")
    (submission / "submission.yaml").write_text(TINY_LOCAL_MANIFEST, encoding="utf-8")
    assert main(["provenance", str(submission), "--registry", str(registry)]) == 0
    out = capsys.readouterr().out
    # Each flagged component of the disguised copy, with its statistic: the embeddings' Gram
    # matrix and the folded norms survive the permutation, sign flips and rescaling.
    (flagged,) = [line for line in out.splitlines() if line.startswith("weights vs demo/seed-0: flagged ")]
    assert "embeddings gram 1.000" in flagged and "layers.0.attention norm 1.000" in flagged
    assert "layers.1.mlp norm 1.000" in flagged
    assert "weights vs demo/seed-1: no component above its null panel" in out
    assert (
        "tokenizer vs demo/seed-1: vocabulary Jaccard 100.0 %, identical ids 100.0 %, shared merges 100.0 %"
        in out
    )
    (path,) = (submission / "provenance").glob("*.json")
    record = ProvenanceRecord.model_validate_json(path.read_text(encoding="utf-8"))
    assert record.submission == "test/tiny" and record.null_models == SEEDS
    assert len(record.references_searched) == SEEDS


def test_depth_up_scaling_is_detected_only_in_the_up_scaled_model(
    prints: dict[str, Fingerprint], panel: NullPanel
) -> None:
    from kleaderboard.provenance.record import ReferenceResult

    def repeated(name: str) -> dict[int, list[int]]:
        scores = score(prints[name], prints["seed-0"], panel)
        return ReferenceResult(reference="seed-0", revision=None, scores=scores).repeated_layers

    assert repeated("upscaled") == {0: [0, 2], 1: [1, 3]}
    assert {name: repeated(name) for name in EXPECTED if name != "upscaled"} == {
        name: {} for name in EXPECTED if name != "upscaled"
    }
