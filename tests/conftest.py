"""Shared fixtures: a small made-up region written to disk."""

import json
import textwrap
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="session")
def artifacts_dir():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def square(x0, y0, size=0.2):
    return {
        "type": "Polygon",
        "coordinates": [[[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]],
    }


def write_tiny_region(folder: Path, *, village_name: str = "Village") -> Path:
    """Two units, a core, one pole, one axis and one point; returns the spec path."""
    units = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"code": "A"}, "geometry": square(10.0, 50.0)},
            {"type": "Feature", "properties": {"code": "B"}, "geometry": square(10.2, 50.0)},
        ],
    }
    (folder / "units.geojson").write_text(json.dumps(units), encoding="utf-8")
    spec = f"""
    [region]
    name = "Tiny"
    crs = "EPSG:4326"
    units = "units.geojson"
    unit_id = "code"
    [[places]]
    id = "hall"
    lon = 10.1
    lat = 50.1
    [[places]]
    id = "east"
    lon = 10.3
    lat = 50.1
    [[places]]
    id = "village"
    name = {json.dumps(village_name)}
    lon = 10.35
    lat = 50.15
    [core]
    id = "centre"
    name = "Centre"
    units = ["A"]
    anchor = "hall"
    [[poles]]
    id = "east_pole"
    place = "east"
    name = "East"
    [[axes]]
    id = "e"
    name = "East axis"
    places = ["centre", "east"]
    [[points]]
    place = "village"
    kind = "village"
    """
    path = folder / "tiny.toml"
    path.write_text(textwrap.dedent(spec), encoding="utf-8")
    return path
