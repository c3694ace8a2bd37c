"""Cost of running the model, measured on the runner and stored in the run record.

Three figures, each labelled on the site: the serving workload (time to first
token, output tokens per second), money (US$ per 1M output tokens at the committed
GPU price, GPU runs only) and energy (NVML watt-hours, when the GPU reports them),
plus the structural cost from config.json (active parameters, KV-cache bytes and
FLOPs per token). On a CPU the same code path runs and the record says so.
"""

from __future__ import annotations

from typing import Any

from kleaderboard.evaluation import adapter
from kleaderboard.evaluation.energy import EnergyMeter
from kleaderboard.evaluation.serving import Workload, measure_hf, measure_vllm
from kleaderboard.evaluation.structural_cost import UnsupportedConfig, structural_cost
from kleaderboard.kinds import Backend
from kleaderboard.records import ServingCost, ServingPoint, StructuralCostRecord
from kleaderboard.scoring.prices import price_table, usd_per_million_tokens


def structural(config: dict[str, Any], dtype: str, context: int) -> StructuralCostRecord | None:
    """Structural cost of a config, or None when the architecture is not covered."""
    try:
        return structural_cost(config, dtype=dtype, context=context)
    except UnsupportedConfig:
        return None


def _money(points: list[ServingPoint], device: str) -> ServingCost:
    gpu, count = adapter.gpu_name_and_count(device)
    if gpu is None:
        return ServingCost(gpu=None, note="CPU figures: no GPU price applies")
    table = price_table()
    price = table.find(gpu)
    if price is None:
        return ServingCost(gpu=gpu, gpu_count=count, note=f"no price for {gpu} in data/gpu_prices.yaml")
    best = max(points, key=lambda p: p.concurrency)
    return ServingCost(
        gpu=gpu,
        gpu_count=count,
        usd_per_gpu_hour=price.usd_per_hour,
        price_source=f"{table.source} ({table.source_date}, {table.basis})",
        usd_per_million_output_tokens=round(
            usd_per_million_tokens(price.usd_per_hour, count, best.output_tokens_per_second), 4
        ),
    )


def measure_cost(
    lm: Any, backend: Backend, dtype: str, device: str, workload: Workload
) -> tuple[list[ServingPoint], StructuralCostRecord | None, ServingCost]:
    """Run the serving workload on a loaded lm-eval model and price it."""
    engine, vocab_size, special = adapter.engine_parts(lm)
    measure = measure_vllm if backend is Backend.vllm else measure_hf
    with EnergyMeter() as meter:
        points = measure(engine, vocab_size, special, workload)
    cost = _money(points, device)
    generated = sum(p.concurrency * (p.output_tokens + 1) for p in points) + len(points)
    energy = {}
    if meter.wh is not None:
        energy = {
            "energy_wh": round(meter.wh, 6),
            "wh_per_million_output_tokens": round(meter.wh / generated * 1e6, 3),
        }
    note = cost.note or ""
    if meter.reason:
        note = f"{note}; {meter.reason}" if note else meter.reason
    cost = cost.model_copy(update={**energy, "note": note})
    context = workload.input_tokens + workload.output_tokens
    config = engine.config.to_dict() if backend is Backend.hf else adapter.vllm_hf_config(engine)
    return points, structural(config, dtype, context), cost
