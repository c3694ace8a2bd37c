"""The test session never leans on a machine's caches or credentials (see conftest.py).

A broken fixture mirror once passed on a developer machine because the Hub dataset cache
in ~/.cache still held an older, larger copy; on a fresh CI runner the same test failed.
These tests pin that the libraries themselves, which read their settings at import time,
see only the session's fresh folder and run offline.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import CACHE_ROOT, CACHES, CREDENTIALS


def test_every_cache_variable_points_into_the_sessions_fresh_folder() -> None:
    assert CACHE_ROOT.is_dir() and not CACHE_ROOT.is_relative_to(Path.home())
    for name, folder in CACHES.items():
        assert Path(os.environ[name]) == CACHE_ROOT / folder, name
    assert os.environ["HF_HUB_OFFLINE"] == "1" and os.environ["HF_DATASETS_OFFLINE"] == "1"
    assert not [name for name in CREDENTIALS if name in os.environ]


def test_hub_client_read_its_settings_after_the_isolation() -> None:
    constants = pytest.importorskip("huggingface_hub.constants")
    assert Path(constants.HF_HUB_CACHE).is_relative_to(CACHE_ROOT)
    assert constants.HF_HUB_OFFLINE is True


def test_hub_downloads_fail_instead_of_reading_a_machine_cache() -> None:
    huggingface_hub = pytest.importorskip("huggingface_hub")
    from huggingface_hub.errors import LocalEntryNotFoundError

    with pytest.raises(LocalEntryNotFoundError):
        huggingface_hub.snapshot_download("openai-community/gpt2", revision="main")


def test_datasets_and_lm_eval_caches_are_the_sessions() -> None:
    config = pytest.importorskip("datasets.config")
    cache = pytest.importorskip("lm_eval.caching.cache")
    assert Path(config.HF_DATASETS_CACHE).is_relative_to(CACHE_ROOT)
    assert config.HF_HUB_OFFLINE is True
    assert Path(cache.PATH).is_relative_to(CACHE_ROOT)


def test_nltk_reads_only_the_sessions_trained_punkt() -> None:
    nltk = pytest.importorskip("nltk")
    assert nltk.data.path == [str(CACHE_ROOT / "nltk_data")]
    assert nltk.data.find("tokenizers/punkt_tab/english")
