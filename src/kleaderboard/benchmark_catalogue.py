"""The canonical benchmark catalogue: names for self-reported scores, and what measures them.

A team's ``self_reported`` score names a benchmark from ``data/benchmarks.yaml``; an
unknown name is refused with "Perhaps you meant …". Where a suite measures the same
benchmark (``measured_by``), the model page puts the claim next to the measurement.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field

from kleaderboard.kinds import CHAT_MODES, Mode
from kleaderboard.suggest import perhaps

CATALOGUE_FILE = Path(str(resources.files("kleaderboard"))) / "data" / "benchmarks.yaml"


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Measurement(_Frozen):
    """Suite tasks that measure a benchmark; several tasks are averaged (unweighted)."""

    suite: str
    tasks: list[str] = Field(min_length=1)
    modes: list[Mode] = Field(
        default_factory=lambda: [Mode.base, *CHAT_MODES], description="Modes this measurement is run in."
    )


class Benchmark(_Frozen):
    """One benchmark as teams report it."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    name: str = Field(description="The canonical name a self_reported score must use.")
    what: str = Field(description="What it measures, in a line.")
    n_shot: Annotated[int, Field(ge=0)] = Field(description="Shots of the suite's measurement.")
    measured_by: list[Measurement] = Field(default_factory=list)

    def measurement(self, suite: str, mode: Mode) -> Measurement | None:
        """The measurement of this benchmark in a suite run in a mode, if the suite has one."""
        return next((m for m in self.measured_by if m.suite == suite and mode in m.modes), None)


class Catalogue(_Frozen):
    benchmarks: list[Benchmark]

    def names(self) -> list[str]:
        return [b.name for b in self.benchmarks]

    def get(self, name: str) -> Benchmark | None:
        return next((b for b in self.benchmarks if b.name == name), None)


@cache
def catalogue() -> Catalogue:
    """The shipped catalogue (validated once per process)."""
    return Catalogue.model_validate(yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8")))


def unknown_name_fix(name: str) -> str:
    """The fix for a benchmark name not in the catalogue: the closest name, or the list."""
    hint = perhaps(name, catalogue().names())
    known = ", ".join(catalogue().names())
    return (
        f"{hint} Use a name from the catalogue: {known}"
        if hint
        else f"use a name from the catalogue: {known}"
    )


__all__ = ["CATALOGUE_FILE", "Benchmark", "Catalogue", "Measurement", "catalogue", "unknown_name_fix"]
