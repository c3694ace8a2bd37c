"""Manifest loading: valid examples load, every invalid one fails with its expected text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kleaderboard.errors import ManifestError
from kleaderboard.submission.manifest import Manifest, load_manifest, manifest_json_schema

DATA = Path(__file__).parent / "data" / "manifests"
VALID = sorted((DATA / "valid").glob("*.yaml"))
INVALID = sorted((DATA / "invalid").glob("*.yaml"))
SCHEMA_FILE = Path(__file__).parents[1] / "schema" / "submission.schema.json"


def expected_texts(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.removeprefix("# expect:").strip() for line in lines if line.startswith("# expect:")]


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_manifests_load(path: Path) -> None:
    assert isinstance(load_manifest(path), Manifest)


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_manifest_reports_expected_problem(path: Path) -> None:
    expected = expected_texts(path)
    assert expected, f"{path} needs a '# expect:' line"
    with pytest.raises(ManifestError) as info:
        load_manifest(path)
    text = str(info.value)
    for snippet in expected:
        assert snippet in text
    for problem in info.value.problems:
        assert problem.file == str(path)
        assert "Traceback" not in str(problem)


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    path = tmp_path / "submission.yaml"
    path.write_text(
        "schema_version: 1\nteam: {name: T, contact: c, extra: 1}\nlicence: MIT\n", encoding="utf-8"
    )
    with pytest.raises(ManifestError) as info:
        load_manifest(path)
    fields = [p.field for p in info.value.problems]
    assert {"team.extra", "licence", "license", "model", "originality"} <= set(fields)


def test_non_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "submission.yaml"
    path.write_bytes("team: 한국".encode("euc-kr"))
    with pytest.raises(ManifestError, match="is not valid UTF-8 — save the file as UTF-8"):
        load_manifest(path)


def test_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "submission.yaml"
    path.write_text("a: " + "x" * 300_000, encoding="utf-8")
    with pytest.raises(ManifestError, match="bytes; the limit is 262,144"):
        load_manifest(path)


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "submission.yaml"
    path.write_text("a: " + "[" * 50 + "]" * 50, encoding="utf-8")
    with pytest.raises(ManifestError, match="nesting deeper than 20 levels"):
        load_manifest(path)


def test_committed_json_schema_matches_the_models() -> None:
    committed = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert committed == manifest_json_schema(), (
        "schema/submission.schema.json is stale: run "
        "`kleaderboard schema submission > schema/submission.schema.json`"
    )


def test_duplicate_keys_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "submission.yaml"
    path.write_text("schema_version: 1\nteam:\n  name: A\n  name: B\n", encoding="utf-8")
    with pytest.raises(ManifestError, match="line 4, column 3: duplicate key 'name'"):
        load_manifest(path)


def test_an_unnamed_upstream_can_be_recorded_without_inventing_a_repo(tmp_path: Path) -> None:
    text = (DATA / "valid" / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace("origin: {model: other/base, revision: pending}", "origin: {unnamed: an 8B model}")
    path = tmp_path / "submission.yaml"
    path.write_text(text, encoding="utf-8")
    component = load_manifest(path).originality.components[0]
    assert component.origin.unnamed == "an 8B model"


# --- the modes' rules, pinned ----------------------------------------------------------------


def mode_problems(**changes: object) -> list[str]:
    from kleaderboard.errors import InputError
    from kleaderboard.submission.manifest import parse_manifest
    from tests.pr_fixtures import manifest_data

    try:
        parse_manifest(manifest_data(**changes), Path("s.yaml"))
    except InputError as exc:
        return [str(p) for p in exc.problems]
    return []


THINK_END = (
    "s.yaml: model: mode think_on needs think_end_token — add think_end_token: the string that ends the "
    "reasoning, e.g. </think>"
)
CHAT = (
    "s.yaml: model: instruct and think modes are evaluated through the chat template — set "
    "chat_template: true, or declare only the base mode"
)


@pytest.mark.parametrize(
    ("modes", "chat_template", "think_end_token", "expected"),
    [
        (["think_on"], True, None, [THINK_END]),
        (["base", "think_on"], False, None, [THINK_END]),  # the think-end rule is checked first
        (["base", "instruct"], False, None, [CHAT]),
        (["base", "think_off"], False, None, [CHAT]),
        (["base", "think_on"], False, "</think>", [CHAT]),
        (["base", "instruct", "think_on", "think_off"], True, "</think>", []),
        (["base"], False, None, []),
    ],
)
def test_modes_need_their_chat_template_and_think_end_token(
    modes: list[str], chat_template: bool, think_end_token: str | None, expected: list[str]
) -> None:
    changes = {"model.modes": modes, "model.chat_template": chat_template}
    if think_end_token is not None:
        changes["model.think_end_token"] = think_end_token
    assert mode_problems(**changes) == expected


def test_committed_run_record_schema_matches_the_models() -> None:
    from kleaderboard.records import run_record_json_schema

    committed = json.loads((SCHEMA_FILE.parent / "run-record.schema.json").read_text(encoding="utf-8"))
    assert committed == run_record_json_schema(), (
        "schema/run-record.schema.json is stale: run "
        "`kleaderboard schema run > schema/run-record.schema.json`"
    )


def test_a_known_innovation_tag_needs_no_description() -> None:
    assert mode_problems(**{"originality.innovations": [{"tag": "gqa"}]}) == []


def test_exactly_50_problems_are_all_reported_and_the_51st_is_counted() -> None:
    fifty = mode_problems(**{f"unknown_{n:02}": 1 for n in range(50)})
    assert len(fifty) == 50 and not any("more problems" in p for p in fifty)
    fifty_one = mode_problems(**{f"unknown_{n:02}": 1 for n in range(51)})
    assert len(fifty_one) == 51
    assert fifty_one[-1] == "s.yaml: … and 1 more problems — fix the ones above first"
