"""Run records are written atomically and never overwritten."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kleaderboard.errors import RunRecordError
from kleaderboard.records import RunRecord, write_record
from kleaderboard.submission.tree import read_record

RECORD = {
    "run_id": "20261123T000000Z-demo-v1",
    "submission": "acme/tiny",
    "manifest_sha256": "0" * 64,
    "suite": "demo",
    "suite_version": 1,
    "lm_eval_version": "0.4.13",
    "started_at": "2026-11-23T00:00:00Z",
    "finished_at": "2026-11-23T00:01:00Z",
    "status": "succeeded",
    "model": {"source": "model", "file_hashes": {"config.json": "ab"}},
    "settings": {
        "backend": "hf",
        "device": "cpu",
        "dtype": "float32",
        "batch_size": 8,
        "seeds": {"random": 0},
        "apply_chat_template": False,
        "fewshot_as_multiturn": False,
        "max_gen_toks": 8,
        "model_args": {"pretrained": "/x"},
    },
    "scores": [
        {
            "task": "demo_en_facts",
            "metric": "acc,none",
            "value": 0.5,
            "stderr": 0.05,
            "n_samples": 40,
            "n_shot": 0,
            "seconds": 1.0,
        }
    ],
    "environment": {
        "hostname": "h",
        "platform": "p",
        "python": "3.11",
        "cpu": "c",
        "cpu_count": 2,
        "libraries": {"lm-eval": "0.4.13"},
    },
    "measured": {"wall_seconds": 60, "hardware_kind": "cpu"},
}


def test_round_trip(tmp_path: Path) -> None:
    record = RunRecord.model_validate(RECORD)
    path = write_record(record, tmp_path / "runs")
    assert read_record(path) == record
    assert [p.name for p in (tmp_path / "runs").iterdir()] == [path.name]  # no temp file left


def test_existing_record_is_never_overwritten(tmp_path: Path) -> None:
    record = RunRecord.model_validate(RECORD)
    path = write_record(record, tmp_path)
    before = path.read_bytes()
    changed = record.model_copy(update={"status": "failed"})
    with pytest.raises(RunRecordError, match="a run record with this id already exists"):
        write_record(changed, tmp_path)
    assert path.read_bytes() == before


def test_invalid_record_names_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({**RECORD, "status": "maybe"}), encoding="utf-8")
    with pytest.raises(RunRecordError, match=r"bad.json: status: Input should be 'succeeded' or 'failed'"):
        read_record(path)
    path.write_text("{", encoding="utf-8")
    with pytest.raises(RunRecordError, match=r"bad.json: line 1, column 2: is not valid JSON"):
        read_record(path)
