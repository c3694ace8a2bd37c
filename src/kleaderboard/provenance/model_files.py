"""One model's files, local or on a Hub at a pinned commit: config, tokenizer, weight headers.

Only small files (config.json, tokenizer.json, the safetensors index) are read whole;
weights are opened header-first through :mod:`kleaderboard.provenance.safetensors_stream`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kleaderboard.errors import ProvenanceError
from kleaderboard.provenance.safetensors_stream import LocalBytes, RemoteBytes, SafetensorsFile, TensorInfo

INDEX = "model.safetensors.index.json"
SINGLE = "model.safetensors"
MAX_SMALL_FILE = 64 * 1024 * 1024  # tokenizer.json of a 250k vocabulary is ~20 MB


@dataclass
class ModelFiles:
    """Where a model came from, its small files parsed, and its tensors by name."""

    source: str
    revision: str | None
    config: dict[str, Any]
    tokenizer: dict[str, Any] | None
    files: list[SafetensorsFile]
    by_name: dict[str, SafetensorsFile] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for handle in self.files:
            for name in handle.tensors:
                self.by_name[name] = handle

    def info(self, name: str) -> TensorInfo:
        return self.by_name[name].tensors[name]

    @property
    def model_bytes(self) -> int:
        return sum(h.source.size() for h in self.files)

    @property
    def bytes_read(self) -> int:
        """Bytes fetched over the network (remote); 0 for local files, which are mapped."""
        return sum(getattr(h.source, "fetched", 0) for h in self.files)


def _json(text: bytes, where: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProvenanceError.single(
            where, "", f"is not JSON ({exc})", "give the file as published"
        ) from None
    if not isinstance(data, dict):
        raise ProvenanceError.single(where, "", "is not a JSON object", "give the file as published")
    return data


def _weight_names(index: dict[str, Any] | None, where: str) -> list[str]:
    if index is None:
        return [SINGLE]
    weight_map = index.get("weight_map")
    if not isinstance(weight_map, dict):
        raise ProvenanceError.single(where, "weight_map", "is missing", "give the index as published")
    return sorted({str(v) for v in weight_map.values()})


def open_local(folder: Path, source: str | None = None, revision: str | None = None) -> ModelFiles:
    """A model folder on disk: config.json, tokenizer.json (optional) and its safetensors."""
    config_path = folder / "config.json"
    if not config_path.is_file():
        raise ProvenanceError.single(folder, "config.json", "is missing", "give the model's folder")
    config = _json(config_path.read_bytes(), str(config_path))
    tokenizer_path = folder / "tokenizer.json"
    tokenizer = _json(tokenizer_path.read_bytes(), str(tokenizer_path)) if tokenizer_path.is_file() else None
    index_path = folder / INDEX
    index = _json(index_path.read_bytes(), str(index_path)) if index_path.is_file() else None
    names = _weight_names(index, str(index_path))
    missing = [n for n in names if not (folder / n).is_file()]
    if missing:
        raise ProvenanceError.single(
            folder, missing[0], "is missing", "give every safetensors file of the model"
        )
    files = [SafetensorsFile(LocalBytes(folder / n)) for n in names]
    return ModelFiles(source or str(folder), revision, config, tokenizer, files)


def _get_small(client: Any, url: str, where: str, required: bool) -> bytes | None:
    response = client.get(url, follow_redirects=True)
    if response.status_code == 404 and not required:
        return None
    if response.status_code != 200:
        raise ProvenanceError.single(
            where, "", f"answered {response.status_code}", "check the repo and commit"
        )
    if len(response.content) > MAX_SMALL_FILE:
        raise ProvenanceError.single(where, "", "is larger than a config or tokenizer can be", "")
    return bytes(response.content)


def open_remote(endpoint: str, repo: str, commit: str, client: Any) -> ModelFiles:
    """A Hub repository at one commit, read by small GETs and range requests; nothing is downloaded whole."""
    base = f"{endpoint.rstrip('/')}/{repo}/resolve/{commit}"
    where = f"{repo}@{commit}"
    config = _json(_get_small(client, f"{base}/config.json", f"{where}/config.json", True) or b"", where)
    tok_bytes = _get_small(client, f"{base}/tokenizer.json", f"{where}/tokenizer.json", False)
    tokenizer = _json(tok_bytes, f"{where}/tokenizer.json") if tok_bytes is not None else None
    index_bytes = _get_small(client, f"{base}/{INDEX}", f"{where}/{INDEX}", False)
    index = _json(index_bytes, f"{where}/{INDEX}") if index_bytes is not None else None
    files = [
        SafetensorsFile(RemoteBytes(endpoint, repo, commit, name, client))
        for name in _weight_names(index, f"{where}/{INDEX}")
    ]
    return ModelFiles(repo, commit, config, tokenizer, files)


def close(model: ModelFiles) -> None:
    for handle in model.files:
        if isinstance(handle.source, LocalBytes):
            handle.source.close()
