"""Shared fixtures: isolated caches, offline Hugging Face settings and a tiny model made here.

No test may lean on what a machine has cached (a Hub dataset cache hid a broken test
mirror once), so every cache the libraries know of points at one fresh folder for the
session. This happens when pytest imports this file, before any test module imports
``datasets``, ``huggingface_hub``, ``transformers`` or ``nltk``: those read the
variables once, at import time.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

OFFLINE = {
    "HF_HUB_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1",
    "TOKENIZERS_PARALLELISM": "false",
}

# Cache variable -> folder under the session's cache root.
CACHES = {
    "XDG_CACHE_HOME": "xdg",
    "HF_HOME": "hf",
    "HF_HUB_CACHE": "hf/hub",
    "HF_ASSETS_CACHE": "hf/assets",
    "HF_XET_CACHE": "hf/xet",
    "HF_DATASETS_CACHE": "hf/datasets",
    "HF_MODULES_CACHE": "hf/modules",
    "TRANSFORMERS_CACHE": "hf/transformers",
    "LM_HARNESS_CACHE_PATH": "lm_eval",
    "TORCH_HOME": "torch",
    "TORCHINDUCTOR_CACHE_DIR": "torchinductor",
    "TRITON_CACHE_DIR": "triton",
    "VLLM_CACHE_ROOT": "vllm",
    "TIKTOKEN_CACHE_DIR": "tiktoken",
    "NLTK_DATA": "nltk_data",
}

# Credentials a developer's shell may hold: a test must never act as them.
CREDENTIALS = ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_TOKEN_PATH", "GITHUB_TOKEN", "GH_TOKEN")


def _isolate_caches() -> Path:
    root = Path(tempfile.mkdtemp(prefix="kleaderboard-test-caches-"))
    for name, folder in CACHES.items():
        os.environ[name] = str(root / folder)
    os.environ.update(OFFLINE)
    for name in CREDENTIALS:
        os.environ.pop(name, None)
    return root


CACHE_ROOT = _isolate_caches()
SESSION_ENV = {name: os.environ[name] for name in [*CACHES, *OFFLINE]}


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(CACHE_ROOT, ignore_errors=True)


@pytest.fixture(autouse=True)
def caches_stay_isolated() -> Iterator[None]:
    """After each test the session's caches again: code that repoints them in-process (the
    demo points them at its workspace) must not carry that into the tests after it."""
    yield
    os.environ.update(SESSION_ENV)
    for name in CREDENTIALS:
        os.environ.pop(name, None)


TOKENIZER_LINES = [
    "서울은 대한민국의 수도이다.",
    "부산은 바다와 가까운 도시이다.",
    "The capital of France is Paris.",
    "3 더하기 4는 7이다.",
    "다음 중 옳은 것은? 정답:",
] * 10 + [f"문장 {i}: 가나다라마바사 {i * 7} sentence {i}" for i in range(100)]


@pytest.fixture(scope="session", autouse=True)
def offline_punkt() -> None:
    """IFEval's NLTK sentence model, trained into the session's NLTK_DATA folder."""
    _offline_punkt(Path(os.environ["NLTK_DATA"]))


PUNKT_TEXT = (
    "This is a sentence. Dr. Kim went home at 5 p.m. and slept. It was late! Was it? "
    "Yes. Mr. Park said so, e.g. in the report. The U.S. team agreed. "
) * 30


def _offline_punkt(root: Path) -> Path:
    """NLTK's punkt_tab sentence model, trained here: IFEval's checks need it and the
    tests may not download it (production runners fetch the published one once)."""
    try:
        from nltk.tokenize.punkt import PunktTrainer, save_punkt_params
    except ImportError:  # no eval extra: nothing here needs NLTK
        return root
    import nltk

    # only the session's folder: ~/nltk_data or /usr/share/nltk_data must not hide a gap
    nltk.data.path[:] = [str(root)]
    target = root / "tokenizers" / "punkt_tab" / "english"
    target.mkdir(parents=True, exist_ok=True)
    trainer = PunktTrainer()
    trainer.train(PUNKT_TEXT, finalize=True)
    save_punkt_params(trainer.get_params(), dir=str(target))
    return root


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A randomly initialised 1-layer Llama with its own byte-level BPE tokenizer."""
    pytest.importorskip("transformers", reason="needs the eval extra")
    from kleaderboard.demo.training import TrainSpec, build_model, train_tokenizer

    out = tmp_path_factory.mktemp("tiny-model")
    tokenizer = train_tokenizer(TOKENIZER_LINES, 400, out)
    model = build_model(TrainSpec(hidden_size=32, layers=1, heads=2), len(tokenizer), tokenizer)
    model.save_pretrained(out)
    return out


CHAT_TEMPLATE = (
    "{% for m in messages %}<|{{ m.role }}|>{{ m.content }}\n{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>"
    "{% if enable_thinking is defined and not enable_thinking %}<no_think>{% endif %}{% endif %}"
)


@pytest.fixture(scope="session")
def tiny_chat_model(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny model with a chat template that switches thinking off like hybrid reasoning models."""
    import shutil

    from transformers import AutoTokenizer

    out = tmp_path_factory.mktemp("tiny-chat-model") / "model"
    shutil.copytree(tiny_model, out)
    tokenizer = AutoTokenizer.from_pretrained(out)
    tokenizer.chat_template = CHAT_TEMPLATE
    tokenizer.save_pretrained(out)
    return out


# --- the site fixture repository (tests/data/site_repo), scored and rendered -------------


@pytest.fixture(scope="module")
def board():  # -> kleaderboard.scoring.leaderboard.Leaderboard
    from kleaderboard.scoring.leaderboard import build_leaderboard
    from kleaderboard.suites import load_suite

    from .site_fixture import SUBMISSIONS

    return build_leaderboard(SUBMISSIONS, load_suite("demo"))


@pytest.fixture(scope="module")
def rendered(board) -> dict[str, str]:
    from kleaderboard.site import pages

    return pages.render_pages(board, pages.Links(use_directory_urls=False))
