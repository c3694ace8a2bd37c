# The two quick-start commands: `make demo` and `make test`. Both install what they need
# into .venv first (torch==2.13.0 is pinned before the rest: an unpinned torch would pull
# a multi-GB CUDA build on a CPU machine).
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint install browser

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[eval,test]'
	touch $(STAMP)

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
