"""The pinned snapshot: exactly the allowed files of one commit, each checked against the Hub's listing.

The Hub is a real HTTP server on 127.0.0.1 (tests/hub_repo_server.py) that
``huggingface_hub`` itself talks to.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kleaderboard.errors import HubError, InputError
from kleaderboard.evaluation.snapshot import RECORD_NAME, allowed, fetch_snapshot, read_snapshot

from .hub_repo_server import serving

hub_lib = pytest.importorskip("huggingface_hub", reason="needs the eval extra")

REPO = "test-team/tiny"
COMMIT = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture
def online(monkeypatch: pytest.MonkeyPatch) -> None:
    """The session is offline (conftest); fetching is the one step that talks to a Hub: ours."""
    monkeypatch.setattr(hub_lib.constants, "HF_HUB_OFFLINE", False)


@pytest.fixture
def repo(tmp_path: Path, tiny_model: Path) -> Path:
    """The tiny model as a team would upload it, with files the evaluation must never load."""
    folder = tmp_path / "repo"
    shutil.copytree(tiny_model, folder)
    (folder / "pytorch_model.bin").write_bytes(b"pickle weights: never downloaded")
    (folder / "modeling_evil.py").write_text("import os  # remote code: never downloaded\n")
    (folder / "README.md").write_text("# tiny\n")
    return folder


def quiet(line: str) -> None:
    pass


@pytest.mark.parametrize(
    ("path", "ok"),
    [
        ("config.json", True),
        ("model.safetensors", True),
        ("model-00001-of-00002.safetensors", True),
        ("tokenizer.json", True),
        ("chat_template.jinja", True),
        ("pytorch_model.bin", False),
        ("model.pt", False),
        ("modeling_llama.py", False),
        ("sub/model.safetensors", False),
        ("README.md", False),
    ],
)
def test_only_loadable_files_are_allowed(path: str, ok: bool) -> None:
    assert allowed(path) is ok


def test_fetch_downloads_exactly_the_allowed_files_and_verifies_them(
    repo: Path, tmp_path: Path, online: None
) -> None:
    dest = tmp_path / "snap"
    with serving(REPO, COMMIT, repo) as hub:
        snap = fetch_snapshot(REPO, COMMIT, dest, endpoint=hub.url, progress=quiet)
    assert "model.safetensors" in snap.files and "config.json" in snap.files
    assert not {"pytorch_model.bin", "modeling_evil.py", "README.md"} & set(snap.files)
    assert not (dest / "pytorch_model.bin").exists() and not (dest / "modeling_evil.py").exists()
    assert not any("pytorch_model.bin" in r or "modeling_evil" in r for r in hub.requests)
    again = read_snapshot(dest, REPO, COMMIT)
    assert again.files == snap.files


def test_bytes_other_than_the_listed_ones_are_refused(repo: Path, tmp_path: Path, online: None) -> None:
    with serving(REPO, COMMIT, repo) as hub:
        original = hub.files["model.safetensors"]
        hub.served["model.safetensors"] = bytes(reversed(original))  # same size, other content
        with pytest.raises(HubError, match=r"model\.safetensors does not match the Hub's listing"):
            fetch_snapshot(REPO, COMMIT, tmp_path / "snap", endpoint=hub.url, progress=quiet)


def test_a_changed_tokenizer_is_refused(repo: Path, tmp_path: Path, online: None) -> None:
    with serving(REPO, COMMIT, repo) as hub:
        listed = hub.files["tokenizer.json"]
        hub.served["tokenizer.json"] = listed.replace(b'"', b"'", 1)
        with pytest.raises(HubError, match=r"tokenizer\.json does not match"):
            fetch_snapshot(REPO, COMMIT, tmp_path / "snap", endpoint=hub.url, progress=quiet)


def test_a_repo_with_pickle_weights_only_is_refused(repo: Path, tmp_path: Path, online: None) -> None:
    (repo / "model.safetensors").unlink()
    with serving(REPO, COMMIT, repo) as hub, pytest.raises(HubError, match=r"no \*\.safetensors weights"):
        fetch_snapshot(REPO, COMMIT, tmp_path / "snap", endpoint=hub.url, progress=quiet)


def test_an_unknown_commit_is_a_hub_error(repo: Path, tmp_path: Path, online: None) -> None:
    other = "f" * 40
    with serving(REPO, COMMIT, repo) as hub, pytest.raises(HubError, match="did not list the commit's files"):
        fetch_snapshot(REPO, other, tmp_path / "snap", endpoint=hub.url, progress=quiet)


def test_a_branch_name_is_refused_before_any_request(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is not a 40-hex commit"):
        fetch_snapshot(REPO, "main", tmp_path / "snap", progress=quiet)


def test_offline_mode_is_refused_instead_of_reusing_local_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hub_lib.constants, "HF_HUB_OFFLINE", True)
    with pytest.raises(HubError, match="HF_HUB_OFFLINE is set"):
        fetch_snapshot(REPO, COMMIT, tmp_path / "snap", progress=quiet)


def test_a_used_folder_is_never_mixed_with_a_new_snapshot(tmp_path: Path) -> None:
    (tmp_path / "snap").mkdir()
    (tmp_path / "snap" / "old.safetensors").write_bytes(b"x")
    with pytest.raises(InputError, match="already exists and is not an empty folder"):
        fetch_snapshot(REPO, COMMIT, tmp_path / "snap", progress=quiet)


@pytest.fixture
def snapshot(repo: Path, tmp_path: Path, online: None) -> Path:
    dest = tmp_path / "snap"
    with serving(REPO, COMMIT, repo) as hub:
        fetch_snapshot(REPO, COMMIT, dest, endpoint=hub.url, progress=quiet)
    return dest


def test_reading_rechecks_every_file(snapshot: Path) -> None:
    weights = snapshot / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-1] + b"\0")
    with pytest.raises(InputError, match="the snapshot recorded"):
        read_snapshot(snapshot, REPO, COMMIT)


def test_reading_refuses_another_commit_and_added_files(snapshot: Path) -> None:
    with pytest.raises(InputError, match="but the manifest pins"):
        read_snapshot(snapshot, REPO, "a" * 40)
    (snapshot / "pytorch_model.bin").write_bytes(b"slipped in later")
    with pytest.raises(InputError, match=r"extra \['pytorch_model.bin'\]"):
        read_snapshot(snapshot, REPO, COMMIT)


def test_reading_refuses_a_link_in_place_of_a_file(snapshot: Path, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.json"
    shutil.move(snapshot / "config.json", target)
    (snapshot / "config.json").symlink_to(target)
    with pytest.raises(InputError, match="not a regular file"):
        read_snapshot(snapshot, REPO, COMMIT)
    assert RECORD_NAME not in {p.name for p in snapshot.iterdir() if p.is_symlink()}


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs util-linux unshare")
def test_without_a_network_a_load_that_tries_the_hub_fails(repo: Path) -> None:
    """The runner evaluates under ``unshare --net``: even our own Hub on 127.0.0.1 is out of reach."""
    code = (
        "import sys, httpx\n"
        "try:\n"
        "    httpx.get(sys.argv[1] + '/api/models/x/tree/main', timeout=5)\n"
        "except httpx.HTTPError as exc:\n"
        "    print('refused:', type(exc).__name__); sys.exit(3)\n"
        "print('reached'); sys.exit(0)\n"
    )
    with serving(REPO, COMMIT, repo) as hub:
        reached = subprocess.run([sys.executable, "-c", code, hub.url], capture_output=True, text=True)
        isolated = subprocess.run(
            ["unshare", "--net", "--map-root-user", sys.executable, "-c", code, hub.url],
            capture_output=True,
            text=True,
        )
    assert reached.returncode == 0, reached.stderr  # the same call works with a network
    assert isolated.returncode == 3, isolated.stdout + isolated.stderr
    assert "refused: ConnectError" in isolated.stdout


HUB_MANIFEST = f"""\
schema_version: 1
team: {{name: Test Team, contact: t@example.org}}
model:
  name: Tiny
  hub_repo: {REPO}
  revision: {COMMIT}
  precision: float32
  parameters: {{total: 30000}}
  architecture: 1-layer Llama
license: MIT
originality:
  weights_initialised_from_zero: true
  components: [{{name: language model, origin: own, relation: trained_from_zero}}]
"""

EVALUATE_OFFLINE = """\
import sys
from pathlib import Path
from kleaderboard.evaluation.runner import RunOptions, evaluate_submission
from kleaderboard.submission.tree import load_submission
from kleaderboard.suites import load_suite
sub = load_submission(Path(sys.argv[1]))
options = RunOptions(device="cpu", limit=4, snapshot=Path(sys.argv[2]))
record = evaluate_submission(sub, load_suite("demo"), options, print)
print("STATUS", record.status, record.model.source, record.model.revision, sorted(record.model.file_hashes))
"""


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs util-linux unshare")
def test_a_hub_model_is_evaluated_from_its_snapshot_without_a_network(snapshot: Path, tmp_path: Path) -> None:
    folder = tmp_path / "submissions" / "test-team" / "tiny"
    folder.mkdir(parents=True)
    (folder / "submission.yaml").write_text(HUB_MANIFEST, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.endswith("_OFFLINE")}  # the runner sets them
    arguments = [str(folder / "submission.yaml"), str(snapshot)]
    run = subprocess.run(
        ["unshare", "--net", "--map-root-user", sys.executable, "-c", EVALUATE_OFFLINE, *arguments],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-4000:]
    status = next(line for line in run.stdout.splitlines() if line.startswith("STATUS"))
    assert status.startswith(f"STATUS succeeded {REPO} {COMMIT}")
    assert "'model.safetensors'" in status and "'tokenizer.json'" in status


def test_the_command_fetches_the_manifests_pinned_commit(
    repo: Path, tmp_path: Path, online: None, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.cli_runner import run_cli

    folder = tmp_path / "submissions" / "test-team" / "tiny"
    folder.mkdir(parents=True)
    (folder / "submission.yaml").write_text(HUB_MANIFEST, encoding="utf-8")
    with serving(REPO, COMMIT, repo) as hub:
        code = run_cli("fetch-snapshot", str(folder), "--dest", str(tmp_path / "snap"), "--endpoint", hub.url)
    assert code == 0
    assert f"of {REPO}@{COMMIT} in {tmp_path / 'snap'}" in capsys.readouterr().out
    assert read_snapshot(tmp_path / "snap", REPO, COMMIT).files


def test_the_command_refuses_a_pending_revision_naming_the_field(tmp_path: Path) -> None:
    from tests.cli_runner import run_cli

    folder = tmp_path / "submissions" / "test-team" / "tiny"
    folder.mkdir(parents=True)
    (folder / "submission.yaml").write_text(HUB_MANIFEST.replace(COMMIT, "pending"), encoding="utf-8")
    with pytest.raises(
        InputError, match=r"model\.revision: 'pending' of test-team/tiny is not a 40-hex commit"
    ):
        run_cli("fetch-snapshot", str(folder), "--dest", str(tmp_path / "snap"))
