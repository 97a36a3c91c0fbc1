"""Distance-decay functions: the one implementation every measure uses.

A decay function turns a travel time ``t`` (minutes) into a weight in
``[0, 1]``; ``inf`` and NaN (unreachable) weigh 0. Every measure that decays
(:func:`~linyi_spatial.accessibility.hansen_accessibility`,
:func:`~linyi_spatial.accessibility.gravity_accessibility`, the Dask
reductions) calls :func:`decay_weights` with the same ``decay=`` name and
parameters, so a result is reproducible from its arguments alone.

References
----------
Geurs, K. T. & van Wee, B. (2004). Accessibility evaluation of land-use and
transport strategies: review and research directions. *Journal of Transport
Geography* 12(2), 127-140.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._checks import number
from .errors import DataError

__all__ = ["DECAYS", "DEFAULT_HALF_LIFE_MIN", "Decay", "DecayFunction", "as_decay", "decay_weights"]

Decay = Literal["exponential", "power", "gaussian"]
"""Names of the decay functions (the ``decay=`` argument)."""

DECAYS: tuple[Decay, ...] = ("exponential", "power", "gaussian")

DEFAULT_HALF_LIFE_MIN = 30.0
"""Travel time at which a decay function weighs an opportunity by one half.

30 minutes is a common threshold of daily interaction between a town and its
hinterland and, for exponential decay, gives β = ln 2 / 30 ≈ 0.023 per
minute, inside the 0.01-0.1 range reported for regional trips (Geurs & van
Wee 2004). Every function takes ``half_life_min=`` to change it."""


def _positive(name: str, value: float) -> None:
    number(name, value, allow_low=False)


def decay_weights(
    t_min: ArrayLike,
    decay: Decay = "exponential",
    *,
    half_life_min: float = DEFAULT_HALF_LIFE_MIN,
    beta: float | None = None,
    t0_min: float = 10.0,
) -> NDArray[np.float64]:
    """Distance-decay weights for travel times in minutes.

    - exponential: ``f(t) = exp(-β t)``, β = ln 2 / half_life by default;
    - power: ``f(t) = (max(t, t0) / t0) ** -β``, β = ln 2 / ln(half_life / t0)
      by default (so f = 1 up to ``t0`` and 0.5 at the half-life);
    - gaussian: ``f(t) = exp(-t² / (2 σ²))``, σ = half_life / sqrt(2 ln 2).

    ``inf`` and NaN times give 0; negative times count as 0.

    Parameters
    ----------
    t_min : array_like
        Travel times in minutes.
    decay : {"exponential", "power", "gaussian"}, default "exponential"
        The decay function.
    half_life_min : float, default 30
        Time of half weight (see :data:`DEFAULT_HALF_LIFE_MIN`).
    beta : float, optional
        Explicit β (per minute for exponential, exponent for power, σ in
        minutes for gaussian); overrides ``half_life_min``.
    t0_min : float, default 10
        Power decay's flat inner radius.

    Returns
    -------
    numpy.ndarray
        Weights, same shape as ``t_min``.

    Raises
    ------
    DataError
        For an unknown decay or non-positive parameters.

    Examples
    --------
    >>> decay_weights([0, 30, 60]).round(3).tolist()
    [1.0, 0.5, 0.25]
    >>> decay_weights([5, 30], "power").round(3).tolist()
    [1.0, 0.5]
    """
    _positive("half_life_min", half_life_min)
    _positive("t0_min", t0_min)
    if beta is not None:
        _positive("beta", beta)
    t = np.asarray(t_min, dtype=float)
    finite = np.isfinite(t)
    t = np.where(finite, np.maximum(t, 0.0), 0.0)
    if decay == "exponential":
        # t / half-life first: ln 2 / a tiny half-life is inf, and inf × 0 min would be NaN
        with np.errstate(over="ignore"):  # t / a tiny half-life is inf: weight 0, as it should be
            w = np.exp(-beta * t) if beta is not None else np.exp(-math.log(2) * (t / half_life_min))
    elif decay == "power":
        if beta is None and half_life_min <= t0_min:
            raise DataError("power decay needs half_life_min > t0_min")
        b = beta if beta is not None else math.log(2) / math.log(half_life_min / t0_min)
        w = (np.maximum(t, t0_min) / t0_min) ** -b
    elif decay == "gaussian":
        sigma = beta if beta is not None else half_life_min / math.sqrt(2 * math.log(2))
        with np.errstate(over="ignore"):  # t/σ first (σ² overflows for σ ≳ 1e154); t/σ = inf gives weight 0
            w = np.exp(-0.5 * (t / sigma) ** 2)
    else:
        raise DataError(f"unknown decay {decay!r}; expected one of {list(DECAYS)}")
    return np.where(finite, w, 0.0)


@dataclass(frozen=True)
class DecayFunction:
    """A decay function with its parameters, callable on minutes (see :func:`decay_weights`).

    Measures take ``decay=`` as a name (default parameters) or as one of
    these, e.g. ``decay=DecayFunction("power", half_life_min=20)``.

    Attributes
    ----------
    name : {"exponential", "power", "gaussian"}, default "exponential"
    half_life_min : float, default 30
    beta : float or None, default None
    t0_min : float, default 10

    Examples
    --------
    >>> DecayFunction("gaussian", half_life_min=20)([0, 20]).round(3).tolist()
    [1.0, 0.5]
    """

    name: Decay = "exponential"
    half_life_min: float = DEFAULT_HALF_LIFE_MIN
    beta: float | None = None
    t0_min: float = 10.0

    def __post_init__(self) -> None:
        decay_weights([0.0], self.name, half_life_min=self.half_life_min, beta=self.beta, t0_min=self.t0_min)

    def __call__(self, t_min: ArrayLike) -> NDArray[np.float64]:
        """Weights of travel times in minutes.

        Parameters
        ----------
        t_min : array_like

        Returns
        -------
        numpy.ndarray
        """
        return decay_weights(t_min, self.name, half_life_min=self.half_life_min, beta=self.beta, t0_min=self.t0_min)


def as_decay(decay: Decay | DecayFunction) -> DecayFunction:
    """The :class:`DecayFunction` a ``decay=`` argument stands for.

    Parameters
    ----------
    decay : str or DecayFunction
        A name of :data:`DECAYS` (default parameters) or a decay function.

    Returns
    -------
    DecayFunction

    Raises
    ------
    DataError
        For an unknown name.

    Examples
    --------
    >>> as_decay("power").half_life_min
    30.0
    """
    if isinstance(decay, DecayFunction):
        return decay
    if decay not in DECAYS:
        raise DataError(f"unknown decay {decay!r}; expected one of {list(DECAYS)} or a DecayFunction")
    return DecayFunction(decay)
