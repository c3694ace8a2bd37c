"""The adapter around lm-evaluation-harness: the only module that imports ``lm_eval``.

Everything lm-eval returns is parsed here into our own types (TaskOutcome), so
the rest of kleaderboard never depends on the shape of lm-eval's result dicts.

Why ``evaluate`` per task rather than one ``simple_evaluate`` call: it lets the
runner show progress and time per task, keep one task's failure from losing the
others, and skip ``add_env_info`` (about 2 s per call; we record the environment
ourselves). What ``simple_evaluate`` does around ``evaluate`` — seeding, n-shot,
few-shot seed, generation limits, the response cache — is done here explicitly.

Only the folders the suite names are indexed (``include_defaults=False``), so a
run does not pay lm-eval's 25-30 s full task index.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import random
import shutil
import tempfile
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lm_eval
import numpy as np
import torch
from lm_eval.api.model import LM, CachingLM
from lm_eval.evaluator import evaluate
from lm_eval.tasks import TaskManager
from lm_eval.tasks._yaml_loader import load_yaml

from kleaderboard.errors import EvaluationError
from kleaderboard.evaluation.settings import SEEDS
from kleaderboard.identifiers import is_hub_repo_id
from kleaderboard.kinds import Backend
from kleaderboard.suites import Generation, SuiteTask


@dataclass(frozen=True)
class TaskOutcome:
    """One suite task's result, parsed out of lm-eval's results dict."""

    value: float
    stderr: float | None
    n_samples: int
    version: str | None
    task_hash: str
    tokens: int
    items: dict[str, float] = field(default_factory=dict)  # "<leaf>/<doc_id>" -> its metric


def version() -> str:
    """The installed lm-eval version."""
    return lm_eval.__version__ if hasattr(lm_eval, "__version__") else _dist_version("lm_eval")


def _dist_version(name: str) -> str:
    from importlib.metadata import version as dist_version

    return dist_version(name.replace("_", "-"))


def quiet_logs() -> None:
    """lm-eval logs every request batch at INFO; keep only warnings."""
    for name in ("lm_eval", "lm-eval", "datasets", "transformers"):
        logging.getLogger(name).setLevel(logging.WARNING)


# --- dataset mirrors -------------------------------------------------------------------


def _leaf_entries(tm: TaskManager, name: str) -> Iterator[Any]:
    """Every leaf task entry under a task, group or tag name."""
    entry = tm.task_index.get(name)
    if entry is None:
        raise EvaluationError(
            f"lm-eval task '{name}' is not in the indexed folders — check the suite's task_dir"
        )
    kind = entry.kind.name
    if kind == "TAG":
        for member in sorted(entry.tags):
            yield from _leaf_entries(tm, member)
    elif kind == "GROUP":
        yield from _member_entries(tm, load_yaml(entry.yaml_path, resolve_func=False).get("task", []))
    else:
        yield entry


def _member_entries(tm: TaskManager, members: Any) -> Iterator[Any]:
    """Leaves of a group's `task:` list: names, {task: ...} dicts, and inline subgroups."""
    for member in [members] if isinstance(members, str) else members:
        if isinstance(member, str):
            yield from _leaf_entries(tm, member)
        elif "group" in member and member["group"] not in tm.task_index:  # inline subgroup
            yield from _member_entries(tm, member.get("task", []))
        else:
            yield from _leaf_entries(tm, member.get("task") or member["group"])


def leaf_tasks(tm: TaskManager, name: str) -> list[str]:
    """Names of the leaf tasks a suite task expands to."""
    return [e.name for e in _leaf_entries(tm, name)]


OVERLAY_PREFIX = "kleaderboard-overlay-"


def _real_config(entry: Any) -> dict[str, Any]:
    """A leaf's lm-eval config as lm-eval ships it (an overlay's included file, not the overlay)."""
    path = Path(entry.yaml_path)
    if path.parent.name.startswith(OVERLAY_PREFIX):
        path = Path(load_yaml(path, resolve_func=False, recursive=False)["include"])
    config: dict[str, Any] = load_yaml(path, resolve_func=False)
    return config


def hub_datasets(tm: TaskManager, task: SuiteTask) -> list[str]:
    """The Hub datasets (lm-eval's ``dataset_path``) a suite task's leaves read, sorted."""
    paths = {str(_real_config(e).get("dataset_path")) for e in _leaf_entries(tm, task.task)}
    return sorted(p for p in paths if is_hub_repo_id(p))


def dataset_source(tm: TaskManager, task: SuiteTask) -> tuple[str | None, str | None]:
    """The Hub dataset a suite task reads and the commit it is pinned to, for the run record.

    A pin names one dataset's commit, so a pinned task must read exactly one Hub dataset.
    """
    paths = hub_datasets(tm, task)
    if task.dataset_revision is not None and len(paths) != 1:
        read = ", ".join(paths) or "none (its data is not on the Hub)"
        raise EvaluationError(
            f"suite task '{task.task}' sets dataset_revision, but the Hub datasets it reads are: {read} "
            "— a pin names the commit of one Hub dataset: remove it, or list the task's parts one by one"
        )
    return (paths[0] if len(paths) == 1 else None), task.dataset_revision


def _overlay_spec(entry: Any, task: SuiteTask, data_dir: Path | None) -> dict[str, Any] | None:
    """What an overlay changes in one leaf: the mirror it reads, or the commit it loads; None for a
    leaf whose data is not a Hub dataset (a package's own files): it needs no mirror."""
    raw = load_yaml(entry.yaml_path, resolve_func=False)
    if data_dir is not None and not is_hub_repo_id(str(_real_config(entry).get("dataset_path"))):
        return None
    spec: dict[str, Any] = {"include": str(entry.yaml_path), "task": entry.name}
    if "tag" in raw:
        spec["tag"] = raw["tag"]
    if data_dir is not None:  # the mirror stands for the pinned commit: it has no revisions
        local = data_dir / str(raw.get("dataset_path"))
        if not local.is_dir():
            raise EvaluationError(
                f"no local mirror of dataset {raw.get('dataset_path')} (read by '{entry.name}') "
                f"at {local} — download the Hub dataset repository there"
            )
        spec["dataset_path"] = str(local)
    elif task.dataset_revision is not None:
        # lm-eval merges an include's keys shallowly: carry the real dataset_kwargs over
        spec["dataset_kwargs"] = {**(raw.get("dataset_kwargs") or {}), "revision": task.dataset_revision}
    return spec


def _write_overlay(tm: TaskManager, tasks: list[SuiteTask], data_dir: Path | None) -> Path:
    """Overlay task YAMLs that read each leaf's dataset from a local mirror or a pinned commit.

    With ``data_dir``, ``data_dir/<dataset_path>/`` must hold a copy of the Hub dataset
    repository (what ``huggingface-cli download --repo-type dataset`` writes, its
    README.md ``configs`` included) and each overlay changes only ``dataset_path``.
    Without it, a task's ``dataset_revision`` becomes ``dataset_kwargs.revision``, which
    ``datasets.load_dataset`` honours. Each overlay file includes the real task YAML;
    indexed after the real folders, it takes the leaf's name, so groups, tags and result
    keys stay exactly as in lm-eval.
    """
    overlay = Path(tempfile.mkdtemp(prefix=OVERLAY_PREFIX))
    try:
        for task in tasks:
            dataset_source(tm, task)  # a pin that cannot apply is refused before anything runs
            if data_dir is None and task.dataset_revision is None:
                continue
            for entry in _leaf_entries(tm, task.task):
                spec = _overlay_spec(entry, task, data_dir)
                if spec is None:
                    continue
                (overlay / f"{entry.name}.yaml").write_text(json.dumps(spec), encoding="utf-8")
    except BaseException:
        shutil.rmtree(overlay, ignore_errors=True)
        raise
    return overlay


def make_task_manager(tasks: list[SuiteTask], data_dir: Path | None = None) -> TaskManager:
    """A TaskManager that indexes only the folders these tasks live in.

    With ``data_dir``, datasets are read from a local mirror instead of the Hub; a
    task's ``dataset_revision`` pins the commit read from the Hub.
    """
    folders = sorted({str(t.include_path()) for t in tasks})
    tm = TaskManager(include_path=folders, include_defaults=False)
    if data_dir is None and all(t.dataset_revision is None for t in tasks):
        return tm
    overlay = _write_overlay(tm, tasks, data_dir)
    overlaid = TaskManager(include_path=[*folders, str(overlay)], include_defaults=False)
    # lm-eval reads a task's YAML again when it loads the task, so the overlay lives as long as
    # the TaskManager that indexes it, and goes with it (or when Python exits)
    weakref.finalize(overlaid, shutil.rmtree, overlay, ignore_errors=True)
    return overlaid


def output_types(tm: TaskManager, task: SuiteTask) -> set[str]:
    """The lm-eval output types of a task's leaves (loglikelihood, multiple_choice, generate_until…)."""
    return {
        str(load_yaml(e.yaml_path, resolve_func=False).get("output_type", "generate_until"))
        for e in _leaf_entries(tm, task.task)
    }


def task_fingerprint(tm: TaskManager, task: SuiteTask, *, generation: Generation, limit: int | None) -> str:
    """sha256 of everything that defines a task before it runs.

    Each leaf's YAML with its includes merged, the Python helpers beside it
    (``!function`` targets), and the suite's n-shot, metric, chance-free fields and
    limits. Equal fingerprints under equal settings give equal scores, so a score
    can be carried over (see ``evaluation.reuse``).
    """
    digest = hashlib.sha256()
    key: list[Any] = [task.task, task.metric_key, task.n_shot, generation.max_gen_toks, limit]
    if task.dataset_revision is not None:  # only when set: unpinned fingerprints stay as they were
        key.append(task.dataset_revision)
    if generation.samples:  # only when sampling: greedy fingerprints stay as they were
        key.append([generation.generation_kwargs(), repeats_for(task, generation)])
    digest.update(json.dumps(key).encode())
    folders: set[Path] = set()
    for entry in _leaf_entries(tm, task.task):
        config = load_yaml(entry.yaml_path, resolve_func=False)
        digest.update(json.dumps(config, sort_keys=True, default=str).encode())
        folders.add(Path(entry.yaml_path).parent)
        included = load_yaml(entry.yaml_path, resolve_func=False, recursive=False).get("include")
        for path in [included] if isinstance(included, str) else included or []:
            folders.add((Path(entry.yaml_path).parent / path).parent)
    for folder in sorted(folders):
        for helper in sorted(folder.glob("*.py")):
            digest.update(helper.read_bytes())
    return digest.hexdigest()


# --- models ----------------------------------------------------------------------------


def load_model(backend: Backend, model_args: dict[str, Any], batch_size: int | str, device: str) -> LM:
    """Instantiate lm-eval's model for a backend; remote code is never trusted.

    ``hf``: transformers on one device (CPU tests, small models). ``vllm``: the GPU
    default; ``model_args`` may carry tensor_parallel_size, pipeline_parallel_size,
    data_parallel_size (through Ray), gpu_memory_utilization and max_model_len, which
    lm-eval hands to ``vllm.LLM``. ``local-completions``: an already running
    OpenAI-compatible server (``base_url`` in model_args).
    """
    try:
        return _construct(backend, model_args, batch_size, device)
    except torch.cuda.OutOfMemoryError as exc:
        raise EvaluationError(
            "the model does not fit in GPU memory while loading — use a larger GPU "
            "or more GPUs (vllm backend with --tensor-parallel)"
        ) from exc
    except ImportError as exc:
        raise EvaluationError(f"backend '{backend}' is not installed here: {exc}") from exc
    except (OSError, ValueError) as exc:
        raise EvaluationError(f"the model could not be loaded: {exc}") from exc


def _construct(backend: Backend, model_args: dict[str, Any], batch_size: int | str, device: str) -> LM:
    if backend is Backend.hf:
        from lm_eval.models.huggingface import HFLM

        return HFLM(**model_args, batch_size=batch_size, device=device, trust_remote_code=False)
    if backend is Backend.vllm:
        from lm_eval.models.vllm_causallms import VLLM

        return VLLM(**model_args, batch_size="auto", trust_remote_code=False)
    if backend is Backend.local_completions:
        from lm_eval.models.openai_completions import LocalCompletionsAPI

        args = dict(model_args)
        return LocalCompletionsAPI(
            base_url=args.pop("base_url"),
            model=args.pop("pretrained"),
            tokenizer_backend="huggingface",
            tokenizer=args.pop("tokenizer", None),
            batch_size=batch_size,
            **args,
        )
    raise EvaluationError(f"unknown backend '{backend}' — use hf, vllm or local-completions")


def engine_parts(lm: LM) -> tuple[Any, int, int]:
    """The engine behind an lm-eval model (a transformers model or a vllm.LLM), its
    vocabulary size and special-token count, for the serving workload."""
    inner = getattr(lm, "lm", lm)  # CachingLM wraps the model it caches
    model = getattr(inner, "model", None)
    tokenizer = getattr(inner, "tokenizer", None)
    if model is None or tokenizer is None:
        raise EvaluationError("this backend exposes no model to time the serving workload on")
    return model, len(tokenizer), len(tokenizer.all_special_ids)


def vllm_hf_config(llm: Any) -> dict[str, Any]:
    """The Hugging Face config a vllm.LLM loaded (for the structural cost)."""
    return dict(llm.llm_engine.model_config.hf_config.to_dict())


def gpu_name_and_count(device: str) -> tuple[str | None, int]:
    """The CUDA device name and how many are visible, or (None, 0) on a CPU run."""
    if not device.startswith("cuda") or not torch.cuda.is_available():
        return None, 0
    return torch.cuda.get_device_name(0), torch.cuda.device_count()


def with_cache(lm: LM, cache_file: Path | None) -> LM:
    """Wrap the model in lm-eval's sqlite response cache (one file per model identity)."""
    if cache_file is None:
        return lm
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    return CachingLM(lm, str(cache_file))


# --- running one task ------------------------------------------------------------------


def _seed_everything() -> None:
    random.seed(SEEDS["random"])
    np.random.seed(SEEDS["numpy"])
    torch.manual_seed(SEEDS["torch"])


def repeats_for(task: SuiteTask, generation: Generation) -> int:
    """Answers sampled per item: the task's repeats when the mode samples, else one (greedy
    decoding would repeat the same answer)."""
    return task.repeats if generation.samples else 1


def _configure(loaded: dict[str, Any], task: SuiteTask, generation: Generation) -> None:
    for task_obj in loaded["tasks"].values():
        if task_obj.get_config("output_type") == "generate_until":
            # the mode's budget and sampling win over the task YAML's (recorded in Settings)
            task_obj.set_config(key="generation_kwargs", value=generation.generation_kwargs(), update=True)
            task_obj.set_config(key="repeats", value=repeats_for(task, generation))
        # the suite is authoritative: its n-shot is recorded in the run record
        task_obj.set_config(key="num_fewshot", value=task.n_shot)
        task_obj.set_fewshot_seed(seed=SEEDS["fewshot"])


def run_task(
    lm: LM,
    tm: TaskManager,
    task: SuiteTask,
    *,
    generation: Generation,
    limit: int | None,
    chat: bool = False,
) -> TaskOutcome:
    """Evaluate one suite task (a task or a whole group) and parse its result."""
    _seed_everything()
    loaded = tm.load([task.task])
    _configure(loaded, task, generation)
    try:
        results = evaluate(
            lm=lm,
            task_dict=loaded,
            limit=limit,
            bootstrap_iters=1000,
            log_samples=True,
            apply_chat_template=chat,
            fewshot_as_multiturn=chat,
            verbosity="WARNING",
        )
    except torch.cuda.OutOfMemoryError as exc:
        raise EvaluationError(
            f"out of GPU memory while running '{task.task}' — lower the batch size, "
            "or use more GPUs (vllm backend with --tensor-parallel)"
        ) from exc
    except (ValueError, RuntimeError, KeyError) as exc:
        raise EvaluationError(f"lm-eval could not run '{task.task}': {exc}") from exc
    if results is None:  # only non-zero ranks get None; we run single-process
        raise EvaluationError(f"lm-eval returned no results for '{task.task}'")
    return parse_result(results, task, lm)


def _stderr(entry: dict[str, Any], task: SuiteTask) -> float | None:
    value = entry.get(f"{task.metric}_stderr,{task.filter}")
    return float(value) if isinstance(value, int | float) else None


def parse_result(results: dict[str, Any], task: SuiteTask, lm: LM) -> TaskOutcome:
    """Turn lm-eval's results dict for one suite task into a TaskOutcome."""
    entry = results["results"].get(task.task)
    if entry is None or task.metric_key not in entry:
        have = sorted(k for k in (entry or {}) if "," in k and "_stderr" not in k)
        raise EvaluationError(
            f"lm-eval reported no '{task.metric_key}' for '{task.task}' (it has: {have}) — "
            "fix metric/filter in the suite file"
        )
    samples = results.get("samples", {})
    leaves = sorted(samples)
    n_samples = sum(int(results["n-samples"][leaf]["effective"]) for leaf in leaves)
    return TaskOutcome(
        value=float(entry[task.metric_key]),
        stderr=_stderr(entry, task),
        n_samples=n_samples,
        version=str(results.get("versions", {}).get(task.task)),
        task_hash=_task_hash(results, leaves),
        tokens=sum(_leaf_tokens(lm, samples[leaf]) for leaf in leaves),
        items=_item_values(samples, task.metric),
    )


def _item_values(samples: dict[str, list[dict[str, Any]]], metric: str) -> dict[str, float]:
    """Each document's metric, once per document (the first filter), keyed "<leaf>/<doc_id>"."""
    items: dict[str, float] = {}
    for leaf, logged in samples.items():
        first = logged[0].get("filter") if logged else None
        for sample in logged:
            if sample.get("filter") == first and isinstance(sample.get(metric), int | float):
                doc = sample.get("doc")
                # a perturbed copy's doc names its item's place as published
                place = doc.get("_kl_index", sample["doc_id"]) if isinstance(doc, dict) else sample["doc_id"]
                items[f"{leaf}/{place}"] = float(sample[metric])
    return items


def _task_hash(results: dict[str, Any], leaves: list[str]) -> str:
    """sha256 over each leaf's resolved config and its documents, prompts and targets."""
    digest = hashlib.sha256()
    for leaf in leaves:
        config = results.get("configs", {}).get(leaf, {})
        digest.update(json.dumps(config, sort_keys=True, default=str).encode())
        for sample in results["samples"][leaf]:
            for key in ("doc_hash", "prompt_hash", "target_hash"):
                digest.update(str(sample.get(key, "")).encode())
    return digest.hexdigest()


def _leaf_tokens(lm: LM, samples: list[dict[str, Any]]) -> int:
    """Tokens of a leaf's requests; each document counted once, whatever the filters."""
    first_filter = samples[0].get("filter") if samples else None
    return sum(_sample_tokens(lm, s) for s in samples if s.get("filter") == first_filter)


def _sample_tokens(lm: LM, sample: dict[str, Any]) -> int:
    """Prompt (and continuation or generated) tokens of one logged sample."""
    encode = getattr(lm, "tok_encode", None) or getattr(getattr(lm, "lm", None), "tok_encode", None)
    if encode is None:
        return 0
    total = 0
    for args in sample.get("arguments", []):
        total += sum(len(encode(part)) for part in args if isinstance(part, str))
    for resp in sample.get("filtered_resps", []):
        if isinstance(resp, str):
            total += len(encode(resp))
    return total


# --- contamination: perturbed variants, private items, token statistics ------------------

# A neutral rewording of common prompt frames: the words around the item change, the item
# does not. Applied only where a frame word is present ("where the task allows").
REWORDINGS: tuple[tuple[str, str], ...] = (
    ("Question:", "Q:"),
    ("Answer:", "A:"),
    ("질문:", "문제:"),
    ("정답:", "답변:"),
    ("답:", "응답:"),
)
PERTURBATION_SEED = 20240501
# The perturbed copy scores a fixed-seed sample of this share of each leaf's items: the gap is
# a mean of paired differences, so half the items widen its standard error by √2 and halve
# the copy's cost (the pass's largest part). Membership still reads every published item.
PERTURBED_SHARE = 0.5


@dataclass(frozen=True)
class ItemPair:
    """One multiple-choice item as published and as perturbed, with its correct answer."""

    key: str  # "<leaf>/<doc_id>"
    published: str  # prompt, delimiter and correct option as a model would have read them
    perturbed: str


@dataclass(frozen=True)
class VariantRun:
    """Per-item metric values of one evaluation of a suite task (published, perturbed or private)."""

    items: dict[str, float]  # "<leaf>/<doc_id>" -> the metric of that item
    value: float
    stderr: float | None
    requests: int
    tokens: int
    perturbations: tuple[str, ...] = ()
    pairs: tuple[ItemPair, ...] = ()


def reword(text: str) -> str:
    """The prompt with its frame words replaced; unchanged when it has none."""
    for old, new in REWORDINGS:
        text = text.replace(old, new)
    return text


def _target_index(task_obj: Any, doc: dict[str, Any], choices: list[str]) -> int:
    target = task_obj.doc_to_target(doc)
    if isinstance(target, int):
        return target
    if isinstance(target, str) and target in choices:
        return choices.index(target)
    raise EvaluationError(f"cannot find the correct option of an item of '{task_obj.config.task}'")


def _shuffled(
    task_obj: Any, doc: dict[str, Any], index: int, target: int
) -> tuple[dict[str, Any], int] | None:
    """The doc with its options moved (the correct one always moves) and the new target,
    or None when the options are not fields of the doc (a template builds them)."""
    spec = task_obj.config.doc_to_choice
    if isinstance(spec, str) and isinstance(doc.get(spec), list):
        fields = None
        options = list(doc[spec])
    elif isinstance(spec, list) and spec and all(isinstance(s, str) and s in doc for s in spec):
        fields = list(spec)
        options = [doc[f] for f in fields]
    else:
        return None
    rng = random.Random(f"{PERTURBATION_SEED}:{index}")
    order = list(range(len(options)))
    rng.shuffle(order)
    if len(order) > 1 and order.index(target) == target:  # the correct option must change place
        order = order[1:] + order[:1]
    moved = dict(doc)
    if fields is None:
        moved[spec] = [options[i] for i in order]
    else:
        for field_name, i in zip(fields, order, strict=True):
            moved[field_name] = options[i]
    return moved, order.index(target)


def _sample(count: int, leaf: str) -> set[int]:
    """The fixed-seed sample of a leaf's item places that the perturbed copy scores."""
    size = max(1, math.ceil(count * PERTURBED_SHARE)) if count else 0
    return set(random.Random(f"{PERTURBATION_SEED}:sample:{leaf}").sample(range(count), size))


def _perturb_leaf(task_obj: Any, limit: int | None) -> tuple[tuple[str, ...], list[ItemPair]]:
    """Swap a multiple-choice leaf's test docs (the first ``limit``, if any) for shuffled,
    reworded copies of a sample of them (in place); the pairs cover every item.

    The copies are rendered with the leaf's own config, then served through callables, so
    the variant is the real config with only the items' order and frame changed.
    """
    original_text, original_choice = task_obj.config.doc_to_text, task_obj.config.doc_to_choice
    original_target = task_obj.config.doc_to_target
    delimiter = task_obj.config.target_delimiter
    name = task_obj.config.task
    docs, pairs, applied = [], [], set()
    published = list(task_obj.eval_docs)[:limit] if limit else list(task_obj.eval_docs)
    sampled = _sample(len(published), name)
    for index, doc in enumerate(published):
        choices = task_obj.doc_to_choice(doc)
        target = _target_index(task_obj, doc, choices)
        text = task_obj.doc_to_text(doc)
        shuffled = _shuffled(task_obj, doc, index, target)
        new_doc, new_target = shuffled if shuffled is not None else (doc, target)
        new_choices, new_text = task_obj.doc_to_choice(new_doc), task_obj.doc_to_text(new_doc)
        if new_text != text:
            applied.add("shuffle")  # the options are shown in the prompt: their order can matter
        if reword(new_text) != new_text:
            applied.add("reword")
        new_text = reword(new_text)
        if index in sampled:
            docs.append(
                {
                    **doc,
                    "_kl_text": new_text,
                    "_kl_choices": new_choices,
                    "_kl_target": new_target,
                    "_kl_index": index,  # the item's place as published: pairs it with its score
                }
            )
        pairs.append(
            ItemPair(
                f"{name}/{index}",
                f"{text}{delimiter}{choices[target]}",
                f"{new_text}{delimiter}{new_choices[new_target]}",
            )
        )

    def text_of(d: dict[str, Any]) -> Any:
        return d["_kl_text"] if "_kl_text" in d else reword(task_obj.doc_to_text(d, original_text))

    _serve_docs(task_obj, docs)
    task_obj.config.doc_to_text = text_of
    task_obj.config.doc_to_choice = lambda d: (
        d["_kl_choices"] if "_kl_choices" in d else task_obj.doc_to_choice(d, original_choice)
    )
    task_obj.config.doc_to_target = lambda d: (
        d["_kl_target"] if "_kl_target" in d else task_obj.doc_to_target(d, original_target)
    )
    return tuple(sorted(applied)), pairs


def _serve_docs(task_obj: Any, docs: list[dict[str, Any]]) -> None:
    """Make a leaf evaluate these docs: lm-eval reads the test split, else the validation split."""
    if task_obj.has_test_docs():
        task_obj.test_docs = lambda: docs
    else:
        task_obj.validation_docs = lambda: docs


def _private_leaf(task_obj: Any, items: list[dict[str, Any]]) -> None:
    """Serve a leaf the private slice's items instead of its published test docs."""
    _serve_docs(task_obj, items)


def _leaf_objects(loaded: dict[str, Any]) -> Iterator[Any]:
    """The leaf Task objects of a loaded task dict ({"tasks", "groups", "group_map"}); a
    group's Group objects and child lists are not leaves (a group task failed on them)."""
    yield from loaded["tasks"].values()


def multiple_choice_leaves(tm: TaskManager, task: SuiteTask) -> list[str]:
    """The leaves of a suite task scored by multiple choice (the ones a shuffle can perturb)."""
    return [
        e.name
        for e in _leaf_entries(tm, task.task)
        if load_yaml(e.yaml_path, resolve_func=False).get("output_type") == "multiple_choice"
    ]


def _evaluate_loaded(lm: LM, loaded: dict[str, Any], task: SuiteTask, limit: int | None) -> VariantRun:
    try:
        results = evaluate(
            lm=lm, task_dict=loaded, limit=limit, bootstrap_iters=1000, log_samples=True, verbosity="WARNING"
        )
    except (ValueError, RuntimeError, KeyError, TypeError) as exc:
        raise EvaluationError(
            f"lm-eval could not run a contamination variant of '{task.task}': {exc}"
        ) from exc
    if results is None:
        raise EvaluationError(f"lm-eval returned no results for a variant of '{task.task}'")
    entry = results["results"].get(task.task, {})
    if task.metric_key not in entry:
        raise EvaluationError(f"lm-eval reported no '{task.metric_key}' for a variant of '{task.task}'")
    requests = tokens = 0
    for samples in results.get("samples", {}).values():
        first = samples[0].get("filter") if samples else None
        kept = [s for s in samples if s.get("filter") == first]
        requests += sum(len(s.get("arguments", [])) for s in kept)
        tokens += _leaf_tokens(lm, kept)
    items = _item_values(results.get("samples", {}), task.metric)
    return VariantRun(items, float(entry[task.metric_key]), _stderr(entry, task), requests, tokens)


# The contamination passes score multiple-choice leaves only; a generative leaf of the same
# group gets the smallest budget, greedy, since its answers are never read.
_SCORING_ONLY = Generation(max_gen_toks=1)


def run_published(lm: LM, tm: TaskManager, task: SuiteTask, limit: int | None) -> VariantRun:
    """A suite task's multiple-choice leaves as published, item by item (n-shot as the suite says)."""
    _seed_everything()
    loaded = tm.load([task.task])
    _configure(loaded, task, _SCORING_ONLY)
    return _evaluate_loaded(lm, loaded, task, limit)


def run_perturbed(lm: LM, tm: TaskManager, task: SuiteTask, limit: int | None) -> VariantRun:
    """The same items with options shuffled (fixed seed) and the frame reworded, item by item."""
    _seed_everything()
    loaded = tm.load([task.task])
    _configure(loaded, task, _SCORING_ONLY)
    applied: set[str] = set()
    pairs: list[ItemPair] = []
    for task_obj in _leaf_objects(loaded):
        if task_obj.get_config("output_type") != "multiple_choice":
            continue
        done, leaf_pairs = _perturb_leaf(task_obj, limit)
        applied.update(done)
        pairs.extend(leaf_pairs)
    if not applied:  # options scored one by one under an unchanged prompt: nothing can move
        return VariantRun({}, math.nan, None, 0, 0, (), tuple(pairs))
    run = _evaluate_loaded(lm, loaded, task, None)  # the served sample is already within the limit
    return VariantRun(
        run.items, run.value, run.stderr, run.requests, run.tokens, tuple(sorted(applied)), tuple(pairs)
    )


def run_private(
    lm: LM, tm: TaskManager, task: SuiteTask, items: dict[str, list[dict[str, Any]]]
) -> tuple[VariantRun, list[str]]:
    """A suite task on private items (leaf name -> docs in the leaf's own schema) and the
    texts of those items as published (prompt, delimiter, correct option) for membership."""
    _seed_everything()
    loaded = tm.load([task.task])
    _configure(loaded, task, _SCORING_ONLY)
    texts: list[str] = []
    kept: dict[str, Any] = {}
    for name, task_obj in _named_leaves(loaded):
        if name not in items:
            continue
        _private_leaf(task_obj, items[name])
        kept[name] = task_obj
        if task_obj.get_config("output_type") == "multiple_choice":
            for doc in items[name]:
                choices = task_obj.doc_to_choice(doc)
                target = _target_index(task_obj, doc, choices)
                texts.append(
                    f"{task_obj.doc_to_text(doc)}{task_obj.config.target_delimiter}{choices[target]}"
                )
    if not kept:
        raise EvaluationError(f"the private slice has no items for a leaf of '{task.task}'")
    return _evaluate_loaded(lm, loaded, task, None), texts


def _named_leaves(loaded: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    yield from ((str(name), task_obj) for name, task_obj in loaded["tasks"].items())


def token_statistics(lm: LM, texts: list[str], batch: int = 16) -> list[tuple[list[float], list[float]]]:
    """Per text: each token's log-probability and its Min-K%++ score (the log-probability
    normalised by the mean and spread of the model's own next-token distribution).

    Every token counts, the prompt frame's too: a model that read the benchmark's items in
    their printed form knows the frame around them as well (tests/test_contamination.py: on
    the demo's tiny models that is most of the signal; with the frame's tokens left out, a
    leaked and a clean model were not told apart).

    Needs the model's full next-token distribution, so only a backend with the weights
    in this process (``hf``) can give it; others raise.
    """
    model, _, _ = engine_parts(lm)
    inner = getattr(lm, "lm", lm)
    if not isinstance(model, torch.nn.Module):
        raise EvaluationError("this backend does not expose token distributions (evaluate with --backend hf)")
    tokenizer = inner.tokenizer
    device = next(model.parameters()).device
    encoded = [tokenizer(text, add_special_tokens=True)["input_ids"] for text in texts]
    out: list[tuple[list[float], list[float]]] = []
    with torch.no_grad():
        for start in range(0, len(encoded), batch):
            out.extend(_batch_scores(model, encoded[start : start + batch], device))
    return out


def _batch_scores(model: Any, rows: list[list[int]], device: Any) -> list[tuple[list[float], list[float]]]:
    """One padded forward pass (right padding, masked) for a batch of token rows."""
    width = max(len(r) for r in rows)
    ids = torch.zeros((len(rows), width), dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = torch.tensor(row, dtype=torch.long)
        mask[i, : len(row)] = 1
    logits = model(input_ids=ids.to(device), attention_mask=mask.to(device)).logits.float()
    return [_token_scores(logits[i, : len(row)], ids[i, : len(row)].to(device)) for i, row in enumerate(rows)]


def _token_scores(logits: torch.Tensor, ids: torch.Tensor) -> tuple[list[float], list[float]]:
    """Each token's log-probability given the ones before it, and its Min-K%++ normalisation."""
    logp = torch.log_softmax(logits[:-1], dim=-1)
    probs = logp.exp()
    target = ids[1:]
    token_logp = logp.gather(-1, target[:, None])[:, 0]
    mean = (probs * logp).sum(-1)
    var = (probs * logp.square()).sum(-1) - mean.square()
    normed = (token_logp - mean) / var.clamp_min(1e-12).sqrt()
    return token_logp.tolist(), normed.tolist()
