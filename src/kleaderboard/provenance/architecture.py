"""Architecture facts read from config.json, and the innovations they show.

The detected innovations use the manifest's tags (:class:`InnovationTag`), so the page can
put "declared ✓ / detected ✓" side by side. Detection reads only the config: it says what
the architecture is, not who invented it. Depth up-scaling cannot be seen in a config; it
is detected from weights (a base's layers matched in several places) by the comparison.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from kleaderboard.submission.manifest import InnovationTag


class ArchitectureFacts(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    model_type: str | None
    layers: int | None
    hidden_size: int | None
    attention_heads: int | None
    kv_heads: int | None
    vocab_size: int | None
    experts: int | None
    experts_per_token: int | None
    shared_experts: int | None
    q_lora_rank: int | None
    kv_lora_rank: int | None
    rope_theta: float | None
    sliding_window: int | None
    layer_types: list[str]
    mtp_modules: int | None
    detected: list[InnovationTag]


def _int(config: dict[str, Any], *keys: str) -> int | None:
    for key in keys:
        value = config.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def _detect(facts: dict[str, Any]) -> list[InnovationTag]:
    found = []
    if facts["kv_lora_rank"]:
        found.append(InnovationTag.mla)
    if facts["experts"] and facts["experts"] > 1:
        found.append(InnovationTag.moe)
    heads, kv = facts["attention_heads"], facts["kv_heads"]
    if heads and kv and not facts["kv_lora_rank"]:
        if kv == 1 < heads:
            found.append(InnovationTag.mqa)
        elif 1 < kv < heads:
            found.append(InnovationTag.gqa)
    if len(set(facts["layer_types"])) > 1:
        found.append(InnovationTag.hybrid_attention)
    if facts["sliding_window"]:
        found.append(InnovationTag.sliding_window)
    if facts["mtp_modules"]:
        found.append(InnovationTag.multi_token_prediction)
    return found


def read_architecture(config: dict[str, Any]) -> ArchitectureFacts:
    """The facts a config.json states (text configs nested under text_config are read too)."""
    config = {**config, **(config.get("text_config") or {})}
    layer_types = config.get("layer_types") or []
    facts: dict[str, Any] = {
        "model_type": config.get("model_type") if isinstance(config.get("model_type"), str) else None,
        "layers": _int(config, "num_hidden_layers", "n_layer", "num_layers"),
        "hidden_size": _int(config, "hidden_size", "n_embd", "d_model"),
        "attention_heads": _int(config, "num_attention_heads", "n_head"),
        "kv_heads": _int(config, "num_key_value_heads", "num_attention_heads", "n_head"),
        "vocab_size": _int(config, "vocab_size"),
        "experts": _int(config, "n_routed_experts", "num_local_experts", "num_experts"),
        "experts_per_token": _int(config, "num_experts_per_tok", "moe_topk"),
        "shared_experts": _int(config, "n_shared_experts", "num_shared_experts"),
        "q_lora_rank": _int(config, "q_lora_rank"),
        "kv_lora_rank": _int(config, "kv_lora_rank"),
        "rope_theta": float(config["rope_theta"])
        if isinstance(config.get("rope_theta"), int | float)
        else None,
        "sliding_window": _int(config, "sliding_window") if config.get("use_sliding_window", True) else None,
        "layer_types": [str(t) for t in layer_types] if isinstance(layer_types, list) else [],
        "mtp_modules": _int(config, "num_nextn_predict_layers", "mtp_num_layers"),
    }
    return ArchitectureFacts(**facts, detected=_detect(facts))


COMPARED = ("model_type", "layers", "hidden_size", "attention_heads", "kv_heads", "vocab_size", "experts",
            "experts_per_token", "q_lora_rank", "kv_lora_rank", "sliding_window", "mtp_modules")  # fmt: skip


def shared_facts(a: ArchitectureFacts, b: ArchitectureFacts) -> float:
    """The share of compared facts two configs state alike (both unstated counts as alike)."""
    same = sum(1 for name in COMPARED if getattr(a, name) == getattr(b, name))
    return same / len(COMPARED)


def nearest(
    candidate: ArchitectureFacts, references: dict[str, ArchitectureFacts], most: int = 3
) -> list[tuple[str, float]]:
    """The references whose configs agree most with the candidate's, best first."""
    ranked = sorted(
        ((name, shared_facts(candidate, facts)) for name, facts in references.items()), key=lambda x: -x[1]
    )
    return [(name, round(share, 3)) for name, share in ranked[:most]]
