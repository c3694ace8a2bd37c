"""Runs a model's generated code against its tests, contained: the code benchmarks' scorer.

HumanEval+ and MBPP+ score a completion by running it with the benchmark's tests. The
completion is untrusted: a model can write anything, by accident or because its training
data taught it to. lm-eval's own code tasks run it through Hugging Face ``evaluate``'s
``code_eval`` in the evaluating process's user, network and files (guarded only by
``HF_ALLOW_CODE_EVAL``); the suite's code tasks call :func:`passes` instead, which runs
each program:

- in new user, network, mount and PID namespaces (``unshare``): no network interface but
  a loopback that is down, no other process visible, killed with its whole namespace;
- with every file system read-only except its own temporary folder (a size-capped tmpfs),
  and the runner's home hidden behind an empty tmpfs (no token files, no caches);
- with a scrubbed environment (no ``HF_TOKEN``, ``GITHUB_TOKEN``, proxies: only ``PATH``,
  ``HOME`` and ``LANG``) and ``python -I`` (no user site, no ``PYTHON*`` variables);
- under resource limits: CPU seconds, address space, file size, open files and
  processes (a fork bomb stops at the limit), plus a wall-clock timeout that kills the
  namespace.

A program passes only when it exits 0 within its limits; anything else (an exception, a
refused connection, a limit hit, a timeout) is a failure, so hostile code scores wrong.
Where ``unshare`` cannot create the namespaces, :func:`passes` refuses to run anything
(:class:`SandboxUnavailableError`) rather than run code unconfined.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kleaderboard.errors import SandboxUnavailableError


@dataclass(frozen=True)
class Limits:
    """What one program may use. Defaults fit a HumanEval+/MBPP+ test (they run in well under
    a second; EvalPlus's own default per-test limit is of that order)."""

    wall_seconds: float = 10.0
    cpu_seconds: int = 10
    memory_bytes: int = 1 << 30  # address space; CPython needs about 30 MB to start
    file_bytes: int = 1 << 20  # any one file the program writes, stdout and stderr included
    folder_bytes: int = 16 << 20  # its whole temporary folder (tmpfs size)
    processes: int = 32  # per namespace user: a fork bomb stops here
    open_files: int = 64


DEFAULT_LIMITS = Limits()

# Inside the namespaces: hide the home folder, make every mount read-only, then give the
# program its writable tmpfs. Failures of individual remounts (/proc, /sys pieces that
# cannot change) are ignored, but the final check refuses to run when / is still writable.
_CONTAIN = r"""
set -eu
box="$1"; home="$2"; size="$3"; keeps="$4"; shift 4
if [ -n "$home" ] && [ -d "$home" ]; then
  i=0
  for k in $keeps; do i=$((i+1)); mkdir "$box/keep$i"; mount --bind "$k" "$box/keep$i"; done
  mount -t tmpfs -o size=1m,mode=0755 tmpfs "$home"
  i=0
  for k in $keeps; do i=$((i+1)); mkdir -p "$k"; mount --bind "$box/keep$i" "$k"; done
fi
mount -t tmpfs -o "size=$size,mode=0700" tmpfs "$box/work"
cp "$box/program.py" "$box/work/program.py"
for m in $(awk '{print $2}' /proc/self/mounts | sort -r); do
  [ "$m" = "$box/work" ] && continue
  mount -o remount,bind,ro "$m" 2>/dev/null || true
done
if touch /.kleaderboard-rw-probe 2>/dev/null; then
  echo "sandbox: root file system still writable" >&2; exit 97
fi
cd "$box/work"
exec "$@"
"""

_UNSHARE = (
    "--user",
    "--map-root-user",
    "--net",
    "--mount",
    "--pid",
    "--fork",
    "--kill-child",
    "--mount-proc",
)


@cache
def unshare_binary() -> str | None:
    """The path of a working ``unshare`` that can create the namespaces, or None."""
    binary = shutil.which("unshare")
    if binary is None:
        return None
    try:
        probe = subprocess.run([binary, *_UNSHARE, "true"], capture_output=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return binary if probe.returncode == 0 else None


def require_sandbox() -> str:
    """The ``unshare`` binary, or a refusal that says why no code may run here."""
    binary = unshare_binary()
    if binary is None:
        raise SandboxUnavailableError(
            "generated code cannot be sandboxed on this machine: `unshare --user --net --mount --pid` "
            "is missing or not permitted — run code benchmarks on a runner that allows unprivileged "
            "user namespaces (sysctl kernel.unprivileged_userns_clone=1; on Ubuntu 24.04 also "
            "kernel.apparmor_restrict_unprivileged_userns=0)"
        )
    return binary


PIDS_CGROUPS = (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup"))


def _pids_cgroup(limits: Limits) -> Path | None:
    """A fresh pids cgroup capped at limits.processes, or None where none can be made.

    The kernel does not apply RLIMIT_NPROC to the real root user, so a runner that runs as
    root (a container) caps the program's processes with a pids cgroup instead.
    """
    for root in PIDS_CGROUPS:
        if not (root / "cgroup.procs").is_file() or not os.access(root, os.W_OK):
            continue
        try:
            group = Path(tempfile.mkdtemp(prefix="kleaderboard-sandbox-", dir=root))
        except OSError:
            continue
        if (group / "pids.max").is_file():
            (group / "pids.max").write_text(str(limits.processes))
            return group
        group.rmdir()
    return None


def _apply_limits(limits: Limits, cgroup: Path | None) -> None:
    """In the child before exec: resource limits that namespaces and exec keep.

    RLIMIT_NPROC is set by the launcher inside the namespaces (_LAUNCH): set out here, the
    kernel would also count every other process of the runner's user against it.
    """
    os.setsid()
    if cgroup is not None:
        (cgroup / "cgroup.procs").write_text(str(os.getpid()))
    for kind, value in (
        (resource.RLIMIT_CPU, limits.cpu_seconds),
        (resource.RLIMIT_AS, limits.memory_bytes),
        (resource.RLIMIT_FSIZE, limits.file_bytes),
        (resource.RLIMIT_NOFILE, limits.open_files),
        (resource.RLIMIT_CORE, 0),
    ):
        resource.setrlimit(kind, (value, value))


# The first code the sandboxed interpreter runs: the process cap, then the program as __main__.
_LAUNCH = (
    "import resource, runpy, sys; "
    "n = int(sys.argv[1]); resource.setrlimit(resource.RLIMIT_NPROC, (n, n)); "
    "sys.argv = ['program.py']; runpy.run_path('program.py', run_name='__main__')"
)


def _clean_env(box: Path) -> dict[str, str]:
    """Nothing of the runner's environment: no tokens, proxies, Python or Hub variables."""
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(box / "work"), "LANG": "C.UTF-8"}


def _interpreter_paths_under(home: str) -> list[str]:
    """Folders of the running interpreter inside home, which stay visible once home is hidden."""
    if not home:
        return []
    paths = {sys.prefix, sys.base_prefix, str(Path(os.path.realpath(sys.executable)).parent)}
    under = [p for p in sorted(paths) if Path(home) in Path(p).parents and " " not in p]
    return [p for p in under if not any(Path(q) in Path(p).parents for q in under)]


def real_root() -> bool:
    """True for the host's root user, whose processes RLIMIT_NPROC does not count; False for
    root mapped inside a user namespace (the evaluation workflow's `unshare --map-root-user`)."""
    if os.geteuid() != 0:
        return False
    try:
        first = Path("/proc/self/uid_map").read_text(encoding="ascii").split()
    except OSError:
        return True
    return first[:3] == ["0", "0", "4294967295"]


def passes(program: str, limits: Limits = DEFAULT_LIMITS) -> bool:
    """Run ``program`` (a completion followed by its tests) contained; True if it exits 0."""
    binary = require_sandbox()
    root = real_root()
    cgroup = _pids_cgroup(limits) if root else None
    if root and cgroup is None:
        raise SandboxUnavailableError(
            "generated code cannot be sandboxed here: the runner is root, whose process count "
            "RLIMIT_NPROC does not cap, and no pids cgroup can be created — run as an unprivileged user"
        )
    box = Path(tempfile.mkdtemp(prefix="kleaderboard-sandbox-"))
    try:
        (box / "work").mkdir()
        (box / "program.py").write_text(program, encoding="utf-8")
        home = os.environ.get("HOME", "")
        if home and Path(home) in box.parents:  # hiding home would hide the program's own folder
            home = ""
        command = [
            binary,
            *_UNSHARE,
            "/bin/sh",
            "-c",
            _CONTAIN,
            "sandbox",
            str(box),
            home,
            str(limits.folder_bytes),
            " ".join(_interpreter_paths_under(home)),
            sys.executable,
            "-I",
            "-B",
            "-c",
            _LAUNCH,
            str(limits.processes),
        ]
        with open(os.devnull, "rb") as stdin:
            child = subprocess.Popen(
                command,
                stdin=stdin,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=_clean_env(box),
                preexec_fn=lambda: _apply_limits(limits, cgroup),
                close_fds=True,
            )
        try:
            return child.wait(timeout=limits.wall_seconds) == 0
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, 9)  # --kill-child: the namespace's every process dies with it
            child.wait()
            return False
    finally:
        shutil.rmtree(box, ignore_errors=True)
        if cgroup is not None:
            _remove_cgroup(cgroup)


def _remove_cgroup(cgroup: Path) -> None:
    """Kill what is left in the cgroup, then remove it (a cgroup with processes cannot go)."""
    for pid in (cgroup / "cgroup.procs").read_text().split():
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(pid), 9)
    for _ in range(100):
        try:
            cgroup.rmdir()
            return
        except OSError:
            time.sleep(0.05)


def pass_rate(programs: list[str], limits: Limits = DEFAULT_LIMITS) -> float:
    """The share of programs that pass (pass@1 over one sample each)."""
    if not programs:
        return 0.0
    return sum(passes(p, limits) for p in programs) / len(programs)


__all__ = ["DEFAULT_LIMITS", "Limits", "SandboxUnavailableError", "pass_rate", "passes", "require_sandbox"]
