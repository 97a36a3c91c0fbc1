"""GCJ-02 <-> WGS-84 against published reference pairs and round trips."""

import geopandas as gpd
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, Polygon

from linyi_spatial.crs import (
    gcj02_to_wgs84,
    projected_crs,
    to_wgs84,
    transform_geometry,
    wgs84_to_gcj02,
)
from linyi_spatial.errors import CRSError

# Reference pairs (lon, lat) computed by independent implementations of the
# published algorithm: Tiananmen area and a second Beijing point.
REFERENCE = [
    ((116.404, 39.915), (116.41024449916938, 39.91640428150164)),
    ((116.396135, 39.891082), (116.40237600938156, 39.89248436758296)),
]


def geodesic_m(lon1, lat1, lon2, lat2):
    r = 6371008.8
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi, dl = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * r * np.arcsin(np.sqrt(a))


@pytest.mark.parametrize(("wgs", "gcj"), REFERENCE)
def test_forward_matches_reference(wgs, gcj):
    lon, lat = wgs84_to_gcj02(*wgs)
    assert float(lon) == pytest.approx(gcj[0], abs=1e-9)
    assert float(lat) == pytest.approx(gcj[1], abs=1e-9)


@pytest.mark.parametrize(("wgs", "gcj"), REFERENCE)
def test_inverse_recovers_reference(wgs, gcj):
    lon, lat = gcj02_to_wgs84(*gcj)
    assert geodesic_m(lon, lat, *wgs) < 0.01


@settings(max_examples=200, deadline=None)
@given(lon=st.floats(73.7, 134.7), lat=st.floats(18.2, 53.5))
def test_round_trip_below_one_centimetre(lon, lat):
    glon, glat = wgs84_to_gcj02(lon, lat)
    wlon, wlat = gcj02_to_wgs84(glon, glat)
    assert geodesic_m(wlon, wlat, lon, lat) < 0.01


def test_vectorized_round_trip_over_linyi():
    rng = np.random.default_rng(0)
    lon, lat = rng.uniform(117.4, 119.2, 10_000), rng.uniform(34.4, 36.2, 10_000)
    wlon, wlat = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    assert geodesic_m(wlon, wlat, lon, lat).max() < 0.01


def test_shift_in_linyi_is_hundreds_of_metres():
    glon, glat = wgs84_to_gcj02(118.35, 35.05)
    assert 300 < geodesic_m(118.35, 35.05, glon, glat) < 800


def test_outside_china_unchanged():
    lon, lat = wgs84_to_gcj02([2.35, 139.9], [48.85, 35.7])
    np.testing.assert_array_equal(lon, [2.35, 139.9])
    np.testing.assert_array_equal(lat, [48.85, 35.7])


def test_transform_geometry_converts_every_vertex():
    poly = Polygon([(118.0, 35.0), (118.1, 35.0), (118.1, 35.1)])
    out = transform_geometry([poly], "EPSG:4326", "GCJ-02")[0]
    xy = np.asarray(poly.exterior.coords)
    expected = np.column_stack(wgs84_to_gcj02(xy[:, 0], xy[:, 1]))
    np.testing.assert_allclose(np.asarray(out.exterior.coords), expected, atol=1e-12)
    back = transform_geometry([out], "GCJ-02", "EPSG:4326")[0]
    np.testing.assert_allclose(np.asarray(back.exterior.coords), xy, atol=1e-9)


def test_transform_geometry_rejects_unknown_datum():
    with pytest.raises(CRSError, match="BD-09"):
        transform_geometry([Point(118, 35)], "BD-09", "EPSG:4326")


def test_to_wgs84_needs_a_crs():
    s = gpd.GeoSeries([Point(118.35, 35.05)])
    with pytest.raises(CRSError, match="no CRS"):
        to_wgs84(s)
    shifted = to_wgs84(s, source_crs="GCJ-02")
    assert shifted.crs.to_epsg() == 4326
    assert shifted.iloc[0].x < 118.35  # GCJ-02 is east of WGS-84 here
    projected = gpd.GeoSeries([Point(500000, 3880000)], crs="EPSG:32650")
    assert to_wgs84(projected).iloc[0].x == pytest.approx(117.0, abs=1e-6)


def test_projected_crs_picks_utm_zone():
    linyi = gpd.GeoSeries([Point(118.35, 35.05)], crs=4326)
    assert projected_crs(linyi) == "EPSG:32650"
    with pytest.raises(CRSError, match="without a CRS"):
        projected_crs(gpd.GeoSeries([Point(1, 2)]))
    paris = gpd.GeoSeries([Point(2.35, 48.85)], crs=4326)
    assert projected_crs(paris) == "EPSG:32631"
    sydney = gpd.GeoSeries([Point(151.2, -33.9)], crs=4326)
    assert projected_crs(sydney) == "EPSG:32756"
