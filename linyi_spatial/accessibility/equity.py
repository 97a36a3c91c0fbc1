"""Equity of access: who is left behind. Gini, Theil (with its between/within-unit split) and Lorenz curves.

Means and shares say how well a region is served on average; equity
measures say how evenly. Each measure here weights every value by the
people it stands for (a grid cell by its residents), as 公共服务可达性
studies do:

- **Gini** ``G = 1 - Σ_k (P_k - P_{k-1}) (L_k + L_{k-1})`` over values
  sorted ascending, ``P`` the cumulative share of people and ``L`` the
  cumulative share of the measure (the Lorenz curve, trapezoids): 0 when
  everyone has the same value, towards 1 when a few hold it all.
- **Theil** ``T = Σ_i w_i (x_i / μ) ln(x_i / μ)`` with ``w`` the people's
  shares and ``μ`` their mean; it splits exactly into a part between units
  ``Σ_g s_g ln(μ_g / μ)`` and a part within them ``Σ_g s_g T_g``, ``s_g``
  the unit's share of the measure's total.

For travel times a higher value is worse access, so a high Gini of time
means some residents are much farther than others. Values that are not
finite (an unreachable cell) cannot enter a share; they are left out and
counted (``unreachable_people``), never silently.
"""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np
import pandas as pd

from ..errors import DataError

__all__ = ["equity", "gini", "lorenz", "theil"]


def _numbers(values: object, label: str, what: str) -> np.ndarray:
    """A flat float array, or a :class:`DataError` naming the first entry that is not a number."""
    try:
        return np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError):
        items = list(values) if isinstance(values, (list, tuple, pd.Series, np.ndarray)) else [values]
        bad = next((i for i, v in enumerate(items) if not _is_number(v)), 0)
        raise DataError(f"{label}: {what} must be numbers; position {bad} is {items[bad]!r}") from None


def _is_number(v: object) -> bool:
    try:
        float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return True


def _clean(values: object, weights: object, label: str) -> tuple[np.ndarray, np.ndarray, float]:
    """Finite values with positive weight, and the people left out for a value that is not finite."""
    x, w = _numbers(values, label, "values"), None if weights is None else _numbers(weights, label, "weights")
    w = np.ones_like(x) if w is None else w
    if len(w) != len(x):
        raise DataError(f"{label}: {len(x)} values but {len(w)} weights")
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        raise DataError(
            f"{label}: weights must be finite and non-negative; bad at position(s) {np.flatnonzero(bad)[:10].tolist()}"
        )
    if (np.isfinite(x) & (x < 0)).any():
        raise DataError(f"{label}: values must be non-negative (times, counts, scores)")
    lost = float(w[~np.isfinite(x)].sum())
    keep = np.isfinite(x) & (w > 0)
    return x[keep], w[keep], lost


def _scaled(x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Values and weights divided by their largest.

    The shares, Gini and Theil do not change, and no product or sum overflows (values near 1e300) or underflows
    (subnormal weights).
    """
    top_x = x.max() if len(x) else 0.0
    top_w = w.max() if len(w) else 0.0
    return (x / top_x if top_x > 0 else x), (w / top_w if top_w > 0 else w)


def lorenz(values: object, weights: object = None) -> pd.DataFrame:
    """The Lorenz curve: cumulative share of people against cumulative share of the measure, values ascending.

    Parameters
    ----------
    values : array-like
        Non-negative values (e.g. each cell's time to the core).
    weights : array-like, optional
        People per value (default one each).

    Returns
    -------
    pandas.DataFrame
        ``people_share`` and ``value_share``, from (0, 0) to (1, 1).

    Raises
    ------
    DataError
        For negative values or weights, or mismatched lengths.

    Examples
    --------
    >>> lorenz([1.0, 3.0], [1.0, 1.0]).round(2).values.tolist()
    [[0.0, 0.0], [0.5, 0.25], [1.0, 1.0]]
    """
    x, w = _scaled(*_clean(values, weights, "lorenz")[:2])
    order = np.argsort(x, kind="stable")
    x, w = x[order], w[order]
    people = np.concatenate([[0.0], np.cumsum(w)])
    mass = np.concatenate([[0.0], np.cumsum(w * x)])
    total_p, total_m = people[-1], mass[-1]
    return pd.DataFrame(
        {
            "people_share": people / total_p if total_p > 0 else people,
            "value_share": mass / total_m if total_m > 0 else np.linspace(0, 1, len(mass)),
        }
    )


def gini(values: object, weights: object = None) -> float:
    """The Gini coefficient of ``values`` over people (``weights``), from the Lorenz curve.

    Parameters
    ----------
    values : array-like
    weights : array-like, optional

    Returns
    -------
    float
        0–1; NaN when no person has a finite value (all NaN or inf, or no
        weight); 0 when every value is equal (one value included) or the
        total is 0. Values and weights are scaled by their largest first, so
        magnitudes from subnormal to 1e300 give the same answer.

    Examples
    --------
    >>> gini([1.0, 1.0, 1.0]), round(gini([0.0, 0.0, 0.0, 1.0]), 2)
    (0.0, 0.75)
    """
    x, w = _scaled(*_clean(values, weights, "gini")[:2])
    if w.sum() <= 0:
        return float("nan")
    if (w * x).sum() <= 0:
        return 0.0
    curve = lorenz(x, w)
    p, v = curve["people_share"].to_numpy(), curve["value_share"].to_numpy()
    return float(np.clip(1.0 - np.sum(np.diff(p) * (v[1:] + v[:-1])), 0.0, 1.0))  # rounding stays in 0-1


def theil(values: object, weights: object = None, groups: object = None) -> pd.Series:
    """The Theil index of ``values`` over people, split between and within ``groups`` when given.

    Parameters
    ----------
    values : array-like
        Non-negative values.
    weights : array-like, optional
        People per value.
    groups : array-like, optional
        A group (unit) per value.

    Returns
    -------
    pandas.Series
        ``theil``; with groups also ``between`` and ``within`` (summing to ``theil``).
        ``theil`` is NaN when no person has a finite value, 0 when every
        value is equal or all are 0; any magnitude (scaled first, as :func:`gini`).

    Examples
    --------
    >>> t = theil([1.0, 1.0, 3.0, 3.0], groups=["a", "a", "b", "b"])
    >>> round(float(t["theil"]), 4), round(float(t["between"]), 4), float(t["within"])
    (0.1308, 0.1308, 0.0)
    """
    x = _numbers(values, "theil", "values")
    g = None if groups is None else np.asarray(groups, dtype=object).ravel()
    if g is not None and len(g) != len(x):
        raise DataError(f"theil: {len(x)} values but {len(g)} groups")
    keep_all = np.isfinite(x)
    w_all = np.ones_like(x) if weights is None else _numbers(weights, "theil", "weights")
    xs, ws = _scaled(*_clean(x, w_all, "theil")[:2])
    gs = None if g is None else g[keep_all & (w_all > 0)]
    out = {"theil": _theil(xs, ws)}
    if gs is not None:
        people = float(ws.sum())
        total = float((ws * xs).sum())
        between = within = 0.0
        for key in pd.unique(gs):
            m = gs == key
            wg, xg = ws[m], xs[m]
            mass = float((wg * xg).sum())
            if mass <= 0 or total <= 0:
                continue
            share = mass / total  # the group's share of the total against its share of the people
            between += share * (np.log(share) - np.log(float(wg.sum()) / people))
            within += share * _theil(xg, wg)
        out.update(between=float(between), within=float(within))
    return pd.Series(out)


def _theil(x: np.ndarray, w: np.ndarray) -> float:
    """The Theil index from shares: ``T = Σ s_i ln(s_i / p_i)``.

    ``s_i`` is the share of the total and ``p_i`` of the people: the same index as ``Σ p_i r_i ln r_i``
    (``r_i = x_i / μ``), in terms that stay in range whatever the magnitudes.
    """
    people = w.sum()
    if people <= 0:
        return float("nan")
    mass = w * x
    total = mass.sum()
    if total <= 0:
        return 0.0
    s, q = mass / total, w / people
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(s > 0, s * (np.log(s) - np.log(q)), 0.0)  # 0 ln 0 = 0
    return max(float(terms.sum()), 0.0)  # never below 0 (rounding)


def equity(
    cells: pd.DataFrame,
    measure: str = "cell_time_to_core_min",
    *,
    weight: str = "pop_est",
    by: str = "unit",
    region: Hashable = "region",
) -> pd.DataFrame:
    """Per unit and for the whole region: the people-weighted mean, Gini and Theil of a cell measure.

    Parameters
    ----------
    cells : DataFrame
        One row per cell, e.g. a travel-time surface with residents
        (:func:`~linyi_spatial.accessibility.structure_population`).
    measure : str, default "cell_time_to_core_min"
    weight : str, default "pop_est"
        People per cell.
    by : str, default "unit"
        The cells' unit column.
    region : hashable, default "region"
        The label of the whole region's row.

    Returns
    -------
    pandas.DataFrame
        Indexed by unit, then ``region``: ``people``, ``mean``, ``gini``,
        ``theil``, ``unreachable_people``; the region row also carries
        ``theil_between`` and ``theil_within`` (the split by unit);
        ``attrs`` record the measure and the weight.

    Raises
    ------
    DataError
        Naming a missing column.

    Examples
    --------
    >>> cells = pd.DataFrame({"unit": ["a", "a", "b"], "t": [10.0, 30.0, 50.0], "pop_est": [1, 1, 2]})
    >>> equity(cells, "t").loc["region", ["mean", "gini"]].round(3).tolist()
    [35.0, 0.25]
    """
    missing = [c for c in (measure, weight, by) if c not in cells.columns]
    if missing:
        raise DataError(f"equity: the cells have no column(s) {missing} (available: {sorted(map(str, cells.columns))})")
    x = cells[measure].to_numpy(dtype=float)
    w = cells[weight].to_numpy(dtype=float)
    u = cells[by].to_numpy()
    rows = {}
    for key in pd.unique(u):
        m = u == key
        rows[key] = _row(x[m], w[m])
    whole = _row(x, w)
    split = theil(x, w, u)
    whole.update(theil_between=float(split["between"]), theil_within=float(split["within"]))
    rows[region] = whole
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = by
    out.attrs.update(measure=measure, weight=weight)
    return out


def _row(x: np.ndarray, w: np.ndarray) -> dict[str, float]:
    xs, ws, lost = _clean(x, w, "equity")
    people = float(ws.sum())
    return {
        "people": people,
        "mean": float(np.average(xs, weights=ws)) if people > 0 else float("nan"),
        "gini": gini(xs, ws),
        "theil": float(theil(xs, ws)["theil"]),
        "unreachable_people": lost,
    }
