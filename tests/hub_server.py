"""A recorded Hugging Face Hub for tests: a real HTTP server on 127.0.0.1 answering from
the recorded responses in tests/data/hub/*.json (shapes checked against huggingface_hub)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

HUB_DATA = Path(__file__).parent / "data" / "hub"


@dataclass(frozen=True)
class Seen:
    path: str
    headers: dict[str, str]


class RecordedHub(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, routes: dict[str, dict[str, Any]], delay: float = 0.0) -> None:
        super().__init__(("127.0.0.1", 0), _Replay)
        self.routes = routes
        self.delay = delay
        self.seen: list[Seen] = []

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


class _Replay(BaseHTTPRequestHandler):
    server: RecordedHub

    def do_GET(self) -> None:
        self.server.seen.append(Seen(self.path, {k.lower(): v for k, v in self.headers.items()}))
        time.sleep(self.server.delay)
        answer = self.server.routes.get(self.path)
        if answer is None:  # a request the tests did not expect: fail loudly, as a 500
            answer = {"status": 500, "headers": {}, "text": f"no recorded answer for {self.path}"}
        body = json.dumps(answer["json"]).encode() if "json" in answer else answer["text"].encode()
        self.send_response(answer["status"])
        for name, value in answer["headers"].items():
            self.send_header(name, value.replace("{endpoint}", self.server.url))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def recorded_routes(names: tuple[str, ...] | None = None) -> dict[str, dict[str, Any]]:
    """Every recorded answer, or those of the named files only."""
    routes: dict[str, dict[str, Any]] = {}
    paths = [HUB_DATA / f"{n}.json" for n in names] if names else sorted(HUB_DATA.glob("*.json"))
    for path in paths:
        for target, answer in json.loads(path.read_text(encoding="utf-8"))["responses"].items():
            assert target not in routes, f"{path.name}: {target} is recorded twice"
            routes[target] = answer
    return routes


def serve(server: RecordedHub) -> Iterator[RecordedHub]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
