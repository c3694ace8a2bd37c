"""Dataset pins: `dataset_revision` in the suite file, applied by the overlay, kept in the record."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml

from kleaderboard.errors import HubError, InputError, SuiteError
from kleaderboard.evaluation.settings import inputs_hash
from kleaderboard.records import ModelIdentity, Settings, TaskScore
from kleaderboard.suites import SUITES_DIR, Generation, Suite, load_suite, load_suite_file

from .hub_server import RecordedHub, serve

PIN = "0123456789abcdef0123456789abcdef01234567"
OTHER = "fedcba9876543210fedcba9876543210fedcba98"
SETTINGS = Settings(
    backend="hf",
    device="cpu",
    dtype="float32",
    batch_size=1,
    seeds={},
    apply_chat_template=False,
    fewshot_as_multiturn=False,
    max_gen_toks=8,
    model_args={},
)


def suite_data(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((SUITES_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    return data


def write_suite(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "suite.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def pinned(suite: Suite, task: str, revision: str) -> Suite:
    tasks = [
        t.model_copy(update={"dataset_revision": revision}) if t.task == task else t for t in suite.tasks
    ]
    return suite.model_copy(update={"tasks": tasks})


# --- the suite file ---------------------------------------------------------------------


def test_a_pin_that_is_not_a_full_commit_names_the_file_task_and_fix(tmp_path: Path) -> None:
    data = suite_data("ko-global-v1")
    data["tasks"][2]["dataset_revision"] = "main"
    path = write_suite(tmp_path, data)
    with pytest.raises(SuiteError) as caught:
        load_suite_file(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}: tasks.2.dataset_revision: 'main' is not a full commit id — "
        "use the 40-character lowercase hex commit (a branch or tag can move)"
    ]


def test_a_production_suite_refuses_a_hub_task_without_a_pin(tmp_path: Path) -> None:
    data = suite_data("ko-global-v1") | {"require_dataset_revisions": True}
    for task in data["tasks"][1:]:
        task["dataset_revision"] = PIN
    path = write_suite(tmp_path, data)
    with pytest.raises(SuiteError) as caught:
        load_suite_file(path)
    fix = (
        "add `dataset_revision: <40-hex commit>` to the task (print the current ones with "
        "`kleaderboard dataset-revisions --suite NAME`)"
    )
    # kmmlu's chat variant inherits the task's (missing) pin, so it is named too
    assert [str(p) for p in caught.value.problems] == [
        f"{path}: tasks.0.dataset_revision: task 'kmmlu' reads a Hub dataset with no pinned commit, "
        f"and the suite sets require_dataset_revisions — {fix}",
        f"{path}: tasks.0.chat.dataset_revision: task 'kmmlu_direct' reads a Hub dataset with no pinned "
        f"commit, and the suite sets require_dataset_revisions — {fix}",
    ]


def test_a_production_suite_with_every_hub_task_pinned_loads(tmp_path: Path) -> None:
    data = suite_data("ko-global-v1") | {"require_dataset_revisions": True}
    for task in data["tasks"]:
        task["dataset_revision"] = PIN
    data["tasks"][0]["chat"]["dataset_revision"] = OTHER
    suite = load_suite_file(write_suite(tmp_path, data))
    assert {t.dataset_revision for t in suite.tasks} == {PIN}
    assert suite.tasks[0].for_mode("instruct").dataset_revision == OTHER
    assert suite.tasks[1].for_mode("instruct").dataset_revision == PIN  # no chat variant: itself


def test_package_tasks_need_no_pin(tmp_path: Path) -> None:
    data = suite_data("demo") | {"require_dataset_revisions": True}
    assert load_suite_file(write_suite(tmp_path, data)).require_dataset_revisions


def test_the_shipped_production_suite_has_no_pins_yet() -> None:
    # Pins are read from the Hub by a maintainer with network, never guessed here.
    suite = load_suite("ko-global-v1")
    assert not suite.require_dataset_revisions
    assert all(t.dataset_revision is None for t in suite.tasks)


# --- the inputs hash and the record -----------------------------------------------------


def test_the_inputs_hash_changes_with_a_pin() -> None:
    suite = load_suite("ko-global-v1")
    identity = ModelIdentity(source="acme/tiny")
    before = inputs_hash(suite, SETTINGS, identity, None)
    first = inputs_hash(pinned(suite, "haerae", PIN), SETTINGS, identity, None)
    moved = inputs_hash(pinned(suite, "haerae", OTHER), SETTINGS, identity, None)
    assert len({before, first, moved}) == 3
    # requiring pins changes no data read, so it is no new input
    required = suite.model_copy(update={"require_dataset_revisions": True})
    assert inputs_hash(required, SETTINGS, identity, None) == before


def test_a_record_keeps_the_dataset_and_its_pin_and_older_records_stay_valid() -> None:
    old = {"task": "haerae", "metric": "acc,none", "value": 0.5, "stderr": None, "n_samples": 3}
    old |= {"n_shot": 5, "seconds": 1.0}
    assert TaskScore.model_validate(old).dataset_revision is None
    score = TaskScore.model_validate(
        old | {"dataset_path": "HAERAE-HUB/HAE_RAE_BENCH", "dataset_revision": PIN}
    )
    assert score.model_dump(mode="json")["dataset_revision"] == PIN
    with pytest.raises(ValueError, match="String should match pattern"):
        TaskScore.model_validate(old | {"dataset_revision": "main"})


# --- the overlay lm-eval reads ----------------------------------------------------------


@pytest.fixture
def adapter() -> Any:
    pytest.importorskip("lm_eval", reason="needs the eval extra")
    from kleaderboard.evaluation import adapter

    return adapter


def overlay_of(tm: Any, leaf: str) -> dict[str, Any]:
    path = Path(tm.task_index[leaf].yaml_path)
    assert path.parent.name.startswith("kleaderboard-overlay-"), path
    spec: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return spec


def test_the_overlay_loads_the_pinned_commit(adapter: Any) -> None:
    from lm_eval.tasks._yaml_loader import load_yaml

    suite = pinned(load_suite("ko-global-v1"), "kobest_boolq", PIN)
    tasks = [t for t in suite.tasks if t.task in ("kobest_boolq", "kobest_copa")]
    tm = adapter.make_task_manager(tasks)
    spec = overlay_of(tm, "kobest_boolq")
    assert spec["dataset_kwargs"] == {"revision": PIN} and "dataset_path" not in spec
    merged = load_yaml(tm.task_index["kobest_boolq"].yaml_path, resolve_func=False)
    assert merged["dataset_path"] == "skt/kobest_v1" and merged["dataset_kwargs"] == {"revision": PIN}
    # an unpinned task keeps lm-eval's own file
    assert not Path(tm.task_index["kobest_copa"].yaml_path).parent.name.startswith("kleaderboard-overlay-")
    assert adapter.dataset_source(tm, tasks[0]) == ("skt/kobest_v1", PIN)
    assert adapter.dataset_source(tm, tasks[1]) == ("skt/kobest_v1", None)


def test_a_pin_keeps_the_real_configs_dataset_kwargs(adapter: Any, tmp_path: Path) -> None:
    real = tmp_path / "task.yaml"
    real.write_text(
        "task: t\ndataset_path: acme/data\ndataset_kwargs: {trust_remote_code: true}\n", encoding="utf-8"
    )
    task = load_suite("ko-global-v1").tasks[1].model_copy(update={"dataset_revision": PIN})
    spec = adapter._overlay_spec(SimpleNamespace(yaml_path=str(real), name="t"), task, None)
    assert spec["dataset_kwargs"] == {"trust_remote_code": True, "revision": PIN}


def test_a_mirror_stands_for_the_pinned_commit(adapter: Any, tmp_path: Path) -> None:
    (tmp_path / "skt" / "kobest_v1").mkdir(parents=True)
    task = pinned(load_suite("ko-global-v1"), "kobest_wic", PIN).tasks[4]
    tm = adapter.make_task_manager([task], tmp_path)
    spec = overlay_of(tm, "kobest_wic")
    assert spec["dataset_path"] == str(tmp_path / "skt" / "kobest_v1") and "dataset_kwargs" not in spec
    assert adapter.dataset_source(tm, task) == ("skt/kobest_v1", PIN)  # recorded all the same


def test_a_pin_on_a_task_with_no_hub_dataset_is_refused(adapter: Any) -> None:
    task = load_suite("demo").tasks[0].model_copy(update={"dataset_revision": PIN})
    with pytest.raises(
        adapter.EvaluationError,
        match="suite task 'demo_ko_facts' sets dataset_revision, but the Hub datasets it reads are: "
        "none \\(its data is not on the Hub\\) — a pin names the commit of one Hub dataset",
    ):
        adapter.make_task_manager([task])


def test_the_overlay_goes_with_its_task_manager(adapter: Any, tmp_path: Path) -> None:
    (tmp_path / "skt" / "kobest_v1").mkdir(parents=True)
    task = pinned(load_suite("ko-global-v1"), "kobest_wic", PIN).tasks[4]
    tm = adapter.make_task_manager([task], tmp_path)
    folder = Path(tm.task_index["kobest_wic"].yaml_path).parent
    assert folder.name.startswith("kleaderboard-overlay-") and folder.is_dir()
    del tm
    gc.collect()
    assert not folder.exists()


def test_a_refused_pin_leaves_no_overlay_behind(adapter: Any, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    task = load_suite("demo").tasks[0].model_copy(update={"dataset_revision": PIN})
    with pytest.raises(adapter.EvaluationError):
        adapter.make_task_manager([task])
    assert list(tmp_path.iterdir()) == []


def test_the_fingerprint_changes_with_a_pin(adapter: Any) -> None:
    task = load_suite("ko-global-v1").tasks[2]
    tm = adapter.make_task_manager([task])
    prints = {
        adapter.task_fingerprint(
            tm,
            task.model_copy(update={"dataset_revision": rev}),
            generation=Generation(max_gen_toks=8),
            limit=None,
        )
        for rev in (None, PIN, OTHER)
    }
    assert len(prints) == 3


# --- the current commits, from a Hub ----------------------------------------------------


def dataset_routes(commits: dict[str, str]) -> dict[str, dict[str, Any]]:
    """What the Hub answers to HfApi().dataset_info(repo): the default branch's commit."""
    return {
        f"/api/datasets/{repo}": {"status": 200, "headers": {}, "json": {"id": repo, "sha": sha}}
        for repo, sha in commits.items()
    }


@pytest.fixture
def online(monkeypatch: pytest.MonkeyPatch) -> None:
    """The session is offline (conftest); reading the commits is the one step that talks to a Hub: ours."""
    hub_lib = pytest.importorskip("huggingface_hub", reason="needs the eval extra")
    monkeypatch.setattr(hub_lib.constants, "HF_HUB_OFFLINE", False)


def small_suite() -> Suite:
    suite = load_suite("ko-global-v1")
    tasks = [t for t in suite.tasks if t.task in ("kobest_boolq", "kobest_copa", "arc_challenge")]
    tasks[0] = tasks[0].model_copy(update={"dataset_revision": PIN})
    tasks[1] = tasks[1].model_copy(update={"dataset_revision": OTHER})
    categories = [c for c in suite.categories if any(t.category == c.id for t in tasks)]
    return suite.model_copy(update={"tasks": tasks, "categories": categories})


def test_the_current_commit_of_each_dataset_is_read_from_the_hub(adapter: Any, online: None) -> None:
    from kleaderboard.evaluation.dataset_revisions import dataset_pins

    commits = {"skt/kobest_v1": PIN, "allenai/ai2_arc": OTHER}
    for hub in serve(RecordedHub(dataset_routes(commits))):
        lines = [pin.line for pin in dataset_pins(small_suite(), endpoint=hub.url)]
        asked = sorted(seen.path for seen in hub.seen)
    assert lines == [
        f"kobest_boolq: skt/kobest_v1  dataset_revision: {PIN}  # pinned, current",
        f"kobest_copa: skt/kobest_v1  dataset_revision: {PIN}  # pinned to {OTHER}, the Hub has moved on",
        f"arc_challenge: allenai/ai2_arc  dataset_revision: {OTHER}  # not pinned yet",
        f"arc_challenge_chat: allenai/ai2_arc  dataset_revision: {OTHER}  # not pinned yet",
    ]
    assert asked == ["/api/datasets/allenai/ai2_arc", "/api/datasets/skt/kobest_v1"]  # once each


def test_a_dataset_the_hub_does_not_know_is_a_hub_error(adapter: Any, online: None) -> None:
    from kleaderboard.evaluation.dataset_revisions import dataset_pins

    for hub in serve(RecordedHub(dataset_routes({"skt/kobest_v1": PIN}))):
        with pytest.raises(HubError, match="dataset allenai/ai2_arc: the Hub did not say its current commit"):
            dataset_pins(small_suite(), endpoint=hub.url)


def test_reading_the_commits_offline_is_refused(adapter: Any) -> None:
    from kleaderboard.evaluation.dataset_revisions import dataset_pins

    with pytest.raises(HubError, match="HF_HUB_OFFLINE is set: reading the datasets' commits needs the Hub"):
        dataset_pins(small_suite(), endpoint="http://127.0.0.1:9")


@pytest.mark.slow
def test_the_command_prints_every_dataset_of_the_suite_from_hf_endpoint(adapter: Any) -> None:
    from kleaderboard.evaluation.dataset_revisions import suite_datasets

    datasets = sorted({dataset for _, dataset in suite_datasets(load_suite("ko-global-v1"))})
    assert "HAERAE-HUB/KMMLU" in datasets and "skt/kobest_v1" in datasets
    commits = {repo: f"{number:040x}" for number, repo in enumerate(datasets, start=1)}
    env = {k: v for k, v in os.environ.items() if not k.endswith("_OFFLINE")}  # the one step online
    for hub in serve(RecordedHub(dataset_routes(commits))):
        run = subprocess.run(
            [sys.executable, "-m", "kleaderboard.cli.main", "dataset-revisions", "--suite", "ko-global-v1"],
            env=env | {"HF_ENDPOINT": hub.url},
            capture_output=True,
            text=True,
        )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert (
        f"kmmlu: HAERAE-HUB/KMMLU  dataset_revision: {commits['HAERAE-HUB/KMMLU']}  # not pinned yet" in lines
    )
    assert len(lines) == len(load_suite("ko-global-v1").tasks) + 3  # and the three chat variants


# --- the mirror the evaluation reads with no network ----------------------------------------------


def kobest_suite(first: str | None, second: str | None) -> Suite:
    suite = load_suite("ko-global-v1")
    tasks = [t for t in suite.tasks if t.task in ("kobest_boolq", "kobest_copa")]
    tasks = [
        tasks[0].model_copy(update={"dataset_revision": first}),
        tasks[1].model_copy(update={"dataset_revision": second}),
    ]
    categories = [c for c in suite.categories if any(t.category == c.id for t in tasks)]
    return suite.model_copy(update={"tasks": tasks, "categories": categories})


def served_kobest(tmp_path: Path, commit: str) -> Any:
    from tests.hub_repo_server import serving
    from tests.lm_eval_fixtures import materialise

    mirror = tmp_path / "hub-side"
    materialise(kobest_suite(None, None), mirror)
    return serving("skt/kobest_v1", commit, mirror / "skt" / "kobest_v1", kind="dataset")


@pytest.mark.parametrize("pinned", [True, False])
def test_fetch_datasets_mirrors_each_dataset_at_its_commit(
    adapter: Any, online: None, tmp_path: Path, pinned: bool
) -> None:
    from kleaderboard.evaluation.dataset_revisions import MIRROR_RECORD, fetch_datasets, mirror_revisions

    pin = PIN if pinned else None
    lines: list[str] = []
    with served_kobest(tmp_path, PIN) as hub:
        fetched = fetch_datasets(
            kobest_suite(pin, pin), tmp_path / "mirror", endpoint=hub.url, progress=lines.append
        )
    assert fetched == {"skt/kobest_v1": PIN}  # unpinned: the Hub's current commit, resolved first
    assert lines == [
        f"dataset skt/kobest_v1 at {PIN}"
        + ("" if pinned else " (not pinned in the suite: the Hub's current commit)")
    ]
    served = sorted(
        p.relative_to(tmp_path / "hub-side" / "skt" / "kobest_v1")
        for p in (tmp_path / "hub-side").rglob("*")
        if p.is_file()
    )
    got = sorted(
        p.relative_to(tmp_path / "mirror" / "skt" / "kobest_v1")
        for p in (tmp_path / "mirror" / "skt" / "kobest_v1").rglob("*")
        if p.is_file() and ".cache" not in p.parts
    )
    assert got == served and got
    assert (tmp_path / "mirror" / MIRROR_RECORD).is_file()
    assert mirror_revisions(tmp_path / "mirror") == {"skt/kobest_v1": PIN}
    assert any(r.startswith("GET /datasets/skt/kobest_v1/resolve/" + PIN) for r in hub.requests)


def test_two_pins_of_one_dataset_in_a_suite_are_refused(adapter: Any, online: None, tmp_path: Path) -> None:
    from kleaderboard.evaluation.dataset_revisions import fetch_datasets

    with pytest.raises(
        InputError, match=f"pins skt/kobest_v1 at {OTHER}, another task of the suite at {PIN}"
    ):
        fetch_datasets(kobest_suite(PIN, OTHER), tmp_path / "mirror", endpoint="http://127.0.0.1:9")


def test_a_folder_not_made_by_fetch_datasets_names_no_commits(tmp_path: Path) -> None:
    from kleaderboard.evaluation.dataset_revisions import mirror_revisions

    assert mirror_revisions(tmp_path) == {} and mirror_revisions(None) == {}
