"""A small made-up region (three square units in degrees) and its structure spec, for tests."""

import json
import textwrap

UNITS = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"code": "A", "name": "Alpha"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[10, 50], [10.2, 50], [10.2, 50.2], [10, 50.2], [10, 50]]],
            },
        },
        {
            "type": "Feature",
            "properties": {"code": "B", "name": "Beta"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[10.2, 50], [10.4, 50], [10.4, 50.2], [10.2, 50.2], [10.2, 50]]],
            },
        },
        {
            "type": "Feature",
            "properties": {"code": "C", "name": "Gamma"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[10, 50.2], [10.4, 50.2], [10.4, 50.4], [10, 50.4], [10, 50.2]]],
            },
        },
    ],
}

SPEC = """
[region]
id = "testland"
name = "Testland"
crs = "EPSG:4326"
units = "units.geojson"
unit_id = "code"

[[places]]
id = "hall"
name = "Town hall"
lon = 10.1
lat = 50.1
[[places]]
id = "east"
lon = 10.3
lat = 50.1
[[places]]
id = "north"
lon = 10.2
lat = 50.3
[[places]]
id = "village"
name = "Village"
lon = 10.05
lat = 50.35

[core]
id = "centre"
name = "Centre"
units = ["A"]
anchor = "hall"

[[poles]]
id = "east_pole"
place = "east"
name = "East pole"

[[axes]]
id = "ne"
name = "North-east axis"
places = ["centre", "east", "north"]
corridors = ["A1"]

[[points]]
place = "village"
kind = "village"
"""


def write_region(tmp_path, spec=SPEC, units=UNITS):
    (tmp_path / "units.geojson").write_text(json.dumps(units), encoding="utf-8")
    path = tmp_path / "testland.toml"
    path.write_text(textwrap.dedent(spec), encoding="utf-8")
    return path


def write_village_region(folder, village_name="Village"):
    """The made-up region with a chosen name for its one point (e.g. a hostile string)."""
    return write_region(folder, SPEC.replace('name = "Village"', f"name = {json.dumps(village_name)}"))
