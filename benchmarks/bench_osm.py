"""OpenStreetMap import at province scale: read_osm/from_osm against OSMnx and pyrosm on the same extract.

Run:  python benchmarks/bench_osm.py              (full: ≥ 2,000,000 nodes over ≈150,000 km²; 1 km cells)
      python benchmarks/bench_osm.py --quick      (CI size: 60,000 nodes; 4 km cells)

The extract is written by ``province_pbf.py`` (a perturbed street lattice
with ways of 1–6 blocks, dual-carriageway motorways and ramps, one-way
streets, several ``maxspeed`` spellings, footways/service/cycleways/tracks
to be filtered out, and clipped at an ellipse as a regional extract is
cut from a national one). Each approach runs in its own process, so its
peak memory (``ru_maxrss``) is its own:

* **linyi_spatial** — ``read_osm`` (arrays, simplified drive network),
  ``routing_graph`` (CSR from the arrays), nearest of 12 centres for every
  node, a 20,000 × 12 travel-time matrix, then ``to_networkx`` and the
  three 1 km travel-time surfaces of a 12-unit region over the extract
  (``Access(link_to="edges")``);
* **OSMnx** ``graph_from_xml`` (simplified, its default) on the XML of
  the same extract. ``graph_from_xml`` applies no network filter and
  refuses clipped ways ("Some edges missing nodes"), so its file leaves
  out the ways the ``drive`` filter drops and has each clipped way cut
  where its nodes leave the extract: what the library does on read;
* **pyrosm** ``OSM.get_network("driving", nodes=True)`` + ``to_graph``
  on the PBF.

Checks: the library's simplified nodes are among OSMnx's (OSMnx keeps
the largest *weakly* connected component and simplifies before, so it
keeps a few more: one-way dead ends), and shortest distances between 200 random pairs of
common nodes agree with OSMnx's and pyrosm's graphs within 0.5 % (they
measure great-circle lengths on a sphere, the library geodesic lengths on
the WGS-84 ellipsoid). pyrosm's ``driving`` filter is not OSMnx's, so its
node and edge counts differ and only the distances are compared.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
CACHE = Path(tempfile.gettempdir()) / "linyi_spatial_bench"
PAIRS = 200
NOT_DRIVEN = {"footway", "service", "steps", "cycleway", "track"}
"""The extract's ways OSMnx's ``drive`` filter drops (graph_from_xml applies no filter, so its file leaves them out)."""


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # kB on Linux


def _sample_pairs(nodes: list[int], seed: int = 11) -> list[tuple[int, int]]:
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(nodes), size=(PAIRS, 2))
    return [(nodes[a], nodes[b]) for a, b in idx if a != b]


def _distances(rg, pairs) -> list[float]:  # type: ignore[no-untyped-def]
    from scipy.sparse.csgraph import dijkstra

    origins = sorted({a for a, _ in pairs})
    rows = rg.rows(origins)
    d = dijkstra(rg.forward, directed=True, indices=rows)
    at = {o: i for i, o in enumerate(origins)}
    return [float(d[at[a], rg.index[b]]) for a, b in pairs]


def region(folder: Path):  # type: ignore[no-untyped-def]
    """12 units (4 × 3 boxes cut to the extract's ellipse), a seat inside each, the core in the middle, 3 poles."""
    import geopandas as gpd
    import province_pbf
    import shapely

    from linyi_spatial.structure import SpatialStructure

    area = province_pbf.clip_area()
    x0, y0, x1, y1 = area.bounds
    rows = []
    for i in range(4):
        for j in range(3):
            a, b = x0 + j * (x1 - x0) / 3, y0 + i * (y1 - y0) / 4
            c, d = a + (x1 - x0) / 3, b + (y1 - y0) / 4
            piece = shapely.box(a, b, c, d).segmentize(0.01).intersection(area)
            seat = piece.representative_point()
            k = len(rows)
            rows.append({"code": f"U{k}", "label": f"Unit {k}", "pop": 1000.0 * (k + 1), "urban": 500.0 * (k + 1),
                         "seat_lon": seat.x, "seat_lat": seat.y, "geometry": piece})  # fmt: skip
    gpd.GeoDataFrame(rows, crs="EPSG:4326").to_file(folder / "units.geojson")
    places = "".join(f'[[places]]\nid = "s{k}"\nseat_of = "U{k}"\n' for k in range(len(rows)))
    poles = "".join(f'[[poles]]\nid = "p{k}"\nplace = "s{k}"\nname = "Pole {k}"\n' for k in (0, 2, 11))
    spec = (
        '[region]\nid = "province"\nname = "Synthetic province"\ncrs = "EPSG:4326"\nunits = "units.geojson"\n'
        'unit_id = "code"\n[region.columns]\nname = "label"\nsize = "pop"\nurban = "urban"\n'
        f'{places}[core]\nid = "core"\nname = "Core"\nunits = ["U4"]\nanchor = "s4"\n{poles}'
    )
    (folder / "province.toml").write_text(spec, encoding="utf-8")
    return SpatialStructure.from_file(folder / "province.toml")


def child_library(pbf: str, cell_km: float, out: dict) -> None:
    from linyi_spatial.accessibility import analysis_grid, travel_time_surface
    from linyi_spatial.network import Access, read_osm
    from linyi_spatial.routing import nearest_times, routing_graph, shortest_times

    t = time.perf_counter()
    net = read_osm(pbf)
    out["import_s"] = time.perf_counter() - t
    t = time.perf_counter()
    rg = routing_graph(net)
    out["csr_s"] = time.perf_counter() - t
    out["routable_peak_mb"] = _peak_mb()
    out["nodes"], out["edges"] = net.n_nodes, net.n_edges
    rng = np.random.default_rng(3)
    centres = rg.nodes[rng.choice(net.n_nodes, 12, replace=False)].tolist()
    t = time.perf_counter()
    cost, _ = nearest_times(net, centres)
    out["nearest12_s"] = time.perf_counter() - t
    out["nearest12_reached"] = float(np.isfinite(cost).mean())
    origins = rng.choice(net.n_nodes, min(20_000, net.n_nodes), replace=False)
    t = time.perf_counter()
    matrix = shortest_times(net, centres, to_sources=True)[:, origins].T
    out["matrix_s"] = time.perf_counter() - t
    out["matrix_shape"] = list(matrix.shape)
    # distances for the cross-check, on the length CSR
    lg = routing_graph(net, "length")
    pairs = _sample_pairs(net.node_id.tolist())
    out["pairs"] = pairs
    out["dist_m"] = _distances(lg, pairs)
    t = time.perf_counter()
    G = net.to_networkx()
    out["networkx_s"] = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as tmp:
        structure = region(Path(tmp))
        t = time.perf_counter()
        grid = analysis_grid(structure.units, cell_km=cell_km)
        surf = travel_time_surface(G, structure, grid=grid, access=Access(link_to="edges"))
        out["surface_s"] = time.perf_counter() - t
        out["cells"] = len(surf)
        out["cells_reached"] = float(np.isfinite(surf["cell_time_to_core_min"]).mean())
        out["area_km2"] = float(surf["area_km2"].sum())
    out["peak_mb"] = _peak_mb()
    out["node_ids"] = net.node_id.tolist()


def child_osmnx(xml: str, out: dict) -> None:
    import osmnx as ox

    from linyi_spatial.routing import routing_graph

    t = time.perf_counter()
    G = ox.graph_from_xml(xml)
    out["import_s"] = time.perf_counter() - t
    out["routable_peak_mb"] = _peak_mb()
    out["nodes"], out["edges"] = G.number_of_nodes(), G.number_of_edges()
    t = time.perf_counter()
    rg = routing_graph(G, "length")
    out["csr_s"] = time.perf_counter() - t
    out["rg"] = rg
    out["node_set"] = True


def child_pyrosm(pbf: str, out: dict) -> None:
    import pyrosm

    from linyi_spatial.routing import routing_graph

    t = time.perf_counter()
    osm = pyrosm.OSM(pbf)
    nodes, edges = osm.get_network(network_type="driving", nodes=True)
    G = osm.to_graph(nodes, edges, graph_type="networkx")
    out["import_s"] = time.perf_counter() - t
    out["routable_peak_mb"] = _peak_mb()
    out["nodes"], out["edges"] = G.number_of_nodes(), G.number_of_edges()
    t = time.perf_counter()
    rg = routing_graph(G, "length")
    out["csr_s"] = time.perf_counter() - t
    out["rg"] = rg


def child(tool: str, files: dict, cell_km: float, pairs_file: str) -> None:
    warnings.simplefilter("ignore")
    out: dict = {}
    if tool == "library":
        child_library(files["pbf"], cell_km, out)
    else:
        (child_osmnx if tool == "osmnx" else child_pyrosm)(files["xml" if tool == "osmnx" else "pbf"], out)
        pairs = [tuple(p) for p in json.loads(Path(pairs_file).read_text())]
        rg = out.pop("rg")
        common = [(a, b) for a, b in pairs if a in rg.index and b in rg.index]
        if out.pop("node_set", False):
            mine = json.loads(Path(pairs_file).with_name("nodes.json").read_text())
            out["missing_nodes"] = sum(1 for n in mine if n not in rg.index)
        out["pairs"] = common
        out["dist_m"] = _distances(rg, common)
        out["peak_mb"] = _peak_mb()
    print("RESULT " + json.dumps(out))


def run_child(tool: str, files: dict, cell_km: float, pairs_file: str) -> dict:
    cmd = [sys.executable, __file__, "--child", tool, "--files", json.dumps({k: str(v) for k, v in files.items()}),
           "--cell-km", str(cell_km), "--pairs", pairs_file]  # fmt: skip
    t = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{tool} failed:\n{done.stderr[-3000:]}")
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    res = json.loads(line[len("RESULT ") :])
    res["wall_s"] = time.perf_counter() - t
    return res


def repaired_xml(pbf: Path, xml: Path) -> Path:
    """The extract as XML for OSMnx: clipped ways cut into the runs of their nodes in the file, no undrivable ways."""
    out = xml.with_name(xml.name.replace(".osm", ".repaired.osm"))
    if out.is_file():
        return out
    import osmium

    tmp = out.with_name(out.name + ".tmp.osm")
    tmp.unlink(missing_ok=True)
    have: set[int] = set()
    for n in osmium.FileProcessor(str(pbf), osmium.osm.NODE):
        have.add(n.id)
    writer = osmium.SimpleWriter(str(tmp))
    extra = 10**12
    try:
        for obj in osmium.FileProcessor(str(pbf), osmium.osm.NODE | osmium.osm.WAY):
            if isinstance(obj, osmium.osm.Node):
                writer.add_node(obj)
                continue
            refs = [n.ref for n in obj.nodes]
            runs, run = [], []
            for r in refs:
                if r in have:
                    run.append(r)
                elif run:
                    runs.append(run)
                    run = []
            if run:
                runs.append(run)
            tags = {t.k: t.v for t in obj.tags}
            if tags.get("highway") in NOT_DRIVEN:
                continue
            for k, part in enumerate(r for r in runs if len(r) >= 2):
                extra += k > 0
                writer.add_way(osmium.osm.mutable.Way(id=obj.id if k == 0 else extra, nodes=part, tags=tags))
    finally:
        writer.close()
    tmp.replace(out)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--nodes", type=int)
    ap.add_argument("--no-baselines", action="store_true")
    ap.add_argument("--child")
    ap.add_argument("--files")
    ap.add_argument("--cell-km", type=float, default=1.0)
    ap.add_argument("--pairs")
    a = ap.parse_args()
    if a.child:
        child(a.child, json.loads(a.files), a.cell_km, a.pairs)
        return
    import _timing
    import province_pbf

    _timing.header("bench_osm: an OSM extract read, simplified and routable, library against OSMnx and pyrosm")
    target = a.nodes or (60_000 if a.quick else 2_000_000)
    cell_km = 4.0 if a.quick else 1.0
    t = time.perf_counter()
    files = province_pbf.write(CACHE, target)
    files["xml"] = repaired_xml(files["pbf"], files["xml"])
    counts = json.loads(files.pop("counts").read_text())
    print(f"extract: {counts['nodes']:,} nodes, {counts['ways']:,} ways ({counts['clipped_ways']:,} clipped); "
          f"{files['pbf'].name} ({files['pbf'].stat().st_size / 1e6:.0f} MB PBF, "
          f"{files['xml'].stat().st_size / 1e6:.0f} MB XML), ready in {time.perf_counter() - t:.0f} s")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        pairs_file = str(Path(tmp) / "pairs.json")
        Path(pairs_file).write_text("[]")
        lib = run_child("library", files, cell_km, pairs_file)
        Path(pairs_file).write_text(json.dumps(lib["pairs"]))
        Path(pairs_file).with_name("nodes.json").write_text(json.dumps(lib.pop("node_ids")))
        base = {} if a.no_baselines else {t: run_child(t, files, cell_km, pairs_file) for t in ("osmnx", "pyrosm")}
    print(f"library: {lib['nodes']:,} nodes, {lib['edges']:,} edges after simplification")
    print(f"{'task':<58} {'seconds':>9} {'peak MB':>9} {'ratio':>8}")
    routable = lib["import_s"] + lib["csr_s"]

    def row(task: str, s: float, mb: float | str = "", ratio: str = "") -> None:
        print(f"{task:<58} {s:>9.2f} {mb if isinstance(mb, str) else f'{mb:,.0f}':>9} {ratio:>8}")

    row("library read_osm (arrays, simplified drive network)", lib["import_s"])
    row("library routing_graph (CSR from the arrays)", lib["csr_s"])
    row("library imported + routable [baseline]", routable, lib["routable_peak_mb"], "1.00x")
    row("library nearest of 12 centres, every node", lib["nearest12_s"])
    row(f"library {lib['matrix_shape'][0]:,} x 12 travel-time matrix", lib["matrix_s"])
    row("library to_networkx (one bulk call)", lib["networkx_s"])
    row(f"library 3 surfaces, {cell_km:g} km cells ({lib['cells']:,} cells, {lib['area_km2']:,.0f} km²)",
        lib["surface_s"], lib["peak_mb"])  # fmt: skip
    ok = {}
    for tool, res in base.items():
        name = {"osmnx": "OSMnx graph_from_xml", "pyrosm": "pyrosm get_network + to_graph"}[tool]
        row(f"{name} ({res['nodes']:,} nodes)", res["import_s"], res["routable_peak_mb"],
            f"{res['import_s'] / routable:.2f}x")  # fmt: skip
        mine = dict(zip(map(tuple, lib["pairs"]), lib["dist_m"], strict=True))
        diffs = [abs(d - mine[tuple(p)]) / mine[tuple(p)] for p, d in zip(res["pairs"], res["dist_m"], strict=True)
                 if np.isfinite(d) and np.isfinite(mine[tuple(p)]) and mine[tuple(p)] > 0]  # fmt: skip
        ok[tool] = bool(diffs) and max(diffs) < 0.005
        print(f"  check: {len(diffs)} common pairs, largest distance difference {max(diffs, default=np.nan):.3%}")
    if "osmnx" in base:
        same = base["osmnx"]["missing_nodes"] == 0
        print(f"  check: every node the library keeps is one of OSMnx's: {'yes' if same else 'NO'} "
              f"({lib['nodes']:,} vs {base['osmnx']['nodes']:,} nodes)")  # fmt: skip
        ok["nodes"] = same
    print(f"  check: every cell reached {lib['cells_reached']:.3f}, every node reaches a centre "
          f"{lib['nearest12_reached']:.3f}")  # fmt: skip
    if not a.quick:
        _timing.target("extract imported and routable, seconds", routable, 180.0, " s")
        _timing.target("extract imported and routable, peak GB", lib["routable_peak_mb"] / 1024, 8.0, " GB")
        if "osmnx" in base:
            _timing.target("OSMnx time / library time", base["osmnx"]["import_s"] / routable, 3.0, "x", at_most=False)
    _timing.summary()
    if not all(ok.values()):
        raise SystemExit(f"results disagree: {ok}")


if __name__ == "__main__":
    main()
