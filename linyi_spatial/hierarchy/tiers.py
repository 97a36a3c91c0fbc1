"""Tiers: the plan's (core / pole / point / other) against data-driven natural breaks."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._checks import count
from ..errors import DataError

if TYPE_CHECKING:
    from ..structure import SpatialStructure

__all__ = ["TIER_ORDER", "data_tiers", "plan_tiers", "tier_consistency"]

TIER_ORDER = ("core", "pole", "point", "other")


def plan_tiers(structure: SpatialStructure) -> pd.DataFrame:
    """The plan's tier of every unit, from the structure spec.

    A unit is ``core`` if it is one of the core's units, ``pole`` if its
    seat is a pole, ``point`` if its seat is a point, ``other`` otherwise.
    A unit is never a pole because a pole lies in it: a pole that is not a
    unit's seat (a zone or port district inside a county) is a place of its
    own, listed in ``attrs["non_seat_places"]`` with the non-seat points,
    and its host unit keeps the tier of its seat (see
    :func:`~linyi_spatial.hierarchy.hierarchy_places`, where such a pole
    enters with its own size).

    Parameters
    ----------
    structure : SpatialStructure

    Returns
    -------
    pandas.DataFrame
        Indexed by unit id: ``plan_tier``, ``plan_rank`` (1 = core).

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_structure
    >>> plan_tiers(made_up_structure())["plan_tier"].to_dict()
    {'A': 'core', 'B': 'pole', 'C': 'point', 'D': 'pole', 'E': 'point'}
    """
    tier = pd.Series("other", index=structure.units.index, name="plan_tier", dtype=object)
    seat_unit = structure.seats["unit"]
    for place in structure.points["place"]:
        if place in seat_unit.index:
            tier[seat_unit[place]] = "point"
    for place in structure.poles["place"]:
        if place in seat_unit.index:
            tier[seat_unit[place]] = "pole"
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
        ``composite``, ``data_rank`` (1 = top), ``attrs["breaks"]`` and
        ``attrs["k"]``, the number of classes used: fewer than ``k`` when the
        composite has fewer distinct values (said in a warning), since equal
        places cannot fall into different tiers.

    Raises
    ------
    DataError
        For missing columns, NaN values or fewer places than classes.

    Warns
    -----
    UserWarning
        When the composite has fewer distinct values than ``k``.

    Examples
    --------
    >>> df = pd.DataFrame({"pop": [10, 9, 5, 4, 1, 1.2]}, index=list("abcdef"))
    >>> data_tiers(df, {"pop": 1.0})["data_rank"].tolist()
    [1, 1, 2, 2, 3, 3]
    >>> import warnings
    >>> with warnings.catch_warnings(record=True):
    ...     two = data_tiers(pd.DataFrame({"pop": [5, 5, 1, 1]}), {"pop": 1.0})
    >>> two["data_rank"].tolist(), two.attrs["k"]
    ([1, 1, 2, 2], 2)
    """
    if not columns:
        raise DataError("data_tiers needs at least one column to weigh, e.g. {'population': 1.0}")
    k = count("k", k)
    bad = {c: w for c, w in columns.items() if not (isinstance(w, (int, float)) and np.isfinite(w) and w != 0)}
    if bad:
        raise DataError(f"data_tiers weights must be finite and non-zero, got {bad}")
    if len(df) < max(k, 3):
        raise DataError(f"data tiers need at least {max(k, 3)} places, got {len(df)}")
    parts = []
    for col, w in columns.items():
        if col not in df:
            raise DataError(f"column {col!r} not found; available: {sorted(map(str, df.columns))}")
        x = pd.to_numeric(df[col], errors="coerce").replace([np.inf, -np.inf], np.nan)
        if x.isna().any():
            raise DataError(f"column {col!r} has missing values at {x[x.isna()].index.tolist()}")
        span = x.max() - x.min()
        z = (x - x.min()) / span if span else x * 0 + 1.0
        parts.append((z if w >= 0 else 1 - z) * abs(w))
    total = sum(abs(w) for w in columns.values())
    comp = sum(parts) / total
    distinct = len(np.unique(comp.to_numpy()))
    used = min(k, distinct)
    if used < k:
        warnings.warn(
            f"data tiers: the composite has only {distinct} distinct value(s) over {len(df)} places, "
            f"so {used} class(es) instead of {k}",
            UserWarning,
            stacklevel=2,
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Numba not installed": exact either way
        import mapclassify  # imported when used: it pulls in matplotlib

        fj = mapclassify.FisherJenks(comp.to_numpy(), k=used)
    rank = used - fj.yb  # yb = 0 is the lowest class
    out = pd.DataFrame({"composite": comp, "data_rank": rank.astype(int)}, index=df.index)
    out.attrs["breaks"] = fj.bins.tolist()
    out.attrs["k"] = used
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
