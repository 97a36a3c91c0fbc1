"""SpatialStructure from the Linyi spec and from a made-up region's spec, including bad specs."""

import json
import sys

import numpy as np
import pytest
import shapely

import linyi_spatial as ls
from linyi_spatial import linyi
from linyi_spatial.crs import wgs84_to_gcj02
from linyi_spatial.errors import SpecError
from linyi_spatial.viz import structure_map

from .regions import SPEC, UNITS, write_region

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib


@pytest.fixture(scope="module")
def linyi_s():
    # straight axes between anchors: this module tests the spec layer (network axes: test_network.py)
    return linyi.load_structure(axes="anchors")


@pytest.fixture(scope="module")
def linyi_spec():
    return tomllib.loads(linyi.data_path("linyi_structure.toml").read_text(encoding="utf-8"))


def test_linyi_counts(linyi_s):
    assert len(linyi_s.core) == 1
    assert len(linyi_s.poles) == 3
    assert len(linyi_s.axes) == 7
    assert len(linyi_s.points) >= 7
    assert (linyi_s.points["kind"] == "county_seat").sum() == 7


def test_linyi_elements_trace_to_spec(linyi_s, linyi_spec):
    assert linyi_s.core.index.tolist() == [linyi_spec["core"]["id"]]
    assert linyi_s.poles.index.tolist() == [p["id"] for p in linyi_spec["poles"]]
    assert linyi_s.axes.index.tolist() == [a["id"] for a in linyi_spec["axes"]]
    assert linyi_s.points["place"].tolist() == [p["place"] for p in linyi_spec["points"]]
    for axis in linyi_spec["axes"]:
        assert linyi_s.axes.loc[axis["id"], "places"] == tuple(axis["places"])
        assert linyi_s.axes.loc[axis["id"], "status"] == "reconstruction"
        assert linyi_s.axes.loc[axis["id"], "reason"]


def test_linyi_core_and_poles(linyi_s):
    core = linyi_s.core.iloc[0]
    assert set(core["units"]) == {"371302", "371311", "371312"}
    counties = linyi.load_counties()
    expected_km2 = counties.loc[["371302", "371311", "371312"], "area_km2"].sum()
    assert core["area_km2"] == pytest.approx(expected_km2, rel=1e-3)
    assert set(linyi_s.poles["name_zh"]) == {"沂水", "平邑", "临港"}
    assert linyi_s.poles.loc["yishui_pole", "unit"] == "371323"
    assert linyi_s.poles.loc["lingang_pole", "unit"] == "371327"
    # the pole and core anchors are actual points inside their units
    assert linyi_s.core.geometry.iloc[0].contains(shapely.Point(core["anchor_lon"], core["anchor_lat"]))


def test_every_seat_and_pole_is_on_an_axis(linyi_s):
    on_axes = {p for places in linyi_s.axes["places"] for p in places}
    seats = set(linyi_s.points.loc[linyi_s.points["kind"] == "county_seat", "place"])
    assert seats <= on_axes
    assert set(linyi_s.poles["place"]) <= on_axes


def test_axis_geometry_passes_through_its_places(linyi_s):
    for aid, axis in linyi_s.axes.iterrows():
        coords = np.asarray(axis.geometry.coords)
        assert len(coords) == len(axis["places"])
        first = linyi_s.core.iloc[0] if axis["places"][0] == "central_city" else None
        if first is not None:
            assert coords[0] == pytest.approx([first["anchor_lon"], first["anchor_lat"]])
        last = linyi_s.places.geometry[axis["places"][-1]]
        assert coords[-1] == pytest.approx([last.x, last.y]), aid
    # independent length: haversine over the vertices
    line = np.asarray(linyi_s.axes.geometry["south"].coords)
    lon, lat = np.radians(line[:, 0]), np.radians(line[:, 1])
    a = np.sin(np.diff(lat) / 2) ** 2 + np.cos(lat[:-1]) * np.cos(lat[1:]) * np.sin(np.diff(lon) / 2) ** 2
    km = (2 * 6371.0088 * np.arcsin(np.sqrt(a))).sum()
    assert linyi_s.axes.loc["south", "length_km"] == pytest.approx(km, rel=3e-3)


def test_geodataframe_summary_and_crs(linyi_s):
    gdf = linyi_s.to_geodataframe()
    assert gdf["role"].value_counts().to_dict() == {"point": 16, "axis": 7, "pole": 3, "core": 1}
    kinds = gdf.groupby("role").apply(lambda g: set(g.geom_type), include_groups=False).to_dict()
    assert kinds["axis"] == {"LineString"}
    assert kinds["pole"] == kinds["point"] == {"Point"}
    assert kinds["core"] <= {"Polygon", "MultiPolygon"}
    table = linyi_s.summary()
    assert len(table) == len(gdf)
    core_pop = linyi.load_counties().loc[["371302", "371311", "371312"], "pop_2020"].sum()
    assert table.loc[table.role == "core", "pop_2020"].item() == core_pop
    projected = linyi_s.to_crs("EPSG:32650")
    assert projected.axes.crs.to_epsg() == 32650
    assert linyi_s.axes.crs.to_epsg() == 4326  # original untouched
    gcj = linyi_s.to_crs("GCJ-02")
    p, q = linyi_s.places.geometry["yishui"], gcj.places.geometry["yishui"]
    assert (q.x, q.y) == pytest.approx(tuple(float(v) for v in wgs84_to_gcj02(p.x, p.y)))
    assert "7 axes" in repr(linyi_s)
    assert "<table" in linyi_s._repr_html_()


def test_grid_axis_variant(linyi_s):
    grid = linyi.load_structure(axis_variant="grid")
    assert len(grid.axes) == 7
    assert "jinghu" in grid.axes.index
    assert "north" not in grid.axes.index
    with pytest.raises(SpecError, match="unknown axis_variant 'ring'"):
        linyi.load_structure(axis_variant="ring")
    with pytest.raises(SpecError, match="axes must be 'network' or 'anchors', got 'curvy'"):
        linyi.load_structure(axes="curvy")


def test_with_axis_geometries(linyi_s):
    line = shapely.LineString([(118.36, 35.10), (118.5, 34.9), (118.37, 34.61)])
    s = linyi_s.with_axis_geometries({"south": line}, source="network")
    assert s.axes.loc["south", "geometry_source"] == "network"
    assert s.axes.loc["south", "length_km"] > linyi_s.axes.loc["south", "length_km"]
    assert linyi_s.axes.loc["south", "geometry_source"] == "anchor_polyline"
    with pytest.raises(SpecError, match="unknown axis 'nope'"):
        linyi_s.with_axis_geometries({"nope": line}, source="network")


# ---------------------------------------------------------------- made-up region (tests/regions.py)


def test_made_up_region_loads(tmp_path):
    s = ls.SpatialStructure.from_file(write_region(tmp_path))
    assert s.name == "Testland"
    assert s.core.index.tolist() == ["centre"]
    assert s.core["units"].iloc[0] == ("A",)
    assert s.poles.loc["east_pole", "unit"] == "B"
    assert s.points.loc["village", "unit"] == "C"
    assert s.axes.loc["ne", "places"] == ("centre", "east", "north")
    assert np.asarray(s.axes.geometry["ne"].coords).tolist() == [[10.1, 50.1], [10.3, 50.1], [10.2, 50.3]]
    # 0.2° x 0.2° at 50.1° N: 0.2*111.32*cos(50.1°) * 0.2*111.2 ≈ 318 km²
    assert s.core["area_km2"].iloc[0] == pytest.approx(0.2 * 111.32 * np.cos(np.radians(50.1)) * 0.2 * 111.2, rel=0.01)


def test_gcj02_spec_is_converted(tmp_path):
    # a region in China whose spec coordinates are GCJ-02: places come back in WGS-84
    shift = np.array([118.0, -15.0])
    units = json.loads(json.dumps(UNITS))
    for f in units["features"]:
        f["geometry"]["coordinates"] = [(np.asarray(r) + shift).tolist() for r in f["geometry"]["coordinates"]]
    spec = SPEC.replace('crs = "EPSG:4326"', 'crs = "GCJ-02"')
    for lon, lat in (("10.1", "50.1"), ("10.3", "50.1"), ("10.2", "50.3"), ("10.05", "50.35")):
        spec = spec.replace(f"lon = {lon}\nlat = {lat}", f"lon = {float(lon) + 118}\nlat = {float(lat) - 15}")
    s = ls.SpatialStructure.from_file(write_region(tmp_path, spec, units))
    hall = s.places.geometry["hall"]
    glon, glat = wgs84_to_gcj02(hall.x, hall.y)
    assert (float(glon), float(glat)) == pytest.approx((128.1, 35.1), abs=1e-9)
    assert hall.x < 128.1  # moved west, i.e. actually converted


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'places = ["centre", "east", "north"]',
            'places = ["centre", "ghost"]',
            r"axes\[0\] \(id='ne'\): unknown place\(s\) \['ghost'\]",
        ),
        ('id = "north"', 'id = "east"', "duplicate place id 'east'"),
        ('places = ["centre", "east", "north"]', 'places = ["east"]', "axes.*'ne'.*at least two places"),
        ("lon = 10.05", "lon = 11.5", r"places\[3\] \(id='village'\): coordinates \(11.50000, 50.35000\) lie outside"),
        ('crs = "EPSG:4326"\n', "", "region.crs is missing"),
        ('crs = "EPSG:4326"', 'crs = "BD-09"', "region.crs: unsupported datum 'BD-09'"),
        ('units = ["A"]', 'units = ["Z"]', "core 'centre': unknown unit 'Z'"),
        ('place = "east"', 'place = "west"', r"poles\[0\] \(id='east_pole'\): unknown place 'west'"),
        ('anchor = "hall"', 'anchor = "east"', "core 'centre': place 'east' lies outside the core's units"),
        ('units = "units.geojson"', 'units = "missing.geojson"', "region.units: file 'missing.geojson' not found"),
        ("[core]", "[[core]]", r"core must be a table \(\[core\] with its fields\)"),
        ('place = "village"', 'place = "east"', "place 'east' is both a pole and a point"),
    ],
)
def test_bad_specs_raise_named_errors(tmp_path, old, new, message):
    assert old in SPEC
    path = write_region(tmp_path, SPEC.replace(old, new, 1))
    with pytest.raises(SpecError, match=message) as info:
        ls.SpatialStructure.from_file(path)
    assert str(path) in str(info.value)
    assert isinstance(info.value, ValueError)


def test_all_problems_reported_at_once(tmp_path):
    spec = SPEC.replace('places = ["centre", "east", "north"]', 'places = ["ghost"]').replace(
        'place = "east"', 'place = "west"'
    )
    with pytest.raises(SpecError) as info:
        ls.SpatialStructure.from_file(write_region(tmp_path, spec))
    assert len(info.value.problems) == 2
    assert "2 problems" in str(info.value)


def test_expected_counts_checked(tmp_path):
    spec = SPEC.replace('unit_id = "code"', 'unit_id = "code"\n[region.expected]\npoles = 3')
    with pytest.raises(SpecError, match=r"region\.expected\.poles = 3 but the spec defines 1 poles"):
        ls.SpatialStructure.from_file(write_region(tmp_path, spec))


def test_invalid_toml_and_missing_file(tmp_path):
    with pytest.raises(SpecError, match="invalid TOML"):
        ls.SpatialStructure.from_file(write_region(tmp_path, SPEC + "\n[[axes]\n"))
    with pytest.raises(SpecError, match="spec file not found"):
        ls.SpatialStructure.from_file(tmp_path / "nope.toml")


def test_units_without_crs_rejected(tmp_path):
    gpd = pytest.importorskip("geopandas")
    units = (
        gpd.read_file(write_region(tmp_path).parent / "units.geojson")
        .set_index("code")
        .set_crs(None, allow_override=True)
    )
    with pytest.raises(SpecError, match="has no CRS"):
        ls.SpatialStructure.from_file(write_region(tmp_path), units=units)


def test_provenance_kept_in_summary_frames_and_maps():
    s = linyi.load_structure()
    summary = s.summary()
    assert set(summary["status"]) <= {"plan", "proposal", "reconstruction", "assumed", "unstated"}
    assert "plan" not in set(summary["status"])  # nothing is called plan: the plan body was not readable
    assert (summary.loc[summary["role"] == "axis", "status"] == "reconstruction").all()
    key_towns = summary[summary["id"].isin(s.points.index[s.points["kind"] == "key_town"])]
    assert (key_towns["status"] == "assumed").all()
    assert key_towns["reason"].str.contains("list of key towns was not read").all()
    poles = summary[summary["role"] == "pole"].set_index("id")
    assert poles.loc[["yishui_pole", "pingyi_pole"], "size_of"].str.contains("whole unit").all()  # county totals
    # a zone: its only figure is the 2010 census's (D2): not under pop_2020, and not 莒南's total either
    assert np.isnan(poles.loc["lingang_pole", "pop_2020"])
    assert poles.loc["lingang_pole", "size_of"] == (
        "the place itself: its only figure is of 2010 (161,200), not of pop_2020's year (inside 371327)"
    )
    frame = s.to_geodataframe()
    assert {"status", "source", "reason"} <= set(frame.columns)
    assert (frame.loc[frame["role"] == "axis", "reason"] != "").all()
    html = structure_map(s, tiles=None).get_root().render()
    for status in ("reconstruction", "proposal", "assumed"):
        assert status in html


def test_unknown_status_is_named(tmp_path):
    path = write_region(tmp_path, SPEC.replace('kind = "village"', 'kind = "village"\nstatus = "rumour"'))
    with pytest.raises(SpecError, match=r"points\[0\].*unknown status 'rumour'"):
        ls.SpatialStructure.from_file(path)


def test_role_labels_by_language_are_read_and_checked(tmp_path):
    from linyi_spatial.structure import SpatialStructure
    from linyi_spatial.testing import write_region
    from linyi_spatial.viz.structure import role_labels

    files = write_region(tmp_path / "r")
    spec = files["spec"].read_text(encoding="utf-8")
    good = spec.replace(
        "[region.columns]", '[region.role_labels]\ncore = { en = "Heart", zh = "中心" }\n\n[region.columns]'
    )
    files["spec"].write_text(good, encoding="utf-8")
    s = SpatialStructure.from_file(files["spec"])
    assert role_labels(s.meta, "zh")["core"] == "中心"
    assert role_labels(s.meta, "en")["core"] == "Heart"
    assert role_labels(s.meta, "zh")["poles"] == "增长极"  # the defaults, translated
    bad = spec.replace("[region.columns]", '[region.role_labels]\nhub = "Hub"\ncore = { en = 3 }\n\n[region.columns]')
    files["spec"].write_text(bad, encoding="utf-8")
    with pytest.raises(SpecError, match=r"region.role_labels.hub: unknown role") as err:
        SpatialStructure.from_file(files["spec"])
    assert "region.role_labels.core: names by language" in str(err.value)


def test_seat_given_by_its_own_coordinates(tmp_path):
    """seat_of with lon/lat: the unit's seat at the place's own point; no seat columns needed."""
    from linyi_spatial.testing import write_region as write_made_up

    files = write_made_up(tmp_path)
    spec = files["spec"].read_text(encoding="utf-8")
    files["spec"].write_text(spec.replace('seat_of = "B"\n', 'seat_of = "B"\nlon = 10.35\nlat = 50.15\n'))
    s = ls.SpatialStructure.from_file(files["spec"])
    seat = s.seats.loc["b"]
    assert (seat.geometry.x, seat.geometry.y, seat["unit"]) == (10.35, 50.15, "B")
    assert s.seats.loc["a"].geometry.coords[0] == (10.1, 50.1)  # the others still from the seat columns
    # half a coordinate, or a point outside the unit it is the seat of, is one problem of that place
    for extra, message in (
        ("lon = 10.35\n", r"places\[1\] \(id='b'\): give both lon and lat"),
        (
            "lon = 10.5\nlat = 50.1\n",
            r"places\[1\] \(id='b'\): coordinates lie in unit 'D', not in its stated unit 'B'",
        ),
    ):
        files["spec"].write_text(spec.replace('seat_of = "B"\n', 'seat_of = "B"\n' + extra))
        with pytest.raises(SpecError, match=message) as info:
            ls.SpatialStructure.from_file(files["spec"])
        assert len(info.value.problems) == 1, info.value.problems


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ('seat_of = "C"', 'seat_of = "Q"', "places[2] (id='c'): seat_of refers to unknown unit 'Q'"),
        ('id = "c"\nseat_of = "C"', 'id = "c"', "places[2] (id='c'): give lon/lat or seat_of"),
        (
            'seat_of = "C"',
            'seat_of = "C"\nlon = 12.0\nlat = 50.3',
            "places[2] (id='c'): coordinates (12.00000, 50.30000)",
        ),
        ('seat_of = "A"', 'seat_of = "A"\nlon = 10.1\nlat = "north"', "places[0].lat must be a number"),
    ],
)
def test_one_bad_place_is_one_problem(tmp_path, old, new, problem):
    """Place c is a point and on the north axis, place a the core's anchor: neither is reported again."""
    from linyi_spatial.testing import write_region as write_made_up

    files = write_made_up(tmp_path)
    spec = files["spec"].read_text(encoding="utf-8")
    assert old in spec
    files["spec"].write_text(spec.replace(old, new, 1))
    with pytest.raises(SpecError) as info:
        ls.SpatialStructure.from_file(files["spec"])
    assert len(info.value.problems) == 1, info.value.problems
    assert info.value.problems[0].startswith(problem)


def test_analyses_name_what_a_spec_without_seats_lacks(tmp_path):
    from linyi_spatial.accessibility.population import structure_population
    from linyi_spatial.errors import DataError
    from linyi_spatial.testing import UNITS, made_up_network
    from linyi_spatial.testing import write_region as write_made_up

    files = write_made_up(tmp_path)
    spec = files["spec"].read_text(encoding="utf-8")
    for code, lon, lat in UNITS[["code", "seat_lon", "seat_lat"]].itertuples(index=False):
        spec = spec.replace(f'seat_of = "{code}"\n', f"lon = {lon}\nlat = {lat}\n")
    files["spec"].write_text(spec)
    s = ls.SpatialStructure.from_file(files["spec"])
    assert s.seats.empty
    G = made_up_network(2020)
    lacks = r"has no unit seats: declare one place per unit with seat_of = <unit id>"
    with pytest.raises(DataError, match="the scenario comparison's unit scores time each unit from its seat.*" + lacks):
        ls.compare_scenarios(G, made_up_network(2035), s, cell_km=5)
    with pytest.raises(DataError, match=lacks):
        ls.unit_accessibility(G, s)
    with pytest.raises(
        DataError, match=r"unit\(s\) \['A', 'B', 'C', 'D'\] have urban population \(column 'townsfolk'\)"
    ):
        structure_population(s, ls.analysis_grid(s.units, cell_km=5))
