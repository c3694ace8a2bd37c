"""The charts page: which model gives the most score for its cost or size, and how they trained.

Each chart answers one question with measured indices (the scored run's) against a second
quantity: US$ per 1M output tokens (measured; CPU runs have no price and are left out) or
active parameters (declared; the total where a dense model gives no active count). The
Pareto frontier marks the models no other beats on both axes. The loss curves of the
models with the most training tokens are overlaid on one axis.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from kleaderboard.display import Label
from kleaderboard.scoring.leaderboard import Entry, Leaderboard
from kleaderboard.site import charts, costs

CHARTS_URI = "charts.md"
MAX_CURVES = 8  # overlaid loss curves: more would not read

INDEX = Label("종합 지수", "overall index")
USD = Label("출력 토큰 100만 개당 US$", "US$ per 1M output tokens")
ACTIVE = Label("활성 매개변수 (log)", "active parameters (log)")
TOKENS = Label("학습 토큰 수", "tokens seen")
LOSS = Label("손실", "loss")
TITLE_COST = Label("종합 지수와 비용", "Overall index against cost")
TITLE_SIZE = Label("종합 지수와 활성 매개변수", "Overall index against active parameters")
TITLE_LOSS = Label("사전학습 손실 곡선", "Pre-training loss curves")


@dataclass(frozen=True)
class ChartsPage:
    """The three charts, each empty when no model has the figures it needs."""

    cost: Markup
    size: Markup
    loss: Markup
    priced: int  # models drawn on the cost chart
    sized: int
    curves: int


def cost_points(entries: tuple[Entry, ...]) -> list[charts.Point]:
    """Models with an overall index and a measured price per 1M output tokens."""
    points = []
    for entry in entries:
        usd = costs.usd_per_million(entry.run)
        if entry.overall is not None and usd is not None:
            points.append(charts.Point(entry.submission.manifest.model.name, usd, entry.overall.value))
    return points


def size_points(entries: tuple[Entry, ...]) -> list[charts.Point]:
    """Models with an overall index, at their declared active (else total) parameters."""
    points = []
    for entry in entries:
        parameters = entry.submission.manifest.model.parameters
        if entry.overall is not None:
            active = parameters.active or parameters.total
            points.append(charts.Point(entry.submission.manifest.model.name, active, entry.overall.value))
    return points


def loss_series(entries: tuple[Entry, ...]) -> list[charts.Series]:
    """The loss curves of the MAX_CURVES models with the most logged training tokens."""
    logged = [e for e in entries if e.loss.log is not None]
    logged.sort(key=lambda e: -(e.loss.log.total_tokens if e.loss.log else 0))
    return [
        charts.Series(
            e.submission.manifest.model.name,
            tuple((p.tokens_seen, p.loss) for p in e.loss.log.points),
            f"kl-chart__line kl-chart__line--{number % 8}",
        )
        for number, e in enumerate(logged[:MAX_CURVES])
        if e.loss.log is not None
    ]


def charts_page_data(board: Leaderboard, lang: str) -> ChartsPage:
    """The charts in one language."""
    priced, sized, curves = cost_points(board.entries), size_points(board.entries), loss_series(board.entries)
    index = charts.Axis(INDEX.say(lang))
    return ChartsPage(
        cost=charts.scatter_chart(
            priced, x_axis=charts.Axis(USD.say(lang)), y_axis=index, title=TITLE_COST.say(lang), lang=lang
        ),
        size=charts.scatter_chart(
            sized,
            x_axis=charts.Axis(ACTIVE.say(lang), log=True),
            y_axis=index,
            title=TITLE_SIZE.say(lang),
            lang=lang,
        ),
        loss=charts.line_chart(
            curves,
            x_axis=charts.Axis(TOKENS.say(lang)),
            y_axis=charts.Axis(LOSS.say(lang)),
            title=TITLE_LOSS.say(lang),
            lang=lang,
        ),
        priced=len(priced),
        sized=len(sized),
        curves=len(curves),
    )
