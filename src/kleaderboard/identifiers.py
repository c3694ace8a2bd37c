"""Identifiers that arrive from outside and are checked the same way everywhere.

:data:`CommitSha` (a full 40-hex lowercase commit id: a branch or tag can move) and
:data:`HubRepoId` (a Hugging Face ``owner/name``) are pydantic annotated types; a
value that does not fit fails validation with a message naming the value, and the
fix in the error's context (``ctx["fix"]``), which the manifest's error report
shows. :func:`is_commit_sha` and :func:`is_hub_repo_id` answer the same question for
code that only needs a yes or no (building a link, a GitHub API path).

This module sits at the root of the package, beside ``records.py``, so that every
layer can use it.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

_COMMIT_SHA = re.compile(r"[0-9a-f]{40}")
# The Hub's own rule: letters, digits, '_', '.', '-', at most 96 per part, not starting
# with '.' or '-', and no '..' (which would climb out of a URL path).
_HUB_REPO = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,95}/[A-Za-z0-9][A-Za-z0-9_.-]{0,95}")

# GitHub's rule for a login: letters, digits and single hyphens, at most 39; apps end in [bot].
_GITHUB_LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?")

COMMIT_SHA_FIX = "use the 40-character lowercase hex commit (a branch or tag can move)"
HUB_REPO_FIX = "write it as owner/name, e.g. LGAI-EXAONE/K-EXAONE-236B-A23B"


def is_commit_sha(text: str) -> bool:
    """True when text is a full 40-hex lowercase commit id."""
    return _COMMIT_SHA.fullmatch(text) is not None


def is_hub_repo_id(text: str) -> bool:
    """True when text is a Hugging Face repo id, owner/name."""
    return _HUB_REPO.fullmatch(text) is not None and ".." not in text


def is_github_login(text: str) -> bool:
    """True when text can be a GitHub login (a user's or an app's)."""
    return _GITHUB_LOGIN.fullmatch(text) is not None


def commit_sha_error(value: str, fix: str = COMMIT_SHA_FIX) -> PydanticCustomError:
    """The validation error for a value that is not a full commit id."""
    return PydanticCustomError("kleaderboard", f"{value!r} is not a full commit id", {"fix": fix})


def _check_commit_sha(value: str) -> str:
    if not is_commit_sha(value):
        raise commit_sha_error(value)
    return value


def _check_hub_repo_id(value: str) -> str:
    if not is_hub_repo_id(value):
        raise PydanticCustomError(
            "kleaderboard", f"{value!r} is not a Hugging Face repo id", {"fix": HUB_REPO_FIX}
        )
    return value


def _check_github_login(value: str) -> str:
    if not is_github_login(value):
        raise PydanticCustomError(
            "kleaderboard",
            f"{value!r} is not a GitHub login",
            {"fix": "write the account's name, e.g. octocat"},
        )
    return value


CommitSha = Annotated[str, AfterValidator(_check_commit_sha)]
GitHubLogin = Annotated[str, AfterValidator(_check_github_login)]
HubRepoId = Annotated[str, AfterValidator(_check_hub_repo_id)]

__all__ = [
    "COMMIT_SHA_FIX",
    "HUB_REPO_FIX",
    "CommitSha",
    "GitHubLogin",
    "HubRepoId",
    "commit_sha_error",
    "is_commit_sha",
    "is_github_login",
    "is_hub_repo_id",
]
