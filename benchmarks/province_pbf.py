"""A synthetic province-sized OpenStreetMap extract, written as PBF and as XML, for the import benchmark.

Run:  python benchmarks/province_pbf.py OUT_DIR [--nodes 2000000] [--seed 7]

The extract covers an ellipse of about 150,000 km² centred on Shandong
(118.0° E, 36.3° N) and is laid out as a perturbed lattice of streets:

* **ways of realistic length**: each street runs 1–6 blocks (0.7–4.4 km)
  and has 0–4 shape nodes per block (segments of 150–730 m), classed by
  line (``trunk`` every 80th line, ``primary`` every 20th, ``secondary``
  every 10th, ``tertiary`` every 4th, otherwise ``residential`` or
  ``unclassified``);
* **motorways** as dual carriageways: two one-way ways 40 m either side of
  every 80th line, joined to the streets every 16 blocks by one-way
  ``motorway_link`` ramps;
* **one-way streets** (4 % ``oneway=yes``, 1 % ``oneway=-1``),
  roundabout-free;
* **tags a real extract has**: ``maxspeed`` on most main roads in several
  spellings (``60``, ``40;60``, ``30 mph``, ``CN:urban``, ``signals``,
  ``none``), names and refs;
* **ways a driving network must drop**: footways and steps across blocks,
  dead-end ``service`` spurs, ``cycleway``s, private tracks (about 15 % of
  the nodes);
* **clipping**: the file is cut to the ellipse (:func:`clip_area`) as a
  regional extract is cut from a larger one: nodes outside it are left out
  while the ways crossing its edge keep all their node references.

The output is deterministic for a given ``--nodes`` and ``--seed``.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import numpy as np

CENTRE = (118.0, 36.3)
SIDE_M = 475_000.0  # the lattice's square; the clip ellipse inside it covers 150,000 km²
SEMI_AXES = (0.47 * SIDE_M, 0.45 * SIDE_M)  # π × a × b ≈ 150,000 km²
M_PER_DEG_LAT = 111_132.0
LAYOUT_VERSION = 2  # in the file names: a changed layout is written anew, never read from an old cache


def _to_lonlat(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    lat = CENTRE[1] + y / M_PER_DEG_LAT
    lon = CENTRE[0] + x / (M_PER_DEG_LAT * np.cos(np.radians(lat)))
    return np.column_stack([lon, lat])


def clip_area():  # type: ignore[no-untyped-def]
    """The extract's clip ellipse as a WGS-84 polygon (≈150,000 km²)."""
    import shapely

    t = np.linspace(0, 2 * np.pi, 721)
    return shapely.Polygon(_to_lonlat(SEMI_AXES[0] * np.cos(t), SEMI_AXES[1] * np.sin(t)))


def _classes(n: int, rng: np.random.Generator) -> np.ndarray:
    line = np.arange(n)
    out = np.where(rng.random(n) < 0.5, "residential", "unclassified").astype(object)
    out[line % 4 == 0] = "tertiary"
    out[line % 10 == 0] = "secondary"
    out[line % 20 == 0] = "primary"
    out[line % 80 == 0] = "trunk"
    return out


_SPEED_TAGS = {
    "trunk": ["80", "80", "60;80", "CN:urban"],
    "primary": ["60", "60", "50", "40;60", "none"],
    "secondary": ["50", "40", "30 mph", "signals"],
    "tertiary": ["40", "30"],
}


Way = tuple[int, list[int], dict[str, str]]


def layout(target_nodes: int, seed: int = 7) -> tuple[np.ndarray, np.ndarray, list[Way], np.ndarray]:
    """Node ids, their (lon, lat), the ways (id, node refs, tags) before clipping, and which nodes the clip keeps."""
    rng = np.random.default_rng(seed)
    # before clipping ≈ 5.07 N² nodes (N² intersections, 2 N² blocks × 2 shape nodes, extras); the clip keeps 66 %
    n = max(8, math.ceil(math.sqrt(target_nodes / (5.07 * 0.664))))
    s = SIDE_M / n
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    next_id = [1]

    def new_nodes(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        ids = np.arange(next_id[0], next_id[0] + len(x), dtype=np.int64)
        next_id[0] += len(x)
        xs.append(np.asarray(x, dtype=np.float64))
        ys.append(np.asarray(y, dtype=np.float64))
        return ids

    gi, gj = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    ix = (gj * s - SIDE_M / 2 + rng.normal(0, 0.12 * s, gj.shape)).ravel()
    iy = (gi * s - SIDE_M / 2 + rng.normal(0, 0.12 * s, gi.shape)).ravel()
    cross = new_nodes(ix, iy).reshape(n, n)
    ways: list[tuple[int, list[int], dict[str, str]]] = []
    wid = [1]

    def add_way(refs: list[int], tags: dict[str, str]) -> None:
        ways.append((wid[0], refs, tags))
        wid[0] += 1

    for axis in (0, 1):  # rows, then columns
        classes = _classes(n, rng)
        for line in range(n):
            at = cross[line, :] if axis == 0 else cross[:, line]
            px, py = ix[at - 1], iy[at - 1]
            k = rng.integers(0, 5, n - 1)  # shape nodes per block
            shapes: list[np.ndarray] = []
            for b in range(n - 1):
                if k[b] == 0:
                    shapes.append(np.empty(0, dtype=np.int64))
                    continue
                f = np.sort(rng.uniform(0.1, 0.9, k[b]))
                sx = px[b] + f * (px[b + 1] - px[b]) + rng.normal(0, 0.03 * s, k[b])
                sy = py[b] + f * (py[b + 1] - py[b]) + rng.normal(0, 0.03 * s, k[b])
                shapes.append(new_nodes(sx, sy))
            hwy = str(classes[line])
            b = 0
            while b < n - 1:
                blocks = int(rng.integers(1, 7))
                end = min(n - 1, b + blocks)
                refs = [int(at[b])]
                for c in range(b, end):
                    refs.extend(int(x) for x in shapes[c])
                    refs.append(int(at[c + 1]))
                tags = {"highway": hwy}
                u = rng.random()
                if hwy in _SPEED_TAGS and u < 0.7:
                    tags["maxspeed"] = str(rng.choice(_SPEED_TAGS[hwy]))
                if hwy in ("residential", "unclassified") and u < 0.05:
                    tags["oneway"] = "yes" if u < 0.04 else "-1"
                if u < 0.5:
                    tags["name"] = f"{'EW'[axis]} Road {line}"
                if hwy in ("trunk", "primary"):
                    tags["ref"] = f"{'GS'[axis]}{line}"
                add_way(refs, tags)
                b = end
            if line % 80 == 40 and 0 < line < n - 1:  # a dual-carriageway motorway beside this line
                for side, reverse in ((40.0, False), (-40.0, True)):
                    carriage = new_nodes(px + (side if axis == 1 else 0.0), py + (side if axis == 0 else 0.0))
                    order = carriage[::-1] if reverse else carriage
                    for c0 in range(0, n, 30):  # ways of 30 blocks
                        part = order[c0 : c0 + 31]
                        if len(part) >= 2:
                            add_way([int(x) for x in part], {"highway": "motorway", "oneway": "yes",
                                                             "maxspeed": "120", "ref": f"G{line}"})  # fmt: skip
                    for c in range(8, n - 8, 16):  # ramps: street -> carriageway and back
                        cpos = c if not reverse else n - 1 - c
                        node = int(order[cpos])
                        add_way([int(at[c]), node], {"highway": "motorway_link", "oneway": "yes"})
                        beside = c - 1 if reverse else c + 1  # the street node beside the next carriageway node
                        add_way([int(order[cpos + 1]), int(at[beside])], {"highway": "motorway_link", "oneway": "yes"})
    # ways a driving network drops: footways and steps across blocks, service spurs, cycleways, private tracks
    m = int(0.06 * n * n)
    bi = rng.integers(0, n - 1, m)
    bj = rng.integers(0, n - 1, m)
    kinds = rng.choice(["footway", "service", "steps", "cycleway", "track"], m, p=[0.45, 0.3, 0.05, 0.1, 0.1])
    a = cross[bi, bj]
    c = cross[bi + 1, bj + 1]
    mid = new_nodes((ix[a - 1] + ix[c - 1]) / 2 + rng.normal(0, 0.05 * s, m),
                    (iy[a - 1] + iy[c - 1]) / 2 + rng.normal(0, 0.05 * s, m))  # fmt: skip
    for q in range(m):
        kind = str(kinds[q])
        if kind == "service":  # a dead-end spur into the block
            add_way([int(a[q]), int(mid[q])], {"highway": "service", "service": "driveway"})
        elif kind == "track":
            add_way([int(a[q]), int(mid[q]), int(c[q])], {"highway": "track", "access": "private"})
        else:
            add_way([int(a[q]), int(mid[q]), int(c[q])], {"highway": kind})
    x = np.concatenate(xs)
    y = np.concatenate(ys)
    inside = (x / SEMI_AXES[0]) ** 2 + (y / SEMI_AXES[1]) ** 2 <= 1.0
    return np.arange(1, len(x) + 1, dtype=np.int64), _to_lonlat(x, y), ways, inside


def write(folder: Path, target_nodes: int, seed: int = 7, xml: bool = True) -> dict[str, Path]:
    """Write ``province-*.osm.pbf`` (and ``.osm`` when ``xml``) of about ``target_nodes`` nodes into ``folder``.

    Files already there are reused; ``province-*.json`` records the counts written.
    """
    import osmium

    folder.mkdir(parents=True, exist_ok=True)
    stem = f"province-v{LAYOUT_VERSION}-{target_nodes}-{seed}"
    out = {"pbf": folder / f"{stem}.osm.pbf", "counts": folder / f"{stem}.json"}
    if xml:
        out["xml"] = folder / f"{stem}.osm"
    if all(p.is_file() for p in out.values()):
        return out
    # the clip: an ellipse inside the square, as a regional extract is cut from a national one
    ids, lonlat, ways, inside = layout(target_nodes, seed)
    keep_ways = [w for w in ways if inside[np.asarray(w[1]) - 1].any()]
    counts = {"nodes": int(inside.sum()), "ways": len(keep_ways),
              "clipped_ways": sum(1 for w in keep_ways if not inside[np.asarray(w[1]) - 1].all())}  # fmt: skip
    for kind, path in out.items():
        if kind == "counts":
            continue
        tmp = path.with_name(path.stem + ".tmp" + (".osm.pbf" if kind == "pbf" else ".osm"))
        tmp.unlink(missing_ok=True)
        writer = osmium.SimpleWriter(str(tmp))
        try:
            for i in np.flatnonzero(inside):
                writer.add_node(osmium.osm.mutable.Node(id=int(ids[i]), location=(float(lonlat[i, 0]),
                                float(lonlat[i, 1])), version=1, timestamp="2026-01-01T00:00:00Z"))  # fmt: skip
            for w, refs, tags in keep_ways:
                writer.add_way(osmium.osm.mutable.Way(id=w, nodes=refs, tags=tags, version=1,
                               timestamp="2026-01-01T00:00:00Z"))  # fmt: skip
        finally:
            writer.close()
        tmp.replace(path)
    out["counts"].write_text(json.dumps(counts), encoding="utf-8")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--nodes", type=int, default=2_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-xml", action="store_true")
    a = ap.parse_args()
    t0 = time.perf_counter()
    paths = write(a.out, a.nodes, a.seed, xml=not a.no_xml)
    print(f"wrote {', '.join(str(p) for p in paths.values())} in {time.perf_counter() - t0:.1f} s: "
          f"{paths['counts'].read_text()}")  # fmt: skip


if __name__ == "__main__":
    main()
