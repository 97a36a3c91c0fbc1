"""Classing values for maps: mapclassify classes, the colour ramp, and cells dissolved by class."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import geopandas as gpd
import mapclassify
import numpy as np
import pandas as pd
import shapely

from ..crs import WGS84, projected_crs
from ..errors import OptionError
from ._html import fmt_measure
from .i18n import tr
from .style import SEQUENTIAL

__all__ = [
    "FINE_MINUTES",
    "READABLE_MINUTES",
    "band_names",
    "class_labels",
    "classify",
    "dissolve",
    "ramp",
    "readable_minutes",
]

READABLE_MINUTES = (1, 2, 3, 5, 10, 15, 20, 30, 45, 60, 75, 90, 120, 150, 180, 240, 300, 360, 480, 600, 720)
"""The round minutes a time band or isochrone may end at (what a legend and a planner can read)."""

FINE_MINUTES = (0.5, 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 45, 50, 60, 75, 90, 105, 120, 150,
                180, 210, 240, 300, 360, 480, 600, 720)  # fmt: skip
"""The finer ladder used when :data:`READABLE_MINUTES` gives fewer than four limits (a city centre's minutes)."""


def classify(values: pd.Series, k: int = 5, scheme: str = "quantiles") -> tuple[np.ndarray, list[float]]:
    """Class index per value (0 = lowest, -1 = not finite) and the upper bounds, with mapclassify.

    Parameters
    ----------
    values : pandas.Series
    k : int, default 5
    scheme : {"quantiles", "fisher_jenks", "equal_interval"}

    Returns
    -------
    (numpy.ndarray, list of float)

    Examples
    --------
    >>> classify(pd.Series([1.0, 2.0, 3.0, 4.0]), k=2)[0].tolist()
    [0, 0, 1, 1]
    """
    schemes = {
        "quantiles": mapclassify.Quantiles,
        "fisher_jenks": mapclassify.FisherJenks,
        "equal_interval": mapclassify.EqualInterval,
    }
    if scheme not in schemes:
        raise OptionError(f"unknown scheme {scheme!r}; expected one of {sorted(schemes)}")
    v = values.astype(float).to_numpy()
    finite = np.isfinite(v)
    idx = np.full(len(v), -1)
    distinct = np.unique(v[finite])
    if len(distinct) <= 1:  # nothing finite (no class), or one value (one class holding it)
        idx[finite] = 0
        return idx, [float(d) for d in distinct]
    half = not np.isfinite(float(distinct[-1]) - float(distinct[0]))  # a range beyond the float limit: halved
    d, x = (distinct / 2, v[finite] / 2) if half else (distinct, v[finite])
    low, span = float(d[0]), float(d[-1] - d[0])
    scaled = (x - low) / span  # 0-1: the classes of any magnitude (all three schemes are affine-invariant)
    k = max(1, min(k, len(np.unique(scaled))))  # values that rounding made equal count once
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cls = schemes[scheme](scaled, k=k)
    bins = np.maximum.accumulate(np.asarray(cls.bins, dtype=float))  # ascending, whatever rounding did
    idx[finite] = np.minimum(np.searchsorted(bins, scaled, side="left"), len(bins) - 1)
    out = [(low + float(b) * span) * (2.0 if half else 1.0) for b in bins]
    out[-1] = float(distinct[-1])
    return idx, out


def class_labels(values: pd.Series, idx: np.ndarray, n: int, unit: str, lang: str) -> dict[int, str]:
    """Each non-empty class's legend label: the lowest and highest value it holds.

    So classes never share an end, and a class shows a single value only when its values are equal.

    Parameters
    ----------
    values : pandas.Series
    idx : numpy.ndarray
        Class index per value (from :func:`classify`).
    n : int
        Number of classes.
    unit : str
        The values' unit (see :func:`~linyi_spatial.viz._html.fmt_measure`).
    lang : {"en", "zh"}

    Returns
    -------
    dict of int -> str
        Class index -> label, for the classes holding a value.

    Examples
    --------
    >>> v = pd.Series([1.0, 2.0, 5.0, 7.0])
    >>> class_labels(v, np.array([0, 0, 1, 1]), 2, "min", "en")
    {0: '1.0 min – 2.0 min', 1: '5.0 min – 7.0 min'}
    """
    held = values.to_numpy(dtype=float)
    out = {}
    for j in range(n):
        inside = held[idx == j]
        if len(inside):
            a, b = fmt_measure(float(inside.min()), unit, lang), fmt_measure(float(inside.max()), unit, lang)
            out[j] = a if a == b else f"{a} – {b}"
    return out


def band_names(bands_min: Sequence[float], lang: str) -> list[str]:
    """Legend names of time bands with upper edges ``bands_min``: "0–15 min", …, "> 120 min".

    Parameters
    ----------
    bands_min : sequence of float
    lang : {"en", "zh"}

    Returns
    -------
    list of str
        One more name than edges (the last band is open).

    Examples
    --------
    >>> band_names((15, 30), "en")
    ['0–15 min', '15–30 min', '> 30 min']
    """
    edges = [float(b) for b in bands_min]
    names = [
        tr("{lo}–{hi} min", lang, lo=f"{lo:g}", hi=f"{hi:g}") for lo, hi in zip([0.0, *edges[:-1]], edges, strict=True)
    ]
    return [*names, tr("> {hi} min", lang, hi=f"{edges[-1]:g}")]


def readable_minutes(values: object, n: int = 6) -> tuple[float, ...]:
    """Time limits fitted to the data: ``n`` quantiles of the finite times, each rounded to a readable minute.

    The quantiles at ``1/(n+1), ..., n/(n+1)`` are moved to the nearest of
    :data:`READABLE_MINUTES` (on a log scale) and repeated limits merged, so
    a city's 2–20 minute surface gets bands of a few minutes and a
    province's bands of an hour or more, and each band holds a share of the
    cells. Where that leaves fewer than four limits (a city centre crossed
    in five minutes), the finer :data:`FINE_MINUTES` (half minutes at the
    low end) is used instead.

    Parameters
    ----------
    values : array-like of float
        Times in minutes (``inf`` and NaN are ignored).
    n : int, default 6
        How many limits at most.

    Returns
    -------
    tuple of float
        Increasing limits (at least one).

    Examples
    --------
    >>> readable_minutes([0.5, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 15])
    (2.0, 3.0, 5.0, 10.0)
    >>> readable_minutes([10, 40, 55, 70, 80, 100, 130, 160], n=4)
    (45.0, 60.0, 90.0, 120.0)
    >>> readable_minutes([0.3, 0.8, 1.2, 1.6, 2.0, 2.4, 2.9, 3.5], n=4)
    (1.0, 1.5, 2.0, 2.5)
    """
    v = np.asarray(values, dtype=float).ravel()
    v = v[np.isfinite(v) & (v > 0)]
    if v.size == 0:
        return (float(READABLE_MINUTES[0]),)
    q = np.quantile(v, np.arange(1, n + 1) / (n + 1))
    out: tuple[float, ...] = ()
    for ladder in (READABLE_MINUTES, FINE_MINUTES):
        nice = np.asarray(ladder, dtype=float)
        picks = nice[np.abs(np.log(nice)[None, :] - np.log(np.maximum(q, 1e-9))[:, None]).argmin(axis=1)]
        out = tuple(float(x) for x in sorted(set(picks.tolist())))
        if len(out) >= min(n, 4):
            break
    return out


def ramp(n: int, reverse: bool) -> list[str]:
    """``n`` distinct colours of the viridis ramp, light to dark (``reverse``: dark to light).

    The colours are resampled evenly along viridis for ``n`` classes, so no
    two classes share a colour however many there are; the ends are
    always :data:`~linyi_spatial.viz.style.SEQUENTIAL`'s (light ``#fde725``,
    dark ``#440154``). The library's convention: **the better end is
    light** (shorter times, higher scores), the worse dark.

    Parameters
    ----------
    n : int
    reverse : bool

    Returns
    -------
    list of str

    Examples
    --------
    >>> ramp(2, reverse=False)
    ['#fde725', '#440154']
    >>> len(set(ramp(9, reverse=False)))
    9
    """
    import branca.colormap as cm

    if n <= 1:
        cols = [SEQUENTIAL[0]] * max(n, 0)
    else:
        viridis = cm.linear.viridis  # type: ignore[attr-defined]  # built at import from a JSON table
        cols = [viridis.rgb_hex_str(1.0 - i / (n - 1)) for i in range(n)]
    return cols[::-1] if reverse else cols


def dissolve(cells: gpd.GeoDataFrame, labels: np.ndarray) -> gpd.GeoDataFrame:
    """Union grid cells by class label (keeps the HTML small); one row per label present.

    Parameters
    ----------
    cells : GeoDataFrame
        With ``area_km2``.
    labels : numpy.ndarray
        Class label per cell.

    Returns
    -------
    GeoDataFrame
        ``label``, ``cells``, ``area_km2``, geometry (WGS-84).

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_structure
    >>> from linyi_spatial.accessibility import analysis_grid
    >>> g = analysis_grid(made_up_structure().units, cell_km=10)
    >>> dissolve(g, np.zeros(len(g), dtype=int))["cells"].tolist() == [len(g)]
    True
    """
    crs = projected_crs(cells)
    geoms = cells.to_crs(crs).geometry.to_numpy()
    area = cells["area_km2"].to_numpy()
    rows = []
    for label in sorted(set(labels.tolist())):
        sel = labels == label
        try:
            geom = shapely.coverage_union_all(geoms[sel])
        except (shapely.errors.GEOSException, ValueError):
            geom = shapely.union_all(geoms[sel])
        rows.append({"label": label, "cells": int(sel.sum()), "area_km2": float(area[sel].sum()), "geometry": geom})
    out = gpd.GeoDataFrame(rows, geometry="geometry", crs=crs)
    out["geometry"] = _simplified(out.geometry.to_numpy(), 20.0)
    return out.to_crs(WGS84)


def _simplified(geoms: np.ndarray, tolerance_m: float) -> np.ndarray:
    """The class polygons simplified together, so neighbours keep one shared edge (no slivers between them).

    Each polygon simplified on its own moves a shared edge twice, differently,
    and leaves white slivers and overlaps along it; a coverage
    simplification moves it once. A set that is not a clean coverage
    (overlaps from invalid input) is simplified polygon by polygon.
    """
    geoms = shapely.make_valid(geoms)
    try:
        if bool(shapely.coverage_is_valid(geoms)):
            return np.asarray(shapely.coverage_simplify(geoms, tolerance_m))
    except shapely.errors.GEOSException:
        pass
    return np.asarray(shapely.simplify(geoms, tolerance_m))
