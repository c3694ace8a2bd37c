"""A real HTTP server on 127.0.0.1 that answers like GitHub's REST API, for the workflow commands.

It keeps a tiny git object store (blobs, trees, commits, refs), pull requests with
their file lists, issue comments and commit statuses, and answers in the full shapes
GitHub documents for REST API version 2026-03-10 (built by tests/github_shapes.py,
which cites its sources): paginated lists with a ``Link`` header, base64 blobs with
line breaks, ``basic-error`` refusals. The client reads them with githubkit's models of
GitHub's OpenAPI description, so an answer the real API would not give fails the tests.
Every request is logged so tests can assert what was asked. Nothing here talks to any
other host.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests import github_shapes as shapes

BOT = {"login": "github-actions[bot]", "id": 41898282, "type": "Bot"}  # who GITHUB_TOKEN acts as
Files = dict[str, "bytes | tuple[bytes, str]"]


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any = None


def _sha1(kind: str, data: bytes) -> str:
    return hashlib.sha1(f"{kind} {len(data)}\0".encode() + data).hexdigest()


@dataclass
class Store:
    """Git objects: blobs by sha, trees as entry lists, commits with their flat file map."""

    blobs: dict[str, bytes] = field(default_factory=dict)
    trees: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    flat: dict[str, dict[str, tuple[bytes, str]]] = field(default_factory=dict)  # root tree → files
    commits: dict[str, dict[str, Any]] = field(default_factory=dict)

    def blob(self, content: bytes) -> str:
        sha = _sha1("blob", content)
        self.blobs[sha] = content
        return sha

    def tree(self, files: dict[str, tuple[bytes, str]]) -> str:
        """Build the nested trees of a flat {path: (content, mode)} map; return the root tree sha."""
        children: dict[str, dict[str, tuple[bytes, str]]] = {}
        entries = []
        for path, (content, mode) in sorted(files.items()):
            head, sep, rest = path.partition("/")
            if sep:
                children.setdefault(head, {})[rest] = (content, mode)
            elif mode == "160000":
                entries.append({"path": head, "mode": mode, "type": "commit", "sha": content.decode()})
            else:
                sha = self.blob(content)
                entries.append({"path": head, "mode": mode, "type": "blob", "sha": sha, "size": len(content)})
        for name, sub in children.items():
            entries.append({"path": name, "mode": "040000", "type": "tree", "sha": self.tree(sub)})
        entries.sort(key=lambda e: e["path"])
        sha = _sha1("tree", json.dumps(entries, sort_keys=True).encode())
        self.trees[sha] = entries
        return sha

    def commit(self, files: Files, parents: tuple[str, ...] = (), message: str = "commit") -> str:
        flat = {p: (v, "100644") if isinstance(v, bytes) else v for p, v in files.items()}
        root = self.tree(flat)
        self.flat[root] = flat
        return self.commit_tree(root, list(parents), message)

    def commit_tree(self, root: str, parents: list[str], message: str) -> str:
        sha = _sha1("commit", json.dumps([root, parents, message]).encode())
        self.commits[sha] = {"tree": root, "parents": parents, "message": message}
        return sha


class FakeGitHub(ThreadingHTTPServer):
    """GitHub's REST API for one repository, on 127.0.0.1 and a free port."""

    daemon_threads = True

    def __init__(self, repo: str = "acme/leaderboard", token: str = "test-token") -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.repo = repo
        self.token = token
        self.store = Store()
        self.pulls: dict[int, dict[str, Any]] = {}
        self.files: dict[int, list[dict[str, Any]]] = {}
        self.comments: dict[int, list[dict[str, Any]]] = {}
        self.statuses: list[dict[str, Any]] = []
        self.refs: dict[str, str] = {}
        self.default_branch = "main"
        self.opened: list[dict[str, Any]] = []
        self.seen: list[Seen] = []
        self.page_size = 100
        self.fail: dict[str, tuple[int, str]] = {}  # path regex → (status, message)
        self.flaky: dict[str, int] = {}  # path regex → how many 502s to answer before working
        self.moved: dict[str, str] = {}  # path regex → where a 301 sends the client
        self.next_page_host: str | None = None  # to test that a foreign next page is refused
        self._ids = iter(range(9000, 10**9))
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def new_id(self) -> int:
        return next(self._ids)

    @property
    def bot(self) -> dict[str, Any]:
        """The ``simple-user`` that GITHUB_TOKEN writes as."""
        return shapes.user_of(self.url, BOT)

    def repository(self, full_name: str, fork: bool = True) -> dict[str, Any]:
        """A full ``repository`` object, e.g. to change a pull request's head repository."""
        return shapes.repository(self.url, full_name, fork=fork, default_branch=self.default_branch)

    # --- setting the scene ------------------------------------------------------------------

    def add_pull(
        self, number: int, author: str, head_sha: str, files: list[dict[str, Any]], base_ref: str = "main"
    ) -> None:
        base_sha = self.refs.get(f"heads/{base_ref}", "0" * 40)
        base = (base_ref, base_sha, self.default_branch)
        self.pulls[number] = shapes.pull_request(self.url, self.repo, number, author, head_sha, base)
        self.files[number] = [
            shapes.diff_entry(self.url, self.repo, item, hashlib.sha1(item["filename"].encode()).hexdigest())
            for item in files
        ]

    def add_comment(self, number: int, body: str, user: dict[str, Any]) -> dict[str, Any]:
        """A comment by user (a full ``simple-user`` is made from {"login": …, "type": …})."""
        comment = shapes.issue_comment(
            self.url, self.repo, number, self.new_id(), body, shapes.user_of(self.url, user)
        )
        self.comments.setdefault(number, []).append(comment)
        return comment

    def requests_to(self, method: str, pattern: str) -> list[Seen]:
        return [s for s in self.seen if s.method == method and re.fullmatch(pattern, s.path)]


class _Handler(BaseHTTPRequestHandler):
    server: FakeGitHub

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PATCH(self) -> None:
        self._serve("PATCH")

    def log_message(self, format: str, *args: Any) -> None:
        pass

    # --- plumbing ---------------------------------------------------------------------------

    def _serve(self, method: str) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        headers = {k.lower(): v for k, v in self.headers.items()}
        seen = Seen(method, parts.path, parse_qs(parts.query), headers, body)
        with self.server.lock:
            self.server.seen.append(seen)
            self._answer(seen)

    def _injected(self, seen: Seen) -> bool:
        """Answer with a failure a test set up for this path; False when there is none."""
        server = self.server
        for pattern, (status, message) in server.fail.items():
            if re.fullmatch(pattern, seen.path):
                self._error(status, message)
                return True
        for pattern, location in server.moved.items():
            if re.fullmatch(pattern, seen.path):
                self._json(301, shapes.basic_error(301, "Moved Permanently"), {"Location": location})
                return True
        for pattern, left in server.flaky.items():
            if re.fullmatch(pattern, seen.path) and left > 0:
                server.flaky[pattern] = left - 1
                self._error(502, "Server Error")
                return True
        return False

    def _answer(self, seen: Seen) -> None:
        server = self.server
        if self._injected(seen):
            return None
        # GitHub takes the token as "Bearer …" or "token …" (githubkit sends the latter)
        if seen.headers.get("authorization") not in (f"Bearer {server.token}", f"token {server.token}"):
            return self._error(401, "Bad credentials")
        prefix = f"/repos/{server.repo}"
        if not seen.path.startswith(prefix + "/"):
            return self._not_found()
        route = seen.path[len(prefix) :]
        for (method, pattern), handler in ROUTES.items():
            match = re.fullmatch(pattern, route)
            if method == seen.method and match:
                return handler(self, seen, *match.groups())
        return self._not_found()

    def _error(self, status: int, message: str) -> None:
        self._json(status, shapes.basic_error(status, message))

    def _not_found(self) -> None:
        self._error(404, "Not Found")

    def _json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
        payload = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _page(self, seen: Seen, items: list[Any]) -> None:
        per_page = min(int(seen.query.get("per_page", ["30"])[0]), self.server.page_size)
        page = int(seen.query.get("page", ["1"])[0])
        chunk = items[(page - 1) * per_page : page * per_page]
        last = max(1, -(-len(items) // per_page))
        headers = {}
        if page < last:
            host = self.server.next_page_host or self.server.url
            link = f"{host}{seen.path}?per_page={per_page}&page="
            headers["Link"] = f'<{link}{page + 1}>; rel="next", <{link}{last}>; rel="last"'
        self._json(200, chunk, headers)

    # --- routes -----------------------------------------------------------------------------

    def pull(self, seen: Seen, number: str) -> None:
        pr = self.server.pulls.get(int(number))
        if pr is None:
            return self._not_found()
        self._json(200, pr)

    def pull_files(self, seen: Seen, number: str) -> None:
        self._page(seen, self.server.files.get(int(number), []))

    def tree(self, seen: Seen, sha: str) -> None:
        server = self.server
        root = server.store.commits[sha]["tree"] if sha in server.store.commits else sha
        if root not in server.store.trees:
            return self._not_found()
        self._json(200, shapes.git_tree(server.url, server.repo, root, server.store.trees[root]))

    def blob(self, seen: Seen, sha: str) -> None:
        content = self.server.store.blobs.get(sha)
        if content is None:
            return self._not_found()
        encoded = base64.encodebytes(content).decode()  # GitHub breaks lines like this, too
        self._json(200, shapes.blob(self.server.url, self.server.repo, sha, encoded, len(content)))

    def comments(self, seen: Seen, number: str) -> None:
        self._page(seen, self.server.comments.get(int(number), []))

    def create_comment(self, seen: Seen, number: str) -> None:
        self._json(201, self.server.add_comment(int(number), seen.body["body"], BOT))

    def update_comment(self, seen: Seen, comment_id: str) -> None:
        for comments in self.server.comments.values():
            for comment in comments:
                if comment["id"] == int(comment_id):
                    if comment["user"]["type"] != "Bot":
                        return self._error(403, "Resource not accessible by integration")
                    comment["body"] = seen.body["body"]
                    return self._json(200, comment)
        self._not_found()

    def status(self, seen: Seen, sha: str) -> None:
        server = self.server
        posted = {"id": server.new_id(), "sha": sha, **seen.body, "creator": BOT}  # what tests assert
        server.statuses.append(posted)
        self._json(201, shapes.status(server.url, server.repo, posted["id"], posted, server.bot))

    def ref(self, seen: Seen, branch: str) -> None:
        sha = self.server.refs.get(f"heads/{branch}")
        if sha is None:
            return self._not_found()
        self._json(200, shapes.git_ref(self.server.url, self.server.repo, f"refs/heads/{branch}", sha))

    def commit(self, seen: Seen, sha: str) -> None:
        commit = self.server.store.commits.get(sha)
        if commit is None:
            return self._not_found()
        self._json(200, shapes.git_commit(self.server.url, self.server.repo, sha, commit))

    def create_tree(self, seen: Seen) -> None:
        server = self.server
        store = server.store
        flat = dict(store.flat.get(seen.body.get("base_tree", ""), {}))
        for entry in seen.body["tree"]:
            flat[entry["path"]] = (entry["content"].encode(), entry["mode"])
        root = store.tree(flat)
        store.flat[root] = flat
        self._json(201, shapes.git_tree(server.url, server.repo, root, store.trees[root]))

    def create_commit(self, seen: Seen) -> None:
        server = self.server
        sha = server.store.commit_tree(seen.body["tree"], seen.body["parents"], seen.body["message"])
        self._json(201, shapes.git_commit(server.url, server.repo, sha, server.store.commits[sha]))

    def create_ref(self, seen: Seen) -> None:
        server = self.server
        name = seen.body["ref"].removeprefix("refs/")
        if name in server.refs:
            return self._error(422, "Reference already exists")
        server.refs[name] = seen.body["sha"]
        self._json(201, shapes.git_ref(server.url, server.repo, seen.body["ref"], seen.body["sha"]))

    def create_pull(self, seen: Seen) -> None:
        server = self.server
        number = 500 + len(server.opened)
        server.opened.append({"number": number, **seen.body})
        head = server.refs.get(f"heads/{seen.body['head']}", "0" * 40)
        base = server.refs.get(f"heads/{seen.body['base']}", "0" * 40)
        bot = server.bot["login"]
        pull = shapes.pull_request(
            server.url, server.repo, number, bot, head, (seen.body["base"], base, server.default_branch)
        )
        pull["head"].update(ref=seen.body["head"], repo=server.repository(server.repo, fork=False))
        pull.update(user=server.bot, title=seen.body["title"], body=seen.body.get("body"))
        pull.update(author_association="NONE")
        self._json(201, pull)


ROUTES = {
    ("GET", r"/pulls/(\d+)"): _Handler.pull,
    ("GET", r"/pulls/(\d+)/files"): _Handler.pull_files,
    ("GET", r"/git/trees/([0-9a-f]{40})"): _Handler.tree,
    ("GET", r"/git/blobs/([0-9a-f]{40})"): _Handler.blob,
    ("GET", r"/issues/(\d+)/comments"): _Handler.comments,
    ("POST", r"/issues/(\d+)/comments"): _Handler.create_comment,
    ("PATCH", r"/issues/comments/(\d+)"): _Handler.update_comment,
    ("POST", r"/statuses/([0-9a-f]{40})"): _Handler.status,
    ("GET", r"/git/ref/heads/(.+)"): _Handler.ref,
    ("GET", r"/git/commits/([0-9a-f]{40})"): _Handler.commit,
    ("POST", r"/git/trees"): _Handler.create_tree,
    ("POST", r"/git/commits"): _Handler.create_commit,
    ("POST", r"/git/refs"): _Handler.create_ref,
    ("POST", r"/pulls"): _Handler.create_pull,
}


def serve(server: ThreadingHTTPServer) -> Iterator[Any]:
    """Run a server in a thread for the length of a test; always shut it down."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
