"""benchmarks/gpu_proof.py: on a machine without CUDA it says so and runs nothing (CI never has a GPU)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytest.importorskip("torch", reason="needs the eval extra")


@pytest.mark.skipif(
    __import__("torch").cuda.is_available(), reason="this machine has a GPU: run the proof itself"
)
def test_without_a_gpu_the_proof_stops_at_once_saying_why(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "gpu_proof.py"), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 2, run.stderr
    assert "gpu_proof: needs a CUDA GPU" in run.stderr
    assert not (tmp_path / "out").exists()  # nothing was trained or written


@pytest.mark.slow
def test_the_chain_the_proof_runs_works_on_the_cpu(tmp_path: Path) -> None:
    """Everything but the GPU paths: the model it makes, its submission, the run record, the summary."""
    import json

    script = [sys.executable, str(ROOT / "benchmarks" / "gpu_proof.py"), "--out", str(tmp_path / "out")]
    run = subprocess.run(
        [*script, "--cpu-check", "--steps", "20"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    [summary] = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["run"] == "hf tp=1" and summary["status"] == "succeeded"
    assert set(summary["scores"]) >= {"demo_ko_facts", "demo_arith"}
    assert summary["serving"] and summary["model_args"]["use_safetensors"] is True
