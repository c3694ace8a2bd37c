"""Evaluation: the lm-eval adapter, the runner and the environment it records.

Importing this package needs the ``eval`` extra (lm-eval, torch); use
:func:`require_eval_extra` before importing its modules from a command.
"""

from __future__ import annotations

import importlib.util

from kleaderboard.errors import MissingExtraError


def require_eval_extra() -> None:
    """Raise MissingExtraError unless lm-eval and torch are importable."""
    for module in ("lm_eval", "torch", "transformers"):
        if importlib.util.find_spec(module) is None:
            raise MissingExtraError("eval", module)
