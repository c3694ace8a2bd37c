"""GPU prices (a committed table with its source and date) and $ per 1M tokens."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from kleaderboard.submission import untrusted

PRICES_FILE = Path(str(resources.files("kleaderboard"))) / "data" / "gpu_prices.yaml"


class GpuPrice(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    match: list[str] = Field(description="Substrings of the device name reported by the driver.")
    usd_per_hour: float = Field(gt=0)
    low: float = Field(gt=0)
    high: float = Field(gt=0)


class PriceTable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    source: str
    source_date: str
    retrieved: str
    basis: str
    gpus: list[GpuPrice]

    def find(self, device_name: str) -> GpuPrice | None:
        """The price row whose match strings occur in a driver's device name."""
        upper = device_name.upper()
        return next((g for g in self.gpus if any(m.upper() in upper for m in g.match)), None)


@cache
def price_table() -> PriceTable:
    """The committed price table."""
    return PriceTable.model_validate(untrusted.load(PRICES_FILE))


def usd_per_million_tokens(usd_per_gpu_hour: float, gpus: int, tokens_per_second: float) -> float:
    """What one million tokens cost at a throughput on rented GPUs."""
    if tokens_per_second <= 0:
        raise ValueError("throughput must be positive")
    return usd_per_gpu_hour * gpus / (tokens_per_second * 3600) * 1_000_000
