"""Dataset loader for the demo tasks.

lm-eval 0.4.13 hands ``dataset_kwargs`` straight to ``datasets.load_dataset``, which
resolves relative ``data_files`` against the current working directory, not against
the task's YAML. Each demo task therefore names this function as its
``custom_dataset``; lm-eval calls it with the task's metadata and ``dataset_kwargs``
as keyword arguments, and it resolves relative ``data_files`` against this folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datasets import DatasetDict

HERE = Path(__file__).resolve().parent


def _resolve(files: Any) -> Any:
    if isinstance(files, dict):
        return {split: _resolve(value) for split, value in files.items()}
    if isinstance(files, (list, tuple)):
        return [_resolve(value) for value in files]
    path = Path(files)
    return str(path if path.is_absolute() else HERE / path)


def load_local_json(data_files: Any = None, **_metadata: Any) -> DatasetDict:
    """Load the task's JSONL files, shipped beside this module, as a DatasetDict."""
    import datasets

    if data_files is None:
        raise ValueError("demo task without dataset_kwargs.data_files")
    return datasets.load_dataset("json", data_files=_resolve(data_files))
