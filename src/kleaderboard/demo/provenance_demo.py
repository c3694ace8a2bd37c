"""The demo's provenance step: a small reference registry, derived models, and a record per model.

Three tiny reference models are trained from zero with their own seeds, in the shape of
the demo's smallest model, and registered as independent (they make the null panel). Four
more submissions are derived from them, each declared as a real case would be:

- "Copycat Tiny": reference 10 with its hidden units permuted, signs flipped and norms
  rescaled, declared as trained from zero (flagged on every layer's attention and MLP);
- "Refit Tiny": a short fine-tune of reference 11 (six CPU steps), declared as trained
  from zero (flagged on every layer's attention and MLP);
- "Stack Tiny 2L": depth up-scaling of reference 12 (its one layer stacked twice, then
  trained a few steps), declared honestly with its base and the depth-up-scaling tag: the
  page shows "declared ✓ / detected ✓" and both layers matching reference layer 0;
- "Graft Tiny": trained from zero (15 steps) except layer 0's MLP, copied from reference 10 and kept
  frozen, declared as trained from zero (flagged on that MLP only, not on the attention).

Their pages show them flagged on those components, while the demo's own models, trained
independently, are not. None is evaluated (their pages say "awaiting evaluation"). Every
demo submission gets a provenance record, written by the same command the pipeline runs.
Deriving the fine-tune, the up-scaled and the grafted model (26 training steps in all) and
their records took 3.3 s on the shared 2-core machine (2026-12-02, load about 5).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from kleaderboard.demo.provenance_models import borrow_mlp, disguise, load_from, stacked_from
from kleaderboard.demo.training import TrainSpec, train_model
from kleaderboard.submission.manifest import parse_manifest
from kleaderboard.submission.tree import MANIFEST_NAME

if TYPE_CHECKING:
    from transformers import LlamaForCausalLM

Progress = Callable[[str], None]
REFERENCE_SPEC = TrainSpec(hidden_size=32, layers=1, heads=2, steps=30)  # the smallest demo model's shape
REFERENCE_SEEDS = (10, 11, 12)
REFERENCE_REPO = "demo-references/tiny-{seed}"
COPYCAT = ("copycat-demo", "copycat-tiny", "Copycat Tiny (demo)")


@dataclass(frozen=True)
class DerivedDemo:
    """One derived demo submission: where it comes from, how it is declared, what must be flagged."""

    org: str
    slug: str
    name: str
    team: str
    base_seed: int  # the reference model it is derived from
    how: str  # disguised, finetune, upscaled, borrowed
    honest: bool  # declares its base (True) or claims training from zero (False)
    architecture: str
    flagged: tuple[str, ...]  # the components its page must show flagged against its base
    not_flagged: tuple[str, ...] = ()  # components that must stay unflagged


DERIVED_DEMOS = (
    DerivedDemo(
        *COPYCAT, team="Copycat (demo)", base_seed=10, how="disguised", honest=False,
        architecture="decoder-only Llama-style, 1 layer, hidden 32 (demo: a disguised copy)",
        flagged=("layers.0.attention", "layers.0.mlp"),
    ),
    DerivedDemo(
        "refit-demo", "refit-tiny", "Refit Tiny (demo)", team="Refit (demo)", base_seed=11,
        how="finetune", honest=False,
        architecture="decoder-only Llama-style, 1 layer, hidden 32 (demo: an undeclared fine-tune)",
        flagged=("layers.0.attention", "layers.0.mlp"),
    ),
    DerivedDemo(
        "stack-demo", "stack-tiny-2l", "Stack Tiny 2L (demo)", team="Stack (demo)", base_seed=12,
        how="upscaled", honest=True,
        architecture="decoder-only Llama-style, 2 layers, hidden 32 (demo: depth up-scaling, declared)",
        flagged=("layers.0.mlp", "layers.1.mlp"),
    ),
    DerivedDemo(
        "graft-demo", "graft-tiny", "Graft Tiny (demo)", team="Graft (demo)", base_seed=10,
        how="borrowed", honest=False,
        architecture="decoder-only Llama-style, 1 layer, hidden 32 (demo: one frozen MLP, undeclared)",
        flagged=("layers.0.mlp",), not_flagged=("layers.0.attention",),
    ),
)  # fmt: skip

# How each derived kind is trained from its base (the disguised copy is not trained).
RECIPES: dict[str, tuple[TrainSpec, Callable[[Path], Callable[[LlamaForCausalLM], None]]]] = {
    "finetune": (replace(REFERENCE_SPEC, seed=21, steps=6, learning_rate=3e-4, warmup_steps=2), load_from),
    "upscaled": (
        replace(REFERENCE_SPEC, seed=22, layers=2, steps=5, learning_rate=1e-3, warmup_steps=1),
        lambda base: stacked_from(base, [0, 0]),
    ),
    "borrowed": (replace(REFERENCE_SPEC, seed=23, steps=15, warmup_steps=3), borrow_mlp),
}


def _references(root: Path, progress: Progress) -> dict[str, Path]:
    folders = {}
    for seed in REFERENCE_SEEDS:
        folder = root / f"reference-{seed}"
        if not (folder / "config.json").is_file():
            progress(f"  reference model, seed {seed}: training from zero ({REFERENCE_SPEC.steps} steps)")
            train_model(
                replace(REFERENCE_SPEC, seed=seed), folder, root / f"reference-{seed}.csv", lambda _: None
            )
        folders[REFERENCE_REPO.format(seed=seed)] = folder
    return folders


def _originality(demo: DerivedDemo) -> dict[str, Any]:
    if not demo.honest:  # the claim the evidence contradicts
        return {
            "weights_initialised_from_zero": True,
            "components": [{"name": "language model", "origin": "own", "relation": "trained_from_zero"}],
        }
    base = REFERENCE_REPO.format(seed=demo.base_seed)
    return {
        "weights_initialised_from_zero": False,
        "components": [{"name": "language model", "origin": {"model": base}, "relation": "initialised_from"}],
        "innovations": [
            {"tag": "depth-up-scaling", "description": f"{base}'s layer stacked twice, then trained"}
        ],
    }


def _manifest(demo: DerivedDemo, parameters: int) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "team": {"name": demo.team, "contact": f"https://example.org/{demo.org}"},
        "model": {
            "name": demo.name,
            "local_path": "model",
            "precision": "float32",
            "parameters": {"total": parameters},
            "architecture": demo.architecture,
            "modes": ["base"],
        },
        "license": "Apache-2.0",
        "originality": _originality(demo),
        "cost": {"training": {"gpu_type": "none (CPU, demo)", "start": dt.date.today().isoformat()}},
    }


def _derive(workspace: Path, demo: DerivedDemo, base: Path, progress: Progress) -> Path:
    folder = workspace / "submissions" / demo.org / demo.slug
    manifest_path = folder / MANIFEST_NAME
    if manifest_path.is_file():
        return manifest_path
    progress(f"  {demo.name}: {demo.how} from {REFERENCE_REPO.format(seed=demo.base_seed)}")
    if demo.how == "disguised":
        disguise(base, folder / "model", seed=7)
    else:
        spec, start = RECIPES[demo.how]
        log = workspace / "provenance" / "derived" / f"{demo.slug}.csv"
        log.parent.mkdir(parents=True, exist_ok=True)
        train_model(spec, folder / "model", log, lambda _: None, start=start(base))
    from kleaderboard.provenance.model_files import close, open_local

    model = open_local(folder / "model")
    parameters = sum(math.prod(model.info(name).shape) for name in model.by_name)
    close(model)
    data = _manifest(demo, parameters)
    parse_manifest(data, manifest_path)
    manifest_path.write_text(
        f"# Written by `kleaderboard demo`: a model of known origin ({demo.how}), "
        "to show the provenance checks.\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    return manifest_path


def run_provenance_demo(workspace: Path, manifests: list[Path], progress: Progress) -> list[Path]:
    """Registry, null panel, the derived models, and a record per submission; returns the added manifests."""
    from kleaderboard.provenance.collect import Where, add_reference, run_provenance
    from kleaderboard.provenance.registry import rebuild_null_panel
    from kleaderboard.provenance.summary import summary_lines

    root = workspace / "provenance"
    registry = root / "registry"
    references = _references(root / "references", progress)
    for repo, folder in references.items():
        add_reference(registry, repo, None, Where(weights=folder), independent=True)
    rebuild_null_panel(registry)
    derived = [
        _derive(workspace, demo, references[REFERENCE_REPO.format(seed=demo.base_seed)], progress)
        for demo in DERIVED_DEMOS
    ]
    for manifest in [*manifests, *derived]:
        path, record = run_provenance(manifest, registry)
        flagged = sum(len(r.flagged) for r in record.weights)
        progress(f"  {record.submission}: {flagged} flagged score(s) -> {path.name}")
        for line in summary_lines(record)[1:2]:
            progress(f"    {line}")
    return derived
