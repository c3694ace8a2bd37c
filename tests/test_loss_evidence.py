"""The loss log's compute, restarts, gaps and smoothness: findings with their numbers, never verdicts."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

from kleaderboard import display
from kleaderboard.checks.evidence import (
    GAP_FACTOR,
    SPIKE_Z,
    compute_finding,
    gaps_finding,
    smoothness_finding,
)
from kleaderboard.checks.gpu_peaks import peak_table
from kleaderboard.submission.loss_import import Overlap, resumed_steps
from kleaderboard.submission.loss_log import LossLog, parse_loss_log
from kleaderboard.submission.manifest import Manifest, parse_manifest

FULL = (Path(__file__).parent / "data" / "manifests" / "valid" / "full.yaml").read_text(encoding="utf-8")


def declared(gpu_type: str | None, gpu_hours: float | None, total: int, active: int | None) -> Manifest:
    data = yaml.safe_load(FULL)
    data["model"]["parameters"] = {"total": total, "active": active}
    data["cost"]["training"].update(gpu_type=gpu_type, gpu_hours=gpu_hours)
    return parse_manifest(data, "full.yaml")


def log_of(rows: list[tuple[int, int, float]], notes: str = "") -> LossLog:
    body = "".join(f"{s},{t},{x!r}\n" for s, t, x in rows)
    return parse_loss_log(notes + "step,tokens_seen,loss\n" + body, "loss_log.csv")


# 1e9 parameters × 1e11 tokens × 6 = 6e20 FLOPs; at H100 SXM's 989 TFLOPS and 40 % MFU that takes
# 6e20 / (0.4 × 989e12 × 3600) GPU-hours.
TOKENS = 10**11
FLOPS = 6 * 10**9 * TOKENS
HOURS_AT_40 = FLOPS / (0.4 * 989e12 * 3600)
LOG = log_of([(0, 0, 11.0), (1000, TOKENS, 3.0)])


def test_six_n_d_over_declared_hours_is_the_implied_utilisation() -> None:
    finding = compute_finding(declared("NVIDIA H100 80GB SXM", HOURS_AT_40, 10**9, None), LOG)
    assert finding.gap_value == pytest.approx(0.40)
    assert finding.observed == "6.00 × 10²⁰ FLOPs" == display.total_flops(FLOPS)
    assert finding.gap == "MFU 40.0 %"
    assert finding.declared == f"{display.number(HOURS_AT_40)} GPU-hours (H100 SXM 989 TFLOPS)"
    assert "inside the usual 20 %–60 %" in finding.sentence_en
    assert "6 × 1B parameters × 100B logged tokens = 6.00 × 10²⁰ FLOPs" in finding.sentence_en


def test_the_active_parameters_count_for_a_mixture_of_experts() -> None:
    moe = compute_finding(declared("H100", HOURS_AT_40, 10 * 10**9, 10**9), LOG)
    assert moe.gap_value == pytest.approx(0.40), "N is the active count, not the total"


@pytest.mark.parametrize(
    ("gpu", "hours", "share", "where"),
    [
        ("H100", HOURS_AT_40 * 10, 0.04, "below the usual 20 %–60 %: the hours may include other work"),
        ("H100", HOURS_AT_40 / 2, 0.80, "above the usual 20 %–60 %: FP8 training"),
        ("H100 PCIe", HOURS_AT_40, 0.4 * 989 / 756, "inside the usual"),  # the PCIe row, not the SXM one
        ("A100 80GB", HOURS_AT_40, 0.4 * 989 / 312, "above the usual"),
    ],
)
def test_a_utilisation_outside_the_band_is_described_with_its_explanations(
    gpu: str, hours: float, share: float, where: str
) -> None:
    finding = compute_finding(declared(gpu, hours, 10**9, None), LOG)
    assert finding.gap_value == pytest.approx(share)
    assert where in finding.sentence_en


def test_without_hours_or_a_known_peak_nothing_is_guessed() -> None:
    none = compute_finding(declared("H100", None, 10**9, None), LOG)
    assert (none.gap, none.gap_value, none.declared) == ("—", None, "—")
    assert "cost.training.gpu_hours is not declared" in none.sentence_en
    tpu = compute_finding(declared("TPU v5p", HOURS_AT_40, 10**9, None), LOG)
    assert tpu.gap_value is None and tpu.gap == "—"
    sustained = display.number(FLOPS / (HOURS_AT_40 * 3600) / 1e12, 1)
    assert (
        f"{sustained} TFLOPS per GPU" in tpu.sentence_en and "not in data/gpu_peaks.yaml" in tpu.sentence_en
    )


def test_every_peak_row_is_a_dense_figure_from_the_datasheets() -> None:
    table = peak_table()
    assert {g.name: g.bf16_dense_tflops for g in table.gpus}["H100 SXM"] == 989
    assert table.find("nvidia h100 pcie 80gb").name == "H100 PCIe"  # type: ignore[union-attr]
    assert table.find("Gaudi 3") is None


def test_gaps_are_intervals_far_past_the_median_and_restarts_come_from_the_import_notes() -> None:
    note = Overlap("b", resumed_at=300, replaced=2, first=300, last=400).note
    steps = [*range(0, 1000, 100), 9000, 9100, 9200]
    log = log_of([(s, s * 10, 5.0) for s in steps], notes=f"# {note}\n")
    assert resumed_steps(log.notes) == (300,)
    finding = gaps_finding(log)
    assert finding.observed == "1 restart(s), 1 gap(s)"
    assert finding.gap_value == pytest.approx(8100 / 100) and finding.gap == "81× median"
    assert (
        f"wider than {GAP_FACTOR}× the median interval of 100 step(s) (steps 900→9,000)"
        in finding.sentence_en
    )
    assert "record 1 restart(s) (step 300)" in finding.sentence_en
    even = gaps_finding(log_of([(s, s * 10, 5.0) for s in range(0, 1000, 100)]))
    assert even.observed == "0 restart(s), 0 gap(s)" and even.gap_value == 1


def curve(n: int, spike_at: int | None = None) -> list[tuple[int, int, float]]:
    """A decaying loss with a small deterministic wobble, and one jump up if asked."""
    rows = []
    for i in range(n):
        loss = 2.0 + 9.0 * math.exp(-i / 20) + 0.01 * math.sin(i * 1.7)
        rows.append((i * 10, i * 1000, loss + (1.0 if i == spike_at else 0.0)))
    return rows


def test_a_loss_spike_is_found_at_its_step_as_a_robust_z() -> None:
    finding = smoothness_finding(log_of(curve(60, spike_at=40)))
    assert finding.observed == "1 spike(s)"
    assert finding.gap_value is not None and finding.gap_value > SPIKE_Z
    assert finding.gap.endswith("(step 400)")
    smooth = smoothness_finding(log_of(curve(60)))
    assert smooth.observed == "0 spike(s)" and smooth.gap_value is not None and smooth.gap_value < SPIKE_Z


def test_a_short_log_says_its_smoothness_was_not_read() -> None:
    finding = smoothness_finding(log_of(curve(5)))
    assert finding.gap_value is None and "Fewer than 9 rows" in finding.sentence_en
