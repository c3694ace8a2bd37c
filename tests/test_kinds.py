"""Mode and Backend: enums in the code, the same plain strings in every file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from kleaderboard.errors import SuiteError
from kleaderboard.kinds import CHAT_MODES, Backend, Mode
from kleaderboard.records import RunRecord
from kleaderboard.suites import SUITES_DIR, load_suite_file
from tests.pr_fixtures import RECORD


def test_values_are_the_strings_files_hold() -> None:
    assert [m.value for m in Mode] == ["base", "instruct", "think_on", "think_off"]
    assert [b.value for b in Backend] == ["hf", "vllm", "local-completions"]
    assert Mode.think_on == "think_on" and f"{Backend.local_completions}" == "local-completions"
    assert Mode.base not in CHAT_MODES


def test_a_run_record_reads_and_writes_the_same_strings() -> None:
    record = RunRecord.model_validate({**RECORD, "settings": {**RECORD["settings"], "mode": "think_off"}})
    assert record.settings.backend is Backend(RECORD["settings"]["backend"])
    assert record.settings.mode is Mode.think_off
    dumped = json.loads(json.dumps(record.model_dump(mode="json")))
    assert dumped["settings"]["backend"] == RECORD["settings"]["backend"]
    assert dumped["settings"]["mode"] == "think_off"


def test_a_record_with_an_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="Input should be 'base', 'instruct', 'think_on' or 'think_off'"):
        RunRecord.model_validate({**RECORD, "settings": {**RECORD["settings"], "mode": "chat"}})


def test_a_suite_runs_in_process_only(tmp_path: Path) -> None:
    data = yaml.safe_load((SUITES_DIR / "demo.yaml").read_text(encoding="utf-8"))
    path = tmp_path / "demo.yaml"
    path.write_text(yaml.safe_dump({**data, "backend": "vllm"}), encoding="utf-8")
    assert load_suite_file(path).backend is Backend.vllm
    path.write_text(yaml.safe_dump({**data, "backend": "local-completions"}), encoding="utf-8")
    with pytest.raises(SuiteError, match="backend: Value error, a suite runs on 'hf' or 'vllm'"):
        load_suite_file(path)
