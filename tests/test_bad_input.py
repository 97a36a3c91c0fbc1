"""Bad input gets a named error (a LinyiSpatialError subclass naming the item), never a raw traceback.

One test per class of bad input listed in docs/errors.md, then a hypothesis
fuzz test over the public functions with malformed arguments.
"""

import math

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import Point

import linyi_spatial as ls
from linyi_spatial.errors import CRSError, DataError, LinyiSpatialError, NetworkError, SpecError
from linyi_spatial.linyi.cli import main
from linyi_spatial.testing import made_up_network, made_up_structure, write_region


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return write_region(tmp_path_factory.mktemp("bad"))


@pytest.fixture(scope="module")
def G():
    return made_up_network(2020)


@pytest.fixture(scope="module")
def s():
    return made_up_structure()


@pytest.fixture(scope="module")
def T(G):
    return ls.travel_time_matrix(G, list("abcde"), list("abcde"))


# ------------------------------------------------------------------ files


def test_spec_path_that_is_a_folder(tmp_path):
    with pytest.raises(SpecError, match="the spec path is a folder"):
        ls.SpatialStructure.from_file(tmp_path)


@pytest.mark.parametrize("encoding", ["gb18030", "gbk"])
def test_spec_not_in_utf8_names_the_encoding(files, tmp_path, encoding):
    text = files["spec"].read_text(encoding="utf-8").replace("Valeshire", "临沂谷地")
    bad = tmp_path / "gb.toml"
    bad.write_bytes(text.encode(encoding))
    with pytest.raises(SpecError, match=r"not UTF-8 \(tried UTF-8; .*it decodes as GB18030: save it as UTF-8"):
        ls.SpatialStructure.from_file(bad)


@pytest.mark.parametrize(
    ("content", "message"),
    [("", "the nodes table is empty"), ('id,name\n"a,b\n', "not a readable CSV"), (b"\xc1\xd9\xd2\xca", "not UTF-8")],
)
def test_malformed_tables_through_the_cli(files, tmp_path, capsys, content, message):
    bad = tmp_path / "nodes.csv"
    bad.write_bytes(content if isinstance(content, bytes) else content.encode())
    args = ["maps", "--spec", str(files["spec"]), "--nodes", str(bad), "--routes", str(files["routes"])]
    assert main([*args, "--out", str(tmp_path / "o"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "nodes.csv" in err


def test_malformed_unit_table_in_a_spec(files, tmp_path):
    folder = write_region(tmp_path / "r")
    (tmp_path / "r" / "attrs.csv").write_text("", encoding="utf-8")
    spec = (
        folder["spec"]
        .read_text(encoding="utf-8")
        .replace('unit_id = "code"', 'unit_id = "code"\nunit_table = "attrs.csv"')
    )
    folder["spec"].write_text(spec, encoding="utf-8")
    with pytest.raises(SpecError, match=r"region\.unit_table: the unit table is empty"):
        ls.SpatialStructure.from_file(folder["spec"])


def test_all_spec_problems_reported_together(tmp_path):
    folder = write_region(tmp_path)
    text = folder["spec"].read_text(encoding="utf-8")
    text = text.replace("lon = 10.45", "lon = 99.0").replace('anchor = "a"', 'anchor = "zz"')
    folder["spec"].write_text(text.replace('places = ["centre", "c"]', 'places = ["centre"]'), encoding="utf-8")
    with pytest.raises(SpecError) as info:
        ls.SpatialStructure.from_file(folder["spec"])
    problems = info.value.problems
    assert any("lie outside the region" in p for p in problems)
    assert any("anchor 'zz' is not a known place" in p for p in problems)
    assert any("an axis needs at least two places" in p for p in problems)


def test_place_on_a_shared_border_belongs_to_the_region(tmp_path):
    folder = write_region(tmp_path)
    text = folder["spec"].read_text(encoding="utf-8").replace("lon = 10.45\nlat = 50.35", "lon = 10.4\nlat = 50.3")
    folder["spec"].write_text(text.replace("lon = 10.45", "lon = 10.2"), encoding="utf-8")
    s = ls.SpatialStructure.from_file(folder["spec"])
    assert s.places.loc["mill", "unit"] in {"A", "B", "C", "D", "E"}


# ------------------------------------------------------------------ points and graphs


@pytest.mark.parametrize(
    ("point", "error", "message"),
    [
        (Point(np.nan, 50.1), NetworkError, "NaN/inf coordinates at"),
        (Point(), NetworkError, "missing or empty at"),
        (None, NetworkError, "missing or empty at"),
        (Point(50.1, 10.1), CRSError, "longitude and latitude swapped"),
        (Point(560_000, 5_550_000), CRSError, "are not longitude/latitude"),
    ],
)
def test_bad_points_are_named(G, point, error, message):
    with pytest.raises(error, match=message):
        ls.snap_points(G, gpd.GeoSeries([point], crs=4326, index=["p1"]))


def test_tuple_node_ids_work():
    grid = nx.grid_2d_graph(3, 3).to_directed()
    nx.set_edge_attributes(grid, 60.0, "travel_time")
    assert ls.travel_time_matrix(grid, [(0, 0)], [(2, 2)]).iloc[0, 0] == 4.0


def test_projected_graphs_in_geodesic_measures(G):
    P = G.copy()
    P.graph["crs"] = "EPSG:32632"
    with pytest.raises(CRSError, match="detour_index needs node x/y in longitude/latitude"):
        ls.detour_index(P, ["a", "b"])
    with pytest.raises(CRSError, match="straightness"):
        ls.centrality(P, ["a"])


OSM_HEAD = '<?xml version="1.0"?><osm version="0.6"><node id="1" lat="50" lon="10"/><node id="2" lat="50.1" lon="10"/>'


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        ('<tag k="waterway" v="river"/>', "no way has a highway tag"),
        ('<tag k="highway" v="primary"/><tag k="oneway" v="yes"/>', "reach each other both ways"),
    ],
)
def test_osm_extracts_without_a_network(tmp_path, tags, message):
    pytest.importorskip("osmnx")
    path = tmp_path / "x.osm"
    path.write_text(f'{OSM_HEAD}<way id="5"><nd ref="1"/><nd ref="2"/>{tags}</way></osm>', encoding="utf-8")
    with pytest.raises(NetworkError, match=message):
        ls.from_osm(path)


def test_osm_maxspeed_zero_falls_back_and_validates(tmp_path):
    pytest.importorskip("osmnx")
    path = tmp_path / "z.osm"
    tags = '<tag k="highway" v="primary"/><tag k="maxspeed" v="0"/>'
    path.write_text(f'{OSM_HEAD}<way id="5"><nd ref="1"/><nd ref="2"/>{tags}</way></osm>', encoding="utf-8")
    with pytest.warns(UserWarning, match=r"1 way\(s\) have a maxspeed that is not a speed.*way 5 '0'"):
        G = ls.from_osm(path)
    assert ls.validate_network(G) == []
    assert {d["speed_kph"] for _, _, d in G.edges(data=True)} == {ls.network.OSM_SPEED_KPH["primary"]}


# ------------------------------------------------------------------ parameters


@pytest.mark.parametrize("cutoff", [float("nan"), -1.0])
def test_bad_cutoffs(G, T, cutoff):
    with pytest.raises(NetworkError, match="cutoff_min must be a finite number >= 0"):
        ls.travel_time_matrix(G, ["a"], ["b"], cutoff_min=cutoff)
    with pytest.raises(DataError, match="cutoff_min must be a finite number >= 0"):
        ls.gravity_accessibility(G, ["a"], ["b"], [1.0], cutoff_min=cutoff)
    with pytest.raises(DataError, match="cutoff_min must be a finite number >= 0"):
        ls.two_step_fca(T, pd.Series(1.0, index=T.columns), pd.Series(1.0, index=T.index), cutoff_min=cutoff)


def test_bad_sizes_and_weights(G, s, T):
    with pytest.raises(NetworkError, match="batch_size must be a positive integer"):
        ls.travel_time_matrix(G, ["a"], ["b"], batch_size=0)
    with pytest.raises(DataError, match="data_tiers needs at least one column"):
        ls.data_tiers(s.units, {})
    with pytest.raises(DataError, match="needs at least one target"):
        ls.urbanization_targets(s.units, size="residents", urban="townsfolk", targets={}, base_year=2020)
    with pytest.raises(DataError, match="must come after the base year"):
        ls.urbanization_targets(s.units, size="residents", urban="townsfolk", targets={2020: 0.5}, base_year=2020)
    with pytest.raises(DataError, match="primacy needs at least two places after merging"):
        ls.primacy(s.units, "residents", merge={"all": list("ABCDE")})
    named = s.units.set_index(pd.Index(list("abcde")))
    with pytest.raises(DataError, match="travel time between 'a' and 'b' must be positive"):
        ls.gravity_linkages(named, -T, size="residents")
    with pytest.raises(DataError, match="b must be a finite number"):
        ls.gravity_linkages(named, T, size="residents", b=math.nan)
    with pytest.raises(DataError, match="supply must be finite non-negative numbers"):
        ls.two_step_fca(T, pd.Series(np.inf, index=T.columns), pd.Series(1.0, index=T.index))
    with pytest.raises(DataError, match="over the limit"):
        ls.analysis_grid(s.units, cell_km=0.001)
    with pytest.raises(DataError, match="half_life_min must be a finite number > 0"):
        ls.DecayFunction("exponential", half_life_min=math.nan)


# ------------------------------------------------------------------ fuzz

FLOATS = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-5, 5), st.none(), st.text(max_size=3))


def verdict(valid, call, check):
    """Return "ok" when a valid call gives a sound result and any other a named error; else what went wrong.

    A raw (unnamed) exception propagates and fails the test by itself.
    """
    try:
        result = call()
    except LinyiSpatialError as exc:
        return f"valid input raised {exc!r}" if valid else "ok"
    if not valid:
        return f"invalid input gave a result: {result!r}"
    return "ok" if check(result) else f"unsound result: {result!r}"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cutoff=FLOATS,
    batch=st.one_of(st.integers(-3, 3), st.none(), st.floats(allow_nan=True)),
    half_life=FLOATS,
    cell=FLOATS,
    band=FLOATS,
)
def test_fuzz_parameters_give_named_errors_or_results(G, s, T, cutoff, batch, half_life, cell, band):
    """A valid parameter gives a sound result, any other a LinyiSpatialError (never a raw exception)."""

    def real(x, low=0.0, high=math.inf, strict=False):
        ok = isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)
        return ok and (x > low if strict else x >= low) and x <= high

    def count(x):
        return isinstance(x, int) and not isinstance(x, bool) and x >= 1

    named = s.units.set_index(pd.Index(list("abcde")))
    supply, demand = pd.Series(1.0, index=T.columns), pd.Series(1.0, index=T.index)
    area_km2 = s.units.to_crs(32632).area.sum() / 1e6  # the region's area, measured independently
    small = isinstance(cell, (int, float)) and math.isfinite(cell) and 0 < cell < 4
    safe_cell = 4.0 if small else cell  # small valid cells are slow, not wrong
    cut_ok = cutoff is None or real(cutoff)
    cases = {
        "travel_time_matrix cutoff_min": (
            cut_ok,
            lambda: ls.travel_time_matrix(G, ["a"], ["e"], cutoff_min=cutoff),
            lambda t: t.shape == (1, 1) and t.iloc[0, 0] >= 0,
        ),
        "travel_time_matrix batch_size": (
            count(batch),
            lambda: ls.travel_time_matrix(G, ["a"], ["e"], batch_size=batch),
            lambda t: np.isfinite(t.iloc[0, 0]),
        ),
        "gravity_accessibility": (
            cut_ok and count(batch),
            lambda: ls.gravity_accessibility(G, ["a"], ["e"], [1.0], cutoff_min=cutoff, batch_size=batch),
            lambda a: 0 <= a.iloc[0] <= 1,
        ),
        "DecayFunction half_life_min": (
            real(half_life, low=10.0, strict=True),
            lambda: ls.DecayFunction("power", half_life_min=half_life),
            lambda f: f([half_life])[0] == pytest.approx(0.5),
        ),
        "two_step_fca cutoff_min": (
            real(cutoff),
            lambda: ls.two_step_fca(T, supply, demand, cutoff_min=cutoff),
            lambda a: (a >= 0).all() and np.isfinite(a).all(),
        ),
        "analysis_grid cell_km": (
            real(safe_cell, high=1000.0, strict=True),
            lambda: ls.analysis_grid(s.units, cell_km=safe_cell),
            lambda g: g["area_km2"].sum() == pytest.approx(area_km2, rel=1e-6),
        ),
        "axis_agglomeration band_km": (
            real(band, low=0.01, high=5000.0),
            lambda: ls.axis_agglomeration(s, band_km=band),
            # a band narrower than the cells holds no cell centre: NaN, said in a warning
            lambda a: ((a["location_quotient"] > 0) | (a["band_area_km2"] == 0)).all(),
        ),
        "gravity_linkages b": (
            real(half_life, high=10.0),
            lambda: ls.gravity_linkages(named, T, size="residents", b=half_life),
            lambda lk: np.allclose(lk.matrix, lk.matrix.T),
        ),
        "Access speed_kph": (
            real(half_life, strict=True),
            lambda: ls.Access(speed_kph=half_life),
            lambda a: a.seconds(np.array([0.0]))[0] == 0.0,
        ),
        "isochrones limit": (
            real(cutoff),
            lambda: ls.isochrones(G, "a", [cutoff], region=s.units, cell_km=8),
            lambda iso: len(iso) == 1 and iso["area_km2"].iloc[0] >= 0,
        ),
    }
    outcomes = {name: verdict(*case) for name, case in cases.items()}
    assert {name: v for name, v in outcomes.items() if v != "ok"} == {}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    x=st.floats(allow_nan=True, allow_infinity=True, width=32),
    y=st.floats(allow_nan=True, allow_infinity=True, width=32),
    crs=st.sampled_from([4326, 32632, None]),
)
@pytest.mark.filterwarnings("ignore:.*lie more than 100 km from the network")  # points anywhere on the globe
def test_fuzz_points_give_named_errors_or_results(G, x, y, crs):
    pts = gpd.GeoSeries([Point(x, y)], crs=crs)
    try:
        out = ls.snap_points(G, pts)
    except LinyiSpatialError:
        return
    assert out["node"].notna().all() or np.isinf(out["access_time_s"]).all()


def test_length_is_no_travel_time(G):
    with pytest.raises(NetworkError, match="'length' is metres"):
        ls.travel_time_matrix(G, ["a"], ["b"], weight="length")
