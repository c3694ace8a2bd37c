"""The model page's provenance section: the newest provenance record, shaped for its template.

The page shows evidence with its limits. For each reference model: the flagged components
with their statistic, z-score and percentile, and one chart of the null distribution with
this pair's value on it; when nothing is flagged, how many references were searched, with
the reminder that this is not proof of training from zero. Architecture: each innovation
declared and/or detected (depth up-scaling from the weights: a reference layer that
reappears as several of this model's layers). Tokenizers: the three overlap shares. The raw record is linked.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup, escape

from kleaderboard import display
from kleaderboard.display import Label
from kleaderboard.errors import ProvenanceError
from kleaderboard.provenance.null_panel import Calibrated, NullDistribution
from kleaderboard.provenance.record import FOLDER, ProvenanceRecord
from kleaderboard.submission import untrusted
from kleaderboard.submission.manifest import InnovationTag
from kleaderboard.submission.tree import MAX_RECORD_BYTES

STATISTIC_LABELS = {
    "exact": Label("텐서 바이트 일치", "exact tensor match"),
    "norm": Label("접은 정규화 프로필의 중심화 상관", "centred correlation of folded norm profiles"),
    "gram": Label("기능 그람 행렬의 CKA", "CKA of functional Gram matrices"),
    "spectrum": Label("스펙트럼 상관", "spectrum correlation"),
}
# Every word the section shows, in both languages (the template writes them with m.label / m.bilingual).
WORDS = {
    "heading": Label("출처 증거", "Provenance evidence"),
    "architecture": Label(
        "구조: 신고와 config.json 탐지", "Architecture: declared and detected from config.json"
    ),
    "innovation": Label("혁신", "Innovation"),
    "nearest": Label(
        "가장 가까운 구조 (같은 설정 항목의 비율)", "Nearest architectures (share of config facts alike)"
    ),
    "declared": Label("신고", "declared"),
    "detected": Label("탐지", "detected"),
    "tokenizer": Label("토크나이저 겹침", "Tokenizer overlap"),
    "reference": Label("참조 모델", "Reference model"),
    "jaccard": Label("어휘 자카드", "vocabulary Jaccard"),
    "same_ids": Label("같은 id→토큰", "identical id→token"),
    "merges": Label("공유 병합 규칙", "shared merges"),
    "weights": Label("가중치: 귀무 패널 대비", "Weights: against the null panel"),
    "component": Label("구성 요소", "Component"),
    "matched": Label("대응 요소", "Matched"),
    "statistic": Label("통계량", "Statistic"),
    "value": Label("값", "Value"),
    "percentile": Label("백분위", "Percentile"),
    "flagged": Label("표시됨: 독립 모델 쌍의 모든 값보다 높음", "flagged: above every independent pair"),
    "none_flagged": Label("귀무 분포를 넘는 구성 요소 없음", "no component above its null distribution"),
    "raw": Label("원본 기록 (JSON)", "raw record (JSON)"),
    "methodology": Label("읽는 법", "How to read this"),
    "repeated": Label(
        "깊이 확장(depth up-scaling): 이 모델의 여러 층이 참조 모델의 한 층과 일치",
        "depth up-scaling: several layers of this model match one layer of the reference",
    ),
    "layers": Label("층", "layers"),
    "base_layer": Label("참조 층", "reference layer"),
}
WIDTH, HEIGHT, PAD = 360, 64, 16
# The null chart's description, in the page's language: {n} values, {low}..{high}, this pair's {value}.
NULL_DESCRIPTION = Label(
    "귀무 값 {n}개, {low}부터 {high}까지; 이 쌍 {value}",
    "{n} null values from {low} to {high}; this pair {value}",
)


@dataclass(frozen=True)
class InnovationRow:
    tag: str
    declared: bool
    detected: bool


@dataclass(frozen=True)
class ScoreRow:
    component: str
    matched: str
    statistic: Label
    value: str
    z: str
    percentile: str
    null_size: int


@dataclass(frozen=True)
class ReferenceView:
    reference: str
    revision: str
    flagged: tuple[ScoreRow, ...]
    chart: Markup  # the null distribution of the strongest score, with this pair's value
    repeated: tuple[tuple[int, str], ...] = ()  # depth up-scaling: (reference layer, our layers)


@dataclass(frozen=True)
class ProvenanceView:
    record: ProvenanceRecord
    record_uri: str  # where the raw record is published, relative to the site root
    innovations: tuple[InnovationRow, ...]
    references: tuple[ReferenceView, ...]
    searched: int

    @property
    def words(self) -> dict[str, Label]:
        return WORDS

    @property
    def limit(self) -> tuple[str, str]:
        """What an absence of matches means, in both languages."""
        n = self.searched
        return (
            f"참조 모델 {n}개 중 일치 없음은 처음부터 학습했다는 증거가 아닙니다: "
            "등록된 모델만 비교했습니다.",
            f"No match among {n} reference models is not proof of training from zero: "
            "only the registry's models were compared.",
        )

    @property
    def any_flagged(self) -> bool:
        return any(r.flagged for r in self.references)


def latest_record(folder: Path) -> tuple[Path, ProvenanceRecord] | None:
    """The newest provenance record in a submission folder (record ids start with a UTC time)."""
    records = sorted((folder / FOLDER).glob("*.json")) if (folder / FOLDER).is_dir() else []
    if not records:
        return None
    path = records[-1]
    data = untrusted.load_json(path, MAX_RECORD_BYTES, ProvenanceError)
    return path, ProvenanceRecord.model_validate(data)


def _row(score: Calibrated) -> ScoreRow:
    return ScoreRow(
        component=score.component,
        matched=score.matched,
        statistic=STATISTIC_LABELS[score.statistic],
        value=display.statistic(score.value),
        z=display.z_score(score.z),
        percentile=display.number(score.percentile),
        null_size=score.null_size,
    )


def null_chart(null: NullDistribution | None, score: Calibrated, lang: str = "ko") -> Markup:
    """A strip of the null values over -1..1 (ticks) and this pair's value (a marked line), in lang."""
    if null is None or not null.values:
        return Markup("")

    def x(value: float) -> float:
        return PAD + (max(-1.0, min(1.0, value)) + 1) / 2 * (WIDTH - 2 * PAD)

    label = STATISTIC_LABELS[score.statistic]
    title = f"{label.say(lang)}: {score.component}"
    description = NULL_DESCRIPTION.say(lang).format(
        n=len(null.values),
        low=display.statistic(min(null.values)),
        high=display.statistic(max(null.values)),
        value=display.statistic(score.value),
    )
    parts = [
        f'<svg class="kl-chart kl-null-chart" lang="{escape(lang)}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>",
        f'<line class="kl-chart__axis" x1="{PAD}" x2="{WIDTH - PAD}" y1="40" y2="40" stroke="currentColor"/>',
    ]
    for tick in (-1.0, 0.0, 1.0):
        parts.append(
            f'<text class="kl-chart__tick" x="{x(tick):.1f}" y="56" text-anchor="middle" '
            f'font-size="10">{escape(display.significant(tick))}</text>'
        )
    for value in null.values:
        parts.append(
            f'<line class="kl-chart__null" x1="{x(value):.1f}" x2="{x(value):.1f}" y1="30" y2="40" '
            'stroke="currentColor" opacity="0.5"/>'
        )
    parts.append(
        f'<line class="kl-chart__value" x1="{x(score.value):.1f}" x2="{x(score.value):.1f}" y1="12" y2="44" '
        'stroke="#d33" stroke-width="2"/>'
    )
    parts.append(
        f'<text class="kl-chart__label" x="{x(score.value):.1f}" y="10" text-anchor="middle" font-size="10">'
        f"{escape(display.statistic(score.value))}</text></svg>"
    )
    return Markup("".join(parts))


def _strongest(scores: list[Calibrated]) -> Calibrated | None:
    drawable = [s for s in scores if s.statistic != "exact" and s.z is not None]
    return max(drawable, key=lambda s: s.z or 0.0, default=None)


def _reference(record: ProvenanceRecord, result_index: int, lang: str) -> ReferenceView:
    result = record.weights[result_index]
    strongest = _strongest(result.scores)
    chart = Markup("")
    if strongest is not None:
        key = (strongest.kind, strongest.statistic)
        null = next((d for d in record.null if (d.kind, d.statistic) == key), None)
        chart = null_chart(null, strongest, lang)
    return ReferenceView(
        reference=result.reference,
        revision=(result.revision or "")[:12],
        flagged=tuple(_row(s) for s in result.flagged),
        chart=chart,
        repeated=tuple((base, ", ".join(map(str, ours))) for base, ours in result.repeated_layers.items()),
    )


def provenance_view(folder: Path, record_uri_prefix: str, lang: str = "ko") -> ProvenanceView | None:
    """The section's view model from the submission folder's newest record, for a page in lang
    (the chart's words); None without one."""
    found = latest_record(folder)
    if found is None:
        return None
    path, record = found
    detected = {t.value for t in record.architecture.detected}
    if record.depth_up_scaled_from:  # seen in the weights, not in config.json
        detected.add(InnovationTag.depth_up_scaling.value)
    declared = set(record.declared_innovations)
    return ProvenanceView(
        record=record,
        record_uri=f"{record_uri_prefix}/{FOLDER}/{path.name}",
        innovations=tuple(
            InnovationRow(tag, tag in declared, tag in detected) for tag in sorted(declared | detected)
        ),
        references=tuple(_reference(record, i, lang) for i in range(len(record.weights))),
        searched=len(record.references_searched),
    )
