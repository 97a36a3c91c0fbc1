"""Coordinate reference systems: projected-CRS choice and GCJ-02 <-> WGS-84.

Data are stored in WGS-84 (EPSG:4326). Lengths and areas are measured in a
projected CRS: :func:`projected_crs` picks the UTM zone of the data's centre
(e.g. UTM 50N, EPSG:32650, for 114-120 °E in the north); every function that
measures also takes an explicit ``crs=``.

Chinese web-map sources (Amap/高德, Tencent, Tianditu overlays) publish
coordinates in GCJ-02, an obfuscated datum that is offset from WGS-84 by a
smooth, non-linear function of position (several hundred metres in eastern
China). The forward transform WGS-84 -> GCJ-02 is the published algorithm
(Krasovsky-ellipsoid parameters); it has no closed-form inverse, so
:func:`gcj02_to_wgs84` inverts it by fixed-point iteration until the
round-trip error is below a millimetre.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import geopandas as gpd
import numpy as np
import pyproj
import shapely
from numpy.typing import ArrayLike, NDArray

from .errors import CRSError

__all__ = [
    "GCJ02",
    "WGS84",
    "gcj02_to_wgs84",
    "is_gcj02",
    "projected_crs",
    "require_lonlat",
    "to_wgs84",
    "transform_geometry",
    "wgs84_to_gcj02",
]

WGS84 = "EPSG:4326"
GCJ02 = "GCJ-02"
"""Name used in specs and function arguments for Amap's GCJ-02 datum (no EPSG code)."""

_A = 6378245.0  # Krasovsky 1940 semi-major axis used by GCJ-02
_EE = 0.00669342162296594323  # its first eccentricity squared

_G = TypeVar("_G", gpd.GeoDataFrame, gpd.GeoSeries)


def _outside_china(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> NDArray[np.bool_]:
    # The rectangle used by the reference implementations: no offset outside it.
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _delta(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    x = lon - 105.0
    y = lat - 35.0
    sqx = np.sqrt(np.abs(x))
    six = np.sin(6.0 * x * np.pi) + np.sin(2.0 * x * np.pi)
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqx
    dlat += (20.0 * six) * 2.0 / 3.0
    dlat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqx
    dlon += (20.0 * six) * 2.0 / 3.0
    dlon += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    rad = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(rad) ** 2
    sqm = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqm) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqm * np.cos(rad) * np.pi)
    return dlon, dlat


def _as_arrays(lon: ArrayLike, lat: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    lon_a = np.asarray(lon, dtype=np.float64)
    lat_a = np.asarray(lat, dtype=np.float64)
    if lon_a.shape != lat_a.shape:
        raise ValueError(f"lon and lat must have the same shape, got {lon_a.shape} and {lat_a.shape}")
    return lon_a, lat_a


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Convert WGS-84 longitude/latitude (degrees) to GCJ-02, vectorized.

    Points outside mainland China's rectangle are returned unchanged.

    Parameters
    ----------
    lon, lat : array_like
        WGS-84 coordinates in degrees, same shape.

    Returns
    -------
    lon, lat : numpy.ndarray
        GCJ-02 coordinates in degrees.

    Examples
    --------
    >>> lon, lat = wgs84_to_gcj02(116.404, 39.915)
    >>> round(float(lon), 6), round(float(lat), 6)
    (116.410244, 39.916404)
    """
    lon_a, lat_a = _as_arrays(lon, lat)
    dlon, dlat = _delta(lon_a, lat_a)
    outside = _outside_china(lon_a, lat_a)
    return np.where(outside, lon_a, lon_a + dlon), np.where(outside, lat_a, lat_a + dlat)


def gcj02_to_wgs84(
    lon: ArrayLike, lat: ArrayLike, *, tol_deg: float = 1e-10, max_iter: int = 30
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Convert GCJ-02 longitude/latitude (degrees) to WGS-84, vectorized.

    Solves ``wgs84_to_gcj02(w) = g`` for ``w`` by fixed-point iteration
    ``w <- w - (wgs84_to_gcj02(w) - g)``, starting from ``w = g``. The offset
    varies slowly with position, so each step shrinks the error by a factor
    of about 1e-5; two or three iterations reach ``tol_deg``.

    Parameters
    ----------
    lon, lat : array_like
        GCJ-02 coordinates in degrees, same shape.
    tol_deg : float, default 1e-10
        Stop when the largest round-trip residual is below this many degrees
        (1e-10 degree is about 0.01 mm).
    max_iter : int, default 30
        Upper bound on iterations.

    Returns
    -------
    lon, lat : numpy.ndarray
        WGS-84 coordinates in degrees.

    Examples
    --------
    >>> lon, lat = gcj02_to_wgs84(116.41024449916938, 39.91640428150164)
    >>> round(float(lon), 9), round(float(lat), 9)
    (116.404, 39.915)
    """
    g_lon, g_lat = _as_arrays(lon, lat)
    w_lon, w_lat = g_lon.copy(), g_lat.copy()
    for _ in range(max_iter):
        f_lon, f_lat = wgs84_to_gcj02(w_lon, w_lat)
        r_lon, r_lat = f_lon - g_lon, f_lat - g_lat
        w_lon = w_lon - r_lon
        w_lat = w_lat - r_lat
        if max(np.max(np.abs(r_lon), initial=0.0), np.max(np.abs(r_lat), initial=0.0)) < tol_deg:
            break
    return w_lon, w_lat


def transform_geometry(geometry: ArrayLike | Sequence[shapely.Geometry], src: str, dst: str) -> NDArray[np.object_]:
    """Convert shapely geometries between ``"EPSG:4326"`` and ``"GCJ-02"``.

    All vertices of all geometries are converted in one vectorized call.

    Parameters
    ----------
    geometry : array_like of shapely.Geometry
        Geometries in degrees.
    src, dst : {"EPSG:4326", "GCJ-02"}
        Source and target datum.

    Returns
    -------
    numpy.ndarray of shapely.Geometry

    Raises
    ------
    CRSError
        If ``src`` or ``dst`` is neither WGS-84 nor GCJ-02.

    Examples
    --------
    >>> from shapely import Point
    >>> g = transform_geometry([Point(118.35, 35.05)], "EPSG:4326", "GCJ-02")[0]
    >>> round(g.x - 118.35, 4), round(g.y - 35.05, 4)
    (0.0057, -0.0005)
    """
    src_n, dst_n = _datum(src), _datum(dst)
    geoms = np.asarray(geometry, dtype=object)
    if src_n == dst_n:
        return geoms.copy()
    func = gcj02_to_wgs84 if src_n == GCJ02 else wgs84_to_gcj02

    def convert(xy: NDArray[np.float64]) -> NDArray[np.float64]:
        lon, lat = func(xy[:, 0], xy[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(geoms, convert)


def is_gcj02(name: object) -> bool:
    """Whether ``name`` designates the GCJ-02 datum (``"GCJ-02"``, ``"gcj02"``, ``"GCJ_02"``...).

    The one place where GCJ-02 names are recognised; GeoPandas has no CRS
    object for the datum, so it travels as this string.

    Parameters
    ----------
    name : object
        A CRS name or object.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_gcj02("gcj_02"), is_gcj02("EPSG:4326")
    (True, False)
    """
    return str(name).strip().upper().replace("_", "-") in {"GCJ-02", "GCJ02"}


def _datum(name: object) -> str:
    text = str(name).strip()
    if is_gcj02(text):
        return GCJ02
    try:
        if pyproj.CRS.from_user_input(text).equals(pyproj.CRS.from_epsg(4326)):
            return WGS84
    except pyproj.exceptions.CRSError:
        pass
    raise CRSError(f"unsupported datum {text!r}: expected 'EPSG:4326' (WGS-84) or 'GCJ-02'")


def to_wgs84(data: _G, *, source_crs: str | None = None) -> _G:
    """Return a copy of ``data`` in WGS-84, converting from GCJ-02 or any CRS.

    Parameters
    ----------
    data : geopandas.GeoDataFrame or geopandas.GeoSeries
        Input geometries.
    source_crs : str, optional
        ``"GCJ-02"`` when the coordinates are GCJ-02 degrees (GeoPandas has
        no CRS object for that datum, so such frames usually carry EPSG:4326
        or nothing). Otherwise ``data.crs`` is used.

    Returns
    -------
    geopandas.GeoDataFrame or geopandas.GeoSeries
        A new object with ``crs == "EPSG:4326"``; the input is not modified.

    Raises
    ------
    CRSError
        If ``data`` has no CRS and ``source_crs`` is not given.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import Point
    >>> s = gpd.GeoSeries([Point(118.3553, 35.0496)])
    >>> w = to_wgs84(s, source_crs="GCJ-02")
    >>> str(w.crs), round(w.iloc[0].x, 3)
    ('EPSG:4326', 118.35)
    """
    if source_crs is not None and is_gcj02(source_crs):
        out = data.copy()
        geoms = transform_geometry(
            out.geometry.to_numpy() if isinstance(out, gpd.GeoDataFrame) else out.to_numpy(), GCJ02, WGS84
        )
        if isinstance(out, gpd.GeoDataFrame):
            out[out.geometry.name] = gpd.GeoSeries(geoms, index=out.index, crs=WGS84)
            return out.set_crs(WGS84, allow_override=True)
        return gpd.GeoSeries(geoms, index=out.index, crs=WGS84, name=out.name)
    crs = source_crs if source_crs is not None else data.crs
    if crs is None:
        raise CRSError(
            "input has no CRS; set it (e.g. gdf.set_crs('EPSG:4326')) or pass "
            "source_crs='GCJ-02' for coordinates taken from Amap/高德"
        )
    if data.crs is None:
        data = data.set_crs(crs)
    return data.to_crs(WGS84)


def projected_crs(data: gpd.GeoDataFrame | gpd.GeoSeries) -> str:
    """Return the UTM zone used for lengths and areas of ``data``.

    Parameters
    ----------
    data : geopandas.GeoDataFrame or geopandas.GeoSeries
        Geometries in any CRS.

    Returns
    -------
    str
        ``"EPSG:326zz"`` (north) or ``"EPSG:327zz"`` (south), the UTM zone of
        the data's bounding-box centre.

    Raises
    ------
    CRSError
        If ``data`` has no CRS.

    Examples
    --------
    >>> from shapely import Point
    >>> projected_crs(gpd.GeoSeries([Point(118.35, 35.05)], crs="EPSG:4326"))
    'EPSG:32650'
    """
    if data.crs is None:
        raise CRSError("cannot choose a projected CRS for data without a CRS")
    minx, miny, maxx, maxy = data.to_crs(WGS84).total_bounds
    if not np.isfinite([minx, miny, maxx, maxy]).all():
        raise CRSError("cannot choose a projected CRS: the data have no geometry with coordinates (all empty)")
    lon, lat = (minx + maxx) / 2.0, (miny + maxy) / 2.0
    zone = int((lon + 180.0) // 6.0) % 60 + 1
    return f"EPSG:{32600 + zone if lat >= 0 else 32700 + zone}"


def require_lonlat(crs: object, what: str) -> None:
    """Raise unless ``crs`` is geographic (longitude/latitude degrees), naming the measure that needs it.

    Parameters
    ----------
    crs : object
        A CRS (e.g. ``G.graph.get("crs")``).
    what : str
        The measure, for the message (e.g. ``"detour_index"``).

    Returns
    -------
    None

    Raises
    ------
    CRSError
        If ``crs`` is missing or projected.

    Examples
    --------
    >>> require_lonlat("EPSG:4326", "detour_index")
    >>> try:
    ...     require_lonlat("EPSG:32650", "detour_index")
    ... except CRSError as exc:
    ...     print(str(exc)[:60])
    detour_index needs node x/y in longitude/latitude, but the g
    """
    if crs is None:
        raise CRSError(f"{what} needs a graph CRS (G.graph['crs']), and it has none")
    try:
        geographic = pyproj.CRS.from_user_input(crs).is_geographic
    except pyproj.exceptions.CRSError as exc:
        raise CRSError(f"{what}: unknown CRS {crs!r}: {exc}") from None
    if not geographic:
        raise CRSError(
            f"{what} needs node x/y in longitude/latitude, but the graph's CRS is {crs} (projected); "
            "reproject it to EPSG:4326 (e.g. osmnx.project_graph(G, to_crs=4326))"
        )
