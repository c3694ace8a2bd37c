"""``kleaderboard provenance``: one submission's model against every reference of the registry.

The model is read where the pipeline has it: a local folder (the verified snapshot of
the pinned commit, or the demo's ``local_path``), or straight from the Hub at the
manifest's commit by range requests. Every reference is compared (tokenizer always,
weights when the shape family matches), each weight statistic calibrated on the null
panel, and the record is written beside the run records, in ``provenance/``.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from kleaderboard.errors import ProvenanceError
from kleaderboard.identifiers import is_commit_sha
from kleaderboard.provenance.architecture import nearest, read_architecture
from kleaderboard.provenance.fingerprint import fingerprint
from kleaderboard.provenance.model_files import ModelFiles, close, open_local, open_remote
from kleaderboard.provenance.null_panel import score
from kleaderboard.provenance.record import FOLDER, ProvenanceRecord, ReferenceResult, write_provenance
from kleaderboard.provenance.registry import load_null_panel, load_registry
from kleaderboard.provenance.tokenizer_overlap import overlap, tokenizer_print
from kleaderboard.submission.tree import Submission, load_submission

DEFAULT_ENDPOINT = "https://huggingface.co"


@dataclass(frozen=True)
class Where:
    """Where the model's files are read from; all None: the manifest's Hub repo at its commit."""

    weights: Path | None = None
    endpoint: str | None = None


def _open(sub: Submission, where: Where) -> ModelFiles:
    spec = sub.manifest.model
    if where.weights is not None:
        return open_local(where.weights, spec.hub_repo or spec.local_path, spec.revision)
    if spec.local_path is not None:
        return open_local(sub.path(spec.local_path), spec.local_path, None)
    if spec.hub_repo is None or spec.revision is None or spec.pending:
        raise ProvenanceError.single(
            sub.folder / "submission.yaml",
            "model.revision",
            "is not a pinned commit",
            "pin the model's 40-hex commit",
        )
    return _open_hub(spec.hub_repo, spec.revision, where)


def _open_hub(repo: str, commit: str, where: Where) -> ModelFiles:
    """The model's files at commit on the Hub (where.endpoint, $HF_ENDPOINT or huggingface.co)."""
    import httpx

    endpoint = where.endpoint or os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT
    return open_remote(endpoint, repo, commit, httpx.Client(timeout=60))


def collect(
    manifest_path: Path, registry: Path, where: Where = Where(), now: dt.datetime | None = None
) -> ProvenanceRecord:
    """The provenance record of one submission (not yet written)."""
    sub = load_submission(manifest_path)
    model = _open(sub, where)
    try:
        candidate = fingerprint(model)
        tokenizer = tokenizer_print(model.tokenizer)
        architecture = read_architecture(model.config)
    finally:
        close(model)
    entries = [
        e for e in load_registry(registry) if not (e.repo == model.source and e.commit == model.revision)
    ]
    panel = load_null_panel(registry)
    moment = now or dt.datetime.now(dt.UTC)
    short = (model.revision or "local")[:12]
    return ProvenanceRecord(
        # Microseconds: a re-run seconds later (the demo's) must not collide with the last record.
        record_id=f"{moment:%Y%m%dT%H%M%S%fZ}-{short}",
        submission=sub.id,
        manifest_sha256=sub.manifest_sha256,
        model_source=model.source,
        model_revision=model.revision,
        created_at=f"{moment:%Y-%m-%dT%H:%M:%SZ}",
        architecture=architecture,
        declared_innovations=[i.tag.value for i in sub.manifest.originality.innovations],
        nearest_architectures=nearest(architecture, {e.label: e.architecture for e in entries}),
        tokenizers=[
            overlap(tokenizer, e.tokenizer, e.label)
            for e in entries
            if tokenizer is not None and e.tokenizer is not None
        ],
        references_searched=[e.label for e in entries],
        null_models=len(panel.models),
        null=[d for d in panel.distributions if d.family == candidate.family],
        # Same shape family: every component; another family: only its encoders (exact matches).
        weights=[
            ReferenceResult(reference=e.repo, revision=e.commit, scores=scores)
            for e in entries
            if (scores := score(candidate, e.fingerprint, panel))
        ],
        bytes_fetched=candidate.bytes_fetched,
        model_bytes=candidate.model_bytes,
    )


def run_provenance(
    manifest_path: Path, registry: Path, where: Where = Where()
) -> tuple[Path, ProvenanceRecord]:
    """Collect and write the record into the submission's provenance/ folder; returns its path."""
    record = collect(manifest_path, registry, where)
    return write_provenance(record, manifest_path.parent / FOLDER), record


def add_reference(registry: Path, repo: str, commit: str | None, where: Where, independent: bool) -> Path:
    """Fingerprint a reference (local files, or the Hub at commit) into the registry; returns its path."""
    from kleaderboard.provenance.registry import make_entry, save_entry

    if where.weights is not None:
        model = open_local(where.weights, repo, commit)
    else:
        if commit is None or not is_commit_sha(commit):
            raise ProvenanceError.single(
                "--commit",
                "commit",
                f"{commit!r} is not a 40-hex commit",
                "name the commit the fingerprint is read at",
            )
        model = _open_hub(repo, commit, where)
    try:
        return save_entry(registry, make_entry(model, repo, commit, independent))
    finally:
        close(model)
