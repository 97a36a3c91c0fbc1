"""Planner-authored lines: added from Python or TOML, validated at once, timed by hand, attributed per line."""

import textwrap

import pyproj
import pytest
import shapely

import linyi_spatial as ls
from linyi_spatial import linyi
from linyi_spatial.network import PlannedLine, add_lines, read_lines
from linyi_spatial.testing import made_up_network, made_up_structure

GEOD = pyproj.Geod(ellps="WGS84")

SCENARIO = """
[scenario]
name = "Colton bypass"

[[lines]]
id = "bypass"
name = "Colton–Dunmere bypass"
mode = "road"
class = "expressway"
opened = 2030
stops = ["c", [10.3, 50.2], "d"]
"""


def write(tmp_path, text):
    path = tmp_path / "scenario.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_line_from_toml_timed_by_hand(tmp_path):
    G = made_up_network(2020)
    H = add_lines(G, write(tmp_path, SCENARIO), region=made_up_structure().units)
    assert H.graph["added_lines"] == ["bypass"]
    assert G.number_of_edges() < H.number_of_edges()  # G itself is untouched
    stop = "bypass:stop1"
    length = GEOD.geometry_length(shapely.LineString([(10.1, 50.3), (10.3, 50.2)]))
    edge = H.get_edge_data("c", stop)[0]
    assert edge["length"] == pytest.approx(length)
    assert edge["travel_time"] == pytest.approx(length / (100 / 3.6))  # expressway operating speed
    assert edge["status"] == "planned"
    assert edge["opened"] == 2030
    # the new stop is linked to the road network by a connector
    assert any(d["class"] == "connector" for _, _, d in H.out_edges(stop, data=True))
    before = ls.travel_time_matrix(G, ["c"], ["d"]).iloc[0, 0]
    after = ls.travel_time_matrix(H, ["c"], ["d"]).iloc[0, 0]
    assert after < before


def test_rail_line_with_new_stations_pays_the_penalty():
    G = made_up_network(2020)
    line = PlannedLine("r2", "R2 railway", ((10.11, 50.29), (10.49, 50.11)), mode="rail", line_class="hsr")
    H = add_lines(G, [line])
    access = next(d for _, _, d in H.out_edges("r2:stop0", data=True) if d["mode"] == "access")
    assert access["travel_time"] == pytest.approx(access["length"] / (30 / 3.6) + 600.0)  # 10 min penalty


def test_every_problem_reported_at_once():
    G = made_up_network(2020)
    bad = [
        PlannedLine("x", "ghost", ("c", "nowhere")),
        PlannedLine("y", "slow", ("c", "d"), speed_kph=0),
        PlannedLine("z", "short", ("c",)),
        PlannedLine("w", "far", ("c", (20.0, 60.0))),
        PlannedLine("v", "wrong mode", ("c", "d"), mode="rail"),
        PlannedLine("y", "dup", ("a", "b"), line_class="teleport"),
    ]
    with pytest.raises(ls.NetworkError) as info:
        add_lines(G, bad, region=made_up_structure().units)
    text = str(info.value)
    for needle in ("'nowhere' is not a node", "speed_kph must be a number of km/h above 0 and at most 1,000, got 0",
                   "at least two stops",
                   "lies outside the region", "is a road node, not a rail node", "duplicate line id 'y'",
                   "unknown class 'teleport'"):  # fmt: skip
        assert needle in text, needle


def test_bad_scenario_files(tmp_path):
    with pytest.raises(ls.SpecError, match="needs \\[\\[lines\\]\\]"):
        read_lines(write(tmp_path, "[scenario]\nname = 'empty'\n"))
    with pytest.raises(ls.SpecError, match="lines\\[0\\]: missing stops"):
        read_lines(write(tmp_path, "[[lines]]\nid = 'x'\n"))


def test_what_each_line_buys(tmp_path):
    G, s = made_up_network(2020), made_up_structure()
    lines = [*read_lines(write(tmp_path, SCENARIO)), PlannedLine("ce", "C–E link", ("c", "e"), speed_kph=90)]
    table = ls.line_contributions(G, lines, s)
    assert list(table.columns) == ["name", "bypass", "ce", "all lines"]
    assert table.loc["C", "bypass"] < 0
    assert table.loc["D", "bypass"] < 0
    assert (table["all lines"] <= table[["bypass", "ce"]].min(axis=1) + 1e-9).all()  # together never worse
    c = ls.compare_scenarios(G, add_lines(G, lines), s, labels=("base", "plan"), cell_km=5)
    assert set(c.added_links["ref"]) == {"bypass", "ce"}
    assert c.units.loc["C", "mean_time_to_seats_min_delta"] == pytest.approx(table.loc["C", "all lines"])


def test_linyi_planned_line(tmp_path):
    scenario = write(tmp_path, """
        [[lines]]
        id = "mengyin_pingyi"
        name = "蒙阴—平邑 link"
        class = "expressway"
        stops = ["mengyin", "pingyi"]
    """)  # fmt: skip
    G = linyi.load_network(2020)
    H = add_lines(G, scenario, region=linyi.load_counties())
    t = ls.line_contributions(G, read_lines(scenario), linyi.load_structure(axes="anchors"))
    assert t.loc["371328", "mengyin_pingyi"] < -1  # 蒙阴 gains on its mean time to the other seats
    assert H.graph["added_lines"] == ["mengyin_pingyi"]


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ('stops = "ce"', r"stops must be a list of node ids or \[lon, lat\] pairs, got 'ce'"),
        ("stops = 5", r"stops must be a list of node ids or \[lon, lat\] pairs, got 5"),
        (
            'stops = ["c", "d"]\nspeed_kph = true',
            "speed_kph must be a number of km/h above 0 and at most 1,000, got True",
        ),
        ('stops = ["c", "d"]\nspeed_kph = 1e300', "speed_kph must be a number of km/h above 0 and at most 1,000"),
        ('stops = ["c", "d"]\nopened = "soon"', "opened must be a year between 1800 and 2200, got 'soon'"),
        ('stops = ["c", "d"]\nopened = 2030.5', "opened must be a year between 1800 and 2200, got 2030.5"),
    ],
)
def test_line_fields_that_are_not_what_they_say_are_named(tmp_path, field, message):
    """``stops = "ce"`` was the line c -> e; ``speed_kph = true`` 1 km/h and 1e300 a 0 s line; "soon" a year."""
    path = write(tmp_path, f'[[lines]]\nid = "x"\n{field}\n')
    with pytest.raises(ls.errors.SpecError, match=message):
        read_lines(path)


def test_a_coordinate_stop_never_takes_over_a_node_of_the_network():
    """A coordinate stop of line ``st`` is the new node ``st:stop0``: a network that has that node already
    (e.g. from an earlier scenario) is refused, not moved."""
    G = add_lines(made_up_network(2020), [PlannedLine("st", "First", ((10.3, 50.2), "d"))])
    before = (G.nodes["st:stop0"]["x"], G.nodes["st:stop0"]["y"])
    with pytest.raises(ls.errors.NetworkError, match="stop 0 would be the new node 'st:stop0', which the network"):
        add_lines(G, [PlannedLine("st", "Second", ((10.1, 50.3), "c"))])
    assert (G.nodes["st:stop0"]["x"], G.nodes["st:stop0"]["y"]) == before


def _through_gap_min(H, line_edges, places):
    """The least extra time (min) a trip between ``places`` would take through one of ``line_edges``, by networkx."""
    import itertools

    import networkx as nx

    d = {s: nx.single_source_dijkstra_path_length(H, s, weight="travel_time") for s in places}
    best = float("inf")
    for s, t in itertools.permutations(places, 2):
        for u, v, tt in line_edges:
            if u in d[s] and t in d[v] and t in d[s]:
                best = min(best, (d[s][u] + tt + d[v][t] - d[s][t]) / 60.0)
    return best


def test_a_planted_line_that_shortens_a_trip_changes_its_unit_and_one_that_does_not_is_named():
    """Scenarios register the plan: a fast C–core road shortens Colton's trip to the core and is marked used; a
    5 km/h B–D road buys nothing and is named with the trip it would serve and by how much it is slower (the
    same as networkx's)."""
    from linyi_spatial.accessibility import compare_scenarios

    G, s = made_up_network(2020), made_up_structure()
    fast = PlannedLine("fast", "Colton fast road", ("c", "a"), line_class="expressway", speed_kph=200)
    slow = PlannedLine("slow", "Slow lane", ("b", "d"), speed_kph=5)
    H = add_lines(G, [fast, slow])
    c = compare_scenarios(G, H, s, labels=("base", "plan"), cell_km=5)
    assert c.units.loc["C", "time_to_core_min_delta"] < -1.0  # the planted line changes its county
    assert c.units.loc[["A", "B", "D"], "time_to_core_min_delta"].abs().max() < 1e-9  # the slow lane buys nothing
    assert c.units.loc["E", "time_to_core_min_delta"] <= 0  # E reaches the core through Colton's new road
    assert bool(c.lines.loc["fast", "used"]) is True
    assert c.lines.loc["fast", "trips"] >= 2  # C -> core and core -> C at least
    slow_row = c.lines.loc["slow"]
    assert bool(slow_row["used"]) is False
    edges = [(u, v, d["travel_time"]) for u, v, d in H.edges(data=True) if d.get("route") == "slow"]
    assert slow_row["gap_min"] == pytest.approx(_through_gap_min(H, edges, ["a", "b", "c", "d", "e"]), abs=1e-9)
    assert slow_row["reason"].startswith(f"on no quickest trip: the nearest, {slow_row['best_from']} → ")
    assert "Slow lane" in c.to_html()
    assert "1 of them on no seat's trip" in repr(c)


def test_linyi_2035_lines_that_no_trip_between_seats_takes_are_named():
    """Linyi's 2035 car network: 临滕高速 is on 40 quickest trips between seats (e.g. 费县 → 莒南); two connectors
    are on none, each named with the time it would cost (高庄: 蒙阴 → 沂水 4.7 min slower; 大兴: 1.6 min)."""
    from linyi_spatial.accessibility.scenarios import line_use
    from linyi_spatial.linyi.defaults import CAR_MODES

    u = line_use(linyi.load_network(2020, modes=CAR_MODES), linyi.load_network(2035, modes=CAR_MODES),
                 linyi.load_structure(axes="anchors"))  # fmt: skip
    assert u.loc["linteng", "name"] == "临滕高速"
    assert bool(u.loc["linteng", "used"]) is True
    assert u.loc["linteng", "trips"] == 40
    assert bool(u.loc["conn-gaozhuang", "used"]) is False
    assert u.loc["conn-gaozhuang", "gap_min"] == pytest.approx(4.7, abs=0.05)
    assert (u.loc["conn-gaozhuang", "best_from"], u.loc["conn-gaozhuang", "best_to"]) == ("Mengyin", "Yishui")
    assert u.loc["conn-daxing", "gap_min"] == pytest.approx(1.6, abs=0.05)
    assert sorted(u.index[~u["used"]]) == ["conn-daxing", "conn-gaozhuang"]
    assert sorted(u.index[u["used"]]) == ["conn-bahu", "conn-feixian-s", "conn-sunzu", "dongliang", "lindong",
                                          "linlin", "linteng"]  # fmt: skip


def test_linyi_2035_by_mode_shows_what_the_planned_lines_buy():
    """The 2035 plan shortens 费县's car trip to the core by 12.8 min and 平邑's by 4.2 (临滕 and its 费县南
    connector), the residents' by 1.3 min on average; by the better of car and rail nothing more at the default
    station penalty (蒙阴's 莱临 HSR trip beats the car only at 5 min per station, by 0.1 min)."""
    t = linyi.compare_scenarios(2020, 2035, cell_km=5).by_mode
    car = t.drop(index="residents")["time_to_core_car_delta_min"].round(1)
    assert car[car != 0].to_dict() == {"371325": -12.8, "371326": -4.2}
    assert t.loc["residents", "time_to_core_car_delta_min"] == pytest.approx(-1.3, abs=0.05)
    assert t.loc["371328", "time_to_core_car_or_rail_delta_min"] == pytest.approx(0.0, abs=1e-9)
    assert (t.loc["371328", "car_or_rail_delta_low_min"], t.loc["371328", "car_or_rail_delta_high_min"]) == (
        pytest.approx(-0.1, abs=0.05), pytest.approx(0.0, abs=1e-9))  # fmt: skip
    assert t.loc["residents", "time_to_core_car_or_rail_delta_min"] == pytest.approx(-1.3, abs=0.05)
    pop = linyi.load_counties()["pop_2020"].astype(float)
    weighted = (t.drop(index="residents")["time_to_core_car_or_rail_2035_min"] * pop).sum() / pop.sum()
    assert t.loc["residents", "time_to_core_car_or_rail_2035_min"] == pytest.approx(weighted, rel=1e-12)
    seats = linyi.seat_times_to_core(2035)  # the same times as the seat table
    assert t.drop(index="residents")["time_to_core_car_2035_min"].tolist() == seats["time_to_core_car_min"].tolist()
