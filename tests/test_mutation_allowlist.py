"""The allow-list of equivalent mutants (benchmarks/mutation_equivalent.txt) stays true."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCHMARKS = Path(__file__).parents[1] / "benchmarks"


def _mutation() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mutation", BENCHMARKS / "mutation.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_every_listed_equivalent_names_a_mutant_the_script_makes() -> None:
    mutation = _mutation()
    listed = mutation.read_equivalent(BENCHMARKS / "mutation_equivalent.txt")
    made = {m.key() for module in mutation.GUARDS for m in mutation.mutants(module)}
    assert listed, "the allow-list was not read"
    assert listed - made == set(), "a listed mutant no longer exists: remove its line"
