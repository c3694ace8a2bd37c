"""kleaderboard: the public leaderboard for Korea's sovereign AI foundation models.

The library behind the ``kleaderboard`` command and the MkDocs plugin. Importing
it never imports torch or lm-eval; those load only when a command evaluates.
"""

from .errors import (
    EvaluationError,
    GitHubError,
    HubError,
    InputError,
    KleaderboardError,
    LossLogError,
    ManifestError,
    MissingExtraError,
    Problem,
    RunRecordError,
    SiteBuildError,
    SuiteError,
)
from .leaderboard import Leaderboard, build_leaderboard
from .losslog import LossLog, read_loss_log
from .manifest import Manifest, load_manifest, manifest_json_schema, parse_manifest
from .records import RunRecord, read_record, write_record
from .submissions import Submission, load_all, load_submission
from .suites import Suite, available_suites, load_suite
from .validation import Report, validate_paths

__version__ = "0.1.0"

__all__ = [
    "EvaluationError",
    "GitHubError",
    "HubError",
    "InputError",
    "KleaderboardError",
    "Leaderboard",
    "LossLog",
    "LossLogError",
    "Manifest",
    "ManifestError",
    "MissingExtraError",
    "Problem",
    "Report",
    "RunRecord",
    "RunRecordError",
    "SiteBuildError",
    "Submission",
    "Suite",
    "SuiteError",
    "available_suites",
    "build_leaderboard",
    "load_all",
    "load_manifest",
    "load_submission",
    "load_suite",
    "manifest_json_schema",
    "parse_manifest",
    "read_loss_log",
    "read_record",
    "validate_paths",
    "write_record",
]
