"""A model's weight fingerprint: small, JSON, computed from a few streamed rows per tensor.

Components follow the residual stream of a decoder: ``embeddings``, then per layer
``layers.N.attention`` (the input norm folded into every attention projection reading the
residual: q/k/v, MLA's low-rank q_a/kv_a) and ``layers.N.mlp`` (the post-attention norm
folded into gate/up, a router and a few experts), then ``final`` (the last norm folded into
the output head). Each component keeps its folded norm profile, functional Gram over the
probe tokens and spectrum (see :mod:`kleaderboard.provenance.statistics`), plus a sha256 of
each tensor's sampled rows: an exact copy of a tensor is the strongest signal there is.

A multimodal model's encoders are components of their own, never mixed into the decoder's
layers: ``vision_encoder`` (``vision_tower.*``, ``visual.*``, ``vision_model.*``, …) and
``audio_encoder`` (``audio_tower.*``, …, and ``encoder.*`` in a speech model). Their hidden
units live in another space than the probe tokens', so they keep only the hashes of their
tensors' sampled rows: a reused frozen encoder is byte-identical, whatever the language model
around it (:func:`kleaderboard.provenance.comparison.compare` compares encoders across shape
families).
"""

from __future__ import annotations

import hashlib
import re
from typing import Final, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from kleaderboard.provenance import statistics as st
from kleaderboard.provenance.model_files import ModelFiles
from kleaderboard.provenance.safetensors_stream import ITEM_BYTES, sample_rows, spread_rows

FINGERPRINT_VERSION: Final = 1
PROBE_TOKENS = 32
MAX_ROWS = 128  # rows sampled from each linear layer (in 8 runs): bounds bytes read and memory
MAX_EXPERTS = 2  # routed experts sampled per MoE layer, besides shared experts and the router
SPECTRUM = 32
_LAYER = re.compile(r"(?:^|\.)layers\.(\d+)\.(.+)$")
_EXPERT = re.compile(r"\.experts\.(\d+)\.")
EMBEDDING_SUFFIXES = ("embed_tokens.weight", "wte.weight", "word_embeddings.weight")
ATTENTION_NORMS = ("input_layernorm.weight",)
MLP_NORMS = ("post_attention_layernorm.weight", "pre_feedforward_layernorm.weight")
# Projections that write the residual stream rather than read it: their input is another space.
WRITERS = (
    "o_proj.weight",
    "out_proj.weight",
    "down_proj.weight",
    "dense_4h_to_h.weight",
    "c_proj.weight",
    "w2.weight",
)
FINAL_NORMS = ("model.norm.weight", "norm.weight", "transformer.ln_f.weight")

ComponentKind = Literal["embeddings", "attention", "mlp", "final", "vision", "audio"]
ENCODER_KINDS: Final = ("vision", "audio")
MAX_ENCODER_TENSORS = 64  # tensors hashed per encoder, spread over its depth: bounds bytes read
_VISION = re.compile(
    r"^(?:model\.|thinker\.)?(?:vision_tower|visual|vision_model|vision_encoder|image_encoder|vit)\."
)
_AUDIO = re.compile(r"^(?:model\.|thinker\.)?(?:audio_tower|audio_encoder|audio_model|speech_encoder)\.")
_SPEECH_ENCODER = re.compile(r"^(?:model\.)?encoder\.")
SPEECH_MODEL_TYPES = ("whisper", "speech", "audio", "wav2vec", "hubert", "seamless")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ComponentPrint(_Model):
    """The invariants of one component."""

    name: str = Field(
        description="'embeddings', 'layers.3.attention', 'layers.3.mlp', 'final', "
        "'vision_encoder' or 'audio_encoder'."
    )
    kind: ComponentKind
    layer: int | None = None
    profile: list[float] = Field(
        default_factory=list, description="Folded norm profile, one per hidden unit."
    )
    gram: list[float] = Field(
        description="Upper triangle of the K x K functional Gram over the probe tokens."
    )
    spectrum: list[float] = Field(default_factory=list)
    hashes: dict[str, str] = Field(
        default_factory=dict,
        description="sha256 of each tensor's sampled rows, shape and dtype; constant tensors left out.",
    )


class Fingerprint(_Model):
    """Everything compared about one model's weights; each entry names where it came from."""

    fingerprint_version: Literal[1] = FINGERPRINT_VERSION
    source: str = Field(description="Hub repo id, or a local folder.")
    revision: str | None = Field(description="The 40-hex commit read; None for local files.")
    hidden_size: int
    vocab_size: int
    layers: int
    probe_ids: list[int]
    probe: list[list[float]] = Field(
        description="The probe tokens' normalised embeddings: aligns hidden units."
    )
    components: list[ComponentPrint]
    model_bytes: int
    bytes_fetched: int = Field(description="Bytes read over the network; 0 for local files.")

    def component(self, name: str) -> ComponentPrint | None:
        return next((c for c in self.components if c.name == name), None)

    @property
    def family(self) -> str:
        """Models are compared only within a shape family: the same hidden size and vocabulary."""
        return f"h{self.hidden_size}-v{self.vocab_size}"


def _round(values: np.ndarray) -> list[float]:
    """Six significant digits: enough for every statistic, and a third of the JSON."""
    return [float(text) for text in np.char.mod("%.6g", np.asarray(values, np.float64).ravel())]


def _upper(gram: np.ndarray) -> np.ndarray:
    return gram[np.triu_indices(gram.shape[0])]


def _rows_hash(model: ModelFiles, name: str, rows: list[int]) -> str | None:
    info = model.info(name)
    raw = model.by_name[name].raw_rows(name, rows)
    width = ITEM_BYTES[info.dtype]
    if raw == raw[:width] * (len(raw) // width):
        return None  # a constant tensor (a norm never trained, zeros) says nothing about origin
    digest = hashlib.sha256(f"{info.dtype}{list(info.shape)}{rows}".encode())
    digest.update(raw)
    return digest.hexdigest()


def _embedding_name(model: ModelFiles) -> str:
    found = [
        n
        for n in model.by_name
        if n.endswith(EMBEDDING_SUFFIXES) and encoder_kind(n, _model_type(model)) is None
    ]
    if not found:
        from kleaderboard.errors import ProvenanceError

        raise ProvenanceError.single(
            model.source, "embed_tokens", "no token embedding tensor", "give a decoder LM's weights"
        )
    return sorted(found, key=len)[0]


def _consumers(model: ModelFiles, prefix: str, hidden: int) -> list[str]:
    """2-D tensors under prefix that read the hidden state (in-features == hidden), experts capped."""
    names = []
    for name in sorted(model.by_name):
        info = model.info(name)
        if not name.startswith(prefix) or not name.endswith(".weight") or len(info.shape) != 2:
            continue
        if info.shape[1] != hidden or name.endswith(WRITERS):
            continue
        expert = _EXPERT.search(name)
        if expert and int(expert.group(1)) >= MAX_EXPERTS:
            continue
        names.append(name)
    return names


def _folded(
    model: ModelFiles,
    norm_name: str,
    consumers: list[str],
    probe: np.ndarray,
    where: tuple[str, ComponentKind, int | None],
) -> ComponentPrint:
    """One component: its norm folded into the layers that read it (name, kind and layer in where)."""
    name, kind, layer = where
    norm = model.by_name[norm_name].tensor(norm_name).astype(np.float64)
    weights, scales, hashes = [], [], {}
    for consumer in consumers:
        total = model.info(consumer).shape[0]
        rows = sample_rows(total, MAX_ROWS)
        weights.append(model.by_name[consumer].rows(consumer, rows).astype(np.float64))
        scales.append(total / len(rows))
        if (digest := _rows_hash(model, consumer, rows)) is not None:
            hashes[consumer] = digest
    if (digest := _rows_hash(model, norm_name, list(range(model.info(norm_name).shape[0])))) is not None:
        hashes[norm_name] = digest
    return ComponentPrint(
        name=name,
        kind=kind,
        layer=layer,
        profile=_round(st.folded_profile(norm, weights, scales)),
        gram=_round(_upper(st.functional_gram(probe, norm, weights, scales))),
        spectrum=_round(st.folded_spectrum(norm, weights, scales, SPECTRUM)),
        hashes=hashes,
    )


def encoder_kind(name: str, model_type: str = "") -> Literal["vision", "audio"] | None:
    """Which encoder a tensor belongs to by its name ('vision_tower.…' -> vision); None: the decoder."""
    if _VISION.match(name):
        return "vision"
    if _AUDIO.match(name):
        return "audio"
    speech = any(word in model_type.lower() for word in SPEECH_MODEL_TYPES)
    return "audio" if speech and _SPEECH_ENCODER.match(name) else None


def _model_type(model: ModelFiles) -> str:
    value = model.config.get("model_type")
    return value if isinstance(value, str) else ""


def _encoders(model: ModelFiles) -> list[ComponentPrint]:
    """One component per encoder: the hashes of its tensors' sampled rows."""
    found: dict[Literal["vision", "audio"], list[str]] = {}
    for name in sorted(model.by_name):
        kind = encoder_kind(name, _model_type(model))
        if kind is not None and model.info(name).shape:
            found.setdefault(kind, []).append(name)
    components = []
    for encoder, names in sorted(found.items()):
        chosen = [names[i] for i in spread_rows(len(names), min(len(names), MAX_ENCODER_TENSORS))]
        hashes = {}
        for name in chosen:
            rows = sample_rows(model.info(name).shape[0], MAX_ROWS)
            if (digest := _rows_hash(model, name, rows)) is not None:
                hashes[name] = digest
        components.append(ComponentPrint(name=f"{encoder}_encoder", kind=encoder, gram=[], hashes=hashes))
    return components


def _layer_norms(model: ModelFiles) -> dict[int, dict[str, str]]:
    layers: dict[int, dict[str, str]] = {}
    for name in model.by_name:
        if encoder_kind(name, _model_type(model)) is not None:
            continue  # an encoder's layers are not the decoder's
        match = _LAYER.search(name)
        if match:
            layers.setdefault(int(match.group(1)), {})[match.group(2)] = name
    return layers


def fingerprint(model: ModelFiles) -> Fingerprint:
    """The fingerprint of one model, reading only the rows its statistics need."""
    from threadpoolctl import threadpool_limits

    # The products here are small (at most a few hundred rows): BLAS threads cost more to
    # start and synchronise than they save, many times over on a busy machine.
    with threadpool_limits(limits=1, user_api="blas"):
        return _fingerprint(model)


def _fingerprint(model: ModelFiles) -> Fingerprint:
    embedding = _embedding_name(model)
    vocab, hidden = model.info(embedding).shape
    probe_ids = spread_rows(vocab, PROBE_TOKENS + 1)[1:]  # id 0 is usually a special token
    raw_probe = model.by_name[embedding].rows(embedding, probe_ids).astype(np.float64)
    probe = st.normalise_rows(raw_probe)
    components = [
        ComponentPrint(
            name="embeddings",
            kind="embeddings",
            gram=_round(_upper(raw_probe @ raw_probe.T)),
            hashes={k: v for k, v in [(embedding, _rows_hash(model, embedding, probe_ids))] if v},
        )
    ]
    for index, parts in sorted(_layer_norms(model).items()):
        prefix = next(iter(parts.values())).removesuffix(next(iter(parts)))
        roles: tuple[tuple[ComponentKind, tuple[str, ...], str], ...] = (
            ("attention", ATTENTION_NORMS, "self_attn."),
            ("mlp", MLP_NORMS, "mlp."),
        )
        for kind, norms, sub in roles:
            norm = next((parts[n] for n in norms if n in parts), None)
            consumers = _consumers(model, prefix + sub, hidden)
            if norm and consumers:
                where = (f"layers.{index}.{kind}", kind, index)
                components.append(_folded(model, norm, consumers, probe, where))
    final = next((n for n in model.by_name if n in FINAL_NORMS), None)
    head = "lm_head.weight" if "lm_head.weight" in model.by_name else embedding
    if final:
        components.append(_folded(model, final, [head], probe, ("final", "final", None)))
    components += _encoders(model)
    return Fingerprint(
        source=model.source,
        revision=model.revision,
        hidden_size=hidden,
        vocab_size=vocab,
        layers=len(_layer_norms(model)),
        probe_ids=probe_ids,
        probe=[_round(row) for row in probe],
        components=components,
        model_bytes=model.model_bytes,
        bytes_fetched=model.bytes_read,
    )
