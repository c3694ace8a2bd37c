"""Shared fixtures: offline Hugging Face settings and a tiny model made here, never downloaded."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

OFFLINE = {
    "HF_HUB_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TOKENIZERS_PARALLELISM": "false",
}

TOKENIZER_LINES = [
    "서울은 대한민국의 수도이다.",
    "부산은 바다와 가까운 도시이다.",
    "The capital of France is Paris.",
    "3 더하기 4는 7이다.",
    "다음 중 옳은 것은? 정답:",
] * 10 + [f"문장 {i}: 가나다라마바사 {i * 7} sentence {i}" for i in range(100)]


@pytest.fixture(scope="session", autouse=True)
def offline_hub(tmp_path_factory: pytest.TempPathFactory) -> None:
    """No test may reach the Hub: every client offline, every cache in a temp folder."""
    cache = tmp_path_factory.mktemp("hf-cache")
    os.environ.update(OFFLINE)
    os.environ["HF_HOME"] = str(cache / "hf")
    os.environ["HF_DATASETS_CACHE"] = str(cache / "datasets")
    os.environ["LM_HARNESS_CACHE_PATH"] = str(cache / "lm_eval")
    os.environ["NLTK_DATA"] = str(_offline_punkt(cache / "nltk_data"))


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

    if str(root) not in nltk.data.path:
        nltk.data.path.insert(0, str(root))
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
