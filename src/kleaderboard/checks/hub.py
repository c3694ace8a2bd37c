"""Hugging Face Hub metadata: revision to commit, files and sizes, licence, remote code.

Everything is judged from the Hub's metadata API plus two small JSON files
(``config.json`` and ``tokenizer_config.json``); no weight file is ever
downloaded. The Hub is reached through ``huggingface_hub``: ``HfApi.model_info``
for the revision, its shared HTTP session, headers (User-Agent, the token from
``HF_TOKEN`` or ``hf auth login``) and error classes (``RepositoryNotFoundError``,
``GatedRepoError`` …). What stays here is what that library does not check:

- the file listing follows the Hub's pages only on the Hub's own host (the library's
  paginator would send the token to whatever host a ``Link: rel="next"`` names);
- every answer we read is validated into our own types (an answer the models reject
  is an error, never a silent pass), and config files are read size-capped;
- each failure gets a sentence that says what to do.

What the Hub says about a submission (repo not found, gated, pickle weights,
remote code …) becomes a :class:`~kleaderboard.errors.Problem` in the
:class:`HubReport`; only a Hub that cannot be reached or read raises
:class:`~kleaderboard.errors.HubError`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath
from typing import Any, NoReturn, TypeVar

import httpx2
from huggingface_hub import HfApi, hf_hub_url
from huggingface_hub.errors import (
    GatedRepoError,
    HfHubHTTPError,
    OfflineModeIsEnabled,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from huggingface_hub.utils import build_hf_headers, get_session, hf_raise_for_status
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from kleaderboard import display
from kleaderboard.errors import HubError, InputError, Problem
from kleaderboard.identifiers import CommitSha
from kleaderboard.submission import untrusted
from kleaderboard.submission.manifest import Manifest, load_manifest
from kleaderboard.submission.tree import MANIFEST_NAME

DEFAULT_ENDPOINT = "https://huggingface.co"
DEFAULT_MAX_PARAMETERS = 1_200_000_000_000
DEFAULT_TIMEOUT = 30.0  # seconds per request
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
BAD_TOKEN = "Invalid credentials in Authorization header"


def _our_version() -> str:
    try:
        return version("kleaderboard")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "dev"


# --- the Hub's answers, as we read them --------------------------------------------------


class _HubAnswer(BaseModel):
    # Unknown keys are ignored, not refused: the Hub adds fields over time.
    model_config = ConfigDict(frozen=True, populate_by_name=True)


class HubModelInfo(_HubAnswer):
    """The fields of ``HfApi.model_info`` this module reads, validated (an answer that does
    not fit them is an error, not a pass)."""

    id: str
    sha: CommitSha
    private: bool = False
    gated: bool | str = False  # False, "auto" or "manual"
    tags: list[str] = Field(default_factory=list)
    card_license: str | list[str] | None = None
    card_license_name: str | None = None
    parameters: int | None = Field(default=None, ge=0)  # safetensors.total: counted from the headers

    @property
    def licenses(self) -> list[str]:
        """The licence names the Hub shows: the card's ``license`` (or ``license_name`` for
        'other'), else the ``license:`` tags."""
        license = self.card_license
        named = [license] if isinstance(license, str) else list(license or [])
        if named == ["other"] and self.card_license_name:
            named = [self.card_license_name]
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


def _token() -> str | None:
    """$HF_TOKEN when set, sent even where implicit tokens are off (CI sets the secret on purpose);
    otherwise huggingface_hub's own choice (a stored login, unless HF_HUB_DISABLE_IMPLICIT_TOKEN)."""
    return os.environ.get("HF_TOKEN", "").strip() or None


def request_headers() -> dict[str, str]:
    """huggingface_hub's headers: a User-Agent naming kleaderboard, and the token when there is one."""
    return build_hf_headers(token=_token(), library_name="kleaderboard", library_version=_our_version())


def _server_message(response: httpx2.Response) -> str:
    said: str | None = response.headers.get("X-Error-Message")
    if said:
        return said
    try:
        body = untrusted.loads_json(response.content, "the Hub's answer", strict=False)
    except InputError:
        return response.reason_phrase
    error = body.get("error") if isinstance(body, dict) else None
    return str(error) if error else response.reason_phrase


def _status_error(response: httpx2.Response, doing: str) -> HubError:
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


def _refuse(exc: HfHubHTTPError, where: _Where, doing: str) -> NoReturn:
    """huggingface_hub's error class, as the submission's problem or a HubError."""
    response = exc.response
    if isinstance(exc, RemoteEntryNotFoundError):  # we only ask for listed files: the Hub contradicts itself
        raise _status_error(response, doing) from None
    if isinstance(exc, RevisionNotFoundError):
        raise InputError([_revision_not_found(where)]) from None
    if isinstance(exc, GatedRepoError):  # a subclass of RepositoryNotFoundError: ask first
        raise InputError([_gated(where)]) from None
    unauthorised = response.status_code == 401 and _server_message(response) != BAD_TOKEN
    if isinstance(exc, RepositoryNotFoundError) or response.status_code == 404 or unauthorised:
        # The Hub answers 401 without a token and 404 with one, for a missing and a private repo alike
        # (huggingface_hub reads a 401 so only on https endpoints; a mirror over http is read the same).
        raise InputError([_repo_not_found(where)]) from None
    raise _status_error(response, doing) from None


@dataclass(frozen=True)
class _Session:
    """One check's requests, on huggingface_hub's shared session."""

    endpoint: str
    where: _Where
    timeout: float

    def _unreachable(self, exc: Exception, doing: str) -> HubError:
        if isinstance(exc, OfflineModeIsEnabled):
            return HubError(
                f"huggingface_hub is in offline mode (HF_HUB_OFFLINE) while {doing} — "
                "unset HF_HUB_OFFLINE to check a submission on the Hub"
            )
        if isinstance(exc, httpx2.TimeoutException):
            return HubError(
                f"the Hub at {self.endpoint} did not answer in time while {doing} — "
                f"it may be slow or down (see {STATUS_PAGE}); try again in a few minutes"
            )
        return HubError(
            f"could not reach the Hub at {self.endpoint} while {doing} ({exc or type(exc).__name__}) — "
            "check the network and proxy settings, and HF_ENDPOINT if you use a mirror"
        )

    def get(self, url: str, doing: str) -> httpx2.Response:
        try:
            response = get_session().get(
                url, headers=request_headers(), timeout=self.timeout, follow_redirects=True
            )
            hf_raise_for_status(response)
        except HfHubHTTPError as exc:
            _refuse(exc, self.where, doing)
        except (httpx2.HTTPError, httpx2.InvalidURL, OfflineModeIsEnabled) as exc:
            raise self._unreachable(exc, doing) from exc
        return response

    def model_info(self) -> HubModelInfo:
        doing = f"resolving {self.where.repo}@{self.where.revision}"
        api = HfApi(
            endpoint=self.endpoint,
            token=_token(),
            library_name="kleaderboard",
            library_version=_our_version(),
        )
        try:
            info = api.model_info(self.where.repo, revision=self.where.revision, timeout=self.timeout)
        except HfHubHTTPError as exc:
            _refuse(exc, self.where, doing)
        except (httpx2.HTTPError, httpx2.InvalidURL, OfflineModeIsEnabled) as exc:
            raise self._unreachable(exc, doing) from exc
        except ValueError:  # json.JSONDecodeError: an HTML page, say
            raise _not_the_api(doing, "not JSON") from None
        except (KeyError, TypeError, AttributeError) as exc:  # JSON, but not a model's info
            raise _not_the_api(doing, f"{type(exc).__name__}: {exc}") from None
        return _validated(_INFO, _info_fields(info), doing)

    def files(self, commit: str) -> list[HubFile]:
        """Every file at the commit, following the Hub's pages (Link: rel="next") on its own host."""
        doing = f"listing the files of {self.where.repo}@{commit}"
        entries: list[HubTreeEntry] = []
        next_url: str | None = f"{self.endpoint}/api/models/{self.where.repo}/tree/{commit}?recursive=true"
        while next_url is not None:
            response = self.get(next_url, doing)
            page: list[HubTreeEntry] = _parse(_TREE, response, doing)
            entries.extend(page)
            next_url = self._next_page(response)
        return [_to_file(entry) for entry in entries if entry.type == "file"]

    def _next_page(self, response: httpx2.Response) -> str | None:
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
        url = hf_hub_url(self.where.repo, path, revision=commit, endpoint=self.endpoint)
        return self.get(url, doing).content


def _info_fields(info: Any) -> dict[str, Any]:
    """The fields of huggingface_hub's ModelInfo we read, as plain data to validate."""
    card = info.card_data
    safetensors = info.safetensors
    return {
        "id": info.id,
        "sha": info.sha,
        "private": bool(info.private),
        "gated": info.gated if info.gated is not None else False,
        "tags": info.tags or [],
        "card_license": card.license if card is not None else None,
        "card_license_name": getattr(card, "license_name", None) if card is not None else None,
        "parameters": safetensors.total if safetensors is not None else None,
    }


def _not_the_api(doing: str, detail: str) -> HubError:
    return HubError(
        f"the Hub's answer to {doing} is not what the Hub API returns ({detail}) — if a proxy or "
        "login page stands between you and the Hub, set HF_ENDPOINT to a Hub you can reach"
    )


def _validated(adapter: TypeAdapter[_Parsed], data: object, doing: str) -> _Parsed:
    try:
        return adapter.validate_python(data)
    except ValidationError as exc:
        raise _not_the_api(doing, f"{exc.error_count()} mismatch(es)") from None


def _parse(adapter: TypeAdapter[_Parsed], response: httpx2.Response, doing: str) -> _Parsed:
    try:
        return adapter.validate_json(response.content)
    except ValidationError as exc:
        kind = response.headers.get("Content-Type", "no content type")
        raise _not_the_api(doing, f"{kind}; {exc.error_count()} mismatch(es)") from None


def _to_file(entry: HubTreeEntry) -> HubFile:
    return HubFile(entry.path, entry.size, entry.lfs.oid if entry.lfs else None)


def resolve_revision(
    repo: str, revision: str, *, endpoint: str | None = None, timeout: float | None = None
) -> str:
    """The 40-hex commit a branch, tag or commit of ``repo`` points to now.

    Raises InputError (repo or revision not found, gated) or HubError (network).
    """
    where = _Where(f"hub:{repo}@{revision}", repo, revision)
    return _session(endpoint, where, timeout).model_info().sha


def _session(endpoint: str | None, where: _Where, timeout: float | None) -> _Session:
    return _Session((endpoint or default_endpoint()).rstrip("/"), where, timeout or DEFAULT_TIMEOUT)


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
    measured = info.parameters
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
    if info.parameters is None:
        shown = display.number(declared)
        return [f"{hub}: the Hub reports no parameter count; the declared {shown} was not checked"]
    measured = info.parameters
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
    endpoint: str | None = None,
    max_parameters: int = DEFAULT_MAX_PARAMETERS,
    timeout: float | None = None,
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
    session = _session(endpoint, _Where(str(manifest_path), spec.hub_repo, asked), timeout)
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
        parameters=info.parameters,
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
    "request_headers",
    "resolve_revision",
]
