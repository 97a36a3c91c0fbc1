"""The Dask engine on a 2-worker LocalCluster against the single-process engine."""

import numpy as np
import pandas as pd
import pytest

from linyi_spatial.accessibility import (
    analysis_grid,
    cumulative_opportunities,
    hansen_accessibility,
    travel_time_surface,
)
from linyi_spatial.errors import DataError
from linyi_spatial.routing import travel_time_matrix
from linyi_spatial.testing.synthetic import grid_road_graph

distributed = pytest.importorskip("distributed")
pytest.importorskip("dask_geopandas")
from linyi_spatial import linyi  # noqa: E402
from linyi_spatial.routing import DaskEngine  # noqa: E402


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
        grid, {"time_to_core_min": ["city_hall"], "time_to_nearest_seat_min": seats}, tmp_path / "grid", npartitions=4
    )
    assert out.npartitions == 4
    got = out.compute()
    assert len(got) == len(ref)
    # cells split by a county border share a cell_id: key pieces by cell and unit
    got = got.set_index(got["cell_id"] + "|" + got["unit"].astype(str)).loc[
        ref["cell_id"] + "|" + ref["unit"].astype(str)
    ]
    np.testing.assert_allclose(got["time_to_core_min"], ref["time_to_core_min"], rtol=1e-12)
    np.testing.assert_allclose(got["time_to_nearest_seat_min"], ref["time_to_nearest_seat_min"], rtol=1e-12)


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
    target = {"time_to_core_min": ["city_hall"]}
    engine.surface_to_parquet(grid, target, tmp_path / "g", npartitions=4)
    with pytest.raises(DataError, match="is not empty; pass overwrite=True"):
        engine.surface_to_parquet(grid, target, tmp_path / "g", npartitions=2)
    again = engine.surface_to_parquet(grid, target, tmp_path / "g", npartitions=2, overwrite=True)
    assert len(again.compute()) == len(grid)  # not the rows of both runs
    (tmp_path / "g" / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(DataError, match=r"did not write: \['notes.txt'\]"):
        engine.surface_to_parquet(grid, target, tmp_path / "g", overwrite=True)
    assert (tmp_path / "g" / "notes.txt").read_text(encoding="utf-8") == "mine"
