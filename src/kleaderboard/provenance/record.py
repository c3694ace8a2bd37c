"""The provenance record: what the pipeline found about one submission's origin, as versioned JSON.

Stored as ``submissions/<org>/<model>/provenance/<record_id>.json``, beside ``runs/``, and
like a run record written only by the pipeline, complete or absent (a temporary file
linked into place). It holds evidence with its limits, never a verdict: each weight
statistic carries its z-score and percentile against the null panel, and the list of
reference models searched, so that "no match among N references" reads as what it is.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from kleaderboard.errors import ProvenanceError
from kleaderboard.provenance.architecture import ArchitectureFacts
from kleaderboard.provenance.null_panel import Calibrated, NullDistribution
from kleaderboard.provenance.tokenizer_overlap import TokenizerOverlap
from kleaderboard.records import write_new_file

PROVENANCE_SCHEMA_VERSION: Final = 1
FOLDER = "provenance"
_LAYER = re.compile(r"layers\.(\d+)\.\w+")


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReferenceResult(_Record):
    """Everything compared against one reference model."""

    reference: str = Field(description="The reference's Hub repo id (or demo name).")
    revision: str | None = Field(description="The reference's commit its fingerprint was read at.")
    scores: list[Calibrated]

    @property
    def flagged(self) -> list[Calibrated]:
        return [s for s in self.scores if s.flagged]

    @property
    def repeated_layers(self) -> dict[int, list[int]]:
        """Depth up-scaling seen in the weights: reference layer -> the candidate layers it reappears as.

        Only flagged scores of the folded-norm statistic count (the one that follows a layer
        through permutation and rescaling), and only a reference layer that two or more
        candidate layers match: a derived model of the same depth matches each layer once.
        """
        found: dict[int, set[int]] = {}
        for s in self.flagged:
            ours, theirs = _LAYER.fullmatch(s.component), _LAYER.fullmatch(s.matched)
            if s.statistic == "norm" and ours and theirs:
                found.setdefault(int(theirs.group(1)), set()).add(int(ours.group(1)))
        return {base: sorted(layers) for base, layers in sorted(found.items()) if len(layers) > 1}


class ProvenanceRecord(_Record):
    """Originality evidence for one submission at one commit."""

    schema_version: Literal[1] = PROVENANCE_SCHEMA_VERSION
    record_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]+$")]
    submission: str = Field(description="'<org>/<model>'.")
    manifest_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    model_source: str
    model_revision: str | None
    created_at: str
    architecture: ArchitectureFacts
    declared_innovations: list[str]
    nearest_architectures: list[tuple[str, float]] = Field(
        default_factory=list,
        description="References whose config.json agree most: (reference, share of facts alike).",
    )
    tokenizers: list[TokenizerOverlap]
    references_searched: list[str] = Field(
        description="Every reference of the registry compared, repo@commit."
    )
    null_models: int = Field(ge=0, description="Independent models whose pairs make the null panel.")
    null: list[NullDistribution] = Field(
        default_factory=list, description="The null distributions of this model's shape family, to draw."
    )
    weights: list[ReferenceResult]
    bytes_fetched: int = Field(ge=0)
    model_bytes: int = Field(ge=0)

    @property
    def depth_up_scaled_from(self) -> list[str]:
        """References whose layers reappear more than once in this model (depth up-scaling detected)."""
        return [r.reference for r in self.weights if r.repeated_layers]


def provenance_text(record: ProvenanceRecord) -> str:
    """The record as the pipeline writes it, from the validated model."""
    return json.dumps(record.model_dump(mode="json"), indent=1, ensure_ascii=False) + "\n"


def provenance_path(record: ProvenanceRecord) -> str:
    """Where a record lives in the repository."""
    return f"submissions/{record.submission}/{FOLDER}/{record.record_id}.json"


def write_provenance(record: ProvenanceRecord, folder: Path) -> Path:
    """Write a record atomically as folder/<record_id>.json; never overwrite one."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{record.record_id}.json"
    if target.exists():
        raise ProvenanceError.single(
            target, "record_id", "a provenance record with this id already exists", "use a new id"
        )
    write_new_file(target, provenance_text(record))
    return target
