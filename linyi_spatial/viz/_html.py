r"""Strings into map HTML and JavaScript: the one escaping function, and number formatting.

Every data- or user-derived string reaches a map through :func:`esc`, and the
places it lands in are:

- HTML text and attribute values (titles, legends, the index page);
- tooltip HTML, which folium places inside a JavaScript *template literal*
  (`` `...` ``): there a backtick ends the literal and ``${...}`` runs code;
- layer names, which folium JSON-encodes into the script and Leaflet then
  inserts as HTML in the layer control.

:func:`esc` is safe in all three: it HTML-escapes ``& < > " '`` and writes
`` ` ``, ``$`` and ``\`` as the character references ``&#96;``, ``&#36;``
and ``&#92;``, which a browser shows as the characters themselves but which
mean nothing to JavaScript. A value escaped once shows literally wherever it
lands; attributes read back by script (the legend's ``data-layer``) are
escaped twice so the script compares the same string Leaflet holds.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Sequence

import numpy as np

__all__ = ["esc", "esc_attr_twice", "fmt", "fmt_measure", "js_data", "table"]

_JS_NEUTRAL = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;"})


def esc(value: object) -> str:
    """Escape a data or user string for map HTML, attributes and folium's JS template literals (None/NaN give "").

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
    >>> esc("${alert(1)}`")
    '&#36;{alert(1)}&#96;'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True).translate(_JS_NEUTRAL)


_SCRIPT_SAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def js_data(value: object) -> str:
    r"""JSON for data placed inside a ``<script>`` (``<``, ``>``, ``&`` and line separators as ``\u`` escapes).

    The one encoder for the script-data context: no string in it can close
    the script element or start markup, whatever the data hold. Strings
    that will be shown as HTML must be escaped with :func:`esc` first.

    Parameters
    ----------
    value : object
        JSON-serialisable.

    Returns
    -------
    str

    Examples
    --------
    >>> print(js_data({"name": "</script><b>"}))
    {"name": "\u003c/script\u003e\u003cb\u003e"}
    """
    text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    for raw, safe in _SCRIPT_SAFE.items():
        text = text.replace(raw, safe)
    return text


def esc_attr_twice(value: object) -> str:
    """Escape for an HTML attribute that script compares with an already-escaped string.

    The browser decodes an attribute once, so ``getAttribute`` returns
    ``esc(value)``, the same string given to Leaflet as a layer name.

    Parameters
    ----------
    value : object

    Returns
    -------
    str

    Examples
    --------
    >>> esc_attr_twice("<a>")
    '&amp;lt;a&amp;gt;'
    """
    return esc(esc(value))


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


def fmt_measure(value: object, unit: str) -> str:
    """A measure's value as people read it: persons as whole numbers, shares as %, minutes with "min".

    Parameters
    ----------
    value : object
    unit : str
        ``"persons"``, ``"share"``, ``"min"`` or anything else (one or two decimals).

    Returns
    -------
    str

    Examples
    --------
    >>> fmt_measure(1773960.4, "persons"), fmt_measure(0.456, "share"), fmt_measure(61.26, "min")
    ('1,773,960', '45.6 %', '61.3 min')
    """
    if not isinstance(value, (int, float, np.integer, np.floating)) or not np.isfinite(value):
        return fmt(value)
    if unit == "persons":
        return f"{round(float(value)):,}"
    if unit == "share":
        return f"{100 * float(value):.1f} %"
    if unit == "min":
        return f"{float(value):,.1f} min"
    return fmt(float(value), 2 if abs(float(value)) < 10 else 1)


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
