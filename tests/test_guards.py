"""Pinned headline values and the cases that catch planted bugs: colour direction, access legs at both ends,
circuity, the ``<=`` of "within 60 minutes", and the catalogue's direction rule for columns it does not list."""

import json
import re

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

import linyi_spatial as ls
from linyi_spatial import linyi
from linyi_spatial.catalog import higher_is_better
from linyi_spatial.network.link import Access
from linyi_spatial.viz import choropleth_map
from linyi_spatial.viz.style import SEQUENTIAL

LIGHT, DARK = SEQUENTIAL[0], SEQUENTIAL[-1]  # the better end is drawn light


@pytest.fixture(scope="module")
def linyi_2020():
    surface = linyi.travel_time_surface(2020)
    return surface, linyi.county_accessibility(2020, surface=surface)


def test_linyi_composite_and_share_within_60_min_pinned(linyi_2020):
    surface, scores = linyi_2020
    composite = {"371302": 90.92, "371311": 80.2, "371312": 90.53, "371321": 47.58, "371322": 33.48,
                 "371323": 15.68, "371324": 47.95, "371325": 47.54, "371326": 13.59, "371327": 37.41,
                 "371328": 12.93, "371329": 58.84}  # fmt: skip
    share60 = {"371302": 0.9924, "371311": 0.9797, "371312": 0.9918, "371321": 0.7002, "371322": 0.6059,
               "371323": 0.0001, "371324": 0.523, "371325": 0.6268, "371326": 0.0427, "371327": 0.5061,
               "371328": 0.0088, "371329": 0.8533}  # fmt: skip
    assert scores["composite_score"].round(2).to_dict() == composite
    assert scores["pop_share_within_60min_of_core"].round(4).to_dict() == share60
    # independently: residents of cells at most 60 min from the core over all residents, per county
    from linyi_spatial.accessibility.population import structure_population

    people = structure_population(linyi.load_structure(), surface)["pop_est"]
    cells = pd.DataFrame(surface.drop(columns=surface.geometry.name)).assign(pop_est=people)
    near = cells["pop_est"].where(cells["cell_time_to_core_min"] <= 60, 0.0)
    again = near.groupby(cells["unit"]).sum() / cells["pop_est"].groupby(cells["unit"]).sum()
    np.testing.assert_allclose(again.reindex(scores.index), scores["pop_share_within_60min_of_core"], atol=1e-12)


def _fills(html, ids):
    """Per unit id, its fill colours (one per measure), read from the map's GeoJSON (its tooltip names the id)."""
    data = json.loads(re.search(r"L\.geoJson\((\{.*?\})\s*,\s*\{\s*style", html, re.S).group(1))
    out = {}
    for uid in ids:
        (feature,) = [f for f in data["features"] if f">{uid}<" in f["properties"]["tip"][0]]
        out[uid] = feature["properties"]["fill"]
    return out


def test_choropleth_draws_the_best_unit_light_and_the_worst_dark(linyi_2020):
    _, scores = linyi_2020
    m = choropleth_map(linyi.load_counties(), scores, ["composite_score", "time_to_core_min"], title="t", tiles=None)
    html = m.get_root().render()
    fills = _fills(html, scores.index)
    best, worst = scores["composite_score"].idxmax(), scores["composite_score"].idxmin()
    assert (fills[best][0], fills[worst][0]) == (LIGHT, DARK), (best, worst)
    quick, slow = scores["time_to_core_min"].idxmin(), scores["time_to_core_min"].idxmax()
    assert (fills[quick][1], fills[slow][1]) == (LIGHT, DARK), (quick, slow)


def _line_graph():
    """Two nodes 1 km apart on the equator, 60 s each way (a projected CRS is chosen for the points)."""
    G = nx.MultiDiGraph(crs="EPSG:4326")
    G.add_node("a", x=0.0, y=0.0)
    G.add_node("b", x=0.008983, y=0.0)  # ≈ 1 km east
    for u, v in (("a", "b"), ("b", "a")):
        G.add_edge(u, v, travel_time=60.0, length=1000.0)
    return G


def test_access_legs_are_charged_at_both_ends_with_circuity():
    G = _line_graph()
    # a point ≈ 200 m north of b: its access leg is 200 m × circuity at the access speed
    pt = gpd.GeoDataFrame(geometry=[Point(0.008983, 0.0017987)], index=["p"], crs="EPSG:4326")
    for circuity in (1.0, 1.5):
        access = Access(speed_kph=18.0, circuity=circuity)
        snap = ls.network.snap_points(G, pt, access=access)
        d = float(snap["snap_distance_m"].iloc[0])
        assert d == pytest.approx(200.0, rel=0.01)
        leg_s = d * circuity / (18.0 / 3.6)
        assert float(snap["access_time_s"].iloc[0]) == pytest.approx(leg_s)
        as_destination = ls.travel_time_matrix(G, ["a"], pt, access=access)
        as_origin = ls.travel_time_matrix(G, pt, ["a"], access=access)
        assert as_destination.iloc[0, 0] == pytest.approx((60.0 + leg_s) / 60.0)
        assert as_origin.iloc[0, 0] == pytest.approx((60.0 + leg_s) / 60.0)


def test_share_within_60_min_counts_a_cell_at_exactly_60_min():
    from linyi_spatial.accessibility.scores import _weighted_means

    cells = gpd.GeoDataFrame(
        {
            "unit": ["U", "U", "U"],
            "area_km2": [1.0, 1.0, 2.0],
            "cell_time_to_core_min": [30.0, 60.0, 60.5],
            "cell_time_to_nearest_pole_min": [10.0, 10.0, 10.0],
            "cell_time_to_nearest_seat_min": [5.0, 5.0, 5.0],
        },
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)],
        crs="EPSG:3857",
    )
    out = _weighted_means(cells, np.array([100.0, 300.0, 600.0]), pd.Index(["U"]))
    assert out.loc["U", "pop_share_within_60min_of_core"] == pytest.approx(0.4)  # (100 + 300) / 1000
    assert out.loc["U", "area_share_within_60min_of_core"] == pytest.approx(0.5)  # (1 + 1) / 4
    assert out.loc["U", "pop_share_within_30min_of_core"] == pytest.approx(0.1)
    assert out.loc["U", "pop_mean_time_to_core_min"] == pytest.approx((3000 + 18000 + 36300) / 1000)


@pytest.mark.parametrize(
    ("column", "better_high"),
    [
        ("time_to_airport_min", False),
        ("walk_min", False),
        ("travel_time_s", False),
        ("pop_mean_time_to_hospital_min", False),
        ("detour_to_port", False),
        ("jobs_within_30min", True),
        ("hospital_beds", True),
        ("composite_score", True),
        ("time_to_core_min", False),
    ],
)
def test_direction_of_columns_the_catalogue_does_not_list(column, better_high):
    assert higher_is_better(column) is better_high


def test_access_leg_at_a_speed_near_the_float_limit_is_zero_at_zero_metres():
    """metres × 3.6 / speed: ``speed / 3.6`` underflowed to 0 and gave 0 / 0 = NaN for a point on the road."""
    assert Access(speed_kph=5e-324).seconds(np.array([0.0, 1.0])).tolist() == [0.0, float("inf")]
