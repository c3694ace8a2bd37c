"""Tiny models with known origins, to calibrate and show the provenance statistics.

A null panel of models trained from zero with different seeds (independent by
construction, yet sharing tokenizer, corpus and shapes: the hardest case for a
statistic), and models derived from the first one in each way the program argues about:

- ``continued``: continued pre-training of the base (more steps, another data order);
- ``finetune``: a short fine-tune at a low learning rate;
- ``disguised``: an exact copy with its hidden and MLP units permuted, signs flipped and
  norm weights rescaled (the scale moved into the next layer): the same function, other numbers;
- ``upscaled``: depth up-scaling, the base's layers stacked twice then trained briefly;
- ``borrowed``: trained from zero except layer 0's MLP, copied from the base and frozen.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kleaderboard.demo.training import TrainSpec, train_model

if TYPE_CHECKING:
    from transformers import LlamaForCausalLM

PANEL_SPEC = TrainSpec(
    vocab_size=512, hidden_size=32, heads=2, seq_len=32, batch_size=8, steps=60, warmup_steps=5
)
DERIVED = ("continued", "finetune", "disguised", "upscaled", "borrowed")
# The component each derived model must be flagged on (None: the whole model).
EXPECTED: dict[str, str | None] = {
    "continued": None,
    "finetune": None,
    "disguised": None,
    "upscaled": None,
    "borrowed": "layers.0.mlp",
}


@dataclass(frozen=True)
class KnownModels:
    """Folders of the null panel (seeds) and of the derived models, by name."""

    panel: dict[str, Path]
    derived: dict[str, Path]


def load_from(base: Path) -> Callable[[LlamaForCausalLM], None]:
    """A start for train_model: the base's weights (continued pre-training, a fine-tune)."""

    def start(model: LlamaForCausalLM) -> None:
        from transformers import LlamaForCausalLM

        model.load_state_dict(LlamaForCausalLM.from_pretrained(base).state_dict())

    return start


def stacked_from(base: Path, order: list[int]) -> Callable[[LlamaForCausalLM], None]:
    """A start for train_model: layer i is the base's layer order[i] (depth up-scaling)."""

    def start(model: LlamaForCausalLM) -> None:
        from transformers import LlamaForCausalLM

        source = LlamaForCausalLM.from_pretrained(base).state_dict()
        state = {}
        for name, value in source.items():
            if ".layers." not in name:
                state[name] = value
        for new, old in enumerate(order):
            for name, value in source.items():
                if f".layers.{old}." in name:
                    state[name.replace(f".layers.{old}.", f".layers.{new}.")] = value
        model.load_state_dict(state)

    return start


def borrow_mlp(base: Path) -> Callable[[LlamaForCausalLM], None]:
    """A start for train_model: layer 0's MLP (and the norm before it) copied from the base, frozen."""

    def start(model: LlamaForCausalLM) -> None:
        from transformers import LlamaForCausalLM

        source = LlamaForCausalLM.from_pretrained(base).state_dict()
        layer = model.model.layers[0]
        for prefix, module in (
            ("mlp.", layer.mlp),
            ("post_attention_layernorm.", layer.post_attention_layernorm),
        ):
            own = {
                k.removeprefix(f"model.layers.0.{prefix}"): v
                for k, v in source.items()
                if k.startswith(f"model.layers.0.{prefix}")
            }
            module.load_state_dict(own)
            module.requires_grad_(False)

    return start


def disguise(base: Path, out_dir: Path, seed: int = 1) -> None:
    """Save a functionally identical copy of base with permuted units, flipped signs and rescaled norms."""
    import torch
    from transformers import LlamaForCausalLM

    model = LlamaForCausalLM.from_pretrained(base)
    state: dict[str, Any] = {k: v.clone() for k, v in model.state_dict().items()}
    generator = torch.Generator().manual_seed(seed)
    hidden = model.config.hidden_size
    perm = torch.randperm(hidden, generator=generator)
    signs = torch.where(torch.rand(hidden, generator=generator) < 0.5, -1.0, 1.0)
    for name, value in state.items():
        if name.endswith("norm.weight"):
            continue
        if (
            value.dim() == 2
            and value.shape[1] == hidden
            and not name.endswith(("o_proj.weight", "down_proj.weight"))
        ):
            state[name] = value[:, perm] * signs  # reads the residual stream
        if name.endswith(("o_proj.weight", "down_proj.weight")):
            state[name] = value[perm, :] * signs[:, None]  # writes the residual stream
    for index, layer in enumerate(model.model.layers):
        width = layer.mlp.gate_proj.weight.shape[0]
        inner = torch.randperm(width, generator=generator)
        prefix = f"model.layers.{index}.mlp."
        for part in ("gate_proj", "up_proj"):
            state[f"{prefix}{part}.weight"] = state[f"{prefix}{part}.weight"][inner, :]
        state[f"{prefix}down_proj.weight"] = state[f"{prefix}down_proj.weight"][:, inner]
    _rescale_norms(state, perm, hidden, generator)
    model.load_state_dict(state)
    model.save_pretrained(out_dir)
    for tokenizer_file in base.glob("tokenizer*"):
        shutil.copy(tokenizer_file, out_dir / tokenizer_file.name)
    for other in base.glob("special_tokens_map.json"):
        shutil.copy(other, out_dir / other.name)


def _rescale_norms(state: dict[str, Any], perm: Any, hidden: int, generator: Any) -> None:
    """Each norm permuted like the residual stream, multiplied by s; the layers reading it divided by s."""
    import torch

    readers = {
        "input_layernorm": ("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj"),
        "post_attention_layernorm": ("mlp.gate_proj", "mlp.up_proj"),
    }
    for name in [n for n in state if n.endswith("norm.weight")]:
        scale = 0.5 + 1.5 * torch.rand(hidden, generator=generator)
        state[name] = state[name][perm]
        kind = name.split(".")[-2]
        if kind not in readers:
            continue  # the final norm feeds the tied embedding: leave its scale alone
        prefix = name.removesuffix(f"{kind}.weight")
        state[name] = state[name] * scale
        for reader in readers[kind]:
            state[f"{prefix}{reader}.weight"] = state[f"{prefix}{reader}.weight"] / scale


def train_known_models(root: Path, seeds: int = 4, progress: Callable[[str], None] = print) -> KnownModels:
    """Train the null panel and derive the five known cases from panel model 0; returns their folders."""
    root.mkdir(parents=True, exist_ok=True)
    panel = {}
    for seed in range(seeds):
        folder = root / f"seed-{seed}"
        progress(f"  null panel: seed {seed}")
        train_model(
            replace(PANEL_SPEC, seed=seed), folder, root / f"seed-{seed}.csv", progress=lambda _: None
        )
        panel[f"seed-{seed}"] = folder
    base = panel["seed-0"]
    recipes: dict[str, tuple[TrainSpec, Callable[[LlamaForCausalLM], None]]] = {
        "continued": (replace(PANEL_SPEC, seed=101, steps=40, warmup_steps=4), load_from(base)),
        "finetune": (
            replace(PANEL_SPEC, seed=102, steps=15, learning_rate=3e-4, warmup_steps=2),
            load_from(base),
        ),
        "upscaled": (
            replace(PANEL_SPEC, seed=103, layers=4, steps=15, learning_rate=1e-3, warmup_steps=2),
            stacked_from(base, [0, 1, 0, 1]),
        ),
        "borrowed": (replace(PANEL_SPEC, seed=104), borrow_mlp(base)),
    }
    derived = {}
    for name, (spec, start) in recipes.items():
        progress(f"  derived: {name}")
        folder = root / name
        train_model(spec, folder, root / f"{name}.csv", progress=lambda _: None, start=start)
        derived[name] = folder
    disguise(base, root / "disguised")
    derived["disguised"] = root / "disguised"
    return KnownModels(panel, {n: derived[n] for n in DERIVED})
