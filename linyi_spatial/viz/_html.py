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

**No template ever sees data.** folium and branca compile strings as Jinja2
templates: ``folium.Element(text)`` compiles ``text``, and every
``MacroElement`` (tooltips, layer names, icons, our own scripts) has its
rendered output compiled *a second time* when branca files it into the
page's script. A data string holding ``{{ ... }}`` would run as Python on
the machine rendering the map. So:

- :func:`esc` also writes ``{`` and ``}`` as ``&#123;`` and ``&#125;``, and
  :func:`js_data` writes them as ``\u007b`` and ``\u007d`` inside JSON
  strings: no escaped value can contain a Jinja delimiter (``{{``, ``{%``,
  ``{#``), whichever pass renders it;
- :func:`no_template` does the same to a whole HTML fragment (our markup
  plus escaped data) just before it is handed to a folium element, so a
  fragment that reaches folium can never open a template tag;
- :class:`RawHTML` puts HTML into a page as it is, never compiled; it
  replaces ``folium.Element(text)`` everywhere.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Sequence
from typing import Any

import branca.element
import numpy as np
import pandas as pd

from .i18n import tr

__all__ = ["RawHTML", "esc", "esc_attr_twice", "fmt", "fmt_measure", "js_data", "no_template", "table"]

_BRACES = {"{": "&#123;", "}": "&#125;"}  # no Jinja delimiter ({{ {% {#) can form without a brace
_JS_NEUTRAL = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;", **_BRACES})
_NO_TEMPLATE = str.maketrans(_BRACES)


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
    '&#36;&#123;alert(1)&#125;&#96;'
    >>> esc("{{ 7*7 }} {# x")
    '&#123;&#123; 7*7 &#125;&#125; &#123;# x'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True).translate(_JS_NEUTRAL)


_SCRIPT_SAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def js_data(value: object) -> str:
    r"""JSON for data placed inside a ``<script>`` (``<``, ``>``, ``&`` and line separators as ``\u`` escapes).

    The one encoder for the script-data context: no string in it can close
    the script element, start markup or open a Jinja template tag (``{``
    and ``}`` inside strings are ``\u007b``/``\u007d``; JSON's own braces
    can never form ``{{``, ``{%`` or ``{#``), whatever the data hold.
    Strings that will be shown as HTML must be escaped with :func:`esc` first.

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
    >>> print(js_data({"{{ 7*7 }}": [{}]}))
    {"\u007b\u007b 7*7 \u007d\u007d": [{}]}
    """
    text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    for raw, safe in _SCRIPT_SAFE.items():
        text = text.replace(raw, safe)
    return _JSON_STRING.sub(_braces_escaped, text)


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def _braces_escaped(match: re.Match[str]) -> str:
    return match.group(0).replace("{", "\\u007b").replace("}", "\\u007d")


def no_template(fragment: str) -> str:
    """An HTML fragment that no Jinja pass can read as a template: ``{`` and ``}`` as character references.

    Applied to every fragment (our markup with escaped data) just before it
    is handed to a folium element that branca renders as a template
    (tooltips, icons, layer names). HTML shows ``&#123;`` as ``{``, so the
    text reads the same; markup never needs a brace.

    Parameters
    ----------
    fragment : str
        HTML (tags and already-escaped text).

    Returns
    -------
    str

    Examples
    --------
    >>> no_template("<b>{{ 7*7 }}</b>")
    '<b>&#123;&#123; 7*7 &#125;&#125;</b>'
    """
    return fragment.translate(_NO_TEMPLATE)


class RawHTML(branca.element.Element):
    """HTML put into a page as it is: never compiled as a template (``folium.Element(text)`` compiles ``text``).

    Parameters
    ----------
    text : str
        Finished HTML (data in it escaped with :func:`esc`).

    Examples
    --------
    >>> RawHTML("{{ 7*7 }}").render()
    '{{ 7*7 }}'
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "RawHTML"
        self.text = str(text)

    def render(self, **kwargs: Any) -> str:  # noqa: ARG002 - branca passes its render options
        """The HTML, unchanged.

        Parameters
        ----------
        **kwargs
            Ignored (branca passes its render options).

        Returns
        -------
        str
        """
        return self.text


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


def fmt(value: object, digits: int = 1, lang: str = "en") -> str:
    """Format a number for people: thousands separators, ``digits`` decimals, "unreachable" for inf.

    Parameters
    ----------
    value : object
    digits : int, default 1
    lang : {"en", "zh"}, default "en"
        Language of the words ("unreachable", yes/no).

    Returns
    -------
    str

    Examples
    --------
    >>> fmt(1234567), fmt(12.345), fmt(float("inf")), fmt(float("inf"), lang="zh"), fmt(pd.NA)
    ('1,234,567', '12.3', 'unreachable', '不可达', '')
    """
    if value is None or value is pd.NA or (isinstance(value, (float, np.floating)) and not np.isfinite(value)):
        return tr("unreachable", lang) if isinstance(value, (float, np.floating)) and np.isinf(value) else ""
    if isinstance(value, (bool, np.bool_)):
        return tr("yes" if value else "no", lang)
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        return f"{value:,.{digits}f}"
    return str(value)


def _large(value: float, lang: str) -> str | None:
    """Large numbers in 万/亿 (Chinese) or with M/G (English); None when not large."""
    v = abs(value)
    if lang == "zh" and v >= 1e4:
        scale, word = (1e8, "亿") if v >= 1e8 else (1e4, "万")
        return f"{value / scale:,.{2 if v / scale < 10 else 1}f} {word}"
    if lang == "en" and v >= 1e6:
        scale, word = (1e9, "G") if v >= 1e9 else (1e6, "M")
        return f"{value / scale:,.{2 if v / scale < 10 else 1}f} {word}"
    return None


def fmt_measure(value: object, unit: str, lang: str = "en") -> str:
    """A measure's value as people read it, in ``lang``: the one formatter of numbers with units.

    Persons are whole numbers in English and in 万人 above ten thousand in
    Chinese; a potential (a decay-weighted sum of persons) is a whole number
    in English and in 万 (never 万人: it is not a head count) in Chinese;
    shares are percentages; minutes are rounded to a tenth;
    unitless large numbers get M/G (English) or 万/亿 (Chinese).

    Parameters
    ----------
    value : object
    unit : str
        ``"persons"``, ``"share"``, ``"min"``, ``"persons/km²"``, ``"km"``, ``"km²"``, ``"km/km²"`` or
        anything else (one or two decimals).
    lang : {"en", "zh"}, default "en"

    Returns
    -------
    str

    Examples
    --------
    >>> fmt_measure(1773960.4, "persons"), fmt_measure(0.456, "share"), fmt_measure(61.26, "min")
    ('1,773,960', '45.6 %', '61.3 min')
    >>> fmt_measure(1773960.4, "persons", "zh"), fmt_measure(8532, "persons", "zh"), fmt_measure(61.26, "min", "zh")
    ('177.4 万人', '8,532 人', '61.3 分钟')
    >>> fmt_measure(4.7e8, ""), fmt_measure(4.7e8, "", "zh")
    ('470.0 M', '4.70 亿')
    >>> fmt_measure(1412345.0, "potential"), fmt_measure(1412345.0, "potential", "zh")
    ('1,412,345', '141.2 万')
    """
    if not isinstance(value, (int, float, np.integer, np.floating)) or not np.isfinite(value):
        return fmt(value, lang=lang)
    v = float(value)
    zh = lang == "zh"
    if unit == "persons":
        whole = f"{round(v):,}"
        text = (f"{_large(v, lang)}人" if abs(v) >= 1e4 else f"{whole} 人") if zh else whole
    elif unit == "potential":  # a decay-weighted sum of persons: a number, never "万人"
        text = (_large(v, lang) or f"{v:,.0f}") if zh else f"{round(v):,}"
    elif unit == "share":
        text = f"{100 * v:.1f}%" if zh else f"{100 * v:.1f} %"
    elif unit == "min":
        text = f"{v:,.1f} {'分钟' if zh else 'min'}"
    elif unit == "persons/km²":
        text = f"{round(v):,} {'人/km²' if zh else 'per km²'}"
    elif unit in ("km", "km²"):
        text = f"{v:,.{0 if abs(v) >= 10 else 1}f} {unit}"
    elif unit == "km/km²":
        text = f"{v:.2f} km/km²"
    else:
        text = _large(v, lang) or fmt(v, 2 if abs(v) < 10 else 1, lang)
    return text


def table(rows: Sequence[tuple[str, object]]) -> str:
    """An HTML table of (label, value) rows, every cell escaped; empty values skipped.

    A short value (a number with its unit, a name) never wraps, so "497.5 万人" stays on one line in a
    narrow tooltip; a long one (a list of names) wraps as usual.

    Parameters
    ----------
    rows : sequence of (str, object)

    Returns
    -------
    str

    Examples
    --------
    >>> t = table([("name", "<x>"), ("empty", "")])
    >>> t.count("<tr>"), "<td style='white-space:nowrap'>&lt;x&gt;</td>" in t
    (1, True)
    """
    body = "".join(
        f"<tr><th style='text-align:left;padding-right:6px'>{esc(k)}</th>"
        f"<td{_NOWRAP if len(str(v)) <= _SHORT_VALUE else ''}>{esc(v)}</td></tr>"
        for k, v in rows
        if v not in ("", None)
    )
    return f"<table>{body}</table>"


_NOWRAP = " style='white-space:nowrap'"
_SHORT_VALUE = 32
"""Values up to this many characters are kept on one line in tooltip tables (numbers with units, names)."""
