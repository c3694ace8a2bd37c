"""A real HTTP server on 127.0.0.1 that answers like GitHub's REST API, for the workflow commands.

It keeps a tiny git object store (blobs, trees, commits, refs), pull requests with
their file lists, issue comments and commit statuses, and answers in the shapes
GitHub documents: paginated lists with a ``Link`` header, base64 blobs with line
breaks, ``{"message": …}`` errors. Every request is logged so tests can assert what
was asked. A second small server replays recorded Hugging Face Hub answers from
``tests/data/hub/``. Nothing here talks to any other host.
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

BOT = {"login": "github-actions[bot]", "id": 41898282, "type": "Bot"}
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
        self.next_page_host: str | None = None  # to test that a foreign next page is refused
        self._ids = iter(range(9000, 10**9))
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def new_id(self) -> int:
        return next(self._ids)

    # --- setting the scene ------------------------------------------------------------------

    def add_pull(
        self, number: int, author: str, head_sha: str, files: list[dict[str, Any]], base_ref: str = "main"
    ) -> None:
        owner = self.repo.split("/")[0]
        user = {"login": author, "id": 1000 + number, "type": "User"}
        self.pulls[number] = {
            "url": f"{self.url}/repos/{self.repo}/pulls/{number}",
            "id": 100000 + number,
            "number": number,
            "state": "open",
            "title": f"Submission {number}",
            "user": user,
            "html_url": f"https://github.com/{self.repo}/pull/{number}",
            "draft": False,
            "head": {
                "label": f"{author}:submit",
                "ref": "submit",
                "sha": head_sha,
                "user": user,
                "repo": {"full_name": f"{author}/{self.repo.split('/')[1]}", "fork": True},
            },
            "base": {
                "label": f"{owner}:{base_ref}",
                "ref": base_ref,
                "sha": self.refs.get(f"heads/{base_ref}", "0" * 40),
                "repo": {"full_name": self.repo, "fork": False, "default_branch": self.default_branch},
            },
        }
        self.files[number] = [_file_object(item) for item in files]

    def add_comment(self, number: int, body: str, user: dict[str, Any]) -> dict[str, Any]:
        comment = {
            "id": self.new_id(),
            "node_id": "IC_x",
            "html_url": f"https://github.com/{self.repo}/pull/{number}#issuecomment-1",
            "body": body,
            "user": user,
            "created_at": "2026-11-23T00:00:00Z",
            "updated_at": "2026-11-23T00:00:00Z",
            "author_association": "NONE",
        }
        self.comments.setdefault(number, []).append(comment)
        return comment

    def requests_to(self, method: str, pattern: str) -> list[Seen]:
        return [s for s in self.seen if s.method == method and re.fullmatch(pattern, s.path)]


def _file_object(item: dict[str, Any]) -> dict[str, Any]:
    """A "list pull request files" entry as GitHub sends it (no mode, no size)."""
    name = item["filename"]
    out = {
        "sha": hashlib.sha1(name.encode()).hexdigest(),
        "filename": name,
        "status": item.get("status", "added"),
        "additions": 3,
        "deletions": 0,
        "changes": 3,
        "blob_url": f"https://github.com/x/y/blob/sha/{name}",
        "raw_url": f"https://github.com/x/y/raw/sha/{name}",
        "contents_url": f"https://api.github.com/repos/x/y/contents/{name}?ref=sha",
        "patch": "@@ -0,0 +1,3 @@",
    }
    if "previous_filename" in item:
        out["previous_filename"] = item["previous_filename"]
    return out


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

    def _answer(self, seen: Seen) -> None:
        for pattern, (status, message) in self.server.fail.items():
            if re.fullmatch(pattern, seen.path):
                return self._json(
                    status, {"message": message, "documentation_url": "https://docs.github.com"}
                )
        if seen.headers.get("authorization") != f"Bearer {self.server.token}":
            return self._json(401, {"message": "Bad credentials"})
        prefix = f"/repos/{self.server.repo}"
        if not seen.path.startswith(prefix + "/"):
            return self._json(404, {"message": "Not Found"})
        route = seen.path[len(prefix) :]
        for (method, pattern), handler in ROUTES.items():
            match = re.fullmatch(pattern, route)
            if method == seen.method and match:
                return handler(self, seen, *match.groups())
        return self._json(404, {"message": "Not Found"})

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
            return self._json(404, {"message": "Not Found"})
        self._json(200, pr)

    def pull_files(self, seen: Seen, number: str) -> None:
        self._page(seen, self.server.files.get(int(number), []))

    def tree(self, seen: Seen, sha: str) -> None:
        store = self.server.store
        root = store.commits[sha]["tree"] if sha in store.commits else sha
        if root not in store.trees:
            return self._json(404, {"message": "Not Found"})
        entries = [{**e, "url": f"{self.server.url}/x"} for e in store.trees[root]]
        self._json(200, {"sha": root, "url": f"{self.server.url}/x", "tree": entries, "truncated": False})

    def blob(self, seen: Seen, sha: str) -> None:
        content = self.server.store.blobs.get(sha)
        if content is None:
            return self._json(404, {"message": "Not Found"})
        encoded = base64.encodebytes(content).decode()  # GitHub breaks lines like this, too
        self._json(
            200,
            {"sha": sha, "node_id": "B_x", "size": len(content), "content": encoded, "encoding": "base64"},
        )

    def comments(self, seen: Seen, number: str) -> None:
        self._page(seen, self.server.comments.get(int(number), []))

    def create_comment(self, seen: Seen, number: str) -> None:
        self._json(201, self.server.add_comment(int(number), seen.body["body"], BOT))

    def update_comment(self, seen: Seen, comment_id: str) -> None:
        for comments in self.server.comments.values():
            for comment in comments:
                if comment["id"] == int(comment_id):
                    if comment["user"]["type"] != "Bot":
                        return self._json(403, {"message": "Resource not accessible by integration"})
                    comment["body"] = seen.body["body"]
                    return self._json(200, comment)
        self._json(404, {"message": "Not Found"})

    def status(self, seen: Seen, sha: str) -> None:
        status = {"id": self.server.new_id(), "sha": sha, **seen.body, "creator": BOT}
        self.server.statuses.append(status)
        self._json(201, status)

    def ref(self, seen: Seen, branch: str) -> None:
        sha = self.server.refs.get(f"heads/{branch}")
        if sha is None:
            return self._json(404, {"message": "Not Found"})
        self._json(200, {"ref": f"refs/heads/{branch}", "object": {"sha": sha, "type": "commit"}})

    def commit(self, seen: Seen, sha: str) -> None:
        commit = self.server.store.commits.get(sha)
        if commit is None:
            return self._json(404, {"message": "Not Found"})
        parents = [{"sha": p} for p in commit["parents"]]
        self._json(
            200,
            {"sha": sha, "tree": {"sha": commit["tree"]}, "parents": parents, "message": commit["message"]},
        )

    def create_tree(self, seen: Seen) -> None:
        store = self.server.store
        flat = dict(store.flat.get(seen.body.get("base_tree", ""), {}))
        for entry in seen.body["tree"]:
            flat[entry["path"]] = (entry["content"].encode(), entry["mode"])
        root = store.tree(flat)
        store.flat[root] = flat
        self._json(201, {"sha": root, "tree": store.trees[root], "truncated": False})

    def create_commit(self, seen: Seen) -> None:
        sha = self.server.store.commit_tree(seen.body["tree"], seen.body["parents"], seen.body["message"])
        self._json(201, {"sha": sha, "tree": {"sha": seen.body["tree"]}})

    def create_ref(self, seen: Seen) -> None:
        name = seen.body["ref"].removeprefix("refs/")
        if name in self.server.refs:
            return self._json(422, {"message": "Reference already exists"})
        self.server.refs[name] = seen.body["sha"]
        self._json(201, {"ref": seen.body["ref"], "object": {"sha": seen.body["sha"]}})

    def create_pull(self, seen: Seen) -> None:
        number = 500 + len(self.server.opened)
        self.server.opened.append({"number": number, **seen.body})
        self._json(
            201, {"number": number, "html_url": f"https://github.com/{self.server.repo}/pull/{number}"}
        )


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
