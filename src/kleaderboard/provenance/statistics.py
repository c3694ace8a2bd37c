"""The similarity statistics, as pure numpy functions: each survives permutation, sign and scale tricks.

Why not the raw cosine of two norm vectors: norm weights are all positive and near one,
so any two models score near 1 (0.99 between unrelated models is common). Every statistic
here is centred (a Pearson correlation, or a CKA of centred Gram matrices), so unrelated
models score near zero, and each is computed on a quantity a copier cannot change
without changing the model's function:

- **folded norm profile**: a norm's weights multiplied into the next linear layer's input
  columns (``|g_j| * ||W[:, j]||``). Moving scale between a norm and the layer after it
  leaves it unchanged; the hidden units of the two models are aligned first
  (:func:`align_hidden`) so that a permutation or sign flip of the residual stream does not hide it.
- **functional Gram** (HuRef-style invariant product): for fixed probe tokens with
  normalised embeddings ``X``, ``X diag(g) W^T W diag(g) X^T``; permuting or flipping
  hidden or intermediate units, rotating heads, or rescaling norms all cancel in it. Two
  Grams are compared by linear CKA.
- **spectrum**: eigenvalues of the folded ``W^T W``, invariant to every orthogonal change
  of basis on either side; compared by the correlation of their logarithms.
"""

from __future__ import annotations

import numpy as np

EPS = 1e-12


def centred_correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson correlation of two equal-length vectors; 0 when either is constant."""
    a = np.asarray(a, dtype=np.float64).ravel() - np.mean(a)
    b = np.asarray(b, dtype=np.float64).ravel() - np.mean(b)
    denominator = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(a @ b / denominator) if denominator > EPS else 0.0


def raw_cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Uncentred cosine: kept only to show (in tests) why it is not evidence."""
    a = np.asarray(a, dtype=np.float64).ravel()
    b = np.asarray(b, dtype=np.float64).ravel()
    denominator = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(a @ b / denominator) if denominator > EPS else 0.0


def _centre_gram(gram: np.ndarray) -> np.ndarray:
    n = gram.shape[0]
    h = np.eye(n) - np.full((n, n), 1.0 / n)
    centred: np.ndarray = h @ gram @ h
    return centred


def gram_cka(gram_a: np.ndarray, gram_b: np.ndarray) -> float:
    """Linear CKA of two Gram matrices over one probe: 1 for one representation up to rotation and scale."""
    ca, cb = _centre_gram(np.asarray(gram_a, np.float64)), _centre_gram(np.asarray(gram_b, np.float64))
    denominator = float(np.linalg.norm(ca) * np.linalg.norm(cb))
    return float(np.sum(ca * cb) / denominator) if denominator > EPS else 0.0


def spectrum_correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Correlation of log-eigenvalues (largest first), over the length both have."""
    n = min(len(a), len(b))
    la = np.log(np.maximum(np.asarray(a[:n], np.float64), EPS))
    lb = np.log(np.maximum(np.asarray(b[:n], np.float64), EPS))
    return centred_correlation(la, lb)


def normalise_rows(x: np.ndarray) -> np.ndarray:
    """Each row divided by its root mean square, as an RMSNorm does before its weights."""
    rms = np.sqrt(np.mean(x.astype(np.float64) ** 2, axis=1, keepdims=True))
    normalised: np.ndarray = x / np.maximum(rms, EPS)
    return normalised


def folded_profile(norm: np.ndarray, weights: list[np.ndarray], row_scale: list[float]) -> np.ndarray:
    """|g_j| times the norm of input column j over every following linear layer (rows sampled, rescaled)."""
    squares = sum(
        scale * np.sum(np.asarray(w, np.float64) ** 2, axis=0)
        for w, scale in zip(weights, row_scale, strict=True)
    )
    profile: np.ndarray = np.abs(np.asarray(norm, np.float64)) * np.sqrt(squares)
    return profile


def functional_gram(
    probe: np.ndarray, norm: np.ndarray, weights: list[np.ndarray], row_scale: list[float]
) -> np.ndarray:
    """Σ_W  (X diag(g) W^T)(X diag(g) W^T)^T over the following linear layers: a K x K invariant."""
    folded = probe * norm[None, :].astype(np.float64)
    gram = np.zeros((probe.shape[0], probe.shape[0]))
    for w, scale in zip(weights, row_scale, strict=True):
        z = folded @ np.asarray(w, np.float64).T
        gram += scale * (z @ z.T)
    return gram


SPECTRUM_ROWS = 128  # rows the spectrum is estimated from: a 128 x 128 eigenproblem whatever the model


def folded_spectrum(
    norm: np.ndarray, weights: list[np.ndarray], row_scale: list[float], most: int
) -> np.ndarray:
    """The largest eigenvalues of diag(g) (Σ W^T W) diag(g), estimated from evenly spread rows, sum 1.

    The nonzero eigenvalues of FᵀF equal those of the small F Fᵀ, for F the stacked folded rows:
    the same numbers without forming a hidden x hidden matrix (7168² for the largest models).
    """
    g = np.asarray(norm, np.float64)
    counts = [w.shape[0] for w in weights]
    chosen = np.unique(np.linspace(0, sum(counts) - 1, min(sum(counts), SPECTRUM_ROWS)).astype(int))
    parts, offset = [], 0
    for w, scale, count in zip(weights, row_scale, counts, strict=True):
        mine = chosen[(chosen >= offset) & (chosen < offset + count)] - offset
        parts.append(np.sqrt(scale) * np.asarray(w, np.float64)[mine] * g[None, :])
        offset += count
    folded = np.vstack(parts)  # only the chosen rows of the stacked, folded layers
    values = np.clip(np.sort(np.linalg.eigvalsh(folded @ folded.T))[::-1][:most], 0.0, None)
    total = float(np.sum(values))
    spectrum: np.ndarray = values / total if total > EPS else values
    return spectrum


def align_hidden(probe_a: np.ndarray, probe_b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The permutation and signs that map b's hidden units onto a's, matched on probe embeddings.

    Columns (hidden units) are matched by the absolute correlation of their values over the
    probe tokens, by an optimal assignment (scipy's Hungarian solver) up to 2048 units and a
    greedy best match above. Returns (order, signs): b[:, order] * signs lines up with a.
    """
    a = probe_a - probe_a.mean(axis=0)
    b = probe_b - probe_b.mean(axis=0)
    a = a / np.maximum(np.linalg.norm(a, axis=0), EPS)
    b = b / np.maximum(np.linalg.norm(b, axis=0), EPS)
    corr = a.T @ b  # (units of a) x (units of b)
    if corr.shape[0] <= 2048:
        from scipy.optimize import linear_sum_assignment

        rows, cols = linear_sum_assignment(-np.abs(corr))
        order = cols[np.argsort(rows)]
    else:
        order = np.argmax(np.abs(corr), axis=1)
    signs = np.sign(corr[np.arange(corr.shape[0]), order])
    signs[signs == 0] = 1
    return order, signs
