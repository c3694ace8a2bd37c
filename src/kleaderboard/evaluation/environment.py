"""Where a run happened: host, CPU, GPUs and the versions of the libraries that score."""

from __future__ import annotations

import os
import platform
import socket
from importlib import metadata

from kleaderboard.records import Environment

LIBRARIES = ("lm-eval", "torch", "transformers", "datasets", "tokenizers", "vllm", "kleaderboard")


def _versions() -> dict[str, str]:
    found = {}
    for name in LIBRARIES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def _gpus() -> list[str]:
    import torch

    if not torch.cuda.is_available():
        return []
    return [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def capture_environment() -> Environment:
    """Describe this machine for the run record."""
    return Environment(
        hostname=socket.gethostname(),
        platform=platform.platform(),
        python=platform.python_version(),
        cpu=_cpu_name(),
        cpu_count=os.cpu_count() or 1,
        gpus=_gpus(),
        libraries=_versions(),
    )


def hardware_kind(device: str) -> str:
    """'gpu' for CUDA devices, else 'cpu' (the record then says its figures are CPU figures)."""
    return "gpu" if device.startswith("cuda") else "cpu"
