"""The contamination evidence on a model page: its view model and the null-distribution SVG.

The membership AUC (a task's published items against its private items in the same frame)
means little alone: a clean model's AUC is not exactly 0.5 when the private items happen to
be harder or easier for every model. It is placed, per task, among models known clean, named by the
maintainers in ``contamination-null.yaml`` at the repository root::

    # Models known not to have seen the suite's test items (released before it, or
    # trained on data we can read). Each must have a run with the contamination pass.
    clean:
      - hanbit-lab/hanbit-tiny-m

A model in the panel is compared with the others (leave-one-out). Without at least two
other clean models no z-score is given, and the page says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from markupsafe import Markup, escape

from kleaderboard import contamination as stats
from kleaderboard import display
from kleaderboard.display import Label
from kleaderboard.records import Contamination, RunRecord
from kleaderboard.scoring.leaderboard import Entry, Leaderboard

NULL_FILE = "contamination-null.yaml"
FLAG_Z = stats.FLAG_Z
STATISTIC_LABELS = {
    "min_k": Label("Min-K% 확률", "Min-K% Prob"),
    "min_k_plus_plus": Label("Min-K%++", "Min-K%++"),
}
CONTROL_LABELS = {
    "private": Label("비공개 문항", "private items"),
}
UNUSUAL = Label("깨끗한 모델들과 다름", "unlike the clean models")
ORDINARY = Label("깨끗한 모델들의 범위 안", "within the clean models' range")
NO_PANEL = Label("비교할 깨끗한 모델 부족", "too few clean models to compare with")


@dataclass(frozen=True)
class SliceScores:
    """One model's score on a task's published items and on its private items."""

    model_id: str
    public: float
    private: float


@dataclass(frozen=True)
class NullPanel:
    """The board-wide figures a model page reads its own against: each clean model's AUC per
    task and statistic, and every model's public and private score per task (the rank delta)."""

    clean: tuple[str, ...]
    values: dict[tuple[str, str], tuple[tuple[str, float], ...]]  # (task, statistic) -> (model id, auc)
    slices: dict[str, tuple[SliceScores, ...]] = field(default_factory=dict)  # task -> every model's

    def others(self, task: str, statistic: str, model_id: str) -> list[float]:
        return [auc for who, auc in self.values.get((task, statistic), ()) if who != model_id]

    def ranks(self, task: str, model_id: str) -> tuple[int, int, int] | None:
        """This model's rank by public score and by private score among the models with both
        on this task, and how many there are; None when it has no private score there.

        Competition ranking (1 + the models strictly ahead), so a tie never reads as a move.
        """
        rows = self.slices.get(task, ())
        mine = next((r for r in rows if r.model_id == model_id), None)
        if mine is None:
            return None
        public = 1 + sum(r.public > mine.public for r in rows)
        private = 1 + sum(r.private > mine.private for r in rows)
        return public, private, len(rows)


def _shown(entry: Entry) -> RunRecord | None:
    return entry.run or entry.previous


def read_clean_list(root: Path) -> tuple[str, ...]:
    """The ids the maintainers name as known clean; none without the file."""
    path = root / NULL_FILE
    if not path.is_file():
        return ()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    clean = data.get("clean", []) if isinstance(data, dict) else []
    return tuple(str(c) for c in clean)


def null_panel(board: Leaderboard) -> NullPanel:
    """The clean models' membership AUCs on this board, and every model's private-slice scores."""
    if not board.entries:
        return NullPanel((), {})
    clean = read_clean_list(board.entries[0].submission.folder.parents[2])
    values: dict[tuple[str, str], list[tuple[str, float]]] = {}
    slices: dict[str, list[SliceScores]] = {}
    for entry in board.entries:
        run = _shown(entry)
        if run is None or run.contamination is None:
            continue
        for row in _slice_scores(entry.id, run, run.contamination):
            slices.setdefault(row[0], []).append(row[1])
        if entry.id not in clean:
            continue
        for signal in run.contamination.membership:
            values.setdefault((signal.task, signal.statistic), []).append((entry.id, signal.auc))
    return NullPanel(
        clean, {k: tuple(v) for k, v in values.items()}, {k: tuple(v) for k, v in slices.items()}
    )


def _slice_scores(model_id: str, run: RunRecord, block: Contamination) -> list[tuple[str, SliceScores]]:
    rows = []
    for p in block.private:
        public = run.score(p.task)
        if public is not None:
            rows.append((p.task, SliceScores(model_id, public.value, p.value)))
    return rows


@dataclass(frozen=True)
class MembershipRow:
    task: str
    statistic: Label
    auc: str
    n_items: str
    n_controls: str
    controls: tuple[Label, ...]
    z: str
    verdict: Label
    unusual: bool
    chart: Markup


@dataclass(frozen=True)
class GapRow:
    task: str
    published: str
    perturbed: str
    gap: str
    n_items: str
    perturbations: str


@dataclass(frozen=True)
class PrivateRow:
    task: str
    public: str
    private: str
    difference: str
    n_items: str
    items_sha256: str
    public_rank: str  # '2 / 4': by the public score among the models with a private score here
    private_rank: str
    rank_change: str  # places gained (+) or lost (−) on the private items
    rank_fell: bool


@dataclass(frozen=True)
class ContaminationView:
    """What the model page's contamination section shows."""

    membership: tuple[MembershipRow, ...]
    gaps: tuple[GapRow, ...]
    private: tuple[PrivateRow, ...]
    not_measured: tuple[str, ...]
    in_panel: bool
    flagged: bool
    requests: str
    seconds: str


def null_chart(value: float, null: list[float]) -> Markup:
    """The clean models' AUCs as dots on a 0-1 axis and this model's as a bar."""
    width, height, pad = 320, 56, 12

    def x(v: float) -> float:
        return pad + v * (width - 2 * pad)

    dots = "".join(
        f'<circle cx="{x(v):.1f}" cy="24" r="4" class="kl-null-dot"><title>{display.auc(v)}</title></circle>'
        for v in null
    )
    ticks = "".join(
        f'<text x="{x(t):.1f}" y="{height - 4}" text-anchor="middle" font-size="10">{display.auc(t)}</text>'
        for t in (0.0, 0.5, 1.0)
    )
    title = escape(f"AUC {display.auc(value)}; clean models: {', '.join(display.auc(v) for v in null)}")
    return Markup(
        f'<svg class="kl-null-chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}">'
        f"<title>{title}</title>"
        f'<line x1="{pad}" y1="36" x2="{width - pad}" y2="36" stroke="currentColor" stroke-width="1"/>'
        f"{dots}{ticks}"
        f'<rect x="{x(value) - 1.5:.1f}" y="8" width="3" height="32" class="kl-null-value" '
        'fill="currentColor"/>'
        "</svg>"
    )


def _membership(entry: Entry, block: Contamination, panel: NullPanel) -> tuple[MembershipRow, ...]:
    rows = []
    for signal in block.membership:
        null = panel.others(signal.task, signal.statistic, entry.id)
        position = stats.z_against(signal.auc, null, stats.auc_null_se(signal.n_items, signal.n_controls))
        verdict = NO_PANEL if position.z is None else UNUSUAL if position.unusual else ORDINARY
        rows.append(
            MembershipRow(
                task=signal.task,
                statistic=STATISTIC_LABELS[signal.statistic],
                auc=display.auc(signal.auc),
                n_items=display.number(signal.n_items),
                n_controls=display.number(signal.n_controls),
                controls=tuple(CONTROL_LABELS[c] for c in signal.controls),
                z=display.z_score(position.z),
                verdict=verdict,
                unusual=position.unusual,
                chart=null_chart(signal.auc, null),
            )
        )
    return tuple(rows)


def _gaps(block: Contamination) -> tuple[GapRow, ...]:
    return tuple(
        GapRow(
            task=g.task,
            published=display.score(g.published),
            perturbed=display.score(g.perturbed),
            gap=display.score_difference(g.gap, g.gap_stderr),
            n_items=display.number(g.n_items),
            perturbations=", ".join(g.perturbations),
        )
        for g in block.perturbation
    )


def _private(entry: Entry, run: RunRecord, block: Contamination, panel: NullPanel) -> tuple[PrivateRow, ...]:
    rows = []
    for p in block.private:
        public = run.score(p.task)
        diff = (public.value - p.value) if public is not None else None
        ranks = panel.ranks(p.task, entry.id)
        rows.append(
            PrivateRow(
                task=p.task,
                public=display.score(public.value, public.stderr) if public else display.MISSING,
                private=display.score(p.value, p.stderr),
                difference=display.score_difference(diff),
                n_items=display.number(p.n_items),
                items_sha256=p.items_sha256[:12],
                public_rank=display.rank_of(ranks[0], ranks[2]) if ranks else display.MISSING,
                private_rank=display.rank_of(ranks[1], ranks[2]) if ranks else display.MISSING,
                rank_change=display.places(ranks[0] - ranks[1]) if ranks else display.MISSING,
                rank_fell=ranks is not None and ranks[1] > ranks[0],
            )
        )
    return tuple(rows)


def contamination_view(entry: Entry, panel: NullPanel) -> ContaminationView | None:
    """The section's figures for one model; None when its run had no contamination pass."""
    run = _shown(entry)
    if run is None or run.contamination is None:
        return None
    block = run.contamination
    membership = _membership(entry, block, panel)
    return ContaminationView(
        membership=membership,
        gaps=_gaps(block),
        private=_private(entry, run, block, panel),
        not_measured=tuple(block.not_measured),
        in_panel=entry.id in panel.clean,
        flagged=any(row.unusual for row in membership),
        requests=display.number(block.requests),
        seconds=display.seconds(block.seconds),
    )


# The section's words, for the templates' `labels` (site.pages.LABELS).
SECTION_LABELS: dict[str, Label] = {
    "contamination_title": Label("오염 증거", "Contamination evidence"),
    "contamination_how": Label("읽는 법", "How to read it"),
    "contamination_flag": Label(
        "깨끗한 모델들과 다른 신호가 있습니다: 시험 문항을 학습했을 수 있습니다",
        "A signal unlike the clean models': the model may have seen the test items",
    ),
    "statistic": Label("통계량", "Statistic"),
    "null_distribution": Label(
        "깨끗한 모델들(점)과 이 모델(막대)", "Clean models (dots) and this model (bar)"
    ),
    "items_controls": Label("문항 / 대조", "Items / controls"),
    "task": Label("과제", "Task"),
    "published": Label("공개 그대로", "As published"),
    "perturbed": Label("섞고 바꿔 씀", "Perturbed"),
    "gap": Label("차이", "Gap"),
    "item_count": Label("문항 수", "Items"),
    "public_score": Label("공개 문항 점수", "Public score"),
    "private_score": Label("비공개 문항 점수", "Private score"),
    "difference": Label("공개 − 비공개", "Public − private"),
    "rank_public": Label("공개 문항 순위", "Rank, public items"),
    "rank_private": Label("비공개 문항 순위", "Rank, private items"),
    "rank_change": Label("순위 변화", "Rank change"),
    "extra_requests": Label("추가 요청", "Extra requests"),
}
