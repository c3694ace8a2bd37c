"""A fixed serving workload, timed: time to first token and output tokens per second.

Both engines run the same code shape: ``measure_hf`` (transformers ``generate``)
and ``measure_vllm`` (``vllm.LLM.generate`` with ``ignore_eos`` and a fixed
``min_tokens``). NOTE: the vLLM path has not yet run on a GPU in this repository's
history; the first GPU session must run it and commit the figures.

Each concurrency level sends that many requests at once, every request with the
same number of prompt tokens (seeded random ids, no special tokens) and forced to
generate exactly the same number of tokens, so runs on different models and
runners are comparable. On the ``hf`` backend a batch of ``c`` sequences stands
for ``c`` concurrent requests; the run record says which backend and hardware
produced the figures (CPU figures are labelled as such on the site).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kleaderboard.records import ServingPoint

if TYPE_CHECKING:
    import torch


@dataclass(frozen=True)
class Workload:
    input_tokens: int
    output_tokens: int
    concurrency: tuple[int, ...]
    seed: int = 0


def _prompts(vocab_size: int, special: int, count: int, length: int, seed: int) -> torch.Tensor:
    import torch

    generator = torch.Generator().manual_seed(seed)
    return torch.randint(special, vocab_size, (count, length), generator=generator)


def _timed_hf(model: Any) -> Callable[[Any, int], float]:
    import torch

    def run(ids: Any, new_tokens: int) -> float:
        ids = ids.to(model.device)
        start = time.perf_counter()
        with torch.no_grad():
            model.generate(
                input_ids=ids,
                attention_mask=torch.ones_like(ids),
                max_new_tokens=new_tokens,
                min_new_tokens=new_tokens,
                do_sample=False,
                pad_token_id=model.config.pad_token_id or 0,
            )
        return time.perf_counter() - start

    return run


def _timed_vllm(llm: Any) -> Callable[[Any, int], float]:
    from vllm import SamplingParams
    from vllm.inputs import TokensPrompt

    def run(ids: Any, new_tokens: int) -> float:
        prompts = [TokensPrompt(prompt_token_ids=row.tolist()) for row in ids]
        params = SamplingParams(max_tokens=new_tokens, min_tokens=new_tokens, ignore_eos=True, temperature=0)
        start = time.perf_counter()
        llm.generate(prompts, params, use_tqdm=False)
        return time.perf_counter() - start

    return run


def _measure(
    run: Callable[[Any, int], float], vocab_size: int, special: int, workload: Workload
) -> list[ServingPoint]:
    points = []
    for concurrency in workload.concurrency:
        ids = _prompts(vocab_size, special, concurrency, workload.input_tokens, workload.seed)
        run(ids[:1, :8], 1)  # warm-up: kernels, allocator
        ttft = run(ids, 1)
        wall = run(ids, workload.output_tokens)
        points.append(
            ServingPoint(
                concurrency=concurrency,
                input_tokens=workload.input_tokens,
                output_tokens=workload.output_tokens,
                ttft_seconds=round(ttft, 6),
                output_tokens_per_second=round(concurrency * workload.output_tokens / wall, 3),
                wall_seconds=round(wall, 6),
            )
        )
    return points


def measure_hf(model: Any, vocab_size: int, special_tokens: int, workload: Workload) -> list[ServingPoint]:
    """Time the workload on a transformers model; one ServingPoint per concurrency level."""
    return _measure(_timed_hf(model), vocab_size, special_tokens, workload)


def measure_vllm(llm: Any, vocab_size: int, special_tokens: int, workload: Workload) -> list[ServingPoint]:
    """Time the workload on a vllm.LLM: all requests of a level submitted at once."""
    return _measure(_timed_vllm(llm), vocab_size, special_tokens, workload)
