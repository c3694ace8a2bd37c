"""Mutation testing of the modules that guard the repository and the records.

Usage::

    .venv/bin/python benchmarks/mutation.py                 # every guard module
    .venv/bin/python benchmarks/mutation.py --module kleaderboard.checks.scope --sample 40
    .venv/bin/python benchmarks/mutation.py --survivors /tmp/survivors.txt

A small AST mutator: each mutant changes one comparison, boolean operator, arithmetic
operator, ``not``, number or ``True``/``False`` in one function (or one module-level
limit such as ``MAX_COUNT``), and the guard modules' tests (``GUARDS``) run against it. A mutant the tests
do not fail on *survived*: either a behaviour no test pins, or an equivalent change. The
script prints every survivor with its line so a person can tell which, and the share of
mutants killed.

Speed: collection, imports and session fixtures are paid once. The script runs pytest
in-process with a plugin that first runs every test once unmutated under ``sys.setprofile``,
recording which guard functions each test calls and how long it takes. Then, per mutant, it
forks; the child swaps the mutated function's code object in place (``function.__code__``,
so every reference sees the mutant) and runs only the tests that called that function,
stopping at the first failure, under a timeout from the baseline (a timeout counts as
killed). A mutated default value is set on the function too. Module-level limits are
replaced with ``setattr`` in the child, in every module that imported them by name, and
the later module-level tables built from them are recomputed.

Survivors that change no behaviour are listed, with the reason, in
``benchmarks/mutation_equivalent.txt``; the last line's rate excludes them, and the line
before it gives the raw rate. ``--survivors FILE`` writes the unlisted survivors.
"""

from __future__ import annotations
import __future__

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

import pytest
from _pytest.runner import runtestprotocol

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
    source: str  # the expression it changes, as written: names the site without a line number

    def key(self) -> tuple[str, str, str]:
        """How the allow-list of equivalents names it (line numbers move, this does not)."""
        return self.module, self.scope, f"{self.what} in `{self.source}`"

    def describe(self) -> str:
        return f"{self.module}:{self.line} {self.scope}: {self.what} in `{self.source}`"


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
        stripped = _strip_decorators(fn)
        body = ast.Module(body=[stripped], type_ignores=[])
        found += _scope_mutants(
            module, qualname, body, fn.lineno, skip=lambda n, s=stripped: _in_annotation(s, n)
        )
    for name, assign in _limits(tree):
        found += _scope_mutants(module, f"<module>:{name}", ast.Expression(body=assign.value), assign.lineno)
    return found


def _scope_mutants(
    module: str, scope: str, tree: ast.AST, line: int, skip=lambda _node: False
) -> list[Mutant]:
    """One scope's mutants, each named by its expression in context (and #2, #3… when the
    same change fits more than one place of the same expression)."""
    parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
    seen: dict[str, int] = {}
    found = []
    for index, (node, _position, what) in enumerate(_sites(tree)):
        if skip(node):
            continue
        source = _snippet(_context(node, parents))
        seen[f"{what}{source}"] = seen.get(f"{what}{source}", 0) + 1
        count = seen[f"{what}{source}"]
        found.append(
            Mutant(
                module,
                scope,
                getattr(node, "lineno", line),
                what,
                index,
                source + (f" #{count}" if count > 1 else ""),
            )
        )
    return found


def _context(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> ast.AST:
    """A number alone says little: show the expression around it."""
    while isinstance(node, (ast.Constant, ast.UnaryOp, ast.Slice, ast.Tuple)) and isinstance(
        parents.get(node), ast.expr
    ):
        node = parents[node]
    return node


def _snippet(node: ast.AST) -> str:
    text = " ".join(ast.unparse(node).split())
    return text if len(text) <= 70 else text[:67] + "..."


def _strip_decorators(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.FunctionDef | ast.AsyncFunctionDef:
    fn = copy.deepcopy(fn)
    fn.decorator_list = []
    return fn


def _in_annotation(fn: ast.AST, node: ast.AST) -> bool:
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


def _rebind(module: types.ModuleType, name: str, value: object) -> None:
    """Set a module-level name, and its copies made by `from module import NAME`."""
    original = getattr(module, name)
    setattr(module, name, value)
    for other in list(sys.modules.values()):
        ours = getattr(other, "__name__", "").startswith(("kleaderboard", "tests"))
        if ours and other is not module and other.__dict__.get(name) is original:
            setattr(other, name, value)


def _rederive(module: types.ModuleType, tree: ast.Module, after: ast.stmt, changed: set[str]) -> None:
    """Recompute the later module-level assignments built from a changed limit (a table such
    as ``{"step": (MAX_COUNT, "10^18")}`` holds the value itself, not the name)."""
    for node in tree.body[tree.body.index(after) + 1 :]:
        if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
            continue
        target = node.targets[0] if isinstance(node, ast.Assign) else node.target
        uses = {n.id for n in ast.walk(node.value) if isinstance(n, ast.Name)}
        if isinstance(target, ast.Name) and uses & changed:
            expr = ast.fix_missing_locations(ast.Expression(body=node.value))
            _rebind(module, target.id, eval(compile(expr, "<mutant>", "eval"), vars(module)))
            changed.add(target.id)


def apply(mutant: Mutant) -> None:
    module = importlib.import_module(mutant.module)
    tree = ast.parse(Path(module.__file__ or "").read_text(encoding="utf-8"))
    if mutant.scope.startswith("<module>:"):
        name = mutant.scope.split(":", 1)[1]
        assign = dict(_limits(tree))[name]
        expr = _mutate(ast.Expression(body=assign.value), mutant.index)
        _rebind(
            module, name, eval(compile(ast.fix_missing_locations(expr), "<mutant>", "eval"), vars(module))
        )
        _rederive(module, tree, assign, {name})
        return
    fn_node = dict(_functions(tree))[mutant.scope]
    mutated = _mutate(ast.Module(body=[_strip_decorators(fn_node)], type_ignores=[]), mutant.index)
    # as the module is: annotations stay strings (names imported under TYPE_CHECKING are absent)
    flags = __future__.annotations.compiler_flag
    code = compile(ast.fix_missing_locations(mutated), module.__file__ or "<mutant>", "exec", flags=flags)
    new = next(c for c in code.co_consts if isinstance(c, types.CodeType) and c.co_name == fn_node.name)
    target = _target_function(module, mutant.scope)
    if new.co_freevars != target.__code__.co_freevars:
        raise TypeError("closure differs")
    target.__code__ = new
    # a default value (`limit: int = 40`) lives on the function, not in its code
    namespace = dict(vars(module))
    exec(code, namespace)
    fresh = namespace[fn_node.name]
    target.__defaults__, target.__kwdefaults__ = fresh.__defaults__, fresh.__kwdefaults__


# --- running the tests once, then each mutant in a forked child --------------------------------


@dataclass
class Verdicts:
    """What the run found, per mutant, and the listed equivalents it met."""

    results: list[tuple[Mutant, str]]
    equivalent: set[tuple[str, str, str]]

    def count(self, verdict: str, *, behavioural: bool = False) -> int:
        return sum(
            1
            for mutant, found in self.results
            if found == verdict and not (behavioural and mutant.key() in self.equivalent)
        )


def _scope_of(code: types.CodeType) -> str:
    """The mutant scope a code object belongs to: nested functions and comprehensions count
    as their enclosing top-level function or method."""
    return code.co_qualname.split(".<locals>", 1)[0]


class _Tracer:
    """Which guard functions each test calls (in the main thread, where the tests call them)."""

    def __init__(self, files: set[str]) -> None:
        self.files = files
        self.hits: set[tuple[str, str]] = set()

    def __call__(self, frame: types.FrameType, event: str, _arg: object) -> None:
        if event == "call" and frame.f_code.co_filename in self.files:
            self.hits.add((frame.f_code.co_filename, _scope_of(frame.f_code)))


class _KeepSession:
    """A stand-in 'next item' whose chain is the session alone: tearing down to it keeps the
    session fixtures (the tiny model, servers) for every child and drops the rest."""

    def __init__(self, session: pytest.Session) -> None:
        self.session = session

    def listchain(self) -> list[pytest.Session]:
        return [self.session]


class MutationPlugin:
    """Runs inside one pytest session: a traced baseline run, then one child per mutant."""

    def __init__(self, found: list[Mutant], options: argparse.Namespace, equivalent: set) -> None:
        self.found = found
        self.options = options
        self.verdicts = Verdicts([], equivalent)
        self.files = {_module_file(m) for m in {mutant.module for mutant in found}}

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool:
        items = list(session.items)
        print(f"baseline: {len(items)} tests", flush=True)
        covered, seconds = self._baseline(session, items)
        started = time.monotonic()
        for number, mutant in enumerate(self.found, 1):
            chosen = [item for item in items if _covers(covered[item.nodeid], mutant)]
            budget = self.options.timeout or 10 + 5 * sum(seconds[item.nodeid] for item in chosen)
            verdict = _run_in_child(session, mutant, chosen, budget) if chosen else "survived"
            self.verdicts.results.append((mutant, verdict))
            if verdict in ("survived", "error") and mutant.key() not in self.verdicts.equivalent:
                print(f"  {verdict}: {mutant.describe()} ({len(chosen)} tests)", flush=True)
            if number % 25 == 0 or number == len(self.found):
                print(f"  … {number}/{len(self.found)} in {time.monotonic() - started:.0f} s", flush=True)
        return True

    def _baseline(self, session: pytest.Session, items: list[pytest.Item]) -> tuple[dict, dict]:
        """Each test once, unmutated, traced: what it calls and how long it takes. A test that
        fails here is dropped (it could not tell a mutant apart)."""
        covered: dict[str, set[tuple[str, str]]] = {}
        seconds: dict[str, float] = {}
        for position, item in enumerate(items):
            tracer = _Tracer(self.files)
            nextitem = items[position + 1] if position + 1 < len(items) else _KeepSession(session)
            started = time.monotonic()
            sys.setprofile(tracer)
            try:
                reports = runtestprotocol(item, log=False, nextitem=nextitem)  # type: ignore[arg-type]
            finally:
                sys.setprofile(None)
            seconds[item.nodeid] = time.monotonic() - started
            failed = any(report.failed for report in reports)
            covered[item.nodeid] = set() if failed else tracer.hits
            if failed:
                print(f"  baseline failure, not used: {item.nodeid}", flush=True)
        return covered, seconds


def _module_file(module: str) -> str:
    return str(Path(importlib.import_module(module).__file__ or "").resolve())


def _covers(hits: set[tuple[str, str]], mutant: Mutant) -> bool:
    file = _module_file(mutant.module)
    if mutant.scope.startswith("<module>:"):  # a limit: every test that ran the module's code
        return any(hit_file == file for hit_file, _scope in hits)
    return (file, mutant.scope) in hits


def _run_in_child(session: pytest.Session, mutant: Mutant, items: list[pytest.Item], timeout: float) -> str:
    """'killed', 'survived', 'timeout' or 'error': a forked child applies the mutant and runs
    the tests that call the mutated code, stopping at the first failure."""
    pid = os.fork()
    if pid == 0:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            apply(mutant)
            os._exit(11 if _any_fails(items) else 10)
        except BaseException:
            os._exit(12)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return {10: "survived", 11: "killed"}.get(os.waitstatus_to_exitcode(status), "error")
        time.sleep(0.02)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    return "timeout"  # an endless loop is a killed mutant: the tests would not finish


def _any_fails(items: list[pytest.Item]) -> bool:
    for position, item in enumerate(items):
        # the last test's teardown is skipped (its own chain is "next"): the child exits
        # anyway, and session teardown here would delete files the parent still uses
        nextitem = items[position + 1] if position + 1 < len(items) else item
        if any(report.failed for report in runtestprotocol(item, log=False, nextitem=nextitem)):
            return True
    return False


# --- the command ---------------------------------------------------------------------------------


def read_equivalent(path: Path) -> set[tuple[str, str, str]]:
    """The allow-list: `module | scope | mutation | why` lines, '#' comments."""
    listed: set[tuple[str, str, str]] = set()
    for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else []:
        if line.strip() and not line.startswith("#"):
            module, scope, what, _why = (part.strip() for part in line.split(" | ", 3))
            listed.add((module, scope, what))
    return listed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--module", action="append", choices=list(GUARDS), help="default: all")
    parser.add_argument("--sample", type=int, help="test a random sample of this many mutants per module")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, help="seconds per mutant (default: from the baseline)")
    parser.add_argument("--survivors", type=Path, help="write the unlisted survivors to this file")
    parser.add_argument("--equivalent", type=Path, default=ROOT / "benchmarks" / "mutation_equivalent.txt")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.chdir(ROOT)
    modules = args.module or list(GUARDS)
    found: list[Mutant] = []
    for module in modules:
        mine = mutants(module)
        if args.sample and args.sample < len(mine):
            mine = sorted(random.Random(args.seed).sample(mine, args.sample), key=lambda m: m.line)
        print(f"{module}: {len(mine)} mutants", flush=True)
        found += mine
    tests = sorted({test for module in modules for test in GUARDS[module]})
    plugin = MutationPlugin(found, args, read_equivalent(args.equivalent))
    pytest.main(
        [*tests, "-q", "-p", "no:cacheprovider", "-p", "no:randomly", "-m", "not slow and not browser"],
        plugins=[plugin],
    )
    return _report(plugin.verdicts, args.survivors)


def _report(verdicts: Verdicts, survivors: Path | None) -> int:
    killed = verdicts.count("killed") + verdicts.count("timeout")
    survived = verdicts.count("survived")
    real = verdicts.count("survived", behavioural=True)
    equivalent = survived - real
    tested = killed + survived
    behavioural = tested - equivalent
    if survivors:
        lines = [
            m.describe()
            for m, v in verdicts.results
            if v == "survived" and m.key() not in verdicts.equivalent
        ]
        survivors.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    print(
        f"\nraw: killed {killed} of {tested} mutants ({_share(killed, tested)}); "
        f"{survived} survived, {equivalent} of them listed as equivalent; "
        f"{verdicts.count('error')} could not be applied; {verdicts.count('timeout')} killed by the timeout"
    )
    print(f"killed {killed} of {behavioural} mutants ({_share(killed, behavioural)})")
    return 0


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "n/a"


if __name__ == "__main__":
    raise SystemExit(main())
