"""``kleaderboard precheck``: the bot's submission check, run by a team in its own clone.

The same function the pull-request check runs
(:func:`kleaderboard.github.pull_check.check_submission_changes`: scope, manifest, loss
log, lineage, Hub) on what git says the pull request will hold, with no hand-made file:

* **the changed files** are ``git diff --name-status`` from the merge base with the
  upstream base branch to ``HEAD`` (committed work only: a pull request holds commits),
  with the git mode and size of each at ``HEAD`` from ``git ls-tree``;
* **the base branch's side** — the existing submissions, ``OWNERS.yaml`` and the merged
  manifests that record owners, the earlier versions a lineage names — is read from the
  base ref with ``git ls-tree`` and ``git cat-file``, not from the working tree, so the
  team's new folder counts as new (and as theirs), exactly as the bot sees it;
* **the staged folder** is the submission's plain files at ``HEAD``, copied as data.

The result is the bot's comment, word for word (:func:`render_check_comment`).
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from kleaderboard.checks.scope import ChangedFile, Owners, load_owners, with_manifest_owners
from kleaderboard.errors import InputError
from kleaderboard.github.check_report import CheckReport
from kleaderboard.github.client import TreeEntry
from kleaderboard.github.comments import render_check_comment
from kleaderboard.github.pull_check import CheckInputs, Staging, check_submission_changes, stageable
from kleaderboard.submission import untrusted
from kleaderboard.submission.tree import (
    MANIFEST_NAME,
    OWNERS_NAME,
    SUBMISSIONS_DIR,
)

BASE_CANDIDATES = ("upstream/main", "origin/main", "main")
NO_OWNERS = Owners(frozenset(), MappingProxyType({}))  # a base branch without OWNERS.yaml
STATUS = {"A": "added", "M": "modified", "D": "removed", "R": "renamed", "C": "copied", "T": "changed"}


@dataclass(frozen=True)
class Precheck:
    """What the local pre-check found, and the comment the bot would post."""

    report: CheckReport
    base: str
    comment: str
    uncommitted: tuple[str, ...]  # changed files under submissions/ that are not committed yet


def _git_bytes(repo: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=True)
    except FileNotFoundError:
        raise InputError.single(
            "git", "", "is not installed", "install git, then run the pre-check again"
        ) from None
    except subprocess.CalledProcessError as exc:
        message = exc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError.single(
            str(repo),
            "git " + " ".join(args[:2]),
            message[-1] if message else "failed",
            "run the pre-check in your clone of the leaderboard, with the upstream base branch fetched",
        ) from None
    return done.stdout


def _git(repo: Path, *args: str) -> str:
    return _git_bytes(repo, *args).decode("utf-8", "surrogateescape")


def resolve_base(repo: Path, base: str | None) -> str:
    """The base ref: the one given, else the first of upstream/main, origin/main, main that exists."""
    for candidate in [base] if base else BASE_CANDIDATES:
        done = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "--verify", "--quiet", f"{candidate}^{{commit}}"],
            capture_output=True,
        )
        if done.returncode == 0:
            return candidate
    tried = base or ", ".join(BASE_CANDIDATES)
    raise InputError.single(
        str(repo),
        "--base",
        f"no base branch found (tried {tried})",
        "add the leaderboard as a remote and fetch it: git remote add upstream <its URL> && "
        "git fetch upstream; or pass --base <ref>",
    )


def changed_files(repo: Path, base: str) -> list[ChangedFile]:
    """The pull request's changed files from git: merge base to HEAD, with modes and sizes at HEAD."""
    merge_base = _git(repo, "merge-base", base, "HEAD").strip()
    fields = _git(repo, "diff", "--name-status", "-z", "-M", merge_base, "HEAD").split("\0")
    changes: list[ChangedFile] = []
    index = 0
    while index < len(fields) and fields[index]:
        code = fields[index][0]
        if code in "RC":
            previous, path = fields[index + 1], fields[index + 2]
            index += 3
        else:
            previous, path = None, fields[index + 1]
            index += 2
        changes.append(ChangedFile(path, STATUS.get(code, "changed"), previous))
    modes = _modes(repo, "HEAD", [c.path for c in changes if c.status != "removed"])
    return [_with_mode(c, modes) for c in changes]


def _with_mode(change: ChangedFile, modes: dict[str, tuple[str, int | None]]) -> ChangedFile:
    mode, size = modes.get(change.path, (None, None))
    return ChangedFile(change.path, change.status, change.previous_path, mode, size)


def _modes(repo: Path, ref: str, paths: list[str]) -> dict[str, tuple[str, int | None]]:
    """git mode and size of each path at ref (a link is 120000, a submodule 160000)."""
    if not paths:
        return {}
    return {entry.path: (entry.mode, entry.size) for entry in _tree(repo, ref, *paths, recursive=False)}


def _tree(repo: Path, ref: str, *paths: str, recursive: bool = True) -> list[TreeEntry]:
    """The entries at ref under the paths (every file when recursive, else the paths' own entries)."""
    entries = []
    flags = ["-r"] if recursive else []
    for line in _git(repo, "ls-tree", *flags, "-l", "-z", ref, "--", *paths).split("\0"):
        if line:
            meta, path = line.split("\t", 1)
            mode, kind, obj, size = meta.split()
            entries.append(TreeEntry(path, mode, kind, obj, int(size) if size.isdigit() else None))
    return entries


def _extract_base(repo: Path, base: str, dest: Path) -> Path:
    """The base branch's OWNERS.yaml and manifests, as the bot's checkout of the base would hold them."""
    root = dest / SUBMISSIONS_DIR
    root.mkdir(parents=True)
    for entry in _tree(repo, base, SUBMISSIONS_DIR):
        name = entry.path.rsplit("/", 1)[-1]
        if name in (MANIFEST_NAME, OWNERS_NAME) and entry.mode == "100644":
            target = dest / entry.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(_git_bytes(repo, "cat-file", "blob", entry.sha))
    return root


def _existing(repo: Path, base: str) -> frozenset[str]:
    ids = set()
    for entry in _tree(repo, base, SUBMISSIONS_DIR):
        parts = entry.path.split("/")
        if len(parts) >= 4:
            ids.add(f"{parts[1]}/{parts[2]}")
    return frozenset(ids)


def _stage(repo: Path, workdir: Path, submission: str) -> Path:
    """The submission folder's plain files at HEAD, copied as data (what the bot stages)."""
    folder = workdir / "head" / SUBMISSIONS_DIR / submission
    folder.mkdir(parents=True, exist_ok=True)
    for entry in _tree(repo, "HEAD", f"{SUBMISSIONS_DIR}/{submission}/", recursive=False):
        if stageable(entry):
            (folder / entry.path.rsplit("/", 1)[-1]).write_bytes(
                _git_bytes(repo, "cat-file", "blob", entry.sha)
            )
    return folder


def _uncommitted(repo: Path) -> tuple[str, ...]:
    lines = _git(repo, "status", "--porcelain", "-z", "--", SUBMISSIONS_DIR).split("\0")
    return tuple(line[3:] for line in lines if len(line) > 3)


def _author(author: str | None, staged_manifest_github: list[str]) -> str:
    if author:
        return author
    if staged_manifest_github:
        return staged_manifest_github[0]
    raise InputError.single(
        "--author",
        "",
        "is needed: the manifest lists no team.github account",
        "pass --author <your GitHub login> (the account that will open the pull request)",
    )


def run_precheck(repo: Path, base: str | None, author: str | None, check_hub: bool = True) -> Precheck:
    """The bot's check of the pull request that HEAD would make against the base branch."""
    ref = resolve_base(repo, base)
    changes = changed_files(repo, ref)
    head = _git(repo, "rev-parse", "HEAD").strip()
    with tempfile.TemporaryDirectory(prefix="kleaderboard-precheck-") as tmp:
        workdir = Path(tmp)
        submissions = _extract_base(repo, ref, workdir / "base")
        owners_file = submissions / OWNERS_NAME
        owners = load_owners(owners_file) if owners_file.is_file() else NO_OWNERS
        inputs = CheckInputs(
            owners=with_manifest_owners(owners, submissions),
            existing=_existing(repo, ref),
            check_hub=check_hub,
            submissions_dir=submissions,
        )
        login = _author(author, _listed_accounts(repo, changes))
        staging = Staging(lambda sid: _stage(repo, workdir, sid), workdir / "head")
        report = check_submission_changes(
            changes, inputs, staging, {"number": 0, "sha": head, "author": login}
        )
    return Precheck(report, ref, render_check_comment(report), _uncommitted(repo))


def _listed_accounts(repo: Path, changes: list[ChangedFile]) -> list[str]:
    """team.github of the changed manifest at HEAD (the default author), read as data."""
    for change in changes:
        if change.path.endswith(f"/{MANIFEST_NAME}") and change.status != "removed":
            try:
                text = _git_bytes(repo, "show", f"HEAD:{change.path}").decode("utf-8")
                data = untrusted.loads(text, Path(change.path))
            except (InputError, UnicodeDecodeError):
                return []  # the check itself reports what is wrong with the manifest
            team = data.get("team") if isinstance(data, dict) else None
            github = team.get("github") if isinstance(team, dict) else None
            return [str(login) for login in github] if isinstance(github, list) else []
    return []


__all__ = ["Precheck", "changed_files", "resolve_base", "run_precheck"]
