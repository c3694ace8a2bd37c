"""The contamination statistics (kleaderboard.contamination): pure functions, checked by hand."""

from __future__ import annotations

import math
from pathlib import Path
from types import SimpleNamespace as SimpleConfig

import pytest

from kleaderboard import contamination as stats


def test_min_k_averages_the_least_likely_fifth() -> None:
    logps = [-0.1, -0.2, -5.0, -0.3, -0.4, -0.5, -0.6, -0.7, -0.8, -4.0]
    assert stats.min_k_prob(logps) == pytest.approx((-5.0 - 4.0) / 2)
    assert stats.min_k_prob([-1.0, -2.0], k=0.2) == -2.0  # at least one token


def test_min_k_refuses_an_empty_item() -> None:
    with pytest.raises(ValueError, match="at least one token"):
        stats.min_k_prob([])


def test_normalised_token_score() -> None:
    assert stats.normalised_token_score(-1.0, -3.0, 4.0) == pytest.approx(1.0)
    assert stats.normalised_token_score(-1.0, -1.0, 0.0) == 0.0


def test_auc_counts_wins_and_half_ties() -> None:
    assert stats.auc([3, 4], [1, 2]) == 1.0
    assert stats.auc([1, 2], [3, 4]) == 0.0
    assert stats.auc([1, 3], [1, 2]) == pytest.approx((0.5 + 0 + 1 + 1) / 4)
    with pytest.raises(ValueError, match="both sides"):
        stats.auc([], [1])


def test_paired_gap_and_its_error() -> None:
    gap = stats.paired_gap([1, 1, 0, 1], [0, 1, 0, 0])
    assert (gap.published, gap.perturbed, gap.value, gap.n) == (0.75, 0.25, 0.5, 4)
    # differences 1, 0, 0, 1: sample sd = sqrt(1/3), stderr = sd / 2
    assert gap.stderr == pytest.approx(math.sqrt(1 / 3) / 2)
    assert stats.paired_gap([1], [0]).stderr is None
    with pytest.raises(ValueError, match="same non-empty items"):
        stats.paired_gap([1, 0], [1])


def test_z_against_the_clean_panel() -> None:
    position = stats.z_against(0.9, [0.5, 0.52, 0.48])
    assert position.z == pytest.approx((0.9 - 0.5) / 0.02)
    assert position.unusual
    assert not stats.z_against(0.51, [0.5, 0.52, 0.48]).unusual
    # one-sided: less familiar than the clean models is no evidence of contamination
    assert not stats.z_against(0.1, [0.5, 0.52, 0.48]).unusual
    assert stats.z_against(0.9, [0.5]).z is None  # one model gives no spread
    # a near-identical panel: the spread's floor keeps a tiny difference ordinary
    assert stats.z_against(0.505, [0.5, 0.5]).z == pytest.approx(0.5)


def test_the_spread_never_falls_below_the_aucs_own_sampling_error() -> None:
    # Two clean models 0.46 and 0.42 apart by chance (sd 0.028) against AUCs whose error is
    # 0.075 (40 items, 24 controls): a third clean model at 0.58 is 1.9 errors off, not 5.
    se = stats.auc_null_se(40, 24)
    assert se == pytest.approx(math.sqrt(65 / (12 * 40 * 24)))
    assert 0.074 < se < 0.076
    assert stats.z_against(0.58, [0.46, 0.42]).unusual  # the bare panel would accuse it
    position = stats.z_against(0.58, [0.46, 0.42], se)
    assert position.z == pytest.approx(0.14 / se) and not position.unusual
    assert position.null_sd == pytest.approx(0.04 / math.sqrt(2))  # the panel's own spread is kept
    with pytest.raises(ValueError, match="items on both sides"):
        stats.auc_null_se(0, 24)


# --- the perturbed copies (evaluation/adapter.py), on lm-eval-shaped configs ---------------


@pytest.mark.parametrize("index", range(12))
def test_a_shuffle_moves_the_correct_option_and_keeps_the_options(index: int) -> None:
    pytest.importorskip("lm_eval", reason="needs the eval extra")
    from kleaderboard.evaluation.adapter import _shuffled

    task = SimpleConfig(config=SimpleConfig(doc_to_choice="choices"))
    doc = {"question": "q", "choices": ["w", "x", "y", "z"], "answer": 2}
    moved, target = _shuffled(task, doc, index, 2)  # type: ignore[misc]
    assert sorted(moved["choices"]) == ["w", "x", "y", "z"]
    assert moved["choices"][target] == "y" and target != 2
    assert doc["choices"] == ["w", "x", "y", "z"]  # the published item is untouched
    again, _ = _shuffled(task, doc, index, 2)  # type: ignore[misc]
    assert again == moved  # a fixed seed: the same copy every run


def test_lettered_options_in_fields_are_shuffled_and_the_letters_stay() -> None:
    pytest.importorskip("lm_eval", reason="needs the eval extra")
    from kleaderboard.evaluation.adapter import _shuffled

    # KMMLU's shape: options in fields A-D, scored as letters, the answer a template
    task = SimpleConfig(config=SimpleConfig(doc_to_choice=["A", "B", "C", "D"]))
    doc = {"question": "q", "A": "w", "B": "x", "C": "y", "D": "z", "answer": 3}
    moved, target = _shuffled(task, doc, 0, 2)  # type: ignore[misc]
    assert "ABCD"[target] != "C" and moved["ABCD"[target]] == "y"
    assert sorted(moved[k] for k in "ABCD") == ["w", "x", "y", "z"]
    templated = SimpleConfig(config=SimpleConfig(doc_to_choice="{{[a, b]}}"))
    assert _shuffled(templated, doc, 0, 0) is None  # options a template builds: not shuffled


def test_rewording_changes_only_frame_words() -> None:
    pytest.importorskip("lm_eval", reason="needs the eval extra")
    from kleaderboard.evaluation.adapter import reword

    assert (
        reword("Question: What is the capital of France? Answer:") == "Q: What is the capital of France? A:"
    )
    assert reword("질문: 대한민국의 수도는 어디인가? 답:") == "문제: 대한민국의 수도는 어디인가? 응답:"
    assert reword("철수는") == "철수는"


def test_batched_token_statistics_match_one_text_at_a_time(tiny_model: Path) -> None:
    pytest.importorskip("lm_eval", reason="needs the eval extra")
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from kleaderboard.evaluation.adapter import token_statistics

    model = AutoModelForCausalLM.from_pretrained(tiny_model)
    lm = SimpleConfig(model=model, tokenizer=AutoTokenizer.from_pretrained(tiny_model))
    texts = ["Question: What is the capital of France? Answer: Paris", "짧은 문장", "a b c d e f g h"]
    batched = token_statistics(lm, texts, batch=3)  # type: ignore[arg-type]
    single = [token_statistics(lm, [t], batch=1)[0] for t in texts]  # type: ignore[arg-type]
    for (logp_b, norm_b), (logp_s, norm_s) in zip(batched, single, strict=True):
        assert logp_b == pytest.approx(logp_s, abs=1e-3) and norm_b == pytest.approx(norm_s, abs=1e-3)
    # the log-probabilities are the model's own: their sum is the sequence's log-likelihood
    ids = lm.tokenizer(texts[0], return_tensors="pt")["input_ids"]
    with torch.no_grad():
        loss = model(input_ids=ids, labels=ids).loss.item()
    assert sum(batched[0][0]) == pytest.approx(-loss * (ids.shape[1] - 1), rel=1e-4)


# --- the private held-out slice (evaluation/contamination_pass.py) ----------------------


def test_private_items_are_read_per_leaf_and_hashed(tmp_path: Path) -> None:
    from kleaderboard.evaluation.contamination_pass import items_hash, read_private_items

    (tmp_path / "demo_en_facts.jsonl").write_text('{"question": "q", "choices": ["a", "b"], "answer": 1}\n\n')
    items = read_private_items(tmp_path, ["demo_en_facts", "demo_ko_facts"])
    assert items == {"demo_en_facts": [{"question": "q", "choices": ["a", "b"], "answer": 1}]}
    digest = items_hash(items)
    assert len(digest) == 64 and digest == items_hash(
        {"demo_en_facts": [dict(reversed(items["demo_en_facts"][0].items()))]}
    )
    assert digest != items_hash({"demo_en_facts": [{"question": "q2", "choices": ["a", "b"], "answer": 1}]})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json\n", r"line 1: is not JSON .* — write one object a line"),
        ("[1, 2]\n", r"line 1: is not a JSON object"),
        ("\n", r"has no items — add items or remove the file"),
    ],
)
def test_bad_private_items_are_refused_naming_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    from kleaderboard.errors import InputError
    from kleaderboard.evaluation.contamination_pass import read_private_items

    (tmp_path / "t.jsonl").write_text(text)
    with pytest.raises(InputError, match=message):
        read_private_items(tmp_path, ["t"])


def test_a_missing_private_folder_is_refused(tmp_path: Path) -> None:
    from kleaderboard.errors import InputError
    from kleaderboard.evaluation.contamination_pass import read_private_items

    with pytest.raises(
        InputError, match=r"is not a folder — give --private-dir \(or \$KLEADERBOARD_PRIVATE_DIR\)"
    ):
        read_private_items(tmp_path / "nope", ["t"])
