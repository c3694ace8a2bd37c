"""Originality evidence: what a submission's own files show beside what it declares.

Each comparison is a :class:`Finding`: what was compared, the declared value, the
observed value, the gap and a neutral sentence in Korean and English. A finding
describes; it never judges. A gap has innocent explanations (a first row logged
after training began, auxiliary losses added to the logged loss, the output layer's
initial scale, a log of one training stage), and the page shows the numbers so that
readers can weigh them. When a comparison cannot be
made, the finding says so and guesses nothing. Every figure in a finding is written by
``kleaderboard.display``, so it reads as the same value does in the PR comment and on the page.

The declared parameter counts (:func:`parameter_findings`): the declared total and
active parameters beside the counts computed from the evaluated weights' config.json
(``kleaderboard.evaluation.structural_cost``; norms and biases are not counted, so a gap of well under
1 % is expected).

The loss log (:func:`loss_log_findings`):

* **first loss vs ln V** — for a claim of weights initialised from zero. A language
  model whose weights start from random initialisation predicts close to uniformly
  over its vocabulary of V tokens, so its first training loss is near ln V nats.
* **tokens in the log vs declared training tokens** — ``tokens_seen`` of the last
  row against ``cost.training.tokens``, as a ratio.
* **6·N·D vs declared GPU-hours** (:func:`compute_finding`) — the training FLOPs of a
  dense transformer, 6 × parameters × tokens (Kaplan et al. 2020, "Scaling Laws for Neural
  Language Models", §2.1), with N the declared active parameters (the total for a dense
  model) and D the logged tokens, divided by ``cost.training.gpu_hours`` × 3,600 s × the
  declared GPU's dense BF16 peak (``data/gpu_peaks.yaml``): the model FLOPs utilisation
  (MFU) the declaration implies. Published large runs report 38–43 % (Llama 3 on H100s,
  Dubey et al. 2024), 46.2 % (PaLM, Chowdhery et al. 2022) and 55.2 % (MegaScale, Jiang et
  al. 2024); we describe 20–60 % as the usual band (:data:`MFU_BAND`). 6·N·D leaves out
  attention's own FLOPs and any recomputation, so it undercounts a little.
* **restarts and gaps** (:func:`gaps_finding`) — restarts the importer recorded in the
  log's notes, and intervals between logged steps more than :data:`GAP_FACTOR` times the
  median interval.
* **smoothness** (:func:`smoothness_finding`) — the step-to-step changes of the loss as
  robust z-scores (median and 1.4826 × MAD of the changes); a rise past
  :data:`SPIKE_Z` is a spike.
"""

from __future__ import annotations

import itertools
import math
import statistics
from dataclasses import dataclass

from kleaderboard import display
from kleaderboard.checks.gpu_peaks import peak_table
from kleaderboard.records import StructuralCostRecord
from kleaderboard.submission.loss_import import resumed_steps
from kleaderboard.submission.loss_log import LossLog
from kleaderboard.submission.manifest import Manifest

NOT_DECLARED = display.MISSING
MFU_BAND = (0.20, 0.60)  # the usual model FLOPs utilisation of large runs (sources in the docstring)
GAP_FACTOR = 10  # a step interval this many times the median one is a gap in the log
SPIKE_Z = 6.0  # a loss rise this many robust standard deviations above the typical change
MIN_CHANGES = 8  # fewer step-to-step changes than this say nothing about smoothness
LOSS_RESOLUTION = 1e-4  # nats: the precision a loss is shown at; a smaller spread is no spread


@dataclass(frozen=True)
class Finding:
    """One declared figure set beside what the evidence shows: a description, never a verdict."""

    key: str  # stable id of the comparison, e.g. "first_loss_vs_ln_vocab"
    what_ko: str
    what_en: str
    declared: str  # the declared side, as text ("—" when not declared)
    observed: str  # what the evidence shows, as text
    gap: str  # the difference, as text ("—" when no comparison could be made)
    sentence_ko: str
    sentence_en: str
    gap_value: float | None = None  # the number behind gap (nats or a ratio); None when not compared

    @property
    def compared(self) -> bool:
        """True when both sides were known and the gap was computed."""
        return self.gap_value is not None


def loss_log_findings(manifest: Manifest, log: LossLog) -> tuple[Finding, ...]:
    """What a parsed loss log shows beside the manifest's declarations."""
    findings = []
    if manifest.originality.weights_initialised_from_zero:
        findings.append(first_loss_finding(manifest.model.vocab_size, log))
    findings.append(tokens_finding(manifest.cost.training.tokens, log))
    findings += [compute_finding(manifest, log), gaps_finding(log), smoothness_finding(log)]
    return tuple(findings)


def first_loss_finding(vocab_size: int | None, log: LossLog) -> Finding:
    """The first logged loss against ln(vocab_size), for a claim of weights from zero."""
    first = log.points[0]
    loss, step = display.loss(first.loss), display.number(first.step)
    observed = f"{loss} (step {step})"
    what = ("첫 손실과 ln(어휘 크기)", "first loss vs ln(vocab size)")
    if vocab_size is None:
        return Finding(
            "first_loss_vs_ln_vocab",
            *what,
            declared=NOT_DECLARED,
            observed=observed,
            gap=NOT_DECLARED,
            sentence_ko=(
                f"첫 기록 손실은 {loss}입니다(step {step}). model.vocab_size가 "
                "신고되지 않아 ln V와 비교하지 못했습니다."
            ),
            sentence_en=(
                f"The first logged loss is {loss} (step {step}). model.vocab_size "
                "is not declared, so it could not be compared with ln V."
            ),
        )
    ln_v = math.log(vocab_size)
    gap = first.loss - ln_v
    ln_text = f"ln({display.number(vocab_size)}) = {display.loss(ln_v)}"
    return Finding(
        "first_loss_vs_ln_vocab",
        *what,
        declared=ln_text,
        observed=observed,
        gap=display.loss_gap(gap),
        sentence_ko=(
            f"첫 기록 손실 {loss}(step {step})과 {ln_text}의 "
            f"차이는 {display.loss_gap(gap)}입니다. 가중치를 무작위 초기화에서 시작한 모델의 첫 손실은 "
            "보통 ln V 근처이며, 학습이 진행될수록 그 아래로 내려갑니다."
        ),
        sentence_en=(
            f"The first logged loss, {loss} at step {step}, differs from "
            f"{ln_text} by {display.loss_gap(gap)}. A model whose weights start "
            "from random initialisation usually begins near ln V, and falls below it as training goes on."
        ),
        gap_value=gap,
    )


def tokens_finding(declared: int | None, log: LossLog) -> Finding:
    """Tokens seen at the log's last row against the declared pre-training tokens."""
    seen = log.total_tokens
    step, short = display.number(log.points[-1].step), display.count_short(seen)
    what = ("기록된 토큰과 신고한 학습 토큰", "tokens in the log vs declared training tokens")
    if declared is None:
        return Finding(
            "tokens_vs_declared",
            *what,
            declared=NOT_DECLARED,
            observed=display.count(seen),
            gap=NOT_DECLARED,
            sentence_ko=(
                f"로그의 마지막 행(step {step})까지 {short} 토큰입니다. cost.training.tokens가 "
                "신고되지 않아 비교하지 못했습니다."
            ),
            sentence_en=(
                f"The log's last row (step {step}) counts {short} tokens. cost.training.tokens "
                "is not declared, so it could not be compared."
            ),
        )
    ratio = seen / declared
    return Finding(
        "tokens_vs_declared",
        *what,
        declared=display.count(declared),
        observed=display.count(seen),
        gap=display.times(ratio),
        sentence_ko=(
            f"로그의 마지막 행(step {step})까지 {short} 토큰으로, 신고한 학습 토큰 "
            f"{display.count_short(declared)}의 {display.ratio(ratio)}배입니다."
        ),
        sentence_en=(
            f"The log's last row (step {step}) counts {short} tokens, {display.times(ratio)} the "
            f"declared {display.count_short(declared)} training tokens."
        ),
        gap_value=ratio,
    )


_COMPUTE = ("6·N·D와 신고한 GPU 시간", "6·N·D vs declared GPU-hours")
# Innocent explanations of an implied utilisation outside MFU_BAND, below and above it.
_BELOW = (
    "신고한 시간에 다른 작업(실험, 재시작, 평가)이 들었거나, 로그가 학습의 일부만 담았을 수 있습니다",
    "the hours may include other work (ablations, restarts, evaluation), or the log may cover part "
    "of the training",
)
_ABOVE = (
    "FP8 학습(최대 성능이 BF16의 두 배), 토큰 수를 세는 방식의 차이, "
    "또는 시간의 누락이 설명이 될 수 있습니다",
    "FP8 training (twice the BF16 peak), another way of counting tokens, or hours left out can each "
    "explain it",
)


@dataclass(frozen=True)
class _Compute:
    """6·N·D of a log, in words, and the declared GPU-hours it is set against."""

    flops: float
    ko: str
    en: str
    hours: float

    @property
    def sustained_tflops(self) -> float:
        return self.flops / (self.hours * 3600) / 1e12


def compute_finding(manifest: Manifest, log: LossLog) -> Finding:
    """6·N·D over the declared GPU-hours at the declared GPU's dense BF16 peak: the implied MFU."""
    params = manifest.model.parameters
    n = params.active if params.active is not None else params.total
    flops = 6 * n * log.total_tokens
    n_text, d_text, f_text = (
        display.count_short(n),
        display.count_short(log.total_tokens),
        display.total_flops(flops),
    )
    compute = _Compute(
        flops,
        f"6 × {n_text} 매개변수 × 기록된 {d_text} 토큰 = {f_text}",
        f"6 × {n_text} parameters × {d_text} logged tokens = {f_text}",
        manifest.cost.training.gpu_hours or 0.0,
    )
    if not compute.hours:
        return Finding(
            "compute_vs_gpu_hours",
            *_COMPUTE,
            declared=NOT_DECLARED,
            observed=f_text,
            gap=NOT_DECLARED,
            sentence_ko=f"{compute.ko}입니다. cost.training.gpu_hours가 신고되지 않아 비교하지 못했습니다.",
            sentence_en=f"{compute.en}. cost.training.gpu_hours is not declared, so nothing was compared.",
        )
    gpu_type = manifest.cost.training.gpu_type
    peak = peak_table().find(gpu_type) if gpu_type else None
    if peak is None:
        return _no_peak_finding(compute, gpu_type or "cost.training.gpu_type")
    return _mfu_finding(compute, peak.name, peak.bf16_dense_tflops)


def _no_peak_finding(compute: _Compute, gpu: str) -> Finding:
    hours, tflops = display.number(compute.hours), display.number(compute.sustained_tflops, 1)
    return Finding(
        "compute_vs_gpu_hours",
        *_COMPUTE,
        declared=f"{hours} GPU-hours",
        observed=display.total_flops(compute.flops),
        gap=NOT_DECLARED,
        sentence_ko=(
            f"{compute.ko}로, 신고한 {hours} GPU 시간이면 GPU당 {tflops} TFLOPS입니다. "
            f"{gpu}의 최대 성능이 표(data/gpu_peaks.yaml)에 없어 활용률은 계산하지 않았습니다."
        ),
        sentence_en=(
            f"{compute.en}: over the declared {hours} GPU-hours, {tflops} TFLOPS per GPU. "
            f"The peak of {gpu} is not in data/gpu_peaks.yaml, so no utilisation was computed."
        ),
    )


def _mfu_finding(compute: _Compute, gpu: str, peak: float) -> Finding:
    mfu = compute.sustained_tflops / peak
    band = "–".join(display.percent(x, 0) for x in MFU_BAND)
    hours, peak_text, share = (
        display.number(compute.hours),
        f"{gpu} {display.number(peak)} TFLOPS",
        display.percent(mfu),
    )
    if mfu < MFU_BAND[0]:
        where_ko, where_en = (
            f"보통 범위({band})보다 낮습니다: {_BELOW[0]}.",
            f"below the usual {band}: {_BELOW[1]}.",
        )
    elif mfu > MFU_BAND[1]:
        where_ko, where_en = (
            f"보통 범위({band})보다 높습니다: {_ABOVE[0]}.",
            f"above the usual {band}: {_ABOVE[1]}.",
        )
    else:
        where_ko, where_en = f"보통 범위({band}) 안입니다.", f"inside the usual {band}."
    return Finding(
        "compute_vs_gpu_hours",
        *_COMPUTE,
        declared=f"{hours} GPU-hours ({peak_text})",
        observed=display.total_flops(compute.flops),
        gap=f"MFU {share}",
        sentence_ko=(
            f"{compute.ko}로, 신고한 {hours} GPU 시간과 {peak_text}(밀집 BF16 최대)에 대한 활용률(MFU)은 "
            f"{share}이며 {where_ko} 공개된 대규모 학습은 38–55 %를 보고합니다."
        ),
        sentence_en=(
            f"{compute.en}: over the declared {hours} GPU-hours at the {peak_text} dense BF16 peak, a model "
            f"FLOPs utilisation of {share}, {where_en} Published large runs report 38–55 %."
        ),
        gap_value=mfu,
    )


def gaps_finding(log: LossLog) -> Finding:
    """Restarts the importer recorded, and intervals between logged steps far past the median."""
    steps = [p.step for p in log.points]
    restarts = resumed_steps(log.notes)
    what = ("재시작과 기록의 빈틈", "restarts and gaps in the steps")
    resumed = ", ".join(display.number(s) for s in restarts[:5]) + (" …" if len(restarts) > 5 else "")
    restart_ko = f"가져오기 노트에 재시작 {len(restarts)}회" + (f"(step {resumed})" if restarts else "")
    restart_en = f"The import notes record {len(restarts)} restart(s)" + (
        f" (step {resumed})" if restarts else ""
    )
    intervals = [b - a for a, b in itertools.pairwise(steps)]
    if len(intervals) < 2:
        return Finding(
            "restarts_and_gaps",
            *what,
            declared=NOT_DECLARED,
            observed=f"{len(restarts)} restart(s)",
            gap=NOT_DECLARED,
            sentence_ko=f"{restart_ko}. 기록 행이 셋 미만이라 간격은 보지 않았습니다.",
            sentence_en=f"{restart_en.capitalize()}. Fewer than three rows: intervals were not looked at.",
        )
    median = statistics.median(intervals)
    gaps = [(a, b) for a, b in itertools.pairwise(steps) if b - a > GAP_FACTOR * median]
    widest = max(intervals)
    listed = ", ".join(f"{display.number(a)}→{display.number(b)}" for a, b in gaps[:3]) + (
        " …" if len(gaps) > 3 else ""
    )
    where_ko, where_en = (f"(step {listed})", f" (steps {listed})") if gaps else ("", "")
    typical = display.number(median)
    gap_ko = f"간격이 중앙값({typical} step)의 {GAP_FACTOR}배를 넘는 빈틈 {len(gaps)}곳{where_ko}"
    gap_en = f"{len(gaps)} gap(s) wider than {GAP_FACTOR}× the median interval of {typical} step(s){where_en}"
    return Finding(
        "restarts_and_gaps",
        *what,
        declared=NOT_DECLARED,
        observed=f"{len(restarts)} restart(s), {len(gaps)} gap(s)",
        gap=f"{display.ratio(widest / median)}× median" if median else NOT_DECLARED,
        sentence_ko=(
            f"{restart_ko}, {gap_ko}입니다. 가장 넓은 간격은 {display.number(widest)} step입니다. "
            "재시작과 빈틈은 흔한 일이며(체크포인트에서 재개, 기록 간격 변경), "
            "그 구간의 손실은 보이지 않습니다."
        ),
        sentence_en=(
            f"{restart_en}, and {gap_en}; the widest interval is "
            f"{display.number(widest)} step(s). Restarts and gaps are common (a resume from a checkpoint, a "
            "changed logging interval); the loss inside a gap is not seen."
        ),
        gap_value=widest / median if median else None,
    )


def smoothness_finding(log: LossLog) -> Finding:
    """Loss spikes: step-to-step rises past SPIKE_Z robust standard deviations of the changes."""
    losses = [p.loss for p in log.points]
    changes = [b - a for a, b in itertools.pairwise(losses)]
    what = ("손실 곡선의 매끄러움", "smoothness of the loss curve")
    if len(changes) < MIN_CHANGES:
        return Finding(
            "loss_smoothness",
            *what,
            declared=NOT_DECLARED,
            observed=f"{len(log.points)} row(s)",
            gap=NOT_DECLARED,
            sentence_ko=f"기록 행이 {MIN_CHANGES + 1}개 미만이라 손실 변화의 분포를 보지 않았습니다.",
            sentence_en=f"Fewer than {MIN_CHANGES + 1} rows: the spread of the loss changes was not read.",
        )
    median = statistics.median(changes)
    scale = max(1.4826 * statistics.median(abs(c - median) for c in changes), LOSS_RESOLUTION)
    z = [(c - median) / scale for c in changes]
    spikes = [i for i, value in enumerate(z) if value > SPIKE_Z]
    top = max(range(len(z)), key=z.__getitem__)
    step = display.number(log.points[top + 1].step)
    return Finding(
        "loss_smoothness",
        *what,
        declared=NOT_DECLARED,
        observed=f"{len(spikes)} spike(s)",
        gap=f"{display.z_score(z[top])} (step {step})",
        sentence_ko=(
            f"손실의 단계별 변화 {len(changes)}개 중 {len(spikes)}개가 변화의 중앙값에서 강건 표준편차"
            f"(1.4826 × MAD)의 {display.number(SPIKE_Z)}배 넘게 올랐습니다. 가장 큰 상승은 step {step}의 "
            f"{display.z_score(z[top])}입니다. 건강한 학습에도 스파이크는 생기며(나쁜 배치, 학습률), "
            "스파이크가 전혀 없는 곡선은 평활했거나 드물게 기록했을 수 있습니다."
        ),
        sentence_en=(
            f"Of {len(changes)} step-to-step changes of the loss, {len(spikes)} rise more than "
            f"{display.number(SPIKE_Z)} robust standard deviations (1.4826 × MAD) above the median change; "
            f"the largest is {display.z_score(z[top])} at step {step}. Healthy runs spike too (a bad batch, "
            "the learning rate); a curve with no spike at all may have been smoothed or sparsely logged."
        ),
        gap_value=z[top],
    )


def parameter_findings(manifest: Manifest, structural: StructuralCostRecord | None) -> tuple[Finding, ...]:
    """Declared total and active parameters beside the counts computed from config.json."""
    if structural is None:
        return ()
    declared = manifest.model.parameters
    pairs = (
        ("total", "전체 매개변수", "total parameters", declared.total, structural.total_parameters),
        (
            "active",
            "토큰당 활성 매개변수",
            "active parameters per token",
            declared.active,
            structural.active_parameters,
        ),
    )
    return tuple(_count_finding(*pair) for pair in pairs)


def _count_finding(key: str, what_ko: str, what_en: str, declared: int | None, computed: int) -> Finding:
    short = display.count_short(computed)
    if declared is None:
        return Finding(
            f"{key}_parameters_vs_config",
            what_ko,
            what_en,
            declared=NOT_DECLARED,
            observed=display.count(computed),
            gap=NOT_DECLARED,
            sentence_ko=f"config.json으로 계산하면 {short}입니다. 신고 값이 없어 비교하지 않았습니다.",
            sentence_en=f"Computed from config.json: {short}. Nothing was declared to compare.",
        )
    ratio = computed / declared
    percent = display.relative_change(ratio)
    return Finding(
        f"{key}_parameters_vs_config",
        what_ko,
        what_en,
        declared=display.count(declared),
        observed=display.count(computed),
        gap=percent,
        sentence_ko=(
            f"평가한 가중치의 config.json으로 계산한 값은 {short}로, 신고 값 "
            f"{display.count_short(declared)}보다 {percent} 다릅니다."
        ),
        sentence_en=(
            f"Computed from the evaluated weights' config.json: {short}, "
            f"{percent} from the declared {display.count_short(declared)}."
        ),
        gap_value=ratio,
    )
