"""Snapping points to the network against a brute-force nearest search."""

import geopandas as gpd
import numpy as np
import pytest
from pyproj import Transformer

from linyi_spatial import linyi
from linyi_spatial.errors import CRSError, NetworkError
from linyi_spatial.linyi import load_network
from linyi_spatial.network import Access, snap_points


@pytest.fixture(scope="module")
def graph():
    return load_network(2020)


def random_points(n, seed=0):
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = linyi.load_counties().total_bounds
    return gpd.GeoDataFrame(
        {"i": np.arange(n)},
        geometry=gpd.points_from_xy(rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)),
        crs="EPSG:4326",
    )


def brute_force(graph, pts):
    ids = [n for n, d in graph.nodes(data=True) if d["mode"] == "road" and d["kind"] != "external"]
    tf = Transformer.from_crs(4326, 32650, always_xy=True)
    nx_, ny_ = tf.transform([graph.nodes[n]["x"] for n in ids], [graph.nodes[n]["y"] for n in ids])
    px, py = tf.transform(pts.geometry.x.to_numpy(), pts.geometry.y.to_numpy())
    d = np.hypot(px[:, None] - np.asarray(nx_)[None, :], py[:, None] - np.asarray(ny_)[None, :])
    return np.asarray(ids, dtype=object)[d.argmin(axis=1)], d.min(axis=1)


def test_snap_matches_brute_force(graph):
    pts = random_points(10_000)
    snapped = snap_points(graph, pts, access=Access(speed_kph=18.0))
    assert snapped.index.equals(pts.index)
    sample = pts.sample(500, random_state=1)
    node, dist = brute_force(graph, sample)
    got = snapped.loc[sample.index]
    assert (got["node"].to_numpy() == node).all()
    np.testing.assert_allclose(got["snap_distance_m"], dist, rtol=1e-9)
    np.testing.assert_allclose(got["access_time_s"], dist / 5.0)  # 18 km/h = 5 m/s


def test_snap_reprojects_and_excludes(graph):
    pts = random_points(50, seed=3)
    a = snap_points(graph, pts)
    b = snap_points(graph, pts.to_crs(32650))
    assert (a["node"] == b["node"]).all()
    np.testing.assert_allclose(a["snap_distance_m"], b["snap_distance_m"], rtol=1e-6)
    assert not any(graph.nodes[n]["kind"] == "external" for n in a["node"])
    assert all(graph.nodes[n]["mode"] == "road" for n in a["node"])


def test_seats_snap_to_themselves(graph):
    counties = linyi.load_counties()
    seats = gpd.GeoSeries(
        gpd.points_from_xy(counties["seat_lon"], counties["seat_lat"]), index=counties.index, crs=4326
    )
    snapped = snap_points(graph, seats)
    assert snapped["snap_distance_m"].max() < 1.0
    assert snapped.loc["371323", "node"] == "yishui"


def test_far_points_get_inf_not_a_crash(graph):
    pts = gpd.GeoSeries.from_xy([118.36, 121.0], [35.10, 37.0], crs=4326)
    snapped = snap_points(graph, pts, access=Access(max_distance_m=5_000))
    assert snapped["node"].iloc[0] == "city_hall"
    assert snapped["node"].isna().iloc[1]
    assert np.isinf(snapped["access_time_s"].iloc[1])
    assert snapped["snap_distance_m"].iloc[1] > 200_000


def test_snap_bad_input(graph):
    with pytest.raises(CRSError, match="points have no CRS"):
        snap_points(graph, gpd.GeoSeries.from_xy([118.0], [35.0]))
    with pytest.raises(NetworkError, match="speed_kph must be a finite number > 0"):
        snap_points(graph, random_points(2), access=Access(speed_kph=0))
    with pytest.raises(NetworkError, match="no nodes to link to"):
        snap_points(graph, random_points(2), access=Access(modes=("ferry",)))
