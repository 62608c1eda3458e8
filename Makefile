# Entry points, as in the README's quick start: `make run`, `make test` and `make notebook`.
# Each installs what it needs into .venv, once: running needs the package alone (no extra), the tests add the
# dev extra (linters, test tools, Dask, the accurate model's encoder ...), the notebook adds Jupyter.
PY ?= python3
# PyTorch, which only fine-tuning the accurate model's encoder needs (the tests fine-tune a tiny one). This
# machine's pip finds the CPU build of 2.13.0 on disk; elsewhere pass e.g. TORCH="torch --index-url URL".
TORCH ?= torch==2.13.0
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup setup-test setup-notebook run test lint notebook

$(VENV)/.installed-run: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed-run
	$(BIN)/pip install --quiet $(TORCH)
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

$(VENV)/.installed-notebook: $(VENV)/.installed-run
	$(BIN)/pip install --quiet -e ".[notebook]"
	touch $@

setup: $(VENV)/.installed-run

setup-test: $(VENV)/.installed-test

setup-notebook: $(VENV)/.installed-notebook

run: setup
	$(BIN)/de-entities run data/samples/ --out output/samples

lint: setup-test
	$(BIN)/ruff check pipeline tests benchmarks
	$(BIN)/ruff format --check pipeline tests benchmarks
	$(BIN)/mypy pipeline

test: lint
	$(BIN)/pytest

notebook: setup-notebook
	$(BIN)/jupyter notebook notebooks/explore.ipynb
