"""A verified local snapshot of a model's pinned commit: what the evaluation loads, and nothing else.

The evaluation never lets lm-eval, transformers or vLLM reach the Hub. Before it runs,
:func:`fetch_snapshot` downloads exactly the allowed files of the pinned commit (config,
tokenizer, chat template, safetensors weights) with ``huggingface_hub``, and checks each
file against the Hub's own listing of that commit: sha256 for LFS files, the git blob id
for the rest. The tokenizer and the chat template come from the same commit as the weights,
so a team cannot change them after approval. The evaluation then loads only from this
folder, with the Hub offline and, on the runner, without a network at all
(``unshare --net``); :func:`read_snapshot` repeats the hash check first.

Pickle weights (``*.bin``, ``*.pt``, ``*.pth``, ``*.pkl``) and code files are never
downloaded: they are not in :data:`ALLOWED`.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kleaderboard import display
from kleaderboard.errors import HubError, InputError, brief
from kleaderboard.identifiers import is_commit_sha

# The files a causal LM needs to load and to chat, and no others.
ALLOWED = (
    "config.json",
    "generation_config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "tokenizer.model",
    "special_tokens_map.json",
    "added_tokens.json",
    "vocab.json",
    "merges.txt",
    "chat_template.jinja",
    "chat_template.json",
    "model.safetensors.index.json",
    "*.safetensors",
)
RECORD_NAME = ".kleaderboard-snapshot.json"
CHUNK = 1 << 20


@dataclass(frozen=True)
class Snapshot:
    """A folder holding one commit's allowed files, each checked against the Hub's listing."""

    repo_id: str
    revision: str
    folder: Path
    files: dict[str, str] = field(default_factory=dict)  # path in repo -> sha256


@dataclass(frozen=True)
class ListedFile:
    """One file as the Hub lists it at the pinned commit."""

    path: str
    size: int
    blob_id: str
    lfs_sha256: str | None


def allowed(path: str) -> bool:
    """Whether a file at this path in the repo is one the evaluation may load."""
    return "/" not in path and any(fnmatch.fnmatchcase(path, pattern) for pattern in ALLOWED)


def select_files(listing: Iterable[ListedFile], where: str) -> list[ListedFile]:
    """The allowed files of a listing; a listing without config or safetensors is refused."""
    wanted = sorted((f for f in listing if allowed(f.path)), key=lambda f: f.path)
    names = {f.path for f in wanted}
    if "config.json" not in names:
        raise HubError(f"{where}: the commit has no config.json at its root; the model cannot be loaded")
    if not any(n.endswith(".safetensors") for n in names):
        raise HubError(
            f"{where}: the commit has no *.safetensors weights at its root; "
            "the leaderboard evaluates safetensors only (convert pickle weights with safetensors)"
        )
    return wanted


def fetch_snapshot(
    repo_id: str,
    revision: str,
    dest: Path,
    *,
    endpoint: str | None = None,
    token: str | None = None,
    progress: Callable[[str], None] = print,
) -> Snapshot:
    """Download the allowed files of ``repo_id`` at the 40-hex ``revision`` into ``dest`` and verify them.

    ``dest`` must be absent or empty: a snapshot is never mixed with older files.
    """
    _require_commit(revision, repo_id)
    _require_empty(dest)
    hub = online_hub("fetching a snapshot")
    where = f"{repo_id}@{revision[:12]}"
    listing = _listing(hub, repo_id, revision, endpoint, token)
    wanted = select_files(listing, where)
    total = display.byte_size(sum(f.size for f in wanted))
    progress(f"snapshot {where}: {display.number(len(wanted))} files, {total}")
    try:
        hub.snapshot_download(
            repo_id,
            revision=revision,
            allow_patterns=[f.path for f in wanted],
            local_dir=dest,
            endpoint=endpoint,
            token=token,
        )
    except Exception as exc:  # huggingface_hub's errors, httpx's and OSError alike
        raise HubError(f"{where}: download failed: {brief(exc)}") from exc
    files = _verify(dest, wanted, where)
    snapshot = Snapshot(repo_id, revision, dest, files)
    _write_record(snapshot)
    progress(f"snapshot {where}: every file matches the Hub's listing (sha256)")
    return snapshot


def read_snapshot(folder: Path, repo_id: str, revision: str) -> Snapshot:
    """Open a snapshot made by :func:`fetch_snapshot`, re-checking every file's sha256.

    It must be of ``repo_id`` at ``revision`` (the manifest's), hold exactly the files it
    recorded, and each must still hash as recorded. Works offline.
    """
    record_path = folder / RECORD_NAME
    fix = "fetch it again with `kleaderboard fetch-snapshot`"
    try:
        data = json.loads(record_path.read_text(encoding="utf-8"))
        recorded = Snapshot(data["repo_id"], data["revision"], folder, dict(data["files"]))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError.single(record_path, "snapshot", f"is not a snapshot record ({exc})", fix) from exc
    if (recorded.repo_id, recorded.revision) != (repo_id, revision):
        raise InputError.single(
            record_path,
            "snapshot",
            f"holds {recorded.repo_id}@{recorded.revision}, but the manifest pins {repo_id}@{revision}",
            fix,
        )
    present = {p.relative_to(folder).as_posix() for p in folder.iterdir() if p.name != RECORD_NAME}
    present -= {".cache"}  # huggingface_hub's own download metadata
    if present != set(recorded.files):
        extra, missing = sorted(present - set(recorded.files)), sorted(set(recorded.files) - present)
        raise InputError.single(folder, "snapshot", f"files changed: extra {extra}, missing {missing}", fix)
    for name, expected in recorded.files.items():
        actual = _sha256(_regular_file(folder / name))
        if actual != expected:
            raise InputError.single(
                folder / name, "sha256", f"is {actual}, the snapshot recorded {expected}", fix
            )
    return recorded


# --- the Hub, through huggingface_hub --------------------------------------------------


def online_hub(doing: str) -> Any:
    """The huggingface_hub package, refusing offline mode: a download must not quietly fall back
    to whatever local files exist."""
    try:
        import huggingface_hub
        import huggingface_hub.constants  # a lazy attribute of the package until imported by name
    except ImportError as exc:  # pragma: no cover - installed with the eval extra
        from kleaderboard.errors import MissingExtraError

        raise MissingExtraError("eval", "huggingface_hub") from exc
    if huggingface_hub.constants.HF_HUB_OFFLINE:
        raise HubError(f"HF_HUB_OFFLINE is set: {doing} needs the Hub (unset it for this step only)")
    return huggingface_hub


def _listing(
    hub: Any, repo_id: str, revision: str, endpoint: str | None, token: str | None
) -> list[ListedFile]:
    api = hub.HfApi(endpoint=endpoint, token=token)
    try:
        entries = list(api.list_repo_tree(repo_id, revision=revision, recursive=True))
    except Exception as exc:
        raise HubError(
            f"{repo_id}@{revision[:12]}: the Hub did not list the commit's files: {brief(exc)}"
        ) from exc
    return [
        ListedFile(e.path, int(e.size), str(e.blob_id), e.lfs.sha256 if e.lfs is not None else None)
        for e in entries
        if isinstance(e, hub.hf_api.RepoFile)
    ]


# --- verification -------------------------------------------------------------------------


def _verify(dest: Path, wanted: list[ListedFile], where: str) -> dict[str, str]:
    files: dict[str, str] = {}
    for item in wanted:
        path = dest / item.path
        try:
            data_path = _regular_file(path)
        except InputError as exc:
            raise HubError(f"{where}: {item.path} was not downloaded as a plain file ({exc})") from exc
        size = data_path.stat().st_size
        if size != item.size:
            raise HubError(
                f"{where}: {item.path} has {display.number(size)} bytes, "
                f"the Hub lists {display.number(item.size)}"
            )
        digest = _sha256(data_path)
        if item.lfs_sha256 is not None:
            ok = digest == item.lfs_sha256
        else:
            ok = _git_blob_id(data_path, size) == item.blob_id
        if not ok:
            raise HubError(
                f"{where}: {item.path} does not match the Hub's listing of the commit (hash differs)"
            )
        files[item.path] = digest
    return files


def _regular_file(path: Path) -> Path:
    try:
        mode = os.lstat(path).st_mode
    except OSError as exc:
        raise InputError.single(
            path, "snapshot", f"cannot be read ({exc.strerror})", "fetch it again"
        ) from exc
    if not stat.S_ISREG(mode):
        raise InputError.single(path, "snapshot", "is not a regular file (a link?)", "fetch it again")
    return path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _git_blob_id(path: Path, size: int) -> str:
    """The git object id of a file's content: what the Hub lists as ``oid`` for non-LFS files."""
    digest = hashlib.sha1(f"blob {size}\0".encode(), usedforsecurity=False)
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --- the folder ---------------------------------------------------------------------------


def _require_commit(revision: str, repo_id: str) -> None:
    if not is_commit_sha(revision):
        raise InputError.single(
            "submission.yaml",
            "model.revision",
            f"{revision!r} of {repo_id} is not a 40-hex commit",
            "pin the exact commit of the weights to evaluate",
        )


def _require_empty(dest: Path) -> None:
    if dest.is_symlink() or (dest.exists() and (not dest.is_dir() or any(dest.iterdir()))):
        raise InputError.single(
            dest,
            "snapshot",
            "already exists and is not an empty folder",
            "give a new folder for the snapshot",
        )
    dest.mkdir(parents=True, exist_ok=True)


def _write_record(snapshot: Snapshot) -> None:
    record = {"repo_id": snapshot.repo_id, "revision": snapshot.revision, "files": snapshot.files}
    tmp = snapshot.folder / (RECORD_NAME + ".tmp")
    tmp.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(snapshot.folder / RECORD_NAME)
