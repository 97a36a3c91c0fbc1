"""One place→node rule: a place off the network is linked by its access leg, charged at both ends everywhere."""

import networkx as nx
import numpy as np
import pytest

from linyi_spatial.accessibility import seat_accessibility, structure_nodes, travel_time_surface
from linyi_spatial.network import Access, from_osm, snap_points
from linyi_spatial.routing import resolve_places, travel_time_matrix
from linyi_spatial.structure import SpatialStructure
from linyi_spatial.testing import write_region

ACCESS = Access(link_to="nodes", candidates=1)  # one node per cell: the surface can be recomputed by hand


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    files = write_region(tmp_path_factory.mktemp("region"))
    s, G = SpatialStructure.from_file(files["spec"]), from_osm(files["osm"])
    linked = snap_points(G, s.places, access=ACCESS)  # the places are points, none an OSM node
    assert not any(p in G for p in s.places.index)
    assert (linked["access_time_s"] > 0).all()  # every place has a leg, so charging it shows
    return s, G, linked


def _to(G, node):
    """Seconds from every node to ``node`` (networkx, on the reversed graph)."""
    return nx.single_source_dijkstra_path_length(G.reverse(copy=False), node, weight="travel_time")


def test_one_resolver_for_structures_and_points(region):
    s, G, linked = region
    by_id = resolve_places(G, s.places, access=ACCESS, by_id=True)
    assert by_id.equals(linked)
    targets = structure_nodes(s, G, access=ACCESS)
    assert targets["places"].equals(linked)
    anchor = targets["core_place"]
    assert targets["core"] == [linked.loc[anchor, "node"]]
    # a resolved table is taken as it is, and a matrix charges its legs at both ends
    T = travel_time_matrix(G, by_id.loc[[*s.seats.index]], by_id.loc[[anchor]])
    p = next(p for p in s.seats.index if p != anchor)
    expected = linked.loc[p, "access_time_s"] + _to(G, linked.loc[anchor, "node"])[linked.loc[p, "node"]]
    expected += linked.loc[anchor, "access_time_s"]
    assert T.loc[p, anchor] == pytest.approx(expected / 60)


def test_seat_measures_charge_both_legs(region):
    s, G, linked = region
    scores = seat_accessibility(G, s, access=ACCESS)
    anchor = s.core["anchor"].iloc[0]
    core_node, leg = linked.loc[anchor, "node"], linked["access_time_s"]
    to_core = _to(G, core_node)
    for place, unit in s.seats["unit"].items():
        got = scores.loc[unit, "time_to_core_min"]
        if place == anchor:
            assert got == 0.0  # the core's own seat
        else:
            assert got == pytest.approx((leg[place] + to_core[linked.loc[place, "node"]] + leg[anchor]) / 60)
    # between seats: both legs, and a seat is 0 min from itself (Hansen counts its own size at t = 0)
    a, b = list(s.seats.index[:2])
    ua, ub = s.seats.loc[a, "unit"], s.seats.loc[b, "unit"]
    t_ab = (leg[a] + _to(G, linked.loc[b, "node"])[linked.loc[a, "node"]] + leg[b]) / 60
    near = scores.loc[ua, "time_to_nearest_seat_min"]
    assert near <= t_ab + 1e-9
    assert (scores["time_to_nearest_seat_min"] > 0).all()
    assert ub != ua


def test_surface_charges_the_cell_leg_and_the_target_leg(region):
    s, G, linked = region
    surf = travel_time_surface(G, s, cell_km=5, access=ACCESS)
    anchor = s.core["anchor"].iloc[0]
    to_core = _to(G, linked.loc[anchor, "node"])
    by_hand = surf["access_time_min"] * 60 + surf["node"].map(to_core) + linked.loc[anchor, "access_time_s"]
    np.testing.assert_allclose(surf["cell_time_to_core_min"] * 60, by_hand, rtol=1e-9)
    # the nearest seat: the minimum over seats of network time plus that seat's leg
    seats = list(s.seats.index)
    fields = {p: _to(G, linked.loc[p, "node"]) for p in seats}
    best = [min(fields[p].get(n, np.inf) + linked.loc[p, "access_time_s"] for p in seats) for n in surf["node"]]
    by_hand = surf["access_time_min"].to_numpy() * 60 + np.array(best)
    np.testing.assert_allclose(surf["cell_time_to_nearest_seat_min"] * 60, by_hand, rtol=1e-9)


def test_hierarchy_places_carry_their_access_legs(region):
    from linyi_spatial.hierarchy import hierarchy_places

    s, G, linked = region
    places = hierarchy_places(s, G)
    core_anchor = s.core["anchor"].iloc[0]
    seat_of = dict(zip(s.seats["unit"], s.seats.index, strict=True))
    for label, row in places.iterrows():
        place = core_anchor if row["plan_tier"] == "core" and label not in seat_of else seat_of[label]
        assert row["access_time_s"] == pytest.approx(linked.loc[place, "access_time_s"])
        assert row["node"] == linked.loc[place, "node"]
