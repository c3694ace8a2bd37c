"""How much two tokenizers share, from their tokenizer.json files.

Three figures, each a share from 0 to 1: vocabulary Jaccard (tokens in both over tokens in
either), identical id->token pairs (over the larger vocabulary: a reused tokenizer keeps
its ids), and shared BPE merges (over the larger merge list; a tokenizer trained anew on
similar text shares many tokens but rarely the same merge order). A reused tokenizer is a
fact to show, not a fault: many teams declare one.
"""

from __future__ import annotations

import hashlib
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class TokenizerOverlap(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    reference: str
    vocabulary_jaccard: float
    identical_ids: float
    shared_merges: float | None  # None when either tokenizer has no merge list (not BPE)


def vocabulary(tokenizer: dict[str, Any]) -> dict[str, int]:
    """token -> id, added tokens included."""
    model = tokenizer.get("model") or {}
    vocab = model.get("vocab") or {}
    if isinstance(vocab, list):  # Unigram: [[piece, score], ...]
        vocab = {str(piece[0]): i for i, piece in enumerate(vocab)}
    out = {str(k): int(v) for k, v in vocab.items()}
    for added in tokenizer.get("added_tokens") or []:
        out[str(added["content"])] = int(added["id"])
    return out


def merges(tokenizer: dict[str, Any]) -> list[str]:
    raw = (tokenizer.get("model") or {}).get("merges") or []
    return [m if isinstance(m, str) else " ".join(m) for m in raw]


def token_digest(token: str) -> str:
    """A 12-hex digest of a token or merge: compared, never read back."""
    return hashlib.blake2b(token.encode("utf-8"), digest_size=6).hexdigest()


class TokenizerPrint(BaseModel):
    """A tokenizer as digests: small to store, and carrying no vocabulary text."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tokens: dict[str, int] = Field(description="digest of each token -> its id")
    merges: list[str] = Field(description="digest of each merge, in order")


def tokenizer_print(tokenizer: dict[str, Any] | None) -> TokenizerPrint | None:
    if tokenizer is None:
        return None
    return TokenizerPrint(
        tokens={token_digest(t): i for t, i in vocabulary(tokenizer).items()},
        merges=[token_digest(m) for m in merges(tokenizer)],
    )


def overlap(candidate: TokenizerPrint, reference: TokenizerPrint, reference_name: str) -> TokenizerOverlap:
    """The three shares between two tokenizers."""
    a, b = candidate.tokens, reference.tokens
    union = len(a.keys() | b.keys())
    same_ids = sum(1 for token, i in a.items() if b.get(token) == i)
    ma, mb = candidate.merges, reference.merges
    shared = len(set(ma) & set(mb)) / max(len(ma), len(mb)) if ma and mb else None
    return TokenizerOverlap(
        reference=reference_name,
        vocabulary_jaccard=round(len(a.keys() & b.keys()) / union, 6) if union else 0.0,
        identical_ids=round(same_ids / max(len(a), len(b)), 6) if a and b else 0.0,
        shared_merges=None if shared is None else round(shared, 6),
    )
