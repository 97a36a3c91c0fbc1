"""Ordinary data that used to end in a raw traceback or a silently wrong result: a named error or the right value.

One test per finding of the input audit: tiers over too few distinct sizes,
repeated stops, non-numeric coordinates and years, thousands separators,
wrong-typed and deeply nested specs, endless and oversized files, NUL
characters, overflowing decay and urbanization, float32 gravity sums,
look-alike unit ids, overlapping and invalid unit polygons.
"""

import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Polygon, box

import linyi_spatial as ls
from linyi_spatial.decay import decay_weights
from linyi_spatial.errors import DataError, NetworkError, SpecError
from linyi_spatial.hierarchy import data_tiers, urbanization_targets
from linyi_spatial.testing import made_up_tables, write_region


@pytest.fixture
def files(tmp_path):
    return write_region(tmp_path / "region")


def edit_spec(files, old: str, new: str) -> Path:
    text = files["spec"].read_text(encoding="utf-8")
    assert old in text, old
    files["spec"].write_text(text.replace(old, new, 1), encoding="utf-8")
    return files["spec"]


def edit_units(files, change) -> None:
    units = gpd.read_file(files["units"])
    change(units)
    files["units"].write_text(units.to_json(), encoding="utf-8")


# -- tiers and sizes


def test_tiers_with_fewer_distinct_values_than_classes_use_fewer_classes_and_say_so():
    df = pd.DataFrame({"pop": [5.0, 5.0, 1.0, 1.0, 1.0]}, index=list("abcde"))
    with pytest.warns(UserWarning, match="only 2 distinct value.* 2 class.* instead of 3"):
        tiers = data_tiers(df, {"pop": 1.0})
    assert tiers["data_rank"].tolist() == [1, 1, 2, 2, 2]
    assert tiers.attrs["k"] == 2
    with pytest.warns(UserWarning, match="only 1 distinct"):
        assert data_tiers(df.assign(pop=3.0), {"pop": 1.0})["data_rank"].tolist() == [1] * 5


def test_populations_written_with_thousands_separators_are_refused_by_name(files):
    edit_units(files, lambda u: u.__setitem__("residents", ["420,000", "180000", "120000", "150000", "90000"]))
    with pytest.raises(SpecError, match=r"region.columns.size: column 'residents' holds text .* \['A'\].*'420,000'"):
        ls.SpatialStructure.from_file(files["spec"])


def test_a_size_column_given_as_text_is_refused_when_used():
    s = ls.testing.made_up_structure()
    units = s.units.assign(residents=s.units["residents"].astype(str))
    units.loc["B", "residents"] = "1.8 万"
    bad = ls.SpatialStructure(**{**s.__dict__, "units": units})
    with pytest.raises(DataError, match=r"size column 'residents' holds text .*\['B'\]"):
        ls.seat_accessibility(ls.testing.made_up_network(2020), bad)


# -- network tables


def test_a_repeated_stop_is_named():
    nodes, routes = made_up_tables()
    routes.loc[routes["route_id"] == "t5", "sequence"] = "b;b;d"
    with pytest.raises(NetworkError, match=r"route 't5': stop 'b' follows itself"):
        ls.build_network(nodes, routes, year=2020)


def test_non_numeric_coordinates_and_years_are_named_with_every_other_problem():
    nodes, routes = made_up_tables()
    nodes["lon"] = nodes["lon"].astype(object)
    nodes.loc[nodes["id"] == "c", "lon"] = "abc"
    routes["opened"] = routes["opened"].astype(object)
    routes.loc[routes["route_id"] == "t3", "opened"] = "soon"
    routes["design_speed_kph"] = routes["design_speed_kph"].astype(object)
    routes.loc[routes["route_id"] == "t4", "design_speed_kph"] = "fast"
    with pytest.raises(NetworkError) as info:
        ls.build_network(nodes, routes, year=2020)
    text = str(info.value)
    assert "node 'c': invalid coordinates (abc, 50.3)" in text
    assert "route 't3': opened 'soon' is not a year" in text
    assert "route 't4': design_speed_kph 'fast' is not a positive number" in text


def test_years_and_speeds_read_as_text_are_numbers():
    """A table read with keep_default_na=False or dtype=str has "2005.0" and "" where numbers belong."""
    nodes, routes = made_up_tables()
    as_text = routes.astype(str).replace({"nan": "", "None": ""})
    G = ls.build_network(nodes, as_text, year=2020)
    H = ls.build_network(nodes, routes, year=2020)
    assert sorted(G.edges(keys=True)) == sorted(H.edges(keys=True))
    assert {d["opened"] for *_, d in G.edges(data=True)} == {d["opened"] for *_, d in H.edges(data=True)}


# -- specs


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("poles = 2", 'poles = "abc"', "region.expected.poles must be a whole number, got 'abc'"),
        ("poles = 2", "poles = 2.7", "region.expected.poles must be a whole number, got 2.7"),
        ('units = ["A"]', "units = 5", "core.units must be an array of strings, got 5"),
        ('places = ["centre", "c"]', 'places = "centre"', r"axes\[1\].places must be an array of strings, e\.g\. \['c"),
        ('name = "Ashford centre"', 'name = "Ash\\u0000ford"', r"core.name holds a NUL character"),
        ('lon = 10.45', 'lon = "10.45"', r"places\[5\].lon must be a number, got '10.45'"),
    ],
)  # fmt: skip
def test_wrong_typed_spec_fields_are_named(files, old, new, message):
    with pytest.raises(SpecError, match=message):
        ls.SpatialStructure.from_file(edit_spec(files, old, new))


def test_a_deeply_nested_spec_is_refused_quickly(tmp_path):
    for text in ("a = " + "[" * 5000 + "]" * 5000, "a" + ".a" * 20000 + " = 1"):
        path = tmp_path / "deep.toml"
        path.write_text(text + "\n", encoding="utf-8")
        with pytest.raises(SpecError, match=r"nests \d+ levels deep \(at most 32\)"):
            ls.SpatialStructure.from_file(path)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_an_endless_spec_is_refused_not_read_forever():
    with pytest.raises(SpecError, match=r"the spec is a device or socket, not a regular file"):
        ls.SpatialStructure.from_file("/dev/zero")


def test_a_spec_larger_than_the_limit_is_refused_by_size(tmp_path):
    path = tmp_path / "huge.toml"
    path.write_bytes(b"# " + b"x" * (4 * 2**20 + 10))
    with pytest.raises(SpecError, match=r"larger than 4 MiB"):
        ls.SpatialStructure.from_file(path)


def test_a_binary_table_is_refused(tmp_path):
    from linyi_spatial._io import read_csv

    path = tmp_path / "nodes.csv"
    path.write_bytes(b"id,lon,lat\na,1\x00,2\n")
    with pytest.raises(DataError, match="NUL byte at position 14"):
        read_csv(path, "nodes table")


def test_look_alike_unit_ids_in_one_file_are_refused_as_one_id(files):
    composed, decomposed = "\u00e9", "e\u0301"  # é, and e + combining acute: the same letter
    edit_units(files, lambda u: u.__setitem__("code", [f"A{composed}", f"A{decomposed}", "C", "D", "E"]))
    edit_spec(files, 'seat_of = "A"', f'seat_of = "A{decomposed}"')
    with pytest.raises(SpecError, match=r"unit ids .* the same after Unicode normalisation \(NFC\)"):
        ls.SpatialStructure.from_file(files["spec"])


def test_unit_ids_are_normalised_so_a_spec_may_write_either_form(files):
    composed, decomposed = "\u00e9", "e\u0301"
    edit_units(files, lambda u: u.__setitem__("code", [f"A{decomposed}", "B", "C", "D", "E"]))
    edit_spec(files, 'seat_of = "A"', f'seat_of = "A{composed}"')
    text = files["spec"].read_text(encoding="utf-8").replace('units = ["A"]', f'units = ["A{composed}"]')
    files["spec"].write_text(text, encoding="utf-8")
    s = ls.SpatialStructure.from_file(files["spec"])
    assert f"A{composed}" in s.units.index


def test_overlapping_units_are_refused(files):
    edit_units(files, lambda u: u.__setitem__("geometry", [box(10.0, 50.0, 10.25, 50.2), *u.geometry[1:]]))
    with pytest.raises(SpecError, match=r"units 'A' and 'B' overlap by [\d.]+ km²"):
        ls.SpatialStructure.from_file(files["spec"])


def test_invalid_unit_polygons_get_their_own_message(files):
    bowtie = Polygon([(10.0, 50.0), (10.2, 50.2), (10.2, 50.0), (10.0, 50.2), (10.0, 50.0)])
    edit_units(files, lambda u: u.__setitem__("geometry", [bowtie, *u.geometry[1:]]))
    with pytest.raises(SpecError, match=r"unit 'A' has an invalid polygon \(Self-intersection") as info:
        ls.SpatialStructure.from_file(files["spec"])
    assert "outside" not in str(info.value)


# -- numbers


def test_gaussian_decay_with_a_huge_half_life_is_one_not_an_overflow():
    w = decay_weights([0.0, 10.0, 1e6], "gaussian", half_life_min=1e160)
    assert w.tolist() == [1.0, 1.0, 1.0]
    assert decay_weights([1e300], "gaussian", half_life_min=1e160).tolist() == [0.0]


def test_urbanization_towards_a_tiny_target_does_not_overflow():
    df = pd.DataFrame({"p": [100.0], "u": [50.0]})
    t = urbanization_targets(df, size="p", urban="u", targets={2025: 6e-8}, base_year=2020, years=[2022])
    assert t.loc[2025, "urbanization_rate"] == pytest.approx(6e-8)
    assert 6e-8 < t.loc[2022, "logistic_rate"] < 0.5
    assert np.isfinite(t.drop(columns=["source", "path_gap_pp"]).to_numpy(dtype=float)).all()
    assert np.isfinite(t.loc[2025, "path_gap_pp"])  # defined at target years only (NaN elsewhere, documented)
    assert t["path_gap_pp"].isna().tolist() == [True, True, False]


def test_the_logistic_path_is_the_one_through_base_and_target():
    """K / (1 + exp(-r (t - t_mid))) through (2020, 0.5) and (2035, 0.7), worked by hand."""
    df = pd.DataFrame({"p": [100.0], "u": [50.0]})
    t = urbanization_targets(df, size="p", urban="u", targets={2035: 0.7}, base_year=2020, years=[2030])
    k = 0.85
    r = (math.log(0.7 / (k - 0.7)) - math.log(0.5 / (k - 0.5))) / 15
    t_mid = 2020 - math.log(0.5 / (k - 0.5)) / r
    assert t.loc[2030, "logistic_rate"] == pytest.approx(k / (1 + math.exp(-r * (2030 - t_mid))), rel=1e-12)


def test_absurd_growth_and_far_years_are_refused():
    df = pd.DataFrame({"p": [100.0], "u": [50.0]})
    with pytest.raises(DataError, match=r"growth must be a finite number > -1 and <= 1"):
        urbanization_targets(df, size="p", urban="u", targets={2035: 0.7}, base_year=2020, growth=1e300)
    with pytest.raises(DataError, match="within 200 years"):
        urbanization_targets(df, size="p", urban="u", targets={2035: 0.7}, base_year=2020, years=[2500])


def test_gravity_sums_never_exceed_the_total_size():
    from linyi_spatial.accessibility import gravity_accessibility
    from linyi_spatial.decay import DecayFunction
    from linyi_spatial.testing import grid_road_graph

    G = grid_road_graph(12, seed=2)
    nodes = list(G.nodes)
    size = np.full(len(nodes), 908_429.1664 / len(nodes))
    flat = DecayFunction("exponential", half_life_min=1e12)  # every weight 1 to within 1e-9
    g = gravity_accessibility(G, nodes, nodes, size, decay=flat)
    assert (g <= size.sum()).all()
    assert g.max() == pytest.approx(size.sum(), rel=1e-9)  # float32 gave 908,429.1875 > 908,429.1664
    big = gravity_accessibility(G, nodes[:3], nodes, size * 1e35, decay=flat)  # float32 gave inf above 3.4e38
    assert np.isfinite(big).all()


# -- found by benchmarks/fuzz_api.py (each was a raw exception or a NaN from finite inputs)


G0 = ls.testing.made_up_network(2020)
T0 = ls.travel_time_matrix(G0, list("abcd"), list("abcd"))
UNITS4 = pd.DataFrame({"pop": [300.0, 200.0, 100.0, 50.0]}, index=list("abcd"))
HANSEN4 = UNITS4.set_axis(["hansen_size"], axis=1)
ONE = pd.DataFrame({"pop": [100.0], "urban": [50.0]})
TWICE = pd.DataFrame({"pop": [3.0, 2.0, 1.0]}, index=["a", "a", "b"])


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: ls.centrality(G0, betweenness_sources=0), NetworkError, "betweenness_sources must be a positive"),
        (lambda: ls.centrality(G0, max_cost=-5.0), NetworkError, "max_cost must be a finite number > 0"),
        (lambda: ls.centrality(G0, betweenness_sources=3, max_cost=60.0), NetworkError, "cannot be cut off"),
        (lambda: ls.composite_score(HANSEN4, {"hansen_size": "30"}), DataError, "weights must be finite"),
        (lambda: data_tiers(UNITS4, {"pop": 1.0}, k=-1), DataError, "k must be a positive integer"),
        (lambda: data_tiers(UNITS4, {"pop": 1.0}, k=None), DataError, "k must be a positive integer"),
        (lambda: ls.polycentricity(UNITS4, "pop", top=None), DataError, "top must be a positive integer"),
        (lambda: ls.rank_size(TWICE, "pop"), DataError, r"place id\(s\) \['a'\] appear more than once"),
        (lambda: urbanization_targets(ONE, size="pop", urban="urban", targets={2035: None}, base_year=2020),
         DataError, "target rate of 2035"),
        (lambda: ls.gravity_linkages(UNITS4, T0, size="pop", b=0.0, k=1e305), DataError, "strengths overflow"),
        (lambda: ls.two_step_fca(T0, pd.Series(1e5, index=T0.columns), pd.Series(5e-324, index=T0.index)),
         DataError, "supply-to-demand ratios overflow"),
        (lambda: ls.analysis_grid(ls.testing.made_up_structure().units, cell_km=2.2e-308), DataError,
         "more than 10\\^308 cells"),
    ],
)  # fmt: skip
def test_fuzz_findings_are_named(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_a_point_far_beyond_any_map_is_named_not_an_index_error():
    import geopandas as gpd
    from shapely.geometry import Point

    G = ls.testing.made_up_network(2020)
    with pytest.raises(NetworkError, match="cannot be projected into the network's metric CRS"):
        ls.snap_points(G, gpd.GeoSeries([Point(-6e-8, -2.6e190)], crs=32632))


def test_composite_scores_of_huge_measures_do_not_overflow():
    m = pd.DataFrame({"hansen_size": [-1.7e308, 0.0, 1.7e308]}, index=list("abc"))  # max - min is inf in float64
    out = ls.composite_score(m, {"hansen_size": 1.0})
    assert out["rank"].tolist() == [3, 2, 1] or out["rank"].tolist() == [1, 2, 3]
    assert np.isfinite(out["composite_score"]).all()


def test_betweenness_ignores_loops_and_names_zero_weight_edges():
    pytest.importorskip("igraph")
    G = ls.testing.made_up_network(2020)
    G.add_edge("a", "a", travel_time=0.0, length=0.0)  # the repeated stop of a hand-made graph
    same = ls.centrality(ls.testing.made_up_network(2020), backend="igraph")
    assert ls.centrality(G, backend="igraph")["betweenness"].to_dict() == same["betweenness"].to_dict()
    G.add_edge("a", "b", travel_time=0.0, length=0.0)
    with pytest.raises(NetworkError, match=r"edge\(s\) \[\('a', 'b'\)\] have 0"):
        ls.centrality(G, backend="igraph")


def test_a_hierarchy_report_over_equal_units_uses_fewer_tiers():
    """Every unit the same size: the data tiers cannot split them (was mapclassify's 'Fewer unique values')."""
    s = ls.testing.made_up_structure()
    units = s.units.assign(residents=100_000, townsfolk=50_000)
    equal = ls.SpatialStructure(**{**s.__dict__, "units": units})
    with pytest.warns(UserWarning, match="distinct value"):
        report = ls.hierarchy_report(equal, ls.testing.made_up_network(2020), merge_core=False)
    assert report.tiers["data_rank"].between(1, 3).all()


def test_growth_given_as_nothing_is_named():
    df = pd.DataFrame({"p": [100.0], "u": [50.0]})
    with pytest.raises(DataError, match="growth must be a finite number"):
        urbanization_targets(df, size="p", urban="u", targets={2035: 0.7}, base_year=2020, growth=None)


def test_a_tiny_half_life_gives_weight_one_at_zero_minutes_not_nan():
    assert decay_weights([0.0, 5.0], "exponential", half_life_min=2.2e-311).tolist() == [1.0, 0.0]
    assert decay_weights([0.0, 5.0], "gaussian", half_life_min=2.2e-311).tolist() == [1.0, 0.0]


def test_composite_weights_at_the_float_limit_score_like_equal_weights():
    m = pd.DataFrame({"hansen_size": [1.0, 2.0, 3.0], "size_within_60min": [3.0, 1.0, 2.0]}, index=list("abc"))
    big = 1.7976931348623157e308
    huge = ls.composite_score(m, {"hansen_size": big, "size_within_60min": big})
    pd.testing.assert_frame_equal(huge, ls.composite_score(m, {"hansen_size": 1.0, "size_within_60min": 1.0}))


def test_sizes_whose_sum_overflows_are_named():
    """Two sizes of 1.8e308 sum to inf, so any accessibility over them would too (found by the fuzz)."""
    from linyi_spatial.accessibility import gravity_accessibility

    with pytest.raises(DataError, match="size sums beyond float64"):
        gravity_accessibility(G0, ["a"], ["a", "b"], [1.7976931348623157e308, 1.7976931348623157e308])
    T = ls.travel_time_matrix(G0, ["a"], ["a", "b"])
    with pytest.raises(DataError, match="size sums beyond float64"):
        ls.hansen_accessibility(T, pd.Series(1.7976931348623157e308, index=T.columns))
