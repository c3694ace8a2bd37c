"""Structural inference cost from a model's config.json: what one token costs by design.

These are pure functions of the architecture, so they can be computed for any
model before (and without) running it, and they are the same on every runner:

* parameters in total and active per token (MoE routes each token to top-k experts);
* KV-cache bytes per token: ``2 * layers * kv_heads * head_dim * bytes`` for
  multi-head / grouped-query attention; for multi-head latent attention (MLA, as in
  DeepSeek-V2/V3 and A.X K1) only the compressed latent and the decoupled RoPE key
  are cached, ``layers * (kv_lora_rank + qk_rope_head_dim) * bytes``;
* forward FLOPs per token: ``2 * active parameters`` (each weight is one multiply
  and one add) plus attention over the context, ``4 * layers * context * heads *
  head_dim`` (scores and the weighted sum).

Supported families: Llama-style dense (Llama, Mistral, Qwen2, EXAONE-like GQA
models), Mixtral-style MoE, and DeepSeek-style MoE with MLA. Anything else gets a
clear ``UnsupportedConfig`` rather than a guess.
"""

from __future__ import annotations

from typing import Any

from kleaderboard.records import StructuralCostRecord

DTYPE_BYTES = {"float32": 4, "bfloat16": 2, "float16": 2, "fp8": 1}


class UnsupportedConfig(ValueError):
    """The config lacks a field the cost formulas need."""


def _get(config: dict[str, Any], *names: str) -> int:
    for name in names:
        value = config.get(name)
        if isinstance(value, int):
            return value
    raise UnsupportedConfig(f"config.json has none of {', '.join(names)}")


def _is_mla(config: dict[str, Any]) -> bool:
    return isinstance(config.get("kv_lora_rank"), int)


def _attention_params(config: dict[str, Any], hidden: int, heads: int) -> int:
    if _is_mla(config):
        nope, rope = _get(config, "qk_nope_head_dim"), _get(config, "qk_rope_head_dim")
        v_dim, kv_rank = _get(config, "v_head_dim"), _get(config, "kv_lora_rank")
        q_rank = config.get("q_lora_rank")
        q_out = heads * (nope + rope)
        q = hidden * q_rank + q_rank * q_out if q_rank else hidden * q_out
        kv = hidden * (kv_rank + rope) + kv_rank * heads * (nope + v_dim)
        return q + kv + heads * v_dim * hidden
    head_dim = config.get("head_dim") or hidden // heads
    kv_heads = config.get("num_key_value_heads") or heads
    return hidden * head_dim * (2 * heads + 2 * kv_heads)


def _moe_shape(config: dict[str, Any]) -> tuple[int, int, int, int] | None:
    """(experts, active experts, shared experts, expert width) or None for a dense model."""
    experts = config.get("n_routed_experts") or config.get("num_local_experts")
    if not experts:
        return None
    top_k = _get(config, "num_experts_per_tok")
    width = config.get("moe_intermediate_size") or _get(config, "intermediate_size")
    return experts, top_k, config.get("n_shared_experts") or 0, width


def _layer_mlp(config: dict[str, Any], hidden: int, layer: int) -> tuple[int, int]:
    """(total, active) MLP parameters of one layer (SwiGLU: three matrices)."""
    moe = _moe_shape(config)
    dense_layers = config.get("first_k_dense_replace") or 0
    if moe is None or layer < dense_layers:
        size = 3 * hidden * _get(config, "intermediate_size")
        return size, size
    experts, top_k, shared, width = moe
    expert = 3 * hidden * width
    router = hidden * experts
    return router + (experts + shared) * expert, router + (top_k + shared) * expert


def _kv_bytes(config: dict[str, Any], layers: int, heads: int, hidden: int, width: int) -> int:
    if _is_mla(config):
        return layers * (_get(config, "kv_lora_rank") + _get(config, "qk_rope_head_dim")) * width
    head_dim = config.get("head_dim") or hidden // heads
    kv_heads = config.get("num_key_value_heads") or heads
    return 2 * layers * kv_heads * head_dim * width


def _attention_kind(config: dict[str, Any], heads: int) -> str:
    if _is_mla(config):
        return "mla"
    kv_heads = config.get("num_key_value_heads") or heads
    return "mha" if kv_heads == heads else ("mqa" if kv_heads == 1 else "gqa")


def structural_cost(
    config: dict[str, Any], dtype: str = "bfloat16", context: int = 4096
) -> StructuralCostRecord:
    """Parameters, KV-cache bytes and FLOPs per token of a Hugging Face config.json."""
    hidden = _get(config, "hidden_size")
    layers = _get(config, "num_hidden_layers")
    heads = _get(config, "num_attention_heads")
    vocab = _get(config, "vocab_size")
    attention = _attention_params(config, hidden, heads)
    mlp = [_layer_mlp(config, hidden, layer) for layer in range(layers)]
    embeddings = vocab * hidden * (1 if config.get("tie_word_embeddings") else 2)
    total = layers * attention + sum(t for t, _ in mlp) + embeddings
    active = layers * attention + sum(a for _, a in mlp) + embeddings
    head_dim = (
        _get(config, "qk_nope_head_dim") + _get(config, "qk_rope_head_dim")
        if _is_mla(config)
        else config.get("head_dim") or hidden // heads
    )
    matmul_params = active - vocab * hidden  # the input embedding is a lookup, not a matmul
    flops = 2 * matmul_params + 4 * layers * context * heads * head_dim
    width = DTYPE_BYTES[dtype]
    return StructuralCostRecord(
        attention=_attention_kind(config, heads),
        layers=layers,
        total_parameters=total,
        active_parameters=active,
        kv_cache_bytes_per_token=_kv_bytes(config, layers, heads, hidden, width),
        flops_per_token=flops,
        context=context,
        dtype=dtype,
    )
