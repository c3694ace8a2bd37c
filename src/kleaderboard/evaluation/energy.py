"""GPU energy from NVML (nvidia-ml-py), when the runner has NVIDIA GPUs.

NVML's total-energy counter (millijoules since driver load, Volta and newer) is read
before and after a block; the difference over all visible GPUs is the energy the
block used. Without NVML the meter says why, and the record keeps ``None``: an
energy figure is never estimated.
"""

from __future__ import annotations

from types import ModuleType, TracebackType


class EnergyMeter:
    """Context manager measuring GPU energy in watt-hours, or saying why it cannot."""

    def __init__(self) -> None:
        self.wh: float | None = None
        self.reason: str | None = None
        self._nvml: ModuleType | None = None
        self._handles: list[object] = []
        self._start = 0

    def _read(self) -> int:
        assert self._nvml is not None  # called only while NVML is initialised
        return sum(self._nvml.nvmlDeviceGetTotalEnergyConsumption(h) for h in self._handles)

    def __enter__(self) -> EnergyMeter:
        try:
            import pynvml

            pynvml.nvmlInit()
            count = pynvml.nvmlDeviceGetCount()
            self._handles = [pynvml.nvmlDeviceGetHandleByIndex(i) for i in range(count)]
            self._nvml = pynvml
            self._start = self._read()
        except Exception as exc:  # ImportError, NVMLError_*: no usable NVIDIA driver here
            self._nvml = None
            self.reason = f"no GPU energy counter ({type(exc).__name__}: {exc})"
        if self._nvml is not None and not self._handles:
            self.reason = "NVML found no GPU"
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._nvml is None or not self._handles:
            return
        self.wh = (self._read() - self._start) / 3_600_000  # mJ -> Wh
        self._nvml.nvmlShutdown()
