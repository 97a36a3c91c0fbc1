"""The Dask engine on a 2-worker LocalCluster against the single-process engine."""

import contextlib
import os
import signal
import threading
import time

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from linyi_spatial.accessibility import (
    analysis_grid,
    cumulative_opportunities,
    hansen_accessibility,
    travel_time_surface,
)
from linyi_spatial.errors import ClusterError, DataError
from linyi_spatial.routing import travel_time_matrix
from linyi_spatial.testing.synthetic import grid_road_graph

distributed = pytest.importorskip("distributed")
pytest.importorskip("dask_geopandas")
from linyi_spatial import linyi  # noqa: E402
from linyi_spatial.routing import DaskEngine, read_parquet_parts  # noqa: E402


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c


@pytest.fixture(scope="module")
def problem():
    G = grid_road_graph(35, seed=9)
    G.add_node("island", x=118.0, y=35.0, mode="road", kind="synthetic")  # unreachable from everything
    rng = np.random.default_rng(1)
    origins = [*rng.choice(35 * 35, 90, replace=False).tolist(), "island"]
    dests = [*rng.choice(35 * 35, 25, replace=False).tolist(), "island"]
    return G, origins, dests, travel_time_matrix(G, origins, dests)


def assert_same(got: np.ndarray, ref: np.ndarray) -> None:
    assert np.array_equal(np.isinf(got), np.isinf(ref))
    fin = np.isfinite(ref)
    np.testing.assert_allclose(got[fin], ref[fin], rtol=1e-12)


def test_dask_matrix_equals_single_process(client, problem):
    G, origins, dests, ref = problem
    T = DaskEngine(client, G, block_size=20).travel_time_matrix(origins, dests)
    assert T.npartitions == 5
    got = T.compute().loc[ref.index]
    assert list(got.columns) == [str(d) for d in dests]
    assert_same(got.to_numpy(), ref.to_numpy())
    assert np.isinf(got.loc["island"].drop("island")).all()
    assert got.loc["island", "island"] == 0.0
    # bit-identical to the single-process engine run the same way (per origin)
    from linyi_spatial.routing import routing_graph, shortest_times

    per_origin = shortest_times(G, origins)[:, routing_graph(G).rows(dests)] / 60.0
    assert np.array_equal(got.loc[origins].to_numpy(), per_origin)


def test_streaming_under_a_memory_budget(client, problem, tmp_path):
    G, origins, dests, ref = problem
    budget = 1_000  # bytes: the 91 x 26 matrix (18.9 KB) does not fit
    engine = DaskEngine(client, G, block_size=10)
    with pytest.raises(DataError, match="over memory_budget_bytes"):
        engine.travel_time_matrix(origins, dests, memory_budget_bytes=budget)
    T = engine.travel_time_matrix(origins, dests, memory_budget_bytes=budget, path=tmp_path / "od")
    parts = sorted((tmp_path / "od").glob("part-*.parquet"))
    assert len(parts) == 10  # one file per block of 10 origins, each written by its task
    assert max(len(pd.read_parquet(p)) for p in parts) == 10
    got = T.compute().loc[[str(o) for o in ref.index]]
    assert_same(got.to_numpy(), ref.to_numpy())
    with pytest.raises(DataError, match="is not empty"):
        engine.travel_time_matrix(origins, dests, path=tmp_path / "od")


def test_reductions_inside_tasks(client, problem):
    G, origins, dests, ref = problem
    jobs = pd.Series(np.arange(1.0, len(dests) + 1), index=ref.columns, name="jobs")
    engine = DaskEngine(client, G, block_size=16)
    h = engine.hansen(origins, dests, jobs.to_numpy())
    np.testing.assert_allclose(h["hansen"], hansen_accessibility(ref, jobs).to_numpy(), rtol=1e-12)
    c = engine.cumulative(origins, dests, jobs.to_numpy(), cutoffs_min=(20, 40))
    np.testing.assert_allclose(c.to_numpy(), cumulative_opportunities(ref, jobs, (20, 40)).to_numpy())
    n = engine.nearest(origins, dests)
    np.testing.assert_allclose(n["time_to_nearest_min"], ref.min(axis=1))
    assert n.loc["island", "nearest"] == "island"
    with pytest.raises(DataError, match="explicit client"):
        DaskEngine(None, G)
    with pytest.raises(DataError, match="size has 2 values"):
        engine.hansen(origins, dests, [1.0, 2.0])


def test_partitioned_surface_equals_single_process(client, tmp_path):

    G = linyi.load_network(2020)
    structure = linyi.load_structure(axes="anchors")
    grid = analysis_grid(structure.units, cell_km=4.0)
    ref = travel_time_surface(G, structure, grid=grid)
    seats = list(structure.seats.index)
    out = DaskEngine(client, G).surface_to_parquet(
        grid,
        {"cell_time_to_core_min": ["city_hall"], "cell_time_to_nearest_seat_min": seats},
        tmp_path / "grid",
        npartitions=4,
    )
    assert out.npartitions == 4
    got = out.compute()
    assert len(got) == len(ref)
    # cells split by a county border share a cell_id: key pieces by cell and unit
    got = got.set_index(got["cell_id"] + "|" + got["unit"].astype(str)).loc[
        ref["cell_id"] + "|" + ref["unit"].astype(str)
    ]
    np.testing.assert_allclose(got["cell_time_to_core_min"], ref["cell_time_to_core_min"], rtol=1e-12)
    np.testing.assert_allclose(got["cell_time_to_nearest_seat_min"], ref["cell_time_to_nearest_seat_min"], rtol=1e-12)


def test_engine_refuses_a_changed_graph_and_a_closed_client(client, problem):
    G, origins, dests, _ = problem
    H = G.copy()
    engine = DaskEngine(client, H)
    u, v, k = next(iter(H.edges(keys=True)))
    H[u][v][k]["travel_time"] *= 10  # the scattered CSR no longer matches H
    with pytest.raises(DataError, match="the graph changed after the engine was built"):
        engine.nearest(origins, dests)

    class Closed:
        status = "closed"

        def scatter(self, *_args, **_kwargs):
            raise AssertionError("never called")

    with pytest.raises(DataError, match="client is closed"):
        DaskEngine(Closed(), G)


def test_parquet_folders_are_not_mixed(client, tmp_path):
    G = linyi.load_network(2020)
    structure = linyi.load_structure(axes="anchors")
    grid = analysis_grid(structure.units, cell_km=8.0)
    engine = DaskEngine(client, G)
    target = {"cell_time_to_core_min": ["city_hall"]}
    engine.surface_to_parquet(grid, target, tmp_path / "g", npartitions=4)
    with pytest.raises(DataError, match="is not empty; pass overwrite=True"):
        engine.surface_to_parquet(grid, target, tmp_path / "g", npartitions=2)
    again = engine.surface_to_parquet(grid, target, tmp_path / "g", npartitions=2, overwrite=True)
    assert len(again.compute()) == len(grid)  # not the rows of both runs
    (tmp_path / "g" / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(DataError, match=r"did not write: \['notes.txt'\]"):
        engine.surface_to_parquet(grid, target, tmp_path / "g", overwrite=True)
    assert (tmp_path / "g" / "notes.txt").read_text(encoding="utf-8") == "mine"


# -- faults: killed workers, lost data, partial folders, mixed ids, views


@contextlib.contextmanager
def own_cluster(n_workers):
    """A cluster of its own for a test that kills, restarts or starves workers (random dashboard port)."""
    with (
        distributed.LocalCluster(
            n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield cluster, c


def worker_pids(client):
    return client.run(os.getpid)  # address -> pid of each worker process


def process_gone(pid):
    """Whether ``pid`` has exited (gone, or a zombie awaiting its parent), read from /proc: no call to the
    cluster, which may still be waiting for the worker it lost."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


def test_a_worker_killed_mid_surface_gives_the_right_surface_or_a_named_error(tmp_path):
    """SIGKILL one of two workers while it computes: the right result, or ClusterError, within the timeout."""
    G = linyi.load_network(2020)
    structure = linyi.load_structure(axes="anchors")
    grid = analysis_grid(structure.units, cell_km=2.0)
    ref = travel_time_surface(G, structure, grid=grid)
    timeout_s = 90.0
    with own_cluster(2) as (_cluster, c):
        engine = DaskEngine(c, G, timeout_s=timeout_s)
        victim = next(iter(worker_pids(c).values()))
        threading.Timer(0.5, os.kill, (victim, signal.SIGKILL)).start()
        start = time.monotonic()
        try:
            written = engine.surface_to_parquet(
                grid, {"cell_time_to_core_min": ["city_hall"]}, tmp_path / "grid", npartitions=16
            )
            # read back here, not on the cluster that just lost a worker: only the engine's call is under test
            out = written.compute(scheduler="synchronous")
        except ClusterError as exc:  # acceptable: named, and in time
            failure = str(exc)
            out = None
        else:
            failure = ""
        print("worker killed mid-surface:", failure or "the right surface came back")
        assert time.monotonic() - start < 2 * timeout_s + 30
        assert process_gone(victim)  # the kill happened during the call
    if out is None:
        assert "restart" in failure or "did not finish" in failure
    else:
        assert len(out) == len(ref)
        key = out["cell_id"] + "|" + out["unit"].astype(str)
        got = out.set_index(key).loc[ref["cell_id"] + "|" + ref["unit"].astype(str)]
        np.testing.assert_allclose(got["cell_time_to_core_min"], ref["cell_time_to_core_min"], rtol=1e-12)


def test_an_engine_scatters_its_graph_again_after_the_workers_lose_it(problem):
    G, origins, dests, ref = problem
    with own_cluster(2) as (_cluster, c):
        engine = DaskEngine(c, G, block_size=20, timeout_s=60)
        before = engine.nearest(origins, dests)
        c.restart()  # every worker replaced: the scattered graph is gone
        after = engine.nearest(origins, dests)
    assert_same(after["time_to_nearest_min"].to_numpy(), before["time_to_nearest_min"].to_numpy())
    np.testing.assert_allclose(before["time_to_nearest_min"].to_numpy(), ref.min(axis=1).to_numpy(), rtol=1e-12)


def test_a_cluster_that_does_not_answer_in_time_is_a_named_error(problem):
    """The only worker thread is busy: the engine's tasks never start, and the wait ends at timeout_s, named."""
    G, origins, dests, _ = problem
    with own_cluster(1) as (_cluster, c):
        engine = DaskEngine(c, G, timeout_s=3)
        busy = c.submit(time.sleep, 60, pure=False)
        start = time.monotonic()
        with pytest.raises(ClusterError, match=r"nearest over \d+ task\(s\) did not finish within 3 s"):
            engine.nearest(origins, dests)
        assert time.monotonic() - start < 20
        c.cancel(busy)


def test_a_cluster_that_lost_every_worker_is_a_named_error_within_the_timeout(problem):
    G, origins, dests, _ = problem
    with own_cluster(1) as (cluster, c):
        engine = DaskEngine(c, G, timeout_s=3)
        cluster.scale(0)  # no workers left: the graph is lost and cannot be sent again
        while c.scheduler_info()["workers"]:
            time.sleep(0.1)
        start = time.monotonic()
        with pytest.raises(ClusterError, match=r"did not finish within 3 s"):
            engine.nearest(origins, dests)
        assert time.monotonic() - start < 30


def test_a_scatter_or_gather_that_never_returns_is_a_named_error_within_the_timeout(
    client, problem, monkeypatch, tmp_path
):
    """A broadcast to a worker killed a moment before can wait forever, past ``Client.scatter``'s own timeout
    (seen on a loaded machine); the engine gives up at its ``timeout_s`` instead. Run in a thread, so a
    regression fails here instead of hanging the suite."""
    import asyncio

    G, origins, dests, _ = problem
    engine = DaskEngine(client, G, timeout_s=2)

    async def never(*_args, **_kwargs):
        await asyncio.sleep(3600)

    def call(fn):
        box = {}
        thread = threading.Thread(target=lambda: box.update(out=_capture(fn)), daemon=True)
        start = time.monotonic()
        thread.start()
        thread.join(60)
        assert not thread.is_alive(), "the engine waited past its timeout_s"
        return box["out"], time.monotonic() - start

    grid = analysis_grid(linyi.load_structure(axes="anchors").units, cell_km=16.0)
    on_linyi = DaskEngine(client, linyi.load_network(2020), timeout_s=2)
    monkeypatch.setattr(client, "_scatter", never)
    err, took = call(lambda: on_linyi.surface_to_parquet(grid, {"t_min": ["city_hall"]}, tmp_path / "g", npartitions=1))
    assert isinstance(err, ClusterError)
    assert "scattering the grid's link index" in str(err)
    assert took < 30
    monkeypatch.undo()
    monkeypatch.setattr(client, "_gather", never)
    err, took = call(lambda: engine.nearest(origins, dests))
    assert isinstance(err, ClusterError)
    assert "could not be fetched within 2 s" in str(err)
    assert took < 30


def _capture(fn):
    try:
        return fn()
    except Exception as exc:  # the test inspects what was raised
        return exc


def test_a_partial_parquet_folder_is_refused(client, problem, tmp_path):
    G, origins, dests, ref = problem
    engine = DaskEngine(client, G, block_size=10)
    out = tmp_path / "m"
    full = engine.travel_time_matrix(origins, dests, path=out).compute()
    assert len(full) == len(ref)
    assert len(read_parquet_parts(out).compute()) == len(ref)
    parts = sorted(out.glob("part-*.parquet"))
    parts[3].unlink()  # a part lost (a killed writer, a cleanup)
    with pytest.raises(DataError, match=r"incomplete or changed: part part-00003.parquet is missing"):
        read_parquet_parts(out)
    (out / "_linyi_spatial_manifest.json").unlink()  # a run killed before it finished writes no manifest
    with pytest.raises(DataError, match="has no manifest"):
        read_parquet_parts(out)
    again = engine.travel_time_matrix(origins, dests, path=out, overwrite=True).compute()
    assert len(again) == len(ref)
    (out / ".part-00001.12345-0123abcd.tmp.parquet").write_bytes(b"debris of a killed run")
    assert len(engine.travel_time_matrix(origins, dests, path=out, overwrite=True).compute()) == len(ref)


def test_ids_that_collide_as_text_are_refused(client):
    G = nx.relabel_nodes(grid_road_graph(6, seed=1), {7: "5"})  # node "5" (text) beside node 5 (a number)
    engine = DaskEngine(client, G)
    with pytest.raises(DataError, match=r"destination ids \['5'\] are the same as text"):
        engine.nearest([1, 2], [5, "5"])
    with pytest.raises(DataError, match=r"origin ids \['5'\] are the same as text"):
        engine.nearest([5, "5"], [1, 2])


def test_an_engine_on_a_subgraph_view_works_and_still_sees_changes(client, problem):
    G, _, _, _ = problem
    H = G.copy()
    view = H.subgraph([n for n in H.nodes if n != "island"])
    nodes = list(view.nodes)[:20]
    engine = DaskEngine(client, view)
    got = engine.nearest(nodes[:5], nodes[5:])
    ref = travel_time_matrix(view, nodes[:5], nodes[5:]).min(axis=1)
    np.testing.assert_allclose(got["time_to_nearest_min"].to_numpy(), ref.to_numpy(), rtol=1e-12)
    u, v, k = next(iter(view.edges(keys=True)))
    H[u][v][k]["travel_time"] *= 10
    with pytest.raises(DataError, match="the graph changed"):
        engine.nearest(nodes[:5], nodes[5:])


def test_a_sensitivity_run_on_the_cluster_equals_the_one_in_process(client):
    """linyi_spatial.sensitivity on a Dask cluster (its executor): the same samples, the same values."""
    from linyi_spatial import sensitivity as sa
    from linyi_spatial.testing import made_up_network, made_up_structure

    space = sa.ParameterSpace([sa.speed("trunk", 45, 75, 60), sa.access_speed(20, 40, 30)])
    args = (sa.unit_scores(cell_km=10), made_up_network(2020), made_up_structure(), space)
    here = sa.sensitivity(*args, n=8, seed=3)
    there = sa.sensitivity(*args, n=8, seed=3, executor=client.get_executor())
    np.testing.assert_array_equal(here.values, there.values)
    pd.testing.assert_frame_equal(here.design, there.design)
