"""Every exception kleaderboard raises on purpose, and the exit code of each.

The tree::

    KleaderboardError                 anything we raise on purpose (exit 1)
    ├── InputError                    a user's file or argument is wrong (exit 1)
    │   ├── ManifestError             submission.yaml does not load or validate
    │   ├── LossLogError              loss_log.csv does not parse or fails a check
    │   ├── SuiteError                a suite definition is unknown or malformed
    │   ├── RunRecordError            a runs/*.json file does not load or validate
    │   └── ProvenanceError           weights, a fingerprint or a provenance record is unreadable
    ├── EvaluationError               lm-eval could not evaluate the model (exit 3)
    │   └── SandboxUnavailableError   generated code would run unconfined: refused
    ├── GitHubError                   the GitHub API could not be reached or refused a call (exit 7)
    ├── HubError                      the Hugging Face Hub could not be reached or answered oddly (exit 6)
    ├── MissingExtraError             an optional dependency is not installed (exit 4)
    └── SiteBuildError                the site could not be generated (exit 5)

Errors about files carry a list of :class:`Problem`, one per mistake, so that a
command can report every mistake in every file before it exits.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Self


@dataclass(frozen=True)
class Problem:
    """One mistake in one file: where it is, what is wrong, how to fix it."""

    file: str
    field: str
    message: str
    fix: str = ""

    def __str__(self) -> str:
        location = f"{self.file}: {self.field}" if self.field else self.file
        text = f"{location}: {self.message}"
        return f"{text} — {self.fix}" if self.fix else text


class KleaderboardError(Exception):
    """Base class of every error kleaderboard raises on purpose."""

    exit_code = 1


class InputError(KleaderboardError):
    """A file or argument given by a user is wrong; carries one Problem per mistake."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def single(cls, file: str | Path, field: str, message: str, fix: str = "") -> Self:
        """Build the error for a single problem."""
        return cls([Problem(str(file), field, message, fix)])


class ManifestError(InputError):
    """Raised when a submission.yaml cannot be read, parsed or validated."""


class LossLogError(InputError):
    """Raised when a loss_log.csv cannot be parsed or fails a plausibility check."""


class SuiteError(InputError):
    """Raised when a suite name is unknown or a suite definition is malformed."""


class RunRecordError(InputError):
    """Raised when a run record under runs/ cannot be read or validated."""


class ProvenanceError(InputError):
    """Raised when safetensors, a fingerprint, the registry or a provenance record cannot be read."""


class EvaluationError(KleaderboardError):
    """Raised when lm-eval cannot evaluate a model: load failure, out of memory, bad task."""

    exit_code = 3


class SandboxUnavailableError(EvaluationError):
    """Raised instead of running a model's generated code where the sandbox cannot be made."""


class GitHubError(KleaderboardError):
    """Raised when the GitHub REST API cannot be reached, refuses a call, or answers unreadably.

    What a pull request contains (files out of scope, a bad manifest) is never a
    GitHubError: those are problems with the submission, reported as Problems.
    """

    exit_code = 7


class HubError(KleaderboardError):
    """Raised when the Hugging Face Hub cannot be reached, times out, or answers in a way we cannot read.

    What the Hub says about a submission (repo not found, gated, pickle weights …)
    is not a HubError: those are problems with the submission, reported as Problems.
    """

    exit_code = 6


class MissingExtraError(KleaderboardError):
    """Raised when a command needs an optional dependency group that is not installed."""

    exit_code = 4

    def __init__(self, extra: str, module: str) -> None:
        self.extra = extra
        self.module = module
        super().__init__(
            f"this command needs the '{extra}' extra ({module} is not installed) — "
            f"run: pip install -e '.[{extra}]' (on a CPU machine: pip install torch==2.13.0 first)"
        )


class SiteBuildError(KleaderboardError):
    """Raised when the leaderboard pages cannot be generated from the repository."""

    exit_code = 5


def brief(exc: BaseException) -> str:
    """One line for an exception a library raised: its class and first line, without long hints."""
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0]}" if text else type(exc).__name__


__all__ = [
    "EvaluationError",
    "GitHubError",
    "HubError",
    "InputError",
    "KleaderboardError",
    "LossLogError",
    "ManifestError",
    "MissingExtraError",
    "Problem",
    "ProvenanceError",
    "RunRecordError",
    "SandboxUnavailableError",
    "SiteBuildError",
    "SuiteError",
    "brief",
]
