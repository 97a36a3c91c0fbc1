"""Accessibility measures against hand-worked values, PySAL access, networkx, and the Linyi scenario checks."""

import math

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

import linyi_spatial as ls
from linyi_spatial import linyi
from linyi_spatial.accessibility import (
    analysis_grid,
    cumulative_opportunities,
    detour_index,
    enhanced_two_step_fca,
    hansen_accessibility,
    isochrones,
    seat_accessibility,
    travel_time_surface,
    two_step_fca,
)
from linyi_spatial.catalog import higher_is_better
from linyi_spatial.decay import DecayFunction
from linyi_spatial.decay import decay_weights as decay
from linyi_spatial.errors import DataError
from linyi_spatial.linyi import load_network
from linyi_spatial.network import Access

CORE = {"371302", "371311", "371312"}


# ------------------------------------------------------------------ measures, hand-worked


@pytest.mark.parametrize("kind", ["exponential", "power", "gaussian"])
def test_decay_shapes(kind):
    t = np.array([0.0, 5.0, 30.0, 60.0, 120.0, np.inf, np.nan])
    w = decay(t, kind)
    assert w[0] == 1.0
    assert w[2] == pytest.approx(0.5)
    assert (np.diff(w[:5]) <= 0).all()  # non-increasing
    assert w[5] == 0.0
    assert w[6] == 0.0
    with pytest.raises(DataError, match="unknown decay 'linear'"):
        decay(t, "linear")


def test_decay_explicit_parameters():
    assert decay([10.0], "exponential", beta=0.1)[0] == pytest.approx(math.exp(-1.0))
    assert decay([40.0], "power", beta=2.0)[0] == pytest.approx((40 / 10) ** -2)
    assert decay([20.0], "gaussian", beta=20.0)[0] == pytest.approx(math.exp(-0.5))


def three_places():
    # a—b 20 min, b—c 40 min, a—c 60 min
    T = pd.DataFrame([[0, 20, 60], [20, 0, 40], [60, 40, 0]], index=list("abc"), columns=list("abc"), dtype=float)
    pop = pd.Series({"a": 1000.0, "b": 500.0, "c": 200.0}, name="pop")
    return T, pop


def test_hansen_hand_worked():
    T, pop = three_places()
    beta = math.log(2) / 30
    expected_a = 1000 + 500 * math.exp(-20 * beta) + 200 * math.exp(-60 * beta)
    got = hansen_accessibility(T, pop)
    assert got["a"] == pytest.approx(expected_a)
    assert got.name == "hansen_pop"  # named after the size Series
    assert hansen_accessibility(T, pop, exclude_self=True)["a"] == pytest.approx(expected_a - 1000)
    p = hansen_accessibility(T, pop, decay=DecayFunction("power", beta=1.0))
    assert p["c"] == pytest.approx(1000 * 10 / 60 + 500 * 10 / 40 + 200)


def test_cumulative_hand_worked():
    T, pop = three_places()
    c = cumulative_opportunities(T, pop, (30, 60))
    assert c.loc["a"].tolist() == [1500.0, 1700.0]
    assert c.loc["c"].tolist() == [200.0, 1700.0]
    assert list(c.columns) == ["pop_within_30min", "pop_within_60min"]


def test_2sfca_hand_worked():
    # one clinic of 10 doctors; a (1000) and b (500) within 30 min, c outside
    T = pd.DataFrame({"clinic": [10.0, 25.0, 45.0]}, index=list("abc"))
    demand = pd.Series({"a": 1000.0, "b": 500.0, "c": 200.0})
    got = two_step_fca(T, pd.Series({"clinic": 10.0}), demand)
    assert got.tolist() == pytest.approx([10 / 1500, 10 / 1500, 0.0])
    e = enhanced_two_step_fca(T, pd.Series({"clinic": 10.0}), demand)
    ratio = 10 / (1000 * 1.0 + 500 * 0.22)
    assert e.tolist() == pytest.approx([ratio * 1.0, ratio * 0.22, 0.0])


def test_fca_matches_pysal_access():
    access = pytest.importorskip("access")
    rng = np.random.default_rng(7)
    demand_ids = [f"d{i}" for i in range(25)]
    supply_ids = [f"s{j}" for j in range(6)]
    T = pd.DataFrame(rng.uniform(0, 45, (25, 6)), index=demand_ids, columns=supply_ids)
    demand = pd.Series(rng.integers(100, 5000, 25).astype(float), index=demand_ids)
    supply = pd.Series(rng.integers(1, 50, 6).astype(float), index=supply_ids)
    cost = T.stack().rename("cost").rename_axis(["origin", "dest"]).reset_index()
    A = access.Access(
        demand_df=demand.rename("pop").rename_axis("geoid").reset_index(),
        demand_index="geoid",
        demand_value="pop",
        supply_df=supply.rename("doc").rename_axis("sid").reset_index(),
        supply_index="sid",
        supply_value="doc",
        cost_df=cost,
        cost_origin="origin",
        cost_dest="dest",
        cost_name="cost",
    )
    ref = A.two_stage_fca(name="fca", max_cost=30)["fca_doc"].reindex(demand_ids).fillna(0.0)
    got = two_step_fca(T, supply, demand, cutoff_min=30)
    np.testing.assert_allclose(got.to_numpy(), ref.to_numpy(), rtol=1e-10)

    def step(t):
        t = np.asarray(t, dtype=float)
        return np.where(t <= 10, 1.0, np.where(t <= 20, 0.68, np.where(t <= 30, 0.22, 0.0)))

    ref_e = A.enhanced_two_stage_fca(name="e2", max_cost=30, weight_fn=step)["e2_doc"].reindex(demand_ids).fillna(0.0)
    got_e = enhanced_two_step_fca(T, supply, demand)
    np.testing.assert_allclose(got_e.to_numpy(), ref_e.to_numpy(), rtol=1e-10)


def test_bad_measure_input():
    T, pop = three_places()
    with pytest.raises(DataError, match=r"bad values at \['b'\]"):
        hansen_accessibility(T, pop.replace(500.0, np.nan))
    with pytest.raises(DataError, match=r"size has no value for \['c'\]"):
        cumulative_opportunities(T, pop.drop("c"))
    with pytest.raises(DataError, match="contains NaN"):
        hansen_accessibility(T.replace(20.0, np.nan), pop)
    with pytest.raises(DataError, match="negative times"):
        two_step_fca(T * -1, pop, pop)
    with pytest.raises(DataError, match="bad values"):
        two_step_fca(T, pop * -1, pop)


def test_detour_index_on_a_hand_built_triangle():
    G = nx.MultiDiGraph(crs="EPSG:4326")
    for n, (x, y) in {"a": (118.0, 35.0), "b": (118.1, 35.0), "c": (118.05, 35.05)}.items():
        G.add_node(n, x=x, y=y)
    geod = __import__("pyproj").Geod(ellps="WGS84")
    for u, v in [("a", "c"), ("c", "b")]:  # a to b only via c
        d = geod.inv(G.nodes[u]["x"], G.nodes[u]["y"], G.nodes[v]["x"], G.nodes[v]["y"])[2]
        G.add_edge(u, v, length=d, travel_time=d / 10)
        G.add_edge(v, u, length=d, travel_time=d / 10)
    ab = geod.inv(118.0, 35.0, 118.1, 35.0)[2]
    ac = geod.inv(118.0, 35.0, 118.05, 35.05)[2]
    cb = geod.inv(118.05, 35.05, 118.1, 35.0)[2]
    got = detour_index(G, ["a"], ["b", "c"])
    assert got["a"] == pytest.approx(((ac + cb) / ab + 1.0) / 2)


# ------------------------------------------------------------------ Linyi


@pytest.fixture(scope="module")
def g2020():
    return load_network(2020)


@pytest.fixture(scope="module")
def surface(g2020):
    return travel_time_surface(g2020, linyi.load_structure(axes="anchors"), cell_km=2.0)


@pytest.fixture(scope="module")
def scores(g2020, surface):
    return linyi.county_accessibility(2020, surface=surface)


def test_grid_covers_linyi():
    counties = linyi.load_counties()
    grid = analysis_grid(counties, cell_km=1.0)
    region_km2 = counties.to_crs(32650).union_all().area / 1e6
    assert grid["area_km2"].sum() == pytest.approx(region_km2, rel=1e-6)
    assert grid.to_crs(32650).area.sum() / 1e6 == pytest.approx(region_km2, rel=1e-6)
    per_unit = grid.groupby("unit")["area_km2"].sum()
    np.testing.assert_allclose(per_unit.reindex(counties.index), counties["area_km2"], atol=0.06)
    assert (grid["area_km2"] <= 1.0 + 1e-9).all()
    assert 17_000 < len(grid) < 19_500


@pytest.fixture(scope="module")
def node_surface(g2020):
    return travel_time_surface(g2020, linyi.load_structure(axes="anchors"), cell_km=2.0, access=Access(link_to="nodes"))


def test_edge_linked_surface_equals_brute_force_on_a_sample(surface, g2020):
    """Independent: distance to every joinable road edge in UTM, share along it, networkx times from its ends."""
    from pyproj import Transformer

    tf = Transformer.from_crs(4326, 32650, always_xy=True)

    def transform(_f, g):
        return shapely.transform(g, lambda c: np.column_stack(tf.transform(c[:, 0], c[:, 1])))

    to_core = nx.single_source_dijkstra_path_length(g2020.reverse(copy=False), "city_hall", weight="travel_time")
    best: dict[tuple, float] = {}
    geom: dict[tuple, object] = {}
    for u, v, d in g2020.edges(data=True):  # joinable: road, not expressway, not between two external nodes
        external = g2020.nodes[u]["kind"] == "external" and g2020.nodes[v]["kind"] == "external"
        if d["mode"] != "road" or d["class"] == "expressway" or external:
            continue
        if d["travel_time"] < best.get((u, v), np.inf):
            best[(u, v)] = d["travel_time"]
            geom[(u, v)] = transform(tf.transform, d["geometry"])
    keys = list(geom)
    sample = surface.sample(40, random_state=5)
    points = sample.geometry.representative_point()
    for (_, cell), pt in zip(sample.iterrows(), points, strict=True):
        p = transform(tf.transform, pt)
        dist = np.array([geom[k].distance(p) for k in keys])
        u, v = keys[int(np.argmin(dist))]
        share = geom[(u, v)].project(p, normalized=True)
        connector = dist.min() / (30 / 3.6)
        via_u = connector + share * best.get((v, u), np.inf) + to_core[u]  # back along the edge to u
        via_v = connector + (1 - share) * best[(u, v)] + to_core[v]
        assert cell["access_time_min"] == pytest.approx(connector / 60, rel=1e-6)
        assert cell["cell_time_to_core_min"] == pytest.approx(min(via_u, via_v) / 60, rel=1e-6)


def test_surface_equals_networkx_on_a_sample(node_surface, g2020):
    """Independent: every road node by brute force in UTM, connector at 30 km/h, networkx times."""
    from pyproj import Transformer

    surface = node_surface

    tf = Transformer.from_crs(4326, 32650, always_xy=True)
    road = [n for n, d in g2020.nodes(data=True) if d["mode"] == "road" and d["kind"] != "external"]
    nxy = np.column_stack(tf.transform([g2020.nodes[n]["x"] for n in road], [g2020.nodes[n]["y"] for n in road]))
    to_core = nx.single_source_dijkstra_path_length(g2020.reverse(copy=False), "city_hall", weight="travel_time")
    to_pole = nx.multi_source_dijkstra_path_length(g2020.reverse(copy=False), {"yishui", "pingyi", "lingang"},
                                                   weight="travel_time")  # fmt: skip
    sample = surface.sample(40, random_state=3)
    points = sample.geometry.representative_point()
    pxy = np.column_stack(tf.transform(points.x.to_numpy(), points.y.to_numpy()))
    for (_, cell), p in zip(sample.iterrows(), pxy, strict=True):
        d = np.hypot(*(nxy - p).T)
        near = np.argsort(d)  # all candidates: the library's 32 nearest must find the same minimum
        access = d[near] / (30 / 3.6)
        core = min(a + to_core[road[i]] for a, i in zip(access, near, strict=True)) / 60
        pole = min(a + to_pole[road[i]] for a, i in zip(access, near, strict=True)) / 60
        assert cell["cell_time_to_core_min"] == pytest.approx(core)
        assert cell["cell_time_to_nearest_pole_min"] == pytest.approx(pole)
        assert cell["access_time_min"] == pytest.approx(access[0] / 60)
    assert np.isfinite(surface["cell_time_to_core_min"]).all()


def test_county_scores(scores):
    assert len(scores) == 12
    assert set(scores.index) == set(linyi.load_counties().index)
    assert not scores.isna().any().any()
    assert set(scores.nsmallest(3, "time_to_core_min").index) == CORE
    assert scores["composite_score"].between(0, 100).all()
    assert sorted(scores["rank"]) == list(range(1, 13))
    assert scores.loc[scores["rank"] == 1].index[0] in CORE
    assert scores.loc["371323", "time_to_nearest_pole_min"] == 0.0  # 沂水 is a pole
    # own population counts at t = 0: nobody can reach less than their own county
    counties = linyi.load_counties()
    assert (scores["size_within_30min"] >= counties["pop_2020"].reindex(scores.index)).all()
    assert (scores["size_within_90min"] <= counties["pop_2020"].sum()).all()


def test_composite_weights_are_explicit(g2020, surface):
    only_core = linyi.county_accessibility(2020, surface=surface, weights={"time_to_core_min": 1.0})
    t = only_core["time_to_core_min"]
    expected = 100 * (t.max() - t) / (t.max() - t.min())
    np.testing.assert_allclose(only_core["composite_score"], expected.round(2))
    with pytest.raises(DataError, match=r"unknown measure\(s\) in weights: \['beauty'\]"):
        linyi.county_accessibility(2020, surface=surface, weights={"beauty": 1.0})
    with pytest.raises(DataError, match="non-negative"):
        linyi.county_accessibility(2020, surface=surface, weights={"time_to_core_min": -1.0})


def test_seat_accessibility_against_matrix(g2020):
    s = seat_accessibility(g2020, linyi.load_structure(axes="anchors"))
    assert s.loc["371302", "time_to_core_min"] == pytest.approx(
        nx.shortest_path_length(g2020, "lanshan", "city_hall", weight="travel_time") / 60
    )
    assert (s["detour_index"] >= 1).all()


def test_isochrones_nest_and_match_surface(g2020):
    counties = linyi.load_counties()
    iso = isochrones(g2020, "city_hall", [15, 30, 60, 90], region=counties, cell_km=2.0)
    assert iso["cutoff_min"].tolist() == [15, 30, 60, 90]
    assert (np.diff(iso["area_km2"]) >= 0).all()
    for small, big in zip(iso.geometry[:-1], iso.geometry[1:], strict=True):
        assert big.buffer(1e-7).contains(small)
    surf = travel_time_surface(g2020, linyi.load_structure(axes="anchors"), cell_km=2.0)
    # from the core anchor outwards equals to the anchor inwards on this two-way network
    within60 = surf.loc[surf["cell_time_to_core_min"] <= 60, "area_km2"].sum()
    assert iso.loc[iso["cutoff_min"] == 60, "area_km2"].item() == pytest.approx(within60, rel=1e-9)
    from_point = isochrones(g2020, shapely.Point(118.36, 35.10), [30], region=counties, cell_km=2.0)
    assert from_point["area_km2"].item() == pytest.approx(iso.loc[1, "area_km2"], rel=0.05)


def test_scenario_2035_never_slower():
    c = linyi.compare_scenarios(2020, 2035, cell_km=4.0)
    assert len(c.units) == 12
    assert (c.units["time_to_core_min_2035"] <= c.units["time_to_core_min_2020"] + 1e-9).all()
    np.testing.assert_allclose(
        c.units["mean_time_to_seats_min_delta"],
        c.units["mean_time_to_seats_min_2035"] - c.units["mean_time_to_seats_min_2020"],
    )
    # 董梁 (≈2026) ties 沂水 and 蒙阴: both gain on the mean time to the other seats
    assert c.units.loc["371323", "mean_time_to_seats_min_delta"] < -0.4
    assert c.units.loc["371328", "mean_time_to_seats_min_delta"] < -0.4
    assert (c.cells["cell_time_to_nearest_seat_min_delta"] <= 1e-9).all()
    assert isinstance(c.cells, gpd.GeoDataFrame)


def test_gravity_accessibility_equals_matrix_hansen():
    from linyi_spatial.accessibility import gravity_accessibility
    from linyi_spatial.testing.synthetic import grid_road_graph

    G = grid_road_graph(30, seed=5)
    rng = np.random.default_rng(0)
    origins = rng.choice(G.number_of_nodes(), 60, replace=False).tolist()
    dests = rng.choice(G.number_of_nodes(), 40, replace=False).tolist()
    size = rng.uniform(1, 100, len(dests))
    T = ls.routing.travel_time_matrix(G, origins, dests)
    ref = hansen_accessibility(T, pd.Series(size, index=T.columns, name="m"))
    got = gravity_accessibility(G, origins, dests, size, batch_size=7)
    np.testing.assert_allclose(got.to_numpy(), ref.to_numpy(), rtol=2e-5)  # float32 decay
    both = gravity_accessibility(G, origins, dests, size, batch_size=7, workers=2)
    np.testing.assert_allclose(both.to_numpy(), got.to_numpy(), rtol=1e-6)
    capped = gravity_accessibility(G, origins, dests, size, cutoff_min=20.0)
    ref_capped = hansen_accessibility(T.where(T <= 20.0, np.inf), pd.Series(size, index=T.columns, name="m"))
    np.testing.assert_allclose(capped.to_numpy(), ref_capped.to_numpy(), rtol=2e-5)
    assert capped.attrs["max_truncated_weight"] == pytest.approx(decay([20.0])[0])
    with pytest.raises(DataError, match="size has 2 values for 40 destinations"):
        gravity_accessibility(G, origins, dests, [1.0, 2.0])


def test_h3_grid_covers_linyi():
    pytest.importorskip("h3")
    counties = linyi.load_counties()
    grid = analysis_grid(counties, h3_resolution=7)
    assert grid["area_km2"].sum() == pytest.approx(counties.to_crs(32650).union_all().area / 1e6, rel=1e-6)
    assert grid["cell_id"].str.len().eq(15).all()
    # interior pieces are whole hexagons: their UTM area equals H3's own geodesic cell area
    h3 = pytest.importorskip("h3")
    ref = np.array([h3.cell_area(c, "km^2") for c in grid["cell_id"]])
    whole = np.abs(grid["area_km2"].to_numpy() - ref) / ref < 5e-3
    assert whole.mean() > 0.6
    assert (grid["area_km2"].to_numpy() <= ref * 1.005).all()  # pieces never exceed their hexagon
    s = travel_time_surface(load_network(2020), linyi.load_structure(axes="anchors"), grid=grid)
    assert np.isfinite(s["cell_time_to_core_min"]).all()
    with pytest.raises(DataError, match="h3_resolution must be 0-15"):
        analysis_grid(counties, h3_resolution=16)


def test_gravity_accessibility_is_thread_safe_on_different_graphs():
    from concurrent.futures import ThreadPoolExecutor

    from linyi_spatial.accessibility import gravity_accessibility
    from linyi_spatial.testing.synthetic import grid_road_graph

    graphs = [grid_road_graph(25, seed=s) for s in (1, 2, 3, 4)]
    rng = np.random.default_rng(3)
    jobs = [
        (G, rng.choice(625, 40, replace=False).tolist(), rng.choice(625, 30, replace=False).tolist()) for G in graphs
    ]
    size = np.arange(1.0, 31.0)
    alone = [gravity_accessibility(G, o, d, size, batch_size=4).to_numpy() for G, o, d in jobs]
    with ThreadPoolExecutor(4) as pool:
        together = list(
            pool.map(lambda j: gravity_accessibility(j[0], j[1], j[2], size, batch_size=4).to_numpy(), jobs * 3)
        )
    for k, got in enumerate(together):
        np.testing.assert_array_equal(got, alone[k % 4])


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 10_000), share=st.floats(0.05, 1.0))
def test_network_improvements_never_lower_a_composite(seed, share):
    """Speeding up random links (and adding a shortcut) never lowers any unit's composite."""
    from linyi_spatial.accessibility import compare_scenarios
    from linyi_spatial.testing import made_up_network, made_up_structure

    rng = np.random.default_rng(seed)
    G_a = made_up_network(2020)
    G_b = G_a.copy()
    for _, _, d in G_b.edges(data=True):
        if rng.random() < share:
            d["travel_time"] *= rng.uniform(0.4, 1.0)
    u, v = rng.choice(["a", "b", "c", "d", "e"], 2, replace=False)
    G_b.add_edge(u, v, travel_time=float(rng.uniform(300, 3000)), length=50_000.0, mode="road")
    c = compare_scenarios(G_a, G_b, made_up_structure(), cell_km=5.0, labels=("a", "b"))
    assert (c.units["composite_score_delta"] >= -1e-9).all(), c.units["composite_score_delta"]
    assert (c.units["time_to_core_min_delta"] <= 1e-9).all()


def test_linyi_2035_composite_never_falls_where_no_input_worsens():
    from linyi_spatial.catalog import higher_is_better

    c = linyi.compare_scenarios(2020, 2035, cell_km=4.0)
    u = c.units
    measures = [m.removesuffix("_delta") for m in u.columns if m.endswith("_delta") and not m.startswith("composite")]
    worse = pd.DataFrame(
        {m: u[f"{m}_delta"] < -1e-9 if higher_is_better(m) else u[f"{m}_delta"] > 1e-9 for m in measures}
    ).any(axis=1)
    assert not worse.any()
    assert (u.loc[~worse, "composite_score_delta"] >= 0).all()
    assert u.loc["371326", "composite_score_delta"] > 0  # 平邑 gains from 临滕 and 新台 links near it
    # 郯城: no new road reaches it, so its times to the core, the poles and the nearest seat stay; it gains
    # only on the measures of reaching the other seats, which the new roads bring nearer to each other
    assert (u.loc["371322", [f"{m}_delta" for m in ("time_to_core_min", "time_to_nearest_pole_min")]] == 0).all()
    assert u.loc["371322", "mean_time_to_seats_min_delta"] < 0
    assert u.loc["371322", "composite_score_delta"] > 0
    assert "scale of 2020" in c._repr_html_()


def test_edge_linking_follows_the_road():
    """On one straight road, cells as far from the end node but nearer the road's middle get lower times."""
    import networkx as nx
    import pyproj

    from linyi_spatial.accessibility.surface import _best_candidate, _link_cells
    from linyi_spatial.network import Access
    from linyi_spatial.routing.engine import nearest_times, routing_graph

    geod = pyproj.Geod(ellps="WGS84")
    road_m = geod.inv(10.0, 50.0, 10.4, 50.0)[2]
    G = nx.MultiDiGraph(crs="EPSG:4326")
    G.add_node("w", x=10.0, y=50.0, mode="road")
    G.add_node("e", x=10.4, y=50.0, mode="road")
    for u, v in (("w", "e"), ("e", "w")):
        G.add_edge(u, v, length=road_m, travel_time=road_m / (60 / 3.6), mode="road", **{"class": "trunk"})
    # "mid" lies 2.2 km off the road's middle; "off" as far from node w, straight north of it
    to_w = geod.inv(10.0, 50.0, 10.2, 50.02)[2]
    lon, lat, _ = geod.fwd(10.0, 50.0, 0.0, to_w)
    cells = gpd.GeoDataFrame(
        {"area_km2": [1.0, 1.0], "cell_id": ["mid", "off"], "unit": ["x", "x"]},
        geometry=gpd.points_from_xy([10.2, lon], [50.02, lat]).buffer(1e-4),
        crs="EPSG:4326",
    )
    cost, _ = nearest_times(G, ["w"])  # time from every node to w
    e_nodes, e_sec, e_conn = _link_cells(G, cells, Access(link_to="edges"))
    n_nodes, n_sec, _ = _link_cells(G, cells, Access(link_to="nodes"))
    rg = routing_graph(G)
    t_edges, _ = _best_candidate(cost, rg.rows(e_nodes.ravel()).reshape(e_nodes.shape), e_sec)
    t_nodes, _ = _best_candidate(cost, rg.rows(n_nodes.ravel()).reshape(n_nodes.shape), n_sec)
    assert t_nodes[0] == pytest.approx(t_nodes[1], rel=0.01)  # node-linked: a circle around w
    assert t_edges[0] < 0.8 * t_edges[1]  # edge-linked: elongated along the road
    off_road = geod.inv(10.2, 50.02, 10.2, 50.0)[2]  # hand-worked: connector, then half the road
    assert e_conn[0] == pytest.approx(off_road / (30 / 3.6), rel=0.02)
    assert t_edges[0] == pytest.approx(off_road / (30 / 3.6) + 0.5 * road_m / (60 / 3.6), rel=0.02)


def test_edge_linked_isochrones_nest(g2020):
    from linyi_spatial.network import Access

    iso = isochrones(g2020, "city_hall", (30, 60, 90), region=linyi.load_counties(), cell_km=4,
                     access=Access(link_to="edges"))  # fmt: skip
    assert (np.diff(iso["area_km2"]) > 0).all()
    for small, big in zip(iso.geometry[:-1], iso.geometry[1:], strict=True):
        assert big.buffer(1e-7).contains(small)


def test_edge_linking_keeps_the_base_road_so_added_links_never_slow_a_cell():
    s = linyi.load_structure(axes="anchors")
    g20, g35 = load_network(2020), load_network(2035)
    grid = analysis_grid(s.units, cell_km=4.0)
    before = travel_time_surface(g20, s, grid=grid)["cell_time_to_core_min"]
    plain = travel_time_surface(g35, s, grid=grid)["cell_time_to_core_min"]
    kept = travel_time_surface(g35, s, grid=grid, base=g20)["cell_time_to_core_min"]
    # a planned connector became some cells' nearest edge and is a worse way in than their old road
    assert (plain > before + 1e-9).any()
    assert (kept <= before + 1e-9).all()
    assert (kept <= plain + 1e-9).all()


def test_unit_scores_take_any_cutoffs_and_keep_the_composite_s_60_minutes():
    """cutoffs_min adds reach columns at the region's own limits; counted by hand from the seat-to-seat times."""
    from linyi_spatial.accessibility import seat_accessibility, unit_accessibility
    from linyi_spatial.catalog import higher_is_better, measure_label
    from linyi_spatial.routing import travel_time_matrix
    from linyi_spatial.testing import made_up_network, made_up_structure

    G, s = made_up_network(2020), made_up_structure()
    seat = seat_accessibility(G, s, cutoffs_min=(20, 45))
    assert [c for c in seat.columns if c.startswith("size_within")] == [
        "size_within_20min", "size_within_45min", "size_within_60min"
    ]  # fmt: skip
    assert seat.attrs["cutoffs_min"] == [20.0, 45.0]
    seats = s.seats  # seat places (all nodes of the made-up network), each with its unit
    T = travel_time_matrix(G, list(seats.index), list(seats.index))
    size = s.units[s.column("size")]
    checked = 0
    for unit, place in zip(seats["unit"], seats.index, strict=True):
        for c in (20, 45):
            by_hand = sum(size[u] for u, p in zip(seats["unit"], seats.index, strict=True) if T.loc[place, p] <= c)
            assert seat.loc[unit, f"size_within_{c}min"] == pytest.approx(by_hand)
            checked += 0 < by_hand < size.sum()
    assert checked  # some cut-off leaves some units out: the count means something
    scores = unit_accessibility(G, s, cell_km=5, cutoffs_min=(20, 45))
    default = unit_accessibility(G, s, cell_km=5)
    assert {"pop_share_within_45min_of_core", "area_share_within_20min_of_core"} <= set(scores.columns)
    pd.testing.assert_series_equal(scores["composite_score"], default["composite_score"])  # the same composite
    assert higher_is_better("size_within_45min")
    assert measure_label("pop_share_within_45min_of_core", "zh") == "45 分钟内到达核心的居民比重"
    with pytest.raises(DataError, match="cutoffs_min"):
        seat_accessibility(G, s, cutoffs_min=[])


# ------------------------------------------------------------------ one scale across years, mode-explicit times


@pytest.fixture(scope="module")
def linyi_years():
    return {y: linyi.county_accessibility(y, cell_km=2.0) for y in (2020, 2035)}


def test_a_future_table_is_on_the_base_scale_and_no_county_is_worse_without_a_worse_input(linyi_years):
    base, later = linyi_years[2020], linyi_years[2035]
    measures = list(later.attrs["weights"])
    better = {k: higher_is_better(k) for k in measures}
    for unit in base.index:
        if later.loc[unit, "composite_score"] < base.loc[unit, "composite_score"]:
            worse = [k for k in measures if (later.loc[unit, k] < base.loc[unit, k]) == better[k]
                     and later.loc[unit, k] != base.loc[unit, k]]  # fmt: skip
            assert worse, f"{unit} scores lower in 2035 with no worse input"
    assert (later["composite_score"] >= base["composite_score"] - 1e-9).all()
    assert later.attrs["reference_year"] == 2020
    assert later.attrs["modes"] == ("road",)
    assert "relative to the 12 units" in base.attrs["composite"]
    assert "reference's scale" in later.attrs["composite"]
    # the stand-alone rescale is still there, and says it is not comparable
    alone = linyi.county_accessibility(2035, cell_km=2.0, reference=None)
    assert "relative to the 12 units" in alone.attrs["composite"]


def test_no_cell_of_the_2035_surface_is_slower_than_in_2020():
    a = linyi.travel_time_surface(2020, cell_km=2.0)
    b = linyi.travel_time_surface(2035, cell_km=2.0)
    assert (a["cell_id"].to_numpy() == b["cell_id"].to_numpy()).all()
    for col in ("cell_time_to_core_min", "cell_time_to_nearest_pole_min", "cell_time_to_nearest_seat_min"):
        assert (b[col].to_numpy() <= a[col].to_numpy() + 1e-9).all(), col
    own = linyi.travel_time_surface(2035, cell_km=2.0, reference=None)  # relinked to 2035 alone: some cells slower
    assert (own["cell_time_to_core_min"].to_numpy() > a["cell_time_to_core_min"].to_numpy() + 1e-9).any()


def test_county_times_are_by_car_and_the_rail_measure_states_its_penalty():
    scores = linyi.county_accessibility(2020, cell_km=5.0)
    road = linyi.load_network(2020, modes=("road",))
    assert {d["mode"] for _, _, d in road.edges(data=True)} == {"road"}
    # independently: seat to city hall on the road graph with networkx (seats and the anchor are nodes)
    seats = linyi.load_structure(axes="anchors").seats
    to_core = nx.single_source_dijkstra_path_length(road.reverse(copy=False), "city_hall", weight="travel_time")
    car = pd.Series({u: to_core[p] / 60 for p, u in zip(seats.index, seats["unit"], strict=True)})
    np.testing.assert_allclose(scores["time_to_core_min"], car.reindex(scores.index), rtol=1e-9)
    t = linyi.seat_times_to_core(2020)
    np.testing.assert_allclose(t["time_to_core_car_min"], car.reindex(t.index), rtol=1e-9)
    p5, p10, p20 = (t[f"time_to_core_car_or_rail_p{k}_min"] for k in (5, 10, 20))
    assert (p5 <= p10 + 1e-9).all()
    assert (p10 <= p20 + 1e-9).all()
    assert (p20 <= t["time_to_core_car_min"] + 1e-9).all()
    # 平邑: 68.4 min by car; 日兰 HSR beats it only at 5 min per station (67.9), not at 10 or 20
    assert round(t.loc["371326", "time_to_core_car_min"], 1) == 68.4
    assert [round(x.loc["371326"], 1) for x in (p5, p10, p20)] == [67.9, 68.4, 68.4]
    assert (t["faster_by"] == "car").all()
    np.testing.assert_allclose(scores["time_to_core_car_or_rail_min"], p10.reindex(scores.index))
    # 2035: 临滕 and its 费县南 connector shorten 费县 and 平邑 by car; the others keep their car time
    later = linyi.seat_times_to_core(2035)
    delta = (later["time_to_core_car_min"] - t["time_to_core_car_min"]).round(1)
    assert delta[delta != 0].to_dict() == {"371325": -12.8, "371326": -4.2}
