"""Inline SVG charts: pure functions from numbers to SVG markup, no JavaScript.

Two charts, both drawn with CSS classes (``kl-chart*`` in the site's stylesheet) so
they follow the theme's light and dark palettes, and with presentation attributes
as a fallback when an SVG is viewed on its own:

* :func:`category_bars` — a horizontal bar per category index, with ± stderr whiskers
  and a marked zero line (zero is chance level);
* :func:`line_chart` — loss curves, optionally with a logarithmic x axis.

Every text that reaches the SVG is escaped here, and characters XML forbids are dropped;
callers may pass any string. Any finite numbers draw: degenerate ranges are widened.

Each chart is drawn in one language (``lang``, the page's: "ko" or "en"): the caller passes
its titles and axis labels in that language, and the chart's own words (descriptions,
tooltips, "no score") come from the labels below. The SVG says its language and names
fonts that draw Hangul on every common system, so Korean reads without any web font.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
import sys
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from kleaderboard import display

WIDTH = 720
MAX_POINTS = 600  # per series: enough for a smooth curve, small enough for thousands of pages
# System fonts only (the site loads no web font): Hangul-capable ones on macOS, Windows,
# Android/ChromeOS and Linux before the generic family. The stylesheet repeats it; this
# attribute keeps it for an SVG viewed on its own.
FONT_FAMILY = (
    "-apple-system, BlinkMacSystemFont, 'Apple SD Gothic Neo', 'Malgun Gothic', "
    "'Noto Sans KR', 'Noto Sans CJK KR', 'Nanum Gothic', 'Segoe UI', Helvetica, Arial, sans-serif"
)

NO_SCORE = display.Label("— 점수 없음", "— no score")
POINTS = display.Label(
    "{name}: 점 {count}개, {first}에서 {last}까지", "{name}: {count} points, from {first} to {last}"
)


@dataclass(frozen=True)
class Bar:
    """One bar: a category index (None when the model has no index for it)."""

    label: str
    sublabel: str  # a second line under the label, "" for none
    value: float | None
    stderr: float | None = None


@dataclass(frozen=True)
class Series:
    """One line of a line chart; points are (x, y) pairs in increasing x."""

    name: str
    points: tuple[tuple[float, float], ...]
    css_class: str = "kl-chart__line"


@dataclass(frozen=True)
class Axis:
    """How a line chart labels and scales one axis."""

    label: str
    log: bool = False


# --- numbers ---------------------------------------------------------------------------


def nice_step(span: float, count: int) -> float:
    """A 1-2-5 step that splits span (> 0) into about count intervals."""
    raw = span / max(count, 1)
    magnitude = 10.0 ** math.floor(math.log10(raw))
    ratio = raw / magnitude
    factor = 1 if ratio <= 1.5 else 2 if ratio <= 3 else 5 if ratio <= 7 else 10
    return factor * magnitude


# A range narrower than this share of its values is widened: below it, tick values
# collide in floating point (a constant series, or losses within 1e-10 of each other).
_RELATIVE_SPAN = 1e-9
_SMALLEST_SPAN = 1e-290  # and never narrower than this (all values near zero)
_LARGEST = sys.float_info.max
_LOWEST_POWER, _HIGHEST_POWER = -307, 308  # 10.0**k stays a normal float


def widen(low: float, high: float) -> tuple[float, float]:
    """[low, high] made wide enough to draw: an empty range gets ±10 % around its value
    (±1 around zero), a very narrow one a relative epsilon around its middle."""
    if high <= low:
        pad = abs(low) * 0.1 or 1.0
        return _finite(low - pad), _finite(high + pad)
    least = max(max(abs(low), abs(high)) * _RELATIVE_SPAN, _SMALLEST_SPAN)
    if high - low >= least:
        return low, high
    middle = low / 2 + high / 2
    return _finite(middle - least / 2), _finite(middle + least / 2)


def _finite(value: float) -> float:
    return max(-_LARGEST, min(_LARGEST, value))


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (about count intervals), at least two of them.

    Ticks are whole multiples of the step, cleaned of float noise relative to the step,
    so they stay distinct however small or close the values are.
    """
    low, high = widen(low, high)
    if not math.isfinite(high - low):
        return [low, high]  # the span itself overflows: the plain range still draws
    step = nice_step(high - low, count)
    k = math.floor(low / step)
    ticks = [_clean(k * step, step)]
    while ticks[-1] < high - abs(high) * 1e-12 and len(ticks) <= 4 * count + 8:
        k += 1
        ticks.append(_clean(k * step, step))
    if len(ticks) < 2 or len(set(ticks)) < len(ticks) or not all(map(math.isfinite, ticks)):
        return [low, high]  # past float range or precision: the plain range still draws
    return ticks


def _clean(value: float, step: float) -> float:
    """value without float noise: rounded to a few digits below the step's own."""
    if not math.isfinite(value):
        return value
    return float(f"{value:.{_significant_digits(value, step)}g}")


def _significant_digits(value: float, step: float) -> int:
    """How many significant digits tell value apart from its neighbours one step away."""
    if value == 0 or not math.isfinite(step) or step <= 0:
        return 1
    return max(1, min(17, math.floor(math.log10(abs(value))) - math.floor(math.log10(step)) + 2))


def tick_labels(ticks: Sequence[float], short: Callable[[float], str]) -> list[str]:
    """Labels for ticks: the short form where it tells them apart, else as many digits as needed."""
    labels = [short(t) for t in ticks]
    if len(set(labels)) == len(labels) or len(ticks) < 2:
        return labels
    step = min(abs(b - a) for a, b in itertools.pairwise(ticks)) or 1.0
    return [display.significant(t, _significant_digits(t, step)) for t in ticks]


def log_ticks(low: float, high: float) -> list[float]:
    """Powers of ten covering [low, high] (both > 0), at most about a dozen, all normal floats."""
    first = min(max(math.floor(math.log10(low)), _LOWEST_POWER), _HIGHEST_POWER - 1)
    last = min(max(math.ceil(math.log10(high)), first + 1), _HIGHEST_POWER)
    stride = next(s for s in (1, 2, 5, 10, 20, 50, 100) if (last - first) / s <= 12)
    first = max(math.floor(first / stride) * stride, _LOWEST_POWER)
    last = min(math.ceil(last / stride) * stride, _HIGHEST_POWER)
    powers = list(range(first, last + 1, stride))
    if powers[-1] != last:
        powers.append(last)
    return [10.0**k for k in powers]


def downsample(points: Sequence[tuple[float, float]], limit: int = MAX_POINTS) -> list[tuple[float, float]]:
    """At most limit points, evenly strided, always keeping the first and the last."""
    if len(points) <= limit:
        return list(points)
    stride = math.ceil(len(points) / (limit - 1))
    kept = list(points[::stride])
    if kept[-1] != points[-1]:
        kept.append(points[-1])
    return kept


# --- bar chart -------------------------------------------------------------------------

_BAR_LABEL_W = 190
_BAR_VALUE_W = 110
_BAR_ROW_H = 36
_BAR_TOP = 8
_BAR_AXIS_H = 26


def _bar_domain(bars: Sequence[Bar]) -> tuple[float, float]:
    lows = [b.value - (b.stderr or 0) for b in bars if b.value is not None]
    highs = [b.value + (b.stderr or 0) for b in bars if b.value is not None]
    low = min([0.0, *lows])
    high = max([100.0, *highs])
    step = nice_step(high - low, 5)
    return math.floor(low / step) * step, math.ceil(high / step) * step


def category_bars(bars: Sequence[Bar], *, title: str, lang: str = "ko") -> Markup:
    """A horizontal bar chart of indices with ± stderr whiskers; 0 = chance, 100 = perfect."""
    low, high = _bar_domain(bars)
    x0, x1 = _BAR_LABEL_W, WIDTH - _BAR_VALUE_W
    height = _BAR_TOP + _BAR_ROW_H * len(bars) + _BAR_AXIS_H

    def x(value: float) -> float:
        return x0 + (value - low) / (high - low) * (x1 - x0)

    parts = [_svg_open(height, title, _bars_description(bars), lang)]
    parts += _bar_grid(low, high, x, height)
    for row, bar in enumerate(bars):
        parts += _bar_row(bar, _BAR_TOP + row * _BAR_ROW_H, x, lang)
    parts.append("</svg>")
    return Markup("".join(parts))


def _bars_description(bars: Sequence[Bar]) -> str:
    return "; ".join(
        f"{b.label}{f' ({b.sublabel})' if b.sublabel else ''}: {_estimate_text(b)}" for b in bars
    )


def _estimate_text(bar: Bar) -> str:
    return display.MISSING if bar.value is None else display.plus_minus(bar.value, bar.stderr)


def _bar_grid(low: float, high: float, x: Callable[[float], float], height: int) -> list[str]:
    parts = []
    bottom = height - _BAR_AXIS_H
    for tick in nice_ticks(low, high, 5):
        if not low <= tick <= high:
            continue
        cls = "kl-chart__zero" if tick == 0 else "kl-chart__grid"
        parts.append(
            f'<line class="{cls}" x1="{x(tick):.1f}" x2="{x(tick):.1f}" y1="{_BAR_TOP - 4}" '
            f'y2="{bottom}" stroke="#999" stroke-width="{1.5 if tick == 0 else 0.5}"/>'
            f'<text class="kl-chart__tick" x="{x(tick):.1f}" y="{bottom + 16}" '
            f'text-anchor="middle" font-size="12">{display.significant(tick)}</text>'
        )
    return parts


def _bar_row(bar: Bar, top: float, x: Callable[[float], float], lang: str) -> list[str]:
    middle = top + _BAR_ROW_H / 2
    label_y = middle - 2 if bar.sublabel else middle + 5  # one line: centred on the bar
    parts = [
        f'<text class="kl-chart__label" x="{_BAR_LABEL_W - 10}" y="{label_y:.1f}" '
        f'text-anchor="end" font-size="14">{_text(bar.label)}</text>'
    ]
    if bar.sublabel:
        parts.append(
            f'<text class="kl-chart__sublabel" x="{_BAR_LABEL_W - 10}" y="{middle + 12:.1f}" '
            f'text-anchor="end" font-size="12">{_text(bar.sublabel)}</text>'
        )
    value_x = WIDTH - _BAR_VALUE_W + 8
    if bar.value is None:
        parts.append(
            f'<text class="kl-chart__value kl-chart__value--missing" x="{value_x}" '
            f'y="{middle + 4:.1f}" font-size="12">{_text(NO_SCORE.say(lang))}</text>'
        )
        return parts
    left, right = sorted((x(0), x(bar.value)))
    parts.append(
        f'<rect class="kl-chart__bar" x="{left:.1f}" y="{top + 8:.1f}" '
        f'width="{max(right - left, 1):.1f}" height="{_BAR_ROW_H - 16}" fill="#3f51b5" rx="2"/>'
    )
    if bar.stderr:
        parts.append(_whisker(x(bar.value - bar.stderr), x(bar.value + bar.stderr), middle))
    parts.append(
        f'<text class="kl-chart__value" x="{value_x}" y="{middle + 4:.1f}" '
        f'font-size="14">{_text(_estimate_text(bar))}</text>'
    )
    return parts


def _whisker(left: float, right: float, middle: float) -> str:
    cap = 6
    return (
        f'<path class="kl-chart__whisker" d="M{left:.1f},{middle:.1f}H{right:.1f}'
        f"M{left:.1f},{middle - cap:.1f}V{middle + cap:.1f}"
        f'M{right:.1f},{middle - cap:.1f}V{middle + cap:.1f}" '
        f'stroke="#222" stroke-width="1.5" fill="none"/>'
    )


# --- line chart ------------------------------------------------------------------------

_LINE_H = 320
_MARGIN_L, _MARGIN_R, _MARGIN_T, _MARGIN_B = 64, 16, 30, 48


@dataclass(frozen=True)
class _Scale:
    low: float
    high: float
    start: float
    end: float
    log: bool

    def __call__(self, value: float) -> float:
        if self.log:
            value, low, high = math.log10(value), math.log10(self.low), math.log10(self.high)
        else:
            low, high = self.low, self.high
        # Halves: high - low of two huge floats could overflow; halving a float is exact.
        span = high / 2 - low / 2
        share = (value / 2 - low / 2) / span if span > 0 else 0.5
        share = min(max(share, -0.05), 1.05)  # a value past the axis stays beside the plot
        return self.start + share * (self.end - self.start)


def line_chart(
    series: Sequence[Series], *, x_axis: Axis, y_axis: Axis, title: str, lang: str = "ko"
) -> Markup:
    """A line chart of one or more series; with x_axis.log, points with x <= 0 are left out."""
    drawn = [_plottable(s, x_axis.log) for s in series]
    drawn = [s for s in drawn if s.points]
    if not drawn:
        return Markup("")
    xs = [p[0] for s in drawn for p in s.points]
    ys = [p[1] for s in drawn for p in s.points]
    x_ticks = log_ticks(min(xs), max(xs)) if x_axis.log else nice_ticks(min(xs), max(xs), 6)
    y_ticks = nice_ticks(min(ys), max(ys), 5)
    sx = _Scale(x_ticks[0], x_ticks[-1], _MARGIN_L, WIDTH - _MARGIN_R, x_axis.log)
    sy = _Scale(y_ticks[0], y_ticks[-1], _LINE_H - _MARGIN_B, _MARGIN_T, False)
    parts = [_svg_open(_LINE_H, title, _series_description(drawn, lang), lang)]
    x_labels = tick_labels(x_ticks, display.count_short)
    y_labels = tick_labels(y_ticks, display.significant)
    parts += _x_axis(list(zip(x_ticks, x_labels, strict=True)), sx, sy, x_axis.label)
    parts += _y_axis(list(zip(y_ticks, y_labels, strict=True)), sx, sy, y_axis.label)
    parts += [_polyline(s, sx, sy) for s in drawn]
    parts += _legend(drawn)
    parts.append("</svg>")
    return Markup("".join(parts))


def _plottable(series: Series, log_x: bool) -> Series:
    points = [p for p in series.points if math.isfinite(p[0]) and math.isfinite(p[1])]
    if log_x:
        points = [p for p in points if p[0] > 0]
    return Series(series.name, tuple(downsample(points)), series.css_class)


def _series_description(series: Sequence[Series], lang: str) -> str:
    return "; ".join(
        POINTS.say(lang).format(
            name=s.name,
            count=display.count(len(s.points)),
            first=display.significant(s.points[0][1], 4),
            last=display.significant(s.points[-1][1], 4),
        )
        for s in series
    )


def _x_axis(ticks: list[tuple[float, str]], sx: _Scale, sy: _Scale, label: str) -> list[str]:
    bottom = sy.start
    parts = []
    for tick, text in ticks:
        parts.append(
            f'<line class="kl-chart__grid" x1="{sx(tick):.1f}" x2="{sx(tick):.1f}" '
            f'y1="{_MARGIN_T}" y2="{bottom:.1f}" stroke="#999" stroke-width="0.5"/>'
            f'<text class="kl-chart__tick" x="{sx(tick):.1f}" y="{bottom + 16:.1f}" '
            f'text-anchor="middle" font-size="12">{_text(text)}</text>'
        )
    parts.append(
        f'<text class="kl-chart__axis-label" x="{(sx.start + sx.end) / 2:.1f}" '
        f'y="{_LINE_H - 8}" text-anchor="middle" font-size="12">{_text(label)}</text>'
    )
    return parts


def _y_axis(ticks: list[tuple[float, str]], sx: _Scale, sy: _Scale, label: str) -> list[str]:
    parts = []
    for tick, text in ticks:
        parts.append(
            f'<line class="kl-chart__grid" x1="{sx.start:.1f}" x2="{sx.end:.1f}" '
            f'y1="{sy(tick):.1f}" y2="{sy(tick):.1f}" stroke="#999" stroke-width="0.5"/>'
            f'<text class="kl-chart__tick" x="{sx.start - 6:.1f}" y="{sy(tick) + 4:.1f}" '
            f'text-anchor="end" font-size="12">{_text(text)}</text>'
        )
    parts.append(
        f'<text class="kl-chart__axis-label" x="14" y="{(sy.start + sy.end) / 2:.1f}" '
        f'text-anchor="middle" font-size="12" '
        f'transform="rotate(-90 14 {(sy.start + sy.end) / 2:.1f})">{_text(label)}</text>'
    )
    return parts


def _polyline(series: Series, sx: _Scale, sy: _Scale) -> str:
    if len(series.points) == 1:  # a line needs two points: mark the one there is
        (px, py), css = series.points[0], _text(series.css_class)
        return (
            f'<circle class="{css}" cx="{sx(px):.1f}" cy="{sy(py):.1f}" r="3" '
            f'fill="none" stroke="#3f51b5" stroke-width="1.8"/>'
        )
    return (
        f'<polyline class="{_text(series.css_class)}" points="{_coords(series.points, sx, sy)}" '
        f'fill="none" stroke="#3f51b5" stroke-width="1.8"/>'
    )


@functools.lru_cache(maxsize=8)
def _coords(points: tuple[tuple[float, float], ...], sx: _Scale, sy: _Scale) -> str:
    """A line's points on the chart: the same in every language, so a model's page in the
    second language takes them from the first's (the two are built one after the other)."""
    return " ".join(f"{sx(px):.1f},{sy(py):.1f}" for px, py in points)


def text_width(text: str, size: float = 12) -> float:
    """About how wide text draws at a font size: Hangul and other wide characters take a
    full em, others a little over half of one."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.58 for ch in text)


def _legend(series: Sequence[Series]) -> list[str]:
    parts = []
    x = WIDTH - _MARGIN_R - sum(40 + text_width(item.name) for item in series)
    for item in series:
        parts.append(
            f'<line class="{_text(item.css_class)}" x1="{x:.1f}" x2="{x + 22:.1f}" y1="14" y2="14" '
            f'stroke="#3f51b5" stroke-width="2.5"/>'
            f'<text class="kl-chart__legend" x="{x + 28:.1f}" y="18" font-size="12">'
            f"{_text(item.name)}</text>"
        )
        x += 40 + text_width(item.name)
    return parts


# --- shared ----------------------------------------------------------------------------

# Characters XML 1.0 does not allow (C0 controls but tab and newlines, lone surrogates,
# U+FFFE/U+FFFF): an SVG holding one is not well-formed, so they are dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value: object) -> Markup:
    """Any text as escaped SVG character data."""
    return escape(_NOT_XML.sub("", str(value)))


def _svg_open(height: float, title: str, description: str, lang: str) -> str:
    return (
        f'<svg class="kl-chart" role="img" lang="{_text(lang)}" font-family="{FONT_FAMILY}" '
        f'viewBox="0 0 {WIDTH} {height:.0f}" width="100%" preserveAspectRatio="xMinYMin meet">'
        f"<title>{_text(title)}</title><desc>{_text(description)}</desc>"
    )


# --- scatter chart with a Pareto frontier ------------------------------------------------


@dataclass(frozen=True)
class Point:
    """One model in a scatter chart: lower x (cost, size) and higher y (score) are better."""

    name: str
    x: float
    y: float


def pareto_frontier(points: Sequence[Point]) -> list[Point]:
    """The points no other point beats on both axes (no lower-or-equal x with a higher y),
    by increasing x: the best score reachable at each cost."""
    frontier: list[Point] = []
    for point in sorted(points, key=lambda p: (p.x, -p.y)):
        if not frontier or point.y > frontier[-1].y:
            frontier.append(point)
    return frontier


def scatter_chart(
    points: Sequence[Point], *, x_axis: Axis, y_axis: Axis, title: str, lang: str = "ko"
) -> Markup:
    """A scatter of models with their Pareto frontier drawn and named; empty without points.

    With x_axis.log, points with x <= 0 are left out.
    """
    drawn = [p for p in points if math.isfinite(p.x) and math.isfinite(p.y) and (p.x > 0 or not x_axis.log)]
    if not drawn:
        return Markup("")
    xs, ys = [p.x for p in drawn], [p.y for p in drawn]
    x_ticks = log_ticks(min(xs), max(xs)) if x_axis.log else nice_ticks(min(xs), max(xs), 6)
    y_ticks = nice_ticks(min(ys), max(ys), 5)
    sx = _Scale(x_ticks[0], x_ticks[-1], _MARGIN_L, WIDTH - _MARGIN_R, x_axis.log)
    sy = _Scale(y_ticks[0], y_ticks[-1], _LINE_H - _MARGIN_B, _MARGIN_T, False)
    frontier = pareto_frontier(drawn)
    description = "; ".join(_point_text(p, x_axis, y_axis) for p in frontier)
    parts = [_svg_open(_LINE_H, title, description, lang)]
    # a log axis is a count (parameters); a linear one a price or a score
    x_labels = tick_labels(x_ticks, display.count_short if x_axis.log else display.significant)
    y_labels = tick_labels(y_ticks, display.significant)
    parts += _x_axis(list(zip(x_ticks, x_labels, strict=True)), sx, sy, x_axis.label)
    parts += _y_axis(list(zip(y_ticks, y_labels, strict=True)), sx, sy, y_axis.label)
    if len(frontier) > 1:
        coords = " ".join(f"{sx(p.x):.1f},{sy(p.y):.1f}" for p in frontier)
        parts.append(
            f'<polyline class="kl-chart__frontier" points="{coords}" fill="none" '
            f'stroke="#e8710a" stroke-width="1.5" stroke-dasharray="4 3"/>'
        )
    on_frontier = set(map(id, frontier))
    for point in drawn:
        css = "kl-chart__dot kl-chart__dot--frontier" if id(point) in on_frontier else "kl-chart__dot"
        parts.append(
            f'<circle class="{css}" cx="{sx(point.x):.1f}" cy="{sy(point.y):.1f}" r="4" fill="#3f51b5">'
            f"<title>{_text(_point_text(point, x_axis, y_axis))}</title></circle>"
        )
    for point in frontier:
        parts.append(
            f'<text class="kl-chart__point-label" x="{sx(point.x) + 7:.1f}" y="{sy(point.y) - 7:.1f}" '
            f'font-size="12">{_text(point.name)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _point_text(point: Point, x_axis: Axis, y_axis: Axis) -> str:
    """A dot's tooltip, in the axes' own words: 'name: x label 0.12, y label 45.3'."""
    x_text = display.count_short(point.x) if x_axis.log else display.significant(point.x, 4)
    return f"{point.name}: {x_axis.label} {x_text}, {y_axis.label} {display.significant(point.y, 4)}"
