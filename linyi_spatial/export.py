"""Export for GIS users: one GeoPackage with the structure (with provenance), scores, surfaces, isochrones and network.

The file opens in QGIS and reads back with geopandas (one layer per part).
Structure layers are split by role (a GeoPackage layer has one geometry
type) and keep ``status``, ``source`` and ``reason``; tuple-valued columns
(an axis's places, a core's units) are written as ``;``-joined text. The
file is written to a temporary name in the same folder and renamed into
place, and an existing file is only replaced with ``overwrite=True``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import networkx as nx
import pandas as pd
from shapely.geometry import LineString

from ._io import replacing
from .errors import DataError

if TYPE_CHECKING:
    from .structure import SpatialStructure

__all__ = ["to_geopackage"]


def _flat(frame: pd.DataFrame) -> gpd.GeoDataFrame:
    """Columns a GeoPackage can hold: tuples and lists joined by ';', other objects as text."""
    out = frame.copy()
    geometry = out.geometry.name if isinstance(out, gpd.GeoDataFrame) else None
    for col in out.columns:
        if col == geometry or out[col].dtype != object:
            continue
        out[col] = [";".join(map(str, v)) if isinstance(v, (tuple, list)) else v for v in out[col]]
        if not all(v is None or isinstance(v, str) for v in out[col]):
            out[col] = out[col].map(lambda v: None if v is None else str(v))
    return out


def _network_layers(G: nx.Graph) -> dict[str, gpd.GeoDataFrame]:
    crs = G.graph.get("crs")
    nodes = gpd.GeoDataFrame(
        [{"node": str(n), **{k: v for k, v in d.items() if k not in ("x", "y")}} for n, d in G.nodes(data=True)],
        geometry=gpd.points_from_xy([d["x"] for _, d in G.nodes(data=True)], [d["y"] for _, d in G.nodes(data=True)]),
        crs=crs,
    )
    xy = {n: (d["x"], d["y"]) for n, d in G.nodes(data=True)}
    rows = [  # an edge without a geometry (a straight OSM segment) is the line between its nodes
        {
            "u": str(u),
            "v": str(v),
            **{k: val for k, val in d.items() if k != "geometry"},
            "geometry": d.get("geometry") or LineString([xy[u], xy[v]]),
        }
        for u, v, d in G.edges(data=True)
    ]
    edges = gpd.GeoDataFrame(rows, geometry="geometry", crs=crs)
    return {"network_nodes": nodes, "network_edges": edges}


def to_geopackage(
    path: str | os.PathLike[str],
    structure: SpatialStructure,
    *,
    scores: pd.DataFrame | None = None,
    surface: gpd.GeoDataFrame | None = None,
    isochrones: gpd.GeoDataFrame | None = None,
    G: nx.Graph | None = None,
    sources: pd.DataFrame | None = None,
    overwrite: bool = False,
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

    Returns
    -------
    pathlib.Path

    Raises
    ------
    DataError
        If the file exists (without ``overwrite``) or the folder is missing.

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
                    _flat(frame).to_file(tmp, layer=name, driver="GPKG")
            if sources is not None:
                pyogrio.write_dataframe(_flat(pd.DataFrame(sources)), tmp, layer="sources", driver="GPKG")
    except gdal_errors as exc:  # GDAL reports a full disk or a failed write as its own errors
        full = "No space left" in str(exc) or "disk" in str(exc).lower()
        raise DataError(f"cannot write {out}: {'the disk is full' if full else exc}; the old file is intact") from None
    return out
