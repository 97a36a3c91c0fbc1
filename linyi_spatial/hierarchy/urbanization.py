"""Urbanization paths: the base rate, a plan's targets, a logistic path between, and the urban population implied.

References
----------
Northam, R. M. (1979). *Urban Geography* (logistic urbanization curve).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd

from .._checks import number
from ..errors import DataError
from .agglomeration import urban_sizes
from .size import sizes

__all__ = ["urbanization_targets"]

MAX_YEARS = 200
"""Furthest a target or path year may lie from the base year (a plan looks decades ahead, not centuries)."""


def _growth(df: pd.DataFrame, total: float, growth: float | tuple[str, int], base_year: int) -> float:
    if isinstance(growth, tuple):
        column, year = growth
        if not year < base_year:
            raise DataError(f"the earlier size's year {year} must precede the base year {base_year}")
        earlier = float(sizes(df, column, min_places=1).sum())
        return (total / earlier) ** (1.0 / (base_year - year)) - 1.0
    return number("growth", growth, low=-1.0, high=1.0, allow_low=False)  # a rate per year, at most 100 %


def urbanization_targets(
    df: pd.DataFrame,
    *,
    size: str,
    urban: str,
    targets: Mapping[int, float],
    base_year: int,
    growth: float | tuple[str, int] = 0.0,
    saturation: float = 0.85,
    years: Sequence[int] = (),
) -> pd.DataFrame:
    """Urbanization now and as the targets require, with the urban population they imply.

    Total population is projected geometrically: ``P(t) = P0 (1 + g)^(t - t0)``
    with ``g`` = ``growth`` (0: constant population, the default), or the
    intercensal rate when ``growth`` names an earlier size column and its
    year. The urbanization path is a logistic curve
    ``u(t) = K / (1 + exp(-r (t - t_m)))`` with saturation ``K`` (0.85,
    typical of mature urbanization; Northam 1979) passed exactly through
    the base rate and the last target; the table shows the rate each
    target year requires, the logistic path between, and the implied urban
    population and its increase over the base.

    Parameters
    ----------
    df : pandas.DataFrame
        Units with the ``size`` and ``urban`` columns.
    size, urban : str
        Total and urban population columns.
    targets : mapping of year -> rate (0-1)
        The plan's targets.
    base_year : int
        Year of the ``size``/``urban`` figures.
    growth : float or (str, int), default 0.0
        Population growth per year, or ``(column, year)`` of an earlier
        population to use the intercensal rate (an upper bound where
        fertility falls).
    saturation : float, default 0.85
    years : sequence of int
        Extra years to show on the logistic path.

    Returns
    -------
    pandas.DataFrame
        Indexed by year: ``urbanization_rate``, ``source`` (base / target
        / logistic path), ``pop_total_projected``, ``urban_pop_implied``,
        ``urban_pop_increase``, ``logistic_rate`` and, at target years,
        ``path_gap_pp``: the logistic path minus the target in percentage
        points (the path runs through the base and the *last* target, so an
        earlier target can be missed: negative, and said so, never hidden);
        ``attrs`` hold ``growth_per_year``, the logistic ``r`` and ``t_mid``.

    Raises
    ------
    DataError
        Missing columns, no targets, or rates outside (0, saturation).

    Examples
    --------
    >>> df = pd.DataFrame({"p": [100.0], "u": [50.0]})
    >>> t = urbanization_targets(df, size="p", urban="u", targets={2035: 0.7}, base_year=2020)
    >>> t.loc[2035, "urban_pop_implied"]
    np.float64(70.0)
    """
    if not isinstance(targets, Mapping) or not targets:
        raise DataError("urbanization_targets needs at least one target year and rate, e.g. {2035: 0.72}")
    saturation = number("saturation", saturation, high=1.0, allow_low=False)
    base_year = int(number("base_year", base_year, low=-10_000, high=10_000))
    targets = {int(number("target year", y, low=-10_000, high=10_000)): number(f"target rate of {y}", r)
               for y, r in targets.items()}  # fmt: skip
    years = [int(number("years", y, low=-10_000, high=10_000)) for y in years]
    p = sizes(df, size, min_places=1, allow_zero=True)  # summed into the region's rate
    u = urban_sizes(df, urban, p)
    p0, u0 = float(p.sum()), float(u.sum())
    rate0 = u0 / p0
    g = _growth(df, p0, growth, base_year)
    bad = {y: r for y, r in targets.items() if not 0 < r < saturation}
    if bad or not 0 < rate0 < saturation:
        raise DataError(f"rates must lie strictly between 0 and the saturation {saturation}: base {rate0:.3f}, {bad}")
    last = max(targets)
    if not last > base_year:
        raise DataError(f"the last target year {last} must come after the base year {base_year}")
    far = sorted(y for y in {*years, *targets} if abs(y - base_year) > MAX_YEARS)
    if far:
        raise DataError(f"years must lie within {MAX_YEARS} years of the base year {base_year}, got {far}")

    def logit(r: float) -> float:
        return math.log(r / (saturation - r))

    r_log = (logit(targets[last]) - logit(rate0)) / (last - base_year)
    t_mid = base_year - logit(rate0) / r_log if r_log else math.inf
    rows = []
    for y in sorted(set(years) | set(targets) | {base_year}):
        # K·expit(logit(u0) + r (t − t0)): the same curve, written so no exp() can overflow
        from scipy.special import expit  # imported when used

        logistic = saturation * float(expit(logit(rate0) + r_log * (y - base_year)))
        if y == base_year:
            rate, source = rate0, "base"
        elif y in targets:
            rate, source = targets[y], "target"
        else:
            rate, source = logistic, "logistic path"
        total = p0 * (1 + g) ** (y - base_year)
        rows.append(
            {
                "year": y,
                "urbanization_rate": rate,
                "source": source,
                "pop_total_projected": total,
                "urban_pop_implied": rate * total,
                "urban_pop_increase": rate * total - u0,
                "logistic_rate": logistic,
                # where the path passes a target year: how far it lies from the target (points; < 0 misses it)
                "path_gap_pp": 100.0 * (logistic - rate) if source == "target" else math.nan,
            }
        )
    out = pd.DataFrame(rows).set_index("year")
    out.attrs.update(growth_per_year=g, logistic_r=r_log, logistic_t_mid=t_mid, saturation=saturation)
    return out
