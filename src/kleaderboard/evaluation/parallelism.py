"""How a model is split over the GPU runner's GPUs: vLLM tensor and pipeline parallel.

Chosen per model from its declared size (``model.parameters.total`` and ``precision`` in
submission.yaml) and the runner's GPUs, so a model that fits one GPU runs on one and a
bigger one is split no further than it must be. The choice reaches ``kleaderboard
evaluate`` as ``--tensor-parallel``/``--pipeline-parallel`` and lands in the run record's
model arguments (``tensor_parallel_size``, ``pipeline_parallel_size``).
"""

from __future__ import annotations

from dataclasses import dataclass

from kleaderboard import display
from kleaderboard.errors import EvaluationError

BYTES_PER_PARAMETER = {"float32": 4, "bfloat16": 2, "float16": 2}
# The weights are not all vLLM keeps on a GPU: the KV cache, activations and CUDA graphs
# need room too. A third on top of the weights leaves a usable KV cache at 0.9 utilisation.
HEADROOM = 4 / 3
GIB = 1024**3


@dataclass(frozen=True)
class Gpus:
    """The runner's GPUs: how many, and the memory of each (the smallest, if they differ)."""

    count: int
    memory_bytes: int


@dataclass(frozen=True)
class Parallelism:
    tensor: int
    pipeline: int


def weights_bytes(parameters: int, precision: str) -> int:
    return parameters * BYTES_PER_PARAMETER[precision]


def choose(parameters: int, precision: str, gpus: Gpus, utilization: float = 0.9) -> Parallelism:
    """The fewest GPUs, a power of two (vLLM needs the attention heads divisible by the
    tensor-parallel size), whose memory holds the model with room for its KV cache.

    Raises EvaluationError when even all of the runner's GPUs are too small.
    """
    if gpus.count < 1:
        raise EvaluationError("no GPU on this runner: the vllm backend needs at least one")
    need = weights_bytes(parameters, precision) * HEADROOM
    usable = gpus.memory_bytes * utilization
    tensor = 1
    while need / tensor > usable and tensor * 2 <= gpus.count:
        tensor *= 2
    if need / tensor > usable:
        raise EvaluationError(
            f"the model needs about {display.byte_size(int(need))} of GPU memory "
            f"({display.count_short(parameters)} parameters in "
            f"{precision}, with room for the KV cache); this runner has {gpus.count} GPU(s) of "
            f"{display.byte_size(gpus.memory_bytes)}. Use a runner with more or larger GPUs "
            "(site_src/maintainers.md, runner sizes)"
        )
    return Parallelism(tensor=tensor, pipeline=1)


def parse_nvidia_smi(text: str) -> Gpus:
    """Gpus from `nvidia-smi --query-gpu=memory.total --format=csv,noheader,nounits` (MiB a line)."""
    sizes = [int(line.strip()) for line in text.splitlines() if line.strip()]
    if not sizes:
        return Gpus(count=0, memory_bytes=0)
    return Gpus(count=len(sizes), memory_bytes=min(sizes) * 1024**2)
