"""What the submission check found about one pull request: the data both the check and its comment use.

It sits below :mod:`kleaderboard.github.pull_check` (which produces it) and
:mod:`kleaderboard.github.comments` (which renders it), so that the renderer never
imports the check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kleaderboard.checks.hub import HubReport
from kleaderboard.errors import Problem
from kleaderboard.submission.manifest import Manifest


@dataclass(frozen=True)
class CheckReport:
    """Everything the check found about one pull request at one head commit."""

    number: int
    sha: str
    author: str
    touches_submissions: bool
    submission: str | None = None
    is_new: bool = False
    problems: tuple[Problem, ...] = ()
    manifest: Manifest | None = None
    manifest_sha256: str | None = None
    hub: HubReport | None = None
    hub_error: str | None = None
    staged: Path | None = field(default=None, compare=False)

    @property
    def ok(self) -> bool:
        """True when nothing refuses the pull request (a Hub outage refuses nothing yet)."""
        return not self.problems

    @property
    def state(self) -> str:
        """The commit status: failure for problems, error when the Hub could not be asked."""
        if self.problems:
            return "failure"
        return "error" if self.hub_error else "success"

    @property
    def summary(self) -> str:
        """One line for the commit status and the log."""
        if not self.touches_submissions:
            return "no submission files changed: nothing to check"
        if self.problems:
            return f"{len(self.problems)} problem(s) in {self.submission or 'the pull request'}"
        if self.hub_error:
            return f"{self.submission}: the Hugging Face Hub could not be checked"
        return f"{self.submission}: ok"


__all__ = ["CheckReport"]
