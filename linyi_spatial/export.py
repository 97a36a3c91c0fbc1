"""Export for GIS users: one GeoPackage with the structure (with provenance), scores, surfaces, isochrones and network.

The file opens in QGIS and reads back with geopandas (one layer per part),
in WGS-84 or, with ``crs="EPSG:4490"``, in CGCS2000, the datum of China's
国土空间规划 "一张图". Years are whole numbers (empty where unknown), and the
network layers read back with ``osmnx.graph_from_gdfs`` (nodes indexed by
``osmid`` with ``x``/``y``, edges by ``u, v, key``; see
:func:`read_network_layers`).
Structure layers are split by role (a GeoPackage layer has one geometry
type) and keep ``status``, ``source`` and ``reason``; tuple-valued columns
(an axis's places, a core's units) are written as ``;``-joined text. The
file is written to a temporary name in the same folder and renamed into
place, and an existing file is only replaced with ``overwrite=True``.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import geopandas as gpd
import networkx as nx
import pandas as pd
from shapely.geometry import LineString

from ._io import local_file, replacing
from .errors import DataError

if TYPE_CHECKING:
    from .structure import SpatialStructure

__all__ = ["EXPORT_CRS", "read_network_layers", "to_geopackage"]

EXPORT_CRS = {"EPSG:4326": "EPSG:4326", "WGS84": "EPSG:4326", "EPSG:4490": "EPSG:4490", "CGCS2000": "EPSG:4490"}
"""The datums a GeoPackage can be written in: WGS-84 (the library's storage) or CGCS2000 (China's national datum).

CGCS2000 and WGS-84 agree to a few centimetres (the ITRF realisations they follow), far below the accuracy of
any embedded coordinate; the layers are relabelled through pyproj, which applies that null transformation."""

_YEAR_COLUMNS = ("year", "opened")


def _is_year(col: str) -> bool:
    return col in _YEAR_COLUMNS or col.endswith("_year")


def _flat(frame: pd.DataFrame) -> gpd.GeoDataFrame:
    """Columns a GeoPackage can hold: tuples and lists joined by ';', other objects as text."""
    out = frame.copy()
    geometry = out.geometry.name if isinstance(out, gpd.GeoDataFrame) else None
    for col in out.columns:
        if col != geometry and _is_year(str(col)):  # whole years, empty where unknown (never 2013.0)
            years = pd.to_numeric(out[col], errors="coerce")
            whole = years.dropna()
            if len(whole) and (whole == whole.round()).all():
                out[col] = years.round().astype("Int64")
                continue
        if col == geometry or out[col].dtype != object:
            continue
        out[col] = [";".join(map(str, v)) if isinstance(v, (tuple, list)) else v for v in out[col]]
        if not all(v is None or isinstance(v, str) for v in out[col]):
            out[col] = out[col].map(lambda v: None if v is None else str(v))
    return _field_names(out, geometry)


_RESERVED = {"fid", "geom", "geometry"}
"""Field names a GeoPackage layer keeps for itself (its feature id and geometry column), in any case."""


def _field_names(frame: pd.DataFrame, geometry: str | None) -> pd.DataFrame:
    """Columns renamed where a GeoPackage would refuse them, said in a warning.

    A reserved name (``fid``, ``geom``) or a name equal to another's but for case (SQLite compares names
    without case) becomes ``<name>_2``, ``_3``...
    """
    taken: set[str] = set()
    renamed: dict[str, str] = {}
    for col in frame.columns:
        if col == geometry:
            continue
        name, k = str(col), 2
        while name.lower() in _RESERVED or name.lower() in taken:
            name, k = f"{col}_{k}", k + 1
        taken.add(name.lower())
        if name != str(col):
            renamed[str(col)] = name
    if not renamed:
        return frame
    warnings.warn(
        f"to_geopackage: column(s) renamed for the GeoPackage (reserved or equal but for case): {renamed}",
        UserWarning,
        stacklevel=4,
    )
    return frame.rename(columns=renamed)


def _network_layers(G: nx.Graph) -> dict[str, gpd.GeoDataFrame]:
    """Node and edge layers in OSMnx's form: nodes with ``osmid``, ``x``, ``y``; edges with ``u``, ``v``, ``key``."""
    crs = G.graph.get("crs")
    nodes = gpd.GeoDataFrame(
        [{"osmid": str(n), **{k: v for k, v in d.items() if k != "osmid"}} for n, d in G.nodes(data=True)],
        geometry=gpd.points_from_xy([d["x"] for _, d in G.nodes(data=True)], [d["y"] for _, d in G.nodes(data=True)]),
        crs=crs,
    )
    xy = {n: (d["x"], d["y"]) for n, d in G.nodes(data=True)}
    triples: Iterable[tuple[Any, Any, Any, dict[str, Any]]] = (
        cast(nx.MultiGraph, G).edges(keys=True, data=True)
        if G.is_multigraph()
        else ((u, v, 0, d) for u, v, d in G.edges(data=True))
    )
    rows = [  # an edge without a geometry (a straight OSM segment) is the line between its nodes
        {
            "u": str(u),
            "v": str(v),
            "key": int(k) if isinstance(k, int) else str(k),
            **{name: val for name, val in d.items() if name != "geometry"},
            "geometry": d.get("geometry") or LineString([xy[u], xy[v]]),
        }
        for u, v, k, d in triples
    ]
    edges = gpd.GeoDataFrame(rows, geometry="geometry", crs=crs)
    return {"network_nodes": nodes, "network_edges": edges}


def read_network_layers(path: str | os.PathLike[str]) -> nx.MultiDiGraph:
    """The network of a GeoPackage written by :func:`to_geopackage`, as a graph.

    The layers are in OSMnx's form, so ``osmnx.graph_from_gdfs(nodes.set_index("osmid"),
    edges.set_index(["u", "v", "key"]))`` builds the same graph; this function does it
    without OSMnx.

    Parameters
    ----------
    path : path-like

    Returns
    -------
    networkx.MultiDiGraph
        Nodes and edges with the attributes written (node ids as text), ``G.graph["crs"]`` the file's.

    Raises
    ------
    DataError
        If the file has no network layers.

    Examples
    --------
    >>> import tempfile
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> G = made_up_network(2020)
    >>> p = to_geopackage(Path(tempfile.mkdtemp()) / "v.gpkg", made_up_structure(), G=G)
    >>> read_network_layers(p).number_of_edges() == G.number_of_edges()
    True
    """
    path = local_file(path, "GeoPackage", kind="vector")
    layers = set(gpd.list_layers(path)["name"])
    if not {"network_nodes", "network_edges"} <= layers:
        raise DataError(f"{path} has no network layers (network_nodes, network_edges): export it with G=")
    nodes = gpd.read_file(path, layer="network_nodes")
    edges = gpd.read_file(path, layer="network_edges")
    G: nx.MultiDiGraph = nx.MultiDiGraph(crs=nodes.crs.to_string() if nodes.crs is not None else None)
    for rec in nodes.drop(columns=nodes.geometry.name).to_dict("records"):
        G.add_node(rec.pop("osmid"), **{k: v for k, v in rec.items() if not _missing(v)})
    geoms = edges.geometry.to_numpy()
    for rec, geom in zip(edges.drop(columns=edges.geometry.name).to_dict("records"), geoms, strict=True):
        u, v, k = rec.pop("u"), rec.pop("v"), rec.pop("key")
        G.add_edge(u, v, key=k, geometry=geom, **{name: val for name, val in rec.items() if not _missing(val)})
    return G


def _layer_styles(styles: Mapping[str, str], layers: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """QGIS's ``layer_styles`` table: one default style per styled layer (QML), in the columns QGIS reads."""
    unknown = sorted(set(styles) - {k for k, v in layers.items() if len(v)})
    if unknown:
        raise DataError(f"styles for layer(s) {unknown} that the file does not hold; layers: {sorted(layers)}")
    return pd.DataFrame(
        {
            "f_table_catalog": "",
            "f_table_schema": "",
            "f_table_name": list(styles),
            "f_geometry_column": "geometry",
            "styleName": list(styles),
            "styleQML": list(styles.values()),
            "styleSLD": "",
            "useAsDefault": 1,
            "description": "the classes and colours of the linyi_spatial map",
            "owner": "",
            "ui": "",
            "update_time": pd.Timestamp.now(tz="UTC").strftime("%Y-%m-%dT%H:%M:%S"),
        }
    )


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def to_geopackage(  # noqa: PLR0913 - the layers to write, each optional and documented
    path: str | os.PathLike[str],
    structure: SpatialStructure,
    *,
    scores: pd.DataFrame | None = None,
    surface: gpd.GeoDataFrame | None = None,
    isochrones: gpd.GeoDataFrame | None = None,
    G: nx.Graph | None = None,
    sources: pd.DataFrame | None = None,
    overwrite: bool = False,
    crs: str = "EPSG:4326",
    styles: Mapping[str, str] | None = None,
) -> Path:
    """Write a structure and the results computed on it to one GeoPackage.

    Layers: ``units`` (polygons, with ``scores`` joined when given),
    ``core``, ``poles``, ``axes``, ``points`` (each with ``status``,
    ``source``, ``reason``), ``surface``, ``isochrones``, ``network_nodes``
    and ``network_edges`` when given, and ``sources`` (a table without
    geometry) when given.

    Parameters
    ----------
    path : path-like
        The ``.gpkg`` file to write.
    structure : SpatialStructure
    scores : DataFrame, optional
        Unit scores (e.g. :func:`~linyi_spatial.accessibility.unit_accessibility`), indexed by unit id.
    surface, isochrones : GeoDataFrame, optional
        From :func:`~linyi_spatial.accessibility.travel_time_surface` and
        :func:`~linyi_spatial.accessibility.isochrones`.
    G : networkx graph, optional
        The network (edges need a ``geometry``).
    sources : DataFrame, optional
        A sources table (e.g. key, reference).
    overwrite : bool, default False
        Replace an existing file.
    crs : {"EPSG:4326", "EPSG:4490"}, default "EPSG:4326"
        Datum of every layer: WGS-84, or CGCS2000 (``"CGCS2000"`` also
        works), see :data:`EXPORT_CRS`.
    styles : mapping of layer name -> QML, optional
        QGIS styles (e.g. from :mod:`linyi_spatial.viz.qgis`) stored in the
        file's ``layer_styles`` table as each layer's default, so QGIS
        draws the layer as the HTML map does.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    DataError
        If the file exists (without ``overwrite``), the folder is missing or
        the CRS is not one of :data:`EXPORT_CRS`.

    Examples
    --------
    >>> import tempfile
    >>> from linyi_spatial.testing import made_up_structure
    >>> p = to_geopackage(Path(tempfile.mkdtemp()) / "v.gpkg", made_up_structure())
    >>> sorted(gpd.list_layers(p)["name"])
    ['axes', 'core', 'points', 'poles', 'units']
    """
    out = Path(path)
    if out.suffix.lower() != ".gpkg":
        raise DataError(f"a GeoPackage file name ends in .gpkg, got {out.name!r}")
    if not out.parent.is_dir():
        raise DataError(f"folder {out.parent} does not exist")
    if out.exists() and not overwrite:
        raise DataError(f"{out} exists; pass overwrite=True to replace it")
    key = str(crs).upper().replace(" ", "")
    if key not in EXPORT_CRS:
        raise DataError(f"crs {crs!r}: a GeoPackage is written in one of {sorted(set(EXPORT_CRS.values()))}")
    target = EXPORT_CRS[key]
    units = structure.units.drop(columns=[c for c in ("seat_lon", "seat_lat") if c in structure.units])
    if scores is not None:
        units = units.join(scores.drop(columns=[c for c in scores.columns if c in units.columns]), how="left")
    layers: dict[str, pd.DataFrame] = {
        "units": units.reset_index(drop=units.index.name in units.columns),
        "core": structure.core.reset_index(),
        "poles": structure.poles.reset_index(),
        "axes": structure.axes.reset_index(),
        "points": structure.points.reset_index(),
    }
    optional: Mapping[str, pd.DataFrame | None] = {"surface": surface, "isochrones": isochrones}
    layers.update({k: v for k, v in optional.items() if v is not None})
    if G is not None:
        layers.update(_network_layers(G))
    import pyogrio.errors

    gdal_errors = (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, pyogrio.errors.FeatureError,
                   pyogrio.errors.FieldError, pyogrio.errors.GeometryError)  # fmt: skip
    try:
        with replacing(out) as tmp:
            for name, frame in layers.items():
                if len(frame):
                    flat = _flat(frame)
                    if isinstance(flat, gpd.GeoDataFrame) and flat.crs is not None:
                        flat = flat.to_crs(target)
                    flat.to_file(tmp, layer=name, driver="GPKG")
            if sources is not None:
                pyogrio.write_dataframe(_flat(pd.DataFrame(sources)), tmp, layer="sources", driver="GPKG")
            if styles:
                table = _layer_styles(styles, layers)
                table["f_geometry_column"] = [
                    pyogrio.read_info(tmp, layer=name).get("geometry_name") or "geom" for name in table["f_table_name"]
                ]
                pyogrio.write_dataframe(table, tmp, layer="layer_styles", driver="GPKG")
    except gdal_errors as exc:  # GDAL reports a full disk or a failed write as its own errors
        full = "No space left" in str(exc) or "disk" in str(exc).lower()
        raise DataError(f"cannot write {out}: {'the disk is full' if full else exc}; the old file is intact") from None
    return out
