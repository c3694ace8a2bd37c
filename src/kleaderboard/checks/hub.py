"""Hugging Face Hub metadata over HTTP: revision to commit, files and sizes, licence, remote code.

Everything is judged from the Hub's metadata API plus two small JSON files
(``config.json`` and ``tokenizer_config.json``); no weight file is ever
downloaded. The Hub's answers are parsed into our own types at the boundary, in
the shapes ``huggingface_hub`` reads them.

What the Hub says about a submission (repo not found, gated, pickle weights,
remote code …) becomes a :class:`~kleaderboard.errors.Problem` in the
:class:`HubReport`; only a Hub that cannot be reached or read raises
:class:`~kleaderboard.errors.HubError`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath
from typing import NoReturn, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from kleaderboard import display
from kleaderboard.errors import HubError, InputError, Problem
from kleaderboard.identifiers import CommitSha
from kleaderboard.submission import untrusted
from kleaderboard.submission.manifest import Manifest, load_manifest
from kleaderboard.submission.tree import MANIFEST_NAME

DEFAULT_ENDPOINT = "https://huggingface.co"
DEFAULT_MAX_PARAMETERS = 1_200_000_000_000
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
DEFAULT_BRANCH = "main"
CONFIG_FILES = ("config.json", "tokenizer_config.json")
MAX_CONFIG_BYTES = 4 * 1024 * 1024
PICKLE_SUFFIXES = frozenset({".bin", ".pt", ".pth", ".pkl", ".pickle", ".ckpt"})
SAFETENSORS_SUFFIX = ".safetensors"
CODE_SUFFIX = ".py"
LOADED_FROM = "where the model is loaded from"
PARAMETER_TOLERANCE = 0.05  # the Hub counts every tensor (MTP heads too): small gaps are normal
REPO_FIELD = "model.hub_repo"
REVISION_FIELD = "model.revision"
STATUS_PAGE = "https://status.huggingface.co"


def _user_agent() -> str:
    try:
        ours = version("kleaderboard")
    except PackageNotFoundError:  # running from a source tree that is not installed
        ours = "dev"
    return f"kleaderboard/{ours} (Korean sovereign-AI leaderboard; hub-check) httpx/{httpx.__version__}"


USER_AGENT = _user_agent()


# --- the Hub's answers, as we read them --------------------------------------------------


class _HubAnswer(BaseModel):
    # Unknown keys are ignored, not refused: the Hub adds fields over time.
    model_config = ConfigDict(frozen=True, populate_by_name=True)


class HubSafetensors(_HubAnswer):
    """``safetensors`` of a model info: parameter counts the Hub read from the files' headers."""

    total: int
    parameters: dict[str, int] = Field(default_factory=dict)


class HubCardData(_HubAnswer):
    """The licence keys of ``cardData`` (the model card's YAML metadata)."""

    license: str | list[str] | None = None
    license_name: str | None = None


class HubModelInfo(_HubAnswer):
    """``GET /api/models/{repo}/revision/{revision}``: the fields this module reads."""

    id: str
    sha: CommitSha
    private: bool = False
    gated: bool | str = False  # False, "auto" or "manual"
    tags: list[str] = Field(default_factory=list)
    card_data: HubCardData | None = Field(default=None, alias="cardData")
    safetensors: HubSafetensors | None = None

    @property
    def licenses(self) -> list[str]:
        """The licence names the Hub shows: the card's ``license`` (or ``license_name`` for
        'other'), else the ``license:`` tags."""
        card = self.card_data or HubCardData()
        named = [card.license] if isinstance(card.license, str) else list(card.license or [])
        if named == ["other"] and card.license_name:
            named = [card.license_name]
        named = [name.strip() for name in named if name.strip()]
        return named or [tag.removeprefix("license:") for tag in self.tags if tag.startswith("license:")]


class HubLfs(_HubAnswer):
    """``lfs`` of a tree entry: ``oid`` is the sha256 of the file's content."""

    oid: str
    size: int


class HubTreeEntry(_HubAnswer):
    """One entry of ``GET /api/models/{repo}/tree/{revision}?recursive=true``."""

    type: str  # "file" or "directory"
    path: str
    size: int = 0
    lfs: HubLfs | None = None


_INFO = TypeAdapter(HubModelInfo)
_TREE = TypeAdapter(list[HubTreeEntry])
_Parsed = TypeVar("_Parsed")


# --- our types --------------------------------------------------------------------------


@dataclass(frozen=True)
class HubFile:
    """One file of the repo at the checked commit."""

    path: str
    size: int
    sha256: str | None  # the Hub knows it for LFS files only; small git files have a git oid


@dataclass(frozen=True)
class HubReport:
    """What the Hub says about one submission: measured facts, problems and findings.

    Problems refuse the submission; findings are things a reviewer should read
    (a licence mismatch, a pending revision) but that refuse nothing.
    """

    repo: str | None
    revision: str | None
    commit: str | None = None
    files: list[HubFile] = field(default_factory=list)
    total_bytes: int = 0
    parameters: int | None = None  # measured by the Hub from the safetensors headers
    license: str | None = None
    problems: list[Problem] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class _Where:
    """Which manifest asked about which repo, and the revision asked for."""

    manifest: str
    repo: str
    revision: str

    def hub(self, commit: str | None = None) -> str:
        return f"hub:{self.repo}@{commit or self.revision}"


# --- talking to the Hub -----------------------------------------------------------------


def default_endpoint() -> str:
    """The Hub to ask: $HF_ENDPOINT (as huggingface_hub honours it), else huggingface.co."""
    return os.environ.get("HF_ENDPOINT", "").strip().rstrip("/") or DEFAULT_ENDPOINT


def request_headers() -> dict[str, str]:
    """User-Agent naming kleaderboard, and the token from $HF_TOKEN when there is one."""
    headers = {"User-Agent": USER_AGENT}
    token = os.environ.get("HF_TOKEN", "").strip()
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return headers


def make_client(timeout: httpx.Timeout | float = DEFAULT_TIMEOUT) -> httpx.Client:
    """An httpx client for the Hub; honours proxy settings from the environment."""
    return httpx.Client(timeout=timeout, follow_redirects=True)


def _server_message(response: httpx.Response) -> str:
    said: str | None = response.headers.get("X-Error-Message")
    if said:
        return said
    try:
        body = untrusted.loads_json(response.content, "the Hub's answer", strict=False)
    except InputError:
        return response.reason_phrase
    error = body.get("error") if isinstance(body, dict) else None
    return str(error) if error else response.reason_phrase


def _status_error(response: httpx.Response, doing: str) -> HubError:
    status, said = response.status_code, _server_message(response)
    if status == 429:
        return HubError(
            f"the Hub is limiting the rate of requests (429) while {doing} — "
            "wait a few minutes and try again; a token in HF_TOKEN raises the limit"
        )
    if status == 401:
        return HubError(f"the Hub refused the token in HF_TOKEN ({said}) — renew it, or unset HF_TOKEN")
    if status >= 500:
        return HubError(
            f"the Hub answered {status} ({said}) while {doing} — it may be down "
            f"(see {STATUS_PAGE}); try again later"
        )
    return HubError(
        f"the Hub answered {status} ({said}) while {doing} — "
        "check HF_ENDPOINT and HF_TOKEN, or report this to the maintainers"
    )


def _refuse(response: httpx.Response, where: _Where, doing: str) -> NoReturn:
    """Turn an error answer into the submission's problem, or a HubError (as huggingface_hub does)."""
    code = response.headers.get("X-Error-Code", "")
    if code == "EntryNotFound":  # we only ask for files the tree listed: the Hub contradicts itself
        raise _status_error(response, doing)
    if code == "RevisionNotFound":
        raise InputError([_revision_not_found(where)])
    if code == "GatedRepo":
        raise InputError([_gated(where)])
    bad_token = _server_message(response) == "Invalid credentials in Authorization header"
    if (
        code == "RepoNotFound"
        or response.status_code == 404
        or (response.status_code == 401 and not bad_token)
    ):
        # The Hub answers 401 without a token and 404 with one, for a missing and a private repo alike.
        raise InputError([_repo_not_found(where)])
    raise _status_error(response, doing)


@dataclass(frozen=True)
class _Session:
    http: httpx.Client
    endpoint: str
    where: _Where

    def get(self, path: str, doing: str) -> httpx.Response:
        url = path if path.startswith(("http://", "https://")) else f"{self.endpoint}{path}"
        try:
            response = self.http.get(url, headers=request_headers(), follow_redirects=True)
        except httpx.TimeoutException as exc:
            raise HubError(
                f"the Hub at {self.endpoint} did not answer in time while {doing} — "
                f"it may be slow or down (see {STATUS_PAGE}); try again in a few minutes"
            ) from exc
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise HubError(
                f"could not reach the Hub at {self.endpoint} while {doing} ({exc or type(exc).__name__}) — "
                "check the network and proxy settings, and HF_ENDPOINT if you use a mirror"
            ) from exc
        if not response.is_success:
            _refuse(response, self.where, doing)
        return response

    def model_info(self) -> HubModelInfo:
        doing = f"resolving {self.where.repo}@{self.where.revision}"
        path = f"/api/models/{self.where.repo}/revision/{quote(self.where.revision, safe='')}"
        return _parse(_INFO, self.get(path, doing), doing)

    def files(self, commit: str) -> list[HubFile]:
        """Every file at the commit, following the Hub's pages (Link: rel="next")."""
        doing = f"listing the files of {self.where.repo}@{commit}"
        entries: list[HubTreeEntry] = []
        next_url: str | None = f"/api/models/{self.where.repo}/tree/{commit}?recursive=true"
        while next_url is not None:
            response = self.get(next_url, doing)
            page = _parse(_TREE, response, doing)
            entries.extend(page)
            next_url = self._next_page(response)
        return [_to_file(entry) for entry in entries if entry.type == "file"]

    def _next_page(self, response: httpx.Response) -> str | None:
        link = response.links.get("next", {}).get("url")
        if not link:
            return None
        url = str(response.url.join(link))
        if not url.startswith(f"{self.endpoint}/"):  # never send the token to another host
            raise HubError(
                f"the Hub's next page of files is on another host ({url}) — "
                "check HF_ENDPOINT, or report this to the maintainers"
            )
        return url

    def raw(self, commit: str, path: str) -> bytes:
        doing = f"reading {path} of {self.where.repo}@{commit}"
        return self.get(f"/{self.where.repo}/resolve/{commit}/{quote(path)}", doing).content


def _parse(adapter: TypeAdapter[_Parsed], response: httpx.Response, doing: str) -> _Parsed:
    try:
        return adapter.validate_json(response.content)
    except ValidationError as exc:
        kind = response.headers.get("Content-Type", "no content type")
        raise HubError(
            f"the Hub's answer to {doing} is not what the Hub API returns ({kind}; "
            f"{exc.error_count()} mismatch(es)) — if a proxy or login page stands between you "
            "and the Hub, set HF_ENDPOINT to a Hub you can reach"
        ) from None


def _to_file(entry: HubTreeEntry) -> HubFile:
    return HubFile(entry.path, entry.size, entry.lfs.oid if entry.lfs else None)


def resolve_revision(
    repo: str, revision: str, *, client: httpx.Client | None = None, endpoint: str | None = None
) -> str:
    """The 40-hex commit a branch, tag or commit of ``repo`` points to now.

    Raises InputError (repo or revision not found, gated) or HubError (network).
    """
    where = _Where(f"hub:{repo}@{revision}", repo, revision)
    with _open_session(client, endpoint, where) as session:
        return session.model_info().sha


@contextmanager
def _open_session(client: httpx.Client | None, endpoint: str | None, where: _Where) -> Iterator[_Session]:
    """A _Session on the caller's client, or on a client of our own that is closed afterwards."""
    base = (endpoint or default_endpoint()).rstrip("/")
    if client is not None:
        yield _Session(client, base, where)
        return
    with make_client() as own:
        yield _Session(own, base, where)


# --- problems ---------------------------------------------------------------------------


def _repo_not_found(where: _Where) -> Problem:
    return Problem(
        where.manifest,
        REPO_FIELD,
        f"{where.repo} was not found on the Hub, or it is private (the Hub answers the same for both)",
        "check the spelling of owner/name and make the repo public: the leaderboard evaluates public "
        "models only",
    )


def _revision_not_found(where: _Where) -> Problem:
    return Problem(
        where.manifest,
        REVISION_FIELD,
        f"revision {where.revision} was not found in {where.repo}",
        "push that commit to the Hub, or copy the full commit id from the repo's "
        "'Files and versions' → 'History' page",
    )


def _gated(where: _Where) -> Problem:
    return Problem(
        where.manifest,
        REPO_FIELD,
        f"{where.repo} is gated: its files can be downloaded only after accepting its terms",
        "switch off gating in the repo's settings: the leaderboard evaluates models anyone can download",
    )


def _access_problems(info: HubModelInfo, where: _Where) -> list[Problem]:
    problems = [_gated(where)] if info.gated else []
    if info.private:
        problems.append(
            Problem(
                where.manifest,
                REPO_FIELD,
                f"{where.repo} is private",
                "make the repo public before submitting: anyone must be able to reproduce the results",
            )
        )
    return problems


def _commit_problems(info: HubModelInfo, where: _Where, manifest: Manifest) -> list[Problem]:
    if manifest.model.pending or info.sha == manifest.model.revision:
        return []
    return [
        Problem(
            where.manifest,
            REVISION_FIELD,
            f"the Hub resolves {where.revision} to commit {info.sha}, not to the commit the manifest names",
            f"set revision: {info.sha} if that is the commit to evaluate",
        )
    ]


def _suffix(path: str) -> str:
    return PurePosixPath(path).suffix.lower()


def _names(paths: list[str], limit: int = 5) -> str:
    shown = ", ".join(paths[:limit])
    return f"{shown} and {len(paths) - limit} more" if len(paths) > limit else shown


def _at_root(path: str) -> bool:
    # transformers and vLLM load a Hub repo's weights from its root folder only.
    return "/" not in path


def _root_weights(files: list[HubFile], suffixes: frozenset[str]) -> list[str]:
    return [f.path for f in files if _at_root(f.path) and _suffix(f.path) in suffixes]


def _weight_problems(files: list[HubFile], hub: str) -> list[Problem]:
    """The weights the model loads (the root's) must be safetensors, and no pickle may sit beside them.

    A safetensors file in a subfolder is never loaded, so it cannot vouch for the root's pickles.
    """
    safetensors = _root_weights(files, frozenset({SAFETENSORS_SUFFIX}))
    pickles = _root_weights(files, PICKLE_SUFFIXES)
    fix = (
        "convert the weights to safetensors and push them (save_pretrained writes safetensors by default; "
        "the Hub's 'convert to safetensors' Space does it for a pushed repo)"
    )
    if pickles and not safetensors:
        message = f"weights only in pickle files ({_names(pickles)}), which can run code when loaded"
        return [Problem(hub, REPO_FIELD, message, fix)]
    if pickles:
        message = (
            f"pickle files ({_names(pickles)}) sit beside the safetensors weights at the repo's root, "
            f"{LOADED_FROM}; unpickling can run code"
        )
        return [Problem(hub, REPO_FIELD, message, "delete them from the repo and submit the new commit")]
    if not safetensors:
        message = "no weights in safetensors format (*.safetensors) at the repo's root, " + LOADED_FROM
        return [Problem(hub, REPO_FIELD, message, fix)]
    return []


def _code_problems(files: list[HubFile], hub: str) -> list[Problem]:
    code = [f.path for f in files if _suffix(f.path) == CODE_SUFFIX]
    if not code:
        return []
    return [
        Problem(
            hub,
            REPO_FIELD,
            f"the repo holds Python code ({_names(code)}); the pipeline never runs code from a model repo",
            "remove the .py files (keep scripts in a code repository) and submit the new commit",
        )
    ]


def _parameter_problems(info: HubModelInfo, manifest: Manifest, hub: str, cap: int) -> list[Problem]:
    measured = info.safetensors.total if info.safetensors else None
    count = measured if measured is not None else manifest.model.parameters.total
    if count <= cap:
        return []
    source = "the Hub counts" if measured is not None else "the manifest declares"
    return [
        Problem(
            hub,
            REPO_FIELD,
            f"{source} {display.number(count)} parameters, "
            f"above the leaderboard's cap of {display.number(cap)}",
            "ask the maintainers for a dedicated evaluation run: models above the cap do not fit the runners",
        )
    ]


def _config_problems(session: _Session, commit: str, file: HubFile) -> list[Problem]:
    hub = session.where.hub(commit)
    if file.size > MAX_CONFIG_BYTES:
        return [
            Problem(
                hub,
                REPO_FIELD,
                f"{file.path} is {display.number(file.size)} bytes, too large to check for auto_map "
                f"(limit {display.number(MAX_CONFIG_BYTES)})",
                f"trim {file.path}: transformers needs only its settings",
            )
        ]
    raw = session.raw(commit, file.path)  # its InputError (the Hub refused it) is the caller's
    try:
        # Not strict: transformers reads config.json with json.load, which takes NaN and repeated keys.
        data = untrusted.loads_json(raw, file.path, strict=False)
    except InputError as exc:
        found = exc.problems[0]
        where = f" ({found.field})" if found.field else ""
        return [
            Problem(
                hub,
                REPO_FIELD,
                f"{file.path}{where} {found.message}",
                "fix the file: transformers cannot read it",
            )
        ]
    auto_map = data.get("auto_map") if isinstance(data, dict) else None
    if not auto_map:
        return []
    classes = ", ".join(sorted(auto_map)) if isinstance(auto_map, dict) else str(auto_map)
    return [
        Problem(
            hub,
            REPO_FIELD,
            f"{file.path} sets auto_map ({classes}): loading the model would run remote code "
            "(trust_remote_code)",
            "remove auto_map so that the model loads with an architecture built into transformers",
        )
    ]


def _remote_code_checks(
    session: _Session, files: list[HubFile], commit: str
) -> tuple[list[Problem], list[str]]:
    """auto_map in config.json and tokenizer_config.json: the two small files we download."""
    problems: list[Problem] = []
    findings: list[str] = []
    present = {f.path: f for f in files}
    for name in CONFIG_FILES:
        if name not in present:
            continue
        try:
            problems.extend(_config_problems(session, commit, present[name]))
        except InputError as exc:
            problems.extend(exc.problems)
            findings.append(
                f"{session.where.hub(commit)}: {name} not checked for auto_map: the Hub refused it"
            )
    return problems, findings


# --- findings ---------------------------------------------------------------------------


def _revision_findings(info: HubModelInfo, where: _Where, manifest: Manifest) -> list[str]:
    if not manifest.model.pending:
        return []
    return [
        f"{where.manifest}: {REVISION_FIELD}: not checked: revision pending — {where.repo}@{where.revision} "
        f"is commit {info.sha} today; set revision: {info.sha} to submit it"
    ]


def _weight_findings(files: list[HubFile], hub: str) -> list[str]:
    nested = [f.path for f in files if not _at_root(f.path) and _suffix(f.path) in PICKLE_SUFFIXES]
    if not nested:
        return []
    return [
        f"{hub}: pickle files in subfolders ({_names(nested)}) are never loaded; only the root's weights are"
    ]


def _license_findings(info: HubModelInfo, manifest: Manifest, hub: str) -> list[str]:
    declared = manifest.license.strip()
    names = info.licenses
    if not names:
        return [f"{hub}: the model card names no licence; the manifest declares '{declared}'"]
    if declared.casefold() in {name.casefold() for name in names}:
        return []
    return [
        f"{hub}: licence on the Hub is '{', '.join(names)}' but the manifest declares '{declared}' — "
        "make the model card's license: and submission.yaml's license: agree"
    ]


def _parameter_findings(info: HubModelInfo, manifest: Manifest, hub: str) -> list[str]:
    declared = manifest.model.parameters.total
    if info.safetensors is None:
        shown = display.number(declared)
        return [f"{hub}: the Hub reports no parameter count; the declared {shown} was not checked"]
    measured = info.safetensors.total
    if abs(measured - declared) <= PARAMETER_TOLERANCE * max(measured, declared):
        return []
    return [
        f"{hub}: the Hub counts {display.number(measured)} parameters in the safetensors files; "
        f"the manifest declares {display.number(declared)} (model.parameters.total)"
    ]


# --- the check --------------------------------------------------------------------------


def check_submission_on_hub(
    manifest: Manifest,
    manifest_path: Path,
    *,
    client: httpx.Client | None = None,
    endpoint: str | None = None,
    max_parameters: int = DEFAULT_MAX_PARAMETERS,
) -> HubReport:
    """Check a submission's Hub repo from metadata alone, before anything is downloaded.

    A 'pending' revision is checked at the repo's main branch and reported as a
    finding, not a problem. Raises HubError only when the Hub cannot be reached or read.
    """
    spec = manifest.model
    if spec.hub_repo is None or spec.revision is None:
        note = f"{manifest_path}: model.local_path: not checked on the Hub: the model is a local folder"
        return HubReport(repo=None, revision=None, findings=[note])
    asked = DEFAULT_BRANCH if spec.pending else spec.revision
    with _open_session(client, endpoint, _Where(str(manifest_path), spec.hub_repo, asked)) as session:
        return _check(session, manifest, max_parameters)


def _check(session: _Session, manifest: Manifest, max_parameters: int) -> HubReport:
    where = session.where
    try:
        info = session.model_info()
    except InputError as exc:
        return HubReport(where.repo, manifest.model.revision, problems=exc.problems)
    problems = _access_problems(info, where) + _commit_problems(info, where, manifest)
    try:
        files = session.files(info.sha)
    except InputError as exc:
        return HubReport(
            where.repo, manifest.model.revision, info.sha, problems=_unique(problems + exc.problems)
        )
    hub = where.hub(info.sha)
    code_problems, code_findings = _remote_code_checks(session, files, info.sha)
    problems += _weight_problems(files, hub) + _code_problems(files, hub) + code_problems
    problems += _parameter_problems(info, manifest, hub, max_parameters)
    findings = _revision_findings(info, where, manifest) + _weight_findings(files, hub) + code_findings
    findings += _license_findings(info, manifest, hub) + _parameter_findings(info, manifest, hub)
    return HubReport(
        repo=where.repo,
        revision=manifest.model.revision,
        commit=info.sha,
        files=files,
        total_bytes=sum(f.size for f in files),
        parameters=info.safetensors.total if info.safetensors else None,
        license=", ".join(info.licenses) or None,
        problems=_unique(problems),
        findings=findings,
    )


def _unique(problems: list[Problem]) -> list[Problem]:
    # A gated repo is seen in the model info and again when config.json is refused.
    return list(dict.fromkeys(problems))


def check_manifest_file_on_hub(
    path: Path, *, endpoint: str | None = None, max_parameters: int = DEFAULT_MAX_PARAMETERS
) -> HubReport:
    """:func:`check_submission_on_hub` for a submission folder or its submission.yaml."""
    manifest_path = path / MANIFEST_NAME if path.is_dir() else path
    return check_submission_on_hub(
        load_manifest(manifest_path), manifest_path, endpoint=endpoint, max_parameters=max_parameters
    )


__all__ = [
    "DEFAULT_ENDPOINT",
    "DEFAULT_MAX_PARAMETERS",
    "HubFile",
    "HubModelInfo",
    "HubReport",
    "HubTreeEntry",
    "check_manifest_file_on_hub",
    "check_submission_on_hub",
    "default_endpoint",
    "make_client",
    "request_headers",
    "resolve_revision",
]
