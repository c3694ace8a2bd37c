"""Tensor parallel chosen from a model's declared size and the runner's GPUs."""

from __future__ import annotations

import pytest

from kleaderboard.errors import EvaluationError
from kleaderboard.evaluation.parallelism import GIB, Gpus, Parallelism, choose, parse_nvidia_smi

H100 = 80 * GIB


def test_nvidia_smi_lines_give_the_count_and_the_smallest_memory() -> None:
    assert parse_nvidia_smi("81920\n40960\n\n") == Gpus(count=2, memory_bytes=40 * GIB)
    assert parse_nvidia_smi("") == Gpus(count=0, memory_bytes=0)


@pytest.mark.parametrize(
    ("parameters", "precision", "tensor"),
    [
        (8 * 10**9, "bfloat16", 1),
        (8 * 10**9, "float32", 1),
        (30 * 10**9, "bfloat16", 2),
        (70 * 10**9, "bfloat16", 4),
    ],
)
def test_the_fewest_power_of_two_gpus_that_hold_the_model(
    parameters: int, precision: str, tensor: int
) -> None:
    assert choose(parameters, precision, Gpus(8, H100)) == Parallelism(tensor=tensor, pipeline=1)


def test_a_gpu_count_that_is_no_power_of_two_uses_the_largest_power_below_it() -> None:
    with pytest.raises(EvaluationError, match=r"about 174 GiB .* 3 GPU\(s\) of 80 GiB"):
        choose(70 * 10**9, "bfloat16", Gpus(3, H100))
