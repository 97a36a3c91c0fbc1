"""Gravity-model linkages between places: strengths, membership shares (隶属度), dominant partners."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._checks import number
from .._display import Displayable
from ..errors import DataError
from .size import sizes

__all__ = ["Linkages", "gravity_linkages"]


@dataclass(frozen=True)
class Linkages(Displayable):
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
        ``k``, ``b``, the columns used and ``names`` (place -> name, when
        the places have a ``name`` column).
    """

    matrix: pd.DataFrame
    links: pd.DataFrame
    membership: pd.DataFrame
    params: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"Linkages({len(self.matrix)} places, b={self.params.get('b')}, k={self.params.get('k')})"


def gravity_linkages(
    df: pd.DataFrame,
    travel_time_min: pd.DataFrame,
    *,
    size: str,
    economy: str | None = None,
    b: float = 2.0,
    k: float = 1.0,
    centres: Sequence[Hashable] = (),
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
    size : str
        Column of positive sizes (e.g. population).
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
    p = sizes(df, size, label="gravity linkages")
    g = sizes(df, economy, label="gravity linkages") if economy is not None else p
    labels = list(p.index)
    missing = [x for x in labels if x not in travel_time_min.index or x not in travel_time_min.columns]
    if missing:
        raise DataError(f"travel-time matrix lacks place(s) {missing}")
    unknown = [c for c in centres if c not in labels]
    if unknown:
        raise DataError(f"unknown centre(s) {unknown}")
    b = number("b", b, high=10.0)
    k = number("k", k, allow_low=False)
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
    with np.errstate(divide="ignore", over="ignore"):  # an overflow is named just below
        R = np.where(off, k * np.outer(mass, mass) / np.where(off, t, 1.0) ** b, 0.0)
    if not np.isfinite(R).all() or not np.isfinite(R.sum(axis=1)).all():
        raise DataError(
            f"linkage strengths overflow (k = {k:g}, b = {b:g}, sizes up to {p.max():g}): use a smaller k; "
            "strengths are relative, so k only scales them"
        )
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
    names = {u: str(df.loc[u, "name"]) for u in p.index} if "name" in df.columns else {}
    return Linkages(matrix, links, membership, {"k": k, "b": b, "size": size, "economy": economy, "names": names})
