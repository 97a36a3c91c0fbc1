"""Hierarchy measures against hand-worked examples, independent numpy/scipy/networkx computations and Linyi."""

import math
from dataclasses import replace

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString

from linyi_spatial import linyi
from linyi_spatial.errors import DataError, NetworkError, SpecError
from linyi_spatial.hierarchy import (
    axis_agglomeration,
    centrality,
    data_tiers,
    gravity_linkages,
    hierarchy_places,
    hierarchy_report,
    plan_tiers,
    polycentricity,
    primacy,
    rank_size,
    rank_size_table,
    tier_consistency,
    urbanization_targets,
)
from linyi_spatial.structure import SpatialStructure

# ------------------------------------------------------------------ rank-size and primacy


def test_rank_size_hand_worked():
    # sizes 1000, 500, 250, 125: ln S = ln 1000 - q ln r with q = ln 8 / ln 4 = 1.5 only approximately;
    # use exact Zipf with q = 2: 1000, 250, 111.11, 62.5
    df = pd.DataFrame({"pop": [1000 / r**2 for r in (1, 2, 3, 4)]}, index=list("abcd"))
    fit = rank_size(df, "pop").iloc[0]
    assert fit["q"] == pytest.approx(2.0)
    assert fit["r2"] == pytest.approx(1.0)
    assert fit["s1_fitted"] == pytest.approx(1000.0)
    assert fit["pareto_alpha"] == pytest.approx(0.5)
    assert fit["q_se"] == pytest.approx(0.0, abs=1e-12)
    table = rank_size_table(df, "pop")
    np.testing.assert_allclose(table["pop_fitted"], table["pop"])


def test_rank_size_equals_numpy_on_linyi():
    counties = linyi.load_counties()
    s = np.sort(counties["pop_2020"].to_numpy())[::-1]
    x, y = np.log(np.arange(1, 13)), np.log(s)
    slope, intercept = np.polyfit(x, y, 1)
    resid = y - (slope * x + intercept)
    r2 = 1 - resid @ resid / ((y - y.mean()) @ (y - y.mean()))
    se = math.sqrt(resid @ resid / 10 / ((x - x.mean()) @ (x - x.mean())))
    fit = rank_size(counties, "pop_2020").iloc[0]
    assert fit["q"] == pytest.approx(-slope)
    assert fit["r2"] == pytest.approx(r2)
    assert fit["q_se"] == pytest.approx(se)
    from scipy import stats

    t = stats.t.ppf(0.975, 10)
    assert fit["q_ci95_low"] == pytest.approx(-slope - t * se)


def test_primacy_hand_worked_and_linyi():
    df = pd.DataFrame(
        {"pop": [1200, 600, 400, 300, 240, 200, 171.4, 150, 133.3, 120, 109.1]}, index=list("abcdefghijk")
    )
    p = primacy(df, "pop").iloc[0]
    assert p["s2"] == pytest.approx(2.0)
    assert p["s4"] == pytest.approx(1200 / 1300)
    assert p["s11"] == pytest.approx(2 * 1200 / df["pop"].iloc[1:11].sum())
    counties = linyi.load_counties()
    core = ["371302", "371311", "371312"]
    merged = primacy(counties, "pop_2020", merge={"core": core}, core="core").iloc[0]
    rest = counties["pop_2020"].drop(core).sort_values(ascending=False)
    central = counties.loc[core, "pop_2020"].sum()
    assert merged["largest"] == "core"
    assert merged["s2"] == pytest.approx(central / rest.iloc[0])
    assert merged["s4"] == pytest.approx(central / rest.iloc[:3].sum())
    assert merged["core_share"] == pytest.approx(central / 11_018_365)
    assert math.isnan(merged["s11"])  # only 10 places after merging


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (pd.DataFrame({"pop": [3.0, 2.0]}), "needs at least 3 places, got 2"),
        (pd.DataFrame({"pop": [3.0, 0.0, 1.0]}), r"pop must be positive numbers; bad values at \[1\]"),
        (pd.DataFrame({"pop": [3.0, np.nan, 1.0]}), "bad values at"),
        (pd.DataFrame({"people": [3.0, 2.0, 1.0]}), "column 'pop' not found"),
    ],
)
def test_bad_sizes_raise_named_errors(frame, message):
    with pytest.raises(DataError, match=message):
        rank_size(frame, "pop")
    with pytest.raises(DataError, match=message):
        primacy(frame, "pop")


# ------------------------------------------------------------------ tiers


def test_plan_tiers_follow_the_spec():
    t = plan_tiers(linyi.load_structure(axes="anchors"))
    assert set(t.index[t["plan_tier"] == "core"]) == {"371302", "371311", "371312"}
    # 沂水 and 平邑 by their seats; 莒南 hosts the 临港 pole (a zone) but is a 多点 seat, never a pole for it
    assert set(t.index[t["plan_tier"] == "pole"]) == {"371323", "371326"}
    assert t.loc["371327", "plan_tier"] == "point"
    assert t.attrs["non_seat_places"][0] == "lingang"


def test_lingang_is_the_pole_with_its_own_size_and_junan_a_point():
    s = linyi.load_structure(axes="anchors")
    G = linyi.load_network(2020)
    total = hierarchy_report(s, G, size="pop_2020")
    places = total.places
    # the zone's only figure of its own is the 2010 census's (D2): never under pop_2020, never 莒南's 841,035
    assert np.isnan(places.loc["lingang", "pop_2020"])
    assert places.loc["lingang", "own_pop"] == 161_200  # kept, with its year
    assert places.loc["lingang", "size_year"] == 2010
    assert places.loc["lingang", ["plan_tier", "nested_in", "name"]].tolist() == ["pole", "371327", "临港"]
    assert places.loc["371327", ["plan_tier", "pop_2020"]].tolist() == ["point", 841_035]
    assert set(places.index[places["plan_tier"] == "pole"]) == {"371323", "371326", "lingang"}
    # the core's share is over the 12 units' residents
    assert total.primacy.loc["pop_2020", "core_share"] == pytest.approx(3_651_868 / 11_018_365)
    assert total.tiers.loc["lingang", "plan_tier"] == "pole"
    assert (
        "its only figure of its own (161,200) is of 2010, not of pop_2020's year" in total.tiers.loc["lingang", "note"]
    )
    assert total.rank_size.loc["pop_2020", "n"] == 10
    # the default (urban) size: the zone has no urban figure of its own, so it is shown and left out, with why
    urban = linyi.hierarchy_report()
    assert "lingang" in urban.places.index
    assert np.isnan(urban.places.loc["lingang", "urban_pop_2020"])
    assert urban.rank_size.loc["urban_pop_2020", "n"] == 10
    assert "host unit 371327 is not used in its place" in urban.tiers.loc["lingang", "note"]
    assert urban.places.loc["371327", "plan_tier"] == "point"


def test_a_zone_pole_of_a_second_region_enters_with_its_own_size(tmp_path):
    from linyi_spatial.testing import made_up_network
    from linyi_spatial.testing.region import write_region

    paths = write_region(tmp_path)
    spec = paths["spec"].read_text()
    spec = spec.replace(
        "[core]",
        '[[places]]\nid = "port"\nname = "Dunmere port"\nlon = 10.55\nlat = 50.05\n'
        "own_pop = 40000\nown_pop_year = 2015\nown_area_km2 = 30\n\n[core]",
    ).replace('place = "d"\nname = "Dunmere pole"', 'place = "port"\nname = "Port pole"')
    spec = spec.replace("points = 3", "points = 4") + '[[points]]\nplace = "d"\nkind = "county_seat"\n'
    paths["spec"].write_text(spec)
    s = SpatialStructure.from_file(paths["spec"])
    assert plan_tiers(s).loc["D", "plan_tier"] == "point"  # D hosts the pole but is a point by its seat
    r = hierarchy_report(s, made_up_network(2020))
    assert r.places.loc["port", ["plan_tier", "nested_in", "residents"]].tolist() == ["pole", "D", 40_000]
    assert r.places.loc["D", "residents"] == 150_000  # the host keeps its own size
    assert r.rank_size.loc["residents", "n"] == 6
    total = float(s.units["residents"].sum())
    assert r.primacy.loc["residents", "core_share"] == pytest.approx(420_000 / total)
    # bad own sizes are named
    paths["spec"].write_text(spec.replace("own_pop = 40000", "own_pop = -5"))
    with pytest.raises(SpecError, match=r"port.*own_pop must be a positive number"):
        SpatialStructure.from_file(paths["spec"])
    paths["spec"].write_text(spec.replace("own_pop_year = 2015\n", ""))
    with pytest.raises(SpecError, match=r"own_pop needs own_pop_year"):
        SpatialStructure.from_file(paths["spec"])


def test_data_tiers_natural_breaks_against_mapclassify():
    import mapclassify

    rng = np.random.default_rng(3)
    df = pd.DataFrame({"a": rng.uniform(0, 10, 15), "b": rng.uniform(0, 5, 15)})
    got = data_tiers(df, {"a": 2.0, "b": -1.0}, k=3)
    comp = (2 * (df.a - df.a.min()) / np.ptp(df.a) + (1 - (df.b - df.b.min()) / np.ptp(df.b))) / 3
    np.testing.assert_allclose(got["composite"], comp)
    fj = mapclassify.FisherJenks(comp.to_numpy(), k=3)
    assert (got["data_rank"].to_numpy() == 3 - fj.yb).all()
    assert got.loc[comp.idxmax(), "data_rank"] == 1


def test_tier_consistency_flags_mismatches():
    plan = pd.DataFrame(
        {"plan_tier": ["core", "pole", "point", "other"], "plan_rank": [1, 2, 3, 4]}, index=list("abcd")
    )
    data = pd.DataFrame({"composite": [0.9, 0.2, 0.5, 0.1], "data_rank": [1, 3, 2, 3]}, index=list("abcd"))
    t = tier_consistency(plan, data)
    assert t["consistent"].tolist() == [True, False, False, True]
    assert t["difference"].tolist() == [0, 1, -1, 0]


# ------------------------------------------------------------------ centrality


def random_weighted_digraph(seed):
    rng = np.random.default_rng(seed)
    G = nx.gnp_random_graph(25, 0.15, seed=seed, directed=True)
    M = nx.MultiDiGraph(crs="EPSG:4326")
    for n in G.nodes:
        M.add_node(n, x=118 + rng.uniform(0, 0.5), y=35 + rng.uniform(0, 0.5))
    for u, v in G.edges:
        length = float(rng.uniform(1000, 9000))
        M.add_edge(u, v, travel_time=float(rng.uniform(10, 300)), length=length)
    u0, v0 = next(iter(G.edges))
    M.add_edge(u0, v0, travel_time=1e6, length=1e7)  # a slower parallel edge must be ignored
    return M


@pytest.mark.parametrize("backend", ["networkx", "igraph"])
def test_centrality_equals_networkx(backend):
    if backend == "igraph":
        pytest.importorskip("igraph")
    G = random_weighted_digraph(11)
    H = nx.DiGraph()
    H.add_nodes_from(G.nodes(data=True))
    for u, v, d in G.edges(data=True):
        if not H.has_edge(u, v) or d["travel_time"] < H[u][v]["travel_time"]:
            H.add_edge(u, v, **d)
    got = centrality(G, backend=backend)
    ref_c = nx.closeness_centrality(H, distance="travel_time")
    ref_b = nx.betweenness_centrality(H, weight="travel_time", normalized=True)
    for n in G.nodes:
        # networkx on seconds gives 1/s; the library reports 1/min
        assert got.loc[n, "closeness_per_min"] == pytest.approx(ref_c[n] * 60.0, rel=1e-9, abs=1e-15)
        assert got.loc[n, "betweenness"] == pytest.approx(ref_b[n], rel=1e-9, abs=1e-12)
        assert got.loc[n, "degree"] == len(set(H.successors(n)) | set(H.predecessors(n)))
    # straightness, by hand for one node
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    n0 = 0
    lengths = nx.single_source_dijkstra_path_length(H, n0, weight="length")
    acc = sum(
        geod.inv(G.nodes[n0]["x"], G.nodes[n0]["y"], G.nodes[m]["x"], G.nodes[m]["y"])[2] / lengths[m]
        for m in lengths
        if m != n0
    )
    assert got.loc[n0, "straightness"] == pytest.approx(acc / (len(G) - 1))


def test_centrality_sampled_and_cutoff():
    pytest.importorskip("igraph")
    G = random_weighted_digraph(5)
    full = centrality(G, backend="igraph")
    sampled = centrality(G, backend="igraph", betweenness_sources=len(G))  # all sources: exact
    np.testing.assert_allclose(sampled["betweenness"], full["betweenness"])
    local = centrality(G, backend="igraph", max_cost=1e-9)
    assert (local["betweenness"] == 0).all()
    with pytest.raises(NetworkError, match="cutoff-limited betweenness needs backend='igraph'"):
        centrality(G, backend="networkx", max_cost=100.0)
    with pytest.raises(NetworkError, match=r"place\(s\) not in the graph: \['nowhere'\]"):
        centrality(G, ["nowhere"])


def test_linyi_centrality_core_is_most_central():
    G = linyi.load_network(2020)
    seats = ["city_hall", "lanshan", "yishui", "mengyin", "pingyi", "tancheng"]
    c = centrality(G, seats)
    assert c["closeness_per_min"].idxmax() in {"city_hall", "lanshan"}
    assert c["mean_time_min"].idxmin() in {"city_hall", "lanshan"}
    assert (c["straightness"].between(0, 1)).all()


# ------------------------------------------------------------------ gravity


def test_gravity_formula_by_hand_and_symmetry():
    df = pd.DataFrame({"pop": [200.0, 100.0, 50.0], "gdp": [8.0, 2.0, 1.0]}, index=["x", "y", "z"])
    T = pd.DataFrame([[0, 20, 40], [22, 0, 30], [40, 30, 0]], index=df.index, columns=df.index, dtype=float)
    link = gravity_linkages(df, T, size="pop", economy="gdp", b=2.0, k=3.0, centres=["x"])
    d_xy = (20 + 22) / 2
    assert link.matrix.loc["x", "y"] == pytest.approx(3 * math.sqrt(200 * 8) * math.sqrt(100 * 2) / d_xy**2)
    np.testing.assert_allclose(link.matrix.to_numpy(), link.matrix.to_numpy().T)
    assert (np.diag(link.matrix) == 0).all()
    shares = link.matrix.div(link.matrix.sum(axis=1), axis=0)
    np.testing.assert_allclose(link.membership["share_to_x"], shares["x"])
    assert link.membership.loc["z", "dominant_partner"] == shares.loc["z"].idxmax()
    assert link.links.iloc[0][["i", "j"]].tolist() == ["x", "y"]
    assert link.links["strength"].is_monotonic_decreasing


def test_gravity_bad_input():
    df = pd.DataFrame({"pop": [200.0, 100.0, 50.0]}, index=["x", "y", "z"])
    T = pd.DataFrame([[0, 20, np.inf], [20, 0, 30], [np.inf, 30, 0]], index=df.index, columns=df.index)
    with pytest.raises(DataError, match="travel time between 'x' and 'z' must be positive and finite"):
        gravity_linkages(df, T, size="pop")
    with pytest.raises(DataError, match=r"travel-time matrix lacks place\(s\) \['z'\]"):
        gravity_linkages(df, T.drop(index="z", columns="z"), size="pop")
    with pytest.raises(DataError, match=r"unknown centre\(s\) \['w'\]"):
        gravity_linkages(df, T.replace(np.inf, 50.0), size="pop", centres=["w"])


# ------------------------------------------------------------------ axis agglomeration


def _two_axes(structure):
    """The made-up region with two axes outside the core: one through the towns of B and D, a longer one through
    empty land of E."""
    dense = LineString([(10.25, 50.1), (10.55, 50.1)])  # through the seats b (10.3) and d (10.5)
    sparse = LineString([(10.22, 50.22), (10.58, 50.22)])  # longer, 9 km from e, far from every town
    axes = gpd.GeoDataFrame(
        {"name": ["dense", "sparse"], "status": ["plan", "plan"], "places": [["b", "d"], ["c", "e"]]},
        geometry=[dense, sparse],
        index=pd.Index(["dense", "sparse"], name="id"),
        crs=4326,
    )
    return replace(structure, axes=axes)


def test_the_axis_that_gathers_people_ranks_first_not_the_shorter_one():
    from linyi_spatial.testing import made_up_structure

    s = _two_axes(made_up_structure())
    a = axis_agglomeration(s, band_km=3.0, cell_km=1.0)
    assert a.loc["sparse", "length_km"] > a.loc["dense", "length_km"]
    assert a.loc["dense", "null_ratio"] > 1.0 > a.loc["sparse", "null_ratio"]
    assert a.drop(index="all_axes")["null_ratio"].idxmax() == "dense"
    # independently: residents of cells whose centre is in the dense band, outside the core unit A
    from linyi_spatial.accessibility import analysis_grid, structure_population

    cells = structure_population(s, analysis_grid(s.units, cell_km=1.0)).to_crs(32632)
    band = gpd.GeoSeries([s.axes.geometry["dense"]], crs=4326).to_crs(32632).buffer(3000).iloc[0]
    mine = cells[cells.geometry.representative_point().within(band) & (cells["unit"] != "A")]
    assert a.loc["dense", "pop_in_band"] == pytest.approx(mine["pop_est"].sum(), rel=1e-6)


def test_agglomeration_urban_none_spreads_evenly_and_the_core_is_left_out():
    from linyi_spatial.testing import made_up_structure

    s = _two_axes(made_up_structure())
    even = axis_agglomeration(s, band_km=3.0, urban=None)
    assert even.attrs["population"]["rule"] == "uniform"
    assert axis_agglomeration(s, band_km=3.0).attrs["population"]["rule"] == "dasymetric"
    assert even.loc["dense", "null_ratio"] < axis_agglomeration(s, band_km=3.0).loc["dense", "null_ratio"]
    with pytest.raises(DataError, match=r"band_km must be a finite number >= 0\.01"):
        axis_agglomeration(s, band_km=0)


def test_linyi_axes_ranking_is_not_a_function_of_length():
    from scipy import stats

    a = axis_agglomeration(linyi.load_structure())
    assert len(a) == 8
    assert "all_axes" in a.index
    assert a.loc["all_axes", "seats_in_band"] == 12
    assert (a["pop_share"].between(0, 1)).all()
    assert (a["area_share"] > 0).all()
    axes = a.drop(index="all_axes")
    rho = stats.spearmanr(axes["null_ratio"], axes["length_km"]).statistic
    assert abs(rho) < 0.9, rho  # was -1.0 when every band held the core
    assert round(rho, 2) == -0.57
    assert (axes["axis_status"] == "reconstruction").all()
    assert a.attrs["axes_note"] == "the axes are a reconstruction, not the plan's own lines"
    assert a.attrs["exclude_core"] is True


# ------------------------------------------------------------------ polycentricity and urbanization


def test_polycentricity_extremes():
    equal = pd.DataFrame({"pop": [5.0, 5.0, 5.0, 5.0]}, index=list("abcd"))
    assert polycentricity(equal, "pop")["morphological_index"].item() == 1.0
    steep = pd.DataFrame({"pop": [1000.0, 100.0, 30.0, 10.0]}, index=list("abcd"))
    assert polycentricity(steep, "pop")["morphological_index"].item() == 0.0
    T = pd.DataFrame(10.0, index=list("abcd"), columns=list("abcd"))
    link = gravity_linkages(equal, T, size="pop")  # every node equally linked: perfectly polycentric
    assert polycentricity(equal, "pop", linkages=link)["functional_index"].item() == pytest.approx(1.0)
    star = pd.DataFrame({"pop": [100.0, 1.0, 1.0, 1.0]}, index=list("abcd"))
    # a hub: strengths (3, 1.02, 1.02, 1.02) → 1 - std / (max / 2), density 1 (Green 2007, by hand)
    strengths = np.array([3.0, 1.02, 1.02, 1.02])
    expected = 1 - strengths.std() / (strengths.max() / 2)
    got = polycentricity(star, "pop", linkages=gravity_linkages(star, T, size="pop"))
    assert got["functional_index"].item() == pytest.approx(expected)
    assert got["core_strength_share"].item() == pytest.approx(3.0 / strengths.sum())


def test_urbanization_targets_hand_worked_and_linyi():
    df = pd.DataFrame({"pop_2020": [100.0], "urban_pop_2020": [50.0], "pop_2010": [90.0]})
    t = urbanization_targets(
        df,
        size="pop_2020",
        urban="urban_pop_2020",
        targets={2035: 0.7},
        base_year=2020,
        growth=("pop_2010", 2010),
        saturation=0.9,
    )
    g = (100 / 90) ** 0.1 - 1
    assert t.attrs["growth_per_year"] == pytest.approx(g)
    assert t.loc[2035, "pop_total_projected"] == pytest.approx(100 * (1 + g) ** 15)
    assert t.loc[2035, "urban_pop_implied"] == pytest.approx(0.7 * 100 * (1 + g) ** 15)
    assert t.loc[2035, "logistic_rate"] == pytest.approx(0.7)  # the curve passes through the target
    assert t.loc[2020, "logistic_rate"] == pytest.approx(0.5)
    ly = linyi.urbanization_targets(growth=("pop_2010", 2010))
    assert ly.loc[2020, "urbanization_rate"] == pytest.approx(0.5508, abs=5e-4)  # census, with the zone
    assert ly.loc[2025, "source"] == "target"
    assert ly.loc[2030, "source"] == "logistic path"
    assert ly.attrs["growth_per_year"] == pytest.approx(0.0093, abs=2e-4)  # +9.75 % 2010–2020 (census)
    constant = urbanization_targets(df, size="pop_2020", urban="urban_pop_2020", targets={2035: 0.7}, base_year=2020)
    assert constant.loc[2035, "urban_pop_implied"] == pytest.approx(70.0)  # constant population by default
    with pytest.raises(DataError, match="strictly between 0 and the saturation"):
        urbanization_targets(
            df, size="pop_2020", urban="urban_pop_2020", targets={2035: 0.95}, base_year=2020, saturation=0.9
        )


def test_hierarchy_report_in_one_call():
    r = linyi.hierarchy_report(2020)
    assert r.units_of_analysis == (
        "10 places (the core's units merged into one central city), size = urban_pop_2020; "
        "shown without a size of its own: 临港"
    )
    assert len(r.tiers) == 11  # the 10 sized places and the 临港 pole, shown without a data tier
    assert r.tiers["consistent"].dtype == "boolean"
    assert r.tiers["consistent"].isna().sum() == 1
    assert r.linkages.matrix.shape == (10, 10)
    assert set(r.axis_agglomeration.index) >= {"north", "east", "all_axes"}
    summary = r.summary()
    assert summary["value"].notna().all()
    assert summary["measure"].iloc[0] == "Zipf q (urban_pop_2020, 10 places, core merged)"
    assert "中心城区" in summary.loc[summary["measure"] == "strongest link", "value"].item()  # named, not coded
    assert 0 <= r.polycentricity["functional_index"].item() <= 1
    # 莒南 holds the 临港 pole (a zone, not its seat) but is a 多点 seat; 临港 is the pole
    assert r.places.loc["371327", "plan_tier"] == "point"
    assert r.places.loc["lingang", "plan_tier"] == "pole"


def test_linyi_headline_figures_pinned_and_independent():
    """q, S2, S4, core share and polycentricity on the stated units, against plain numpy."""
    r = linyi.hierarchy_report(2020)
    counties = linyi.load_counties()
    core = ["371302", "371311", "371312"]
    urban = counties["urban_pop_2020"].astype(float)
    places = np.sort(np.append(urban.drop(core).to_numpy(), urban[core].sum()))[::-1]
    assert len(places) == 10
    q = -np.polyfit(np.log(np.arange(1, 11)), np.log(places), 1)[0]
    fit = r.rank_size.loc["urban_pop_2020"]
    assert fit["q"] == pytest.approx(q, rel=1e-12)
    assert fit["q"] == pytest.approx(0.7864, abs=5e-5)  # literal: core merged, urban population
    pr = r.primacy.loc["urban_pop_2020"]
    assert pr["s2"] == pytest.approx(places[0] / places[1], rel=1e-12)
    assert pr["s2"] == pytest.approx(6.1984, abs=5e-5)
    assert pr["s4"] == pytest.approx(places[0] / places[1:4].sum(), rel=1e-12)
    assert pr["s4"] == pytest.approx(2.1004, abs=5e-5)
    assert pr["core_share"] == pytest.approx(places[0] / places.sum(), rel=1e-12)
    # morphological polycentricity: 1 - q of the four largest places
    top4 = places[:4]
    q4 = -np.polyfit(np.log(np.arange(1, 5)), np.log(top4), 1)[0]
    pc = r.polycentricity.iloc[0]
    assert pc["rank_size_q_top"] == pytest.approx(q4, rel=1e-12)
    assert pc["rank_size_q_top"] == pytest.approx(1.3625, abs=5e-5)  # literal: the central city dominates the top 4
    assert pc["morphological_index"] == 0.0
    # functional polycentricity (Green 2007) from the linkage matrix, recomputed
    R = r.linkages.matrix.to_numpy()
    strength = R.sum(axis=1)
    green = (1 - strength.std() / np.std([strength.max(), 0.0])) * (R[np.triu_indices(10, 1)] > 0).mean()
    assert pc["functional_index"] == pytest.approx(green, rel=1e-12)
    assert pc["functional_index"] == pytest.approx(0.5021, abs=5e-5)  # literal
    core_row = list(r.linkages.matrix.index).index("central_city")
    assert pc["core_strength_share"] == pytest.approx(strength[core_row] / strength.sum(), rel=1e-12)
    assert pc["core_strength_share"] == pytest.approx(0.3603, abs=5e-5)  # literal


def test_centrality_of_an_undirected_graph_is_that_of_its_two_way_graph():
    from linyi_spatial.testing import made_up_network

    G = made_up_network(2020)
    two_way = nx.MultiDiGraph(G.to_undirected(as_view=False).to_directed())
    two_way.graph.update(G.graph)
    undirected = nx.MultiGraph(G.to_undirected(as_view=False))
    undirected.graph.update(G.graph)
    places = ["a", "b", "e"]
    pd.testing.assert_frame_equal(centrality(undirected, places), centrality(two_way, places))


def test_tiers_are_reported_across_the_standard_specifications():
    r = linyi.hierarchy_report(2020)
    sp = r.specifications
    assert list(sp.index) == [
        "urban_pop_2020, core merged",
        "urban_pop_2020, units separate",
        "pop_2020, core merged",
        "pop_2020, units separate",
    ]
    # n: 10 or 12 places by either size (临港 has no urban figure, and its residents' only figure is of 2010)
    assert sp["n"].tolist() == [10, 12, 10, 12]
    # each specification's q is the plain OLS slope on its own places (independent: numpy)
    for label, row in sp.iterrows():
        size, merged = row["size"], row["merge_core"]
        places = hierarchy_places(linyi.load_structure(axes="anchors"), linyi.load_network(2020), size=size,
                                  merge_core=merged)  # fmt: skip
        s = np.sort(places[size].dropna().to_numpy(dtype=float))[::-1]
        q = -np.polyfit(np.log(np.arange(1, len(s) + 1)), np.log(s), 1)[0]
        assert row["q"] == pytest.approx(q), label
        assert row["s2"] == pytest.approx(s[0] / s[1]), label
    assert sp["q"].round(2).tolist() == [0.79, 0.6, 0.67, 0.4]
    rob = r.tier_robustness
    # a place differs "from the plan" only if it differs in every specification that ranks it
    agree = rob[[c for c in rob.columns if c.startswith("consistent | ")]]
    for place, row in agree.iterrows():
        known = row.dropna()
        assert rob.loc[place, "differs_in_all"] == (len(known) > 0 and not known.any())
    assert rob.index[rob["differs_in_all"]].tolist() == []  # no place differs in every specification ranking it
    assert not rob.loc["371327", "differs_in_all"]  # 莒南 agrees in some specifications
    assert rob.loc["lingang", "n_specifications"] == 0  # no 2020 figure of its own: ranked in none
    # a core unit takes the merged central city's tier where the core is merged
    assert rob.loc["371311", "data_rank | urban_pop_2020, core merged"] == 1
    summary = r.summary().set_index("key")
    assert summary.loc["tiers_differ_all", "value"] == "none"
    assert summary.loc["zipf_q_range", "value"].startswith("0.40–0.79 (n 10–12; 95 % interval 0.28–1.17")
    html = r._repr_html_() if hasattr(r, "_repr_html_") else ""
    assert "0.40–0.79" in html


def test_tier_robustness_on_a_second_region():
    from linyi_spatial.testing import made_up_network, made_up_structure

    r = hierarchy_report(made_up_structure(), made_up_network(2020))
    assert len(r.specifications) == 4  # residents and townsfolk, core merged or not
    assert set(r.specifications["size"]) == {"residents", "townsfolk"}
    assert r.tier_robustness["n_specifications"].between(1, 4).all()
    assert r.summary().set_index("key").loc["tiers_differ_all", "unit"] == "names"


def test_the_urbanization_path_says_by_how_much_it_misses_an_earlier_target():
    """The logistic runs through the 2020 base and the 2035 target: in 2025 it passes 61.76 %, 0.24 points under
    the plan's 62 %; the table says so (``path_gap_pp``), and so does the hierarchy notebook's text."""
    import json
    from pathlib import Path

    from linyi_spatial import linyi

    u = linyi.urbanization_targets()
    assert u.loc[2025, "logistic_rate"] == pytest.approx(0.617589, abs=5e-7)
    assert u.loc[2025, "path_gap_pp"] == pytest.approx(-0.2411, abs=5e-5)
    assert u.loc[2035, "path_gap_pp"] == pytest.approx(0.0, abs=1e-9)
    assert u["path_gap_pp"].isna().tolist() == (u["source"] != "target").tolist()
    nb = Path(__file__).resolve().parent.parent / "notebooks" / "04_hierarchy.ipynb"
    text = " ".join("".join(c["source"]) for c in json.loads(nb.read_text(encoding="utf-8"))["cells"])
    assert "passes 61.8 % in 2025, 0.24 points under the 62 % target" in text


@pytest.mark.parametrize("size", ["pop_2020", "urban_pop_2020", "pop_2010"])
def test_no_figure_stands_under_another_years_column(size):
    """Every place with a value in a year-named size column has it of that year: units from their census table,
    places of their own only when their own figure's year is the column's (临港's 2010 count was under pop_2020)."""
    s = linyi.load_structure(axes="anchors")
    places = hierarchy_places(s, linyi.load_network(2020), size=size)
    year = int(size[-4:])
    sized = places[places[size].notna()]
    own = sized[sized["size_year"].notna()]
    assert (own["size_year"].astype(int) == year).all(), own[["size_year"]]
    summary = s.summary().set_index("id")
    if size == "pop_2020":  # the structure summary's pole rows say whose figure, and of which year
        for pid, row in summary[summary["role"] == "pole"].iterrows():
            if not np.isnan(row["pop_2020"]):
                assert "2010" not in row["size_of"], pid
