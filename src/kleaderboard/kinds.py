"""The fixed vocabularies of an evaluation: how a model is prompted and what runs it.

Both are ``StrEnum``: a member is equal to, formats as and serialises to its value,
so manifests, suites and run records hold the same plain strings as before.
This module sits at the root of the package, beside ``records.py``, so that every
layer can use it.
"""

from __future__ import annotations

from enum import StrEnum


class Mode(StrEnum):
    """How a model is prompted for evaluation.

    ``think_on`` / ``think_off``: a reasoning model evaluated with its thinking
    mode switched on or off (e.g. A.X K1's thinking and non-thinking modes).
    """

    base = "base"
    instruct = "instruct"
    think_on = "think_on"
    think_off = "think_off"


CHAT_MODES = (Mode.instruct, Mode.think_on, Mode.think_off)  # prompted through the chat template
THINKING_MODES = (Mode.think_on, Mode.think_off)  # the chat template's thinking switch is set


class Backend(StrEnum):
    """The lm-eval model class that runs an evaluation."""

    hf = "hf"  # transformers in this process
    vllm = "vllm"  # vLLM in this process (CUDA only)
    local_completions = "local-completions"  # a running OpenAI-compatible server


__all__ = ["CHAT_MODES", "THINKING_MODES", "Backend", "Mode"]
