"""The few GitHub REST calls the workflows need, over httpx.

:class:`GitHubClient` speaks to ``$GITHUB_API_URL`` (``https://api.github.com`` when
unset) with the token in ``$GITHUB_TOKEN``. Every answer is parsed at the boundary
into the small frozen types below; nothing outside this module sees GitHub's JSON,
except the "list pull request files" objects that :mod:`kleaderboard.checks.scope` parses
itself. A pull request's files are only ever read as data (trees and blobs at its
head commit), never checked out.

Any failure to reach GitHub, a refusal (401, 403, 404, 422 …) or an answer of an
unexpected shape raises :class:`~kleaderboard.errors.GitHubError`.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from kleaderboard import display
from kleaderboard.errors import GitHubError
from kleaderboard.identifiers import is_commit_sha

DEFAULT_API_URL = "https://api.github.com"
API_VERSION = "2022-11-28"
PER_PAGE = 100
MAX_PAGES = 30  # GitHub lists at most 3,000 files of a pull request: 30 pages of 100
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
MAX_TREE_DIRS = 64  # a hostile pull request may touch thousands of folders: read this many
BOT_TYPE = "Bot"
STATES = ("error", "failure", "pending", "success")
_REPO = re.compile(r"[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}")
_BRANCH = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,199}")


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


def _server_message(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.reason_phrase
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        return str(data["message"][:300])
    return response.reason_phrase


def _fix_for(status: int) -> str:
    fixes = {
        401: "the token is missing or expired: pass GITHUB_TOKEN",
        403: "the token lacks a permission (see the job's permissions:) or a rate limit was hit",
        404: "check the repository, number or commit; a token without access also sees 404",
        422: "GitHub refused the request's content",
    }
    return fixes.get(status, "try again later; see https://www.githubstatus.com")


def _expect(value: Any, kind: type, what: str) -> Any:
    if not isinstance(value, kind) or isinstance(value, bool):
        raise GitHubError(f"GitHub answered {what} of an unexpected shape (not {kind.__name__})")
    return value


def _get(data: Mapping[str, Any], key: str, kind: type, what: str) -> Any:
    return _expect(data.get(key), kind, f"{what}.{key}")


def _parse_pull(data: Any) -> PullRequest:
    data = _expect(data, dict, "a pull request")
    head = _get(data, "head", dict, "pull request")
    base = _get(data, "base", dict, "pull request")
    head_repo = head.get("repo")
    return PullRequest(
        number=_get(data, "number", int, "pull request"),
        author=_get(_get(data, "user", dict, "pull request"), "login", str, "pull request.user"),
        head_sha=check_sha(_get(head, "sha", str, "pull request.head")),
        head_repo=_get(head_repo, "full_name", str, "head.repo") if head_repo else None,
        base_ref=_get(base, "ref", str, "pull request.base"),
        state=_get(data, "state", str, "pull request"),
        html_url=_get(data, "html_url", str, "pull request"),
        default_branch=_get(
            _get(base, "repo", dict, "pull request.base"), "default_branch", str, "pull request.base.repo"
        ),
        head_ref=str(head.get("ref") or ""),
    )


def _parse_comment(data: Any) -> IssueComment:
    data = _expect(data, dict, "a comment")
    user = data.get("user") or {}
    return IssueComment(
        id=_get(data, "id", int, "comment"),
        body=data.get("body") or "",
        author=str(user.get("login", "")),
        author_type=str(user.get("type", "")),
        html_url=str(data.get("html_url", "")),
    )


def _parse_tree(data: Any, folder: str) -> list[TreeEntry]:
    data = _expect(data, dict, "a tree")
    if data.get("truncated"):
        raise GitHubError(f"GitHub truncated the tree of {folder or '/'}: it holds too many files")
    prefix = f"{folder}/" if folder else ""
    entries = []
    for item in _get(data, "tree", list, "tree"):
        item = _expect(item, dict, "a tree entry")
        size = item.get("size")
        entries.append(
            TreeEntry(
                path=prefix + _get(item, "path", str, "tree entry"),
                mode=_get(item, "mode", str, "tree entry"),
                type=_get(item, "type", str, "tree entry"),
                sha=_get(item, "sha", str, "tree entry"),
                size=size if isinstance(size, int) else None,
            )
        )
    return entries


class GitHubClient:
    """A small client for one repository's REST API; use it as a context manager."""

    def __init__(
        self,
        repo: str,
        token: str | None = None,
        *,
        api_url: str | None = None,
        http: httpx.Client | None = None,
    ) -> None:
        self.repo = check_repo(repo)
        self.api_url = (api_url or DEFAULT_API_URL).rstrip("/")
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": API_VERSION}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._owns_http = http is None
        self._http = http or httpx.Client(timeout=DEFAULT_TIMEOUT)
        self._headers = headers
        self._trees: dict[str, list[TreeEntry]] = {}

    @classmethod
    def from_env(cls, repo: str, http: httpx.Client | None = None) -> GitHubClient:
        """A client for repo with $GITHUB_API_URL and $GITHUB_TOKEN, as Actions sets them."""
        token = os.environ.get("GITHUB_TOKEN", "").strip() or None
        api_url = os.environ.get("GITHUB_API_URL", "").strip() or None
        return cls(repo, token, api_url=api_url, http=http)

    def __enter__(self) -> GitHubClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP connection pool if this client opened it."""
        if self._owns_http:
            self._http.close()

    # --- plumbing -----------------------------------------------------------------------

    def _url(self, path: str) -> str:
        return f"{self.api_url}/repos/{self.repo}{path}"

    def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        shown = f"{method} {url.removeprefix(self.api_url)}"
        try:
            response = self._http.request(method, url, headers=self._headers, **kwargs)
        except httpx.HTTPError as exc:
            raise GitHubError(f"{shown}: GitHub could not be reached ({exc}) — try again later") from exc
        if response.status_code >= 400:
            raise GitHubError(
                f"{shown}: {response.status_code} {_server_message(response)} — "
                f"{_fix_for(response.status_code)}"
            )
        return response

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._send(method, self._url(path), **kwargs)
        try:
            return response.json()
        except ValueError as exc:
            raise GitHubError(f"{method} {path}: GitHub's answer is not JSON") from exc

    def _pages(self, path: str, params: dict[str, Any] | None = None) -> Iterator[Any]:
        """Each item of a listed resource, following the Link header's rel="next"."""
        url: str | None = self._url(path)
        query: dict[str, Any] | None = {"per_page": PER_PAGE, **(params or {})}
        for _ in range(MAX_PAGES):
            if url is None:
                return
            response = self._send("GET", url, params=query)
            try:
                page = response.json()
            except ValueError as exc:
                raise GitHubError(f"GET {path}: GitHub's answer is not JSON") from exc
            yield from _expect(page, list, f"a page of {path}")
            url, query = self._next_page(response), None  # the next URL carries its query
        if url is not None:
            raise GitHubError(f"GET {path}: more than {MAX_PAGES} pages; refusing to read further")

    def _next_page(self, response: httpx.Response) -> str | None:
        url = response.links.get("next", {}).get("url")
        if url is None:
            return None
        if not url.startswith(f"{self.api_url}/"):  # never send the token to another host
            raise GitHubError(f"GitHub's next page {url!r} is not under {self.api_url}")
        return url

    # --- pull requests ----------------------------------------------------------------

    def pull_request(self, number: int) -> PullRequest:
        """One pull request: author, head commit, base branch."""
        return _parse_pull(self._json("GET", f"/pulls/{int(number)}"))

    def pull_request_files(self, number: int) -> list[dict[str, Any]]:
        """GitHub's "list pull request files" objects, every page (at most 3,000 files)."""
        return [_expect(item, dict, "a file") for item in self._pages(f"/pulls/{int(number)}/files")]

    def open_pull_request(self, head: str, base: str, title: str, body: str) -> CreatedPullRequest:
        """Open a pull request from branch head into base."""
        data = self._json(
            "POST",
            "/pulls",
            json={"head": _check_branch(head), "base": _check_branch(base), "title": title, "body": body},
        )
        data = _expect(data, dict, "a new pull request")
        return CreatedPullRequest(_get(data, "number", int, "pull"), _get(data, "html_url", str, "pull"))

    # --- files at a commit, as data ---------------------------------------------------

    def tree(self, sha: str, folder: str = "") -> list[TreeEntry]:
        """The entries directly in folder ('' for the root) at commit sha; [] when absent."""
        key = f"{sha}:{folder}"
        if key not in self._trees:
            self._trees[key] = self._read_tree(sha, folder)
        return self._trees[key]

    def _read_tree(self, sha: str, folder: str) -> list[TreeEntry]:
        if not folder:
            return _parse_tree(self._json("GET", f"/git/trees/{check_sha(sha)}"), "")
        parent = folder.rpartition("/")[0]
        entry = next((e for e in self.tree(sha, parent) if e.path == folder), None)
        if entry is None or entry.type != "tree":
            return []
        return _parse_tree(self._json("GET", f"/git/trees/{check_sha(entry.sha)}"), folder)

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
        """A git blob's bytes; refused when GitHub says it is larger than max_bytes."""
        data = _expect(self._json("GET", f"/git/blobs/{check_sha(sha)}"), dict, "a blob")
        size = _get(data, "size", int, "blob")
        if size > max_bytes:
            limit = display.number(max_bytes)
            raise GitHubError(f"blob {sha} is {display.number(size)} bytes; the limit is {limit}")
        if data.get("encoding") != "base64":
            raise GitHubError(f"blob {sha} came in encoding {data.get('encoding')!r}, not base64")
        try:
            content = base64.b64decode(_get(data, "content", str, "blob"), validate=False)
        except (binascii.Error, ValueError) as exc:
            raise GitHubError(f"blob {sha} is not valid base64") from exc
        if len(content) != size:
            decoded = display.number(len(content))
            raise GitHubError(f"blob {sha} decoded to {decoded} bytes, not {display.number(size)}")
        return content

    # --- comments and statuses ------------------------------------------------------------

    def issue_comments(self, number: int) -> list[IssueComment]:
        """Every comment of an issue or pull request's conversation, oldest first."""
        return [_parse_comment(item) for item in self._pages(f"/issues/{int(number)}/comments")]

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
            data = self._json("POST", f"/issues/{int(number)}/comments", json={"body": text})
        else:
            data = self._json("PATCH", f"/issues/comments/{ours.id}", json={"body": text})
        return _parse_comment(data)

    def create_status(
        self, sha: str, state: str, context: str, description: str, target_url: str | None = None
    ) -> None:
        """Set a commit status (state: error, failure, pending or success)."""
        if state not in STATES:
            raise GitHubError(f"{state!r} is not a commit status state ({', '.join(STATES)})")
        payload = {"state": state, "context": context, "description": description[:140]}
        if target_url:
            payload["target_url"] = target_url
        self._json("POST", f"/statuses/{check_sha(sha)}", json=payload)

    # --- writing a branch -----------------------------------------------------------------

    def branch_sha(self, branch: str) -> str:
        """The commit a branch points at."""
        data = _expect(self._json("GET", f"/git/ref/heads/{_check_branch(branch)}"), dict, "a ref")
        return check_sha(_get(_get(data, "object", dict, "ref"), "sha", str, "ref.object"))

    def commit_files(self, base: str, branch: str, files: Mapping[str, str], message: str) -> str:
        """Commit text files onto a new branch made from base; return the new commit id."""
        parent = self.branch_sha(base)
        commit = _expect(self._json("GET", f"/git/commits/{parent}"), dict, "a commit")
        base_tree = _get(_get(commit, "tree", dict, "commit"), "sha", str, "commit.tree")
        entries = [
            {"path": path, "mode": "100644", "type": "blob", "content": text} for path, text in files.items()
        ]
        tree = self._json("POST", "/git/trees", json={"base_tree": base_tree, "tree": entries})
        tree_sha = _get(_expect(tree, dict, "a new tree"), "sha", str, "tree")
        new = self._json(
            "POST", "/git/commits", json={"message": message, "tree": tree_sha, "parents": [parent]}
        )
        new_sha = check_sha(_get(_expect(new, dict, "a new commit"), "sha", str, "commit"))
        ref = f"refs/heads/{_check_branch(branch)}"
        self._json("POST", "/git/refs", json={"ref": ref, "sha": new_sha})
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
