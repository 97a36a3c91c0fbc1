"""Polycentricity: morphological (Meijers 2008) and functional (Green 2007).

References
----------
- Green, N. (2007). Functional polycentricity: a formal definition in terms
  of social network analysis. *Urban Studies* 44(11), 2077-2103.
- Meijers, E. (2008). Measuring polycentricity and its promises. *European
  Planning Studies* 16(9), 1313-1323.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence

import numpy as np
import pandas as pd

from .._checks import count
from ..errors import DataError
from .linkages import Linkages
from .size import merge_places, rank_size, sizes

__all__ = ["polycentricity"]


def polycentricity(
    df: pd.DataFrame,
    size: str,
    *,
    linkages: Linkages | None = None,
    top: int = 4,
    merge: Mapping[str, Sequence[Hashable]] | None = None,
    core: Hashable | None = None,
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
    - Core dominance: the core's share of total strength (``core``; the
      strongest place when no core is named).

    Parameters
    ----------
    df : pandas.DataFrame
    size : str
        Column of positive sizes.
    linkages : Linkages, optional
        From :func:`gravity_linkages` (needed for the functional index).
    top : int, default 4
    merge : mapping, optional
        Merge places first (e.g. the three central districts), as in
        :func:`primacy`.
    core : hashable, optional
        The core's label in ``linkages`` (after merging).

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
    s = merge_places(sizes(df, size, label="polycentricity"), merge)
    top = min(count("top", top), len(s))
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
        labels = list(linkages.matrix.index)
        if core is not None and core not in labels:
            raise DataError(f"core {core!r} is not a place of the linkages ({labels[:10]})")
        own = strength[labels.index(core)] if core is not None else strength.max()
        out["core_strength_share"] = float(own / strength.sum())
    return pd.DataFrame(out, index=pd.Index([size], name="size"))
