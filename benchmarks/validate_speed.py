"""How fast `kleaderboard validate` checks many submissions.

Generates N varied, valid submission folders (manifest plus a small loss log) in a
temporary directory, runs :func:`kleaderboard.checks.validate.validate_paths` on them and
prints the wall time and the time per manifest. Asserts nothing: it is a measurement.

    .venv/bin/python benchmarks/validate_speed.py            # 1,000 submissions
    .venv/bin/python benchmarks/validate_speed.py -n 200 --profile

The target is 5 s for 1,000 manifests on a 2-core machine.
"""

from __future__ import annotations

import argparse
import cProfile
import math
import pstats
import random
import tempfile
import time
from pathlib import Path

from kleaderboard.checks.validate import validate_paths

MODES = ["base", "instruct", "think_on", "think_off"]
TAGS = ["mla", "moe", "gqa", "sliding-window", "multi-token-prediction", "custom-tokenizer"]
UPSTREAMS = ["meta-llama/Llama-3.1-8B", "Qwen/Qwen2.5-7B", "google/gemma-2-9b"]


def manifest_text(i: int, rng: random.Random) -> str:
    """One valid submission.yaml; which optional parts it has depends on i and rng."""
    total = rng.randrange(100_000_000, 300_000_000_000)
    vocab = rng.choice([32_000, 64_000, 102_400, 151_936])
    lines = [
        f"# generated submission {i}",
        "schema_version: 1",
        "team:",
        f"  name: 팀 Team {i}",
        f"  contact: https://team{i}.example.org/contact",
        "model:",
        f"  name: Model {i} 모델",
    ]
    if i % 5 == 0:
        lines.append("  local_path: weights")
    else:
        rev = "pending" if i % 7 == 0 else f"{rng.getrandbits(160):040x}"
        lines += [f"  hub_repo: team-{i}/model-{i}", f"  revision: {rev}"]
    active = f", active: {total // 8}" if i % 3 == 0 else ""
    modes = ["base"] if i % 3 == 1 else rng.sample(MODES, rng.randrange(1, 4))
    lines += [
        f"  parameters: {{total: {total}{active}}}",
        f"  context_length: {rng.choice([4096, 32768, 131072])}",
        f"  vocab_size: {vocab}",
        f"  architecture: decoder-only, {rng.randrange(12, 96)} layers",
        f"  modes: [{', '.join(modes)}]",
        # instruct and think modes are evaluated through the chat template
        f"  chat_template: {str(modes != ['base']).lower()}",
    ]
    if "think_on" in modes:
        lines.append("  think_end_token: </think>")
    lines += [
        "license: Apache-2.0",
    ]
    lines += _originality(i, rng)
    lines += _cost_and_scores(i, rng)
    return "\n".join(lines) + "\n"


def _originality(i: int, rng: random.Random) -> list[str]:
    from_zero = i % 4 != 0
    lines = [
        "originality:",
        f"  weights_initialised_from_zero: {str(from_zero).lower()}",
        f"  claim_source: https://team{i}.example.org/card",
        "  components:",
        "    - {name: language model, origin: own, relation: trained_from_zero}",
    ]
    if not from_zero:
        lines += [
            "    - name: vision encoder",
            f"      origin: {{model: {rng.choice(UPSTREAMS)}, revision: pending}}",
            "      relation: frozen_from",
        ]
    lines.append("  innovations:")
    lines += [f"    - {{tag: {tag}, description: 설명 {tag}}}" for tag in rng.sample(TAGS, 2)]
    lines += ["  loss_log: loss_log.csv"]
    return lines


def _cost_and_scores(i: int, rng: random.Random) -> list[str]:
    lines = [
        "cost:",
        "  training:",
        "    gpu_type: H100 80GB",
        f"    gpu_count: {rng.choice([64, 256, 1024])}",
        f"    gpu_hours: {rng.randrange(1_000, 900_000)}",
        f"    tokens: {rng.randrange(10**11, 10**13)}",
        "    start: 2025-01-01",
        "    end: 2025-06-30",
    ]
    if i % 2:
        lines += ["  serving:", "    price_per_1m_input_tokens_usd: 0.2", "    reference_hardware: 1x H100"]
    lines.append("self_reported:")
    for bench in rng.sample(["KMMLU", "HAE-RAE", "CLIcK", "MMLU", "GSM8K"], 3):
        value = round(rng.uniform(20, 90), 1)
        lines.append(
            f"  - {{benchmark: {bench}, value: {value}, n_shot: 5, source: https://team{i}.example.org/r}}"
        )
    return lines


def loss_log_text(rng: random.Random, rows: int) -> str:
    """A small, plausible loss log: loss falling from ln(V) to about 2."""
    start = math.log(rng.choice([32_000, 151_936]))
    out = ["step,tokens_seen,loss,learning_rate,grad_norm"]
    for k in range(rows):
        loss = 2.0 + (start - 2.0) * math.exp(-k / (rows / 5)) + rng.uniform(-0.02, 0.02)
        out.append(f"{k * 100},{k * 100 * 4_000_000},{loss:.4f},0.0003,{rng.uniform(0.8, 1.2):.3f}")
    return "\n".join(out) + "\n"


def generate(root: Path, count: int, seed: int = 1) -> None:
    """count submission folders under root/<org>/<model>/."""
    rng = random.Random(seed)
    for i in range(count):
        folder = root / f"org-{i // 20:03d}" / f"model-{i:04d}"
        folder.mkdir(parents=True)
        (folder / "submission.yaml").write_text(manifest_text(i, rng), encoding="utf-8")
        (folder / "loss_log.csv").write_text(loss_log_text(rng, rng.randrange(20, 200)), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--count", type=int, default=1000, help="submissions to generate")
    parser.add_argument("--profile", action="store_true", help="print the 25 costliest functions")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "submissions"
        generate(root, args.count)
        profiler = cProfile.Profile() if args.profile else None
        start = time.perf_counter()
        if profiler:
            profiler.enable()
        report = validate_paths([root])
        if profiler:
            profiler.disable()
        wall = time.perf_counter() - start
    print(
        f"validated {report.checked} submissions in {wall:.2f} s ({1000 * wall / report.checked:.2f} ms each)"
    )
    print(f"problems: {len(report.problems)}, notes: {len(getattr(report, 'notes', ()))}")
    for problem in report.problems[:5]:
        print("  ", problem)
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
