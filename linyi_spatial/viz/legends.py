"""Map legends: bottom-right keys, one per layer, switched with their layer (:class:`LegendSwitch`)."""

from __future__ import annotations

from collections.abc import Sequence

import branca
import folium

from ._html import RawHTML, esc, esc_attr_twice

__all__ = ["LegendSwitch", "legend"]


def legend(
    title: str,
    items: Sequence[tuple[str, str, str]],
    *,
    layer: str | None = None,
    shown: bool = True,
    source: str | None = None,
) -> RawHTML:
    """Bottom-right legend; items are (kind, colour, label) with kind line/dash/dot/ring/box or ``circle:<radius px>``.

    A ``circle:<r>`` item is a proportional-symbol key: a circle of the
    radius ``r`` pixels its label's value gets on the map.

    With ``layer`` the legend belongs to that overlay and is switched with it
    (see :class:`LegendSwitch`).

    Parameters
    ----------
    title : str
    items : sequence of (kind, colour, label)
    layer : str, optional
        Overlay name the legend belongs to (as given to :func:`overlay`, unescaped).
    shown : bool, default True
    source : str, optional
        Where the layer's data come from (data, year or edition, "modelled
        estimate" where it is one), written small under the key.

    Returns
    -------
    RawHTML

    Examples
    --------
    >>> "Title" in legend("Title", [("box", "#fff", "x")]).render()
    True
    """
    shapes = {
        "line": "width:22px;border-top:4px solid {c};vertical-align:middle",
        "dash": "width:22px;border-top:4px dashed {c};vertical-align:middle",
        "dot": "width:12px;height:12px;border-radius:6px;background:{c};border:1px solid #333",
        "ring": "width:10px;height:10px;border-radius:6px;background:transparent;border:2px dashed {c}",
        "box": "width:16px;height:12px;background:{c};opacity:0.75;border:1px solid #999",
    }
    rows = []
    for kind, colour, label in items:
        if kind.startswith("circle:"):
            r = float(kind.split(":", 1)[1])
            style = (
                f"width:{2 * r:.1f}px;height:{2 * r:.1f}px;border-radius:50%;background:{esc(colour)};"
                f"opacity:0.8;border:1px solid #333;vertical-align:middle;margin:0 {22 - r:.1f}px 2px {22 - r:.1f}px"
            )
        else:
            style = shapes.get(kind, shapes["box"]).format(c=esc(colour))
        sym = f"<span style='display:inline-block;{style}'></span>"
        rows.append(f"<div>{sym} {esc(label)}</div>")
    if source:
        rows.append(
            f"<div class='linyi-legend-source' style='font-size:10px;color:#555;margin-top:3px'>{esc(source)}</div>"
        )
    body = "".join(rows)
    data = "" if layer is None else f" data-layer='{esc_attr_twice(layer)}'"
    display = "" if shown else "display:none;"
    return RawHTML(
        f"<div class='linyi-legend'{data} style='{display}position:fixed;bottom:30px;right:10px;z-index:1000;"
        "background:white;padding:6px 10px;border:1px solid #999;font-size:12px;max-width:260px'>"
        f"<b>{esc(title)}</b>{body}</div>"
    )


_LEGEND_SWITCH_JS = """
(function(){
  var map = {{ this._parent.get_name() }};
  function show(name) {
    document.querySelectorAll('.linyi-legend[data-layer]').forEach(function(el) {
      el.style.display = (el.getAttribute('data-layer') === name) ? '' : 'none';
    });
  }
  var shown = [];
  document.querySelectorAll('.linyi-legend[data-layer]').forEach(function(el) {
    if (el.style.display !== 'none') { shown.push(el.getAttribute('data-layer')); }
  });
  map.on('overlayadd', function(e) { shown.push(e.name); show(e.name); });
  map.on('overlayremove', function(e) {
    shown = shown.filter(function(n) { return n !== e.name; });
    show(shown.length ? shown[shown.length - 1] : null);
  });
})();
"""


class LegendSwitch(folium.MacroElement):
    """Show the legend of the overlay switched on last (one legend per choropleth layer)."""

    _template = branca.element.Template("{% macro script(this, kwargs) %}" + _LEGEND_SWITCH_JS + "{% endmacro %}")
