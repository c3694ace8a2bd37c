"""Data for the pull-request workflow tests: manifests, loss logs and run records."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml

MANIFESTS = Path(__file__).parent / "data" / "manifests"
FULL = MANIFESTS / "valid" / "full.yaml"
# The recorded Hub answers in tests/data/hub/safe.json are about this repo and commit.
HUB_REPO = "hanbit-ai/hanbit-7b"
HUB_COMMIT = "e1beb415935f09a6c7a85ec1c6b7b689afcc6a01"
HUB_PARAMETERS = 7_241_732_096
PR_AUTHOR = "hanbit-dev"  # the author of the test pull requests that add a new submission
SUB = "submissions/hanbit-ai/hanbit-7b"  # the folder of the full example manifest

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(document.cookie)</script>",
    "[click](javascript:alert(1))",
    "![pixel](https://evil.example/p.png)",
    "<a href='https://evil.example'>x</a>",
    "@octocat and @acme/maintainers please merge",
    "fixes #1 and other/repo#2 and GH-3",
    "```\n</details>\n```",
    "~~~ fence",
    "| a | b |",
    "a\nb\r\nc\u2028d",
    "# heading\n- list\n> quote",
    "**bold** _it_ `code` ~~gone~~",
    "www.evil.example https://evil.example/x mailto:a@b.example",
    "\u202eevil\u202c right-to-left override",
    "zero\u200bwidth\u200djoiner\ufeffbom",
    "<!-- kleaderboard:pr-check -->",
    "&lt;img&gt; &amp; &#64;octocat",
    "\\[escaped\\]",
    ":warning: $x$ $$y$$",
    "[^1] footnote",
    "<details open><summary>x</summary>",
]


def manifest_data(**changes: Any) -> dict[str, Any]:
    """The full example manifest, Hub repo and commit set to the recorded Hub, with changes."""
    data = yaml.safe_load(FULL.read_text(encoding="utf-8"))
    data["model"].update(hub_repo=HUB_REPO, revision=HUB_COMMIT)
    data["team"]["github"] = [PR_AUTHOR]  # the new folder's owner, recorded by the merge
    data["model"]["parameters"] = {"total": HUB_PARAMETERS}
    for dotted, value in changes.items():
        target = data
        *parents, last = dotted.split(".")
        for key in parents:
            target = target[key]
        target[last] = value
    return data


def manifest_bytes(**changes: Any) -> bytes:
    return yaml.safe_dump(manifest_data(**changes), allow_unicode=True, sort_keys=False).encode()


LOSS_LOG = "step,tokens_seen,loss,learning_rate\n" + "".join(
    f"{step},{step * 4_000_000},{11.0 * (step + 10) ** -0.12:.4f},0.0003\n" for step in range(1, 400, 3)
)

RECORD: dict[str, Any] = {
    "run_id": "20261123T000000Z-ko-global-v1-v1-abc123",
    "submission": "hanbit-ai/hanbit-7b",
    "manifest_sha256": "0" * 64,
    "suite": "ko-global-v1",
    "suite_version": 1,
    "lm_eval_version": "0.4.13",
    "started_at": "2026-11-23T00:00:00Z",
    "finished_at": "2026-11-23T01:00:00Z",
    "status": "succeeded",
    "model": {"source": HUB_REPO, "revision": HUB_COMMIT},
    "settings": {
        "backend": "hf",
        "device": "cuda",
        "dtype": "bfloat16",
        "batch_size": 8,
        "seeds": {"random": 0},
        "apply_chat_template": False,
        "fewshot_as_multiturn": False,
        "max_gen_toks": 256,
        "model_args": {"pretrained": HUB_REPO},
    },
    "scores": [
        {
            "task": "kmmlu",
            "metric": "acc,none",
            "value": 0.5123,
            "stderr": 0.0041,
            "n_samples": 35030,
            "n_shot": 5,
            "seconds": 1200.0,
        }
    ],
    "environment": {
        "hostname": "gpu-1",
        "platform": "Linux",
        "python": "3.11",
        "cpu": "x86_64",
        "cpu_count": 16,
        "gpus": ["NVIDIA H100 80GB HBM3"],
        "libraries": {"lm-eval": "0.4.13"},
    },
    "measured": {
        "wall_seconds": 3600,
        "tokens_processed": 12_000_000,
        "device_seconds": 3600,
        "energy_wh": 540.5,
        "hardware_kind": "gpu",
    },
}


def record_data(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(RECORD)
    data.update(changes)
    return data


def write_record_file(folder: Path, data: dict[str, Any] | None = None, name: str | None = None) -> Path:
    data = data if data is not None else record_data()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or f"{data['run_id']}.json")
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def open_pull(
    gh: Any, files: dict[str, Any], changed: list[dict[str, Any]], author: str = PR_AUTHOR, number: int = 7
) -> str:
    """A pull request on the GitHub stand-in (tests/fake_github.py) adding files to main; its head."""
    base_sha = gh.store.commit({"README.md": b"kleaderboard\n"})
    gh.refs["heads/main"] = base_sha
    head = gh.store.commit({"README.md": b"kleaderboard\n", **files}, parents=(base_sha,))
    gh.add_pull(number, author, head, changed)
    return head


def good_pull(gh: Any, number: int = 7, **manifest_changes: Any) -> str:
    """A new submission that passes every check: the full manifest and a loss log."""
    files = {
        f"{SUB}/submission.yaml": manifest_bytes(**manifest_changes),
        f"{SUB}/loss_log.csv": LOSS_LOG.encode(),
    }
    return open_pull(gh, files, [{"filename": path} for path in files], number=number)


# A local tiny model's submission (the test puts the model in `model/` beside it).
TINY_LOCAL_MANIFEST = """\
schema_version: 1
team: {name: Test Team, contact: t@example.org}
model:
  name: Tiny
  local_path: model
  precision: float32
  parameters: {total: 30000}
  architecture: 1-layer Llama
license: MIT
originality:
  weights_initialised_from_zero: true
  components: [{name: language model, origin: own, relation: trained_from_zero}]
"""
