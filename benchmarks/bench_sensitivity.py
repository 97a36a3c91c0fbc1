"""Sensitivity benchmark: Linyi's county figures over 200 samples, and a sample's cost against a full rebuild.

Run:  python benchmarks/bench_sensitivity.py            (full: linyi.sensitivity(2020) with 200 samples, 2 processes;
                                                        re-timing a 202,500-node graph)
      python benchmarks/bench_sensitivity.py --quick    (CI size: 20 samples; a 14,400-node graph)

Three measurements, each with its baseline in the same run:

* ``linyi.sensitivity(2020, n=200)``: the whole run (200 Latin-hypercube
  samples plus two one-at-a-time runs per parameter, 16 parameters, 1 km
  cells, 2 worker processes) against the goal of 60 s on two cores;
* one sample of Linyi's county figures, re-timed (the library: the graphs
  compiled once, each sample re-times them, the grid and its cell links
  kept) against the same figures computed from scratch as a user would
  without the API (both networks built again from the tables with the
  sample's speeds and penalty, a new grid and population surface, the
  surface and the scores); every figure of the two must agree;
* re-timing a prefecture-sized synthetic graph
  (:func:`linyi_spatial.testing.grid_road_graph`) for a new speed of one
  class against rebuilding its routing form from the graph, with the
  routing results compared.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from _timing import header, summary, target, timed

from linyi_spatial import linyi
from linyi_spatial import sensitivity as sa
from linyi_spatial.accessibility import analysis_grid, seat_accessibility, travel_time_surface, unit_accessibility
from linyi_spatial.accessibility.population import PLACE_WEIGHTS, structure_population
from linyi_spatial.accessibility.scores import default_weights
from linyi_spatial.decay import DecayFunction
from linyi_spatial.linyi.defaults import CAR_MODES, SENSITIVITY_SPACE
from linyi_spatial.network import Access
from linyi_spatial.routing import clear_cache, nearest_times
from linyi_spatial.routing.engine import routing_graph
from linyi_spatial.testing import grid_road_graph

FIGURES = ("time_to_core_min", "pop_share_within_60min_of_core", "pop_mean_time_to_core_min", "hansen_size")


def from_scratch(v: pd.Series, reference: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """One sample's county figures the long way: networks, grid, population, surface and scores built anew."""
    kph = {"expressway": v["speed_expressway_kph"], "trunk": v["speed_trunk_kph"]}
    kph |= {"urban": v["speed_urban_kph"], "connector": v["speed_connector_kph"]}
    car = linyi.load_network(2020, modes=CAR_MODES, speeds_kph=kph)
    both = linyi.load_network(2020, speeds_kph=kph, station_penalty_min=v["station_penalty_min"])
    longer = {"expressway": v["expressway_length_factor"], "trunk": v["road_length_factor"],
              "urban": v["road_length_factor"], "connector": v["connector_length_factor"]}  # fmt: skip
    for G in (car, both):  # roads that much longer at the same speed (fresh graphs, never routed)
        for _, _, d in G.edges(data=True):
            d["travel_time"] *= longer.get(d["class"], 1.0)
    structure = linyi.load_structure(axes="anchors")
    access = Access(speed_kph=v["access_speed_kph"], circuity=v["access_circuity"])
    people = structure_population(
        structure,
        analysis_grid(structure.units, cell_km=1.0),
        urban_density_km2=v["urban_density_km2"],
        place_weights={**PLACE_WEIGHTS, "county_seat": v["place_weight_county_seat"]},
    )
    scores = unit_accessibility(
        car,
        structure,
        surface=travel_time_surface(car, structure, grid=people, access=access),
        access=access,
        decay=DecayFunction("exponential", half_life_min=v["half_life_min"]),
        weights={k: v[f"weight_{k}"] for k in default_weights()},
        reference=reference,
    )
    return scores, seat_accessibility(both, structure, access=access)["time_to_core_min"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="CI size")
    args = parser.parse_args()
    header("bench_sensitivity: ranges over Latin-hypercube samples, library against rebuilding per sample")
    n = 20 if args.quick else 200
    side = 120 if args.quick else 450

    print(f"== linyi.sensitivity(2020): {n} hypercube samples + {2 * len(SENSITIVITY_SPACE)} one-at-a-time runs")
    t0 = time.perf_counter()
    s = linyi.sensitivity(2020, n=n, seed=0, processes=2)
    t_run = time.perf_counter() - t0
    runs = len(s.design) + 1
    print(f"  whole run, 2 processes: {t_run:.1f} s for {runs} evaluations; goal 60 s: {t_run / 60.0:.2f}x")
    target("sensitivity run, seconds", t_run, 60.0, " s")

    print("== one sample of the county figures: re-timed against built from scratch (1 process)")
    table = linyi.county_accessibility(2020)
    reference = pd.DataFrame(table.drop(columns="geometry"))
    k = 3 if args.quick else 10
    t_lib, small = timed(lambda: linyi.sensitivity(2020, n=k, seed=1, processes=1, design="lhs"), 1)
    t_default, _ = timed(lambda: linyi.sensitivity(2020, n=1, seed=1, processes=1, design="lhs"), 1)
    per_lib = (t_lib - t_default) / (k - 1)
    t_scratch, (scores, rail) = timed(lambda: from_scratch(small.design.loc[0], reference), 1)
    agree = all(
        np.allclose(small.samples(m).loc[0].to_numpy(), scores[m].to_numpy(), rtol=1e-9, atol=0) for m in FIGURES
    )
    agree &= np.allclose(small.samples("time_to_core_car_or_rail_min").loc[0].to_numpy(), rail.to_numpy(), rtol=1e-9)
    print(f"  figures agree with the rebuild: {agree}")
    print(f"  built from scratch: {t_scratch:.3f} s per sample")
    if per_lib > 0:
        print(f"  re-timed (library): {per_lib:.3f} s per sample; the rebuild costs {t_scratch / per_lib:.1f}x")
    else:  # a few samples' extra time is within the run-to-run noise (the quick size)
        print(f"  re-timed (library): below the run-to-run noise of {k} samples ({per_lib:+.3f} s per sample)")

    print(f"== re-timing grid_road_graph({side}) for a new arterial speed")
    G = grid_road_graph(side)
    print(f"  {G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges")
    space = [sa.speed_factor(50.0, 0.6, 1.2, attr="speed_kph")]
    t_compile, rw = timed(lambda: sa.Reweighter(G), 1)
    t_apply, H = timed(lambda: rw.apply({"speed_factor_50.0": 0.7}, space), 3)
    centres = list(range(0, G.number_of_nodes(), G.number_of_nodes() // 12))[:12]
    got = nearest_times(H, centres)[0]
    fresh = H.copy()

    def rebuild() -> object:
        clear_cache(fresh)
        return routing_graph(fresh)

    t_rebuild, _ = timed(rebuild, 3)
    want = nearest_times(fresh, centres)[0]
    print(f"  routing agrees with a rebuilt copy: {bool(np.array_equal(got, want))}")
    print(f"  compile once: {t_compile:.2f} s")
    print(f"  rebuild the routing form from the graph: {t_rebuild:.3f} s per sample")
    print(f"  re-time (library): {t_apply:.3f} s per sample; the rebuild costs {t_rebuild / t_apply:.1f}x")

    summary()


if __name__ == "__main__":
    main()
