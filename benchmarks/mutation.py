"""Mutation testing of the modules that guard the repository and the records.

Usage::

    .venv/bin/python benchmarks/mutation.py                 # every guard module
    .venv/bin/python benchmarks/mutation.py --module kleaderboard.checks.scope --sample 40

A small AST mutator: each mutant changes one comparison, boolean operator, arithmetic
operator, ``not``, number or ``True``/``False`` in one function (or one module-level
limit such as ``MAX_COUNT``), and the module's tests run against it. A mutant the tests
do not fail on *survived*: either a behaviour no test pins, or an equivalent change. The
script prints every survivor with its line so a person can tell which, and the share of
mutants killed.

Speed: the tests' imports are paid once. The parent process imports pytest and the
modules, then forks one child per mutant; the child swaps the mutated function's code
object in place (``function.__code__``), so every reference to the function sees the
mutant, and runs the module's test files with ``pytest.main``. Module-level limits are
replaced with ``setattr`` in the child, and in every module that imported them by name.
"""

from __future__ import annotations

import argparse
import ast
import copy
import importlib
import inspect
import os
import random
import sys
import time
import types
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# module -> the test files that pin its behaviour
GUARDS: dict[str, list[str]] = {
    "kleaderboard.checks.scope": ["tests/test_prscope.py"],
    "kleaderboard.submission.loss_log": ["tests/test_losslog.py", "tests/test_bad_input.py"],
    "kleaderboard.submission.manifest": ["tests/test_manifest.py", "tests/test_bad_input.py"],
    "kleaderboard.github.record_intake": ["tests/test_recordcheck.py"],
    "kleaderboard.scoring.normalise": ["tests/test_scoring.py"],
}

SWAP_COMPARE = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
SWAP_BINOP = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult}


@dataclass(frozen=True)
class Mutant:
    module: str
    scope: str  # a function's qualified name, or "<module>:NAME" for a module-level limit
    line: int
    what: str
    index: int  # which mutation site in the scope's AST


# --- finding mutation sites ----------------------------------------------------------------


def _sites(tree: ast.AST) -> Iterator[tuple[ast.AST, int, str]]:
    """Every place one mutation can change, in a fixed order: (node, which operator, description)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            for position, op in enumerate(node.ops):
                if type(op) in SWAP_COMPARE:
                    yield node, position, f"{type(op).__name__} -> {SWAP_COMPARE[type(op)].__name__}"
        elif isinstance(node, ast.BoolOp):
            yield node, 0, "and <-> or"
        elif isinstance(node, ast.BinOp) and type(node.op) in SWAP_BINOP:
            yield node, 0, f"{type(node.op).__name__} -> {SWAP_BINOP[type(node.op)].__name__}"
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            yield node, 0, "drop not"
        elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
            yield node, 0, f"{node.value} -> {not node.value}"
        elif isinstance(node, ast.Constant) and type(node.value) in (int, float):
            yield node, 0, f"{node.value!r} -> {node.value + 1!r}"


def _mutate(tree: ast.AST, index: int) -> ast.AST:
    """A copy of tree with the index-th site changed."""
    tree = copy.deepcopy(tree)
    node, position, _ = list(_sites(tree))[index]
    if isinstance(node, ast.Compare):
        node.ops[position] = SWAP_COMPARE[type(node.ops[position])]()
    elif isinstance(node, ast.BoolOp):
        node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
    elif isinstance(node, ast.BinOp):
        node.op = SWAP_BINOP[type(node.op)]()
    elif isinstance(node, ast.UnaryOp):
        return _replace(tree, node, node.operand)
    elif isinstance(node, ast.Constant):
        node.value = (not node.value) if isinstance(node.value, bool) else node.value + 1
    return tree


def _replace(tree: ast.AST, old: ast.AST, new: ast.AST) -> ast.AST:
    for parent in ast.walk(tree):
        for name, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, name, new)
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    if item is old:
                        value[i] = new
    return tree


def _functions(tree: ast.Module) -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    """Top-level functions and methods (one class level deep), with qualified names."""
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node.name, node
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    yield f"{node.name}.{item.name}", item


def _limits(tree: ast.Module) -> Iterator[tuple[str, ast.Assign | ast.AnnAssign]]:
    """Module-level ``NAME = <number>`` constants (limits)."""
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None
        if isinstance(node, ast.AnnAssign):
            target = node.target
        if isinstance(target, ast.Name) and target.id.isupper() and node.value is not None:
            yield target.id, node


def mutants(module: str) -> list[Mutant]:
    source = Path(importlib.import_module(module).__file__ or "").read_text(encoding="utf-8")
    tree = ast.parse(source)
    found: list[Mutant] = []
    for qualname, fn in _functions(tree):
        body = ast.Module(body=[_strip_decorators(fn)], type_ignores=[])
        for index, (node, _position, what) in enumerate(_sites(body)):
            if _in_docstring_or_annotation(fn, node):
                continue
            found.append(Mutant(module, qualname, getattr(node, "lineno", fn.lineno), what, index))
    for name, assign in _limits(tree):
        expr = ast.Expression(body=assign.value)
        for index, (node, _position, what) in enumerate(_sites(expr)):
            found.append(
                Mutant(module, f"<module>:{name}", getattr(node, "lineno", assign.lineno), what, index)
            )
    return found


def _strip_decorators(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.FunctionDef | ast.AsyncFunctionDef:
    fn = copy.deepcopy(fn)
    fn.decorator_list = []
    return fn


def _in_docstring_or_annotation(fn: ast.AST, node: ast.AST) -> bool:
    annotations = [a.annotation for a in ast.walk(fn) if isinstance(a, ast.arg) and a.annotation]
    annotations += [f.returns for f in ast.walk(fn) if isinstance(f, ast.FunctionDef) and f.returns]
    return any(node is sub for ann in annotations for sub in ast.walk(ann))


# --- applying a mutant in a child process ------------------------------------------------------


def _target_function(module: types.ModuleType, qualname: str) -> types.FunctionType:
    owner: object = module
    *path, name = qualname.split(".")
    for part in path:
        owner = getattr(owner, part)
    raw = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
    for attribute in ("__func__", "wrapped", "func", "fget"):
        while hasattr(raw, attribute) and not isinstance(raw, types.FunctionType):
            raw = getattr(raw, attribute)
    raw = inspect.unwrap(raw) if isinstance(raw, types.FunctionType) else raw
    if not isinstance(raw, types.FunctionType):
        raise TypeError(f"cannot reach the function {qualname}")
    return raw


def apply(mutant: Mutant) -> None:
    module = importlib.import_module(mutant.module)
    tree = ast.parse(Path(module.__file__ or "").read_text(encoding="utf-8"))
    if mutant.scope.startswith("<module>:"):
        name = mutant.scope.split(":", 1)[1]
        assign = dict(_limits(tree))[name]
        expr = _mutate(ast.Expression(body=assign.value), mutant.index)
        value = eval(compile(ast.fix_missing_locations(expr), "<mutant>", "eval"), vars(module))
        original = getattr(module, name)
        for other in list(sys.modules.values()):  # `from module import NAME` made copies
            ours = getattr(other, "__name__", "").startswith(("kleaderboard", "tests"))
            if ours and other.__dict__.get(name) is original:
                setattr(other, name, value)
        return
    fn_node = dict(_functions(tree))[mutant.scope]
    mutated = _mutate(ast.Module(body=[_strip_decorators(fn_node)], type_ignores=[]), mutant.index)
    code = compile(ast.fix_missing_locations(mutated), module.__file__ or "<mutant>", "exec")
    new = next(c for c in code.co_consts if isinstance(c, types.CodeType) and c.co_name == fn_node.name)
    target = _target_function(module, mutant.scope)
    if new.co_freevars != target.__code__.co_freevars:
        raise TypeError("closure differs")
    target.__code__ = new


def run_one(mutant: Mutant, tests: list[str], timeout: float) -> str:
    """'killed', 'survived', 'timeout' or 'error', from a forked child."""
    pid = os.fork()
    if pid == 0:  # the child: apply, test, exit with the verdict
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            apply(mutant)
            import pytest

            code = pytest.main(
                [*tests, "-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", "-m", "not slow"]
            )
            os._exit(10 if code == 0 else 11)
        except BaseException:
            os._exit(12)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            code = os.waitstatus_to_exitcode(status)
            return {10: "survived", 11: "killed"}.get(code, "error")
        time.sleep(0.05)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    return "timeout"  # an endless loop is a killed mutant: the tests would not finish


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--module", action="append", help="a guard module (default: all of them)")
    parser.add_argument("--sample", type=int, help="test a random sample of this many mutants per module")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per mutant")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.chdir(ROOT)
    import pytest  # noqa: F401  -- imported once, before forking

    totals = {"killed": 0, "survived": 0, "timeout": 0, "error": 0}
    for module in args.module or list(GUARDS):
        found = mutants(module)
        if args.sample and args.sample < len(found):
            found = sorted(random.Random(args.seed).sample(found, args.sample), key=lambda m: m.line)
        for test in GUARDS[module]:
            importlib.import_module(test.removesuffix(".py").replace("/", "."))  # paid once
        print(f"{module}: {len(found)} mutants, tests {' '.join(GUARDS[module])}", flush=True)
        started = time.monotonic()
        for number, mutant in enumerate(found, 1):
            verdict = run_one(mutant, GUARDS[module], args.timeout)
            totals["killed" if verdict == "timeout" else verdict] += 1
            if verdict in ("survived", "error"):
                print(f"  {verdict}: line {mutant.line} in {mutant.scope}: {mutant.what}", flush=True)
            if number % 25 == 0:
                print(f"  … {number}/{len(found)} in {time.monotonic() - started:.0f} s", flush=True)
    tested = totals["killed"] + totals["survived"]
    share = 100 * totals["killed"] / tested if tested else 0.0
    print(
        f"\nkilled {totals['killed']} of {tested} mutants ({share:.1f} %); "
        f"{totals['survived']} survived; {totals['error']} could not be applied"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
