"""kleaderboard: the public leaderboard for Korea's sovereign AI foundation models.

The library behind the ``kleaderboard`` command and the MkDocs plugin. Importing
it never imports torch or lm-eval; those load only when a command evaluates.
"""

from kleaderboard.errors import (
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

# The rest of the public API loads on first use (PEP 562): the command line starts
# faster, which is what makes an unchanged re-run cost a fraction of a second.
_LAZY = {
    "Leaderboard": "scoring.leaderboard",
    "build_leaderboard": "scoring.leaderboard",
    "build_leaderboards": "scoring.leaderboard",
    "LossLog": "submission.loss_log",
    "read_loss_log": "submission.loss_log",
    "Manifest": "submission.manifest",
    "load_manifest": "submission.manifest",
    "manifest_json_schema": "submission.manifest",
    "parse_manifest": "submission.manifest",
    "RunRecord": "records",
    "write_record": "records",
    "Submission": "submission.tree",
    "load_all": "submission.tree",
    "load_submission": "submission.tree",
    "read_record": "submission.tree",
    "Suite": "suites",
    "available_suites": "suites",
    "load_suite": "suites",
    "Report": "checks.validate",
    "validate_paths": "checks.validate",
}


def __getattr__(name: str) -> object:
    if name not in _LAZY:
        raise AttributeError(f"module 'kleaderboard' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


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
    "build_leaderboards",
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
