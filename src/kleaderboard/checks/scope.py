"""Pull-request scope: a submission pull request may change only its own folder.

A team's pull request may add, change or remove only plain files named
``submission.yaml``, ``loss_log.csv`` or ``README.md`` inside exactly one
``submissions/<org>/<model>/`` folder, never anything under ``runs/`` (written
only by the evaluation pipeline), never ``submissions/OWNERS.yaml`` and never
anything else in the repository. Everything here is a pure function of data the
caller passes in (GitHub's file list, the author's login, the owners file and
the submission ids on the base branch): no network, no git.

Paths are refused, before any other check, when they are empty, longer than
:data:`MAX_PATH_CHARS`, or hold control characters, non-ASCII characters
(lookalikes, normalisation tricks), backslashes, ``%`` (URL-encoding), empty
segments, ``.`` or ``..`` segments, or start with ``/``. Messages show paths
with :func:`ascii`, so a newline, a NUL or a Cyrillic ``а`` is visible.

``submissions/OWNERS.yaml`` says who may change what; maintainers edit it
directly on the default branch, never through a submission pull request::

    # GitHub logins, compared case-insensitively.
    maintainers: [alice, bob]          # may change any submission folder
    bots: ["kleaderboard-bot[bot]"]    # may open records pull requests: new runs/*.json only
    submissions:                       # "<org>/<model>": logins that own it
      lgai-exaone/k-exaone-236b-a23b: [lg-bot, someone]
      skt/ax-k1: []                    # no owners recorded: maintainers only

Both keys are optional; an empty file means no maintainers and no owners.

Who may change a folder:

- a folder on the base branch (or recorded in OWNERS.yaml): its owners and the
  maintainers;
- a new folder: its pull request's author claims it (``is_new``); the manifest's
  ``team.github`` must list that author, so the merge itself records the owners
  (:func:`with_manifest_owners` reads them back from the base branch). When the org already exists,
  only owners of one of its models (or a maintainer) may add a model under it,
  and a new org may not differ from an existing one only in case or in its
  ``.``, ``_`` and ``-`` separators.

:func:`check_files_list` runs the check on a saved file list (the command
``kleaderboard check-scope``)::

    gh api --paginate repos/OWNER/REPO/pulls/123/files > files.json   # + "mode" per file
    kleaderboard check-scope --files files.json --author some-login
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from kleaderboard import display
from kleaderboard.errors import InputError, Problem
from kleaderboard.identifiers import is_github_login
from kleaderboard.submission import untrusted
from kleaderboard.submission.manifest import load_manifest
from kleaderboard.submission.tree import (
    ALLOWED_NAMES,
    FILE_DEPTH,
    MANIFEST_NAME,
    OWNERS_NAME,
    RUNS_DIR,
    SIZE_LIMITS,
    SLUG,
    SUBMISSIONS_DIR,
)
from kleaderboard.suggest import perhaps

STATUSES = frozenset({"added", "modified", "removed", "renamed", "copied", "changed", "unchanged"})
MOVED = frozenset({"renamed", "copied"})
REGULAR_FILE = "100644"
MAX_PATH_CHARS = 256  # the longest allowed path is 157 characters
MAX_SHOWN = 120
MAX_FILES_JSON_BYTES = 64 * 1024 * 1024
PULL_REQUEST = "pull request"

_OWNERS_KEYS = ("maintainers", "submissions", "bots")
_SEPARATORS = re.compile(r"[._-]")
_ALLOWED_TEXT = ", ".join(ALLOWED_NAMES)
_FOLDER_FIX = f"keep the change inside one {SUBMISSIONS_DIR}/<org>/<model>/ folder"
_MODES = {
    "120000": ("a symbolic link", "commit the file's contents instead of a link"),
    "160000": ("a submodule (gitlink)", "remove the submodule and commit plain files"),
    "100755": ("an executable file", "clear the executable bit: git update-index --chmod=-x <file>"),
    "040000": ("a directory", "commit plain files only"),
}


@dataclass(frozen=True)
class ChangedFile:
    """One entry of GitHub's "List pull request files", with the git mode at the head."""

    path: str
    status: str
    previous_path: str | None = None
    mode: str | None = None
    size: int | None = None


@dataclass(frozen=True)
class Owners:
    """Who may change what: maintainers anywhere, owners their own submission folders."""

    maintainers: frozenset[str]
    by_submission: Mapping[str, frozenset[str]]
    bots: frozenset[str] = frozenset()  # accounts that may open records pull requests (runs/ only)


@dataclass(frozen=True)
class ScopeResult:
    """The verdict on a pull request: no problems means it may go on to validation."""

    submission: str | None
    is_new: bool
    problems: tuple[Problem, ...]


# --- showing attacker-controlled text --------------------------------------------------


def _show(text: str) -> str:
    """ascii() of a value (control and non-ASCII characters escaped), cut to a readable length."""
    shown = ascii(text)
    if len(shown) > MAX_SHOWN:
        return f"{shown[:MAX_SHOWN]}… ({display.number(len(text))} characters)"
    return shown


def _where(path: str) -> str:
    """A path fit for Problem.file: itself when short printable ASCII, else escaped."""
    if path and len(path) <= MAX_SHOWN and path.isascii() and path.isprintable() and path == path.strip():
        return path
    return _show(path)


def _lower(logins: Iterable[str]) -> frozenset[str]:
    return frozenset(login.lower() for login in logins)


# --- one path ----------------------------------------------------------------------------


def _non_ascii_message(path: str) -> str:
    message = "contains non-ASCII characters (lookalikes are not accepted)"
    normalised = unicodedata.normalize("NFKC", path)
    if normalised != path:
        message += f"; Unicode normalisation (NFKC) turns it into {_show(normalised)}"
    return message


def _character_problems(path: str, field: str, where: str) -> list[Problem]:
    plain_fix = "name files and folders with a-z, 0-9, '.', '_' and '-' only"
    checks = (
        (not path, "is empty", "give the file's path"),
        (
            len(path) > MAX_PATH_CHARS,
            f"is {display.number(len(path))} characters long; the limit is {MAX_PATH_CHARS}",
            f"use {SUBMISSIONS_DIR}/<org>/<model>/<file> with short names",
        ),
        (
            any(unicodedata.category(c) == "Cc" for c in path),
            "contains control characters (newline, tab, NUL …)",
            plain_fix,
        ),
        (not path.isascii(), _non_ascii_message(path), plain_fix),
        ("\\" in path, "contains a backslash", "separate folders with '/'"),
        ("%" in path, "contains '%' (URL-encoded characters are not accepted)", plain_fix),
    )
    return [Problem(where, field, f"{_show(path)} {what}", fix) for bad, what, fix in checks if bad]


def _segment_problems(path: str, field: str, where: str) -> list[Problem]:
    segments = path.split("/")
    checks = (
        (path.startswith("/"), "is absolute", "give the path relative to the repository root"),
        ("" in segments[1:-1] or path.endswith("/"), "has an empty segment ('//' or a trailing '/')", ""),
        ("." in segments or ".." in segments, "has a '.' or '..' segment", ""),
    )
    return [
        Problem(where, field, f"{_show(path)} {what}", fix or _FOLDER_FIX) for bad, what, fix in checks if bad
    ]


def _shape_problems(path: str, field: str, where: str) -> list[Problem]:
    """Character and segment problems: a path with any of them is not looked at further."""
    if path == "":
        return _character_problems(path, field, where)
    return _character_problems(path, field, where) or _segment_problems(path, field, where)


def _outside_problem(path: str, field: str, where: str) -> Problem:
    top = path.split("/")[0]
    if top.casefold() == SUBMISSIONS_DIR:
        what = f"differs in case from {SUBMISSIONS_DIR}/"
    elif top.casefold() == ".github":
        what = "changes the repository's GitHub workflows or settings"
    else:
        what = f"is outside {SUBMISSIONS_DIR}/"
    return Problem(
        where,
        field,
        f"{_show(path)} {what}; a submission pull request may change only its own folder",
        f"drop this change; {_FOLDER_FIX} (maintainers change the rest of the repository)",
    )


def _case_hint(folder: str, known_folders: Iterable[str]) -> str:
    same = sorted(k for k in known_folders if k.lower() == folder.lower())
    return f"; it differs only in case from the existing folder {_show(same[0])}" if same else ""


def _slug_problems(org: str, model: str, field: str, where: str, known: set[str]) -> list[Problem]:
    problems = []
    for segment, what in ((org, "org"), (model, "model")):
        if not SLUG.fullmatch(segment):
            if what == "org":
                hint = _case_hint(org, {k.split("/")[0] for k in known})
            else:
                hint = _case_hint(f"{org}/{model}", known)
            problems.append(
                Problem(
                    where,
                    field,
                    f"folder name {_show(segment)} ({what}) is not a lowercase slug{hint}",
                    "use lowercase a-z, 0-9, '.', '_' and '-' (at most 64), starting with a letter or digit",
                )
            )
    return problems


def _name_problems(name: str, field: str, where: str) -> list[Problem]:
    if name in ALLOWED_NAMES:
        return []
    same = [allowed for allowed in ALLOWED_NAMES if allowed.casefold() == name.casefold()]
    if same:
        return [
            Problem(
                where,
                field,
                f"file name {_show(name)} differs in case from {same[0]}",
                f"rename it {same[0]}",
            )
        ]
    return [
        Problem(
            where,
            field,
            f"file name {_show(name)} is not one a submission may contain (only {_ALLOWED_TEXT})",
            "remove the file from the pull request",
        )
    ]


def _placement_problems(path: str, field: str, where: str, known: set[str]) -> list[Problem]:
    segments = path.split("/")
    if segments[0] != SUBMISSIONS_DIR:
        return [_outside_problem(path, field, where)]
    if len(segments) == 2 and segments[1].casefold() == OWNERS_NAME.casefold():
        return [
            Problem(
                where,
                field,
                f"{_show(path)} is changed by maintainers only, never in a submission pull request",
                "drop this change; a maintainer records owners when merging",
            )
        ]
    if any(segment.casefold() == RUNS_DIR for segment in segments[1:]):
        return [
            Problem(
                where,
                field,
                f"{_show(path)} is under {RUNS_DIR}/, which only the evaluation pipeline writes",
                "drop this change; run records are written by the pipeline after merge",
            )
        ]
    if len(segments) < FILE_DEPTH:
        return [
            Problem(
                where,
                field,
                f"{_show(path)} is not inside a {SUBMISSIONS_DIR}/<org>/<model>/ folder",
                _FOLDER_FIX,
            )
        ]
    problems = _slug_problems(segments[1], segments[2], field, where, known)
    if len(segments) > FILE_DEPTH:
        problems.append(
            Problem(
                where,
                field,
                f"{_show(path)} is in a subfolder",
                f"put only {_ALLOWED_TEXT} in the folder itself",
            )
        )
    else:
        problems.extend(_name_problems(segments[3], field, where))
    return problems


def _path_problems(path: str, field: str, where: str, known: set[str]) -> list[Problem]:
    return _shape_problems(path, field, where) or _placement_problems(path, field, where, known)


def _folder_of(path: str) -> str | None:
    """'<org>/<model>' of a well-formed path inside a submission folder, else None."""
    segments = path.split("/")
    if len(segments) < FILE_DEPTH or segments[0] != SUBMISSIONS_DIR or _shape_problems(path, "", ""):
        return None
    org, model = segments[1], segments[2]
    if not (SLUG.fullmatch(org) and SLUG.fullmatch(model)) or RUNS_DIR in (org, model):
        return None
    return f"{org}/{model}"


# --- one changed file --------------------------------------------------------------------


def _status_problems(change: ChangedFile, where: str) -> list[Problem]:
    if change.status in STATUSES:
        return []
    return [
        Problem(
            where,
            "status",
            f"unknown status {_show(change.status)}",
            f"pass GitHub's status: one of {', '.join(sorted(STATUSES))}",
        )
    ]


def _mode_problems(change: ChangedFile, where: str) -> list[Problem]:
    if change.status == "removed" or change.mode == REGULAR_FILE:
        return []
    if change.mode is None:
        return [
            Problem(
                where,
                "mode",
                "is unknown, so it may be a symbolic link or a submodule",
                "the workflow must add each file's mode from the git trees API at the head commit",
            )
        ]
    what, fix = _MODES.get(change.mode, (f"of mode {_show(change.mode)}", "commit a plain file"))
    return [Problem(where, "mode", f"is {what}; only regular files (mode {REGULAR_FILE}) are accepted", fix)]


def _size_problems(change: ChangedFile, where: str) -> list[Problem]:
    limit = SIZE_LIMITS.get(change.path.rsplit("/", 1)[-1])
    if change.status == "removed" or change.size is None or limit is None or change.size <= limit:
        return []
    return [
        Problem(
            where,
            "size",
            f"is {display.number(change.size)} bytes; the limit is {display.number(limit)}",
            "keep the file small",
        )
    ]


def _previous_problems(change: ChangedFile, where: str, known: set[str]) -> list[Problem]:
    previous = change.previous_path
    if previous is None:
        if change.status not in MOVED:
            return []
        return [
            Problem(
                where,
                "previous_path",
                f"is missing for a {change.status} file",
                "pass GitHub's previous_filename",
            )
        ]
    problems = _path_problems(previous, "previous_path", where, known)
    before, after = _folder_of(previous), _folder_of(change.path)
    if before and after and before != after:
        problems.append(
            Problem(
                where,
                "previous_path",
                f"{_show(previous)} is in another submission folder ({before}); "
                f"files may be {change.status} only within one folder",
                "add the file as new content instead of renaming or copying it from another folder",
            )
        )
    return problems


def _file_problems(change: ChangedFile, known: set[str]) -> list[Problem]:
    where = _where(change.path)
    return [
        *_status_problems(change, where),
        *_path_problems(change.path, "path", where, known),
        *_previous_problems(change, where, known),
        *_mode_problems(change, where),
        *_size_problems(change, where),
    ]


# --- the pull request as a whole ------------------------------------------------------------


def _touched(changes: list[ChangedFile]) -> set[str]:
    paths = [c.path for c in changes] + [c.previous_path for c in changes if c.previous_path is not None]
    return {folder for folder in map(_folder_of, paths) if folder is not None}


def _pr_problems(changes: list[ChangedFile], touched: set[str]) -> list[Problem]:
    if not changes:
        return [Problem(PULL_REQUEST, "files", "changes no files", "add your submission folder's files")]
    if len(touched) > 1:
        listed = ", ".join(f"{SUBMISSIONS_DIR}/{sid}/" for sid in sorted(touched))
        return [
            Problem(
                PULL_REQUEST,
                "path",
                f"touches {len(touched)} submission folders ({listed}); one pull request may touch one",
                "open one pull request per submission",
            )
        ]
    return []


def _collision_problems(sid: str, known: set[str]) -> list[Problem]:
    if sid in known:
        return []
    same = sorted(k for k in known if k.lower() == sid.lower())
    if not same:
        return []
    return [
        Problem(
            f"{SUBMISSIONS_DIR}/{sid}/",
            "path",
            f"differs only in case from the existing folder {_show(same[0])}",
            f"change the existing folder {SUBMISSIONS_DIR}/{same[0]}/ instead",
        )
    ]


def _owner_problem(sid: str, author: str, owners: frozenset[str]) -> Problem:
    listed = ", ".join(sorted(owners)) if owners else "none recorded, so only maintainers"
    return Problem(
        f"{SUBMISSIONS_DIR}/{sid}/",
        "author",
        f"{_show(author)} may not change this folder (owners: {listed})",
        f"ask an owner or a maintainer to open the pull request, or a maintainer to add you "
        f"to {SUBMISSIONS_DIR}/{OWNERS_NAME}",
    )


def _org_problem(sid: str, author: str, org_owners: frozenset[str]) -> Problem:
    org = sid.split("/")[0]
    listed = ", ".join(sorted(org_owners)) if org_owners else "none recorded, so only maintainers"
    return Problem(
        f"{SUBMISSIONS_DIR}/{sid}/",
        "author",
        f"{_show(author)} may not add a model under the existing org {org!r} "
        f"(owners of its models: {listed})",
        "ask one of them or a maintainer to open the pull request, or use your own org folder",
    )


def _claim_problems(sid: str, author: str, owners: Owners, known: set[str]) -> list[Problem]:
    """Problems with a new folder's claim: an existing org is its owners' namespace."""
    org = sid.split("/")[0]
    org_ids = [k for k in known if k.split("/")[0] == org]
    if org_ids:
        org_owners = frozenset().union(*(_lower(owners.by_submission.get(k, ())) for k in org_ids))
        return [] if author.lower() in org_owners else [_org_problem(sid, author, org_owners)]
    folded = _SEPARATORS.sub("", org)
    alike = sorted({k.split("/")[0] for k in known if _SEPARATORS.sub("", k.split("/")[0].lower()) == folded})
    if not alike:
        return []
    return [
        Problem(
            f"{SUBMISSIONS_DIR}/{sid}/",
            "path",
            f"org {_show(org)} differs only in case or in '.', '_' and '-' "
            f"from the existing org {_show(alike[0])}",
            f"if you are that team, use {SUBMISSIONS_DIR}/{alike[0]}/; otherwise choose a distinct name",
        )
    ]


def _author_problems(author: str, sid: str, owners: Owners, known: set[str]) -> list[Problem]:
    login = author.lower()
    if login in _lower(owners.maintainers):
        return []
    if sid in known:
        allowed = _lower(owners.by_submission.get(sid, ()))
        return [] if login in allowed else [_owner_problem(sid, author, allowed)]
    return _claim_problems(sid, author, owners, known)


def _login_problems(author: str) -> list[Problem]:
    if is_github_login(author):
        return []
    return [
        Problem(PULL_REQUEST, "author", f"{_show(author)} is not a GitHub login", "pass the author's login")
    ]


def _manifest_problems(sid: str, changes: list[ChangedFile]) -> list[Problem]:
    manifest = f"{SUBMISSIONS_DIR}/{sid}/{MANIFEST_NAME}"
    if any(c.path == manifest and c.status != "removed" for c in changes):
        return []
    return [
        Problem(
            f"{SUBMISSIONS_DIR}/{sid}/",
            "path",
            f"a new submission folder must contain {MANIFEST_NAME}",
            f"add {manifest}",
        )
    ]


def check_pr(changes: list[ChangedFile], author: str, owners: Owners, existing: set[str]) -> ScopeResult:
    """Every reason the pull request may not go on; none means it stays in one folder it may change.

    ``existing`` holds the submission ids on the base branch; ids recorded in
    ``owners`` count as existing too, so a claimed folder is never claimed again.
    """
    known = set(existing) | set(owners.by_submission)
    touched = _touched(changes)
    problems = [*_pr_problems(changes, touched), *_login_problems(author)]
    for change in changes:
        problems.extend(_file_problems(change, known))
    for sid in sorted(touched):
        problems.extend(_collision_problems(sid, known) or _author_problems(author, sid, owners, known))
    submission = next(iter(touched)) if len(touched) == 1 else None
    lowered = {k.lower() for k in known}
    is_new = submission is not None and submission.lower() not in lowered
    if is_new and submission is not None:
        problems.extend(_manifest_problems(submission, changes))
    return ScopeResult(submission, is_new, tuple(dict.fromkeys(problems)))


# --- reading the inputs ---------------------------------------------------------------


def _field(
    item: Mapping[str, Any], key: str, kind: type, where: str, source: str
) -> tuple[Any, list[Problem]]:
    value = item.get(key)
    if value is None or (isinstance(value, kind) and not isinstance(value, bool)):
        return value, []
    expected = "an integer" if kind is int else "a string"
    return None, [Problem(source, f"{where}.{key}", f"must be {expected}, not {type(value).__name__}", "")]


def _parse_item(item: Any, where: str, source: str) -> tuple[ChangedFile | None, list[Problem]]:
    if not isinstance(item, dict):
        return None, [Problem(source, where, "must be a file object", "pass GitHub's file objects unchanged")]
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    keys = (("filename", str), ("status", str), ("previous_filename", str), ("mode", str), ("size", int))
    for key, kind in keys:
        values[key], found = _field(item, key, kind, where, source)
        problems.extend(found)
    for key in ("filename", "status"):
        if item.get(key) is None:
            problems.append(
                Problem(source, f"{where}.{key}", "is missing", "pass GitHub's file objects unchanged")
            )
    if problems:
        return None, problems
    change = ChangedFile(
        values["filename"], values["status"], values["previous_filename"], values["mode"], values["size"]
    )
    return change, []


def parse_changed_files(data: Any, source: str) -> list[ChangedFile]:
    """GitHub's "List pull request files" answer (a JSON list), each object optionally with ``mode``.

    Unknown keys (``sha``, ``patch`` …) are ignored; a malformed entry is an
    InputError naming ``source`` and the entry, every entry reported at once.
    """
    if not isinstance(data, list):
        raise InputError.single(
            source,
            "",
            "must be a JSON list of file objects",
            "save GitHub's 'List pull request files' answer",
        )
    changes: list[ChangedFile] = []
    problems: list[Problem] = []
    for index, item in enumerate(data):
        change, found = _parse_item(item, f"[{index}]", source)
        problems.extend(found)
        if change is not None:
            changes.append(change)
    if problems:
        raise InputError(problems)
    return changes


def _logins(value: Any, field: str, source: str) -> tuple[frozenset[str], list[Problem]]:
    if value is None:
        return frozenset(), []
    if not isinstance(value, list):
        return frozenset(), [
            Problem(source, field, "must be a list of GitHub logins", f"write {field}: [login, …]")
        ]
    problems = [
        Problem(
            source,
            f"{field}[{i}]",
            f"{_show(str(login))} is not a GitHub login",
            "write the login as a quoted string, e.g. 'yes' or '1234'" if not isinstance(login, str) else "",
        )
        for i, login in enumerate(value)
        if not (isinstance(login, str) and is_github_login(login))
    ]
    return _lower(login for login in value if isinstance(login, str)), problems


def _owner_map(value: Any, source: str) -> tuple[dict[str, frozenset[str]], list[Problem]]:
    if value is None:
        return {}, []
    if not isinstance(value, dict):
        return {}, [Problem(source, "submissions", "must be a mapping of '<org>/<model>' to logins", "")]
    owners: dict[str, frozenset[str]] = {}
    problems: list[Problem] = []
    for key, logins in value.items():
        parts = str(key).split("/")
        if len(parts) != 2 or not all(SLUG.fullmatch(part) for part in parts):
            problems.append(
                Problem(
                    source,
                    f"submissions.{_show(str(key))}",
                    "is not a submission id",
                    "write '<org>/<model>' with the lowercase folder names",
                )
            )
            continue
        owners[key], found = _logins(logins, f"submissions.{key}", source)
        problems.extend(found)
    return owners, problems


def _unknown_key_problems(data: Mapping[Any, Any], source: str) -> list[Problem]:
    problems = []
    for key in data:
        if key not in _OWNERS_KEYS:
            fix = perhaps(str(key), _OWNERS_KEYS) or f"use only {', '.join(_OWNERS_KEYS)}"
            problems.append(Problem(source, _show(str(key)), "unknown key", fix))
    return problems


def load_owners(path: Path) -> Owners:
    """Read submissions/OWNERS.yaml (format in the module docstring); logins are lowercased."""
    data = untrusted.load(path)
    source = str(path)
    if data is None:
        return Owners(frozenset(), MappingProxyType({}))
    if not isinstance(data, dict):
        raise InputError.single(
            source,
            "",
            "must be a mapping with the keys maintainers and submissions",
            "see kleaderboard.checks.scope",
        )
    maintainers, problems = _logins(data.get("maintainers"), "maintainers", source)
    bots, bot_problems = _logins(data.get("bots"), "bots", source)
    by_submission, found = _owner_map(data.get("submissions"), source)
    problems = _unknown_key_problems(data, source) + problems + bot_problems + found
    if problems:
        raise InputError(problems)
    return Owners(maintainers, MappingProxyType(by_submission), bots)


def with_manifest_owners(owners: Owners, submissions_dir: Path) -> Owners:
    """OWNERS.yaml's owners plus the ``team.github`` accounts of each manifest on the base branch.

    A merged manifest is trusted data (a maintainer reviewed it), so the merge of a team's
    first pull request is what records its owners. A manifest that does not load adds no one:
    its folder stays with OWNERS.yaml and the maintainers.
    """
    merged = {sid: set(logins) for sid, logins in owners.by_submission.items()}
    for path in sorted(submissions_dir.glob(f"*/*/{MANIFEST_NAME}")):
        sid = f"{path.parent.parent.name}/{path.parent.name}"
        try:
            github = load_manifest(path).team.github
        except InputError:
            continue
        if github:
            merged.setdefault(sid, set()).update(login.lower() for login in github)
    return Owners(
        owners.maintainers, MappingProxyType({k: frozenset(v) for k, v in merged.items()}), owners.bots
    )


def _read_changed_files(path: Path) -> list[ChangedFile]:
    return parse_changed_files(untrusted.load_json(path, MAX_FILES_JSON_BYTES), str(path))


def _existing_submissions(root: Path) -> set[str]:
    """'<org>/<model>' of every folder two levels under root (the base branch's submissions/)."""
    if not root.is_dir():
        raise InputError.single(
            root,
            "",
            "is not a folder",
            "pass --submissions-dir with the base branch's submissions/ folder "
            "(a wrong folder would make every submission look new)",
        )
    return {
        f"{org.name}/{model.name}"
        for org in root.iterdir()
        if org.is_dir()
        for model in org.iterdir()
        if model.is_dir()
    }


# --- the check of a saved file list ----------------------------------------------------------


def check_files_list(files: Path, author: str, owners: Path, submissions_dir: Path) -> ScopeResult:
    """:func:`check_pr` on a saved 'List pull request files' answer and the base branch's folders."""
    changes = _read_changed_files(files)
    known = with_manifest_owners(load_owners(owners), submissions_dir)
    return check_pr(changes, author, known, _existing_submissions(submissions_dir))


def verdict(result: ScopeResult, author: str) -> str:
    """One line: refused with the number of problems, or allowed with the folder."""
    if result.problems:
        return f"refused: {len(result.problems)} problem(s)"
    folder = f"{SUBMISSIONS_DIR}/{result.submission}/"
    if result.is_new:
        return f"allowed: {folder} (new folder, claimed by {_show(author)})"
    return f"allowed: {folder}"


__all__ = [
    "ChangedFile",
    "Owners",
    "ScopeResult",
    "check_files_list",
    "check_pr",
    "load_owners",
    "parse_changed_files",
    "verdict",
    "with_manifest_owners",
]
