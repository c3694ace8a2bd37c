"""Every figure, unit, date and label a person reads, written one way everywhere.

The site, its charts, the pull-request comments and the CLI all write numbers through
these functions, so a value reads the same wherever it appears. The rules:

* A large count (parameters, tokens) is exact, with thousands separators, followed by
  its short form: ``7,241,732,096 (≈7.24B)``. The short form alone (:func:`count_short`,
  for narrow cells and chart axes) is exact with up to two decimals (``7.8B``, ``20.73B``)
  or marked ``≈`` when it rounds: a count is never rounded in silence.
* A missing value is ``—``, never 0 and never an empty string.
* Measures (seconds, bytes, dollars, rates) keep three significant digits or more, with
  the unit; a duration past two minutes also shows minutes or hours.
* An estimate is ``value ± stderr``: one decimal for an index (0–100), four for a raw
  score (0–1), as lm-eval reports it.
* Labels are bilingual (:class:`Label`): Korean first, English second. The site lays
  them out with ``lang="en"``; a comment writes them as ``"신고 declared"``.

This module imports nothing from kleaderboard: every layer may use it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = [
    "CHECKED",
    "DECLARED",
    "MEASURED",
    "MISSING",
    "NO",
    "NOT_STATED",
    "YES",
    "Label",
    "auc",
    "byte_size",
    "count",
    "count_short",
    "date",
    "energy",
    "estimate",
    "exact",
    "flops",
    "jinja_filters",
    "latency",
    "loss",
    "loss_gap",
    "number",
    "percent",
    "plus_minus",
    "points",
    "points_gap",
    "rate",
    "ratio",
    "relative_change",
    "score",
    "score_difference",
    "seconds",
    "significant",
    "sort_number",
    "sort_value",
    "statistic",
    "times",
    "usd",
    "yes_no",
    "z_score",
]

MISSING = "—"


# --- labels ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Label:
    """A bilingual label: Korean, then English."""

    ko: str
    en: str

    def __str__(self) -> str:
        """Plain text, as comments and the CLI write it: '신고 declared'."""
        return f"{self.ko} {self.en}"

    def say(self, lang: str) -> str:
        """The words of one language, as a page built in lang shows them ("en", else Korean)."""
        return self.en if lang == "en" else self.ko


DECLARED = Label("신고", "declared")  # the team's (or the maintainers') submission.yaml says so
MEASURED = Label("측정", "measured")  # the pipeline or the Hub measured it
CHECKED = Label("검증", "checked")  # a declared value compared with evidence
EXTERNAL = Label("외부", "external")  # published by a leaderboard this project does not run
YES = Label("예", "yes")
NO = Label("아니오", "no")
NOT_STATED = Label("밝히지 않음", "not stated")


def yes_no(value: bool | None) -> Label:
    """Yes, no, or not stated (None: the sources do not say)."""
    if value is None:
        return NOT_STATED
    return YES if value else NO


# --- counts ----------------------------------------------------------------------------

_UNITS = ((10**12, "T"), (10**9, "B"), (10**6, "M"), (10**3, "K"))
_SHORT_FROM = 10**6  # below a million the exact number is short enough on its own


def number(value: float | None, digits: int = 0) -> str:
    """Thousands separators and a fixed number of decimals: '35,030', '1,819.9'."""
    return MISSING if value is None else f"{value:,.{digits}f}"


def exact(value: float | None) -> str:
    """A number as it was given, never rounded: '55.1', '55' (for 55.0), '0.64321'."""
    if value is None:
        return MISSING
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def count_short(value: float | None) -> str:
    """A count in short form, exact or marked rounded: '7.8B', '≈7.24B', '560M', '999'.

    Past a thousand T the T count gets separators ('45,000T'). A count that is not a
    whole number (a chart tick) is written with three significant digits.
    """
    if value is None:
        return MISSING
    for unit, suffix in _UNITS:
        if abs(value) >= unit:
            return _compact(value, unit, suffix)
    return f"{value:,.0f}" if value == int(value) else f"{value:.3g}"


def _compact(value: float, unit: int, suffix: str) -> str:
    scaled = value / unit
    if abs(scaled) >= 1000:
        exact = value == int(value) and int(value) % unit == 0
        return f"{'' if exact else '≈'}{scaled:,.0f}{suffix}"
    if value == int(value):
        for decimals in range(3):
            if int(value) * 10**decimals % unit == 0:
                return f"{scaled:.{decimals}f}{suffix}"
    return f"≈{scaled:.{1 if abs(scaled) >= 10 else 2}f}{suffix}"


def count(value: int | None) -> str:
    """A count exactly, with its short form from a million up: '7,241,732,096 (≈7.24B)'."""
    if value is None:
        return MISSING
    if abs(value) < _SHORT_FROM:
        return f"{value:,}"
    return f"{value:,} ({count_short(value)})"


# --- measures --------------------------------------------------------------------------


def seconds(value: float | None) -> str:
    """A duration in seconds: '12.0 s', '1,210 s (20.2 min)', '9,000 s (2.5 h)'."""
    if value is None:
        return MISSING
    if value >= 7200:
        return f"{value:,.0f} s ({value / 3600:.1f} h)"
    if value >= 120:
        return f"{value:,.0f} s ({value / 60:.1f} min)"
    return f"{value:,.1f} s"


def latency(value: float | None) -> str:
    """A short wait (time to first token): '31.2 ms' under a second, '1.92 s' above."""
    if value is None:
        return MISSING
    if value < 1:
        return f"{value * 1000:.3g} ms"
    return f"{value:,.3g} s" if value < 1000 else f"{value:,.0f} s"


_BINARY = ((1 << 40, "TiB"), (1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB"))


def byte_size(value: int | None) -> str:
    """Bytes in binary units: '128 KiB', '13.5 GiB', '1,000 B'; exact units stay whole."""
    if value is None:
        return MISSING
    for size, unit in _BINARY:
        if value >= size:
            scaled = value / size
            whole = scaled == int(scaled) or scaled >= 100
            return f"{scaled:,.0f} {unit}" if whole else f"{scaled:.3g} {unit}"
    return f"{value:,} B"


def usd(value: float | None) -> str:
    """US dollars: 'US$5.36', 'US$0.0412', 'US$1,234'."""
    if value is None:
        return MISSING
    if value >= 100:
        return f"US${value:,.0f}"
    if value >= 1:
        return f"US${value:,.2f}"
    return f"US${value:.3g}"


def rate(value: float | None) -> str:
    """A throughput: '155.3', '4.51', '0.0123'."""
    if value is None:
        return MISSING
    if value >= 100:
        return f"{value:,.1f}"
    return f"{value:.3g}"


def energy(watt_hours: float | None) -> str:
    """Energy: '540.5 Wh', '1,819.9 Wh'; small amounts to three digits ('0.158 Wh', '12.3 Wh')."""
    if watt_hours is None:
        return MISSING
    return f"{watt_hours:,.1f} Wh" if watt_hours >= 100 else f"{watt_hours:.3g} Wh"


def flops(value: int | None) -> str:
    """FLOPs per token in GFLOPs, as models need: '14.8 GFLOPs', '1,204 GFLOPs'; tiny
    (demo) models in MFLOPs or FLOPs: '1.11 MFLOPs', '40,960 FLOPs'."""
    if value is None:
        return MISSING
    for unit, prefix in ((1e9, "G"), (1e6, "M")):
        if value >= unit:
            scaled = value / unit
            return f"{scaled:,.0f} {prefix}FLOPs" if scaled >= 1000 else f"{scaled:.3g} {prefix}FLOPs"
    return f"{value:,} FLOPs"


_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def total_flops(value: float | None) -> str:
    """A whole training run's FLOPs, three significant digits: '3.15 × 10²³ FLOPs'."""
    if value is None:
        return MISSING
    mantissa, exponent = f"{value:.2e}".split("e")
    return f"{mantissa} × 10{str(int(exponent)).translate(_SUPERSCRIPT)} FLOPs"


def significant(value: float | None, digits: int = 6) -> str:
    """A plain number to some significant digits, in its shortest form (chart ticks and
    their summaries): '0.5', '20', '2.057' (four digits), '1e-05'."""
    return MISSING if value is None else f"{value:.{digits}g}"


def percent(ratio: float | None, digits: int = 1) -> str:
    """A ratio as a percentage: 0.125 -> '12.5 %'."""
    return MISSING if ratio is None else f"{ratio * 100:,.{digits}f} %"


def _signed(text: str) -> str:
    """A typographic minus, so a signed difference reads '−1.72', not '-1.72'."""
    return text.replace("-", "−")


def relative_change(ratio: float | None) -> str:
    """How far a value is from its reference, as a signed percentage: 1.01 -> '+1.00 %'."""
    return MISSING if ratio is None else _signed(f"{(ratio - 1) * 100:+,.2f} %")


def z_score(value: float | None) -> str:
    """A z-score against a null distribution, signed, one decimal: 'z +5.2', 'z −0.3'."""
    return MISSING if value is None else _signed(f"z {value:+.1f}")


def rank_of(rank: int, of: int) -> str:
    """A rank among a number of models: '2 / 4'."""
    return f"{rank:,} / {of:,}"


def places(value: int) -> str:
    """Places gained (+) or lost (−) in a ranking: '+1', '−2', '0'."""
    return _signed(f"{value:+d}") if value else "0"


def statistic(value: float | None) -> str:
    """A similarity statistic (a correlation, a CKA, a share), three decimals: '0.987', '−0.012'."""
    return MISSING if value is None else _signed(f"{value:.3f}")


def ratio(value: float | None) -> str:
    """A ratio of two like quantities, without its sign ('×' or '배' follows it): '0.002',
    '1.5', '12,345'."""
    if value is None:
        return MISSING
    return f"{value:.3g}" if value < 1000 else f"{value:,.0f}"


def times(value: float | None) -> str:
    """A ratio written as a multiple: '0.002×', '12,345×'."""
    return MISSING if value is None else f"{ratio(value)}×"


# --- estimates -------------------------------------------------------------------------


class HasEstimate(Protocol):
    """Anything with a value and an optional standard error (scoring's Estimate)."""

    @property
    def value(self) -> float: ...

    @property
    def stderr(self) -> float | None: ...


def plus_minus(value: float, stderr: float | None, digits: int = 1) -> str:
    """A value with its standard error: '64.3 ± 2.2'; the value alone without one."""
    if stderr is None:
        return f"{value:.{digits}f}"
    return f"{value:.{digits}f} ± {stderr:.{digits}f}"


def estimate(est: HasEstimate | None, digits: int = 1) -> str:
    """An index with its standard error: '64.3 ± 2.2'; '64.3' without one."""
    return MISSING if est is None else plus_minus(est.value, est.stderr, digits)


SCORE_DIGITS = 4  # as lm-eval writes a raw score


def score(value: float | None, stderr: float | None = None) -> str:
    """A raw score (0–1) as lm-eval reports it: '0.5123 ± 0.0041'."""
    return MISSING if value is None else plus_minus(value, stderr, SCORE_DIGITS)


def points(value: float | None, stderr: float | None = None) -> str:
    """A score on a 0-100 scale, as model cards print them: '81.5', '64.3 ± 2.2'."""
    return MISSING if value is None else plus_minus(value, stderr)


def points_gap(value: float | None, stderr: float | None = None) -> str:
    """A signed difference of two 0-100 scores with its error: '+3.2 ± 1.1', '−0.4'."""
    if value is None:
        return MISSING
    text = f"{value:+.1f}" if stderr is None else f"{value:+.1f} ± {stderr:.1f}"
    return _signed(text)


def score_difference(value: float | None, stderr: float | None = None) -> str:
    """A signed difference of two raw scores: '+0.1250 ± 0.0500', '−0.0250'."""
    if value is None:
        return MISSING
    text = f"{value:+.{SCORE_DIGITS}f}"
    return _signed(text if stderr is None else f"{text} ± {stderr:.{SCORE_DIGITS}f}")


def auc(value: float | None) -> str:
    """An area under the ROC curve (0–1): '0.912'."""
    return MISSING if value is None else f"{value:.3f}"


def loss(value: float | None) -> str:
    """A training loss: '10.9000', '2.0565'."""
    return MISSING if value is None else f"{value:.4f}"


def loss_gap(value: float | None) -> str:
    """A signed difference between losses, to the digits of :func:`loss`: '+0.1686 nats'."""
    return MISSING if value is None else _signed(f"{value:+.4f} nats")


# --- dates -----------------------------------------------------------------------------


def date(value: dt.date | str | None) -> str:
    """A calendar date as ISO 8601 ('2026-05-01'); a timestamp in UTC to the second."""
    if value is None:
        return MISSING
    if isinstance(value, dt.datetime):
        utc = value.astimezone(dt.UTC) if value.tzinfo else value
        return utc.strftime("%Y-%m-%d %H:%M:%S UTC")
    return value.isoformat() if isinstance(value, dt.date) else str(value)


# --- sort keys (data-sort attributes of sortable tables) -------------------------------


def sort_value(est: HasEstimate | None) -> str:
    """The sort key of an estimate: its value, or empty (sorted last)."""
    return "" if est is None else f"{est.value:.6f}"


def sort_number(value: float | None) -> str:
    """The sort key of a plain number: its value, or empty (sorted last)."""
    return "" if value is None else f"{value:.6g}"


def jinja_filters() -> dict[str, Callable[..., Any]]:
    """The formats above under the names templates use: registered once, by the site."""
    return {
        "number": number,
        "exact": exact,
        "count": count,
        "count_short": count_short,
        "seconds": seconds,
        "latency": latency,
        "bytes": byte_size,
        "usd": usd,
        "rate": rate,
        "energy": energy,
        "flops": flops,
        "percent": percent,
        "significant": significant,
        "estimate": estimate,
        "score": score,
        "loss": loss,
        "loss_gap": loss_gap,
        "ratio": ratio,
        "times": times,
        "z_score": z_score,
        "statistic": statistic,
        "relative_change": relative_change,
        "date": date,
        "yes_no": yes_no,
        "sort_value": sort_value,
        "sort_number": sort_number,
    }
