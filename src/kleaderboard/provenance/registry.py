"""The reference registry: fingerprints of known models, one JSON file each, committed to the repository.

Each entry names the repository and commit its fingerprint was read from, when it was
added, and whether the model is known to be independent of every other entry (trained
from zero by its own team, documented); independent entries of one shape family make
the null panel (``null_panel.json`` beside the entries), rebuilt by
:func:`rebuild_null_panel`. Tokenizers are kept as short digests of each token and merge,
so that an entry stays small and carries no vocabulary text
(:class:`~kleaderboard.provenance.tokenizer_overlap.TokenizerPrint`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kleaderboard.errors import ProvenanceError
from kleaderboard.provenance.architecture import ArchitectureFacts, read_architecture
from kleaderboard.provenance.fingerprint import Fingerprint, fingerprint
from kleaderboard.provenance.model_files import ModelFiles
from kleaderboard.provenance.null_panel import NullPanel, build_panel
from kleaderboard.provenance.tokenizer_overlap import TokenizerPrint, tokenizer_print

REGISTRY_VERSION: Final = 1
NULL_PANEL_NAME = "null_panel.json"
DEFAULT_REGISTRY = Path("provenance") / "registry"
MAX_ENTRY_BYTES = 32 * 1024 * 1024
FIX = "re-add the reference with `kleaderboard provenance-reference`"


class RegistryEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    registry_version: Literal[1] = REGISTRY_VERSION
    repo: str
    commit: str | None = Field(description="The 40-hex commit read; None only for the demo's local models.")
    added_at: str
    independent: bool = Field(
        description="Known to share no weights with any other entry: joins the null panel."
    )
    architecture: ArchitectureFacts
    tokenizer: TokenizerPrint | None
    fingerprint: Fingerprint

    @property
    def label(self) -> str:
        return f"{self.repo}@{self.commit[:12]}" if self.commit else self.repo


def make_entry(model: ModelFiles, repo: str, commit: str | None, independent: bool) -> RegistryEntry:
    """A registry entry read from a model's files (local or remote), stamped with today's date."""
    return RegistryEntry(
        repo=repo,
        commit=commit,
        added_at=dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        independent=independent,
        architecture=read_architecture(model.config),
        tokenizer=tokenizer_print(model.tokenizer),
        fingerprint=fingerprint(model),
    )


def entry_path(registry: Path, repo: str) -> Path:
    return registry / (repo.replace("/", "--") + ".json")


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)


def save_entry(registry: Path, entry: RegistryEntry) -> Path:
    path = entry_path(registry, entry.repo)
    _atomic_write(path, json.dumps(entry.model_dump(mode="json"), separators=(",", ":")) + "\n")
    return path


def _read(path: Path, model: type[BaseModel]) -> Any:
    if path.stat().st_size > MAX_ENTRY_BYTES:
        raise ProvenanceError.single(path, "", f"is larger than {MAX_ENTRY_BYTES} bytes", FIX)
    try:
        return model.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise ProvenanceError.single(path, field, first["msg"], FIX) from None


def load_registry(registry: Path) -> list[RegistryEntry]:
    """Every entry of the registry folder, sorted by repo; an empty list when there is none."""
    if not registry.is_dir():
        return []
    paths = sorted(p for p in registry.glob("*.json") if p.name != NULL_PANEL_NAME)
    return [_read(p, RegistryEntry) for p in paths]


def rebuild_null_panel(registry: Path) -> tuple[Path, NullPanel]:
    """Rebuild null_panel.json from the registry's independent entries."""
    independent = [e.fingerprint for e in load_registry(registry) if e.independent]
    panel = build_panel(independent)
    path = registry / NULL_PANEL_NAME
    _atomic_write(path, json.dumps(panel.model_dump(mode="json"), indent=1) + "\n")
    return path, panel


def load_null_panel(registry: Path) -> NullPanel:
    path = registry / NULL_PANEL_NAME
    if not path.is_file():
        return NullPanel(models=[], distributions=[])
    loaded: NullPanel = _read(path, NullPanel)
    return loaded
