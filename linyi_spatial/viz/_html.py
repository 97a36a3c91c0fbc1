"""Strings into map HTML: escaping and number formatting for tooltips, legends and titles."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import numpy as np

__all__ = ["esc", "fmt", "table"]


def esc(value: object) -> str:
    """Escape a data or user string for HTML text and attribute values (None/NaN give "").

    Parameters
    ----------
    value : object

    Returns
    -------
    str

    Examples
    --------
    >>> esc("<b>")
    '&lt;b&gt;'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value))


def fmt(value: object, digits: int = 1) -> str:
    """Format a number for people: thousands separators, ``digits`` decimals, "unreachable" for inf.

    Parameters
    ----------
    value : object
    digits : int, default 1

    Returns
    -------
    str

    Examples
    --------
    >>> fmt(1234567), fmt(12.345), fmt(float("inf"))
    ('1,234,567', '12.3', 'unreachable')
    """
    if value is None or (isinstance(value, (float, np.floating)) and not np.isfinite(value)):
        return "unreachable" if isinstance(value, (float, np.floating)) and np.isinf(value) else ""
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        return f"{value:,.{digits}f}"
    return str(value)


def table(rows: Sequence[tuple[str, object]]) -> str:
    """An HTML table of (label, value) rows, every cell escaped; empty values skipped.

    Parameters
    ----------
    rows : sequence of (str, object)

    Returns
    -------
    str

    Examples
    --------
    >>> table([("name", "<x>"), ("empty", "")])
    "<table><tr><th style='text-align:left;padding-right:6px'>name</th><td>&lt;x&gt;</td></tr></table>"
    """
    body = "".join(
        f"<tr><th style='text-align:left;padding-right:6px'>{esc(k)}</th><td>{esc(v)}</td></tr>"
        for k, v in rows
        if v not in ("", None)
    )
    return f"<table>{body}</table>"
