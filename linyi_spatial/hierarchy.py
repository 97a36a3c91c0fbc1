"""Urban hierarchy: rank-size, primacy, tiers, centrality, gravity linkages, axis agglomeration,
polycentricity and urbanization targets.

Every function takes a (Geo)DataFrame and the name of its size column and
returns a tidy DataFrame (or a small dataclass of them) with units in the
column names.

References
----------
- Zipf, G. K. (1949). *Human Behavior and the Principle of Least Effort*.
- Jefferson, M. (1939). The law of the primate city. *Geographical Review* 29(2).
- Ginsburg, N. (1961). *Atlas of Economic Development* (four-city index);
  the eleven-city index follows Xu Xueqiang et al., 《城市地理学》 (1997).
- Latora, V. & Marchiori, M. (2001). Efficient behavior of small-world
  networks. *Physical Review Letters* 87 (straightness).
- Brandes, U. (2001). A faster algorithm for betweenness centrality.
  *Journal of Mathematical Sociology* 25(2).
- Green, N. (2007). Functional polycentricity: a formal definition in terms
  of social network analysis. *Urban Studies* 44(11), 2077–2103.
- Meijers, E. (2008). Measuring polycentricity and its promises. *European
  Planning Studies* 16(9), 1313–1323.
- Northam, R. M. (1979). *Urban Geography* (logistic urbanization curve).
"""

from __future__ import annotations

import html
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pyproj
import shapely
from scipy import stats

from .crs import projected_crs
from .errors import DataError, NetworkError
from .routing import routing_graph, shortest_times

__all__ = [
    "URBANIZATION_TARGETS",
    "HierarchyReport",
    "Linkages",
    "axis_agglomeration",
    "centrality",
    "data_tiers",
    "gravity_linkages",
    "hierarchy_report",
    "plan_tiers",
    "polycentricity",
    "primacy",
    "rank_size",
    "rank_size_table",
    "tier_consistency",
    "urbanization_targets",
]

URBANIZATION_TARGETS: dict[int, float] = {2025: 0.62, 2035: 0.72}
"""Resident urbanization targets of the Linyi New Urbanization Plan 2021–2035 (stated, P2)."""


# --------------------------------------------------------------------------- validation


def _sizes(df: pd.DataFrame, size: str, *, min_places: int = 3, label: str | None = None) -> pd.Series:
    """Validated positive sizes indexed like ``df``."""
    if not isinstance(df, pd.DataFrame):
        raise DataError(f"expected a DataFrame, got {type(df).__name__}")
    if size not in df.columns:
        raise DataError(f"column {size!r} not found; available: {sorted(map(str, df.columns))}")
    s = pd.to_numeric(df[size], errors="coerce")
    bad = s[s.isna() | (s <= 0)]
    if len(bad):
        values = df[size][bad.index].tolist()[:10]
        raise DataError(f"{size} must be positive numbers; bad values at {bad.index.tolist()[:10]} ({values})")
    if len(s) < min_places:
        raise DataError(f"{label or 'this measure'} needs at least {min_places} places, got {len(s)}")
    return s.astype(float)


# --------------------------------------------------------------------------- rank-size and primacy


def _ols(x: np.ndarray, y: np.ndarray) -> dict[str, float]:
    if np.ptp(x) == 0:  # e.g. the Pareto form when every size is equal
        return dict.fromkeys(("slope", "intercept", "r2", "se", "t"), math.nan)
    fit = stats.linregress(x, y)
    n = len(x)
    tcrit = stats.t.ppf(0.975, n - 2) if n > 2 else math.nan
    return {"slope": fit.slope, "intercept": fit.intercept, "r2": fit.rvalue**2, "se": fit.stderr, "t": tcrit}


def rank_size(df: pd.DataFrame, size: str = "pop_2020") -> pd.DataFrame:
    """Rank-size rule (Zipf) fitted by OLS on logarithms.

    Zipf form: ``ln S_r = ln S_1 - q ln r`` (sizes sorted descending, rank
    ``r`` = 1..n); ``q`` = 1 is Zipf's law, ``q`` > 1 a concentrated
    hierarchy dominated by the largest place, ``q`` < 1 a flat one. Pareto
    form: ``ln r = ln A - α ln S`` (``α`` ≈ 1/q when the fit is good).

    Parameters
    ----------
    df : pandas.DataFrame
        One row per place.
    size : str, default "pop_2020"
        Column with positive sizes (population, urban population, GDP...).

    Returns
    -------
    pandas.DataFrame
        One row (indexed by ``size``): ``n``, ``q``, ``q_se``,
        ``q_ci95_low``, ``q_ci95_high``, ``r2``, ``ln_s1_fitted``,
        ``s1_fitted``, ``pareto_alpha``, ``pareto_r2``. The ranked places
        with fitted sizes come from :func:`rank_size_table`.

    Raises
    ------
    DataError
        Missing column, non-positive sizes or fewer than three places.

    Examples
    --------
    >>> df = pd.DataFrame({"pop": [1200, 600, 400, 300]}, index=list("abcd"))
    >>> rank_size(df, "pop")[["q", "r2"]].round(6).iloc[0].tolist()
    [1.0, 1.0]
    """
    s = _sizes(df, size, label="rank-size").sort_values(ascending=False, kind="stable")
    rank = np.arange(1, len(s) + 1, dtype=float)
    lr, ls_ = np.log(rank), np.log(s.to_numpy())
    zipf = _ols(lr, ls_)
    pareto = _ols(ls_, lr)
    q, se = -zipf["slope"], zipf["se"]
    out = pd.DataFrame(
        {
            "n": [len(s)],
            "q": [q],
            "q_se": [se],
            "q_ci95_low": [q - zipf["t"] * se],
            "q_ci95_high": [q + zipf["t"] * se],
            "r2": [zipf["r2"]],
            "ln_s1_fitted": [zipf["intercept"]],
            "s1_fitted": [math.exp(zipf["intercept"])],
            "pareto_alpha": [-pareto["slope"]],
            "pareto_r2": [pareto["r2"]],
        },
        index=pd.Index([size], name="size"),
    )
    return out


def rank_size_table(df: pd.DataFrame, size: str = "pop_2020") -> pd.DataFrame:
    """Places ranked by size with the sizes the fitted rank-size rule predicts.

    Parameters
    ----------
    df : pandas.DataFrame
    size : str, default "pop_2020"

    Returns
    -------
    pandas.DataFrame
        ``rank``, the size column and ``<size>_fitted``, largest first.

    Examples
    --------
    >>> df = pd.DataFrame({"pop": [1200, 600, 400, 300]}, index=list("abcd"))
    >>> rank_size_table(df, "pop")["pop_fitted"].round(1).tolist()
    [1200.0, 600.0, 400.0, 300.0]
    """
    fit = rank_size(df, size).iloc[0]
    s = _sizes(df, size, label="rank-size").sort_values(ascending=False, kind="stable")
    rank = np.arange(1, len(s) + 1)
    fitted = np.exp(fit["ln_s1_fitted"] - fit["q"] * np.log(rank))
    return pd.DataFrame({"rank": rank, size: s.to_numpy(), f"{size}_fitted": fitted}, index=s.index)


def _merge(s: pd.Series, merge: Mapping[str, Sequence[Any]] | None) -> pd.Series:
    if not merge:
        return s
    out = s.copy()
    for name, members in merge.items():
        missing = [m for m in members if m not in out.index]
        if missing:
            raise DataError(f"merge {name!r}: unknown place(s) {missing}")
        total = out.loc[list(members)].sum()
        out = out.drop(list(members))
        out.loc[name] = total
    return out


def primacy(
    df: pd.DataFrame,
    size: str = "pop_2020",
    *,
    merge: Mapping[str, Sequence[Any]] | None = None,
    core: Sequence[Any] | str | None = None,
) -> pd.DataFrame:
    """Primacy indices and the core's share.

    With sizes sorted descending ``P1 ≥ P2 ≥ ...``:

    - two-city index ``S2 = P1 / P2`` (Jefferson 1939);
    - four-city index ``S4 = P1 / (P2 + P3 + P4)`` (Ginsburg 1961);
    - eleven-city index ``S11 = 2 P1 / (P2 + ... + P11)``.

    Under an exact rank-size rule (q = 1) S2 = 2, S4 ≈ 0.92, S11 ≈ 1.0.
    Indices needing more places than there are are NaN.

    Parameters
    ----------
    df : pandas.DataFrame
    size : str, default "pop_2020"
    merge : mapping, optional
        ``{new_name: [index labels]}`` to merge places first (e.g. the three
        central districts into one central city).
    core : label or sequence of labels, optional
        Places forming the core (after merging); adds ``core_share``.

    Returns
    -------
    pandas.DataFrame
        One row: ``n``, ``largest``, ``s2``, ``s4``, ``s11``,
        ``largest_share``, ``core_share``.

    Raises
    ------
    DataError
        As :func:`rank_size`, or unknown labels in ``merge``/``core``.

    Examples
    --------
    >>> df = pd.DataFrame({"pop": [1200, 600, 400, 300]}, index=list("abcd"))
    >>> primacy(df, "pop")[["s2", "s4"]].round(3).iloc[0].tolist()
    [2.0, 0.923]
    """
    s = _merge(_sizes(df, size, label="primacy"), merge).sort_values(ascending=False, kind="stable")
    p = s.to_numpy()
    n = len(p)
    core_share = math.nan
    if core is not None:
        members = [core] if isinstance(core, str) else list(core)
        missing = [c for c in members if c not in s.index]
        if missing:
            raise DataError(f"core place(s) {missing} not found (after merging)")
        core_share = float(s.loc[members].sum() / s.sum())
    return pd.DataFrame(
        {
            "n": [n],
            "largest": [s.index[0]],
            "s2": [p[0] / p[1]],
            "s4": [p[0] / p[1:4].sum() if n >= 4 else math.nan],
            "s11": [2 * p[0] / p[1:11].sum() if n >= 11 else math.nan],
            "largest_share": [p[0] / p.sum()],
            "core_share": [core_share],
        },
        index=pd.Index([size], name="size"),
    )


# --------------------------------------------------------------------------- tiers


TIER_ORDER = ("core", "pole", "point", "other")


def plan_tiers(structure: Any) -> pd.DataFrame:
    """The plan's tier of every unit, from the structure spec.

    A unit is ``core`` if it is one of the core's units, ``pole`` if its
    seat is a pole, ``point`` if its seat is a point, ``other`` otherwise.
    Poles or points that are not unit seats (a zone such as 临港, key towns)
    are listed in ``attrs["non_seat_places"]``.

    Parameters
    ----------
    structure : SpatialStructure

    Returns
    -------
    pandas.DataFrame
        Indexed by unit id: ``plan_tier``, ``plan_rank`` (1 = core).

    Examples
    --------
    >>> from linyi_spatial.structure import load_structure
    >>> t = plan_tiers(load_structure(axes="anchors"))
    >>> t["plan_tier"].value_counts().to_dict()
    {'point': 7, 'core': 3, 'pole': 2}
    """
    tier = pd.Series("other", index=structure.units.index, name="plan_tier", dtype=object)
    seats = structure.places[structure.places["kind"] == "county_seat"]
    seat_unit = seats["unit"]
    for frame, label in ((structure.points, "point"), (structure.poles, "pole")):
        for place in frame["place"]:
            if place in seat_unit.index:
                tier[seat_unit[place]] = label
    for unit in structure.core["units"].iloc[0]:
        tier[unit] = "core"
    out = pd.DataFrame({"plan_tier": tier, "plan_rank": tier.map({t: i + 1 for i, t in enumerate(TIER_ORDER)})})
    others = [p for p in [*structure.poles["place"], *structure.points["place"]] if p not in seat_unit.index]
    out.attrs["non_seat_places"] = others
    return out


def data_tiers(df: pd.DataFrame, columns: Mapping[str, float], *, k: int = 3) -> pd.DataFrame:
    """Data-driven tiers: Fisher–Jenks natural breaks on a composite index.

    Each column is rescaled to 0–1 over the places (min–max; higher is
    "more central"; pass a negative weight for columns where lower is better,
    such as travel times), the composite is the weighted mean, and
    ``mapclassify.FisherJenks`` splits it into ``k`` classes. Tier 1 is the
    top class.

    Parameters
    ----------
    df : pandas.DataFrame
    columns : mapping of column -> weight
        Negative weight: lower values are better.
    k : int, default 3

    Returns
    -------
    pandas.DataFrame
        ``composite``, ``data_rank`` (1 = top) and ``attrs["breaks"]``.

    Raises
    ------
    DataError
        For missing columns, NaN values or fewer places than classes.

    Examples
    --------
    >>> df = pd.DataFrame({"pop": [10, 9, 5, 4, 1, 1.2]}, index=list("abcdef"))
    >>> data_tiers(df, {"pop": 1.0})["data_rank"].tolist()
    [1, 1, 2, 2, 3, 3]
    """
    import mapclassify

    if len(df) < max(k, 3):
        raise DataError(f"data tiers need at least {max(k, 3)} places, got {len(df)}")
    parts = []
    for col, w in columns.items():
        if col not in df:
            raise DataError(f"column {col!r} not found")
        x = pd.to_numeric(df[col], errors="coerce").replace([np.inf, -np.inf], np.nan)
        if x.isna().any():
            raise DataError(f"column {col!r} has missing values at {x[x.isna()].index.tolist()}")
        span = x.max() - x.min()
        z = (x - x.min()) / span if span else x * 0 + 1.0
        parts.append((z if w >= 0 else 1 - z) * abs(w))
    total = sum(abs(w) for w in columns.values())
    comp = sum(parts) / total
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Numba not installed": exact either way
        fj = mapclassify.FisherJenks(comp.to_numpy(), k=k)
    rank = k - fj.yb  # yb = 0 is the lowest class
    out = pd.DataFrame({"composite": comp, "data_rank": rank.astype(int)}, index=df.index)
    out.attrs["breaks"] = fj.bins.tolist()
    return out


def tier_consistency(plan: pd.DataFrame, data: pd.DataFrame) -> pd.DataFrame:
    """Compare plan tiers with data tiers unit by unit.

    Plan tiers are ranked core = 1, pole = 2, point = 3 (``other`` = 4 is
    treated as 3 when the data have three classes); a unit is consistent
    when its data rank equals its plan rank. ``difference`` > 0 means the
    data place the unit lower than the plan does.

    Parameters
    ----------
    plan : pandas.DataFrame
        From :func:`plan_tiers`.
    data : pandas.DataFrame
        From :func:`data_tiers`.

    Returns
    -------
    pandas.DataFrame
        ``plan_tier``, ``plan_rank``, ``composite``, ``data_rank``,
        ``difference``, ``consistent``.

    Examples
    --------
    >>> p = pd.DataFrame({"plan_tier": ["core", "pole"], "plan_rank": [1, 2]}, index=["a", "b"])
    >>> d = pd.DataFrame({"composite": [0.9, 0.1], "data_rank": [1, 3]}, index=["a", "b"])
    >>> tier_consistency(p, d)["consistent"].tolist()
    [True, False]
    """
    out = plan.join(data, how="inner")
    k = int(out["data_rank"].max())
    plan_rank = out["plan_rank"].clip(upper=k)
    out["difference"] = out["data_rank"] - plan_rank
    out["consistent"] = out["difference"] == 0
    return out


# --------------------------------------------------------------------------- centrality


def centrality(
    G: nx.MultiDiGraph,
    places: Sequence[Any] | None = None,
    *,
    weight: str = "travel_time",
    backend: str = "auto",
    betweenness_sources: int | None = None,
    cutoff: float | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """Network centrality of places on the transport graph.

    - ``degree``: number of distinct neighbouring nodes;
    - ``closeness``: ``(r-1)/Σ_v d(v, u) · (r-1)/(n-1)`` with ``d`` the
      travel time to ``u`` and ``r`` the nodes that reach it (networkx's
      Wasserman–Faust form), per second;
    - ``mean_time_min``: mean travel time from ``u`` to the nodes it reaches;
    - ``betweenness``: share of shortest (travel-time) paths through ``u``
      (Brandes 2001), normalized by ``(n-1)(n-2)`` as networkx does for
      directed graphs;
    - ``straightness``: ``1/(n-1) Σ_v d_geo(u,v) / d_len(u,v)`` with network
      length in metres (Latora & Marchiori 2001); unreachable pairs add 0.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Graph with node ``x``/``y`` in degrees and ``length`` on edges.
    places : sequence of node ids, optional
        Nodes to report; default all.
    weight : str, default "travel_time"
    backend : {"auto", "igraph", "networkx"}
        Betweenness engine: igraph (``pip install igraph``; ≈50x faster)
        when available, else networkx. Closeness and straightness always
        use the scipy engine.
    betweenness_sources : int, optional
        Estimate betweenness from this many randomly sampled sources,
        scaled by n/k (for OSM-sized graphs).
    cutoff : float, optional
        Only paths up to this cost count (local betweenness).
    seed : int, default 0
        Sampling seed.

    Returns
    -------
    pandas.DataFrame
        Indexed by place.

    Raises
    ------
    NetworkError
        Unknown places or backend.

    Examples
    --------
    >>> from linyi_spatial.network import load_network
    >>> c = centrality(load_network(2020), ["city_hall", "mengyin"])
    >>> bool(c.loc["city_hall", "closeness"] > c.loc["mengyin", "closeness"])
    True
    """
    nodes = list(G.nodes) if places is None else list(places)
    missing = [p for p in nodes if p not in G]
    if missing:
        raise NetworkError(f"place(s) not in the graph: {missing[:10]}")
    if backend not in ("auto", "igraph", "networkx"):
        raise NetworkError(f"unknown backend {backend!r}")
    n = G.number_of_nodes()
    rg = routing_graph(G, weight)
    to_u = shortest_times(G, nodes, weight=weight, to_sources=True)
    from_u = shortest_times(G, nodes, weight=weight)
    own = rg.rows(nodes)
    closeness = np.zeros(len(nodes))
    mean_time = np.full(len(nodes), np.nan)
    for i in range(len(nodes)):
        d = to_u[i][np.isfinite(to_u[i])]
        r = len(d)
        tot = d.sum()
        if tot > 0 and n > 1:
            closeness[i] = (r - 1) / tot * (r - 1) / (n - 1)
        f = from_u[i][np.isfinite(from_u[i])]
        if len(f) > 1:
            mean_time[i] = f.sum() / (len(f) - 1) / 60.0
    # straightness on lengths
    lengths = shortest_times(G, nodes, weight="length")
    geod = pyproj.Geod(ellps="WGS84")
    xs = np.array([G.nodes[v]["x"] for v in rg.nodes])
    ys = np.array([G.nodes[v]["y"] for v in rg.nodes])
    straight = np.zeros(len(nodes))
    for i, row in enumerate(own):
        d_geo = geod.inv(np.full(n, xs[row]), np.full(n, ys[row]), xs, ys)[2]
        ok = np.isfinite(lengths[i]) & (lengths[i] > 0)
        straight[i] = np.sum(d_geo[ok] / lengths[i][ok]) / (n - 1) if n > 1 else math.nan
    degree = [len(set(G.successors(v)) | set(G.predecessors(v))) for v in nodes]
    btw = _betweenness(G, weight, backend, betweenness_sources, cutoff, seed)
    return pd.DataFrame(
        {
            "degree": degree,
            "closeness": closeness,
            "mean_time_min": mean_time,
            "betweenness": [btw[v] for v in nodes],
            "straightness": straight,
        },
        index=pd.Index(nodes, name="node"),
    )


def _simple_digraph(G: nx.MultiDiGraph, weight: str) -> nx.DiGraph:
    """Collapse parallel edges to the cheapest one (what shortest paths use)."""
    H = nx.DiGraph()
    H.add_nodes_from(G.nodes)
    for u, v, d in G.edges(data=True):
        w = d[weight]
        if not H.has_edge(u, v) or w < H[u][v][weight]:
            H.add_edge(u, v, **{weight: w})
    return H


def _betweenness(
    G: nx.MultiDiGraph, weight: str, backend: str, k: int | None, cutoff: float | None, seed: int
) -> dict[Any, float]:
    H = _simple_digraph(G, weight) if G.is_multigraph() else G
    n = H.number_of_nodes()
    norm = 1.0 / ((n - 1) * (n - 2)) if n > 2 else 1.0
    use_igraph = backend == "igraph"
    if backend == "auto":
        try:
            import igraph  # noqa: F401

            use_igraph = True
        except ImportError:
            use_igraph = False
    nodes = list(H.nodes)
    if use_igraph:
        try:
            import igraph as ig
        except ImportError as exc:
            raise NetworkError("backend='igraph' needs python-igraph: pip install igraph") from exc
        index = {v: i for i, v in enumerate(nodes)}
        edges = [(index[u], index[v]) for u, v in H.edges()]
        g = ig.Graph(n=n, edges=edges, directed=True)
        w = [H[u][v][weight] for u, v in H.edges()]
        sources = None
        scale = 1.0
        if k is not None and k < n:
            rng = np.random.default_rng(seed)
            sources = rng.choice(n, k, replace=False).tolist()
            scale = n / k
        vals = g.betweenness(directed=True, weights=w, cutoff=cutoff, sources=sources)
        return {v: float(b) * norm * scale for v, b in zip(nodes, vals, strict=True)}
    if cutoff is not None:
        raise NetworkError("cutoff-limited betweenness needs backend='igraph' (pip install igraph)")
    return nx.betweenness_centrality(H, k=k, weight=weight, normalized=True, seed=seed)


# --------------------------------------------------------------------------- gravity linkages


@dataclass(frozen=True)
class Linkages:
    """Result of :func:`gravity_linkages`.

    Attributes
    ----------
    matrix : pandas.DataFrame
        Symmetric strengths ``R_ij`` (0 on the diagonal).
    links : pandas.DataFrame
        Tidy pairs ``i < j``: ``strength``, ``travel_time_min``,
        ``share_of_i``, ``share_of_j``, sorted strongest first.
    membership : pandas.DataFrame
        Per place: ``total_strength``, ``dominant_partner``,
        ``dominant_share`` and ``share_to_<centre>`` for each centre.
    params : dict
        ``k``, ``b`` and the columns used.
    """

    matrix: pd.DataFrame
    links: pd.DataFrame
    membership: pd.DataFrame
    params: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"Linkages({len(self.matrix)} places, b={self.params.get('b')}, k={self.params.get('k')})"

    def _repr_html_(self) -> str:
        return f"<p><b>{html.escape(repr(self))}</b> — strongest links</p>" + self.links.head(10).to_html(escape=True)


def gravity_linkages(
    df: pd.DataFrame,
    travel_time_min: pd.DataFrame,
    *,
    size: str = "pop_2020",
    economy: str | None = None,
    b: float = 2.0,
    k: float = 1.0,
    centres: Sequence[Any] = (),
) -> Linkages:
    """Gravity-model linkage strength between places.

    ``R_ij = k · sqrt(P_i G_i) · sqrt(P_j G_j) / d_ij^b`` with ``P`` the
    ``size`` column, ``G`` the ``economy`` column (GDP; if omitted,
    ``G = P`` and the formula reduces to ``k P_i P_j / d_ij^b``) and
    ``d_ij`` the network travel time in minutes, symmetrized as
    ``(t_ij + t_ji)/2``. The membership share (隶属度) of ``i`` towards ``j``
    is ``F_ij = R_ij / Σ_j' R_ij'``.

    Parameters
    ----------
    df : pandas.DataFrame
        Places (index labels match the matrix).
    travel_time_min : pandas.DataFrame
        Minutes between the places (rows and columns ⊇ ``df.index``).
    size : str, default "pop_2020"
    economy : str, optional
        GDP column.
    b : float, default 2
        Distance-decay exponent (2: the Newtonian form used in most Chinese
        urban-linkage studies).
    k : float, default 1
        Gravitational constant (scales every strength equally).
    centres : sequence of labels
        Places whose membership shares are reported (e.g. core and poles).

    Returns
    -------
    Linkages

    Raises
    ------
    DataError
        Missing places in the matrix, non-positive or infinite times
        between different places, bad sizes, unknown centres.

    Examples
    --------
    >>> df = pd.DataFrame({"pop": [100.0, 50.0, 10.0]}, index=list("abc"))
    >>> T = pd.DataFrame([[0, 10, 20], [10, 0, 10], [20, 10, 0]], index=list("abc"), columns=list("abc"))
    >>> gravity_linkages(df, T, size="pop").matrix.loc["a", "b"]
    np.float64(50.0)
    """
    p = _sizes(df, size, label="gravity linkages")
    g = _sizes(df, economy, label="gravity linkages") if economy is not None else p
    labels = list(p.index)
    missing = [x for x in labels if x not in travel_time_min.index or x not in travel_time_min.columns]
    if missing:
        raise DataError(f"travel-time matrix lacks place(s) {missing}")
    unknown = [c for c in centres if c not in labels]
    if unknown:
        raise DataError(f"unknown centre(s) {unknown}")
    if b < 0 or k <= 0:
        raise DataError("b must be >= 0 and k > 0")
    t = travel_time_min.loc[labels, labels].to_numpy(dtype=float)
    t = (t + t.T) / 2.0
    off = ~np.eye(len(labels), dtype=bool)
    bad = off & (~np.isfinite(t) | (t <= 0))
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise DataError(
            f"travel time between {labels[i]!r} and {labels[j]!r} must be positive and finite, got {t[i, j]}"
        )
    mass = np.sqrt(p.to_numpy() * g.to_numpy())
    with np.errstate(divide="ignore"):
        R = np.where(off, k * np.outer(mass, mass) / np.where(off, t, 1.0) ** b, 0.0)
    matrix = pd.DataFrame(R, index=p.index, columns=p.index)
    total = R.sum(axis=1)
    share = np.divide(R, total[:, None], out=np.zeros_like(R), where=total[:, None] > 0)
    iu, ju = np.triu_indices(len(labels), 1)
    links = pd.DataFrame(
        {
            "i": [labels[a] for a in iu],
            "j": [labels[c] for c in ju],
            "strength": R[iu, ju],
            "travel_time_min": t[iu, ju],
            "share_of_i": share[iu, ju],
            "share_of_j": share[ju, iu],
        }
    )
    links = links.sort_values("strength", ascending=False, ignore_index=True)
    dom = R.argmax(axis=1)
    membership = pd.DataFrame(
        {
            "total_strength": total,
            "dominant_partner": [labels[d] for d in dom],
            "dominant_share": share[np.arange(len(labels)), dom],
        },
        index=p.index,
    )
    for c in centres:
        membership[f"share_to_{c}"] = share[:, labels.index(c)]
    return Linkages(matrix, links, membership, {"k": k, "b": b, "size": size, "economy": economy})


# --------------------------------------------------------------------------- axis agglomeration


def axis_agglomeration(
    structure: Any,
    *,
    band_km: float = 10.0,
    size: str = "pop_2020",
    urban: str | None = "urban_pop_2020",
    towns: gpd.GeoDataFrame | None = None,
) -> pd.DataFrame:
    """How much population, towns and land each axis's corridor band holds (七轴集聚).

    The band is the axis line buffered by ``band_km`` on each side (10 km:
    about 15–20 minutes by county roads, the usual depth of a development
    corridor on both sides of its trunk lines). Population is placed
    dasymetrically: each unit's urban population (``urban`` column) sits at
    its seat, the rest is spread evenly over its land; with ``urban=None``
    all of it is spread evenly. Per axis:

    - ``pop_share`` = population in the band / total; ``area_share`` =
      band land / total land; ``location_quotient`` = pop_share / area_share
      (> 1: the axis gathers more people than its share of land);
    - ``town_share``: share of the structure's points (and ``towns``, if
      given) inside the band; ``seats_in_band``.

    Parameters
    ----------
    structure : SpatialStructure
        Units need the ``size`` (and ``urban``) columns and seat places.
    band_km : float, default 10
    size : str, default "pop_2020"
    urban : str or None, default "urban_pop_2020"
    towns : GeoDataFrame, optional
        Extra town points to count.

    Returns
    -------
    pandas.DataFrame
        Indexed by axis id, plus a row ``all_axes`` for the union of bands.

    Raises
    ------
    DataError
        Missing columns or a non-positive band.

    Examples
    --------
    >>> from linyi_spatial.structure import load_structure
    >>> a = axis_agglomeration(load_structure())
    >>> bool((a["location_quotient"] > 0).all())
    True
    """
    if band_km <= 0:
        raise DataError(f"band_km must be positive, got {band_km}")
    units = structure.units
    pop = _sizes(units, size, min_places=1, label="axis agglomeration")
    urb = pd.Series(0.0, index=units.index) if urban is None else _urban(units, urban, pop)
    crs = projected_crs(units)
    uproj = units.to_crs(crs)
    seats = structure.places[structure.places["kind"] == "county_seat"].to_crs(crs)
    seat_of = {u: geom for u, geom in zip(seats["unit"], seats.geometry, strict=True)}
    area = uproj.area.to_numpy()
    rural_density = (pop - urb).to_numpy() / area
    points = structure.points.to_crs(crs).geometry
    if towns is not None:
        points = pd.concat([points, towns.to_crs(crs).geometry])
    axes = structure.axes.to_crs(crs)
    bands = {aid: line.buffer(band_km * 1000.0) for aid, line in axes.geometry.items()}
    bands["all_axes"] = shapely.union_all(list(bands.values()))
    region = shapely.union_all(uproj.geometry.to_numpy())
    rows = []
    for aid, band in bands.items():
        inside_area = shapely.area(shapely.intersection(uproj.geometry.to_numpy(), band))
        band_pop = float(np.sum(rural_density * inside_area))
        seats_in = [u for u in units.index if u in seat_of and band.contains(seat_of[u])]
        band_pop += float(urb.loc[seats_in].sum())
        area_share = float(inside_area.sum() / area.sum())
        pop_share = band_pop / float(pop.sum())
        rows.append(
            {
                "axis": aid,
                "band_km": band_km,
                "band_area_km2": float(shapely.area(shapely.intersection(band, region)) / 1e6),
                "pop_in_band": band_pop,
                "pop_share": pop_share,
                "area_share": area_share,
                "location_quotient": pop_share / area_share if area_share > 0 else math.nan,
                "seats_in_band": len(seats_in),
                "town_share": float(np.mean([band.contains(p) for p in points])) if len(points) else math.nan,
            }
        )
    return pd.DataFrame(rows).set_index("axis")


def _urban(units: pd.DataFrame, urban: str, pop: pd.Series) -> pd.Series:
    if urban not in units:
        raise DataError(f"column {urban!r} not found; pass urban=None to spread all population evenly")
    u = pd.to_numeric(units[urban], errors="coerce")
    bad = u[u.isna() | (u < 0) | (u > pop)]
    if len(bad):
        raise DataError(f"{urban} must be between 0 and the population; bad at {bad.index.tolist()}")
    return u.astype(float)


# --------------------------------------------------------------------------- polycentricity


def polycentricity(
    df: pd.DataFrame,
    size: str = "pop_2020",
    *,
    linkages: Linkages | None = None,
    top: int = 4,
    merge: Mapping[str, Sequence[Any]] | None = None,
) -> pd.DataFrame:
    """Morphological and functional polycentricity.

    - Morphological (Meijers 2008): the rank-size slope ``q`` of the
      ``top`` largest centres; ``morphological_index = 1 - q`` clipped to
      [0, 1] (1: equal-sized centres; 0: a slope as steep as Zipf's law or
      steeper).
    - Functional (Green 2007): with node strengths ``s_i = Σ_j R_ij`` of the
      linkage network, ``P_F = (1 - σ_s / σ_max) · Δ`` where ``σ_max`` is the
      standard deviation of the two-node network ``(s_max, 0)``, i.e.
      ``s_max / 2``, and ``Δ`` the share of pairs with a positive link.
    - Core dominance: the largest centre's share of total strength.

    Parameters
    ----------
    df : pandas.DataFrame
    size : str, default "pop_2020"
    linkages : Linkages, optional
        From :func:`gravity_linkages` (needed for the functional index).
    top : int, default 4
    merge : mapping, optional
        Merge places first (e.g. the three central districts), as in
        :func:`primacy`.

    Returns
    -------
    pandas.DataFrame
        One row: ``top``, ``rank_size_q_top``, ``morphological_index``,
        ``functional_index``, ``strength_cv``, ``core_strength_share``.

    Examples
    --------
    >>> df = pd.DataFrame({"pop": [100.0, 100.0, 100.0, 100.0]}, index=list("abcd"))
    >>> polycentricity(df, "pop")["morphological_index"].item()
    1.0
    """
    s = _merge(_sizes(df, size, label="polycentricity"), merge)
    top = min(top, len(s))
    if top < 3:
        raise DataError("polycentricity needs at least three centres")
    q = float(rank_size(s.to_frame(size).nlargest(top, size), size)["q"].iloc[0])
    out = {
        "top": top,
        "rank_size_q_top": q,
        "morphological_index": float(np.clip(1.0 - q, 0.0, 1.0)),
        "functional_index": math.nan,
        "strength_cv": math.nan,
        "core_strength_share": math.nan,
    }
    if linkages is not None:
        R = linkages.matrix.to_numpy()
        strength = R.sum(axis=1)
        n = len(strength)
        sigma = strength.std()
        sigma_max = np.std([strength.max(), 0.0])  # Green: a two-node network, one node with all the links
        density = float((R[np.triu_indices(n, 1)] > 0).mean())
        out["functional_index"] = float((1 - sigma / sigma_max) * density) if sigma_max > 0 else math.nan
        out["strength_cv"] = float(sigma / strength.mean())
        out["core_strength_share"] = float(strength.max() / strength.sum())
    return pd.DataFrame(out, index=pd.Index([size], name="size"))


# --------------------------------------------------------------------------- urbanization


def urbanization_targets(
    df: pd.DataFrame,
    *,
    pop: str = "pop_2020",
    urban: str = "urban_pop_2020",
    base_year: int = 2020,
    targets: Mapping[int, float] | None = None,
    pop_growth_per_year: float | None = None,
    pop_base_column: str | None = "pop_2010",
    base_pop_year: int = 2010,
    saturation: float = 0.85,
    years: Sequence[int] = (2020, 2025, 2030, 2035),
) -> pd.DataFrame:
    """City urbanization now and as the targets require, with the urban population they imply.

    Total population is projected geometrically: ``P(t) = P0 (1 + g)^(t - t0)``,
    with ``g`` the intercensal rate from ``pop_base_column`` (2010–2020:
    0.93 %/yr for Linyi — an upper bound given falling fertility; pass
    ``pop_growth_per_year=0`` for a constant population). The urbanization
    path is a logistic curve ``u(t) = K / (1 + exp(-r (t - t_m)))`` with
    saturation ``K`` (0.85, typical of mature urbanization; Northam 1979)
    passed exactly through the base rate and the last target; the table
    shows the rate each target year requires, the logistic path between,
    and the implied urban population and its increase over the base.

    Parameters
    ----------
    df : pandas.DataFrame
        Units with ``pop`` and ``urban`` (and optionally ``pop_base_column``).
    pop, urban : str
    base_year : int, default 2020
    targets : mapping year -> rate, default :data:`URBANIZATION_TARGETS`
    pop_growth_per_year : float, optional
        Overrides the intercensal rate.
    pop_base_column : str or None, default "pop_2010"
    base_pop_year : int, default 2010
    saturation : float, default 0.85
    years : sequence of int

    Returns
    -------
    pandas.DataFrame
        Indexed by year: ``urbanization_rate``, ``source`` (census / target
        / logistic path), ``pop_total_projected``, ``urban_pop_implied``,
        ``urban_pop_increase``; ``attrs`` hold ``growth_per_year``, the
        logistic ``r`` and ``t_m``.

    Raises
    ------
    DataError
        Missing columns, or targets at or above the saturation.

    Examples
    --------
    >>> df = pd.DataFrame({"pop_2020": [100.0], "urban_pop_2020": [50.0]})
    >>> t = urbanization_targets(df, pop_base_column=None, pop_growth_per_year=0.0, targets={2035: 0.7})
    >>> t.loc[2035, "urban_pop_implied"]
    np.float64(70.0)
    """
    targets = dict(URBANIZATION_TARGETS if targets is None else targets)
    p = _sizes(df, pop, min_places=1)
    u = _urban(df, urban, p)
    p0, u0 = float(p.sum()), float(u.sum())
    rate0 = u0 / p0
    if pop_growth_per_year is None:
        if pop_base_column is None:
            g = 0.0
        else:
            base = _sizes(df, pop_base_column, min_places=1)
            g = (p0 / float(base.sum())) ** (1.0 / (base_year - base_pop_year)) - 1.0
    else:
        g = float(pop_growth_per_year)
    if any(not 0 < r < saturation for r in targets.values()) or not 0 < rate0 < saturation:
        raise DataError(f"rates must lie strictly between 0 and the saturation {saturation}")
    last = max(targets)
    logit = lambda r: math.log(r / (saturation - r))  # noqa: E731
    r_log = (logit(targets[last]) - logit(rate0)) / (last - base_year)
    t_mid = base_year - logit(rate0) / r_log
    rows = []
    for y in sorted(set(years) | set(targets) | {base_year}):
        if y == base_year:
            rate, source = rate0, "census"
        elif y in targets:
            rate, source = targets[y], "target"
        else:
            rate, source = saturation / (1 + math.exp(-r_log * (y - t_mid))), "logistic path"
        total = p0 * (1 + g) ** (y - base_year)
        rows.append(
            {
                "year": y,
                "urbanization_rate": rate,
                "source": source,
                "pop_total_projected": total,
                "urban_pop_implied": rate * total,
                "urban_pop_increase": rate * total - u0,
                "logistic_rate": saturation / (1 + math.exp(-r_log * (y - t_mid))),
            }
        )
    out = pd.DataFrame(rows).set_index("year")
    out.attrs.update(growth_per_year=g, logistic_r=r_log, logistic_t_mid=t_mid, saturation=saturation)
    return out


# --------------------------------------------------------------------------- report


@dataclass(frozen=True)
class HierarchyReport:
    """All hierarchy tables for one region and year (see :func:`hierarchy_report`)."""

    rank_size: pd.DataFrame
    primacy: pd.DataFrame
    tiers: pd.DataFrame
    centrality: pd.DataFrame
    linkages: Linkages
    axis_agglomeration: pd.DataFrame
    polycentricity: pd.DataFrame
    urbanization: pd.DataFrame
    county_urbanization: pd.DataFrame

    def __repr__(self) -> str:
        return (
            f"HierarchyReport({len(self.tiers)} units; "
            + "; ".join(
                f"{m}: {v:.3g}" if isinstance(v, float) else f"{m}: {v}"
                for m, v in self.summary().head(3).itertuples(index=False)
            )
            + ")"
        )

    def _repr_html_(self) -> str:
        return "<p><b>Urban hierarchy report</b></p>" + self.summary().to_html(index=False, escape=True)

    def explore(self, *, structure: Any = None, tiles: str | None = "osm") -> Any:
        """Draw the report as an interactive map (see :func:`linyi_spatial.maps.hierarchy_map`).

        Parameters
        ----------
        structure : SpatialStructure, optional
            The structure the report was computed for (default Linyi's).
        tiles : str or None, default "osm"

        Returns
        -------
        folium.Map

        Examples
        --------
        >>> hierarchy_report(2020).explore(tiles=None)  # doctest: +SKIP
        """
        from .maps import hierarchy_map  # maps builds on this module; imported when asked for

        return hierarchy_map(self, structure=structure, tiles=tiles)

    def summary(self) -> pd.DataFrame:
        """Headline numbers as a two-column table (measure, value)."""
        rs = self.rank_size.loc["pop_2020"]
        pr = self.primacy.iloc[0]
        pc = self.polycentricity.iloc[0]
        inconsistent = self.tiers.index[~self.tiers["consistent"]].tolist()
        agg = self.axis_agglomeration.drop(index="all_axes")
        rows = [
            ("Zipf q (population, 12 units)", rs["q"]),
            ("rank-size R²", rs["r2"]),
            ("two-city primacy S2 (central city merged)", pr["s2"]),
            ("central city share of population", pr["core_share"]),
            ("functional polycentricity (Green 2007)", pc["functional_index"]),
            ("units whose data tier differs from the plan", ", ".join(map(str, inconsistent)) or "none"),
            ("strongest link", " — ".join(self.linkages.links.iloc[0][["i", "j"]].astype(str))),
            ("axis with the highest location quotient", agg["location_quotient"].idxmax()),
            ("all axes: population share / land share", self.axis_agglomeration.loc["all_axes", "location_quotient"]),
            ("urbanization 2020 (census)", self.urbanization.iloc[0]["urbanization_rate"]),
        ]
        return pd.DataFrame(rows, columns=["measure", "value"])


def hierarchy_report(year: int = 2020, *, structure: Any = None, G: nx.MultiDiGraph | None = None) -> HierarchyReport:
    """The whole Linyi hierarchy picture in one call.

    Units are the 12 county-level units; the central city merges 兰山, 罗庄
    and 河东 for primacy and polycentricity. Travel times and centrality
    come from the ``year`` network; data tiers use population (weight 0.4),
    seat closeness (0.3) and the county accessibility composite (0.3).

    Parameters
    ----------
    year : int, default 2020
    structure : SpatialStructure, optional
    G : networkx.MultiDiGraph, optional

    Returns
    -------
    HierarchyReport

    Examples
    --------
    >>> r = hierarchy_report(2020)
    >>> len(r.tiers), r.rank_size.index.tolist()
    (12, ['pop_2020', 'urban_pop_2020'])
    """
    from .accessibility import county_accessibility
    from .network import load_network
    from .routing import travel_time_matrix
    from .structure import load_structure

    structure = load_structure() if structure is None else structure
    G = load_network(year) if G is None else G
    units = structure.units
    core_units = list(structure.core["units"].iloc[0])
    core_name = structure.core.index[0]
    merge = {core_name: core_units}
    rs = pd.concat([rank_size(units, "pop_2020"), rank_size(units, "urban_pop_2020")])
    pr = pd.concat(
        [
            primacy(units, "pop_2020", merge=merge, core=core_name),
            primacy(units, "urban_pop_2020", merge=merge, core=core_name),
        ]
    )
    seats = structure.places[structure.places["kind"] == "county_seat"]
    seat_nodes = pd.Series(list(seats.index), index=pd.Index(seats["unit"].tolist(), name="adcode"))
    cent = centrality(G, list(seats.index))
    cent.index = seat_nodes.index
    access = county_accessibility(year, G=G, structure=structure, cell_km=2.0)
    features = pd.DataFrame(
        {"pop_2020": units["pop_2020"], "closeness": cent["closeness"], "accessibility": access["composite_score"]}
    )
    tiers = tier_consistency(
        plan_tiers(structure), data_tiers(features, {"pop_2020": 0.4, "closeness": 0.3, "accessibility": 0.3})
    )
    T = travel_time_matrix(G, seat_nodes, seat_nodes)
    pole_units = [structure.places.loc[p, "unit"] for p in structure.poles["place"] if p in seats.index]
    link = gravity_linkages(units, T, size="pop_2020", centres=[*core_units[:1], *pole_units])
    poly = polycentricity(units, "pop_2020", linkages=link, merge=merge)
    agg = axis_agglomeration(structure)
    urb = urbanization_targets(units)
    county_urb = pd.DataFrame({"name_zh": units.get("name_zh"), "urbanization_rate_2020": units["urbanization_rate"]})
    for y, r in URBANIZATION_TARGETS.items():
        county_urb[f"gap_to_{y}_target_pp"] = 100 * (r - units["urbanization_rate"])
    return HierarchyReport(rs, pr, tiers, cent, link, agg, poly, urb, county_urb)
