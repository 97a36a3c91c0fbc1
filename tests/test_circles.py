"""Commuting circles: residents within T minutes of each centre equal the surface's count; overlap and none add up."""

import numpy as np
import pandas as pd
import pytest

from linyi_spatial import linyi
from linyi_spatial.accessibility import (
    analysis_grid,
    cell_times_to,
    commuting_circles,
    structure_population,
    travel_time_surface,
)
from linyi_spatial.errors import DataError
from linyi_spatial.linyi.defaults import CAR_MODES
from linyi_spatial.testing import made_up_network, made_up_structure


@pytest.mark.parametrize("year", [2020, 2035])
def test_linyi_circles_equal_the_surface_s_residents_within_reach(year):
    c = linyi.commuting_circles(year, cell_km=2)
    s = linyi.load_structure(axes="anchors")
    people = structure_population(s, analysis_grid(s.units, cell_km=2))
    base = None if year == 2020 else linyi.load_network(2020, modes=CAR_MODES)
    surface = travel_time_surface(linyi.load_network(year, modes=CAR_MODES), s, grid=people, base=base)
    w = surface["pop_est"].to_numpy(dtype=float)
    near_core = w[surface["cell_time_to_core_min"].to_numpy() <= 60].sum()
    near_seat = w[surface["cell_time_to_nearest_seat_min"].to_numpy() <= 30].sum()
    assert c.loc[("core_60min", "central_city"), "total"] == near_core
    assert c.loc[("seats_30min", "any"), "total"] == near_seat
    everyone = linyi.load_counties()["pop_2020"].sum()
    assert c.loc[("core_60min", "central_city"), "total"] + c.loc[("core_60min", "none"), "total"] == everyone
    assert c.loc[("seats_30min", "any"), "total"] + c.loc[("seats_30min", "none"), "total"] == everyone
    seats = c.loc["seats_30min"].drop(index=["any", "overlap", "none"])
    assert seats["total"].sum() >= c.loc[("seats_30min", "any"), "total"] + c.loc[("seats_30min", "overlap"), "total"]
    # a county's own residents inside its seat's circle never exceed its census total
    counties = linyi.load_counties()["pop_2020"]
    for uid in seats.index:
        assert seats.loc[uid, uid] <= counties[uid]


def test_overlap_is_counted_once_per_person_on_a_hand_worked_table():
    T = pd.DataFrame({"c1": [10.0, 50.0, 80.0, np.inf], "c2": [70.0, 20.0, 40.0, np.inf], "c3": [5.0, 5.0, 99, 1]})
    out = commuting_circles(T, [100, 200, 300, 400], ["u", "u", "v", "v"], {"c1": 60, "c2": 45, "c3": 10})
    assert out.loc["c1", "total"] == 300  # cells 1, 2
    assert out.loc["c2", "total"] == 500  # cells 2, 3
    assert out.loc["c3", "total"] == 700  # cells 1, 2, 4
    assert out.loc["overlap", "total"] == 300  # cell 1 (c1, c3) and cell 2 (c1, c2, c3)
    assert out.loc["any", "total"] == 1000
    assert out.loc["none", "total"] == 0
    assert out.loc["c2", "v"] == 300
    with pytest.raises(DataError, match="unknown centre"):
        commuting_circles(T, [1, 1, 1, 1], ["u"] * 4, {"c9": 30})
    with pytest.raises(DataError, match="cells"):
        commuting_circles(T, [1, 1], ["u"] * 4)


def test_cell_times_to_a_centre_equal_the_surface_s_time_to_the_core_on_the_made_up_region():
    G, s = made_up_network(2020), made_up_structure()
    grid = analysis_grid(s.units, cell_km=5)
    anchor = s.core["anchor"].iloc[0]
    T = cell_times_to(G, grid, [anchor])
    surface = travel_time_surface(G, s, grid=grid)
    np.testing.assert_allclose(T[anchor].to_numpy(), surface["cell_time_to_core_min"].to_numpy(), rtol=1e-12)


def test_an_off_network_centre_charges_its_own_access_leg():
    import geopandas as gpd
    from shapely.geometry import Point

    from linyi_spatial.routing import resolve_places

    G, s = made_up_network(2020), made_up_structure()
    grid = analysis_grid(s.units, cell_km=5)
    centre = gpd.GeoSeries([Point(10.17, 50.13)], index=["market"], crs=4326)
    where = resolve_places(G, centre)
    assert where["access_time_s"].iloc[0] > 60  # the point lies off the road
    at_point = cell_times_to(G, grid, centre)["market"]
    at_node = cell_times_to(G, grid, [where["node"].iloc[0]]).iloc[:, 0]
    np.testing.assert_allclose(at_point, at_node + where["access_time_s"].iloc[0] / 60, rtol=1e-12)


def test_circle_areas_hold_the_residents_counted_and_the_map_names_them():
    from linyi_spatial.viz import circle_map

    areas = linyi.commuting_circle_areas(2020, cell_km=2)
    table = linyi.commuting_circles(2020, cell_km=2)
    core = areas[areas["centre"] == "central_city"].iloc[0]
    assert core["people"] == table.loc[("core_60min", "central_city"), "total"]
    for uid in linyi.load_counties().index:
        row = areas[areas["centre"] == uid].iloc[0]
        assert row["people"] == table.loc[("seats_30min", uid), "total"]
        assert row["cutoff_min"] == 30.0
    html = circle_map(areas, units=linyi.load_counties(), tiles=None, lang="zh").get_root().render()
    assert "距中心城区 60 分钟内" in html
    assert "距 12 个中心之一 30 分钟内" in html
