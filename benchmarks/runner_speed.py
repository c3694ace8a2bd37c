"""Runner speed against the bare lm-eval CLI, and the cost of an unchanged re-run.

Prints, for one tiny model made here (random init, no network) on the demo suite:

* the wall time of ``lm-eval run`` (the harness's own CLI) on the same model and tasks;
* the wall time of ``kleaderboard evaluate`` (a fresh process, imports included),
  without the serving workload so both do the same evaluation work;
* the wall time of the same command run again on the unchanged submission;

and the two ratios the project targets: runner / CLI <= 0.5 and re-run / first <= 0.05.
Run: ``.venv/bin/python benchmarks/runner_speed.py``
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
TASKS = ["demo_ko_facts", "demo_ko_particles", "demo_en_facts", "demo_arith"]
MANIFEST = """\
schema_version: 1
team: {name: Bench, contact: bench@example.org}
model: {name: Bench, local_path: model, precision: float32, parameters: {total: 30000}, architecture: tiny}
license: MIT
originality:
  weights_initialised_from_zero: true
  components: [{name: language model, origin: own, relation: trained_from_zero}]
"""


def make_model(folder: Path) -> None:
    from kleaderboard.demo.training import TrainSpec, build_model, corpus_lines, train_tokenizer

    tokenizer = train_tokenizer(corpus_lines(), 1024, folder)
    build_model(TrainSpec(hidden_size=64, layers=2, heads=4), len(tokenizer), tokenizer).save_pretrained(
        folder
    )


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    from kleaderboard.suites import PACKAGE_TASKS_DIR

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
               "HF_HOME": str(root / "hf"), "TOKENIZERS_PARALLELISM": "false"}  # fmt: skip
        folder = root / "submissions" / "bench" / "tiny"
        (folder / "model").mkdir(parents=True)
        make_model(folder / "model")
        (folder / "submission.yaml").write_text(MANIFEST, encoding="utf-8")
        cli = timed(
            [str(BIN / "lm-eval"), "run", "--model", "hf", "--model_args",
             f"pretrained={folder / 'model'}", "dtype=float32", "--tasks", *TASKS,
             "--include_path", str(PACKAGE_TASKS_DIR / "demo"), "--device", "cpu", "--batch_size", "16"],
            env,
        )  # fmt: skip
        ours = [
            str(BIN / "kleaderboard"),
            "evaluate",
            str(folder),
            "--suite",
            "demo",
            "--device",
            "cpu",
            "--no-cost",
        ]
        first = timed(ours, env)
        rerun = timed(ours, env)
    print(f"lm-eval CLI (same model, same 4 tasks):  {cli:6.1f} s")
    print(f"kleaderboard evaluate, first run:        {first:6.1f} s")
    print(f"kleaderboard evaluate, unchanged re-run: {rerun:6.1f} s")
    print(f"runner / CLI   = {first / cli:.2f}  (goal <= 0.50)")
    print(f"re-run / first = {rerun / first:.3f} (goal <= 0.05)")


if __name__ == "__main__":
    main()
