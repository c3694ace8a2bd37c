"""Hub checks against a real HTTP server on 127.0.0.1 that replays recorded Hub answers.

tests/data/hub/*.json hold the answers, keyed by request path, in the shapes
huggingface_hub's ModelInfo, RepoFile and hf_raise_for_status read. Nothing here
sends a request anywhere but 127.0.0.1.
"""

from __future__ import annotations

import argparse
import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import huggingface_hub.constants
import pytest
import yaml

from kleaderboard import errors
from kleaderboard.checks.hub import (
    DEFAULT_MAX_PARAMETERS,
    HubFile,
    check_submission_on_hub,
    resolve_revision,
)
from kleaderboard.cli.checks import parameter_count
from kleaderboard.errors import HubError, Problem
from kleaderboard.submission.manifest import Manifest, parse_manifest

from .cli_runner import run_cli
from .hub_server import RecordedHub, recorded_routes, serve

DATA = Path(__file__).parent / "data"
MINIMAL = DATA / "manifests" / "valid" / "minimal.yaml"
MANIFEST_PATH = Path("submissions/acme/acme-7b/submission.yaml")

SAFE_REPO = "hanbit-ai/hanbit-7b"
SAFE = "e1beb415935f09a6c7a85ec1c6b7b689afcc6a01"
NEVER_PUSHED = "86b59b9e4804885c34869dbf1873b36ad6cef223"
ASKED = "6db39429a8b2a6c5c1cfbd89dddbc43a7c479341"
PICKLE = "9b04146eb6498636e35ac16cadddd3708b4b51a4"
REMOTE = "9396bb391b0c11755dc039a5502efc1d84a87811"
PYFILE = "34fde24d2c85d11619f98299ffc3d3990a3afa50"
GATED = "0ca40daed0048a088aeb6f6c1833f3f7b296fe83"
GATED_CHAT = "8d2d6e2c87f658942585909403c442dfebe3900b"
PRIVATE = "29caaf46516d2eb8d7ce5a707ba8ddd189a40661"
MISSING = "5a013c49508291c6816ac388f93a2c11973086ed"
OVERSIZE = "946211190a08ad67d7f62441cd16e5da9de2b574"
DOWN = "77346d0447daff959358a0ecbeec83bfd9ec86bb"
GGUF = "aa2605f22de79eac424aa576364b0351a378e482"

# (repo, revision) of every recorded case, for the checks that run them all
CASES = {
    "safe": (SAFE_REPO, SAFE),
    "branch": (SAFE_REPO, "pending"),
    "revision_not_found": (SAFE_REPO, NEVER_PUSHED),
    "moved": (SAFE_REPO, ASKED),
    "pickle_only": ("gukmin-lab/gm-1b-pt", PICKLE),
    "gguf_only": ("nuri-lab/nuri-8b-gguf", GGUF),
    "remote_code": ("saebyeok/sb-moe-16b", REMOTE),
    "python_file": ("dasom-ai/dasom-3b", PYFILE),
    "gated_401": ("hangang/hg-13b", GATED),
    "gated_403": ("hangang/hg-13b-chat", GATED_CHAT),
    "private": ("hanbit-ai/hanbit-7b-internal", PRIVATE),
    "repo_not_found": ("nobody/missing-model", MISSING),
    "oversize": ("cheonji/cj-2t", OVERSIZE),
}


# --- the recorded Hub ------------------------------------------------------------------


@pytest.fixture(scope="module")
def recorded_hub() -> Iterator[RecordedHub]:
    yield from serve(RecordedHub(recorded_routes()))


@pytest.fixture(autouse=True)
def online(monkeypatch: pytest.MonkeyPatch) -> None:
    """huggingface_hub online for the stand-in on 127.0.0.1 (the test session sets HF_HUB_OFFLINE=1)."""
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)


@pytest.fixture
def hub(recorded_hub: RecordedHub, monkeypatch: pytest.MonkeyPatch) -> RecordedHub:
    """The recorded Hub with an empty request log, and no token, endpoint or proxy from the environment."""
    for name in ("HF_TOKEN", "HF_ENDPOINT", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    recorded_hub.seen.clear()
    return recorded_hub


def manifest_for(
    repo: str, revision: str, *, license: str = "Apache-2.0", total: int = 7_241_732_096
) -> Manifest:
    data = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    data["model"].update(hub_repo=repo, revision=revision, parameters={"total": total})
    data["license"] = license
    return parse_manifest(data, MANIFEST_PATH)


def check(hub: RecordedHub, repo: str, revision: str, **kwargs: Any):
    manifest_keys = {k: kwargs.pop(k) for k in ("license", "total") if k in kwargs}
    manifest = manifest_for(repo, revision, **manifest_keys)
    return check_submission_on_hub(manifest, MANIFEST_PATH, endpoint=hub.url, **kwargs)


def only_problem(report) -> Problem:
    assert len(report.problems) == 1, report.problems
    return report.problems[0]


def test_recorded_answers_have_the_shapes_huggingface_hub_reads() -> None:
    hf_api = pytest.importorskip("huggingface_hub.hf_api", reason="huggingface_hub comes with the eval extra")
    known = set(hf_api.ModelInfo.__annotations__) | {"lastModified", "cardData", "transformersInfo"}
    for target, answer in recorded_routes().items():
        if answer["status"] != 200 or "json" not in answer:
            continue
        if "/revision/" in target:
            info = hf_api.ModelInfo(**answer["json"])
            assert set(vars(info)) <= known, f"{target}: fields huggingface_hub does not read"
        elif "/tree/" in target:
            for entry in answer["json"]:
                kind = hf_api.RepoFile if entry["type"] == "file" else hf_api.RepoFolder
                kind(**entry)


# --- happy paths ------------------------------------------------------------------------


def test_safe_model_passes_with_measured_facts(hub: RecordedHub) -> None:
    report = check(hub, SAFE_REPO, SAFE)
    assert report.ok and report.problems == [] and report.findings == []
    assert report.commit == SAFE
    assert report.parameters == 7_241_732_096
    assert report.license == "apache-2.0"
    paths = [f.path for f in report.files]
    assert "assets" not in paths  # directories are not files
    assert len(paths) == 13
    assert report.total_bytes == sum(f.size for f in report.files) > 14_500_000_000
    shard = next(f for f in report.files if f.path == "model-00001-of-00003.safetensors")
    assert shard.size == 4_976_698_672 and shard.sha256 is not None and len(shard.sha256) == 64
    assert HubFile("config.json", 712, None) in report.files  # a git file: no sha256 from the Hub


def test_safe_model_follows_the_tree_pages(hub: RecordedHub) -> None:
    check(hub, SAFE_REPO, SAFE)
    trees = [s.path for s in hub.seen if "/tree/" in s.path]
    assert trees == [
        f"/api/models/{SAFE_REPO}/tree/{SAFE}?recursive=true",
        f"/api/models/{SAFE_REPO}/tree/{SAFE}?recursive=true&cursor="
        "ZXlKbWFXeGxYMjVoYldVaU9pSnRiMlJsYkMwd01EQXdNeTF2Wmkwd01EQXdNeTV6WVdabGRHVnVjMjl5Y3lKOQ==",
    ]


def test_pending_revision_is_a_finding_checked_at_main(hub: RecordedHub) -> None:
    report = check(hub, SAFE_REPO, "pending")
    assert report.ok
    assert report.revision == "pending" and report.commit == SAFE
    assert f"/api/models/{SAFE_REPO}/revision/main" in [s.path for s in hub.seen]
    assert report.findings == [
        f"{MANIFEST_PATH}: model.revision: not checked: revision pending — {SAFE_REPO}@main is commit "
        f"{SAFE} today; set revision: {SAFE} to submit it"
    ]


def test_a_branch_name_resolves_to_its_commit(hub: RecordedHub) -> None:
    assert resolve_revision(SAFE_REPO, "main", endpoint=hub.url) == SAFE


def test_licence_mismatch_is_a_finding_not_a_problem(hub: RecordedHub) -> None:
    report = check(hub, SAFE_REPO, SAFE, license="MIT")
    assert report.ok
    assert report.findings == [
        f"hub:{SAFE_REPO}@{SAFE}: licence on the Hub is 'apache-2.0' but the manifest declares 'MIT' — "
        "make the model card's license: and submission.yaml's license: agree"
    ]


def test_licence_other_is_compared_by_its_name(hub: RecordedHub) -> None:
    repo, commit = CASES["remote_code"]
    named = check(hub, repo, commit, license="sb-moe-license", total=16_315_613_184)
    assert named.license == "sb-moe-license" and named.findings == []
    other = check(hub, repo, commit, license="Apache-2.0", total=16_315_613_184)
    assert any("licence on the Hub is 'sb-moe-license'" in f for f in other.findings)


def test_declared_parameters_far_from_the_hubs_count_is_a_finding(hub: RecordedHub) -> None:
    report = check(hub, SAFE_REPO, SAFE, total=8_000_000_000)
    assert report.ok
    assert report.findings == [
        f"hub:{SAFE_REPO}@{SAFE}: the Hub counts 7,241,732,096 parameters in the safetensors files; "
        "the manifest declares 8,000,000,000 (model.parameters.total)"
    ]


def test_a_local_model_is_not_checked_and_nothing_is_requested(hub: RecordedHub) -> None:
    data = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    data["model"] = {k: v for k, v in data["model"].items() if k not in ("hub_repo", "revision")}
    data["model"]["local_path"] = "weights"
    report = check_submission_on_hub(parse_manifest(data, MANIFEST_PATH), MANIFEST_PATH, endpoint=hub.url)
    assert report.ok and report.commit is None
    assert report.findings == [
        f"{MANIFEST_PATH}: model.local_path: not checked on the Hub: the model is a local folder"
    ]
    assert hub.seen == []


# --- refusals ---------------------------------------------------------------------------


def test_pickle_only_weights_are_refused(hub: RecordedHub) -> None:
    repo, commit = CASES["pickle_only"]
    report = check(hub, repo, commit, license="MIT", total=1_100_000_000)
    assert str(only_problem(report)) == (
        f"hub:{repo}@{commit}: model.hub_repo: weights only in pickle files "
        "(pytorch_model.bin, training_args.bin, optimizer.pt), which can run code when loaded — "
        "convert the weights to safetensors and push them (save_pretrained writes safetensors by default; "
        "the Hub's 'convert to safetensors' Space does it for a pushed repo)"
    )
    assert report.parameters is None
    assert report.findings == [
        f"hub:{repo}@{commit}: the Hub reports no parameter count; the declared 1,100,000,000 was not checked"
    ]


def test_no_safetensors_weights_are_refused(hub: RecordedHub) -> None:
    repo, commit = CASES["gguf_only"]
    problem = only_problem(check(hub, repo, commit, total=8_030_261_312))
    assert (problem.file, problem.field) == (f"hub:{repo}@{commit}", "model.hub_repo")
    assert problem.message == (
        "no weights in safetensors format (*.safetensors) at the repo's root, where the model is loaded from"
    )
    assert problem.fix.startswith("convert the weights to safetensors")


def test_auto_map_in_config_and_tokenizer_config_is_refused(hub: RecordedHub) -> None:
    repo, commit = CASES["remote_code"]
    report = check(hub, repo, commit, license="sb-moe-license", total=16_315_613_184)
    assert [str(p) for p in report.problems] == [
        f"hub:{repo}@{commit}: model.hub_repo: config.json sets auto_map (AutoConfig, AutoModelForCausalLM): "
        "loading the model would run remote code (trust_remote_code) — remove auto_map so that the model "
        "loads with an architecture built into transformers",
        f"hub:{repo}@{commit}: model.hub_repo: tokenizer_config.json sets auto_map (AutoTokenizer): "
        "loading the model would run remote code (trust_remote_code) — remove auto_map so that the model "
        "loads with an architecture built into transformers",
    ]


def test_a_deeply_nested_config_is_a_problem_not_a_crash(hub: RecordedHub) -> None:
    repo, commit = CASES["remote_code"]
    routes = recorded_routes(("remote_code",))
    config = f"/{repo}/resolve/{commit}/config.json"
    routes[config] = {"status": 200, "headers": routes[config]["headers"], "text": "[" * 100_000}
    with contextmanager(serve)(RecordedHub(routes)) as nested:
        report = check(nested, repo, commit, license="sb-moe-license", total=16_315_613_184)
    assert str(report.problems[0]) == (
        f"hub:{repo}@{commit}: model.hub_repo: config.json (line 1, column 21) nesting deeper than 20 levels "
        "— fix the file: transformers cannot read it"
    )


def test_a_python_file_in_the_repo_is_refused(hub: RecordedHub) -> None:
    repo, commit = CASES["python_file"]
    problem = only_problem(check(hub, repo, commit, total=3_212_749_824))
    assert problem.file == f"hub:{repo}@{commit}"
    assert problem.message == (
        "the repo holds Python code (scripts/convert_to_hf.py); "
        "the pipeline never runs code from a model repo"
    )
    assert problem.fix == "remove the .py files (keep scripts in a code repository) and submit the new commit"


@pytest.mark.parametrize("case", ["gated_401", "gated_403"])
def test_a_gated_repo_is_refused_once(hub: RecordedHub, case: str) -> None:
    repo, commit = CASES[case]
    report = check(hub, repo, commit, license="llama3.1", total=13_034_410_496)
    assert str(only_problem(report)) == (
        f"{MANIFEST_PATH}: model.hub_repo: {repo} is gated: its files can be downloaded only after "
        "accepting its terms — switch off gating in the repo's settings: the leaderboard evaluates "
        "models anyone can download"
    )
    assert report.findings == [
        f"hub:{repo}@{commit}: {name} not checked for auto_map: the Hub refused it"
        for name in ("config.json", "tokenizer_config.json")
    ]


def test_a_private_repo_is_refused(hub: RecordedHub) -> None:
    repo, commit = CASES["private"]
    problem = only_problem(check(hub, repo, commit))
    assert (problem.file, problem.field) == (str(MANIFEST_PATH), "model.hub_repo")
    assert problem.message == f"{repo} is private"


@pytest.mark.parametrize("repo", ["nobody/missing-model", "nobody/secret-model"], ids=["404", "401"])
def test_a_missing_or_hidden_repo_is_refused(hub: RecordedHub, repo: str) -> None:
    report = check(hub, repo, MISSING)
    assert report.commit is None and report.files == []
    assert str(only_problem(report)) == (
        f"{MANIFEST_PATH}: model.hub_repo: {repo} was not found on the Hub, or it is private (the Hub "
        "answers the same for both) — check the spelling of owner/name and make the repo public: the "
        "leaderboard evaluates public models only"
    )


def test_a_revision_not_on_the_hub_is_refused(hub: RecordedHub) -> None:
    report = check(hub, SAFE_REPO, NEVER_PUSHED)
    problem = only_problem(report)
    assert (problem.file, problem.field) == (str(MANIFEST_PATH), "model.revision")
    assert problem.message == f"revision {NEVER_PUSHED} was not found in {SAFE_REPO}"
    assert report.commit is None


def test_a_commit_other_than_the_manifests_is_refused(hub: RecordedHub) -> None:
    problem = only_problem(check(hub, SAFE_REPO, ASKED))
    assert problem.field == "model.revision"
    assert problem.message == (
        f"the Hub resolves {ASKED} to commit {SAFE}, not to the commit the manifest names"
    )
    assert problem.fix == f"set revision: {SAFE} if that is the commit to evaluate"


def test_a_model_above_the_parameter_cap_is_refused(hub: RecordedHub) -> None:
    repo, commit = CASES["oversize"]
    report = check(hub, repo, commit, license="MIT", total=2_140_000_000_000)
    assert report.parameters == 2_140_000_006_144 > DEFAULT_MAX_PARAMETERS
    assert only_problem(report).message == (
        "the Hub counts 2,140,000,006,144 parameters, above the leaderboard's cap of 1,200,000,000,000"
    )
    assert check(hub, repo, commit, license="MIT", total=2_140_000_000_000, max_parameters=3 * 10**12).ok


def test_the_parameter_cap_is_configurable(hub: RecordedHub) -> None:
    report = check(hub, SAFE_REPO, SAFE, max_parameters=7_000_000_000)
    assert "above the leaderboard's cap of 7,000,000,000" in only_problem(report).message


def repo_routes(paths: list[str], config: str = "{}") -> dict[str, dict[str, Any]]:
    """Answers for one made-up repo (DECOY_REPO at SAFE) holding the given files."""
    json_type = {"Content-Type": "application/json"}
    info = {"id": DECOY_REPO, "sha": SAFE, "cardData": {"license": "apache-2.0"}}
    info["safetensors"] = {"total": 7_241_732_096, "parameters": {"BF16": 7_241_732_096}}
    tree = [{"type": "file", "path": path, "size": 100} for path in paths]
    routes = {
        f"/api/models/{DECOY_REPO}/revision/{SAFE}": {"status": 200, "headers": json_type, "json": info},
        f"/api/models/{DECOY_REPO}/tree/{SAFE}?recursive=true": {
            "status": 200,
            "headers": json_type,
            "json": tree,
        },
    }
    for name in ("config.json", "tokenizer_config.json"):
        routes[f"/{DECOY_REPO}/resolve/{SAFE}/{name}"] = {"status": 200, "headers": {}, "text": config}
    return routes


DECOY_REPO = "decoy-lab/decoy-7b"
CONFIGS = ["config.json", "tokenizer_config.json"]


def check_repo(paths: list[str], config: str = "{}"):
    for server in serve(RecordedHub(repo_routes(paths, config))):
        return check(server, DECOY_REPO, SAFE)
    raise AssertionError("the server did not start")


def test_a_safetensors_decoy_in_a_subfolder_does_not_vouch_for_pickle_weights() -> None:
    report = check_repo([*CONFIGS, "pytorch_model.bin", "decoy/model.safetensors"])
    assert only_problem(report).message == (
        "weights only in pickle files (pytorch_model.bin), which can run code when loaded"
    )


def test_safetensors_only_in_a_subfolder_are_not_the_weights_that_load() -> None:
    report = check_repo([*CONFIGS, "original/model.safetensors"])
    assert only_problem(report).message == (
        "no weights in safetensors format (*.safetensors) at the repo's root, where the model is loaded from"
    )


@pytest.mark.parametrize("pickle", ["pytorch_model.bin", "model.pt", "weights.pkl", "model.PTH"])
def test_a_pickle_beside_root_safetensors_is_refused(pickle: str) -> None:
    problem = only_problem(check_repo([*CONFIGS, "model.safetensors", pickle]))
    assert str(problem) == (
        f"hub:{DECOY_REPO}@{SAFE}: model.hub_repo: pickle files ({pickle}) sit beside the safetensors "
        "weights at the repo's root, where the model is loaded from; unpickling can run code — delete them "
        "from the repo and submit the new commit"
    )


def test_pickles_in_subfolders_are_a_finding_not_a_problem() -> None:
    report = check_repo([*CONFIGS, "model.safetensors", "checkpoints/optimizer.pt"])
    assert report.ok
    assert (
        f"hub:{DECOY_REPO}@{SAFE}: pickle files in subfolders (checkpoints/optimizer.pt) are never "
        "loaded; only the root's weights are" in report.findings
    )


def test_a_config_nested_100000_deep_is_a_clear_problem_not_a_crash() -> None:
    report = check_repo([*CONFIGS, "model.safetensors"], config="[" * 100_000)
    assert [str(p) for p in report.problems] == [
        f"hub:{DECOY_REPO}@{SAFE}: model.hub_repo: {name} (line 1, column 21) nesting deeper than 20 levels "
        "— fix the file: transformers cannot read it"
        for name in CONFIGS
    ]


# --- never a weight download ------------------------------------------------------------

ALLOWED = re.compile(
    r"^/api/models/[^/]+/[^/]+/(revision|tree)/[^/?]+(\?recursive=true(&cursor=[A-Za-z0-9=]+)?)?$"
    r"|^/[^/]+/[^/]+/resolve/[0-9a-f]{40}/(config|tokenizer_config)\.json$"
)


def test_no_check_downloads_a_weight_file(hub: RecordedHub) -> None:
    for repo, revision in CASES.values():
        check(hub, repo, revision, max_parameters=10**13)
    paths = [s.path for s in hub.seen]
    assert len(paths) > len(CASES)
    assert [p for p in paths if not ALLOWED.match(p)] == []
    assert not any(p.endswith((".safetensors", ".bin", ".pt", ".gguf")) for p in paths)


# --- the Hub unreachable or unreadable --------------------------------------------------


def test_a_hub_answering_503_is_a_hub_error(hub: RecordedHub) -> None:
    with pytest.raises(
        HubError, match=r"the Hub answered 503 \(Service Unavailable\) while resolving busy/model"
    ):
        check(hub, "busy/model", DOWN)
    assert HubError("x").exit_code == 6


def test_an_html_page_instead_of_the_api_is_a_hub_error(hub: RecordedHub) -> None:
    with pytest.raises(HubError, match=r"is not what the Hub API returns \(not JSON"):
        check(hub, "proxied/model", DOWN)


def test_a_hub_that_does_not_answer_in_time_is_a_hub_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HF_TOKEN", raising=False)
    for slow in serve(RecordedHub({}, delay=1.0)):
        with pytest.raises(HubError, match="did not answer in time"):
            check_submission_on_hub(
                manifest_for(SAFE_REPO, SAFE), MANIFEST_PATH, endpoint=slow.url, timeout=0.2
            )


def test_a_hub_that_cannot_be_reached_is_a_hub_error() -> None:
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(
        HubError, match=rf"could not reach the Hub at http://127\.0\.0\.1:{port} while resolving"
    ):
        check_submission_on_hub(
            manifest_for(SAFE_REPO, SAFE), MANIFEST_PATH, endpoint=f"http://127.0.0.1:{port}"
        )


# --- endpoint, token, user agent ----------------------------------------------------------


def test_hf_endpoint_and_hf_token_are_honoured(hub: RecordedHub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_ENDPOINT", hub.url + "/")
    monkeypatch.setenv("HF_TOKEN", "hf_test_token")
    report = check_submission_on_hub(manifest_for(SAFE_REPO, SAFE), MANIFEST_PATH)
    assert report.ok and hub.seen
    for seen in hub.seen:
        assert seen.headers["authorization"] == "Bearer hf_test_token"
        assert seen.headers["user-agent"].startswith("kleaderboard/")


def test_no_token_is_sent_without_one(hub: RecordedHub) -> None:
    report = check_submission_on_hub(manifest_for(SAFE_REPO, SAFE), MANIFEST_PATH, endpoint=hub.url)
    assert report.ok and hub.seen
    assert all("authorization" not in seen.headers for seen in hub.seen)


def test_offline_mode_is_a_hub_error_that_says_so(hub: RecordedHub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    said = r"offline mode \(HF_HUB_OFFLINE\) while resolving .* unset HF_HUB_OFFLINE"
    with pytest.raises(HubError, match=said):
        check_submission_on_hub(manifest_for(SAFE_REPO, SAFE), MANIFEST_PATH, endpoint=hub.url)
    assert not hub.seen


# --- the command ------------------------------------------------------------------------


def run_hub_cli(argv: list[str]) -> int:
    return run_cli("check-hub", *argv)


def write_manifest(root: Path, repo: str, revision: str) -> Path:
    folder = root / "submissions" / "acme" / "acme-7b"
    folder.mkdir(parents=True)
    text = MINIMAL.read_text(encoding="utf-8").replace("minimal/model", repo)
    text = text.replace("revision: pending\n", f"revision: {revision}\n", 1)
    text = text.replace("total: 1000", "total: 7241732096").replace("license: MIT", "license: Apache-2.0")
    (folder / "submission.yaml").write_text(text, encoding="utf-8")
    return folder


def test_command_prints_problems_one_per_line_and_exits_1(
    hub: RecordedHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_manifest(tmp_path, "saebyeok/sb-moe-16b", REMOTE)
    assert run_hub_cli([str(folder), "--endpoint", hub.url]) == 1
    out = capsys.readouterr()
    lines = out.out.splitlines()
    assert lines[0].startswith(f"hub:saebyeok/sb-moe-16b@{REMOTE}: model.hub_repo: config.json sets auto_map")
    assert lines[1].startswith(f"hub:saebyeok/sb-moe-16b@{REMOTE}: model.hub_repo: tokenizer_config.json")
    assert any(line.startswith("note: ") and "licence on the Hub" in line for line in lines[2:])
    assert f"check-hub saebyeok/sb-moe-16b@{REMOTE}: 2 problem(s)" in out.err


def test_command_exits_0_on_a_safe_model_and_honours_max_parameters(
    hub: RecordedHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_manifest(tmp_path, SAFE_REPO, SAFE)
    assert run_hub_cli([str(folder / "submission.yaml"), "--endpoint", hub.url]) == 0
    assert capsys.readouterr().out == ""
    assert run_hub_cli([str(folder), "--endpoint", hub.url, "--max-parameters", "1e9"]) == 1
    assert "above the leaderboard's cap of 1,000,000,000" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("text", "value"), [("1.2e12", 1_200_000_000_000), ("1_000", 1000), ("70000000000", 70_000_000_000)]
)
def test_parameter_count_reads_plain_and_scientific_numbers(text: str, value: int) -> None:
    assert parameter_count(text) == value


@pytest.mark.parametrize("text", ["lots", "0", "-5"])
def test_parameter_count_refuses_nonsense(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        parameter_count(text)


def test_hub_error_is_exported_in_sorted_order() -> None:
    assert "HubError" in errors.__all__
    assert errors.__all__ == sorted(errors.__all__)
    assert issubclass(HubError, errors.KleaderboardError)
