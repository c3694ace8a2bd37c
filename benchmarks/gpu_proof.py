"""Proof of the GPU paths on a model the project makes: vLLM, tensor parallel, NVML energy, serving cost.

Run it first whenever a GPU machine is lent (the machine reaches no Hub, so everything
here is made locally)::

    python -m venv .venv-gpu && .venv-gpu/bin/pip install --require-hashes -r requirements/gpu.txt \\
        && .venv-gpu/bin/pip install --no-deps -e .
    .venv-gpu/bin/python benchmarks/gpu_proof.py --out gpu-proof

It trains a small Llama from zero (a vLLM-friendly shape: head dimension 64) into a demo
submission, evaluates it on the shipped ``demo`` suite with the vLLM backend at tensor
parallel 1 (and 2 when the machine has two GPUs or more), then with the hf backend on the
same GPU for comparison. It prints, from each run record: the status, every task score,
the serving workload's time to first token and output tokens/s, the NVML energy and
$ per 1M output tokens; and writes each record and a summary to ``--out``, to be
committed with the figures (README, "Not yet proven on a GPU").

Without CUDA it stops at once, saying so (exit 2): the project's tests never need a GPU.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NO_GPU = "gpu_proof: needs a CUDA GPU (torch.cuda.is_available() is False); nothing was run"


def _gpus() -> int:
    import torch

    return torch.cuda.device_count() if torch.cuda.is_available() else 0


def _train(workspace: Path, steps: int) -> Path:
    """A demo submission whose model vLLM can load: 2 layers, hidden 256, 4 heads (head_dim 64)."""
    from kleaderboard.demo.training import TrainSpec
    from kleaderboard.demo.workspace import DemoModel, prepare_model

    model = DemoModel(
        "gpu-proof", "llama-tiny-256", "GPU proof (project-made)", "Llama tiny 256",
        TrainSpec(hidden_size=256, layers=2, heads=4, steps=steps, seed=7),
    )  # fmt: skip
    return prepare_model(workspace, model, print)


def _summary(label: str, record: object) -> dict[str, object]:
    data = record.model_dump(mode="json")  # type: ignore[attr-defined]
    measured = data.get("measured") or {}
    cost = measured.get("cost") or {}
    return {
        "run": label,
        "status": data["status"],
        "error": data.get("error"),
        "scores": {s["task"]: s["value"] for s in data.get("scores", [])},
        "serving": measured.get("serving"),
        "energy_wh": cost.get("energy_wh", measured.get("energy_wh")),
        "usd_per_million_output_tokens": cost.get("usd_per_million_output_tokens"),
        "gpu": cost.get("gpu"),
        "wall_seconds": measured.get("wall_seconds"),
        "model_args": data["settings"]["model_args"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="gpu-proof", help="folder for the run records and summary.json")
    parser.add_argument("--steps", type=int, default=300, help="training steps of the model it makes")
    parser.add_argument(
        "--cpu-check",
        action="store_true",
        help="the same chain with hf on the CPU: checks the script, proves no GPU path",
    )
    args = parser.parse_args(argv)
    gpus = _gpus()
    if gpus == 0 and not args.cpu_check:
        print(NO_GPU, file=sys.stderr)
        return 2
    from kleaderboard.demo.workspace import offline_environment
    from kleaderboard.evaluation.runner import RunOptions, evaluate_submission
    from kleaderboard.submission.tree import load_submission
    from kleaderboard.suites import load_suite

    out = Path(args.out).resolve()
    workspace = out / "workspace"
    workspace.mkdir(parents=True, exist_ok=True)
    offline_environment(workspace)
    submission = load_submission(_train(workspace, args.steps))
    suite = load_suite("demo")
    plans = [("vllm", 1)] + ([("vllm", 2)] if gpus >= 2 else []) + [("hf", 1)]
    device = "cuda"
    if args.cpu_check:
        plans, device = [("hf", 1)], "cpu"
    results = []
    for backend, tensor in plans:
        label = f"{backend} tp={tensor}"
        print(f"== {label} on {gpus} GPU(s)", flush=True)
        started = time.monotonic()
        options = RunOptions(device=device, backend=backend, tensor_parallel=tensor, force=True)
        try:
            record = evaluate_submission(submission, suite, options, print)
        except Exception as exc:  # a proof reports every path, the failing ones too
            results.append({"run": label, "status": "crashed", "error": f"{type(exc).__name__}: {exc}"})
            continue
        results.append(_summary(label, record) | {"seconds": round(time.monotonic() - started, 1)})
        (out / f"{record.run_id}.json").write_text(
            json.dumps(record.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    (out / "summary.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    for result in results:
        print(json.dumps(result, ensure_ascii=False))
    return 0 if all(r["status"] == "succeeded" for r in results) else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    raise SystemExit(main())
