"""The demo's provenance step: a small reference registry, a disguised copy, and a record per model.

Three tiny reference models are trained from zero with their own seeds, in the shape of
the demo's smallest model, and registered as independent (they make the null panel). One
more submission, "Copycat Tiny", is a reference model with its hidden units permuted, signs
flipped and norms rescaled, declared as trained from zero: its page shows it flagged, while
the demo's own models, trained independently, are not. Every demo submission gets a
provenance record, written by the same command the pipeline runs.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from kleaderboard.demo.provenance_models import disguise
from kleaderboard.demo.training import TrainSpec, train_model
from kleaderboard.submission.manifest import parse_manifest
from kleaderboard.submission.tree import MANIFEST_NAME

Progress = Callable[[str], None]
REFERENCE_SPEC = TrainSpec(hidden_size=32, layers=1, heads=2, steps=30)  # the smallest demo model's shape
REFERENCE_SEEDS = (10, 11, 12)
COPYCAT = ("copycat-demo", "copycat-tiny", "Copycat Tiny (demo)")


def _references(root: Path, progress: Progress) -> dict[str, Path]:
    folders = {}
    for seed in REFERENCE_SEEDS:
        folder = root / f"reference-{seed}"
        if not (folder / "config.json").is_file():
            progress(f"  reference model, seed {seed}: training from zero ({REFERENCE_SPEC.steps} steps)")
            train_model(
                replace(REFERENCE_SPEC, seed=seed), folder, root / f"reference-{seed}.csv", lambda _: None
            )
        folders[f"demo-references/tiny-{seed}"] = folder
    return folders


def _copycat_manifest(parameters: int) -> dict[str, Any]:
    org, _slug, name = COPYCAT
    return {
        "schema_version": 1,
        "team": {"name": "Copycat (demo)", "contact": f"https://example.org/{org}"},
        "model": {
            "name": name,
            "local_path": "model",
            "precision": "float32",
            "parameters": {"total": parameters},
            "architecture": "decoder-only Llama-style, 1 layer, hidden 32 (demo: a disguised copy)",
            "modes": ["base"],
        },
        "license": "Apache-2.0",
        "originality": {
            "weights_initialised_from_zero": True,  # the claim the evidence contradicts
            "components": [{"name": "language model", "origin": "own", "relation": "trained_from_zero"}],
        },
        "cost": {"training": {"gpu_type": "none (CPU, demo)", "start": dt.date.today().isoformat()}},
    }


def _copycat(workspace: Path, source: Path) -> Path:
    org, slug, _name = COPYCAT
    folder = workspace / "submissions" / org / slug
    manifest_path = folder / MANIFEST_NAME
    if manifest_path.is_file():
        return manifest_path
    disguise(source, folder / "model", seed=7)
    from kleaderboard.provenance.model_files import close, open_local

    model = open_local(folder / "model")
    parameters = sum(math.prod(model.info(name).shape) for name in model.by_name)
    close(model)
    data = _copycat_manifest(parameters)
    parse_manifest(data, manifest_path)
    manifest_path.write_text(
        "# Written by `kleaderboard demo`: a disguised copy, to show the provenance checks.\n"
        + yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    return manifest_path


def run_provenance_demo(workspace: Path, manifests: list[Path], progress: Progress) -> list[Path]:
    """Registry, null panel, the copycat, and a record per submission; returns the added manifests."""
    from kleaderboard.provenance.collect import Where, add_reference, run_provenance
    from kleaderboard.provenance.registry import rebuild_null_panel
    from kleaderboard.provenance.summary import summary_lines

    root = workspace / "provenance"
    registry = root / "registry"
    references = _references(root / "references", progress)
    for repo, folder in references.items():
        add_reference(registry, repo, None, Where(weights=folder), independent=True)
    rebuild_null_panel(registry)
    copycat = _copycat(workspace, next(iter(references.values())))
    for manifest in [*manifests, copycat]:
        path, record = run_provenance(manifest, registry)
        flagged = sum(len(r.flagged) for r in record.weights)
        progress(f"  {record.submission}: {flagged} flagged score(s) -> {path.name}")
        for line in summary_lines(record)[1:2]:
            progress(f"    {line}")
    return [copycat]
