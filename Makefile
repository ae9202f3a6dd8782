# Set-up and everyday tasks. `make demo` and `make test` each create .venv on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# The CPU build; an unpinned torch would pull a multi-GB CUDA build.
TORCH  ?= torch==2.13.0
# Two trial workers on two cores must not each start a full thread pool.
export OMP_NUM_THREADS ?= 1
export OPENBLAS_NUM_THREADS ?= 1
export MKL_NUM_THREADS ?= 1

.PHONY: demo test lint install dev metadb metadb-info benchmarks notebooks-strip clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet $(TORCH)
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[dev,corpus,benchmark]"
	@touch $@

install: $(VENV)/.installed

dev: $(VENV)/.installed-dev

## Fit metaautoml on a real dataset with the shipped meta-database and print the result.
demo: $(VENV)/.installed
	$(BIN)/python -m metaautoml.demo

## Lint, then the whole test suite (unit, end-to-end, notebooks).
test: $(VENV)/.installed-dev
	$(BIN)/ruff check metaautoml tests benchmarks meta_db
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check metaautoml tests benchmarks meta_db

## Build (or resume) the meta-database from the corpus manifest; see meta_db/README.md.
metadb: $(VENV)/.installed-dev
	$(BIN)/metaautoml db build --db meta_db/build/metadb.sqlite --n-jobs 2

metadb-info: $(VENV)/.installed
	$(BIN)/metaautoml db info

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
