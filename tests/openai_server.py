"""A small OpenAI-compatible completions server for tests, backed by a real transformers model.

It answers ``POST /v1/completions`` the way lm-eval's ``local-completions`` backend
expects: token-id prompts, ``echo`` with per-token ``logprobs`` (log-likelihood
requests) and greedy generation with ``stop`` strings. It listens on 127.0.0.1 only.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


class _Model:
    def __init__(self, path: Path) -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.torch = torch
        self.model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32).eval()
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self.lock = threading.Lock()

    def echo(self, ids: list[int]) -> dict[str, Any]:
        torch = self.torch
        with self.lock, torch.no_grad():
            logits = self.model(torch.tensor([ids])).logits[0].log_softmax(-1)
        token_logprobs: list[float | None] = [None]
        top: list[dict[str, float] | None] = [None]
        for i in range(1, len(ids) + 1):
            row = logits[i - 1]
            best = int(row.argmax())
            token = ids[i] if i < len(ids) else best  # the one "generated" token after the prompt
            token_logprobs.append(float(row[token]))
            top.append({self.tokenizer.decode([best]): float(row[best])})
        return {"token_logprobs": token_logprobs, "top_logprobs": top}

    def generate(self, ids: list[int], max_tokens: int, stop: list[str]) -> str:
        torch = self.torch
        with self.lock, torch.no_grad():
            out = self.model.generate(
                torch.tensor([ids]), max_new_tokens=max_tokens, do_sample=False, pad_token_id=0
            )
        text = self.tokenizer.decode(out[0][len(ids) :], skip_special_tokens=True)
        cut = min((text.index(s) for s in stop if s and s in text), default=len(text))
        return text[:cut]


def _handler(model: _Model) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep test output quiet
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            prompts = body["prompt"]
            prompts = prompts if isinstance(prompts[0], list) else [prompts]
            choices = []
            for index, ids in enumerate(prompts):
                if body.get("echo"):
                    choices.append({"index": index, "text": "", "logprobs": model.echo(ids)})
                else:
                    stop = body.get("stop") or []
                    text = model.generate(ids, int(body["max_tokens"]), list(stop))
                    choices.append({"index": index, "text": text})
            payload = json.dumps({"object": "text_completion", "choices": choices}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    return Handler


@contextmanager
def completions_server(model_path: Path) -> Iterator[str]:
    """Serve the model on 127.0.0.1; yield the completions URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(_Model(model_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/v1/completions"
    finally:
        server.shutdown()
        server.server_close()
