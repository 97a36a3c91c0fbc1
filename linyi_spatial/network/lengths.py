"""Road lengths of table-built links: drawn, corrected by circuity, or calibrated to a stated length.

A link drawn between two nodes (and its waypoints) is shorter than the road
it stands for: roads bend around hills, rivers and villages. Two
corrections, both explicit arguments of
:func:`~linyi_spatial.network.build_network`:

* **circuity by class** — a road is at least ``factor`` times the straight
  line between its end nodes: ``length = max(drawn length, factor ×
  chord)``. A link drawn as one straight segment gets the factor; a link
  drawn through ``@lon/lat`` waypoints that already bends more than that
  keeps its drawn length, so bends are never counted twice. Road
  distance over straight-line distance is typically 1.2–1.4 between places
  of a region (Ballou, Rahardja & Sakai 2002, *Transportation Research A*
  36(9); Giacomin & Levinson 2015, *Environment and Planning B* 42(6));
  a drawn link with waypoints already follows part of the bends, so its
  factor is smaller. The core applies none by default (factor 1: lengths
  as drawn); a region's data says what its drawing needs.
* **stated lengths** — where a source gives a route's length between two of
  its nodes (an expressway's opened length, a toll-to-toll distance), the
  links of that section are scaled so they sum to it. Shorter sections are
  applied first; a longer section containing them scales only its other
  links. A stated length shorter than the straight line between the
  section's end nodes contradicts the node positions and is an error.

Every edge keeps ``drawn_length_m`` (the geodesic length of its geometry)
and ``length_basis`` (``"drawn"``, ``"circuity"`` or ``"stated"``) beside
``length``, so a user sees which lengths are measured and which corrected.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pyproj

__all__ = ["STATED_LENGTH_COLUMNS", "RoadLengths"]

STATED_LENGTH_COLUMNS = ("route_id", "from", "to", "length_km")
"""Columns of a stated-lengths table (others, such as ``source``, are kept for the reader)."""

_GEOD = pyproj.Geod(ellps="WGS84")


@dataclass(frozen=True)
class RoadLengths:
    """How a table-built network turns drawn links into road lengths.

    Parameters
    ----------
    circuity : mapping, optional
        Least road length over the straight line between a link's end
        nodes, by link class, each ≥ 1; classes not named keep their drawn
        length.
    stated : pandas.DataFrame, optional
        Sourced section lengths with columns ``route_id``, ``from``, ``to``
        and ``length_km`` (any further column, e.g. ``source``, is for the
        reader).

    Examples
    --------
    >>> import pandas as pd
    >>> RoadLengths(circuity={"trunk": 1.2}).circuity["trunk"]
    1.2
    """

    circuity: Mapping[str, float] = field(default_factory=dict)
    stated: pd.DataFrame | None = None


def _check_circuity(circuity: Mapping[str, Any] | None) -> list[str]:
    """Problems with a circuity mapping: each factor must be a finite number ≥ 1."""
    problems = []
    for cls, f in dict(circuity or {}).items():
        ok = isinstance(f, (int, float)) and not isinstance(f, bool) and math.isfinite(f) and f >= 1.0
        if not ok:
            problems.append(
                f"circuity for class {cls!r} must be a number >= 1 (a road is never shorter than its line), got {f!r}"
            )
    return problems


def _route_nodes(sequence: str) -> list[str]:
    return [t.strip() for t in str(sequence).split(";") if t.strip() and not t.strip().startswith("@")]


def _sections(
    stated: pd.DataFrame, routes: pd.DataFrame, lonlat: Mapping[str, tuple[float, float]], problems: list[str]
) -> list[tuple[str, str, list[int], float]]:
    """Validated sections as (label, route_id, link indices, length_m)."""
    missing = [c for c in STATED_LENGTH_COLUMNS if c not in stated.columns]
    if missing:
        problems.append(f"stated lengths table lacks column(s) {missing}; needs {list(STATED_LENGTH_COLUMNS)}")
        return []
    sequences = {str(r["route_id"]): _route_nodes(r["sequence"]) for r in routes.to_dict("records")}
    out = []
    for i, r in enumerate(stated.to_dict("records")):
        rid, a, b = str(r["route_id"]), str(r["from"]), str(r["to"])
        label = f"stated length {rid} {a}→{b} (row {i + 1})"
        seq = sequences.get(rid)
        if seq is None:
            problems.append(f"{label}: unknown route {rid!r}")
            continue
        if a not in seq or b not in seq or a == b:
            problems.append(f"{label}: {a!r} and {b!r} must be two different nodes of route {rid!r} ({seq})")
            continue
        try:
            km = float(r["length_km"])
        except (TypeError, ValueError):
            km = math.nan
        if not (math.isfinite(km) and km > 0):
            problems.append(f"{label}: length_km must be a positive number, got {r['length_km']!r}")
            continue
        i0, i1 = sorted((seq.index(a), seq.index(b)))
        (x0, y0), (x1, y1) = lonlat[seq[i0]], lonlat[seq[i1]]
        line_m = _GEOD.inv(x0, y0, x1, y1)[2]
        if km * 1000.0 < line_m:
            problems.append(
                f"{label}: {km:g} km is shorter than the {line_m / 1000:.1f} km straight line between its end "
                "nodes; the node positions contradict the source"
            )
            continue
        out.append((label, rid, list(range(i0, i1)), km * 1000.0))
    return out


def _apply_lengths(
    links: list[dict[str, Any]],
    routes: pd.DataFrame,
    lonlat: Mapping[str, tuple[float, float]],
    *,
    circuity: Mapping[str, float] | None,
    stated: pd.DataFrame | None,
    problems: list[str],
) -> None:
    """Set ``length``, ``drawn_length_m`` and ``length_basis`` on every link (in place).

    ``links`` carry ``geometry``, ``class`` and, for route links,
    ``route`` and ``route_index`` (the link's position in its route);
    ``lonlat`` maps node ids to coordinates. Problems are appended.
    """
    factors = dict(circuity or {})
    for lk in links:
        drawn = float(_GEOD.geometry_length(lk["geometry"]))
        (x0, y0), (x1, y1) = lk["geometry"].coords[0], lk["geometry"].coords[-1]
        floor = float(factors.get(lk["class"], 1.0)) * _GEOD.inv(x0, y0, x1, y1)[2]
        if floor > drawn:
            lk.update(drawn_length_m=drawn, length=floor, length_basis="circuity")
        else:
            lk.update(drawn_length_m=drawn, length=drawn, length_basis="drawn")
    if stated is None or len(stated) == 0:
        return
    by_route: dict[tuple[str, int], dict[str, Any]] = {
        (lk["route"], lk["route_index"]): lk for lk in links if "route_index" in lk
    }
    sections = _sections(stated, routes, lonlat, problems)
    fixed: set[tuple[str, int]] = set()
    for label, rid, idx, target in sorted(sections, key=lambda s: len(s[2])):
        keys = [(rid, k) for k in idx]
        if any(key not in by_route for key in keys):
            continue  # the route (or part of it) is not in this year's graph
        done = sum(by_route[key]["length"] for key in keys if key in fixed)
        free = [key for key in keys if key not in fixed]
        drawn = sum(by_route[key]["drawn_length_m"] for key in free)
        if not free or target - done <= 0:
            problems.append(
                f"{label}: shorter stated sections inside it already sum to {done / 1000:.1f} km of its "
                f"{target / 1000:g} km"
            )
            continue
        scale = (target - done) / drawn
        for key in free:
            lk = by_route[key]
            lk.update(length=lk["drawn_length_m"] * scale, length_basis="stated")
            fixed.add(key)
