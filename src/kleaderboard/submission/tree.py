"""The submissions/ tree: where each submission, its loss log and its runs live.

Layout::

    submissions/OWNERS.yaml                     who may change what (maintainers only)
    submissions/<org>/<model>/submission.yaml   written by the team
    submissions/<org>/<model>/loss_log.csv      written by the team (optional)
    submissions/<org>/<model>/README.md         written by the team (optional)
    submissions/<org>/<model>/runs/<id>.json    written only by the pipeline

The names and size limits here are what the pull-request scope check
(:mod:`kleaderboard.checks.scope`) allows; every file is read through
:mod:`kleaderboard.submission.untrusted`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from kleaderboard.errors import InputError, ManifestError, Problem, RunRecordError
from kleaderboard.records import RunRecord
from kleaderboard.submission import loss_log, untrusted
from kleaderboard.submission.manifest import Manifest, manifest_from_bytes

SUBMISSIONS_DIR = "submissions"
OWNERS_NAME = "OWNERS.yaml"
MANIFEST_NAME = "submission.yaml"
LOSS_LOG_NAME = "loss_log.csv"
README_NAME = "README.md"
RUNS_DIR = "runs"
ALLOWED_NAMES = (MANIFEST_NAME, LOSS_LOG_NAME, README_NAME)  # all a team may put in its folder
SIZE_LIMITS = {MANIFEST_NAME: untrusted.MAX_BYTES, LOSS_LOG_NAME: loss_log.MAX_BYTES, README_NAME: 256 * 1024}
MAX_RECORD_BYTES = 2 * 1024 * 1024
FILE_DEPTH = 4  # submissions/<org>/<model>/<file>
SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class Submission:
    """One loaded submission folder."""

    id: str
    folder: Path
    manifest: Manifest
    manifest_sha256: str

    @property
    def org(self) -> str:
        return self.id.split("/")[0]

    @property
    def slug(self) -> str:
        return self.id.split("/")[1]

    @property
    def runs_dir(self) -> Path:
        return self.folder / RUNS_DIR

    def path(self, relative: str) -> Path:
        """A path that the manifest gives relative to the submission folder."""
        return self.folder / relative


def submission_id(manifest_path: Path) -> str:
    """'<org>/<model>' from .../<org>/<model>/submission.yaml."""
    return f"{manifest_path.parent.parent.name}/{manifest_path.parent.name}"


def check_layout(manifest_path: Path) -> list[Problem]:
    """Problems with where a manifest sits (folder names must be lowercase slugs)."""
    problems = []
    if manifest_path.name != MANIFEST_NAME:
        problems.append(Problem(str(manifest_path), "", f"must be named {MANIFEST_NAME}", "rename the file"))
    for part, what in ((manifest_path.parent.parent.name, "org"), (manifest_path.parent.name, "model")):
        if not SLUG.fullmatch(part):
            problems.append(
                Problem(
                    str(manifest_path),
                    "",
                    f"folder name {part!r} ({what}) is not a lowercase slug",
                    "use submissions/<org>/<model>/ with a-z, 0-9, '.', '_' and '-'",
                )
            )
    return problems


def load_submission(manifest_path: Path) -> Submission:
    """Load one submission from its manifest path."""
    problems = check_layout(manifest_path)
    if problems:
        raise InputError(problems)
    data = untrusted.read_bytes(manifest_path, error=ManifestError)  # read once: parsed and hashed
    manifest = manifest_from_bytes(data, manifest_path)
    digest = hashlib.sha256(data).hexdigest()
    return Submission(submission_id(manifest_path), manifest_path.parent, manifest, digest)


def find_manifests(root: Path) -> list[Path]:
    """Every submission.yaml under root (a submissions/ folder), sorted."""
    return sorted(root.glob(f"*/*/{MANIFEST_NAME}"))


def load_all(root: Path) -> tuple[list[Submission], list[Problem]]:
    """Load every submission under root; return those that loaded and every problem found."""
    loaded: list[Submission] = []
    problems: list[Problem] = []
    for path in find_manifests(root):
        try:
            loaded.append(load_submission(path))
        except InputError as exc:
            problems.extend(exc.problems)
    return loaded, problems


def load_runs(submission: Submission) -> list[RunRecord]:
    """Every run record of a submission, oldest first (run ids start with a UTC timestamp)."""
    if not submission.runs_dir.is_dir():
        return []
    return [read_record(p) for p in sorted(submission.runs_dir.glob("*.json"))]


def read_record(path: Path) -> RunRecord:
    """Load and validate one run record (at most MAX_RECORD_BYTES); RunRecordError otherwise."""
    # Not strict: lm-eval can report a NaN standard error, which a local run writes as is.
    # Records from a pull request's run passed the strict check in github/record_intake.
    data = untrusted.load_json(path, MAX_RECORD_BYTES, RunRecordError, strict=False)
    try:
        return RunRecord.model_validate(data)
    except ValidationError as exc:
        raise RunRecordError(
            [
                Problem(str(path), ".".join(str(p) for p in e["loc"]), e["msg"], "re-run the evaluation")
                for e in exc.errors()
            ]
        ) from None
