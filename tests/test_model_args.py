"""lm-eval's model_args as the runner builds them: pinned weights and tokenizer, safetensors only."""

from __future__ import annotations

from pathlib import Path

import pytest

from kleaderboard.evaluation.settings import RunOptions, model_args, model_identity
from kleaderboard.submission.tree import Submission, load_submission
from tests.pr_fixtures import HUB_COMMIT, HUB_REPO, manifest_bytes


def hub_submission(root: Path) -> Submission:
    folder = root / "submissions" / "hanbit-ai" / "hanbit-7b"
    folder.mkdir(parents=True)
    (folder / "submission.yaml").write_bytes(manifest_bytes())
    return load_submission(folder / "submission.yaml")


def local_submission(root: Path) -> Submission:
    folder = root / "submissions" / "demo" / "tiny"
    (folder / "weights").mkdir(parents=True)
    changes = {"model.hub_repo": None, "model.revision": None, "model.local_path": "weights"}
    (folder / "submission.yaml").write_bytes(manifest_bytes(**changes))
    return load_submission(folder / "submission.yaml")


def built(sub: Submission, backend: str) -> dict:
    return model_args(sub, model_identity(sub), backend, RunOptions())


def test_vllm_reads_the_tokenizer_and_weights_at_the_pinned_commit_from_safetensors(tmp_path: Path) -> None:
    args = built(hub_submission(tmp_path), "vllm")
    assert (args["pretrained"], args["revision"], args["tokenizer_revision"]) == (
        HUB_REPO,
        HUB_COMMIT,
        HUB_COMMIT,
    )
    assert args["load_format"] == "safetensors"
    assert "use_safetensors" not in args, "vllm.LLM does not know transformers' switch"


def test_hf_loads_the_pinned_commit_from_safetensors_only(tmp_path: Path) -> None:
    args = built(hub_submission(tmp_path), "hf")
    assert (args["revision"], args["use_safetensors"]) == (HUB_COMMIT, True)
    assert "load_format" not in args and "tokenizer_revision" not in args


@pytest.mark.parametrize(
    ("backend", "key", "value"), [("hf", "use_safetensors", True), ("vllm", "load_format", "safetensors")]
)
def test_a_local_demo_model_loads_from_safetensors_only_too(
    tmp_path: Path, backend: str, key: str, value: object
) -> None:
    args = built(local_submission(tmp_path), backend)
    assert args[key] == value
    assert "revision" not in args and "tokenizer_revision" not in args


def test_an_openai_compatible_server_gets_no_loader_switches(tmp_path: Path) -> None:
    options = RunOptions(base_url="http://127.0.0.1:1/v1/completions")
    sub = hub_submission(tmp_path)
    args = model_args(sub, model_identity(sub), "local-completions", options)
    assert args["tokenizer"] == HUB_REPO and args["revision"] == HUB_COMMIT
    assert not {"use_safetensors", "load_format"} & set(args)
