"""Fuzz the public API with hypothesis for a fixed time: every call gives a result or a named error.

Entry points include the input gates: user files by content (local_file), OSM tags and coordinates
(from_osm), scenario lines files (read_lines), classes (classify) and equity (gini, theil).

    python benchmarks/fuzz_api.py                # 10 minutes (600 s)
    python benchmarks/fuzz_api.py --seconds 30   # a quick run

Each entry point draws its arguments from hypothesis strategies: numbers
(finite, huge, tiny, negative, NaN, inf, of the wrong type), strings where
numbers belong and the reverse, empty and repeated ids, and tables with
malformed cells. Every call is classified:

- ``result``: a value came back; if every number drawn was finite, the
  numbers the entry point promises to be finite must be (travel times may
  be ``inf`` only where a place is unreachable);
- ``named``: a :class:`linyi_spatial.LinyiSpatialError`;
- ``raw``: any other exception (a bug);
- ``non-finite``: a NaN, or an ``inf`` where a finite number is promised,
  from finite inputs (a bug).

The script prints the counts per entry point and the first example of each
bug, and exits with 1 if there is any.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
import traceback
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import linyi_spatial as ls
from linyi_spatial.decay import DecayFunction, decay_weights
from linyi_spatial.hierarchy import data_tiers, urbanization_targets
from linyi_spatial.testing import made_up_network, made_up_structure, made_up_tables

G = made_up_network(2020)
S = made_up_structure()
NODES = ["a", "b", "c", "d", "e"]
T = ls.travel_time_matrix(G, NODES, NODES)


class Draw:
    """Records whether every number drawn for a call was finite."""

    def __init__(self, data: st.DataObject) -> None:
        self.data = data
        self.finite = True
        self.drawn: list[Any] = []

    def __call__(self, strategy: st.SearchStrategy) -> Any:
        value = self.data.draw(strategy)
        self.drawn.append(value)
        for v in value if isinstance(value, (list, tuple)) else [value]:
            if isinstance(v, float) and not math.isfinite(v):
                self.finite = False
        return value

    def number(self, low: float = -1e6, high: float = 1e6) -> Any:
        return self(
            st.one_of(
                st.floats(low, high),
                st.floats(allow_nan=True, allow_infinity=True),
                st.integers(-10, 10**6),
                st.sampled_from([0, 0.0, -0.0, 1e-300, 1e300, 6e-8, True, None, "30", "abc", [1.0]]),
            )
        )

    def count(self) -> Any:
        return self(st.one_of(st.integers(-3, 40), st.floats(allow_nan=True), st.sampled_from([None, "3", True])))


def _finite(*arrays: Any) -> bool:
    for a in arrays:
        values = np.asarray(
            pd.DataFrame(a).select_dtypes("number").to_numpy(dtype=float)
            if isinstance(a, (pd.DataFrame, pd.Series))
            else a,
            dtype=float,
        )
        if not np.isfinite(values).all():
            return False
    return True


def _no_nan(*arrays: Any) -> bool:
    for a in arrays:
        values = (
            pd.DataFrame(a).select_dtypes("number").to_numpy(dtype=float)
            if isinstance(a, (pd.DataFrame, pd.Series))
            else np.asarray(a, dtype=float)
        )
        if np.isnan(values).any():
            return False
    return True


# Each entry point: draw its arguments, call it, and say whether the result keeps the promise (True when it does).
def e_travel_time_matrix(d: Draw) -> bool:
    out = ls.travel_time_matrix(
        G,
        d(st.lists(st.sampled_from(NODES), min_size=1, max_size=4)),
        NODES,
        cutoff_min=d(st.one_of(st.none(), st.just(d.number()))),
        batch_size=d.count(),
    )
    return _no_nan(out) and (out.to_numpy() >= 0).all()


def e_decay_weights(d: Draw) -> bool:
    kind = d(st.sampled_from(["exponential", "power", "gaussian", "linear", 3]))
    w = decay_weights(
        d(st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=6)),
        kind,
        half_life_min=d.number(),
        t0_min=d(st.one_of(st.just(10.0), st.just(d.number()))),
    )
    return _finite(w) and ((w >= 0) & (w <= 1)).all()


def e_decay_function(d: Draw) -> bool:
    f = DecayFunction(
        d(st.sampled_from(["exponential", "power", "gaussian"])),
        half_life_min=d.number(),
        beta=d(st.one_of(st.none(), st.just(d.number()))),
    )
    return _finite(f([0.0, 15.0, 60.0]))


def e_gravity_accessibility(d: Draw) -> bool:
    size = d(
        st.lists(st.one_of(st.floats(0, 1e12), st.floats(allow_nan=True, allow_infinity=True)), min_size=5, max_size=5)
    )
    decay = DecayFunction("exponential", half_life_min=30.0)
    out = ls.gravity_accessibility(
        G,
        NODES,
        NODES,
        size,
        decay=decay,
        cutoff_min=d(st.one_of(st.none(), st.just(d.number()))),
        batch_size=d.count(),
    )
    return _finite(out) and (out <= sum(size) * (1 + 1e-12)).all()


def e_hansen(d: Draw) -> bool:
    size = pd.Series(
        d(st.lists(st.one_of(st.floats(0, 1e15), st.floats(0, 1.8e308)), min_size=5, max_size=5)), index=NODES
    )
    out = ls.hansen_accessibility(T, size, decay=d(st.sampled_from(["exponential", "power", "gaussian", "bogus"])))
    return _finite(out)


def e_cumulative(d: Draw) -> bool:
    size = pd.Series(d(st.lists(st.floats(0, 1e9), min_size=5, max_size=5)), index=NODES)
    cutoffs = d(st.lists(st.one_of(st.floats(-10, 300), st.floats(allow_nan=True, allow_infinity=True)), max_size=4))
    return _finite(ls.cumulative_opportunities(T, size, cutoffs))


def e_two_step_fca(d: Draw) -> bool:
    supply = pd.Series(d(st.lists(st.floats(0, 1e6), min_size=5, max_size=5)), index=NODES)
    demand = pd.Series(d(st.lists(st.floats(0, 1e6), min_size=5, max_size=5)), index=NODES)
    return _finite(ls.two_step_fca(T, supply, demand, cutoff_min=d.number()))


def e_enhanced_two_step_fca(d: Draw) -> bool:
    supply = pd.Series(d(st.lists(st.floats(0, 1e6), min_size=5, max_size=5)), index=NODES)
    demand = pd.Series(d(st.lists(st.floats(0, 1e6), min_size=5, max_size=5)), index=NODES)
    zones = d(st.lists(st.tuples(st.floats(-5, 200), st.floats(-1, 2)), max_size=4))
    return _finite(ls.enhanced_two_step_fca(T, supply, demand, zones=zones))


def _units_table(d: Draw) -> pd.DataFrame:
    n = d(st.integers(0, 7))
    good = st.one_of(st.floats(1.0, 1e9), st.integers(1, 10**9))
    bad = st.one_of(st.floats(0, 1e9), st.sampled_from(["420,000", None, -5, 0]))
    pop = d(st.lists(st.one_of(good, good, good, bad), min_size=n, max_size=n))
    names = ["A", "B", "C", "D", "E", "F", "G", 5, "5"]
    ids = d(
        st.one_of(
            st.lists(st.sampled_from(names), min_size=n, max_size=n, unique=True),
            st.lists(st.sampled_from(names), min_size=n, max_size=n),
        )
    )
    return pd.DataFrame({"pop": pop, "urban": [p / 2 if isinstance(p, (int, float)) else p for p in pop]}, index=ids)


def e_rank_size(d: Draw) -> bool:
    out = ls.rank_size(_units_table(d), "pop")  # r² and the Pareto fit are undefined (NaN) when all sizes are equal
    return _finite(out[["n", "q", "s1_fitted"]])


def e_primacy(d: Draw) -> bool:
    out = ls.primacy(_units_table(d), "pop")  # s4/s11 need 4/11 places and core_share a core: NaN otherwise
    return _finite(out[["n", "s2", "largest_share"]])


def e_polycentricity(d: Draw) -> bool:
    out = ls.polycentricity(_units_table(d), "pop", top=d.count())  # the functional index needs linkages
    return _finite(out[["top", "rank_size_q_top", "morphological_index"]])


def e_data_tiers(d: Draw) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = data_tiers(_units_table(d), {"pop": d.number()}, k=d.count())
    return _finite(out)


def e_urbanization_targets(d: Draw) -> bool:
    df = _units_table(d)
    rate = st.one_of(st.floats(0.01, 0.84), st.floats(0.01, 0.84), st.just(d.number()))
    targets = {d(st.integers(1900, 2400)): d(rate) for _ in range(d(st.integers(0, 3)))}
    out = urbanization_targets(
        df,
        size="pop",
        urban="urban",
        targets=targets,
        base_year=2020,
        growth=d(st.one_of(st.floats(-0.05, 0.05), st.just(d.number()))),
        saturation=d(st.one_of(st.just(0.85), st.just(d.number()))),
        years=d(st.lists(st.one_of(st.integers(2000, 2100), st.integers(-(10**6), 10**6)), max_size=3)),
    )
    return _finite(out.drop(columns=["source", "path_gap_pp"])) and _finite(
        out.loc[out["source"] == "target", "path_gap_pp"]
    )


def e_gravity_linkages(d: Draw) -> bool:
    units = S.units.set_index(pd.Index(NODES))
    out = ls.gravity_linkages(units, T, size="residents", b=d.number(), k=d.number())
    return _finite(out.matrix)


def e_composite_score(d: Draw) -> bool:
    measures = pd.DataFrame(
        {
            "x": d(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=5, max_size=5)),
            "y": d(st.lists(st.floats(-1e9, 1e9), min_size=5, max_size=5)),
        },
        index=NODES,
    )
    out = ls.composite_score(measures, {"x": d.number(), "y": d.number()})
    return _no_nan(out.select_dtypes("number")) if d.finite else True


def e_analysis_grid(d: Draw) -> bool:
    cell = d.number(low=1.0, high=1e5)
    if isinstance(cell, (int, float)) and not isinstance(cell, bool) and 0 < cell < 2:
        cell = 2.0  # small valid cells are slow, not wrong
    return _finite(ls.analysis_grid(S.units, cell_km=cell)["area_km2"])


def e_snap_points(d: Draw) -> bool:
    import geopandas as gpd
    from shapely.geometry import Point

    x, y = d(st.floats(allow_nan=True, allow_infinity=True)), d(st.floats(allow_nan=True, allow_infinity=True))
    out = ls.snap_points(G, gpd.GeoSeries([Point(x, y)], crs=d(st.sampled_from([4326, 32632, None]))))
    return _no_nan(out["access_time_s"])


def e_isochrones(d: Draw) -> bool:
    out = ls.isochrones(
        G,
        d(st.sampled_from([*NODES, "nowhere", 5])),
        d(st.lists(st.just(d.number()), max_size=3)),
        region=S.units,
        cell_km=8,
    )
    return _finite(out["area_km2"]) and (out["area_km2"] >= 0).all()


def e_travel_time_surface(d: Draw) -> bool:
    out = ls.travel_time_surface(
        G, S, cell_km=d(st.one_of(st.sampled_from([5.0, 8.0, 0.0, -1.0]), st.just(d.number(1, 1e4))))
    )
    return _no_nan(out.select_dtypes("number"))


def e_axis_agglomeration(d: Draw) -> bool:
    out = ls.axis_agglomeration(S, band_km=d.number()).select_dtypes("number")
    out = out[out["band_area_km2"] > 0]  # a band holding no cell centre is NaN, with a warning
    # the union of bands has no length and no null; a null is NaN when no turned band keeps land: never inf
    null = out[["length_km", "null_ratio", "null_percentile"]].to_numpy(dtype=float)
    return _finite(out.drop(columns=["length_km", "null_ratio", "null_percentile"])) and not np.isinf(null).any()


def e_centrality(d: Draw) -> bool:
    out = ls.centrality(
        G,
        d(st.one_of(st.none(), st.lists(st.sampled_from([*NODES, "zz"]), max_size=5))),
        max_cost=d(st.one_of(st.none(), st.just(d.number()))),
        betweenness_sources=d(st.one_of(st.none(), st.just(d.count()))),
    )
    return _no_nan(out)


def e_detour_index(d: Draw) -> bool:
    origins = d(st.lists(st.sampled_from([*NODES, "zz"]), min_size=1, max_size=4))
    out = ls.detour_index(G, origins)  # NaN for an origin with no other place to average over
    return _no_nan(out) if len(set(origins)) > 1 else True


def e_seat_accessibility(d: Draw) -> bool:
    out = ls.seat_accessibility(G, S, decay=d(st.sampled_from(["exponential", "power", "gaussian", "bogus"])))
    return _finite(out.select_dtypes("number").drop(columns=[c for c in out.columns if "time" in c], errors="ignore"))


def e_unit_accessibility(d: Draw) -> bool:
    weights = d(
        st.one_of(
            st.sampled_from([None, "area", "pop", "bogus"]),
            st.dictionaries(
                st.sampled_from(["hansen", "pop_mean_time_to_core_min", "x"]), st.just(d.number()), max_size=2
            ),
        )
    )
    out = ls.unit_accessibility(G, S, weights=weights, cell_km=8)
    return _no_nan(out[["composite"]]) if "composite" in out else True


def e_hierarchy_report(d: Draw) -> bool:
    weights = d(
        st.one_of(
            st.none(),
            st.dictionaries(st.sampled_from(["size", "centrality", "bogus"]), st.just(d.number()), max_size=2),
        )
    )
    report = ls.hierarchy_report(
        S,
        G,
        size=d(st.sampled_from([None, "residents", "townsfolk", "label", "nope"])),
        merge_core=d(st.booleans()),
        tier_weights=weights,
    )
    return _finite(report.rank_size[["n", "q"]])


def e_compare_scenarios(d: Draw) -> bool:
    out = ls.compare_scenarios(G, made_up_network(2035), S, cell_km=d(st.sampled_from([6.0, 8.0, 0.0, math.nan, "6"])))
    changes = out.units.select_dtypes("number")  # a % change from 0 min (the core to itself) is undefined
    return _no_nan(changes[[c for c in changes.columns if not c.endswith("_pct")]])


def e_build_network(d: Draw) -> bool:
    nodes, routes = made_up_tables()
    nodes = nodes.astype(object)
    routes = routes.astype(object)
    for _ in range(d(st.integers(0, 3))):
        col = d(st.sampled_from(["lon", "lat", "mode", "kind", "id"]))
        nodes.at[d(st.integers(0, len(nodes) - 1)), col] = d(
            st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=4), st.none())
        )
    for _ in range(d(st.integers(0, 3))):
        col = d(st.sampled_from(["opened", "design_speed_kph", "sequence", "class", "status", "route_id", "ref"]))
        routes.at[d(st.integers(0, len(routes) - 1)), col] = d(
            st.one_of(
                st.floats(allow_nan=True, allow_infinity=True),
                st.text(max_size=6),
                st.none(),
                st.sampled_from(["a;a", "a;;b", "2005.0", "soon"]),
            )
        )
    H = ls.build_network(nodes, routes, year=d(st.sampled_from([2020, 2035, None, 2020.5, "2020"])))
    return all(math.isfinite(t) and t > 0 for *_, t in H.edges(data="travel_time"))


def e_spec(d: Draw) -> bool:
    import tempfile
    from pathlib import Path

    from linyi_spatial.testing import write_region

    folder = Path(tempfile.mkdtemp(prefix="fuzz_spec_"))
    files = write_region(folder)
    text = files["spec"].read_text(encoding="utf-8")
    value = d(
        st.one_of(
            st.integers(-3, 10),
            st.floats(allow_nan=False, allow_infinity=False),
            st.booleans(),
            st.text(max_size=5).map(lambda t: '"' + t.replace("\\", "").replace('"', "") + '"'),
            st.sampled_from(["[]", '["centre"]', "{}", "[1, 2]", '"abc"']),
        )
    )
    field = d(
        st.sampled_from(
            [
                "poles = 2",
                'units = ["A"]',
                'places = ["centre", "c"]',
                'anchor = "a"',
                "lon = 10.45",
                'name = "Ashford centre"',
                'kind = "key_town"',
                'crs = "EPSG:4326"',
            ]
        )
    )
    key = field.split(" = ")[0]
    files["spec"].write_text(text.replace(field, f"{key} = {value}", 1), encoding="utf-8")
    s = ls.SpatialStructure.from_file(files["spec"])
    return len(s.units) == 5


def _weights_and_values(d: Draw) -> tuple[list[Any], list[Any]]:
    n = d(st.integers(0, 6))
    magnitude = st.one_of(st.floats(0, 1e6), st.sampled_from([0.0, 5e-324, 1e-300, 1e300, 1.7e308]))
    values = d(st.lists(st.one_of(magnitude, st.sampled_from([float("nan"), float("inf"), -1.0, "x"])),
                        min_size=n, max_size=n))  # fmt: skip
    weights = d(st.lists(st.one_of(magnitude, st.sampled_from([float("nan"), -1.0])), min_size=n, max_size=n))
    return values, weights


def e_gini(d: Draw) -> bool:
    from linyi_spatial.accessibility import gini

    values, weights = _weights_and_values(d)
    g = gini(values, weights)
    if math.isnan(g):
        return not any(
            isinstance(v, float) and math.isfinite(v) and w > 0 for v, w in zip(values, weights, strict=True)
        )
    finite = [(float(v), float(w)) for v, w in zip(values, weights, strict=True) if math.isfinite(float(v)) and w > 0]
    top = max(v for v, _ in finite) or 1.0  # of the people counted (a value without people scales nothing)
    scaled = gini([v / top * 7.0 for v, _ in finite], [w for _, w in finite])  # the same at any magnitude
    return 0.0 <= g <= 1.0 and abs(g - scaled) < 1e-9


def e_theil(d: Draw) -> bool:
    from linyi_spatial.accessibility import theil

    values, weights = _weights_and_values(d)
    out = theil(values, weights, groups=d(st.lists(st.sampled_from("ab"), min_size=len(values), max_size=len(values))))
    t = float(out["theil"])
    return math.isnan(t) or (t >= -1e-12 and abs(t - out["between"] - out["within"]) < 1e-9)


def e_classify(d: Draw) -> bool:
    from linyi_spatial.viz.classes import classify

    extreme = st.sampled_from([0.0, 1e308, -1e308])
    values = d(st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=True), extreme), max_size=12))
    scheme = d(st.sampled_from(["quantiles", "fisher_jenks", "equal_interval", "natural"]))
    idx, bins = classify(pd.Series(values, dtype=float), k=d(st.integers(1, 7)), scheme=scheme)
    finite = [v for v in values if math.isfinite(v)]
    ok_idx = all((i == -1) == (not math.isfinite(v)) for i, v in zip(idx, values, strict=True)) and all(
        0 <= i < max(len(bins), 1) for i in idx if i >= 0
    )
    return ok_idx and bins == sorted(bins) and (not finite or bins[-1] == max(finite))


def e_read_lines(d: Draw) -> bool:
    import tempfile
    from pathlib import Path

    stops = d(st.sampled_from(['["c", "d"]', '"ce"', "5", "[]", '["c", [10.3, 50.2], "d"]', '[["x", 1]]']))
    speed = d(st.sampled_from(["", "speed_kph = true", "speed_kph = 1e300", "speed_kph = 80", "speed_kph = -3",
                               'speed_kph = "fast"', "speed_kph = nan"]))  # fmt: skip
    opened = d(st.sampled_from(["", "opened = 2030", 'opened = "soon"', "opened = 2030.5", "opened = false"]))
    line_id = d(st.sampled_from(['"x"', '"a"', "3", '""']))
    path = Path(tempfile.mkdtemp(prefix="fuzz_lines_")) / "s.toml"
    path.write_text(f"[[lines]]\nid = {line_id}\nstops = {stops}\n{speed}\n{opened}\n", encoding="utf-8")
    H = ls.network.add_lines(G, path, region=S.units)
    return all(math.isfinite(t) and t >= 0 for *_, t in H.edges(data="travel_time"))


def e_local_file(d: Draw) -> bool:
    import tempfile
    from pathlib import Path

    from linyi_spatial._io import local_file

    head = d(st.sampled_from([b"", b"{", b"<osm", b"<OGRVRTDataSource>", b"SQLite format 3\x00", b"\x00\x00\x27\x0a",
                              b"II*\x00", b"BZh9", b"PK\x03\x04", b"\xef\xbb\xbf{", b"id,lon\n"]))  # fmt: skip
    body = d(st.binary(max_size=64))
    kind = d(st.sampled_from(["vector", "raster", "osm", "text"]))
    name = d(st.sampled_from(["u.geojson", "/vsicurl/http://127.0.0.1:9/u.geojson", "u.gpkg", "dir"]))
    folder = Path(tempfile.mkdtemp(prefix="fuzz_files_"))
    path = folder / name if not name.startswith("/vsi") else Path(name)
    if name == "dir":
        path.mkdir()
    elif not name.startswith("/vsi"):
        path.write_bytes(head + body)
    return local_file(path, "file", kind=kind) == path


def e_from_osm(d: Draw) -> bool:
    import tempfile
    from pathlib import Path

    from linyi_spatial.network.osm import MAXSPEED_RANGE_KPH

    lat = d(st.sampled_from(["35.0", "35.001", "91", "-90", "1e308", "nan", "abc", "0"]))
    lon = d(st.sampled_from(["118.0", "181", "-180", "118.002"]))
    speeds = d(st.lists(st.sampled_from(["30", "3000", "99999 mph", "0.0001", "50 knots", "none", "30;3000", "-5",
                                         "DE:urban", ""]), min_size=5, max_size=5))  # fmt: skip
    refs = d(st.lists(st.sampled_from([1, 2, 3, 4]), min_size=2, max_size=8))
    nodes = (f'<node id="1" lat="35.0" lon="118.0"/><node id="2" lat="35.002" lon="118.0"/>'
             f'<node id="3" lat="{lat}" lon="{lon}"/><node id="4" lat="35.002" lon="118.002"/>')  # fmt: skip
    ways = "".join(
        f'<way id="{10 + i}">' + "".join(f'<nd ref="{r}"/>' for r in (refs if i == 0 else [1, 2, 4, 1][i % 3 :]))
        + '<tag k="highway" v="residential"/>' + (f'<tag k="maxspeed" v="{s}"/>' if s else "") + "</way>"
        for i, s in enumerate(speeds)
    )  # fmt: skip
    path = Path(tempfile.mkdtemp(prefix="fuzz_osm_")) / "x.osm"
    path.write_text(f'<?xml version="1.0"?><osm version="0.6">{nodes}{ways}</osm>', encoding="utf-8")
    H = ls.from_osm(path, simplify=d(st.booleans()))
    low, high = MAXSPEED_RANGE_KPH
    return all(low <= s <= high for *_, s in H.edges(data="speed_kph")) and all(
        math.isfinite(t) and t >= 0
        for *_, t in H.edges(data="travel_time")  # 0 between nodes at one point
    )


ENTRIES: dict[str, Callable[[Draw], bool]] = {
    name.removeprefix("e_"): fn for name, fn in sorted(globals().items()) if name.startswith("e_") and callable(fn)
}


def _fuzz_one(
    name: str, entry: Callable[[Draw], bool], counts: dict[str, Counter], first: dict[str, str], examples: int
) -> None:
    """One hypothesis run of ``examples`` calls of ``entry``, each classified into ``counts``."""

    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def case(data: st.DataObject) -> None:
        d = Draw(data)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                ok = entry(d)
            except ls.LinyiSpatialError:
                counts[name]["named"] += 1
                return
            except Exception as exc:
                counts[name]["raw"] += 1
                where = [f for f in traceback.extract_tb(exc.__traceback__) if "linyi_spatial" in f.filename]
                at = f"{where[-1].filename.split('linyi_spatial/')[-1]}:{where[-1].lineno}" if where else "?"
                first.setdefault(f"{name}: raw {type(exc).__name__} at {at}", f"{exc!r}\n    drawn: {d.drawn!r}"[:1500])
                return
        counts[name]["result"] += 1
        if not ok and d.finite:
            counts[name]["non-finite"] += 1
            first.setdefault(f"{name}: broken promise", f"finite inputs, drawn: {d.drawn!r}"[:1500])

    case()


def run(seconds: float, examples: int = 40) -> tuple[dict[str, Counter], dict[str, str]]:
    counts: dict[str, Counter] = defaultdict(Counter)
    first: dict[str, str] = {}
    deadline = time.monotonic() + seconds
    rounds = 0
    while time.monotonic() < deadline:
        rounds += 1
        for name, entry in ENTRIES.items():
            if time.monotonic() >= deadline:
                break

            _fuzz_one(name, entry, counts, first, examples)
    return counts, first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--quick", action="store_true", help="30 seconds")
    args = parser.parse_args(argv)
    seconds = 30.0 if args.quick else args.seconds
    ls.set_progress(False)
    start = time.monotonic()
    counts, first = run(seconds)
    elapsed = time.monotonic() - start
    total = Counter()
    print(f"{'entry point':28s} {'calls':>7s} {'result':>7s} {'named':>7s} {'raw':>5s} {'non-finite':>10s}")
    for name in ENTRIES:
        c = counts[name]
        calls = sum(c[k] for k in ("result", "named", "raw"))
        total.update(c)
        print(f"{name:28s} {calls:7d} {c['result']:7d} {c['named']:7d} {c['raw']:5d} {c['non-finite']:10d}")
    calls = sum(total[k] for k in ("result", "named", "raw"))
    print(
        f"{'all (' + str(len(ENTRIES)) + ' entry points)':28s} {calls:7d} {total['result']:7d} {total['named']:7d} "
        f"{total['raw']:5d} {total['non-finite']:10d}   in {elapsed:.0f} s"
    )
    for key, text in first.items():
        print(f"\n--- first {key}\n{text}")
    return 1 if total["raw"] or total["non-finite"] else 0


if __name__ == "__main__":
    sys.exit(main())
