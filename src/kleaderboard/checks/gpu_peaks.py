"""Dense BF16 peaks of the GPUs teams train on (``data/gpu_peaks.yaml``, with its source).

The loss-log evidence (:mod:`kleaderboard.checks.evidence`) divides a run's 6·N·D training FLOPs
by the declared GPU-hours at this peak: the model FLOPs utilisation the declaration implies.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from kleaderboard.submission import untrusted

PEAKS_FILE = Path(str(resources.files("kleaderboard"))) / "data" / "gpu_peaks.yaml"


class GpuPeak(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    match: list[str] = Field(description="Substrings of a declared gpu_type, matched case-blind in order.")
    bf16_dense_tflops: float = Field(gt=0)


class PeakTable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    source: str
    retrieved: str
    gpus: list[GpuPeak]

    def find(self, gpu_type: str) -> GpuPeak | None:
        """The first row whose match strings occur in a declared GPU type ('NVIDIA H100 80GB SXM')."""
        upper = gpu_type.upper()
        return next((g for g in self.gpus if any(m.upper() in upper for m in g.match)), None)


@cache
def peak_table() -> PeakTable:
    """The committed peak table."""
    return PeakTable.model_validate(untrusted.load(PEAKS_FILE))
