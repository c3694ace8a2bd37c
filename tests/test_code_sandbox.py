"""Generated code runs contained: no network, its own folder, limits, no secrets.

Each hostile completion below is what a model could write for a HumanEval+ problem; the
sandbox must contain it (nothing outside its folder changes, the test run ends on time)
and the benchmark must score it wrong. On CI these tests must run (no skip): a runner
that cannot create the namespaces fails them.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from kleaderboard import code_sandbox
from kleaderboard.code_sandbox import Limits, SandboxUnavailableError, passes
from kleaderboard.suites import PACKAGE_TASKS_DIR

if code_sandbox.unshare_binary() is None and not os.environ.get("CI"):
    pytest.skip("this machine cannot create user/network namespaces (CI must)", allow_module_level=True)

FAST = Limits(wall_seconds=5, cpu_seconds=5)

PROMPT = 'def add(a: int, b: int) -> int:\n    """Return the sum of a and b."""\n'
TESTS = (
    "\n\ndef check(candidate):\n    assert candidate(2, 3) == 5\n    assert candidate(-1, 1) == 0\n\n"
    "check(add)\n"
)


def code_tasks() -> ModuleType:
    """The code tasks' scorer, loaded from the task folder as lm-eval loads it."""
    path = PACKAGE_TASKS_DIR / "ko_global_v2" / "code_tasks.py"
    spec = importlib.util.spec_from_file_location("ko_global_v2_code_tasks", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def score(completion: str) -> float:
    """pass@1 of one completion, through the task's own metric."""
    scorer = code_tasks()
    programs = scorer.humaneval_predictions([[completion]], [{"prompt": PROMPT}])
    return float(scorer.pass_at_1([TESTS], programs))


@pytest.fixture
def listener() -> Iterator[tuple[int, list[bytes]]]:
    """A TCP server on 127.0.0.1 that records whatever reaches it."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    received: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            received.append(conn.recv(100))
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], received
    stop.set()
    thread.join()
    server.close()


def test_a_correct_completion_passes() -> None:
    assert score("    return a + b\n") == 1.0
    assert score("    return a - b\n") == 0.0


def test_a_network_call_is_contained_and_scored_wrong(listener: tuple[int, list[bytes]]) -> None:
    port, received = listener
    completion = (
        "    import socket\n"
        f"    socket.create_connection(('127.0.0.1', {port}), timeout=2).sendall(b'leak')\n"
        "    return a + b\n"
    )
    assert score(completion) == 0.0
    time.sleep(0.3)
    assert received == []  # the host's loopback is another namespace's


def test_a_write_outside_its_folder_is_refused_and_scored_wrong(tmp_path: Path) -> None:
    target = tmp_path / "written-by-the-model"
    completion = f"    open({str(target)!r}, 'w').write('x')\n    return a + b\n"
    assert score(completion) == 0.0
    assert not target.exists()


def test_an_endless_loop_is_stopped_and_scored_wrong() -> None:
    started = time.monotonic()
    assert not passes(PROMPT + "    while True:\n        pass\n" + TESTS, FAST)
    assert time.monotonic() - started < FAST.wall_seconds + 5


def test_a_fork_bomb_is_capped_and_scored_wrong() -> None:
    bomb = (
        "    import os\n    while True:\n        try:\n            os.fork()\n"
        "        except OSError:\n            pass\n"
    )
    started = time.monotonic()
    assert not passes(PROMPT + bomb + TESTS, Limits(wall_seconds=3, cpu_seconds=3, processes=16))
    assert time.monotonic() - started < 10


def test_secrets_of_the_runner_are_out_of_reach(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HF_TOKEN", "hf_secret")
    home = tmp_path / "home"
    (home / ".cache" / "huggingface").mkdir(parents=True)
    (home / ".cache" / "huggingface" / "token").write_text("hf_secret")
    monkeypatch.setenv("HOME", str(home))
    token_file = home / ".cache" / "huggingface" / "token"
    steal = (
        "import os\n"
        "assert 'hf_secret' not in repr(dict(os.environ))\n"
        f"assert not os.path.exists({str(token_file)!r})\n"
    )
    assert passes(steal, FAST)  # the program itself checks it sees neither


def test_memory_and_disk_are_capped() -> None:
    assert not passes("x = bytearray(8 << 30)\n", FAST)
    assert passes("open('small', 'w').write('x' * 1000)\n", FAST)  # its own folder is writable
    assert not passes("open('big', 'w').write('x' * (4 << 20))\n", FAST)  # one file over 1 MiB
    many = "for i in range(40):\n    open(f'f{i}', 'w').write('x' * (1 << 19))\n"
    assert not passes(many, FAST)  # 20 MiB in all: over the folder's 16 MiB


def test_it_refuses_to_run_code_where_it_cannot_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(code_sandbox, "unshare_binary", lambda: None)
    with pytest.raises(SandboxUnavailableError, match="generated code cannot be sandboxed on this machine"):
        passes("print(1)")
