"""The few GitHub REST calls the workflows need, through githubkit.

:class:`GitHubClient` speaks to ``$GITHUB_API_URL`` (``https://api.github.com`` when
unset) with the token in ``$GITHUB_TOKEN``. The calls are githubkit's, and every answer
is read by githubkit's pydantic models, generated from GitHub's own OpenAPI description
(REST API version :data:`API_VERSION`), then turned into the small frozen types below;
nothing outside this module sees GitHub's JSON, except the "list pull request files"
objects that :mod:`kleaderboard.checks.scope` parses itself. A pull request's files are
only ever read as data (trees and blobs at its head commit), never checked out.

What githubkit does not do and we need stays here: names checked before they become
URL paths (githubkit formats them in unquoted), pages followed only under our own API
URL (its paginator would send the token to any host a ``Link`` header names), no
redirects, blobs read up to a bound, retries short enough for a CI job, and errors that
say what to do. Any failure to reach GitHub, a refusal (401, 403, 404, 422 …) or an
answer the models reject raises :class:`~kleaderboard.errors.GitHubError`.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any, Final, Literal, TypeVar, cast

import httpx
import pydantic
from githubkit import GitHub, Response
from githubkit.exception import GitHubException, RateLimitExceeded, RequestError, RequestFailed
from githubkit.throttling import LocalThrottler
from githubkit.typing import RetryOption
from githubkit.utils import UNSET
from githubkit_schemas.v2026_03_10 import models

from kleaderboard import display
from kleaderboard.errors import GitHubError
from kleaderboard.identifiers import is_commit_sha

DEFAULT_API_URL = "https://api.github.com"
API_VERSION: Final = "2026-03-10"  # the version githubkit's models (githubkit_schemas.v2026_03_10) describe
PER_PAGE = 100
MAX_PAGES = 30  # GitHub lists at most 3,000 files of a pull request: 30 pages of 100
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
MAX_TREE_DIRS = 64  # a hostile pull request may touch thousands of folders: read this many
RETRY_WAITS_S = (1.0, 4.0)  # after a 5xx; a CI job should fail soon rather than hang
MIN_WAIT_S = 0.001
MAX_RATE_LIMIT_WAIT = timedelta(seconds=60)  # longer rate-limit waits fail with a message instead
TRANSIENT = frozenset({500, 502, 503, 504})
BLOB_OVERHEAD = 64 * 1024  # the JSON around a blob's base64 text (sha, urls, line breaks)
BOT_TYPE = "Bot"
STATES = ("error", "failure", "pending", "success")
StatusState = Literal["error", "failure", "pending", "success"]
_REPO = re.compile(r"[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}")
_BRANCH = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,199}")
M = TypeVar("M")


@dataclass(frozen=True)
class PullRequest:
    """The facts of one pull request that the workflows act on."""

    number: int
    author: str
    head_sha: str
    head_repo: str | None  # None when the fork was deleted
    base_ref: str
    state: str
    html_url: str
    default_branch: str  # the base repository's; a pull request against another branch is refused
    head_ref: str = ""  # the head branch's name (a records pull request comes from kleaderboard-bot/…)


@dataclass(frozen=True)
class TreeEntry:
    """One entry of a git tree at a commit: path from the repository root, mode, object."""

    path: str
    mode: str
    type: str  # blob, tree or commit (a submodule)
    sha: str
    size: int | None


@dataclass(frozen=True)
class IssueComment:
    """One comment on a pull request's conversation."""

    id: int
    body: str
    author: str
    author_type: str  # "User" or "Bot"
    html_url: str


@dataclass(frozen=True)
class CreatedPullRequest:
    """A pull request this client opened."""

    number: int
    html_url: str


def check_repo(repo: str) -> str:
    """'owner/name', refused when it could reach another URL path."""
    if not _REPO.fullmatch(repo) or ".." in repo:
        raise GitHubError(f"{repo!r} is not a repository name — give it as OWNER/NAME")
    return repo


def check_sha(sha: str) -> str:
    """A full 40-hex commit id, refused otherwise (a branch name can move)."""
    if not is_commit_sha(sha):
        raise GitHubError(f"{sha!r} is not a full commit id — give the 40-hex head commit")
    return sha


def _check_branch(branch: str) -> str:
    if not _BRANCH.fullmatch(branch) or ".." in branch or branch.endswith((".lock", "/")):
        raise GitHubError(f"{branch!r} is not a branch name we create or read")
    return branch


# --- answers, read by githubkit's models -------------------------------------------------------


def _server_message(response: httpx.Response) -> str:
    try:
        error = models.BasicError.model_validate_json(response.content)
    except pydantic.ValidationError:
        return response.reason_phrase
    return error.message[:300] if isinstance(error.message, str) else response.reason_phrase


def _fix_for(status: int) -> str:
    fixes = {
        401: "the token is missing or expired: pass GITHUB_TOKEN",
        403: "the token lacks a permission (see the job's permissions:) or a rate limit was hit",
        404: "check the repository, number or commit; a token without access also sees 404",
        422: "GitHub refused the request's content",
        429: "a rate limit was hit: wait and run the job again",
    }
    return fixes.get(status, "try again later; see https://www.githubstatus.com")


def _shape_error(exc: pydantic.ValidationError, what: str) -> GitHubError:
    first = exc.errors()[0]
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first["loc"])
    more = f"; {exc.error_count() - 1} more" if exc.error_count() > 1 else ""
    subject = f"{what}{where}" if where else f"a {what}".replace("a a ", "a ")
    return GitHubError(
        f"GitHub answered {subject} of an unexpected shape ({first['msg']}{more}) — the answer is not "
        "what GitHub's API description promises; if GitHub changed it, upgrade githubkit-schemas"
    )


def _parsed(response: Response[M], what: str) -> M:
    try:
        return response.parsed_data
    except pydantic.ValidationError as exc:
        raise _shape_error(exc, what) from exc


def _pull(data: models.PullRequest) -> PullRequest:
    head, base = data.head, data.base
    return PullRequest(
        number=data.number,
        author=data.user.login,
        head_sha=check_sha(head.sha),
        head_repo=head.repo.full_name if head.repo is not None else None,
        base_ref=base.ref,
        state=data.state,
        html_url=data.html_url,
        default_branch=base.repo.default_branch,
        head_ref=head.ref,
    )


def _comment(data: models.IssueComment) -> IssueComment:
    user = data.user
    return IssueComment(
        id=data.id,
        body=data.body if isinstance(data.body, str) else "",
        author=user.login if user is not None else "",
        author_type=user.type if user is not None else "",
        html_url=data.html_url,
    )


def _tree(data: models.GitTree, folder: str) -> list[TreeEntry]:
    if data.truncated:
        raise GitHubError(f"GitHub truncated the tree of {folder or '/'}: it holds too many files")
    prefix = f"{folder}/" if folder else ""
    return [
        TreeEntry(
            path=prefix + item.path,
            mode=item.mode,
            type=item.type,
            sha=item.sha,
            size=item.size if isinstance(item.size, int) else None,
        )
        for item in data.tree
    ]


def _blob_content(data: models.Blob, sha: str, max_bytes: int) -> bytes:
    if data.size is None:
        raise GitHubError(f"GitHub answered blob {sha} without its size")
    if data.size > max_bytes:
        limit = display.number(max_bytes)
        raise GitHubError(f"blob {sha} is {display.number(data.size)} bytes; the limit is {limit}")
    if data.encoding != "base64":
        raise GitHubError(f"blob {sha} came in encoding {data.encoding!r}, not base64")
    try:
        content = base64.b64decode(data.content, validate=False)
    except (binascii.Error, ValueError) as exc:
        raise GitHubError(f"blob {sha} is not valid base64") from exc
    if len(content) != data.size:
        decoded = display.number(len(content))
        raise GitHubError(f"blob {sha} decoded to {decoded} bytes, not {display.number(data.size)}")
    return content


class _Retry:
    """githubkit's retry decision: a few short waits after a 5xx, one short rate-limit wait.

    githubkit's default waits up to 9 s three times after a 5xx and as long as GitHub's
    rate-limit reset says (up to an hour); a workflow step should rather fail and say so.
    """

    def __init__(self, waits: tuple[float, ...]) -> None:
        self.waits = waits

    def __call__(self, exc: GitHubException, retry_count: int) -> RetryOption:
        if isinstance(exc, RateLimitExceeded):
            again = retry_count == 0 and exc.retry_after <= MAX_RATE_LIMIT_WAIT
            return RetryOption(again, _wait(exc.retry_after.total_seconds()))
        transient = isinstance(exc, RequestFailed) and exc.response.status_code in TRANSIENT
        if transient and retry_count < len(self.waits):
            return RetryOption(True, _wait(self.waits[retry_count]))
        return RetryOption(False)


def _wait(seconds: float) -> timedelta:
    # githubkit sleeps 60 s when told to wait a zero timedelta (it tests the wait's truth)
    return timedelta(seconds=max(seconds, MIN_WAIT_S))


class GitHubClient:
    """A small client for one repository's REST API; use it as a context manager."""

    def __init__(
        self,
        repo: str,
        token: str | None = None,
        *,
        api_url: str | None = None,
        retry_waits: tuple[float, ...] = RETRY_WAITS_S,
    ) -> None:
        self.repo = check_repo(repo)
        self.owner, self.name = repo.split("/")
        self.api_url = (api_url or DEFAULT_API_URL).rstrip("/")
        self._github = GitHub(
            token or None,
            base_url=f"{self.api_url}/",
            follow_redirects=False,  # a redirect could lead the token to another host
            timeout=DEFAULT_TIMEOUT,
            http_cache=False,  # every answer fresh: the comment list changes between calls
            throttler=LocalThrottler(1),  # one request at a time, as GitHub asks of integrations
            auto_retry=_Retry(retry_waits),
        )
        self._rest = self._github.rest(API_VERSION)
        self._open = ExitStack()
        self._trees: dict[str, list[TreeEntry]] = {}

    @classmethod
    def from_env(cls, repo: str) -> GitHubClient:
        """A client for repo with $GITHUB_API_URL and $GITHUB_TOKEN, as Actions sets them."""
        token = os.environ.get("GITHUB_TOKEN", "").strip() or None
        api_url = os.environ.get("GITHUB_API_URL", "").strip() or None
        return cls(repo, token, api_url=api_url)

    def __enter__(self) -> GitHubClient:
        self._open.enter_context(self._github)  # one connection pool for the whole block
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP connection pool opened by ``with``."""
        self._open.close()

    # --- plumbing -----------------------------------------------------------------------

    def _shown(self, request: httpx.Request | None) -> str:
        if request is None:
            return "GitHub"
        url = str(request.url.copy_with(query=None))
        return f"{request.method} {url.removeprefix(self.api_url)}"

    def _send(self, call: Callable[[], Response[M]]) -> Response[M]:
        """Make one githubkit call; every failure becomes a GitHubError naming the call and the fix."""
        try:
            response = call()
        except RequestFailed as exc:
            raw = exc.response.raw_response
            raise GitHubError(
                f"{self._shown(exc.request)}: {raw.status_code} {_server_message(raw)} — "
                f"{_fix_for(raw.status_code)}"
            ) from exc
        except RequestError as exc:
            cause = exc.exc
            request = cause.request if isinstance(cause, httpx.RequestError) else None
            raise GitHubError(
                f"{self._shown(request)}: GitHub could not be reached ({cause}) — try again later"
            ) from exc
        if response.is_redirect:
            location = response.headers.get("location", "?")
            raise GitHubError(
                f"{self._shown(response.raw_request)}: GitHub redirected to {location} — "
                "a renamed or moved repository: set its new OWNER/NAME (redirects are not followed)"
            )
        return response

    def _call(self, what: str, call: Callable[[], Response[M]]) -> M:
        return _parsed(self._send(call), what)

    def _pages(self, what: str, model: type[list[M]], first: Callable[[], Response[list[M]]]) -> Iterator[M]:
        """Each item of a listed resource, following the Link header's rel="next" on our host only."""
        response = self._send(first)
        for _ in range(MAX_PAGES):
            yield from _parsed(response, what)
            url = self._next_page(response)
            if url is None:
                return
            response = self._send(partial(self._github.request, "GET", url, response_model=model))
        raise GitHubError(
            f"{self._shown(response.raw_request)}: more than {MAX_PAGES} pages; refusing to read further"
        )

    def _next_page(self, response: Response[Any]) -> str | None:
        url = response.raw_response.links.get("next", {}).get("url")
        if url is None:
            return None
        if not url.startswith(f"{self.api_url}/"):  # never send the token to another host
            raise GitHubError(f"GitHub's next page {url!r} is not under {self.api_url}")
        return str(url)

    # --- pull requests ----------------------------------------------------------------

    def pull_request(self, number: int) -> PullRequest:
        """One pull request: author, head commit, base branch."""
        data = self._call("pull request", lambda: self._rest.pulls.get(self.owner, self.name, int(number)))
        return _pull(data)

    def pull_request_files(self, number: int) -> list[dict[str, Any]]:
        """GitHub's "list pull request files" objects, every page (at most 3,000 files)."""
        files = self._pages(
            "a page of files",
            list[models.DiffEntry],
            lambda: self._rest.pulls.list_files(self.owner, self.name, int(number), per_page=PER_PAGE),
        )
        # scope.py parses these itself (it also reads them from a file); the keys GitHub sent
        return [entry.model_dump(mode="json", exclude_unset=True) for entry in files]

    def open_pull_request(self, head: str, base: str, title: str, body: str) -> CreatedPullRequest:
        """Open a pull request from branch head into base."""
        head, base = _check_branch(head), _check_branch(base)
        data = self._call(
            "new pull request",
            lambda: self._rest.pulls.create(
                self.owner, self.name, head=head, base=base, title=title, body=body
            ),
        )
        return CreatedPullRequest(data.number, data.html_url)

    # --- files at a commit, as data ---------------------------------------------------

    def tree(self, sha: str, folder: str = "") -> list[TreeEntry]:
        """The entries directly in folder ('' for the root) at commit sha; [] when absent."""
        key = f"{sha}:{folder}"
        if key not in self._trees:
            self._trees[key] = self._read_tree(sha, folder)
        return self._trees[key]

    def _read_tree(self, sha: str, folder: str) -> list[TreeEntry]:
        if not folder:
            return _tree(self._get_tree(check_sha(sha)), "")
        parent = folder.rpartition("/")[0]
        entry = next((e for e in self.tree(sha, parent) if e.path == folder), None)
        if entry is None or entry.type != "tree":
            return []
        return _tree(self._get_tree(check_sha(entry.sha)), folder)

    def _get_tree(self, sha: str) -> models.GitTree:
        return self._call("tree", lambda: self._rest.git.get_tree(self.owner, self.name, sha))

    def modes(self, sha: str, paths: list[str]) -> dict[str, TreeEntry]:
        """The tree entries of the given paths at commit sha (paths that are absent are left out)."""
        found: dict[str, TreeEntry] = {}
        folders = sorted({p.rpartition("/")[0] for p in paths})
        for folder in folders[:MAX_TREE_DIRS]:
            for entry in self.tree(sha, folder):
                found[entry.path] = entry
        return {p: found[p] for p in paths if p in found}

    def walk(self, sha: str, folder: str) -> list[TreeEntry]:
        """Every entry under folder at commit sha, recursively (one call per subfolder)."""
        entries = []
        for entry in self.tree(sha, folder):
            entries.append(entry)
            if entry.type == "tree":
                entries.extend(self.walk(sha, entry.path))
        return entries

    def blob(self, sha: str, max_bytes: int) -> bytes:
        """A git blob's bytes; refused when GitHub says it is larger than max_bytes.

        The answer is streamed and read only up to what a blob of max_bytes can take in
        base64 with GitHub's line breaks, so a huge or endless answer is cut off early.
        """
        check_sha(sha)
        response = self._send(lambda: self._rest.git.get_blob(self.owner, self.name, sha, stream=True))
        cap = 2 * max_bytes + BLOB_OVERHEAD  # base64 is 4/3 of the bytes, plus "\n" every 60
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > cap:
                response.raw_response.close()
                limit = display.number(max_bytes)
                raise GitHubError(
                    f"blob {sha}'s answer runs past {display.number(cap)} bytes; the limit is {limit}"
                )
        try:
            data = models.Blob.model_validate_json(bytes(body))
        except pydantic.ValidationError as exc:
            raise _shape_error(exc, "blob") from exc
        return _blob_content(data, sha, max_bytes)

    # --- comments and statuses ------------------------------------------------------------

    def issue_comments(self, number: int) -> list[IssueComment]:
        """Every comment of an issue or pull request's conversation, oldest first."""
        pages = self._pages(
            "a page of comments",
            list[models.IssueComment],
            lambda: self._rest.issues.list_comments(self.owner, self.name, int(number), per_page=PER_PAGE),
        )
        return [_comment(item) for item in pages]

    def upsert_comment(self, number: int, marker: str, body: str) -> IssueComment:
        """Update our comment holding marker, or create it; a comment by a person is never touched."""
        ours = next(
            (
                c
                for c in self.issue_comments(number)
                if c.author_type == BOT_TYPE and c.body.startswith(marker)
            ),
            None,
        )
        text = body if body.startswith(marker) else f"{marker}\n{body}"
        if ours is None:
            data = self._call(
                "comment",
                lambda: self._rest.issues.create_comment(self.owner, self.name, int(number), body=text),
            )
        else:
            comment_id = ours.id
            data = self._call(
                "comment",
                lambda: self._rest.issues.update_comment(self.owner, self.name, comment_id, body=text),
            )
        return _comment(data)

    def create_status(
        self, sha: str, state: str, context: str, description: str, target_url: str | None = None
    ) -> None:
        """Set a commit status (state: error, failure, pending or success)."""
        if state not in STATES:
            raise GitHubError(f"{state!r} is not a commit status state ({', '.join(STATES)})")
        check_sha(sha)
        self._call(
            "status",
            lambda: self._rest.repos.create_commit_status(
                self.owner,
                self.name,
                sha,
                state=cast(StatusState, state),
                context=context,
                description=description[:140],
                target_url=target_url or UNSET,
            ),
        )

    # --- writing a branch -----------------------------------------------------------------

    def branch_sha(self, branch: str) -> str:
        """The commit a branch points at."""
        ref = f"heads/{_check_branch(branch)}"
        data = self._call("ref", lambda: self._rest.git.get_ref(self.owner, self.name, ref))
        return check_sha(data.object_.sha)

    def commit_files(self, base: str, branch: str, files: Mapping[str, str], message: str) -> str:
        """Commit text files onto a new branch made from base; return the new commit id."""
        ref = f"refs/heads/{_check_branch(branch)}"
        parent = self.branch_sha(base)
        git = self._rest.git
        commit = self._call("commit", lambda: git.get_commit(self.owner, self.name, parent))
        entries: list[Any] = [
            {"path": path, "mode": "100644", "type": "blob", "content": text} for path, text in files.items()
        ]
        tree = self._call(
            "new tree",
            lambda: git.create_tree(self.owner, self.name, base_tree=commit.tree.sha, tree=entries),
        )
        new = self._call(
            "new commit",
            lambda: git.create_commit(
                self.owner, self.name, message=message, tree=tree.sha, parents=[parent]
            ),
        )
        new_sha = check_sha(new.sha)
        self._call("new ref", lambda: git.create_ref(self.owner, self.name, ref=ref, sha=new_sha))
        return new_sha


__all__ = [
    "CreatedPullRequest",
    "GitHubClient",
    "IssueComment",
    "PullRequest",
    "TreeEntry",
    "check_repo",
    "check_sha",
]
