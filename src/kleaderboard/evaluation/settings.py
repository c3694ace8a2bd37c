"""Everything a run is defined by, resolved without importing torch or lm-eval.

Options come from the command line, settings are what the run record stores (every
setting that can move a score), and the *inputs hash* condenses all of it — weights,
settings, suite, lm-eval release and the task files on disk — so that an unchanged
re-run is recognised in a fraction of a second, before any heavy import.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from kleaderboard.errors import InputError
from kleaderboard.kinds import CHAT_MODES, THINKING_MODES, Backend, Mode
from kleaderboard.records import ModelIdentity, Settings
from kleaderboard.submission.tree import Submission
from kleaderboard.suites import Generation, Suite

SEEDS = {"random": 0, "numpy": 1234, "torch": 1234, "fewshot": 1234}
WEIGHT_SUFFIXES = (".safetensors", ".json", ".model", ".txt", ".jinja")


def resolve_device(device: str) -> str:
    """'auto' becomes 'cuda' when a GPU is visible, else 'cpu' (only 'auto' imports torch)."""
    if device != "auto":
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def lm_eval_version() -> str:
    """The installed lm-eval release, read from its metadata (no import)."""
    return metadata.version("lm-eval")


def now_utc() -> str:
    """The current UTC time as recorded in run records."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_run_id(suite: Suite, mode: Mode, when: str) -> str:
    """Run ids sort by time and never collide: 20261123T175501Z-demo-v1-base-3f9a1c."""
    stamp = when.replace("-", "").replace(":", "")
    return f"{stamp}-{suite.name}-v{suite.version}-{mode}-{uuid.uuid4().hex[:6]}"


def _folder_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _suite_part(suite: Suite) -> dict[str, Any]:
    """The suite fields that can move a score; a dataset pin counts once it is set."""
    data = suite.model_dump(
        mode="json",
        exclude={"serving", "description", "title_ko", "title_en", "require_dataset_revisions", "notes"},
    )
    if not data.get("generation"):
        data.pop("generation", None)
    # An unset pin is left out, so records made before pins existed still match an unchanged re-run.
    for task in data["tasks"]:
        task.pop("about", None)  # page text: it moves no score
        task.pop("gated", None)  # who may download, not what is read
        if task.get("repeats") == 1:  # the default: hashes of suites made before it stay as they were
            del task["repeats"]
        for part in (task, task.get("chat") or {}):
            if part.get("dataset_revision", "") is None:
                del part["dataset_revision"]
    return data


def _settings_part(settings: Settings) -> dict[str, Any]:
    """The run settings; greedy decoding's defaults left out, so earlier records still match."""
    data = settings.model_dump(mode="json")
    if data.get("temperature") == 0.0 and data.get("top_p") is None:
        del data["temperature"], data["top_p"]
    return data


def inputs_hash(suite: Suite, settings: Settings, identity: ModelIdentity, data_dir: Path | None) -> str:
    """sha256 of everything a run's scores depend on; equal hashes mean an unchanged re-run."""
    folders = sorted({t.include_path() for t in suite.tasks})
    parts = [
        _suite_part(suite),
        _settings_part(settings),
        identity.model_dump(mode="json"),
        lm_eval_version(),
        [(str(f.name), _folder_digest(f)) for f in folders],
        str(data_dir) if data_dir else None,
    ]
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


WEIGHT_SUFFIXES = (".safetensors", ".json", ".model", ".txt", ".jinja")


@dataclass(frozen=True)
class RunOptions:
    """How to run; everything here that can move a score lands in the run record."""

    device: str = "auto"
    batch_size: int | None = None
    data_dir: Path | None = None
    cache_dir: Path | None = None
    limit: int | None = None
    force: bool = False
    measure_cost: bool = True
    backend: Backend | None = None  # None: the suite's backend
    tensor_parallel: int = 1
    pipeline_parallel: int = 1
    data_parallel: int = 1
    gpu_memory_utilization: float = 0.9
    base_url: str | None = None  # local-completions: the running server
    timeout_s: float | None = None  # the whole run
    load_timeout_s: float | None = None  # loading the weights: a stuck read fails early, not hours later
    mode: Mode | None = None  # None: the first mode the manifest declares
    snapshot: Path | None = None  # a verified snapshot of the pinned commit (evaluation/snapshot.py)
    contamination: bool = False  # the contamination pass (evaluation/contamination_pass.py)
    private_dir: Path | None = None  # the private held-out slice; never inside the repository


def model_identity(sub: Submission, snapshot: Path | None = None) -> ModelIdentity:
    """Which weights: the Hub repo and commit (with the snapshot's verified file hashes when
    loaded from one), or the local folder with file hashes."""
    spec = sub.manifest.model
    if spec.local_path is None:
        if spec.pending:
            raise InputError.single(
                sub.folder / "submission.yaml",
                "model.revision",
                "is 'pending', so there is nothing fixed to evaluate",
                "set the 40-hex commit of the weights to evaluate",
            )
        if snapshot is None:
            return ModelIdentity(source=str(spec.hub_repo), revision=spec.revision)
        from kleaderboard.evaluation.snapshot import read_snapshot

        snap = read_snapshot(snapshot, str(spec.hub_repo), str(spec.revision))
        return ModelIdentity(source=snap.repo_id, revision=snap.revision, file_hashes=snap.files)
    folder = sub.path(spec.local_path)
    if not folder.is_dir():
        raise InputError.single(
            sub.folder / "submission.yaml",
            "model.local_path",
            f"{folder} is not a folder",
            "point local_path at the saved model folder",
        )
    hashes = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file() and p.suffix in WEIGHT_SUFFIXES
    }
    return ModelIdentity(source=spec.local_path, revision=None, file_hashes=hashes)


def model_args(
    sub: Submission, identity: ModelIdentity, backend: Backend, options: RunOptions
) -> dict[str, str | int | float | bool | None]:
    """lm-eval's model_args: the pinned weights, loaded from safetensors only on hf and vLLM."""
    spec = sub.manifest.model
    if spec.local_path is not None:
        args: dict[str, str | int | float | bool | None] = {
            "pretrained": str(sub.path(spec.local_path).resolve()),
            "dtype": spec.precision,
        }
    elif options.snapshot is not None:  # the verified files of the pinned commit, loaded offline
        args = {"pretrained": str(options.snapshot.resolve()), "dtype": spec.precision}
    else:
        args = {"pretrained": identity.source, "revision": identity.revision, "dtype": spec.precision}
    if backend == Backend.hf:
        args["use_safetensors"] = True  # transformers then never unpickles a weight file
    if backend == Backend.vllm:
        if spec.local_path is None and options.snapshot is None:
            # lm-eval leaves tokenizer_revision at None, which reads the tokenizer and chat template
            # from the repo's default branch: pin them to the evaluated commit, like the weights.
            args["tokenizer_revision"] = identity.revision
        args |= {
            "load_format": "safetensors",
            "tensor_parallel_size": options.tensor_parallel,
            "pipeline_parallel_size": options.pipeline_parallel,
            "data_parallel_size": options.data_parallel,
            "gpu_memory_utilization": options.gpu_memory_utilization,
            "seed": SEEDS["torch"],
        }
    if backend == Backend.local_completions:
        args |= {"base_url": options.base_url, "tokenizer": args["pretrained"]}
    return args


def choose_backend(suite: Suite, options: RunOptions, device: str) -> Backend:
    backend = Backend(options.backend or suite.backend)
    if backend is Backend.vllm and not device.startswith("cuda"):
        raise InputError.single(
            "--backend",
            Backend.vllm.value,
            f"suite {suite.name} runs on vLLM, which needs a CUDA GPU, and this run is on {device}",
            "run on a GPU runner, or pass --backend hf for a small model on CPU",
        )
    if backend is Backend.local_completions and not options.base_url:
        raise InputError.single(
            "--base-url",
            "",
            "local-completions needs the server's URL",
            "pass --base-url http://host:port/v1/completions",
        )
    return backend


def cache_file(options: RunOptions, identity: ModelIdentity, settings: Settings) -> Path | None:
    # lm-eval's cache key has no model identity: one cache per (weights, backend, dtype).
    if options.cache_dir is None:
        return None
    key = json.dumps(
        [identity.source, identity.revision, identity.file_hashes, settings.backend, settings.dtype]
    )
    return options.cache_dir / f"{hashlib.sha256(key.encode()).hexdigest()[:24]}.db"


def choose_mode(sub: Submission, options: RunOptions) -> Mode:
    """The prompting mode: asked for, or the first the manifest declares; it must be declared."""
    declared = sub.manifest.model.modes
    mode = options.mode or declared[0]
    if mode not in declared:
        raise InputError.single(
            sub.folder / "submission.yaml",
            "model.modes",
            f"does not declare mode '{mode}' (it declares {', '.join(declared)})",
            "evaluate a declared mode, or declare the mode in the manifest",
        )
    return Mode(mode)


def run_generation(suite: Suite, mode: Mode, sub: Submission) -> Generation:
    """The mode's budget and sampling: the suite's, with the sampling the model card recommends
    (manifest ``model.sampling``) where the suite samples; greedy modes stay greedy."""
    generation = suite.generation_for(mode)
    recommended = sub.manifest.model.sampling
    if not generation.samples or recommended is None or recommended.temperature == 0:
        return generation
    return generation.model_copy(update={"temperature": recommended.temperature, "top_p": recommended.top_p})


def generation_of(settings: Settings) -> Generation:
    """The generation a run used, as its settings record it (the one source the runner reads)."""
    return Generation(
        max_gen_toks=settings.max_gen_toks, temperature=settings.temperature, top_p=settings.top_p
    )


def run_settings(sub: Submission, suite: Suite, options: RunOptions, identity: ModelIdentity) -> Settings:
    device = resolve_device(options.device)
    backend = choose_backend(suite, options, device)
    mode = choose_mode(sub, options)
    chat = mode in CHAT_MODES and sub.manifest.model.chat_template
    args = model_args(sub, identity, backend, options)
    if mode in THINKING_MODES:
        args["enable_thinking"] = mode is Mode.think_on
        if mode is Mode.think_on:
            args["think_end_token"] = sub.manifest.model.think_end_token
    generation = run_generation(suite, mode, sub)
    return Settings(
        backend=backend,
        mode=mode,
        device=device,
        dtype=sub.manifest.model.precision,
        batch_size=options.batch_size or suite.batch_size,
        seeds=dict(SEEDS),
        apply_chat_template=chat,
        fewshot_as_multiturn=chat,
        max_gen_toks=generation.max_gen_toks,
        temperature=generation.temperature,
        top_p=generation.top_p if generation.samples else None,
        limit=options.limit,
        model_args=args,
    )
