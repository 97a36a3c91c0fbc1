"""Scale-out on Dask: origin-partitioned routing with the graph scattered once to the workers.

Nothing here runs unless asked for with an explicit ``client=`` (a
``dask.distributed.Client``): the single-process engine in
:mod:`linyi_spatial.routing` stays the default. Install with
``pip install 'linyi_spatial[dask]'``.

Design
------
- The graph's CSR form (:func:`linyi_spatial.routing.routing_graph`) is
  scattered once with ``client.scatter(..., broadcast=True)``; every task
  receives the same worker-local copy, never a fresh one.
- Work is partitioned by origins: a task routes a block of origins with
  scipy's Dijkstra, in sub-batches of ``batch_size`` so a task holds at
  most ``batch_size × nodes`` floats.
- Matrices that do not fit are never materialised: either each task writes
  its block to a Parquet part file (``path=``), or the work is reduced
  inside the task (:func:`accessibility_dask`: nearest, cumulative counts,
  Hansen sums) and only one number per origin comes back.
- Grids: :func:`surface_to_parquet` snaps and times grid cells partition by
  partition with dask-geopandas and writes GeoParquet.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd

from .errors import DataError, LinyiSpatialError
from .routing import RoutingGraph, nearest_times, resolve_places, routing_graph

__all__ = ["accessibility_dask", "scatter_graph", "surface_to_parquet", "travel_time_matrix_dask"]


def _require_client(client: Any) -> None:
    if client is None or not hasattr(client, "submit"):
        raise DataError("the Dask engine needs an explicit client=dask.distributed.Client(...)")


def _require_dask() -> Any:
    try:
        import dask
        import dask.dataframe
        import distributed  # noqa: F401
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise LinyiSpatialError("the Dask engine needs: pip install 'linyi_spatial[dask]'") from exc
    return dask


def scatter_graph(client: Any, G: nx.Graph, weight: str = "travel_time") -> Any:
    """Send the graph's CSR form to every worker once and return the future.

    Parameters
    ----------
    client : dask.distributed.Client
    G : networkx graph
    weight : str, default "travel_time"

    Returns
    -------
    distributed.Future
        Pass it to the functions of this module (``graph=``) to reuse it.

    Examples
    --------
    >>> from distributed import Client, LocalCluster  # doctest: +SKIP
    >>> future = scatter_graph(Client(LocalCluster(n_workers=2)), G)  # doctest: +SKIP
    """
    _require_dask()
    return client.scatter(routing_graph(G, weight), broadcast=True, hash=False)


def _route_block(
    rg: RoutingGraph, origin_rows: np.ndarray, dest_rows: np.ndarray, limit: float, batch_size: int
) -> np.ndarray:
    from scipy.sparse.csgraph import dijkstra

    out = np.empty((len(origin_rows), len(dest_rows)))
    for s in range(0, len(origin_rows), batch_size):
        d = dijkstra(rg.forward, directed=True, indices=origin_rows[s : s + batch_size], limit=limit)
        out[s : s + batch_size] = d[:, dest_rows]
    return out


def _matrix_block(rg, o_rows, d_rows, o_access, d_access, o_labels, d_labels, limit, batch_size, path, part):
    T = (_route_block(rg, o_rows, d_rows, limit, batch_size) + o_access[:, None] + d_access[None, :]) / 60.0
    if np.isfinite(limit):
        T[T * 60.0 > limit] = np.inf
    frame = pd.DataFrame(T, index=pd.Index(o_labels, name="origin"), columns=[str(c) for c in d_labels])
    if path is None:
        return frame
    frame.index = frame.index.map(str)  # Parquet needs one type per column
    frame.to_parquet(Path(path) / f"part-{part:05d}.parquet")
    return len(frame)


def _blocks(n: int, block_size: int) -> list[slice]:
    return [slice(s, min(s + block_size, n)) for s in range(0, n, block_size)]


def _prepare(G: nx.Graph, origins: Any, destinations: Any, weight: str, access_speed_kph: float) -> tuple:
    o = resolve_places(G, origins, access_speed_kph=access_speed_kph, label="origin")
    d = resolve_places(G, destinations, access_speed_kph=access_speed_kph, label="destination")
    if o["node"].isna().any() or d["node"].isna().any():
        raise DataError("some places could not be snapped to the graph")
    rg = routing_graph(G, weight)
    return o, d, rg.rows(o["node"]), rg.rows(d["node"])


def travel_time_matrix_dask(
    G: nx.Graph,
    origins: Any,
    destinations: Any,
    *,
    client: Any,
    weight: str = "travel_time",
    cutoff_min: float | None = None,
    access_speed_kph: float = 30.0,
    block_size: int = 256,
    batch_size: int = 32,
    path: str | Path | None = None,
    memory_budget_bytes: float = 2e9,
    graph: Any = None,
) -> Any:
    """Origin–destination travel times (minutes) on a Dask cluster, partitioned by origins.

    Same values as :func:`linyi_spatial.travel_time_matrix` (``inf`` where
    unreachable; finite values agree to ~1e-14, the floating-point order of
    per-origin against per-destination searches). Without ``path`` the result is a lazy Dask DataFrame with
    one partition per origin block; a matrix larger than
    ``memory_budget_bytes`` is refused unless ``path`` is given, in which
    case every task writes its block to ``path/part-NNNNN.parquet`` and the
    function returns ``dask.dataframe.read_parquet(path)`` — the matrix is
    never held whole anywhere.

    Parameters
    ----------
    G : networkx graph
    origins, destinations : node ids or point GeoDataFrame/GeoSeries
    client : dask.distributed.Client
        Required: the Dask engine is never chosen implicitly.
    weight : str, default "travel_time"
    cutoff_min : float, optional
    access_speed_kph : float, default 30
    block_size : int, default 256
        Origins per task (one Parquet part each).
    batch_size : int, default 32
        Origins per scipy call inside a task (bounds task memory).
    path : path-like, optional
        Folder for Parquet parts (created; must be empty).
    memory_budget_bytes : float, default 2e9
        Largest matrix returned without ``path``.
    graph : Future, optional
        From :func:`scatter_graph`, to reuse one scattered copy.

    Returns
    -------
    dask.dataframe.DataFrame
        Index ``origin``, one column per destination (labels as strings;
        with ``path`` the origin labels are strings too).

    Raises
    ------
    DataError
        If the matrix exceeds the budget without ``path``, or ``path`` is
        not empty.

    Examples
    --------
    >>> T = travel_time_matrix_dask(G, origins, dests, client=client)  # doctest: +SKIP
    >>> T.compute()  # doctest: +SKIP
    """
    dask = _require_dask()
    import dask.dataframe as dd

    _require_client(client)
    o, d, o_rows, d_rows = _prepare(G, origins, destinations, weight, access_speed_kph)
    size = 8.0 * len(o) * len(d)
    if path is None and size > memory_budget_bytes:
        raise DataError(
            f"the {len(o):,} x {len(d):,} matrix needs {size / 1e9:.2f} GB, over memory_budget_bytes="
            f"{memory_budget_bytes:.3g}: pass path= to stream it to Parquet, or reduce it with accessibility_dask"
        )
    if path is not None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        if any(path.iterdir()):
            raise DataError(f"output folder {path} is not empty")
    rg = graph if graph is not None else scatter_graph(client, G, weight)
    limit = np.inf if cutoff_min is None else float(cutoff_min) * 60.0
    o_acc, d_acc = o["access_time_s"].to_numpy(), d["access_time_s"].to_numpy()
    blocks = _blocks(len(o), block_size)
    if path is not None:
        futures = [
            client.submit(
                _matrix_block,
                rg,
                o_rows[b],
                d_rows,
                o_acc[b],
                d_acc,
                list(o.index[b]),
                list(d.index),
                limit,
                batch_size,
                str(path),
                k,
                pure=False,
            )
            for k, b in enumerate(blocks)
        ]
        client.gather(futures)
        return dd.read_parquet(str(path))
    meta = pd.DataFrame({str(c): pd.Series(dtype=float) for c in d.index})
    meta.index = pd.Index([], name="origin", dtype=o.index.dtype)
    parts = [
        dask.delayed(_matrix_block)(
            rg, o_rows[b], d_rows, o_acc[b], d_acc, list(o.index[b]), list(d.index), limit, batch_size, None, k
        )
        for k, b in enumerate(blocks)
    ]
    return dd.from_delayed(parts, meta=meta, verify_meta=False)


def _reduce_block(rg, o_rows, d_rows, o_access, d_access, mass, limit, batch_size, kind, params):
    from .accessibility import decay

    T = (_route_block(rg, o_rows, d_rows, limit, batch_size) + o_access[:, None] + d_access[None, :]) / 60.0
    if np.isfinite(limit):
        T[T * 60.0 > limit] = np.inf
    if kind == "nearest":
        k = np.argmin(T, axis=1)
        best = T[np.arange(len(T)), k]
        return np.column_stack([best, np.where(np.isfinite(best), k, -1)])
    if kind == "cumulative":
        return np.column_stack([(T <= t) @ mass for t in params["thresholds_min"]])
    return (decay(T, params.get("decay", "exponential"), half_life_min=params["half_life_min"]) @ mass)[:, None]


def accessibility_dask(
    G: nx.Graph,
    origins: Any,
    destinations: Any,
    *,
    client: Any,
    measure: str = "hansen",
    mass: Sequence[float] | None = None,
    thresholds_min: Sequence[float] = (30, 60, 90),
    half_life_min: float = 30.0,
    decay_kind: str = "exponential",
    weight: str = "travel_time",
    cutoff_min: float | None = None,
    access_speed_kph: float = 30.0,
    block_size: int = 256,
    batch_size: int = 32,
    graph: Any = None,
) -> pd.DataFrame:
    """Accessibility reduced inside each Dask task: only one row per origin comes back.

    Measures (formulas as in :mod:`linyi_spatial.accessibility`):

    - ``"nearest"``: ``time_to_nearest_min`` and ``nearest`` (destination label);
    - ``"cumulative"``: ``within_<d>min`` = Σ mass over destinations reached
      within ``d`` minutes;
    - ``"hansen"``: ``hansen`` = Σ mass · f(t) with the given decay.

    Parameters
    ----------
    G, origins, destinations, client, weight, cutoff_min, access_speed_kph, block_size, batch_size, graph
        As in :func:`travel_time_matrix_dask`.
    measure : {"hansen", "cumulative", "nearest"}
    mass : sequence of float, optional
        Opportunity per destination (default 1 each).
    thresholds_min : sequence of float
    half_life_min : float, default 30
    decay_kind : str, default "exponential"

    Returns
    -------
    pandas.DataFrame
        Indexed by origin.

    Raises
    ------
    DataError
        For an unknown measure or a mass of the wrong length.

    Examples
    --------
    >>> accessibility_dask(G, origins, dests, client=client, measure="nearest")  # doctest: +SKIP
    """
    _require_dask()
    _require_client(client)
    if measure not in ("hansen", "cumulative", "nearest"):
        raise DataError(f"unknown measure {measure!r}; expected 'hansen', 'cumulative' or 'nearest'")
    o, d, o_rows, d_rows = _prepare(G, origins, destinations, weight, access_speed_kph)
    m = np.ones(len(d)) if mass is None else np.asarray(mass, dtype=float)
    if len(m) != len(d):
        raise DataError(f"mass has {len(m)} values for {len(d)} destinations")
    if np.isnan(m).any() or (m < 0).any():
        raise DataError("mass must be non-negative numbers (no NaN)")
    rg = graph if graph is not None else scatter_graph(client, G, weight)
    limit = np.inf if cutoff_min is None else float(cutoff_min) * 60.0
    params = {"thresholds_min": list(thresholds_min), "half_life_min": half_life_min, "decay": decay_kind}
    o_acc, d_acc = o["access_time_s"].to_numpy(), d["access_time_s"].to_numpy()
    futures = [
        client.submit(
            _reduce_block, rg, o_rows[b], d_rows, o_acc[b], d_acc, m, limit, batch_size, measure, params, pure=False
        )
        for b in _blocks(len(o), block_size)
    ]
    values = np.vstack(client.gather(futures))
    if measure == "nearest":
        k = values[:, 1].astype(int)
        labels = np.asarray(d.index, dtype=object)
        return pd.DataFrame(
            {"time_to_nearest_min": values[:, 0], "nearest": np.where(k >= 0, labels[np.maximum(k, 0)], None)},
            index=o.index,
        )
    if measure == "cumulative":
        return pd.DataFrame(values, index=o.index, columns=[f"within_{t:g}min" for t in thresholds_min])
    return pd.DataFrame({"hansen": values[:, 0]}, index=o.index)


def _surface_part(part: gpd.GeoDataFrame, table: pd.DataFrame, costs: dict[str, np.ndarray], speed: float, k: int):
    from scipy.spatial import cKDTree

    from .crs import projected_crs

    out = part.copy()
    if len(part) == 0:
        for col in costs:
            out[col] = pd.Series(dtype=float)
        return out
    crs = projected_crs(gpd.GeoSeries(gpd.points_from_xy(table["x"], table["y"]), crs="EPSG:4326"))
    pts = part.geometry.representative_point().to_crs(crs)
    nodes = gpd.GeoSeries(gpd.points_from_xy(table["x"], table["y"]), crs="EPSG:4326").to_crs(crs)
    kk = min(k, len(table))
    dist, idx = cKDTree(np.column_stack([nodes.x, nodes.y])).query(np.column_stack([pts.x, pts.y]), k=kk)
    dist, idx = dist.reshape(len(pts), kk), idx.reshape(len(pts), kk)
    access = dist / (speed / 3.6)
    rows = table["row"].to_numpy()[idx]
    for col, cost in costs.items():
        out[col] = np.min(access + cost[rows], axis=1) / 60.0
    return out


def surface_to_parquet(
    G: nx.Graph,
    grid: gpd.GeoDataFrame,
    targets: dict[str, Sequence[Any]],
    path: str | Path,
    *,
    client: Any,
    npartitions: int = 8,
    access_speed_kph: float = 30.0,
    candidates: int = 32,
    weight: str = "travel_time",
) -> Any:
    """Time from every grid cell to the nearest of each target set, partitioned with dask-geopandas, to GeoParquet.

    The network costs to each target set come from one multi-source search
    each (cheap, on the client); the cells are then split into
    ``npartitions`` spatially sorted partitions (Hilbert order), and each
    partition snaps its cells to their ``candidates`` nearest road nodes and
    takes the quickest, exactly as :func:`linyi_spatial.travel_time_surface`.

    Parameters
    ----------
    G : networkx graph with node ``x``/``y`` and ``mode``
    grid : GeoDataFrame
        Cells (e.g. :func:`linyi_spatial.analysis_grid`), any CRS.
    targets : dict of column name -> node ids
        e.g. ``{"time_to_core_min": ["city_hall"]}``.
    path : path-like
        GeoParquet folder to write.
    client : dask.distributed.Client
    npartitions : int, default 8
    access_speed_kph : float, default 30
    candidates : int, default 32
    weight : str, default "travel_time"

    Returns
    -------
    dask_geopandas.GeoDataFrame
        Read back lazily from ``path``.

    Examples
    --------
    >>> surface_to_parquet(G, grid, {"time_to_core_min": ["city_hall"]}, "out/", client=client)  # doctest: +SKIP
    """
    _require_dask()
    import dask_geopandas

    _require_client(client)
    rg = routing_graph(G, weight)
    costs = {col: nearest_times(G, list(nodes), weight=weight)[0] for col, nodes in targets.items()}
    road = [
        (n, d["x"], d["y"], rg.index[n])
        for n, d in G.nodes(data=True)
        if d.get("mode", "road") == "road" and d.get("kind") != "external"
    ]
    table = pd.DataFrame(road, columns=["node", "x", "y", "row"])
    meta = grid.iloc[:0].copy()
    for col in costs:
        meta[col] = pd.Series(dtype=float)
    cells = grid.to_crs("EPSG:4326")
    cells = cells.iloc[np.argsort(cells.geometry.hilbert_distance().to_numpy(), kind="stable")]
    dgrid = dask_geopandas.from_geopandas(cells, npartitions=npartitions, sort=False)
    scattered = client.scatter([table, costs], broadcast=True)
    result = dgrid.map_partitions(_surface_part, scattered[0], scattered[1], access_speed_kph, candidates, meta=meta)
    Path(path).mkdir(parents=True, exist_ok=True)
    result.to_parquet(str(path))
    return dask_geopandas.read_parquet(str(path))
