"""Reading safetensors without loading a model: the header first, then only the rows asked for.

A safetensors file is an 8-byte little-endian header length, a JSON header (name ->
dtype, shape, byte offsets) and the raw tensors, row-major. So one row of a 2-D tensor
is one contiguous byte range, and a statistic that needs 64 rows of a 7168 x 129280
embedding reads 64 ranges, not the 1.8 GB tensor. Two byte sources share one interface:
:class:`LocalBytes` memory-maps a file (the page cache serves it, nothing is copied
until a row is asked for) and :class:`RemoteBytes` asks a Hub-style server for byte
ranges of the file at a pinned commit (``Range: bytes=a-b``), counting what it fetched.

Rows are decoded to float32 with numpy; bf16 is widened bit-exactly, fp8 (E4M3, E5M2)
goes through ``ml_dtypes``, the dtype library JAX uses.
"""

from __future__ import annotations

import json
import mmap
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

import numpy as np

from kleaderboard.errors import ProvenanceError

MAX_HEADER_BYTES = 100 * 1024 * 1024  # the format's own limit
FIX = "give the safetensors files of the model as published"
# Each dtype's item size and how to widen its raw bytes to float32.
ITEM_BYTES: dict[str, int] = {
    "F64": 8, "F32": 4, "F16": 2, "BF16": 2, "F8_E4M3": 1, "F8_E5M2": 1,
    "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1,
}  # fmt: skip


class ByteSource(Protocol):
    """Random access to one file's bytes."""

    @property
    def name(self) -> str: ...

    def size(self) -> int: ...

    def read(self, offset: int, length: int) -> bytes: ...


class LocalBytes:
    """A local file, memory-mapped: reading a range touches only its pages."""

    def __init__(self, path: Path) -> None:
        self.name = str(path)
        with path.open("rb") as handle:
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)

    def size(self) -> int:
        return len(self._map)

    def read(self, offset: int, length: int) -> bytes:
        return self._map[offset : offset + length]

    def close(self) -> None:
        self._map.close()


@dataclass
class RemoteBytes:
    """One file of a Hub repository at a pinned commit, read by HTTP range requests."""

    endpoint: str
    repo: str
    commit: str
    filename: str
    client: object  # an httpx.Client; typed loosely so httpx loads only when used
    fetched: int = 0
    requests: int = 0
    _size: int | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return f"{self.repo}@{self.commit[:12]}/{self.filename}"

    @property
    def url(self) -> str:
        return f"{self.endpoint.rstrip('/')}/{self.repo}/resolve/{self.commit}/{quote(self.filename)}"

    def size(self) -> int:
        if self._size is None:
            import httpx

            assert isinstance(self.client, httpx.Client)
            response = self.client.head(self.url, follow_redirects=True)
            if response.status_code != 200:
                raise ProvenanceError.single(self.name, "", f"HEAD answered {response.status_code}", FIX)
            linked = response.headers.get("X-Linked-Size") or response.headers.get("Content-Length")
            self._size = int(linked or 0)
        return self._size

    def read(self, offset: int, length: int) -> bytes:
        import httpx

        assert isinstance(self.client, httpx.Client)
        if length <= 0:
            return b""
        headers = {"Range": f"bytes={offset}-{offset + length - 1}"}
        response = self.client.get(self.url, headers=headers, follow_redirects=True)
        if response.status_code != 206:
            # A server that ignores Range would send the whole file: refuse rather than download it.
            raise ProvenanceError.single(
                self.name, "", f"a range request answered {response.status_code}, not 206", FIX
            )
        data = response.content
        if len(data) != length:
            raise ProvenanceError.single(self.name, "", f"asked {length} bytes, got {len(data)}", FIX)
        self.fetched += length
        self.requests += 1
        return data


@dataclass(frozen=True)
class TensorInfo:
    """Where one tensor lies in its file."""

    name: str
    dtype: str
    shape: tuple[int, ...]
    start: int  # absolute byte offset in the file
    end: int

    @property
    def nbytes(self) -> int:
        return self.end - self.start

    @property
    def row_bytes(self) -> int:
        """Bytes of one row (the first axis); the whole tensor for a scalar."""
        if not self.shape:
            return self.nbytes
        return self.nbytes // max(1, self.shape[0])


def decode(raw: bytes, dtype: str) -> np.ndarray:
    """Raw little-endian bytes of one dtype as a float32 vector."""
    if dtype == "BF16":
        # bf16 is the upper half of a float32: widen by shifting, bit-exact.
        return (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
    if dtype in ("F8_E4M3", "F8_E5M2"):
        import ml_dtypes

        kind = ml_dtypes.float8_e4m3fn if dtype == "F8_E4M3" else ml_dtypes.float8_e5m2
        return np.frombuffer(raw, dtype=kind).astype(np.float32)
    numpy_kind = {
        "F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4", "I16": "<i2",
        "I8": "i1", "U8": "u1", "BOOL": "u1",
    }.get(dtype)  # fmt: skip
    if numpy_kind is None:
        raise ProvenanceError.single("", "dtype", f"{dtype!r} is not a safetensors dtype we read", FIX)
    return np.frombuffer(raw, dtype=numpy_kind).astype(np.float32)


class SafetensorsFile:
    """The header of one safetensors file and access to its tensors' rows."""

    def __init__(self, source: ByteSource) -> None:
        self.source = source
        self.tensors = self._read_header()

    def _read_header(self) -> dict[str, TensorInfo]:
        size = self.source.size()
        if size < 8:
            raise ProvenanceError.single(self.source.name, "", "is shorter than a safetensors header", FIX)
        (length,) = struct.unpack("<Q", self.source.read(0, 8))
        if length > min(MAX_HEADER_BYTES, size - 8):
            raise ProvenanceError.single(self.source.name, "", f"declares a {length}-byte header", FIX)
        try:
            header = json.loads(self.source.read(8, length))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ProvenanceError.single(self.source.name, "", f"header is not JSON ({exc})", FIX) from None
        base = 8 + length
        tensors = {}
        for name, entry in header.items():
            if name == "__metadata__":
                continue
            try:
                begin, stop = (int(x) for x in entry["data_offsets"])
                info = TensorInfo(
                    name,
                    str(entry["dtype"]),
                    tuple(int(d) for d in entry["shape"]),
                    base + begin,
                    base + stop,
                )
            except (KeyError, TypeError, ValueError):
                raise ProvenanceError.single(self.source.name, name, "is not a tensor entry", FIX) from None
            if info.dtype not in ITEM_BYTES or info.end > size or info.start > info.end:
                raise ProvenanceError.single(
                    self.source.name, name, "lies outside the file or has an odd dtype", FIX
                )
            tensors[name] = info
        return tensors

    def raw_rows(self, name: str, rows: Sequence[int]) -> bytes:
        """The raw bytes of the given rows, in order; contiguous rows are read as one range."""
        info = self.tensors[name]
        width = info.row_bytes
        parts = []
        for first, count in _runs(rows):
            parts.append(self.source.read(info.start + first * width, count * width))
        return b"".join(parts)

    def rows(self, name: str, rows: Sequence[int]) -> np.ndarray:
        """The given rows of a tensor as a float32 array of shape (len(rows), *shape[1:])."""
        info = self.tensors[name]
        values = decode(self.raw_rows(name, rows), info.dtype)
        return values.reshape(len(rows), *info.shape[1:])

    def tensor(self, name: str) -> np.ndarray:
        """A whole (small) tensor as float32; for norms and other vectors."""
        info = self.tensors[name]
        values = decode(self.source.read(info.start, info.nbytes), info.dtype)
        return values.reshape(info.shape)


def _runs(rows: Sequence[int]) -> Iterator[tuple[int, int]]:
    """Consecutive row indices grouped as (first, count)."""
    start = previous = None
    for row in rows:
        if start is not None and previous is not None and row == previous + 1:
            previous = row
            continue
        if start is not None and previous is not None:
            yield start, previous - start + 1
        start = previous = row
    if start is not None and previous is not None:
        yield start, previous - start + 1


SAMPLE_BLOCKS = 8


def spread_rows(total: int, most: int) -> list[int]:
    """At most `most` row indices spread evenly over `total` rows, the same for any model."""
    if total <= most:
        return list(range(total))
    return sorted({int(i) for i in np.linspace(0, total - 1, most)})


def sample_rows(total: int, most: int, blocks: int = SAMPLE_BLOCKS) -> list[int]:
    """At most `most` rows in `blocks` contiguous runs spread over the tensor, the first and last included.

    Runs rather than single rows: each run is one read (one range request for a remote file),
    so a 256-row sample costs 8 requests, not 256, and reads whole pages instead of scattered ones.
    """
    if total <= most:
        return list(range(total))
    width = max(1, most // blocks)
    starts = {int(s) for s in np.linspace(0, total - width, blocks)}
    return sorted({row for start in starts for row in range(start, start + width)})
