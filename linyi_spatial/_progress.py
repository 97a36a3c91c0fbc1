"""Progress bars for long steps (tqdm: works in terminals and notebooks), silenced globally on request."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")

_STATE: dict[str, bool | None] = {"enabled": None}  # None: decided by LINYI_SPATIAL_PROGRESS


def set_progress(enabled: bool | None) -> None:
    """Show (True) or hide (False) progress bars of long steps; None restores the default.

    The default follows the environment variable ``LINYI_SPATIAL_PROGRESS``
    (``0`` hides the bars); otherwise bars are shown in notebooks and on
    terminals, for steps longer than about two seconds. True shows them on
    any output (a log file too).

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


def _in_notebook() -> bool:
    shell = sys.modules.get("IPython")
    ip = getattr(shell, "get_ipython", lambda: None)() if shell is not None else None
    return ip is not None and type(ip).__name__ == "ZMQInteractiveShell"


def progress(
    iterable: Iterable[T], *, desc: str, total: int | None = None, delay: float = 2.0, **kwargs: Any
) -> Iterator[T]:
    """Wrap ``iterable`` in a progress bar for work that takes longer than ``delay`` seconds.

    The bar appears only after ``delay`` seconds (quick steps stay silent).
    In a notebook it is a widget when ipywidgets is installed and plain text
    otherwise (never the "IProgress not found" warning). Outside a notebook
    it is drawn only on a terminal, so logs and pipes get no carriage
    returns or cursor escapes, unless bars are forced with
    ``set_progress(True)``.
    """
    forced = _STATE["enabled"] is True
    if not progress_enabled():
        return iter(iterable)
    notebook = _in_notebook()
    if not (forced or notebook or sys.stderr.isatty()):
        return iter(iterable)
    if notebook and importlib.util.find_spec("ipywidgets") is not None:
        from tqdm.notebook import tqdm
    else:
        from tqdm.std import tqdm
    return iter(tqdm(iterable, desc=desc, total=total, leave=False, delay=delay, **kwargs))
