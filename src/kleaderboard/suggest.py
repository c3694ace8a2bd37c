""" "Perhaps you meant …?": the one way every error suggests a known name for a mistyped one."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def perhaps(word: str, known: Iterable[str]) -> str | None:
    """ "Perhaps you meant 'x'?" for the known name closest to word, or None when none is close.

    Close means difflib's default (a similarity ratio of at least 0.6); the name is
    shown in single quotes, as the keys and columns users write.
    """
    close = difflib.get_close_matches(word, list(known), n=1)
    return f"Perhaps you meant '{close[0]}'?" if close else None


__all__ = ["perhaps"]
