"""Architecture facts and detected innovations from config.json; tokenizer overlap from tokenizer.json."""

from __future__ import annotations

from kleaderboard.provenance.architecture import nearest, read_architecture
from kleaderboard.provenance.tokenizer_overlap import overlap, tokenizer_print
from kleaderboard.submission.manifest import InnovationTag as Tag

DEEPSEEK_V3 = {
    "model_type": "deepseek_v3", "num_hidden_layers": 61, "hidden_size": 7168, "num_attention_heads": 128,
    "num_key_value_heads": 128, "vocab_size": 129280, "n_routed_experts": 256, "num_experts_per_tok": 8,
    "n_shared_experts": 1, "q_lora_rank": 1536, "kv_lora_rank": 512, "rope_theta": 10000,
    "num_nextn_predict_layers": 1,
}  # fmt: skip
QWEN = {
    "model_type": "qwen2", "num_hidden_layers": 28, "hidden_size": 3584, "num_attention_heads": 28,
    "num_key_value_heads": 4, "vocab_size": 152064, "sliding_window": 131072, "use_sliding_window": False,
}  # fmt: skip
HYBRID = {"model_type": "gemma3_text", "num_attention_heads": 8, "num_key_value_heads": 1,
          "layer_types": ["sliding_attention"] * 5 + ["full_attention"], "sliding_window": 512}  # fmt: skip


def test_innovations_are_detected_from_the_config() -> None:
    deepseek = read_architecture(DEEPSEEK_V3)
    assert deepseek.detected == [Tag.mla, Tag.moe, Tag.multi_token_prediction]
    assert (deepseek.experts, deepseek.experts_per_token, deepseek.kv_lora_rank) == (256, 8, 512)
    assert read_architecture(QWEN).detected == [Tag.gqa]  # sliding window declared but switched off
    assert read_architecture(HYBRID).detected == [Tag.mqa, Tag.hybrid_attention, Tag.sliding_window]
    assert read_architecture({"text_config": QWEN}).hidden_size == 3584  # multimodal configs nest the LM


def test_nearest_architectures_rank_by_shared_facts() -> None:
    near = nearest(read_architecture({**DEEPSEEK_V3, "num_hidden_layers": 27}), {
        "qwen": read_architecture(QWEN), "deepseek": read_architecture(DEEPSEEK_V3)})  # fmt: skip
    assert [name for name, _ in near] == ["deepseek", "qwen"] and near[0][1] > 0.9


def _tokenizer(vocab: dict[str, int], merges: list[str]) -> dict:  # type: ignore[type-arg]
    return {
        "model": {"type": "BPE", "vocab": vocab, "merges": merges},
        "added_tokens": [{"id": 9, "content": "<s>"}],
    }


def test_tokenizer_overlap_shares() -> None:
    a = tokenizer_print(_tokenizer({"a": 0, "b": 1, "ab": 2, "c": 3}, ["a b", "ab c"]))
    b = tokenizer_print(_tokenizer({"a": 0, "b": 2, "ab": 1, "d": 3}, ["a b", "a d"]))
    assert a is not None and b is not None
    found = overlap(a, b, "ref")
    assert found.vocabulary_jaccard == round(4 / 6, 6)  # a, b, ab, <s> of a, b, ab, c, d, <s>
    assert found.identical_ids == round(2 / 5, 6)  # a -> 0 and <s> -> 9
    assert found.shared_merges == 0.5
    assert "a" not in a.tokens  # only digests are kept
