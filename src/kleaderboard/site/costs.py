"""Cost figures as the pages show them: read from a run record's ``measured`` block.

The pipeline measures a fixed serving workload (time to first token, output tokens
per second at each concurrency level), prices it with the committed GPU price table
and meters its energy with NVML; it also computes the structural cost from
config.json (see :mod:`kleaderboard.evaluation.structural_cost`). This module picks what a page
shows from that record (:mod:`kleaderboard.display` writes it in readers' units). It computes nothing new:
every figure here is in the run record, and a missing one stays missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from kleaderboard.records import RunRecord, ServingCost, ServingPoint, StructuralCostRecord


@dataclass(frozen=True)
class CostFigures:
    """The serving, structural and money/energy figures of one run."""

    run: RunRecord
    serving: tuple[ServingPoint, ...]  # by concurrency, lowest first
    structural: StructuralCostRecord | None
    cost: ServingCost | None

    @property
    def cpu(self) -> bool:
        """True for a CPU run: its figures are labelled CPU figures, never priced as a GPU's."""
        return self.run.measured.hardware_kind == "cpu"

    @property
    def top(self) -> ServingPoint | None:
        """The point at the highest concurrency measured (the one the $ figure is priced at)."""
        return self.serving[-1] if self.serving else None

    @property
    def measured_anything(self) -> bool:
        """False for a run that recorded no serving, structural or money figure at all."""
        return bool(self.serving) or self.structural is not None or self.cost is not None

    @property
    def price_source(self) -> Source:
        """Where the GPU price comes from, as (URL, the rest of the text)."""
        return split_source(self.cost.price_source if self.cost else None)


def cost_figures(run: RunRecord | None) -> CostFigures | None:
    """The cost figures of a run, or None without a run."""
    if run is None:
        return None
    measured = run.measured
    serving = tuple(sorted(measured.serving, key=lambda point: point.concurrency))
    return CostFigures(run, serving, measured.structural, measured.cost)


def tokens_per_second(run: RunRecord | None) -> float | None:
    """Output tokens per second at the highest concurrency of a run's serving workload."""
    figures = cost_figures(run)
    top = figures.top if figures else None
    return top.output_tokens_per_second if top else None


def usd_per_million(run: RunRecord | None) -> float | None:
    """US$ per 1M output tokens of a run (None on CPU or without a price)."""
    cost = run.measured.cost if run else None
    return cost.usd_per_million_output_tokens if cost else None


@dataclass(frozen=True)
class Source:
    """Where a figure comes from: a link (when the text starts with an http(s) URL) and the rest."""

    url: str | None
    host: str  # the URL's host, as the link's text
    rest: str


def split_source(text: str | None) -> Source:
    """A price source such as 'https://example.org/prices (2026-05, on-demand)' in parts."""
    first, _, rest = (text or "").partition(" ")
    if first.lower().startswith(("http://", "https://")):
        host = urlsplit(first).hostname or first
        return Source(first, host.removeprefix("www."), rest.strip())
    return Source(None, "", text or "")
