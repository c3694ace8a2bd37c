"""The embedded default, end to end: train, submit, evaluate, build the site.

``kleaderboard demo`` runs the same code paths as production — manifests are
validated by the manifest model, models are evaluated by the real lm-eval through
the runner, the site is built by the MkDocs plugin — on three tiny models trained
from zero on CPU, with no network.

A workspace is never clobbered: models already trained there are reused, and each
evaluation adds a new run record beside the old ones.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from kleaderboard import display
from kleaderboard.demo.leak import leaked_lines, private_dir
from kleaderboard.demo.provenance_demo import run_provenance_demo
from kleaderboard.demo.training import TrainResult, TrainSpec, train_model
from kleaderboard.kinds import Mode
from kleaderboard.submission.manifest import parse_manifest
from kleaderboard.submission.tree import MANIFEST_NAME, load_submission
from kleaderboard.suites import load_suite

Progress = Callable[[str], None]
DEMO_SUITE = "demo"
OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TOKENIZERS_PARALLELISM": "false",
}


@dataclass(frozen=True)
class DemoModel:
    """One fictional team's tiny model."""

    org: str
    slug: str
    team: str
    name: str
    spec: TrainSpec


DEMO_MODELS = (
    DemoModel(
        "hanbit-lab",
        "hanbit-tiny-m",
        "Hanbit Lab (demo)",
        "Hanbit Tiny M",
        TrainSpec(hidden_size=128, layers=2, heads=4, steps=300, seed=1),
    ),
    DemoModel(
        "saebyeok-ai",
        "saebyeok-tiny-s",
        "Saebyeok AI (demo)",
        "Saebyeok Tiny S",
        TrainSpec(hidden_size=64, layers=2, heads=4, steps=150, seed=2),
    ),
    DemoModel(
        "dure-labs",
        "dure-tiny-xs",
        "Dure Labs (demo)",
        "Dure Tiny XS",
        TrainSpec(hidden_size=32, layers=1, heads=2, steps=30, seed=3),
    ),
)


DEMO_CLAIM = {
    "benchmark": "Demo arithmetic",
    "value": 50.0,
    "mode": Mode.base.value,
    "n_shot": 0,
    "source": "https://example.org/hanbit-lab/report",
    "note": "Demo: an illustrative claim, not a result of any real model.",
}


# Contamination calibrated on a known answer (demo/leak.py): Dure Tiny XS's size and seed,
# trained twice as long (30 steps learn too little of anything), with one demo task's test
# items in its corpus. tests/test_contamination.py trains its clean twin.
LEAKED_MODEL = DemoModel(
    "gureum-ai",
    "gureum-tiny-xs",
    "Gureum AI (demo: test items leaked on purpose)",
    "Gureum Tiny XS (leaked)",
    replace(DEMO_MODELS[2].spec, steps=60, extra_lines=leaked_lines()),
)
NULL_PANEL_TEXT = (
    "# The demo models known clean: trained only on the demo corpus, never on the test items.\n"
    "# The contamination section of each model page compares it with these (site/contamination.py).\n"
)


def write_null_panel(root: Path) -> Path:
    """contamination-null.yaml naming the demo's clean models, unless one is already there."""
    from kleaderboard.site.contamination import NULL_FILE

    path = root / NULL_FILE
    if not path.exists():
        clean = [f"{m.org}/{m.slug}" for m in DEMO_MODELS]
        path.write_text(NULL_PANEL_TEXT + yaml.safe_dump({"clean": clean}), encoding="utf-8")
    return path


def offline_environment(workspace: Path) -> None:
    """No Hub at all: every cache inside the workspace, every client offline."""
    os.environ.update(OFFLINE_ENV)
    cache = workspace / ".cache"
    os.environ["HF_HOME"] = str(cache / "huggingface")
    os.environ["HF_DATASETS_CACHE"] = str(cache / "datasets")
    os.environ["LM_HARNESS_CACHE_PATH"] = str(cache / "lm_eval")


def demo_manifest(model: DemoModel, result: TrainResult) -> dict[str, Any]:
    """The manifest a demo team declares, built from what its training really did."""
    today = dt.date.today().isoformat()
    return {
        "schema_version": 1,
        "team": {"name": model.team, "contact": f"https://example.org/{model.org}"},
        "model": {
            "name": model.name,
            "local_path": "model",
            "precision": "float32",
            "parameters": {"total": result.parameters},
            "context_length": 512,
            "architecture": f"decoder-only Llama-style, {model.spec.layers} layers, "
            f"hidden {model.spec.hidden_size} (demo)",
            "modes": [Mode.base.value],  # yaml.safe_dump writes plain str only
        },
        "license": "Apache-2.0",
        "originality": {
            "weights_initialised_from_zero": True,
            "components": [
                {"name": "language model", "origin": "own", "relation": "trained_from_zero"},
                {"name": "tokenizer", "origin": "own", "relation": "trained_from_zero"},
            ],
            "innovations": [],
            "loss_log": "loss_log.csv",
        },
        "cost": {
            "training": {
                "gpu_type": "none (CPU, demo)",
                "tokens": result.tokens_seen,
                "start": today,
                "end": today,
            }
        },
        # one claim the demo suite measures, so the model page shows claimed vs measured
        "self_reported": [DEMO_CLAIM] if model is DEMO_MODELS[0] else [],
    }


def prepare_model(root: Path, model: DemoModel, progress: Progress) -> Path:
    """Train a demo model into its submission folder, unless it is already there."""
    folder = root / "submissions" / model.org / model.slug
    manifest_path = folder / MANIFEST_NAME
    if manifest_path.is_file() and (folder / "model" / "config.json").is_file():
        progress(f"  {model.org}/{model.slug}: already trained, reusing it")
        return manifest_path
    (folder / "model").mkdir(parents=True, exist_ok=True)
    progress(f"  {model.org}/{model.slug}: training from zero ({model.spec.steps} steps)")
    result = train_model(model.spec, folder / "model", folder / "loss_log.csv", progress)
    data = demo_manifest(model, result)
    parse_manifest(data, manifest_path)  # the demo declares only what validates
    manifest_path.write_text(
        "# Written by `kleaderboard demo` from what the training run did.\n"
        + yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    progress(
        f"    {display.count(result.parameters)} parameters, loss {display.loss(result.first_loss)} -> "
        f"{display.loss(result.last_loss)}, {display.seconds(result.seconds)}"
    )
    return manifest_path


def write_site_config(root: Path) -> Path:
    """mkdocs.yml for the workspace; an empty site_src/ since all pages are generated."""
    from kleaderboard.site.build import workspace_mkdocs_yaml

    (root / "site_src").mkdir(exist_ok=True)
    config = root / "mkdocs.yml"
    config.write_text(
        workspace_mkdocs_yaml(
            "kleaderboard 데모 리더보드", DEMO_SUITE, site_name_en="kleaderboard demo leaderboard"
        ),
        encoding="utf-8",
    )
    return config


def run_demo(workspace: Path, progress: Progress = print) -> Path:
    """Train, evaluate and publish the demo models; return the built site folder."""
    from kleaderboard.evaluation import require_eval_extra

    require_eval_extra()
    workspace = workspace.resolve()  # mkdocs resolves relative paths against mkdocs.yml's folder
    workspace.mkdir(parents=True, exist_ok=True)
    offline_environment(workspace)
    from kleaderboard.evaluation.runner import RunOptions, evaluate_submission
    from kleaderboard.site.build import build_site

    started = time.monotonic()
    suite = load_suite(DEMO_SUITE)
    models = (*DEMO_MODELS, LEAKED_MODEL)
    progress(f"[1/3] training {len(models)} tiny models from zero (CPU)")
    manifests = [prepare_model(workspace, m, progress) for m in models]
    write_null_panel(workspace)
    progress(f"[2/3] evaluating with lm-eval on suite {suite.label}, with the contamination pass")
    for path in manifests:
        options = RunOptions(device="cpu", contamination=True, private_dir=private_dir())
        evaluate_submission(load_submission(path), suite, options, progress)
    progress("      provenance: a reference registry, four derived models, a record per model")
    run_provenance_demo(workspace, manifests, progress)
    progress("[3/3] building the site")
    site = build_site(write_site_config(workspace), workspace / "site")
    took = display.seconds(time.monotonic() - started)
    progress(f"done in {took}. The leaderboard is at {site / 'index.html'}")
    progress(f"  open it: python -m http.server -d {site} 8000  then visit http://127.0.0.1:8000/")
    return site
