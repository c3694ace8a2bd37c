"""The streaming safetensors reader: headers, rows only, every dtype, local and by range requests."""

from __future__ import annotations

import itertools
import struct
from pathlib import Path

import httpx
import numpy as np
import pytest
import torch
from safetensors.torch import save_file

from kleaderboard.errors import ProvenanceError
from kleaderboard.provenance.model_files import open_local, open_remote
from kleaderboard.provenance.safetensors_stream import (
    LocalBytes,
    RemoteBytes,
    SafetensorsFile,
    sample_rows,
    spread_rows,
)
from tests.hub_repo_server import serving

COMMIT = "c" * 40


class Counting:
    """A byte source that records every range read."""

    def __init__(self, inner: LocalBytes) -> None:
        self.inner, self.name, self.reads = inner, inner.name, []

    def size(self) -> int:
        return self.inner.size()

    def read(self, offset: int, length: int) -> bytes:
        self.reads.append((offset, length))
        return self.inner.read(offset, length)


@pytest.fixture
def weights(tmp_path: Path) -> dict[str, torch.Tensor]:
    generator = torch.Generator().manual_seed(0)
    base = torch.randn(64, 48, generator=generator)
    tensors = {
        "f32": base,
        "f16": base.half(),
        "bf16": base.bfloat16(),
        "e4m3": base.clamp(-4, 4).to(torch.float8_e4m3fn),
        "e5m2": base.to(torch.float8_e5m2),
        "norm": torch.ones(48),
    }
    save_file(tensors, tmp_path / "model.safetensors")
    return tensors


@pytest.mark.parametrize("name", ["f32", "f16", "bf16", "e4m3", "e5m2"])
def test_rows_decode_every_dtype_bit_exactly(
    tmp_path: Path, weights: dict[str, torch.Tensor], name: str
) -> None:
    handle = SafetensorsFile(LocalBytes(tmp_path / "model.safetensors"))
    rows = [0, 1, 2, 30, 63]
    expected = weights[name].float()[rows].numpy()
    assert np.array_equal(handle.rows(name, rows), expected)
    assert handle.tensors[name].shape == (64, 48)


def test_only_the_asked_rows_are_read(tmp_path: Path, weights: dict[str, torch.Tensor]) -> None:
    source = Counting(LocalBytes(tmp_path / "model.safetensors"))
    handle = SafetensorsFile(source)
    source.reads.clear()
    handle.rows("f32", [4, 5, 6, 40])
    info = handle.tensors["f32"]
    # rows 4-6 in one contiguous range, row 40 in another; 48 floats of 4 bytes each
    assert source.reads == [(info.start + 4 * 192, 3 * 192), (info.start + 40 * 192, 192)]


def test_sampled_rows_are_a_few_contiguous_runs_spanning_the_tensor() -> None:
    assert sample_rows(5, 10) == [0, 1, 2, 3, 4]
    rows = sample_rows(7168, 256)
    assert len(rows) == 256 and rows[0] == 0 and rows[-1] == 7167
    assert sum(1 for a, b in itertools.pairwise(rows) if b != a + 1) == 7  # 8 runs of 32
    assert spread_rows(7168, 4) == [0, 2389, 4778, 7167]


def test_a_broken_header_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "model.safetensors"
    path.write_bytes(struct.pack("<Q", 10_000) + b"{}")
    with pytest.raises(ProvenanceError, match="declares a 10000-byte header"):
        SafetensorsFile(LocalBytes(path))
    path.write_bytes(struct.pack("<Q", 5) + b"{nope")
    with pytest.raises(ProvenanceError, match="header is not JSON"):
        SafetensorsFile(LocalBytes(path))


def _model_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "model"
    folder.mkdir()
    generator = torch.Generator().manual_seed(1)
    save_file(
        {"model.embed_tokens.weight": torch.randn(512, 32, generator=generator).bfloat16()},
        folder / "model.safetensors",
    )
    (folder / "config.json").write_text('{"model_type": "llama", "hidden_size": 32}')
    return folder


def test_remote_rows_are_range_requests_at_the_pinned_commit(tmp_path: Path) -> None:
    folder = _model_folder(tmp_path)
    local = open_local(folder)
    with serving("org/model", COMMIT, folder) as hub, httpx.Client() as client:
        remote = open_remote(hub.url, "org/model", COMMIT, client)
        rows = [3, 100, 101]
        got = remote.by_name["model.embed_tokens.weight"].rows("model.embed_tokens.weight", rows)
        assert np.array_equal(
            got, local.by_name["model.embed_tokens.weight"].rows("model.embed_tokens.weight", rows)
        )
        info = local.info("model.embed_tokens.weight")
        header = info.start
        assert remote.bytes_read == 8 + (header - 8) + 3 * info.row_bytes
        assert remote.bytes_read < remote.model_bytes / 10
        assert remote.config["hidden_size"] == 32
        assert all(f"/resolve/{COMMIT}/" in r for r in hub.requests if "resolve" in r)


def test_a_server_that_ignores_ranges_is_refused(tmp_path: Path) -> None:
    folder = _model_folder(tmp_path)
    with serving("org/model", COMMIT, folder) as hub, httpx.Client() as client:
        hub.ranges = False
        source = RemoteBytes(hub.url, "org/model", COMMIT, "model.safetensors", client)
        with pytest.raises(ProvenanceError, match="a range request answered 200, not 206"):
            SafetensorsFile(source)
