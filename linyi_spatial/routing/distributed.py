"""Scale-out on Dask: origin-partitioned routing with the graph scattered once to the workers.

Nothing here runs unless asked for with an explicit ``client`` (a
``dask.distributed.Client``): the single-process engine in
:mod:`linyi_spatial.routing` stays the default. Install with
``pip install 'linyi_spatial[dask]'``.

Design
------
- A :class:`DaskEngine` is built for one graph and one client. It scatters
  the graph's CSR form (:func:`~linyi_spatial.routing.routing_graph`) and
  its :class:`~linyi_spatial.network.NodeIndex` once with
  ``broadcast=True``; every task receives the same worker-local copies. The
  engine owns its scattered graph, so a future of one graph can never be
  used with another.
- Work is partitioned by origins: a task routes ``block_size`` origins with
  :func:`~linyi_spatial.routing.batched_dijkstra` in sub-batches of
  ``batch_size``, so it holds at most ``batch_size × nodes`` floats.
- Matrices that do not fit are never materialised: either each task writes
  its block to a Parquet part file (``path=``), or the work is reduced
  inside the task (:meth:`DaskEngine.nearest`, :meth:`DaskEngine.cumulative`,
  :meth:`DaskEngine.hansen`) and only one row per origin comes back.
- Grids: :meth:`DaskEngine.surface_to_parquet` links and times grid cells
  partition by partition with dask-geopandas and writes GeoParquet.

Failures
--------
- Every scatter and every wait for results has a timeout (``timeout_s``);
  past it the work is cancelled and a :class:`~linyi_spatial.errors.ClusterError`
  says what did not finish, instead of blocking forever.
- When the workers lose the scattered graph (all workers holding it died),
  the engine scatters it again and reruns the work once; a second loss is a
  ``ClusterError`` telling how to restart.
- A Parquet folder is complete only with its manifest
  (``_linyi_spatial_manifest.json``: part names and row counts), written
  last; :func:`read_parquet_parts` (used to return every result) refuses a
  folder without one, with a missing or changed part, or with a stray one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Mapping, Sequence
from concurrent.futures import CancelledError
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd

from .._checks import count, masses, number
from .._io import replacing, write_text
from .._version import __version__
from ..decay import DEFAULT_HALF_LIFE_MIN, Decay, decay_weights
from ..errors import ClusterError, DataError, LinyiSpatialError
from ..network.link import DEFAULT_ACCESS, Access, EdgeIndex, NodeIndex
from .engine import RoutingGraph, batched_dijkstra, nearest_times, routing_graph
from .matrix import Places, resolve_places

if TYPE_CHECKING:
    import dask.dataframe as dd
    import dask_geopandas
    from distributed import Client

__all__ = ["MANIFEST", "DaskEngine", "read_parquet_parts"]


def _require_dask() -> Any:
    try:
        import dask
        import dask.dataframe
        import distributed  # noqa: F401
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise LinyiSpatialError("the Dask engine needs: pip install 'linyi_spatial[dask]'") from exc
    return dask


MANIFEST = "_linyi_spatial_manifest.json"
"""The file that makes a Parquet folder complete: written last, it lists every part and its row count."""

_OWN_FILES = ("part-*.parquet", "part.*.parquet", ".part-*.tmp.parquet", "_metadata", "_common_metadata", MANIFEST)

DEFAULT_TIMEOUT_S = 600.0
"""How long the engine waits for a scatter or a computation before it cancels and says so."""


def _prepare_folder(path: Path, overwrite: bool) -> None:
    """Create ``path``; refuse it when it holds files, unless ``overwrite`` and they are all the engine's own."""
    path.mkdir(parents=True, exist_ok=True)
    present = set(path.iterdir())
    if not present:
        return
    own = {p for pattern in _OWN_FILES for p in path.glob(pattern)}
    foreign = sorted(p.name for p in present - own)
    if not overwrite or foreign:
        hint = f"it holds files the engine did not write: {foreign[:5]}" if foreign else "pass overwrite=True"
        raise DataError(f"output folder {path} is not empty; {hint}")
    (path / MANIFEST).unlink(missing_ok=True)  # first: a folder being rewritten is never complete
    for p in own:
        p.unlink(missing_ok=True)


def _parts(path: Path) -> list[Path]:
    return sorted(p for pattern in ("part-*.parquet", "part.*.parquet") for p in path.glob(pattern))


def _rows(part: Path) -> int:
    import pyarrow.parquet as pq

    return int(pq.ParquetFile(part).metadata.num_rows)


def _write_manifest(path: Path, kind: str) -> None:
    """List every part of ``path`` with its row count, last, so the folder is known complete."""
    parts = {p.name: _rows(p) for p in _parts(path)}
    body = {"kind": kind, "parts": parts, "rows": sum(parts.values()), "written_by": f"linyi_spatial {__version__}"}
    write_text(path / MANIFEST, json.dumps(body, indent=1))


def read_parquet_parts(path: str | Path, *, geo: bool = False) -> Any:
    """Read a Parquet folder written by :class:`DaskEngine`, refusing it unless it is complete.

    Parameters
    ----------
    path : path-like
        A folder from :meth:`DaskEngine.travel_time_matrix` (``path=``) or
        :meth:`DaskEngine.surface_to_parquet`.
    geo : bool, default False
        Read as a dask-geopandas GeoDataFrame (surfaces).

    Returns
    -------
    dask.dataframe.DataFrame or dask_geopandas.GeoDataFrame

    Raises
    ------
    DataError
        If the manifest is missing (the run was interrupted, or another
        program wrote the folder), a listed part is missing or has another
        row count, or a part is not listed.

    Examples
    --------
    >>> read_parquet_parts("no/such/folder")
    Traceback (most recent call last):
    ...
    linyi_spatial.errors.DataError: no/such/folder has no manifest (_linyi_spatial_manifest.json): ...
    """
    folder = Path(path)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        listed = {str(k): int(v) for k, v in manifest["parts"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise DataError(
            f"{folder} has no manifest ({MANIFEST}): the run that wrote it did not finish, "
            "or it was not written by linyi_spatial; write it again"
        ) from None
    found = {p.name: p for p in _parts(folder)}
    problems = [f"part {n} is missing" for n in sorted(set(listed) - set(found))]
    problems += [f"part {n} is not in the manifest" for n in sorted(set(found) - set(listed))]
    problems += [
        f"part {n} has {_rows(found[n])} rows, the manifest says {rows}"
        for n, rows in sorted(listed.items())
        if n in found and _rows(found[n]) != rows
    ]
    if problems:
        raise DataError([f"{folder} is incomplete or changed: {p}" for p in problems])
    files = [str(found[n]) for n in sorted(listed)]
    if geo:
        import dask_geopandas

        return dask_geopandas.read_parquet(files)
    import dask.dataframe as dd

    return dd.read_parquet(files)


def _times(rg: RoutingGraph, task: dict[str, Any]) -> np.ndarray:
    """Minutes from a block of origins to all destinations (access legs included, cutoff applied)."""
    d = batched_dijkstra(
        rg.forward, task["o_rows"], max_cost=task["limit"], batch_size=task["batch_size"], columns=task["d_rows"]
    )
    T = (d + task["o_access"][:, None] + task["d_access"][None, :]) / 60.0
    if np.isfinite(task["limit"]):
        T[T * 60.0 > task["limit"]] = np.inf
    return T


def _matrix_block(rg: RoutingGraph, task: dict[str, Any]) -> pd.DataFrame | int:
    frame = pd.DataFrame(
        _times(rg, task),
        index=pd.Index(task["o_labels"], name="origin"),
        columns=[str(c) for c in task["d_labels"]],
    )
    if task["path"] is None:
        return frame
    frame.index = frame.index.map(str)  # Parquet needs one type per column
    with replacing(Path(task["path"]) / f"part-{task['part']:05d}.parquet") as tmp:
        frame.to_parquet(tmp)
    return len(frame)


def _reduce_block(rg: RoutingGraph, task: dict[str, Any]) -> np.ndarray:
    T = _times(rg, task)
    kind = task["measure"]
    if kind == "nearest":
        k = np.argmin(T, axis=1)
        best = T[np.arange(len(T)), k]
        return np.column_stack([best, np.where(np.isfinite(best), k, -1)])
    size = task["size"]
    if kind == "cumulative":
        return np.column_stack([(T <= c) @ size for c in task["cutoffs_min"]])
    return (decay_weights(T, task["decay"], half_life_min=task["half_life_min"]) @ size)[:, None]


def _surface_part(
    part: gpd.GeoDataFrame,
    index: NodeIndex | EdgeIndex,
    rows: Mapping[Any, int],
    costs: dict[str, np.ndarray],
    access: Access,
) -> gpd.GeoDataFrame:
    out = part.copy()
    if len(part) == 0:
        for col in costs:
            out[col] = pd.Series(dtype=float)
        return out
    points = part.geometry.representative_point()
    if isinstance(index, EdgeIndex):
        nodes, seconds, _ = index.link(points, access)
    else:
        nodes, dist = index.query(points, access.candidates)
        seconds = access.seconds(dist)
    node_rows = np.vectorize(rows.__getitem__, otypes=[np.int64])(nodes)
    for col, cost in costs.items():
        out[col] = np.min(seconds + cost[node_rows], axis=1) / 60.0
    return out


class DaskEngine:
    """Routing for one graph on one Dask cluster, with the graph scattered once.

    Parameters
    ----------
    client : dask.distributed.Client
        Required: the Dask engine is never chosen implicitly.
    G : networkx graph
        With node ``x``/``y`` and a seconds-valued ``weight``.
    weight : str, default "travel_time"
        Edge attribute in seconds.
    block_size : int, default 256
        Origins per task (one Parquet part each).
    batch_size : int, default 32
        Origins per scipy call inside a task (bounds task memory).
    timeout_s : float, default 600
        Longest wait for a scatter or a computation; past it the work is
        cancelled and a :class:`~linyi_spatial.errors.ClusterError` raised.

    Raises
    ------
    DataError
        If ``client`` is not a Dask client or the sizes are not positive.
    ClusterError
        If the graph cannot be scattered within ``timeout_s``.

    Examples
    --------
    >>> from distributed import Client, LocalCluster  # doctest: +SKIP
    >>> engine = DaskEngine(Client(LocalCluster(n_workers=2)), G)  # doctest: +SKIP
    >>> engine.travel_time_matrix(origins, destinations).compute()  # doctest: +SKIP
    """

    def __init__(
        self,
        client: Client,
        G: nx.Graph,
        *,
        weight: str = "travel_time",
        block_size: int = 256,
        batch_size: int = 32,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        _require_dask()
        if client is None or not hasattr(client, "scatter"):
            raise DataError("the Dask engine needs an explicit client=dask.distributed.Client(...)")
        if getattr(client, "status", "running") in ("closed", "closing"):
            raise DataError("the Dask client is closed; open a new one")
        block_size, batch_size = count("block_size", block_size), count("batch_size", batch_size)
        self.client = client
        self.G = G
        self.weight = weight
        self.block_size = block_size
        self.batch_size = batch_size
        self.timeout_s = number("timeout_s", timeout_s, allow_low=False)
        self.routing = routing_graph(G, weight)
        self._scattered = self._scatter(self.routing, "the graph")

    def __repr__(self) -> str:
        return f"DaskEngine({len(self.routing.nodes):,} nodes, weight={self.weight!r}, block_size={self.block_size})"

    # ------------------------------------------------------------------ helpers
    def _scatter(self, data: Any, what: str) -> Any:
        """Scatter ``data`` to every worker, or a ClusterError naming it when that does not finish in time."""
        try:
            return self._bounded("scatter", data, broadcast=True, hash=False, timeout=self.timeout_s)
        except (TimeoutError, OSError, CancelledError) as exc:
            raise ClusterError(
                f"scattering {what} to the workers did not finish within {self.timeout_s:g} s "
                f"({type(exc).__name__}): the cluster may have lost workers; check client.scheduler_info(), "
                "or restart it (client.restart()) and build a new DaskEngine"
            ) from None

    def _bounded(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """Call a client method, given up (``TimeoutError``) after ``timeout_s`` whatever the cluster does.

        ``Client.scatter``'s own ``timeout`` only bounds the wait for workers: a
        broadcast to a worker killed a moment before waits for it indefinitely.
        Running the method's coroutine under the client's ``callback_timeout``
        cancels it at the deadline instead.
        """
        coroutine = getattr(self.client, f"_{method}", None)
        if coroutine is None or self.client.asynchronous:  # pragma: no cover - a client without the coroutine form
            return getattr(self.client, method)(*args, **kwargs)
        return self.client.sync(coroutine, *args, callback_timeout=self.timeout_s, **kwargs)

    def _wait(self, futures: list[Any], what: str) -> list[Any]:
        """Results of ``futures``, waiting at most ``timeout_s``; the futures are cancelled on a timeout."""
        from distributed import wait

        try:
            wait(futures, timeout=self.timeout_s)
        except TimeoutError:
            self.client.cancel(futures)
            raise ClusterError(
                f"{what} did not finish within {self.timeout_s:g} s (timeout_s); workers may have died or be "
                "overloaded: check client.scheduler_info()"
            ) from None
        try:
            return list(self._bounded("gather", futures))
        except TimeoutError:
            raise ClusterError(
                f"the results of {what} could not be fetched within {self.timeout_s:g} s (timeout_s): the worker "
                "holding them may have died; restart the cluster (client.restart()) and build a new DaskEngine"
            ) from None

    def _run(self, submit: Callable[[Any], list[Any]], what: str) -> list[Any]:
        """Submit work on the scattered graph and wait; scatter the graph again and rerun once if it was lost."""
        from distributed import KilledWorker

        for attempt in (1, 2):
            try:
                return self._wait(submit(self._scattered), what)
            except (CancelledError, KilledWorker) as exc:
                if attempt == 2:
                    raise ClusterError(
                        f"{what} failed twice, the second time after the graph was scattered again "
                        f"({type(exc).__name__}: {exc}); restart the cluster (client.restart()) and build a new "
                        "DaskEngine"
                    ) from None
                if self._scattered.status != "finished":  # the workers lost the graph: send it again
                    self._scattered = self._scatter(self.routing, "the graph")
        raise AssertionError("unreachable")  # pragma: no cover

    def _check_graph(self) -> None:
        """Refuse a graph changed since the engine was built (views, which are never cached, by their arrays)."""
        now = routing_graph(self.G, self.weight)
        if now is self.routing:
            return
        same = (
            hasattr(self.G, "_graph")
            and list(now.nodes) == list(self.routing.nodes)
            and all(
                np.array_equal(getattr(now.forward, a), getattr(self.routing.forward, a))
                for a in ("data", "indices", "indptr")
            )
        )
        if not same:
            raise DataError("the graph changed after the engine was built; build a new DaskEngine")

    def _tasks(
        self, origins: Places, destinations: Places, cutoff_min: float | None, access: Access | None, **extra: Any
    ) -> tuple[pd.DataFrame, pd.DataFrame, list[dict[str, Any]]]:
        self._check_graph()
        o = resolve_places(self.G, origins, access=access, label="origin")
        d = resolve_places(self.G, destinations, access=access, label="destination")
        for frame, label in ((o, "origin"), (d, "destination")):
            as_text = pd.Series([str(x) for x in frame.index])
            clash = sorted({str(x) for x in frame.index[as_text.duplicated(keep=False).to_numpy()]})
            if clash and not frame.index.duplicated().any():
                raise DataError(
                    f"{label} ids {clash[:5]} are the same as text (e.g. 5 and '5'): results are labelled by text "
                    "(Parquet columns are strings), so they would collide; make the ids one type"
                )
        unlinked = o.index[o["node"].isna()].tolist() + d.index[d["node"].isna()].tolist()
        if unlinked:
            raise DataError(f"place(s) could not be linked to the graph: {unlinked[:10]}")
        if cutoff_min is not None:
            cutoff_min = number("cutoff_min", cutoff_min)
        o_rows, d_rows = self.routing.rows(o["node"]), self.routing.rows(d["node"])
        o_acc, d_acc = o["access_time_s"].to_numpy(), d["access_time_s"].to_numpy()
        tasks = [
            {
                "o_rows": o_rows[s : s + self.block_size],
                "o_access": o_acc[s : s + self.block_size],
                "o_labels": list(o.index[s : s + self.block_size]),
                "d_rows": d_rows,
                "d_access": d_acc,
                "d_labels": list(d.index),
                "limit": np.inf if cutoff_min is None else float(cutoff_min) * 60.0,
                "batch_size": self.batch_size,
                "part": k,
                **extra,
            }
            for k, s in enumerate(range(0, len(o), self.block_size))
        ]
        return o, d, tasks

    def _reduce(self, tasks: list[dict[str, Any]]) -> np.ndarray:
        def submit(graph: Any) -> list[Any]:
            return [self.client.submit(_reduce_block, graph, t, pure=False) for t in tasks]

        return np.vstack(self._run(submit, f"{tasks[0]['measure']} over {len(tasks)} task(s)"))

    # ------------------------------------------------------------------ matrices
    def travel_time_matrix(
        self,
        origins: Places,
        destinations: Places,
        *,
        cutoff_min: float | None = None,
        access: Access | None = None,
        path: str | Path | None = None,
        memory_budget_bytes: float = 2e9,
        overwrite: bool = False,
    ) -> dd.DataFrame:
        """Origin-destination travel times (minutes), partitioned by origins.

        Same values as :func:`linyi_spatial.routing.travel_time_matrix` (``inf``
        where unreachable; finite values agree to ~1e-14, the floating-point
        order of per-origin against per-destination searches). Without
        ``path`` the result is a lazy Dask DataFrame with one partition per
        origin block; a matrix larger than ``memory_budget_bytes`` is refused
        unless ``path`` is given, in which case every task writes its block
        to ``path/part-NNNNN.parquet`` and the method returns
        ``dask.dataframe.read_parquet(path)``.

        Parameters
        ----------
        origins, destinations : node ids or point GeoDataFrame/GeoSeries
            As in :func:`linyi_spatial.routing.travel_time_matrix`.
        cutoff_min : float, optional
            Pairs beyond this many minutes are ``inf``.
        access : Access, optional
            The access leg of linked points.
        path : path-like, optional
            Folder for Parquet parts (created; must be empty).
        memory_budget_bytes : float, default 2e9
            Largest matrix returned without ``path``.
        overwrite : bool, default False
            Replace the engine's own part files in ``path`` (other files are never touched).

        Returns
        -------
        dask.dataframe.DataFrame
            Index ``origin``, one column per destination (labels as strings;
            with ``path`` the origin labels are strings too, and the folder
            has a manifest: read it again with :func:`read_parquet_parts`).

        Raises
        ------
        DataError
            If the matrix exceeds the budget without ``path``, ``path`` is not
            empty, or ids collide as text (``5`` and ``"5"``).
        ClusterError
            If the cluster does not finish within ``timeout_s`` or loses the graph twice.

        Examples
        --------
        >>> engine.travel_time_matrix(origins, destinations).compute()  # doctest: +SKIP
        """
        dask = _require_dask()
        import dask.dataframe as dd

        out = None if path is None else Path(path)
        o, d, tasks = self._tasks(origins, destinations, cutoff_min, access, path=None if out is None else str(out))
        size = 8.0 * len(o) * len(d)
        if out is None and size > memory_budget_bytes:
            raise DataError(
                f"the {len(o):,} x {len(d):,} matrix needs {size / 1e9:.2f} GB, over memory_budget_bytes="
                f"{memory_budget_bytes:.3g}: pass path= to stream it to Parquet, or reduce it in the tasks"
            )
        if out is not None:
            _prepare_folder(out, overwrite)
            self._run(
                lambda graph: [self.client.submit(_matrix_block, graph, t, pure=False) for t in tasks],
                f"the travel-time matrix into {out}",
            )
            _write_manifest(out, "matrix")
            return read_parquet_parts(out)
        meta = pd.DataFrame({str(c): pd.Series(dtype=float) for c in d.index})
        meta.index = pd.Index([], name="origin", dtype=o.index.dtype)
        parts = [dask.delayed(_matrix_block)(self._scattered, t) for t in tasks]
        return dd.from_delayed(parts, meta=meta, verify_meta=False)

    # ------------------------------------------------------------------ reductions
    def nearest(
        self, origins: Places, destinations: Places, *, cutoff_min: float | None = None, access: Access | None = None
    ) -> pd.DataFrame:
        """Time to the nearest destination, reduced inside each task.

        Parameters
        ----------
        origins, destinations : node ids or point GeoDataFrame/GeoSeries
        cutoff_min : float, optional
        access : Access, optional

        Returns
        -------
        pandas.DataFrame
            Indexed by origin: ``time_to_nearest_min`` and ``nearest``
            (destination label, None where nothing is reachable).

        Examples
        --------
        >>> engine.nearest(origins, destinations)  # doctest: +SKIP
        """
        o, d, tasks = self._tasks(origins, destinations, cutoff_min, access, measure="nearest")
        values = self._reduce(tasks)
        k = values[:, 1].astype(int)
        labels = np.asarray(d.index, dtype=object)
        return pd.DataFrame(
            {"time_to_nearest_min": values[:, 0], "nearest": np.where(k >= 0, labels[np.maximum(k, 0)], None)},
            index=o.index,
        )

    def cumulative(
        self,
        origins: Places,
        destinations: Places,
        size: Sequence[float] | None = None,
        *,
        cutoffs_min: Sequence[float] = (30, 60, 90),
        access: Access | None = None,
    ) -> pd.DataFrame:
        """Cumulative opportunities ``Σ_j size_j [t_ij ≤ c]`` per cutoff, reduced inside each task.

        Parameters
        ----------
        origins, destinations : node ids or point GeoDataFrame/GeoSeries
        size : sequence of float, optional
            Opportunity per destination (default 1 each).
        cutoffs_min : sequence of float, default (30, 60, 90)
        access : Access, optional

        Returns
        -------
        pandas.DataFrame
            Columns ``size_within_<c>min``.

        Examples
        --------
        >>> engine.cumulative(origins, destinations, [1.0, 2.0])  # doctest: +SKIP
        """
        o, d, tasks = self._tasks(origins, destinations, None, access, measure="cumulative")
        m = masses(size, len(d))
        for t in tasks:
            t.update(size=m, cutoffs_min=list(cutoffs_min))
        values = self._reduce(tasks)
        return pd.DataFrame(values, index=o.index, columns=[f"size_within_{c:g}min" for c in cutoffs_min])

    def hansen(
        self,
        origins: Places,
        destinations: Places,
        size: Sequence[float] | None = None,
        *,
        decay: Decay = "exponential",
        half_life_min: float = DEFAULT_HALF_LIFE_MIN,
        cutoff_min: float | None = None,
        access: Access | None = None,
    ) -> pd.DataFrame:
        """Hansen accessibility ``Σ_j size_j f(t_ij)``, reduced inside each task.

        Parameters
        ----------
        origins, destinations : node ids or point GeoDataFrame/GeoSeries
        size : sequence of float, optional
            Opportunity per destination (default 1 each).
        decay : {"exponential", "power", "gaussian"}, default "exponential"
        half_life_min : float, default 30
        cutoff_min : float, optional
            Search radius; pairs beyond count as unreachable.
        access : Access, optional

        Returns
        -------
        pandas.DataFrame
            Column ``hansen``.

        Examples
        --------
        >>> engine.hansen(origins, destinations, [1.0, 2.0])  # doctest: +SKIP
        """
        decay_weights([0.0], decay, half_life_min=half_life_min)  # validate before any task runs
        o, d, tasks = self._tasks(origins, destinations, cutoff_min, access, measure="hansen")
        m = masses(size, len(d))
        for t in tasks:
            t.update(size=m, decay=decay, half_life_min=half_life_min)
        return pd.DataFrame({"hansen": self._reduce(tasks)[:, 0]}, index=o.index)

    # ------------------------------------------------------------------ grids
    def surface_to_parquet(
        self,
        grid: gpd.GeoDataFrame,
        targets: Mapping[str, Sequence[Hashable]],
        path: str | Path,
        *,
        npartitions: int = 8,
        access: Access | None = None,
        overwrite: bool = False,
    ) -> dask_geopandas.GeoDataFrame:
        """Time from every grid cell to the nearest of each target set, to GeoParquet.

        The network costs to each target set come from one multi-source
        search each (on the client); the cells are split into ``npartitions``
        spatially sorted partitions (Hilbert order), and each partition links
        its cells as ``access`` says (to the nearest usable edge, or to the
        ``access.candidates`` nearest nodes) and takes the quickest, exactly
        as :func:`linyi_spatial.accessibility.travel_time_surface`.

        Parameters
        ----------
        grid : GeoDataFrame
            Cells (e.g. :func:`linyi_spatial.accessibility.analysis_grid`), any CRS.
        targets : mapping of column name -> node ids
            e.g. ``{"cell_time_to_core_min": ["hall"]}``.
        path : path-like
            GeoParquet folder to write (created; must be empty).
        npartitions : int, default 8
        access : Access, optional
        overwrite : bool, default False
            Replace the engine's own part files in ``path`` (other files are never touched).

        Returns
        -------
        dask_geopandas.GeoDataFrame
            Read back lazily from ``path`` (complete: its manifest is checked).

        Raises
        ------
        DataError
            If ``path`` is not empty.
        ClusterError
            If the cluster does not finish within ``timeout_s`` or loses its data twice.

        Examples
        --------
        >>> engine.surface_to_parquet(grid, {"cell_time_to_core_min": ["hall"]}, "out/")  # doctest: +SKIP
        """
        _require_dask()
        import dask_geopandas

        access = DEFAULT_ACCESS if access is None else access
        out = Path(path)
        _prepare_folder(out, overwrite)
        costs = {col: nearest_times(self.G, list(nodes), weight=self.weight)[0] for col, nodes in targets.items()}
        index = (
            EdgeIndex.from_graph(self.G, access) if access.link_to == "edges" else NodeIndex.from_graph(self.G, access)
        )
        meta = grid.iloc[:0].copy()
        for col in costs:
            meta[col] = pd.Series(dtype=float)
        cells = grid.to_crs("EPSG:4326")
        cells = cells.iloc[np.argsort(cells.geometry.hilbert_distance().to_numpy(), kind="stable")]
        dgrid = dask_geopandas.from_geopandas(cells, npartitions=npartitions, sort=False)
        inputs = [index, dict(self.routing.index), costs]

        def submit(_graph: Any) -> list[Any]:
            shared = self._scatter(inputs, "the grid's link index and costs")
            result = dgrid.map_partitions(_surface_part, shared[0], shared[1], shared[2], access, meta=meta)
            return [self.client.compute(result.to_parquet(str(out), compute=False))]

        self._run(submit, f"the surface into {out}")
        _write_manifest(out, "surface")
        return read_parquet_parts(out, geo=True)
