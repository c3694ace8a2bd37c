"""Vision and audio encoders are components of their own: a reused frozen encoder is flagged on it.

Tiny multimodal-shaped models made of random tensors: a decoder (``model.layers.*``) beside a
``vision_tower.*`` or ``audio_tower.*`` whose names would also match the decoder's layer pattern.
One model reuses another's frozen vision encoder; its language model is its own.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save_file

from kleaderboard.provenance.fingerprint import Fingerprint, encoder_kind, fingerprint
from kleaderboard.provenance.model_files import open_local
from kleaderboard.provenance.null_panel import NullPanel, build_panel, score

Tensors = dict[str, np.ndarray]


def decoder(seed: int, hidden: int = 32, vocab: int = 64, layers: int = 2) -> Tensors:
    rng = np.random.default_rng(seed)

    def w(*shape: int) -> np.ndarray:
        return (rng.standard_normal(shape) * 0.1).astype(np.float32)

    def norm() -> np.ndarray:
        return (1 + rng.standard_normal(hidden) * 0.1).astype(np.float32)

    out = {"model.embed_tokens.weight": w(vocab, hidden), "model.norm.weight": norm()}
    out["lm_head.weight"] = w(vocab, hidden)
    for i in range(layers):
        p = f"model.layers.{i}."
        out |= {p + "input_layernorm.weight": norm(), p + "post_attention_layernorm.weight": norm()}
        for proj in ("q_proj", "k_proj", "v_proj", "o_proj"):
            out[f"{p}self_attn.{proj}.weight"] = w(hidden, hidden)
        out |= {
            p + "mlp.gate_proj.weight": w(2 * hidden, hidden),
            p + "mlp.up_proj.weight": w(2 * hidden, hidden),
        }
        out[p + "mlp.down_proj.weight"] = w(hidden, 2 * hidden)
    return out


def encoder(seed: int, prefix: str, width: int = 24) -> Tensors:
    rng = np.random.default_rng(seed)
    out = {f"{prefix}embeddings.patch_embedding.weight": rng.standard_normal((width, 48)).astype(np.float32)}
    for i in range(2):
        p = f"{prefix}encoder.layers.{i}."
        out[p + "input_layernorm.weight"] = (1 + rng.standard_normal(width) * 0.1).astype(np.float32)
        out[p + "self_attn.q_proj.weight"] = rng.standard_normal((width, width)).astype(np.float32)
        out[p + "mlp.fc1.weight"] = rng.standard_normal((2 * width, width)).astype(np.float32)
    return out


def write(folder: Path, tensors: Tensors, model_type: str = "llava") -> Fingerprint:
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps({"model_type": model_type}), encoding="utf-8")
    save_file(tensors, str(folder / "model.safetensors"))
    return fingerprint(open_local(folder, folder.name))


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Fingerprint]:
    root = tmp_path_factory.mktemp("multimodal")
    source_vision = encoder(100, "vision_tower.")
    made = {
        "source": (decoder(0) | source_vision, "llava"),
        "reuser": (decoder(1) | source_vision, "llava"),  # its own LM, the source's frozen encoder
        "wide-reuser": (decoder(2, hidden=48) | source_vision, "llava"),  # another shape family
        "own-encoder": (decoder(3) | encoder(101, "vision_tower."), "llava"),
        "speech": (decoder(4) | encoder(200, "audio_tower."), "qwen2_audio"),
        "speech-reuser": (decoder(5) | encoder(200, "audio_tower."), "qwen2_audio"),
    }
    prints = {name: write(root / name, tensors, kind) for name, (tensors, kind) in made.items()}
    for seed in (10, 11, 12):  # the null panel: independent language models of the same family
        prints[f"null-{seed}"] = write(root / f"null-{seed}", decoder(seed) | encoder(seed, "vision_tower."))
    return prints


@pytest.fixture(scope="module")
def panel(models: dict[str, Fingerprint]) -> NullPanel:
    return build_panel([models[f"null-{seed}"] for seed in (10, 11, 12)])


def flagged(models: dict[str, Fingerprint], panel: NullPanel, name: str, reference: str) -> set[str]:
    return {s.component for s in score(models[name], models[reference], panel) if s.flagged}


def test_encoder_tensors_are_named_as_their_own_components() -> None:
    assert encoder_kind("vision_tower.encoder.layers.0.self_attn.q_proj.weight") == "vision"
    assert encoder_kind("model.visual.blocks.3.attn.qkv.weight") == "vision"
    assert encoder_kind("vision_model.encoder.layers.1.mlp.fc1.weight") == "vision"
    assert encoder_kind("audio_tower.layers.0.fc1.weight") == "audio"
    assert encoder_kind("model.encoder.layers.0.fc1.weight", "whisper") == "audio"
    assert encoder_kind("model.encoder.layers.0.fc1.weight", "t5") is None
    assert encoder_kind("model.layers.0.mlp.up_proj.weight") is None


def test_an_encoder_is_kept_out_of_the_decoders_layers(models: dict[str, Fingerprint]) -> None:
    source = models["source"]
    assert source.layers == 2 and source.hidden_size == 32
    names = [c.name for c in source.components]
    assert names[-1] == "vision_encoder" and "audio_encoder" not in names
    vision = source.component("vision_encoder")
    assert vision is not None and vision.kind == "vision" and len(vision.hashes) == 7
    assert models["speech"].component("audio_encoder") is not None


def test_a_reused_frozen_vision_encoder_is_flagged_on_that_component_only(
    models: dict[str, Fingerprint], panel: NullPanel
) -> None:
    assert flagged(models, panel, "reuser", "source") == {"vision_encoder"}
    assert flagged(models, panel, "own-encoder", "source") == set()


def test_the_encoder_is_caught_beside_a_language_model_of_another_shape(
    models: dict[str, Fingerprint], panel: NullPanel
) -> None:
    scores = score(models["wide-reuser"], models["source"], panel)
    assert [(s.component, s.statistic, s.value, s.flagged) for s in scores] == [
        ("vision_encoder", "exact", 1.0, True)
    ]
    assert score(models["wide-reuser"], models["own-encoder"], panel)[0].flagged is False


def test_a_reused_audio_encoder_is_flagged_and_never_against_a_vision_one(
    models: dict[str, Fingerprint], panel: NullPanel
) -> None:
    assert flagged(models, panel, "speech-reuser", "speech") == {"audio_encoder"}
    assert not any(s.component == "audio_encoder" for s in score(models["speech"], models["source"], panel))


def test_no_independent_multimodal_pair_is_flagged(models: dict[str, Fingerprint], panel: NullPanel) -> None:
    pairs = [("own-encoder", "source"), ("speech", "source"), ("source", "null-10"), ("reuser", "null-11")]
    assert {pair: flagged(models, panel, *pair) for pair in pairs} == {pair: set() for pair in pairs}
