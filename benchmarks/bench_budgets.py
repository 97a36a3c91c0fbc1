"""Budgets benchmark: work that tiny inputs could make unbounded, against the goals and the old way in one run.

Run:  python benchmarks/bench_budgets.py            (full: 2,000 names; a 13 kB bz2 of a 10 M-reference way)
      python benchmarks/bench_budgets.py --quick    (CI size: 500 names; a 3 kB bz2 of a 2 M-reference way)

Three measurements:

* name placement on a static figure (a square of units each named): the
  library against all-pairs comparisons (every candidate position compared
  with every name placed, as the replaced placement did; its other cost,
  a text drawn and measured per candidate, is not put back), as a ratio;
  and the library alone at 2,000 names against the goal of 30 s for a
  whole figure;
* an OSM extract of a few kB of bz2 holding one way that zig-zags between
  two nodes millions of times (OSM allows 2,000 references): import time
  and peak memory in a fresh process, against 1.5 GB;
* a units file of a continent at 1 km cells: the time to refuse it (the
  budget is checked before any network is read).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import shapely
from _timing import header, summary, target

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))


def named_units(n: int) -> gpd.GeoDataFrame:
    side = int(n**0.5) + 1
    boxes = [shapely.box(10 + i * 0.05, 50 + j * 0.05, 10 + (i + 1) * 0.05, 50 + (j + 1) * 0.05)
             for i in range(side) for j in range(side)][:n]  # fmt: skip
    return gpd.GeoDataFrame({"name": [f"Unit {k}" for k in range(n)]}, geometry=boxes, crs=4326)


def figure_seconds(n: int, *, all_pairs: bool) -> float:
    """Seconds to lay out and draw a sheet of ``n`` named units (with the old all-pairs comparisons if asked)."""
    from linyi_spatial.viz import static

    original = static._BoxIndex.overlap
    if all_pairs:  # every candidate against every name placed: the placement before the grid index

        def every(self, box):  # type: ignore[no-untyped-def]
            x0, y0, x1, y1 = box
            total = 0.0
            for a0, b0, a1, b1 in self.boxes:
                w, h = min(x1, a1) - max(x0, a0), min(y1, b1) - max(y0, b0)
                if w > 0 and h > 0:
                    total += w * h
            return total

        static._BoxIndex.overlap = every
    try:
        units = named_units(n)
        t0 = time.perf_counter()
        layer = static.StaticLayer(units, labels=list(units["name"]), label_kind="unit")
        fig = static.static_map([layer], title="names")
        fig.canvas.draw()
        return time.perf_counter() - t0
    finally:
        static._BoxIndex.overlap = original


def zigzag_import(pairs: int) -> dict[str, float]:
    from test_budgets import zigzag

    folder = Path(tempfile.mkdtemp(prefix="bench_budgets_"))
    path = zigzag(folder / "z.osm.bz2", pairs)
    code = (
        "import resource, time, warnings, json\n"
        "warnings.simplefilter('ignore')\n"
        "from linyi_spatial.network import from_osm\n"
        "t0 = time.perf_counter()\n"
        f"G = from_osm({str(path)!r})\n"
        "print(json.dumps({'s': time.perf_counter() - t0, 'edges': G.number_of_edges(),\n"
        "                  'mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=600)
    out = json.loads(done.stdout.strip().splitlines()[-1])
    out["kb"] = path.stat().st_size / 1000
    return out


def continent_refusal() -> float:
    from test_budgets import continent

    from linyi_spatial.linyi.cli import main

    folder = Path(tempfile.mkdtemp(prefix="bench_budgets_"))
    files = continent(folder / "in")
    t0 = time.perf_counter()
    code = main(["maps", "--spec", str(files["spec"]), "--network", str(files["osm"]), "--out", str(folder / "o"),
                 "--offline", "--quiet"])  # fmt: skip
    took = time.perf_counter() - t0
    print(f"  continent at 1 km: exit {code}, refused in {took:.2f} s")
    return took


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes for CI")
    args = parser.parse_args(argv)
    header("budgets: name placement, a zig-zag OSM way, a continent of cells")
    from linyi_spatial import set_progress

    set_progress(False)
    both = 150 if args.quick else 400
    new, old = figure_seconds(both, all_pairs=False), figure_seconds(both, all_pairs=True)
    print(f"  {both} names: library {new:.2f} s, all-pairs placement {old:.2f} s: {new / old:.2f}x")
    target(f"names at {both}, library / all-pairs", new / old, 1.0)
    n = 500 if args.quick else 2000
    alone = figure_seconds(n, all_pairs=False)
    print(f"  {n} names: library {alone:.2f} s")
    target(f"a {n}-name figure", alone, 30.0, " s")
    z = zigzag_import(1_000_000 if args.quick else 5_000_000)
    print(f"  zig-zag way ({z['kb']:.1f} kB bz2): imported in {z['s']:.2f} s, {z['edges']:.0f} edges, "
          f"peak {z['mb']:.0f} MB (was 2 GB at 3 kB, a MemoryError at 9.7 GB for 13 kB)")  # fmt: skip
    target("zig-zag import peak memory", z["mb"] / 1000, 1.5, " GB")
    target("continent refused", continent_refusal(), 5.0, " s")
    summary()
    return 0


if __name__ == "__main__":
    sys.exit(main())
