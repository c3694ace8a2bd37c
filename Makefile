# The two quick-start commands: `make demo` and `make test`. Both install what they need
# into .venv first, from the hashed locks in requirements/ (see requirements/README.md):
# pip bootstraps uv from requirements/uv.txt, uv installs requirements/cpu-test.txt
# (torch's CPU build: an unpinned torch would pull a multi-GB CUDA build on a CPU machine).
VENV ?= .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
STAMP := $(VENV)/.installed-stamp
# Where the CPU torch wheel in the lock comes from: PyTorch's CPU wheel page, or a local
# wheel folder when pip on this machine is configured with one (PIP_FIND_LINKS).
TORCH_CPU_WHEELS ?= $(or $(PIP_FIND_LINKS),https://download.pytorch.org/whl/cpu/torch/)
LOCK_FLAGS := --quiet --generate-hashes --python-version 3.11 --python-platform x86_64-manylinux_2_28 \
	--custom-compile-command "make lock"

.PHONY: demo test lint install browser lock

install: $(STAMP)

$(STAMP): pyproject.toml requirements/uv.txt requirements/cpu-test.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements/uv.txt
	$(UV) pip sync --quiet --python $(PY) --require-hashes --find-links $(TORCH_CPU_WHEELS) \
		requirements/cpu-test.txt
	$(UV) pip install --quiet --python $(PY) --no-deps -e .
	touch $(STAMP)

# Recompile the locks after changing a dependency in pyproject.toml or requirements/*.in.
# gpu.txt is compiled for the Linux x86_64 GPU runner; it cannot be installed on a CPU machine.
lock: $(STAMP)
	$(UV) pip compile requirements/uv.in $(LOCK_FLAGS) -o requirements/uv.txt
	$(UV) pip compile pyproject.toml $(LOCK_FLAGS) -o requirements/base.txt
	$(UV) pip compile pyproject.toml --extra eval --extra test $(LOCK_FLAGS) \
		--find-links $(TORCH_CPU_WHEELS) --override requirements/torch-cpu.txt -o requirements/cpu-test.txt
	$(UV) pip compile pyproject.toml --extra gpu $(LOCK_FLAGS) -o requirements/gpu.txt

browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium; }

demo: $(STAMP)
	$(VENV)/bin/kleaderboard demo --workspace kleaderboard-demo

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests
	$(VENV)/bin/jactionlint --strict-exit --no-online --shellcheck=$(VENV)/bin/shellcheck .github/workflows/*.yml
	$(VENV)/bin/zizmor --offline --no-progress .github/workflows
	$(VENV)/bin/mypy

test: $(STAMP) browser lint
	$(PY) -m pytest
