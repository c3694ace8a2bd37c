"""Structural cost against architectures whose published sizes are well known."""

from __future__ import annotations

import pytest

from kleaderboard.evaluation.structural_cost import UnsupportedConfig, structural_cost

# config.json fields as published for each model (only what the formulas read)
DEEPSEEK_V3 = {
    "hidden_size": 7168, "num_hidden_layers": 61, "num_attention_heads": 128, "vocab_size": 129280,
    "q_lora_rank": 1536, "kv_lora_rank": 512, "qk_nope_head_dim": 128, "qk_rope_head_dim": 64,
    "v_head_dim": 128, "intermediate_size": 18432, "moe_intermediate_size": 2048,
    "n_routed_experts": 256, "n_shared_experts": 1, "num_experts_per_tok": 8,
    "first_k_dense_replace": 3, "tie_word_embeddings": False,
}  # fmt: skip
LLAMA_3_8B = {
    "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32,
    "num_key_value_heads": 8, "vocab_size": 128256, "intermediate_size": 14336,
    "tie_word_embeddings": False,
}  # fmt: skip
MIXTRAL_8X7B = {**LLAMA_3_8B, "vocab_size": 32000, "num_local_experts": 8, "num_experts_per_tok": 2}


def test_deepseek_v3_mla_moe_matches_its_published_size() -> None:
    cost = structural_cost(DEEPSEEK_V3)
    assert cost.attention == "mla"
    assert cost.total_parameters / 1e9 == pytest.approx(671, abs=1)  # "671B total"
    assert cost.active_parameters / 1e9 == pytest.approx(37, abs=1)  # "37B activated"
    # MLA caches the 512-d latent plus the 64-d RoPE key per layer: 61 * 576 * 2 bytes
    assert cost.kv_cache_bytes_per_token == 61 * 576 * 2


def test_llama_3_8b_gqa() -> None:
    cost = structural_cost(LLAMA_3_8B)
    assert cost.attention == "gqa"
    assert cost.total_parameters / 1e9 == pytest.approx(8.03, abs=0.01)
    assert cost.active_parameters == cost.total_parameters
    assert cost.kv_cache_bytes_per_token == 2 * 32 * 8 * 128 * 2  # 128 KiB
    assert structural_cost(LLAMA_3_8B, dtype="float32").kv_cache_bytes_per_token == 2 * 32 * 8 * 128 * 4


def test_mixtral_routes_two_of_eight_experts() -> None:
    cost = structural_cost(MIXTRAL_8X7B)
    assert cost.total_parameters / 1e9 == pytest.approx(46.7, abs=0.1)
    assert cost.active_parameters / 1e9 == pytest.approx(12.9, abs=0.1)


def test_flops_grow_with_context() -> None:
    short = structural_cost(LLAMA_3_8B, context=1024).flops_per_token
    long = structural_cost(LLAMA_3_8B, context=8192).flops_per_token
    assert long - short == 4 * 32 * (8192 - 1024) * 32 * 128
    assert short > 2 * 7e9  # about twice the non-embedding parameters


def test_missing_fields_are_refused_not_guessed() -> None:
    with pytest.raises(UnsupportedConfig, match=r"config\.json has none of num_hidden_layers"):
        structural_cost({"hidden_size": 8, "num_attention_heads": 2, "vocab_size": 10})


def test_price_table_has_source_and_matches_driver_names() -> None:
    from kleaderboard.scoring.prices import price_table

    table = price_table()
    assert table.source.startswith("https://") and table.source_date and table.retrieved
    assert table.find("NVIDIA H100 80GB HBM3").name == "H100"
    assert table.find("NVIDIA H200").name == "H200"
    assert table.find("Intel Xeon") is None


def test_usd_per_million_tokens() -> None:
    from kleaderboard.scoring.prices import usd_per_million_tokens

    # 1,000 tokens/s on one $3.60/h GPU: 3.6 M tokens per hour for $3.60 -> $1 per 1M
    assert usd_per_million_tokens(3.6, 1, 1000) == pytest.approx(1.0)
    assert usd_per_million_tokens(3.6, 8, 1000) == pytest.approx(8.0)
    with pytest.raises(ValueError, match="throughput must be positive"):
        usd_per_million_tokens(3.6, 1, 0)


def test_energy_meter_says_why_without_a_gpu() -> None:
    from kleaderboard.evaluation.energy import EnergyMeter

    with EnergyMeter() as meter:
        pass
    assert meter.wh is None
    assert meter.reason and "no GPU energy counter" in meter.reason
