"""Progress bars for long steps (tqdm: works in terminals and notebooks), silenced globally on request."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")

_STATE: dict[str, bool | None] = {"enabled": None}  # None: decided by LINYI_SPATIAL_PROGRESS


def set_progress(enabled: bool | None) -> None:
    """Show (True) or hide (False) progress bars of long steps; None restores the default.

    The default follows the environment variable ``LINYI_SPATIAL_PROGRESS``
    (``0`` hides the bars); otherwise bars are shown.

    Parameters
    ----------
    enabled : bool or None

    Returns
    -------
    None

    Examples
    --------
    >>> set_progress(False)
    >>> progress_enabled()
    False
    >>> set_progress(None)
    """
    _STATE["enabled"] = enabled


def progress_enabled() -> bool:
    """Whether progress bars are shown now.

    Returns
    -------
    bool

    Examples
    --------
    >>> isinstance(progress_enabled(), bool)
    True
    """
    if _STATE["enabled"] is not None:
        return bool(_STATE["enabled"])
    return os.environ.get("LINYI_SPATIAL_PROGRESS", "1").strip().lower() not in ("0", "false", "no", "off")


def progress(iterable: Iterable[T], *, desc: str, total: int | None = None, **kwargs: Any) -> Iterator[T]:
    """Wrap ``iterable`` in a tqdm bar unless progress is disabled."""
    if not progress_enabled():
        return iter(iterable)
    from tqdm.auto import tqdm

    return iter(tqdm(iterable, desc=desc, total=total, leave=False, **kwargs))
