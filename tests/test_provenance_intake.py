"""Provenance records from an artifact pass the same kind of intake as run records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kleaderboard.cli.main import main
from kleaderboard.errors import ProvenanceError
from kleaderboard.github.provenance_intake import check_provenance_artifact, check_untrusted_provenance
from kleaderboard.provenance.architecture import read_architecture
from kleaderboard.provenance.null_panel import Calibrated
from kleaderboard.provenance.record import ProvenanceRecord, ReferenceResult, write_provenance
from kleaderboard.provenance.tokenizer_overlap import TokenizerOverlap

COMMIT = "a" * 40
SHA = "b" * 64


def _record(**changes: object) -> ProvenanceRecord:
    score = Calibrated(
        component="layers.0.mlp", kind="mlp", statistic="norm", value=0.99, matched="layers.0.mlp",
        z=9.5, percentile=100.0, null_size=12, flagged=True,
    )  # fmt: skip
    data = {
        "record_id": "20261202T000000Z-aaaaaaaaaaaa",
        "submission": "acme/acme-7b",
        "manifest_sha256": SHA,
        "model_source": "acme/Acme-7B",
        "model_revision": COMMIT,
        "created_at": "2026-12-02T00:00:00Z",
        "architecture": read_architecture(
            {"model_type": "llama", "num_attention_heads": 8, "num_key_value_heads": 2}
        ),
        "declared_innovations": ["gqa"],
        "tokenizers": [
            TokenizerOverlap(reference="ref", vocabulary_jaccard=0.5, identical_ids=0.1, shared_merges=0.2)
        ],
        "references_searched": ["ref@cccccccccccc"],
        "null_models": 4,
        "weights": [ReferenceResult(reference="ref", revision="c" * 40, scores=[score])],
        "bytes_fetched": 10,
        "model_bytes": 1000,
    }
    return ProvenanceRecord.model_validate(data | changes)


def test_a_pipeline_record_is_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_provenance(_record(), tmp_path / "artifact")
    assert check_untrusted_provenance(path, "acme/acme-7b", SHA).architecture.detected == ["gqa"]
    assert main(["check-provenance-record", str(tmp_path / "artifact"), "--submission", "acme/acme-7b"]) == 0
    assert (
        "ok: acme/acme-7b, record 20261202T000000Z-aaaaaaaaaaaa, 1 flagged score(s)"
        in capsys.readouterr().out
    )


def test_records_are_never_overwritten(tmp_path: Path) -> None:
    write_provenance(_record(), tmp_path)
    with pytest.raises(ProvenanceError, match="a provenance record with this id already exists"):
        write_provenance(_record(), tmp_path)


def test_identity_and_ranges_are_checked(tmp_path: Path) -> None:
    path = write_provenance(_record(model_revision="main"), tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["weights"][0]["scores"][0]["value"] = 1.5
    data["tokenizers"][0]["identical_ids"] = -0.1
    renamed = tmp_path / "other.json"
    renamed.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ProvenanceError) as caught:
        check_untrusted_provenance(renamed, "acme/other", "c" * 64)
    text = str(caught.value)
    assert "record_id: '20261202T000000Z-aaaaaaaaaaaa' does not match the file name" in text
    assert "submission: 'acme/acme-7b' is not 'acme/other'" in text
    assert f"manifest_sha256: {SHA} is not the sha256 of the manifest" in text
    assert "model_revision: 'main' is not a pinned 40-hex commit" in text
    assert "weights.0.scores.0.value: 1.5 is outside -1..1" in text
    assert "tokenizers.0.identical_ids: -0.1 is outside 0..1" in text
    assert "re-run the evaluation; a record is written only by the pipeline" in text


def test_an_artifact_with_something_else_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text("{}", encoding="utf-8")
    (tmp_path / "b.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ProvenanceError, match="holds 2 file"):
        check_provenance_artifact(tmp_path, "acme/acme-7b")
    with pytest.raises(ProvenanceError, match="holds no provenance record"):
        check_provenance_artifact(tmp_path / "missing", "acme/acme-7b")
    (tmp_path / "b.json").unlink()
    with pytest.raises(ProvenanceError, match="record_id: Field required"):
        check_provenance_artifact(tmp_path, "acme/acme-7b")
