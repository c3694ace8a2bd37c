"""The model page's lineage and data-summary section: what the team declares about where the
model stands among its own versions, what it was trained on, how it states its claim.

Everything here is *declared* (the manifest) except the chain's wholeness, which is
*checked* (:mod:`kleaderboard.checks.lineage` followed it through the repository).
The template ``_lineage.html.j2`` only lays it out.
"""

from __future__ import annotations

from dataclasses import dataclass

from kleaderboard import display
from kleaderboard.checks.lineage import Chain, lineage_chain
from kleaderboard.display import Label
from kleaderboard.submission.manifest import LineageStep, Manifest, Parameters, TrainingData
from kleaderboard.submission.tree import Submission

STEP_TEXT: dict[str, Label] = {
    LineageStep.continued_pretraining.value: Label("계속 사전학습", "continued pre-training"),
    LineageStep.depth_up_scaling.value: Label("깊이 확장", "depth up-scaling"),
    LineageStep.fine_tuning.value: Label("미세조정", "fine-tuning"),
    LineageStep.pruning.value: Label("가지치기", "pruning"),
    "": Label("시작", "start"),
}
COUNT_TEXT = {"total": Label("전체", "total"), "active": Label("활성", "active")}
START_FROM_ZERO = Label("처음부터 학습한 버전에서 시작", "starts from a version trained from zero")
START_NOT_FROM_ZERO = Label(
    "처음부터 학습하지 않은 버전에서 시작", "starts from a version not trained from zero"
)
START_NOT_STATED = Label("시작 버전이 밝히지 않음", "the first version does not say")
BROKEN = Label("계보를 따라갈 수 없음", "the chain cannot be followed")
# The section's own words (the template reads them as `lineage.words`).
WORDS: dict[str, Label] = {
    "lineage": Label("자체 모델 계보", "Lineage among the team's versions"),
    "family": Label("계열", "family"),
    "version": Label("버전", "version"),
    "submission": Label("제출", "submission"),
    "made_by": Label("만든 방법", "made by"),
    "from_commit": Label("가져온 커밋", "from commit"),
    "training_data": Label("사전학습 데이터", "Pre-training data"),
    "languages": Label("언어별 토큰 비율", "token share by language"),
    "source_types": Label("출처 유형별 토큰 비율", "token share by source type"),
    "synthetic_share": Label("합성 데이터 비율", "synthetic share"),
    "rounded_count": Label("반올림한 매개변수 수로 신고", "parameter count declared rounded"),
    "claim_source": Label("만든 방법을 밝힌 곳", "Where the team states how it was built"),
    "notes": Label("팀의 메모", "Notes from the team"),
    "loss_notes": Label("로그를 만든 방법 (파일 머리의 # 줄)", "How the log was made (its # lines)"),
}


@dataclass(frozen=True)
class ChainRow:
    submission: str
    version: str
    how: Label
    revision: str  # short commit the version was made from, or ""


@dataclass(frozen=True)
class RoundedCount:
    which: Label
    written: str  # as the manifest wrote it, e.g. "16B"
    read_as: str  # the integer it stands for, formatted


@dataclass(frozen=True)
class LineageSection:
    """What the section shows; ``shown`` is False when the manifest declares none of it."""

    family: str
    version: str
    chain: tuple[ChainRow, ...]
    chain_state: Label | None  # None without a lineage that continues another version
    chain_problems: tuple[str, ...]
    claim_source: str | None
    rounded: tuple[RoundedCount, ...]
    languages: tuple[tuple[str, str], ...]
    source_types: tuple[tuple[str, str], ...]
    synthetic_share: str | None
    notes: str

    @property
    def words(self) -> dict[str, Label]:
        return WORDS

    @property
    def shown(self) -> bool:
        return bool(
            self.family
            or self.claim_source
            or self.rounded
            or self.languages
            or self.source_types
            or self.synthetic_share
            or self.notes
        )


def _chain_state(chain: Chain) -> Label:
    if chain.problems:
        return BROKEN
    if chain.start_from_zero is None:
        return START_NOT_STATED
    return START_FROM_ZERO if chain.start_from_zero else START_NOT_FROM_ZERO


def _rounded(parameters: Parameters) -> tuple[RoundedCount, ...]:
    counts = {"total": parameters.total, "active": parameters.active}
    return tuple(
        RoundedCount(COUNT_TEXT[key], written, display.count(counts[key]))
        for key, written in parameters.rounded.items()
    )


def _shares(shares: dict[str, float]) -> tuple[tuple[str, str], ...]:
    ordered = sorted(shares.items(), key=lambda item: (-item[1], item[0]))
    return tuple((name, display.percent(share)) for name, share in ordered)


def _data(
    data: TrainingData | None,
) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...], str | None]:
    if data is None:
        return (), (), None
    types = _shares({kind.value: share for kind, share in data.source_types.items()})
    synthetic = data.synthetic_share
    return _shares(data.languages), types, display.percent(synthetic) if synthetic is not None else None


def lineage_section(submission: Submission) -> LineageSection:
    """The section's view model for one submission (its chain is followed in its own tree)."""
    manifest: Manifest = submission.manifest
    lineage = manifest.originality.lineage
    chain_rows: tuple[ChainRow, ...] = ()
    state: Label | None = None
    problems: tuple[str, ...] = ()
    if lineage and lineage.continued_from:
        chain = lineage_chain(submission)
        chain_rows = tuple(
            ChainRow(link.submission, link.version, STEP_TEXT[link.how], link.revision[:12])
            for link in chain.links
        )
        state, problems = _chain_state(chain), tuple(f"{p.message} — {p.fix}" for p in chain.problems)
    languages, source_types, synthetic = _data(manifest.training_data)
    return LineageSection(
        family=lineage.family if lineage else "",
        version=lineage.version if lineage else "",
        chain=chain_rows,
        chain_state=state,
        chain_problems=problems,
        claim_source=str(manifest.originality.claim_source) if manifest.originality.claim_source else None,
        rounded=_rounded(manifest.model.parameters),
        languages=languages,
        source_types=source_types,
        synthetic_share=synthetic,
        notes=manifest.notes,
    )


__all__ = ["ChainRow", "LineageSection", "RoundedCount", "lineage_section"]
