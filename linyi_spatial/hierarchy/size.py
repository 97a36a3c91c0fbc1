"""Size distribution: rank-size (Zipf) fits and primacy indices.

References
----------
- Zipf, G. K. (1949). *Human Behavior and the Principle of Least Effort*.
- Jefferson, M. (1939). The law of the primate city. *Geographical Review* 29(2).
- Ginsburg, N. (1961). *Atlas of Economic Development* (four-city index);
  the eleven-city index follows Xu Xueqiang et al., 《城市地理学》 (1997).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import DataError

__all__ = ["merge_places", "primacy", "rank_size", "rank_size_table", "sizes"]


def sizes(
    df: pd.DataFrame, size: str, *, min_places: int = 3, label: str | None = None, allow_zero: bool = False
) -> pd.Series:
    """Validated positive sizes of ``df[size]``, indexed like ``df``.

    Parameters
    ----------
    df : pandas.DataFrame
    size : str
        Column name.
    min_places : int, default 3
    label : str, optional
        Measure name used in errors.
    allow_zero : bool, default False
        Accept places of size 0 (where sizes are only summed: shares,
        totals) as long as the total is positive; a size distribution
        (rank-size, primacy) needs every size positive.

    Returns
    -------
    pandas.Series

    Raises
    ------
    DataError
        Missing column, non-positive or non-finite values, too few places.

    Examples
    --------
    >>> sizes(pd.DataFrame({"p": [3, 2, 1]}), "p").tolist()
    [3.0, 2.0, 1.0]
    """
    if not isinstance(df, pd.DataFrame):
        raise DataError(f"expected a DataFrame, got {type(df).__name__}")
    if size not in df.columns:
        raise DataError(f"column {size!r} not found; available: {sorted(map(str, df.columns))}")
    repeated = df.index[df.index.duplicated()].unique().tolist()
    if repeated:
        raise DataError(f"place id(s) {repeated[:10]} appear more than once; each place needs its own row")
    s = pd.to_numeric(df[size], errors="coerce")
    bad = s[~np.isfinite(s) | ((s < 0) if allow_zero else (s <= 0))]
    if len(bad):
        values = df[size][bad.index].tolist()[:10]
        what = "non-negative" if allow_zero else "positive"
        raise DataError(f"{size} must be {what} numbers; bad values at {bad.index.tolist()[:10]} ({values})")
    if allow_zero and len(s) and not s.sum() > 0:
        raise DataError(f"{size} is 0 everywhere: {label or 'this measure'} needs somebody somewhere")
    if len(s) < min_places:
        raise DataError(f"{label or 'this measure'} needs at least {min_places} places, got {len(s)}")
    return s.astype(float)


def _ols(x: np.ndarray, y: np.ndarray) -> dict[str, float]:
    if np.ptp(x) == 0:  # e.g. the Pareto form when every size is equal
        return dict.fromkeys(("slope", "intercept", "r2", "se", "t"), math.nan)
    from scipy import stats  # imported when used: scipy.stats costs 0.4 s at import

    fit = stats.linregress(x, y)
    n = len(x)
    tcrit = stats.t.ppf(0.975, n - 2) if n > 2 else math.nan
    return {"slope": fit.slope, "intercept": fit.intercept, "r2": fit.rvalue**2, "se": fit.stderr, "t": tcrit}


def rank_size(df: pd.DataFrame, size: str) -> pd.DataFrame:
    """Rank-size rule (Zipf) fitted by OLS on logarithms.

    Zipf form: ``ln S_r = ln S_1 - q ln r`` (sizes sorted descending, rank
    ``r`` = 1..n); ``q`` = 1 is Zipf's law, ``q`` > 1 a concentrated
    hierarchy dominated by the largest place, ``q`` < 1 a flat one. Pareto
    form: ``ln r = ln A - α ln S`` (``α`` ≈ 1/q when the fit is good).

    Parameters
    ----------
    df : pandas.DataFrame
        One row per place.
    size : str
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
    s = sizes(df, size, label="rank-size").sort_values(ascending=False, kind="stable")
    rank = np.arange(1, len(s) + 1, dtype=float)
    lr, ls_ = np.log(rank), np.log(s.to_numpy())
    zipf = _ols(lr, ls_)
    pareto = _ols(ls_, lr)
    q, se = -zipf["slope"], zipf["se"]
    return pd.DataFrame(
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


def rank_size_table(df: pd.DataFrame, size: str) -> pd.DataFrame:
    """Places ranked by size with the sizes the fitted rank-size rule predicts.

    Parameters
    ----------
    df : pandas.DataFrame
    size : str
        Column with positive sizes.

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
    s = sizes(df, size, label="rank-size").sort_values(ascending=False, kind="stable")
    rank = np.arange(1, len(s) + 1)
    fitted = np.exp(fit["ln_s1_fitted"] - fit["q"] * np.log(rank))
    return pd.DataFrame({"rank": rank, size: s.to_numpy(), f"{size}_fitted": fitted}, index=s.index)


def merge_places(s: pd.Series, merge: Mapping[str, Sequence[Hashable]] | None) -> pd.Series:
    """Merge places into one by summing their sizes, e.g. central districts into one city.

    Parameters
    ----------
    s : pandas.Series
        Sizes by place.
    merge : mapping of new label -> member labels, optional

    Returns
    -------
    pandas.Series

    Raises
    ------
    DataError
        For unknown members.

    Examples
    --------
    >>> merge_places(pd.Series({"a": 1.0, "b": 2.0, "c": 5.0}), {"ab": ["a", "b"]}).to_dict()
    {'c': 5.0, 'ab': 3.0}
    """
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
    size: str,
    *,
    merge: Mapping[str, Sequence[Hashable]] | None = None,
    core: Sequence[Hashable] | str | None = None,
    total: float | None = None,
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
    size : str
        Column with positive sizes.
    merge : mapping, optional
        ``{new_name: [index labels]}`` to merge places first (e.g. the three
        central districts into one central city).
    core : label or sequence of labels, optional
        Places forming the core (after merging); adds ``core_share``.
    total : float, optional
        Denominator of ``largest_share`` and ``core_share``; default the
        sum of the sizes. Pass the region's total when some places lie
        inside others (a zone inside its county), so nobody counts twice.

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
    s = merge_places(sizes(df, size, label="primacy"), merge).sort_values(ascending=False, kind="stable")
    if len(s) < 2:
        raise DataError(f"primacy needs at least two places after merging, got {s.index.tolist()}")
    p = s.to_numpy()
    n = len(p)
    whole = float(p.sum()) if total is None else float(total)
    if not (math.isfinite(whole) and whole >= p[0]):
        raise DataError(f"primacy: total {total!r} must be a number at least the largest size ({p[0]:g})")
    core_share = math.nan
    if core is not None:
        members = [core] if isinstance(core, str) else list(core)
        missing = [c for c in members if c not in s.index]
        if missing:
            raise DataError(f"core place(s) {missing} not found (after merging)")
        core_share = float(s.loc[pd.Index(members)].sum() / whole)
    return pd.DataFrame(
        {
            "n": [n],
            "largest": [s.index[0]],
            "s2": [p[0] / p[1]],
            "s4": [p[0] / p[1:4].sum() if n >= 4 else math.nan],
            "s11": [2 * p[0] / p[1:11].sum() if n >= 11 else math.nan],
            "largest_share": [p[0] / whole],
            "core_share": [core_share],
        },
        index=pd.Index([size], name="size"),
    )
