"""The shared identifier types: a commit id and a Hugging Face repo id."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from kleaderboard.identifiers import CommitSha, HubRepoId, is_commit_sha, is_hub_repo_id

SHA = "0123456789abcdef0123456789abcdef01234567"


@pytest.mark.parametrize("value", [SHA, "f" * 40])
def test_a_full_commit_id_is_accepted(value: str) -> None:
    assert TypeAdapter(CommitSha).validate_python(value) == value
    assert is_commit_sha(value)


@pytest.mark.parametrize(
    "value", [SHA.upper(), SHA[:7], SHA + "0", "main", "", " " + SHA[1:], SHA[:39] + "g"]
)
def test_anything_else_is_not_a_commit_id(value: str) -> None:
    assert not is_commit_sha(value)
    with pytest.raises(ValidationError) as info:
        TypeAdapter(CommitSha).validate_python(value)
    error = info.value.errors()[0]
    assert error["msg"] == f"{value!r} is not a full commit id"
    assert error["ctx"]["fix"] == "use the 40-character lowercase hex commit (a branch or tag can move)"


@pytest.mark.parametrize("value", ["LGAI-EXAONE/K-EXAONE-236B-A23B", "a/b", "o_1/m.2-x", "a" * 96 + "/b"])
def test_a_hub_repo_id_is_accepted(value: str) -> None:
    assert TypeAdapter(HubRepoId).validate_python(value) == value
    assert is_hub_repo_id(value)


@pytest.mark.parametrize(
    "value",
    [
        "not a repo",
        "https://huggingface.co/o/m",
        "owner",
        "o/m/extra",
        "-o/m",
        "o/.m",
        "o/m..x",
        "a" * 97 + "/b",
        "o/m\n",
        "오/m",
    ],
)
def test_anything_else_is_not_a_hub_repo_id(value: str) -> None:
    assert not is_hub_repo_id(value)
    with pytest.raises(ValidationError) as info:
        TypeAdapter(HubRepoId).validate_python(value)
    error = info.value.errors()[0]
    assert error["msg"] == f"{value!r} is not a Hugging Face repo id"
    assert error["ctx"]["fix"] == "write it as owner/name, e.g. LGAI-EXAONE/K-EXAONE-236B-A23B"
