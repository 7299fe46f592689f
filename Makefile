# fixtext developer entry points.  Only Python 3.10+ and make are needed:
# every target creates .venv and installs what it needs on first use.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SEED   ?= seeds/004_343a56a0af880900.txt
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench bench-speed bench-accuracy install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,dev,fast]'
	@touch $(STAMP)

install: $(STAMP)

## Repair a seed file and print its repair log (the main job).
demo: $(STAMP)
	$(BIN)/fixtext --explain $(SEED)

## The whole test suite (unit, properties, fixtures, end-to-end).
test: $(STAMP)
	$(BIN)/python -m pytest -n 2

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

## Speed (ratios against ftfy in the same run) and accuracy on dev-cases.
bench: bench-speed bench-accuracy

bench-speed: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

bench-accuracy: $(STAMP)
	$(BIN)/python benchmarks/devcases.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
