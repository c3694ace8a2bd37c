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
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from kleaderboard import display
from kleaderboard.records import StructuralCostRecord
from kleaderboard.submission.loss_log import LossLog
from kleaderboard.submission.manifest import Manifest

NOT_DECLARED = display.MISSING


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
