"""Argument checks shared by the public functions: numbers that must be finite and in range."""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Sequence
from typing import cast

import numpy as np
import pandas as pd

from .errors import DataError, LinyiSpatialError, OptionError

__all__ = ["TILE_KEY_PATTERN", "check_tile_key", "count", "masses", "non_numeric", "number"]


def number(
    name: str,
    value: object,
    *,
    low: float = 0.0,
    high: float = math.inf,
    allow_low: bool = True,
    error: type[LinyiSpatialError] = DataError,
) -> float:
    """``value`` as a float if it is a real number in ``[low, high]`` (``(low, high]`` without ``allow_low``).

    Parameters
    ----------
    name : str
        The argument's name, for the message.
    value : object
    low, high : float
        Bounds; ``high`` is inclusive.
    allow_low : bool, default True
        Whether ``low`` itself is allowed.
    error : type, default DataError
        The error class raised.

    Returns
    -------
    float

    Raises
    ------
    LinyiSpatialError
        Of class ``error``, naming the argument and the value.

    Examples
    --------
    >>> number("cutoff_min", 30)
    30.0
    >>> number("cutoff_min", float("nan"))
    Traceback (most recent call last):
    ...
    linyi_spatial.errors.DataError: cutoff_min must be a finite number >= 0, got nan
    """
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(float(value))
    x = float(cast(float, value)) if ok else math.nan  # a Real here: float() takes it
    ok = ok and (x >= low if allow_low else x > low) and x <= high
    if not ok:
        bound = f"{'>=' if allow_low else '>'} {low:g}" + ("" if math.isinf(high) else f" and <= {high:g}")
        raise error(f"{name} must be a finite number {bound}, got {value!r}")
    return x


def count(name: str, value: object, *, error: type[LinyiSpatialError] = DataError) -> int:
    """``value`` if it is a positive integer.

    Parameters
    ----------
    name : str
    value : object
    error : type, default DataError

    Returns
    -------
    int

    Raises
    ------
    LinyiSpatialError
        Of class ``error``.

    Examples
    --------
    >>> count("batch_size", 0)
    Traceback (most recent call last):
    ...
    linyi_spatial.errors.DataError: batch_size must be a positive integer, got 0
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < 1:
        raise error(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def masses(size: Sequence[float] | np.ndarray | None, n: int) -> np.ndarray:
    """The opportunity at each of ``n`` destinations (1 each when ``size`` is None), checked.

    Parameters
    ----------
    size : sequence of float or None
    n : int
        Number of destinations.

    Returns
    -------
    numpy.ndarray

    Raises
    ------
    DataError
        For a wrong length, NaN, infinite or negative values, or a total
        beyond float64 (every sum over them must stay finite).

    Examples
    --------
    >>> masses(None, 2).tolist()
    [1.0, 1.0]
    """
    m = np.ones(n) if size is None else np.asarray(size, dtype=float)
    if len(m) != n:
        raise DataError(f"size has {len(m)} values for {n} destinations")
    if not np.isfinite(m).all() or (m < 0).any():
        raise DataError("size must be finite non-negative numbers")
    with np.errstate(over="ignore"):
        total = m.sum()
    if not np.isfinite(total):
        raise DataError(f"size sums beyond float64 (largest {m.max():.3g}): rescale it, e.g. to thousands")
    return m


def non_numeric(values: pd.Series) -> str | None:
    """Why a column of counts is not numeric (naming the first rows and values), or None when it is.

    Text such as ``"420,000"`` is refused rather than guessed: a comma may
    separate thousands or decimals depending on who wrote the file.

    Parameters
    ----------
    values : pandas.Series

    Returns
    -------
    str or None

    Examples
    --------
    >>> non_numeric(pd.Series([1, 2.5]))
    >>> non_numeric(pd.Series(["420,000", 7], index=["A", "B"]))
    "holds text where numbers belong at ['A'] (e.g. '420,000'): write plain numbers such as 420000, without separators"
    """
    if pd.api.types.is_bool_dtype(values):
        return "holds true/false values where numbers belong"
    if pd.api.types.is_numeric_dtype(values):
        return None
    parsed = pd.to_numeric(values, errors="coerce")
    bad = values[parsed.isna() & values.notna()]
    if bad.empty:
        return None
    example = str(bad.iloc[0])
    digits = example.replace(",", "").replace(" ", "").replace("_", "").replace(".", "", 1)
    hint = "write plain numbers such as " + example.replace(",", "").replace(" ", "").replace("_", "")
    hint += ", without separators" if digits.isdigit() else ""
    return f"holds text where numbers belong at {bad.index[:5].tolist()} (e.g. {example!r}): {hint}"


_KEY_CHAR = "[A-Za-z0-9._~-]"
TILE_KEY_PATTERN = re.compile(_KEY_CHAR + "{8,128}")
"""What a map-service key may be: 8–128 URL-safe characters (letters, digits, ``. _ ~ -``).

Tianditu keys are 32 hexadecimal digits. Anything else (a brace, a quote, a
space, a slash) is refused before it reaches a page: a key is placed into
the map as a Leaflet option (data), never into a template or a URL string."""


def check_tile_key(key: str, where: str) -> str:
    """``key`` if it is a plausible map-service key, else an :class:`OptionError` saying what is wrong.

    The message names where the key came from and the first character that
    is not allowed, never the key itself (it is a secret).

    Parameters
    ----------
    key : str
    where : str
        Where the key came from, for the message ("--tiles-key", "TIANDITU_KEY").

    Returns
    -------
    str

    Raises
    ------
    OptionError
        If the key is not 8–128 characters of :data:`TILE_KEY_PATTERN`.

    Examples
    --------
    >>> check_tile_key("0123456789abcdef0123456789abcdef", "tiles_key")
    '0123456789abcdef0123456789abcdef'
    >>> check_tile_key("K{{ 6*7 }}", "tiles_key")
    Traceback (most recent call last):
    ...
    linyi_spatial.errors.OptionError: tiles_key is not a map-service key: character '{' at position 2 ...
    """
    if not isinstance(key, str):
        raise OptionError(f"{where} must be text, got {type(key).__name__}")
    if TILE_KEY_PATTERN.fullmatch(key):
        return key
    bad = next((i for i, c in enumerate(key) if not re.fullmatch(_KEY_CHAR, c)), None)
    what = f"character {key[bad]!r} at position {bad + 1}" if bad is not None else f"{len(key)} characters long"
    raise OptionError(
        f"{where} is not a map-service key: {what} (a key is 8–128 letters, digits or . _ ~ -; "
        "Tianditu keys are 32 hexadecimal digits)"
    )
