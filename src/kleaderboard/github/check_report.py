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

# GitHub commit statuses have no "neutral": the scope of a pull request gets its own status, so
# that code pull requests stay mergeable while kleaderboard/check is green for checked submissions only.
SCOPE_CONTEXT = "kleaderboard/scope"
NOT_A_SUBMISSION = "no submission files changed: not a submission, nothing checked"


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
    records: tuple[str, ...] = ()  # a records pull request: the run (and provenance) records it adds

    @property
    def ok(self) -> bool:
        """True only when every check ran to the end and none refuses: a Hub that could not be
        asked fails closed (the check is repeated later), it never lets a submission through."""
        return not self.problems and self.hub_error is None

    @property
    def state(self) -> str:
        """The kleaderboard/check status: success only for a submission that every check passed.

        A pull request with nothing under submissions/ was not checked, so it never earns a
        green submission check: it gets "error" here and its verdict under SCOPE_CONTEXT.
        """
        if self.problems:
            return "failure"
        if self.hub_error or not self.touches_submissions:
            return "error"
        return "success"

    @property
    def scope_state(self) -> str:
        """The kleaderboard/scope status, the one branch protection requires (site_src/maintainers.md).

        A code or docs pull request passes it (ci and the maintainers' review judge those);
        a submission pull request passes it only when its submission check passes.
        """
        if self.problems:
            return "failure"
        return self.state if self.touches_submissions else "success"

    @property
    def summary(self) -> str:
        """One line for the commit status and the log."""
        if self.records:
            verdict = f"{len(self.problems)} problem(s)" if self.problems else "ok"
            evidence = sum("/provenance/" in path for path in self.records)
            counts = f"{len(self.records) - evidence} run record(s)"
            counts += f", {evidence} provenance record(s)" if evidence else ""
            return f"records pull request, {counts}: {verdict}"
        if self.problems:
            return f"{len(self.problems)} problem(s) in {self.submission or 'the pull request'}"
        if not self.touches_submissions:
            return NOT_A_SUBMISSION
        if self.hub_error:
            return f"{self.submission}: the Hugging Face Hub could not be checked"
        return f"{self.submission}: ok"


__all__ = ["NOT_A_SUBMISSION", "SCOPE_CONTEXT", "CheckReport"]
