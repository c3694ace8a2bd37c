"""The SVG charts on any numbers: degenerate ranges, tiny spans, huge and tiny values.

Found by fuzzing: a one-row loss log (or constant tokens_seen) at >= 1e16 tokens made
``nice_ticks`` take the log of zero, and losses within ~1e-10 of each other collapsed
the ticks and divided by zero in the scale.
"""

from __future__ import annotations

import itertools
import math
import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kleaderboard import display
from kleaderboard.site import charts

COORDINATES = re.compile(r'\b(?:x|y|x1|x2|y1|y2|cx|cy)="([^"]*)"|points="([^"]*)"')


def draw(points, log_x: bool = False, eval_points=(), title: str = "t") -> str:
    series = [charts.Series("loss", tuple(points))]
    if eval_points:
        series.append(charts.Series("eval_loss", tuple(eval_points), "kl-chart__line kl-chart__line--eval"))
    return str(
        charts.line_chart(series, x_axis=charts.Axis("x", log=log_x), y_axis=charts.Axis("y"), title=title)
    )


def numbers_in(svg: str) -> list[float]:
    """Every coordinate the SVG places something at."""
    found = []
    for single, points in COORDINATES.findall(svg):
        if single:
            found.append(float(single))
        for pair in points.split():
            found += [float(v) for v in pair.split(",")]
    return found


def assert_valid_svg(svg: str) -> None:
    root = ET.fromstring(svg)  # well-formed XML, or this raises
    assert root.tag == "svg"
    for value in numbers_in(svg):
        assert math.isfinite(value)
        assert -100 <= value <= charts.WIDTH + 100  # on (or right beside) the drawing


def assert_draws(points, log_x: bool, eval_points=()) -> None:
    """A valid chart, or none only when a log axis leaves no point (x > 0) to draw."""
    svg = draw(points, log_x, eval_points)
    if log_x and not any(x > 0 for x, _ in [*points, *eval_points]):
        assert svg == ""
    else:
        assert_valid_svg(svg)


# --- the cases the fuzzer found -------------------------------------------------------------


def test_equal_huge_values_give_ticks_around_them():
    ticks = charts.nice_ticks(1e17, 1e17)
    assert ticks[0] < 1e17 < ticks[-1]
    assert len(set(ticks)) == len(ticks) >= 2


def test_values_closer_than_the_old_rounding_give_distinct_ticks():
    ticks = charts.nice_ticks(1e-13, 2e-13)
    assert ticks[0] <= 1e-13 and ticks[-1] >= 2e-13
    assert all(a < b for a, b in itertools.pairwise(ticks))
    assert_valid_svg(draw([(10, 1e-13), (20, 2e-13)]))


@pytest.mark.parametrize(
    "points",
    [
        [(1e17, 2.5)],  # one row at 1e17 tokens
        [(1e17, 2.5), (1e17, 2.4)],  # tokens_seen constant
        [(0, 11.9)],
        [(5, 3.0), (6, 3.0)],  # constant loss
        [(1, 3.0), (2, 3.0000000001)],  # within 1e-10
    ],
)
@pytest.mark.parametrize("log_x", [False, True])
def test_degenerate_logs_draw(points, log_x):
    assert_draws(points, log_x)


def test_a_single_point_is_marked():
    assert "<circle" in draw([(1e17, 2.5)])


def test_tick_labels_tell_close_ticks_apart():
    ticks = charts.nice_ticks(3.0, 3.0000000001)
    labels = charts.tick_labels(ticks, lambda t: f"{t:g}")
    assert len(set(labels)) == len(labels)
    assert charts.tick_labels([1e9, 2e9], display.count_short) == ["1B", "2B"]  # short when distinct


def test_log_ticks_stay_few_and_finite_over_the_whole_float_range():
    ticks = charts.log_ticks(5e-324, 1.7e308)
    assert len(ticks) <= 14
    assert all(math.isfinite(t) and t > 0 for t in ticks)


def test_control_characters_do_not_break_the_svg():
    assert_valid_svg(draw([(0, 3.0), (10, 2.0)], title="a\x00b\x1f<c>&\ud800"))


# --- properties ---------------------------------------------------------------------------

# Loss logs hold numbers from 0 up (the first row is at 0 tokens); any finite one must draw.
positive = st.floats(min_value=0, max_value=1.7e308, allow_nan=False, allow_infinity=False)
point = st.tuples(positive, positive)


@settings(max_examples=300, deadline=None)
@given(points=st.lists(point, min_size=1, max_size=30), log_x=st.booleans())
def test_any_finite_non_negative_points_render_valid_svg(points, log_x):
    points.sort()
    assert_draws(points, log_x)


@settings(max_examples=150, deadline=None)
@given(
    points=st.lists(point, min_size=1, max_size=10),
    evals=st.lists(point, min_size=1, max_size=10),
    log_x=st.booleans(),
)
def test_two_series_render_valid_svg(points, evals, log_x):
    assert_draws(sorted(points), log_x, sorted(evals))


finite = st.floats(min_value=-1e300, max_value=1e300, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(a=finite, b=finite)
def test_nice_ticks_cover_any_range_with_distinct_increasing_ticks(a, b):
    low, high = min(a, b), max(a, b)
    ticks = charts.nice_ticks(low, high)
    assert len(ticks) >= 2
    assert all(x < y for x, y in itertools.pairwise(ticks))
    assert all(math.isfinite(t) for t in ticks)
    slack = (ticks[-1] - ticks[0]) * 1e-9
    assert ticks[0] <= low + slack and ticks[-1] >= high - slack
    assert len(ticks) <= 30
