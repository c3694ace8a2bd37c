"""The provenance record in a few plain lines, for the command's output and the workflow log."""

from __future__ import annotations

from kleaderboard import display
from kleaderboard.provenance.record import ProvenanceRecord

LIMIT = (
    "no match among {n} reference model(s) is not proof of training from zero: "
    "only the registry's models were compared"
)


def _weights_line(result_reference: str, flagged: list[str]) -> str:
    if not flagged:
        return f"weights vs {result_reference}: no component above its null panel"
    return f"weights vs {result_reference}: flagged {'; '.join(flagged)}"


def summary_lines(record: ProvenanceRecord) -> list[str]:
    """What the record found, every figure with its calibration, and the limits."""
    arch = record.architecture
    detected = ", ".join(t.value for t in arch.detected) or "none"
    declared = ", ".join(record.declared_innovations) or "none"
    lines = [
        f"architecture: {arch.model_type or display.MISSING}, {display.count(arch.layers)} layers, "
        f"hidden {display.count(arch.hidden_size)}; detected: {detected}; declared: {declared}"
    ]
    if record.nearest_architectures:
        near = ", ".join(
            f"{name} ({display.percent(share, 0)} of facts alike)"
            for name, share in record.nearest_architectures
        )
        lines.append(f"nearest architectures: {near}")
    for tok in record.tokenizers:
        lines.append(
            f"tokenizer vs {tok.reference}: vocabulary Jaccard {display.percent(tok.vocabulary_jaccard)}, "
            f"identical ids {display.percent(tok.identical_ids)}, "
            f"shared merges {display.percent(tok.shared_merges)}"
        )
    for result in record.weights:
        flagged = [
            f"{s.component} {s.statistic} {display.statistic(s.value)} ({display.z_score(s.z)}, "
            f"percentile {display.number(s.percentile)} of {s.null_size} null values)"
            for s in result.flagged
        ]
        lines.append(_weights_line(result.reference, flagged))
        for base, ours in result.repeated_layers.items():
            layers = ", ".join(map(str, ours))
            lines.append(f"depth up-scaling: layers {layers} all match layer {base} of {result.reference}")
    if not any(r.flagged for r in record.weights):
        lines.append(LIMIT.format(n=len(record.references_searched)))
    lines.append(
        f"read {display.byte_size(record.bytes_fetched)} over the network of a "
        f"{display.byte_size(record.model_bytes)} model; "
        f"null panel of {record.null_models} independent model(s)"
    )
    return lines
