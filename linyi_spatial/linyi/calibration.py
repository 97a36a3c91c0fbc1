"""Where Linyi's interchanges stand: the least move of the schematic positions that fits published distances.

The skeleton's interchanges were first drawn by hand (``schematic``): the
published toll-to-toll distances of the city highway bureau (W2 in
``data/SOURCES.md``) said the drawing was off by −32 … +61 %. The fit below
moves only the interchanges those figures name, and each as little as it can:
it minimises the sum of squared moves (km²) subject to every fitting figure
being met exactly along its expressway(s) as drawn. Which figures fit and
which are held out is a column of ``linyi_reference_distances.csv``
(``use``), set by a rule before any result was seen: the toll-to-toll
*sections* fit the positions, one ordinary-road figure fits the road
circuity, and every *route* figure from the city to a county seat, plus the
G2's stated length inside Linyi, is held out. :func:`~linyi_spatial.linyi.network_check`
reports the held-out error.

The result is stored: ``linyi_network_nodes.csv`` holds the fitted
positions (``coord_quality`` ``fitted``) and ``linyi_interchange_fit.csv``
the schematic ones beside them, so :func:`fit_interchanges` re-derives the
stored table from the drawing and the figures (a test checks it does).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import pyproj

from ..errors import DataError
from .datasets import data_path

__all__ = ["FIT_NODES", "fit_interchanges", "interchange_fit", "reference_distances"]

FIT_NODES = (
    "jct_yimeng",
    "jct_g2_g1511",
    "ic_yinan_w",
    "ic_mengyin",
    "ic_feixian",
    "ic_mengshan",
    "ic_pingyi",
)
"""The interchanges the fit may move: those between the published sections' ends (临沂收费站, the section
start, stays where it is drawn: it anchors the figures)."""

_GEOD = pyproj.Geod(ellps="WGS84")
_USES = ("fit positions", "fit circuity", "held out")


def reference_distances() -> pd.DataFrame:
    """The published road distances Linyi's network is checked against, with how each is used.

    Returns
    -------
    pandas.DataFrame
        ``data/linyi_reference_distances.csv``: ``pair``, ``from``, ``to``,
        ``via``, ``exclude_classes``, ``weight``, ``length_km``, ``use``
        (``fit positions``, ``fit circuity`` or ``held out``), ``routes``
        (the expressways a section runs along, for the position fit),
        ``measure`` (empty: the route; ``inside Linyi``: its part inside the
        city's boundary),
        ``published_as`` and ``source``.

    Examples
    --------
    >>> t = reference_distances()
    >>> sorted(t["use"].unique())
    ['fit circuity', 'fit positions', 'held out']
    """
    table = pd.read_csv(data_path("linyi_reference_distances.csv"), dtype=str, keep_default_na=False)
    table["length_km"] = table["length_km"].astype(float)
    bad = sorted(set(table["use"]) - set(_USES))
    if bad:
        raise DataError(f"linyi_reference_distances.csv: column 'use' has {bad}; allowed {list(_USES)}")
    return table


def interchange_fit() -> pd.DataFrame:
    """The stored fit: each moved interchange's schematic and fitted position and how far it moved.

    Returns
    -------
    pandas.DataFrame
        ``data/linyi_interchange_fit.csv``: ``id``, ``lon_schematic``,
        ``lat_schematic``, ``lon``, ``lat`` and ``moved_km``.

    Examples
    --------
    >>> t = interchange_fit()
    >>> sorted(t["id"]) == sorted(FIT_NODES)
    True
    """
    return pd.read_csv(data_path("linyi_interchange_fit.csv"), dtype={"id": str})


def _sequence(routes: pd.DataFrame, route_id: str) -> list[str]:
    rows = routes.loc[routes["route_id"] == route_id, "sequence"]
    if rows.empty:
        raise DataError(f"interchange fit: route {route_id!r} is not in the route table")
    return [t.strip() for t in str(rows.iloc[0]).split(";") if t.strip()]


def _point(token: str, pos: Mapping[str, tuple[float, float]]) -> tuple[float, float]:
    if token.startswith("@"):
        lon, lat = token[1:].split("/")
        return float(lon), float(lat)
    return pos[token]


def _along_km(seq: list[str], a: str, b: str, pos: Mapping[str, tuple[float, float]]) -> float:
    """Drawn length (km) of a route between two of its nodes, through its waypoints."""
    if a not in seq or b not in seq:
        raise DataError(f"interchange fit: {a!r} and {b!r} must both be on the route ({seq})")
    i, j = sorted((seq.index(a), seq.index(b)))
    pts = [_point(t, pos) for t in seq[i : j + 1]]
    return sum(_GEOD.inv(*p, *q)[2] for p, q in itertools.pairwise(pts)) / 1000.0


def _legs(row: Mapping[str, str], routes: pd.DataFrame) -> list[tuple[list[str], str, str]]:
    """A section row's legs: (route sequence, from, to) for each expressway it runs along, in order."""
    stops = [row["from"], *[s for s in row["via"].split(";") if s], row["to"]]
    names = [r for r in row["routes"].split(";") if r]
    if len(names) != len(stops) - 1:
        raise DataError(
            f"reference {row['pair']!r}: {len(names)} route(s) for {len(stops) - 1} leg(s) ({' → '.join(stops)})"
        )
    return [(_sequence(routes, r), a, b) for r, (a, b) in zip(names, itertools.pairwise(stops), strict=True)]


def fit_interchanges(
    nodes: pd.DataFrame | None = None,
    routes: pd.DataFrame | None = None,
    reference: pd.DataFrame | None = None,
    *,
    free: Sequence[str] = FIT_NODES,
) -> pd.DataFrame:
    """Move the ``free`` interchanges as little as possible so the fitting sections have their published length.

    Parameters
    ----------
    nodes, routes : pandas.DataFrame, optional
        The network tables with the **schematic** positions; default: the
        embedded tables with the positions of ``linyi_interchange_fit.csv``'s
        ``lon_schematic``/``lat_schematic`` put back.
    reference : pandas.DataFrame, optional
        Default :func:`reference_distances`; the rows whose ``use`` is
        ``fit positions`` are the constraints.
    free : sequence of str
        Node ids the fit may move.

    Returns
    -------
    pandas.DataFrame
        One row per free node: ``id``, ``lon_schematic``, ``lat_schematic``,
        ``lon``, ``lat`` (rounded to 1e-4°, about 10 m) and ``moved_km``.

    Raises
    ------
    DataError
        When a section names an unknown route or node, or the figures
        cannot all be met (the optimiser's message is given).

    Examples
    --------
    >>> fit = fit_interchanges()
    >>> bool((fit["moved_km"] < 12).all())
    True
    """
    from scipy.optimize import minimize  # an optional import: only the fit needs it

    from .network import network_tables

    if nodes is None or routes is None:
        nodes, routes = network_tables()
        drawn = interchange_fit().set_index("id")
        for node_id, r in drawn.iterrows():
            nodes.loc[nodes["id"] == node_id, ["lon", "lat"]] = (r["lon_schematic"], r["lat_schematic"])
    reference = reference_distances() if reference is None else reference
    base = {str(i): (float(x), float(y)) for i, x, y in zip(nodes["id"], nodes["lon"], nodes["lat"], strict=True)}
    unknown = [n for n in free if n not in base]
    if unknown:
        raise DataError(f"interchange fit: node(s) {unknown} not in the node table")
    sections = [
        (r["pair"], _legs(r, routes), float(r["length_km"]))
        for r in reference[reference["use"] == "fit positions"].to_dict("records")
    ]
    x0 = np.array([c for n in free for c in base[n]])
    km_per_deg = np.array([111.32 * math.cos(math.radians(float(np.mean(x0[1::2])))), 110.95])

    def positions(x: np.ndarray) -> dict[str, tuple[float, float]]:
        pos = dict(base)
        pos.update({n: (float(x[2 * k]), float(x[2 * k + 1])) for k, n in enumerate(free)})
        return pos

    def moved(x: np.ndarray) -> float:
        return float((((x - x0).reshape(-1, 2) * km_per_deg) ** 2).sum())

    def gap(legs: list[tuple[list[str], str, str]], km: float):
        return lambda x: sum(_along_km(seq, a, b, positions(x)) for seq, a, b in legs) - km

    constraints = [{"type": "eq", "fun": gap(legs, km)} for _, legs, km in sections]
    result = minimize(moved, x0, constraints=constraints, method="SLSQP", options={"ftol": 1e-10, "maxiter": 1000})
    worst = max((abs(c["fun"](result.x)) for c in constraints), default=0.0)
    if not result.success or worst > 0.01:
        raise DataError(f"interchange fit: the sections cannot all be met ({result.message}; worst gap {worst:.3f} km)")
    pos = positions(np.round(result.x, 4))
    rows = []
    for n in free:
        (x_a, y_a), (x_b, y_b) = base[n], pos[n]
        rows.append(
            {
                "id": n,
                "lon_schematic": x_a,
                "lat_schematic": y_a,
                "lon": x_b,
                "lat": y_b,
                "moved_km": round(_GEOD.inv(x_a, y_a, x_b, y_b)[2] / 1000.0, 1),
            }
        )
    return pd.DataFrame(rows)
