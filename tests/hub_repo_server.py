"""A Hugging Face Hub stand-in that serves one model folder at one commit, on 127.0.0.1.

It answers the calls ``huggingface_hub`` makes for ``list_repo_tree`` and
``snapshot_download`` (tree listing, HEAD and GET of ``resolve`` URLs) the way the Hub
does: git blob ids for small files, LFS sha256 for ``*.safetensors`` and other large
files, the commit in ``X-Repo-Commit``. A test may make it lie (serve other bytes than it
lists) to prove that the snapshot check catches it.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

LFS_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".pkl")


def _blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


class RepoHub(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, repo_id: str, commit: str, folder: Path, kind: str = "model") -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.kind = kind  # "model" or "dataset": the Hub's URLs differ by repo type
        self.repo_id = repo_id
        self.commit = commit
        self.files = {
            p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
        }
        self.served: dict[str, bytes] = {}  # path -> bytes served instead of the listed ones
        self.requests: list[str] = []
        self.ranges = True  # answer Range requests with 206, as the Hub's CDN does
        self.bytes_sent = 0  # body bytes of resolve answers, to measure what a reader fetched

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def info(self) -> dict[str, Any]:
        """``/api/models/{repo}/revision/{rev}``, parameters counted from the safetensors headers."""
        total, by_dtype = 0, {}
        for name, data in self.files.items():
            if name.endswith(".safetensors"):
                size = int.from_bytes(data[:8], "little")
                header = json.loads(data[8 : 8 + size])
                for key, tensor in header.items():
                    if key != "__metadata__":
                        count = math.prod(tensor["shape"])
                        total += count
                        by_dtype[tensor["dtype"]] = by_dtype.get(tensor["dtype"], 0) + count
        return {
            "id": self.repo_id,
            "sha": self.commit,
            "private": False,
            "gated": False,
            "tags": ["license:mit"],
            "cardData": {"license": "mit"},
            "safetensors": {"total": total, "parameters": by_dtype},
        }

    def listing(self) -> list[dict[str, Any]]:
        out = []
        for name, data in self.files.items():
            entry: dict[str, Any] = {"type": "file", "path": name, "size": len(data), "oid": _blob_id(data)}
            if name.endswith(LFS_SUFFIXES):
                entry["lfs"] = {
                    "oid": hashlib.sha256(data).hexdigest(),
                    "size": len(data),
                    "pointerSize": 134,
                }
            out.append(entry)
        return out


class _Handler(BaseHTTPRequestHandler):
    server: RepoHub

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def do_GET(self) -> None:
        self._answer(body=True)

    def _answer(self, body: bool) -> None:
        hub = self.server
        path = unquote(urlsplit(self.path).path)
        hub.requests.append(f"{self.command} {path}")
        api = f"/api/{hub.kind}s/{hub.repo_id}"
        tree = f"{api}/tree/"
        resolve = f"/{hub.repo_id}/resolve/" if hub.kind == "model" else f"/datasets/{hub.repo_id}/resolve/"
        if path.startswith(tree):
            rev = path[len(tree) :].split("/", 1)[0]
            if rev != hub.commit:
                return self._send(
                    404, b'{"error": "Revision not found"}', {"X-Error-Code": "RevisionNotFound"}, body
                )
            return self._send(
                200, json.dumps(hub.listing()).encode(), {"Content-Type": "application/json"}, body
            )
        info = f"{api}/revision/"
        if path == api:  # the default branch's info: the current commit
            return self._send(
                200, json.dumps(hub.info()).encode(), {"Content-Type": "application/json"}, body
            )
        if path.startswith(info):
            if path[len(info) :] not in (hub.commit, "main"):
                return self._send(
                    404, b'{"error": "Revision not found"}', {"X-Error-Code": "RevisionNotFound"}, body
                )
            return self._send(
                200, json.dumps(hub.info()).encode(), {"Content-Type": "application/json"}, body
            )
        if path.startswith(resolve):
            rev, _, name = path[len(resolve) :].partition("/")
            if rev != hub.commit or name not in hub.files:
                return self._send(404, b"not found", {"X-Error-Code": "EntryNotFound"}, body)
            listed = hub.files[name]
            data = hub.served.get(name, listed)
            headers = {"X-Repo-Commit": hub.commit, "ETag": f'"{_blob_id(listed)}"'}
            if name.endswith(LFS_SUFFIXES):
                headers |= {
                    "X-Linked-Etag": f'"{hashlib.sha256(listed).hexdigest()}"',
                    "X-Linked-Size": str(len(data)),
                }
            wanted = self.headers.get("Range")
            if wanted and hub.ranges and body:
                return self._send_range(data, wanted, headers)
            hub.bytes_sent += len(data) if body else 0
            return self._send(200, data, headers, body)
        self._send(404, b"unknown route", {}, body)

    def _send_range(self, data: bytes, wanted: str, headers: dict[str, str]) -> None:
        """One 'bytes=a-b' range, as a 206 answer (the only form a streaming reader sends)."""
        first, _, last = wanted.removeprefix("bytes=").partition("-")
        start, stop = int(first), min(int(last), len(data) - 1)
        part = data[start : stop + 1]
        self.server.bytes_sent += len(part)
        headers = headers | {"Content-Range": f"bytes {start}-{stop}/{len(data)}"}
        self._send(206, part, headers, True)

    def _send(self, status: int, data: bytes, headers: dict[str, str], body: bool) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serving(repo_id: str, commit: str, folder: Path, kind: str = "model") -> Iterator[RepoHub]:
    hub = RepoHub(repo_id, commit, folder, kind)
    thread = threading.Thread(target=hub.serve_forever, daemon=True)
    thread.start()
    try:
        yield hub
    finally:
        hub.shutdown()
        hub.server_close()
        thread.join()
