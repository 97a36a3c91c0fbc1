"""Map controls: full screen, Leaflet's own texts in the map's language, exclusive layers, a responsive layer control.

Each control is a :class:`folium.MacroElement` whose template is fixed
JavaScript; the values it needs reach it as JSON (:func:`~linyi_spatial.viz._html.js_data`),
never as template source.
"""

from __future__ import annotations

from collections.abc import Sequence

import branca
import folium

from ._html import js_data
from .i18n import tr

__all__ = ["Declutter", "ExclusiveLayers", "Fullscreen", "Localize", "ResponsiveControl", "distinct_layer_names"]


_FULLSCREEN_JS = """
(function(){
  var map = {{ this._parent.get_name() }};
  var Btn = L.Control.extend({
    options: {position: 'topleft'},
    onAdd: function() {
      var a = L.DomUtil.create('a', 'leaflet-bar leaflet-control linyi-fullscreen');
      a.href = '#'; a.title = {{ this.title }}; a.innerHTML = '&#x25A1;';
      a.setAttribute('role', 'button'); a.setAttribute('aria-label', {{ this.title }});
      a.style.cssText = 'width:30px;height:30px;line-height:30px;text-align:center;background:#fff;font-size:18px';
      L.DomEvent.on(a, 'click', function(e) {
        L.DomEvent.preventDefault(e);
        var el = document.documentElement;  // the whole page: the title and legends stay visible
        if (document.fullscreenElement) { document.exitFullscreen(); }
        else if (el.requestFullscreen) { el.requestFullscreen(); }
      });
      return a;
    }
  });
  map.addControl(new Btn());
})();
"""


class Fullscreen(folium.MacroElement):
    """A dependency-free full-screen button (the Fullscreen plugin needs a CDN script)."""

    _template = branca.element.Template("{% macro script(this, kwargs) %}" + _FULLSCREEN_JS + "{% endmacro %}")

    def __init__(self, title: str) -> None:
        super().__init__()
        self._name = "Fullscreen"
        self.title = js_data(title)


_LOCALIZE_JS = """
(function(){
  var map = {{ this._parent.get_name() }};
  var w = {{ this.words }};
  L.control.scale({imperial: false, maxWidth: 150}).addTo(map);  // metric only
  document.documentElement.lang = w.lang;
  function name(el, text) { if (el) { el.title = text; el.setAttribute('aria-label', text); } }
  var zoom = map.zoomControl;
  if (zoom) { name(zoom._zoomInButton, w.zoomIn); name(zoom._zoomOutButton, w.zoomOut); }
  if (w.lang !== 'en' && map.attributionControl) {
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  }
  map.on('popupopen', function(e) { name(e.popup._closeButton, w.closePopup); });
  setTimeout(function() {  // the layer control is added after this script
    document.querySelectorAll('.leaflet-control-layers-toggle').forEach(function(el) { name(el, w.layers); });
  }, 0);
})();
"""


class Localize(folium.MacroElement):
    """Leaflet's own control texts (zoom, layers, popup close, attribution prefix) in the map's language."""

    _template = branca.element.Template("{% macro script(this, kwargs) %}" + _LOCALIZE_JS + "{% endmacro %}")

    def __init__(self, lang: str) -> None:
        super().__init__()
        self._name = "Localize"
        words = {key: tr(text, lang) for key, text in _CONTROL_TEXT.items()}
        self.words = js_data({**words, "lang": "zh-CN" if lang == "zh" else lang})


_CONTROL_TEXT = {"zoomIn": "Zoom in", "zoomOut": "Zoom out", "closePopup": "Close popup", "layers": "Layers"}


_EXCLUSIVE_JS = """
(function(){
  var map = {{ this._parent.get_name() }};
  var group = [{% for name in this.layer_names %}{{ name }}{% if not loop.last %}, {% endif %}{% endfor %}];
  map.on('overlayadd', function(e) {
    if (group.indexOf(e.layer) < 0) { return; }
    // after the layer control has finished handling the click, so it does not re-add what we remove
    setTimeout(function() {
      group.forEach(function(other) { if (other !== e.layer && map.hasLayer(other)) { map.removeLayer(other); } });
    }, 0);
  });
  // radio semantics: one measure is always shown; unticking the shown one leaves it on
  map.on('overlayremove', function(e) {
    if (group.indexOf(e.layer) < 0) { return; }
    setTimeout(function() {
      if (!group.some(function(l) { return map.hasLayer(l); })) {
        map.addLayer(e.layer);
        document.querySelectorAll('.leaflet-control-layers-overlays input').forEach(function(el) {
          if (el.layerId === L.Util.stamp(e.layer)) { el.checked = true; }
        });
      }
    }, 0);
  });
})();
"""


class ExclusiveLayers(folium.MacroElement):
    """Make alternative measure layers behave as radio buttons: one on turns the others off; one always shows.

    The layer shown cannot be turned off, so the map never goes blank.

    Parameters
    ----------
    layers : sequence of folium.FeatureGroup
        The alternative layers (already added to the map).

    Examples
    --------
    >>> from linyi_spatial.viz.layers import overlay
    >>> from linyi_spatial.viz.mapobject import new_map
    >>> m = new_map([10, 50, 11, 51], None, "t")
    >>> a, b = overlay("a").add_to(m), overlay("b", show=False).add_to(m)
    >>> _ = ExclusiveLayers([a, b]).add_to(m)
    >>> "removeLayer" in m.get_root().render()
    True
    """

    _template = branca.element.Template("{% macro script(this, kwargs) %}" + _EXCLUSIVE_JS + "{% endmacro %}")

    def __init__(self, layers: Sequence[folium.FeatureGroup]) -> None:
        super().__init__()
        self._name = "ExclusiveLayers"
        self.layer_names = [layer.get_name() for layer in layers]


def distinct_layer_names(m: folium.Map) -> None:
    """Layer names as keys of the layer control's object literal: distinct, and never ``__proto__``.

    folium writes the control as ``{name: layer, ...}``: a second layer of
    the same name would replace the first in the control, and the key
    ``__proto__`` would set the object's prototype instead of adding a
    layer. Repeated names get " (2)", " (3)"; ``__proto__`` gets its first
    underscore as a character reference (shown the same).

    Parameters
    ----------
    m : folium.Map
        Renamed in place.

    Returns
    -------
    None

    Examples
    --------
    >>> m = folium.Map(tiles=None)
    >>> for name in ("a", "a", "__proto__"):
    ...     _ = folium.FeatureGroup(name=name).add_to(m)
    >>> distinct_layer_names(m)
    >>> [c.layer_name for c in m._children.values() if isinstance(c, folium.FeatureGroup)]
    ['a', 'a (2)', '&#95;_proto__']
    """
    seen: dict[str, int] = {}
    for item in m._children.values():
        if not isinstance(item, folium.map.Layer) or not item.control:
            continue
        name = str(item.layer_name)
        if name == "__proto__":
            name = "&#95;_proto__"
        n = seen.get(name, 0) + 1
        seen[name] = n
        item.layer_name = name if n == 1 else f"{name} ({n})"


_RESPONSIVE_JS = """
(function(){
  var control = {{ this.control_name }};
  // wide pages (projectors, full windows) keep the layer list and the sources open;
  // narrow ones (notebook frames) show a layers button and a "Sources" line to click
  var wide = window.innerWidth >= WIDE_PX;
  if (wide) {
    control.expand();
    L.DomEvent.off(control._container, {mouseenter: control._expandSafely, mouseleave: control.collapse}, control);
    control._map.off('click', control.collapse, control);
  }
  document.querySelectorAll('details.linyi-credits').forEach(function(d) { d.open = wide; });
})();
"""


class ResponsiveControl(folium.MacroElement):
    """Keep the layer control open on wide pages and collapsed to a button on narrow ones (notebook frames)."""

    _template = branca.element.Template(
        "{% macro script(this, kwargs) %}" + _RESPONSIVE_JS.replace("WIDE_PX", "1000") + "{% endmacro %}"
    )

    def __init__(self, control: folium.LayerControl) -> None:
        super().__init__()
        self._name = "ResponsiveControl"
        self.control_name = control.get_name()


_DECLUTTER_JS = """
(function(){
  var map = {{ this._parent.get_name() }};
  // where a name may go, nearest first: lines up or down, and part of its width left or right
  var SHIFTS = [[0, 0], [0, -1], [0, 1], [-1, 0], [1, 0], [-1, -1], [1, -1], [-1, 1], [1, 1], [0, -2], [0, 2],
                [-1, -2], [1, -2], [-1, 2], [1, 2], [0, -3], [0, 3]];
  function rank(el) {
    var c = el.classList;
    if (c.contains('linyi-context-label')) { return 3; }
    return c.contains('linyi-unit-label') ? 2 : c.contains('linyi-axis-label') ? 1 : 0;
  }
  function apart(a, b) { return a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top; }
  function extent(el) {  // the text's own box (a label's div is 0 px wide; its text overflows it)
    var range = document.createRange();
    range.selectNodeContents(el);
    return range.getBoundingClientRect();
  }
  function declutter() {
    var labels = Array.prototype.slice.call(map.getContainer().querySelectorAll('.linyi-label'));
    labels.forEach(function(el) { el.style.visibility = ''; el.style.marginTop = ''; el.style.marginLeft = ''; });
    labels = labels.filter(function(el) { return el.getClientRects().length > 0; });
    labels.sort(function(a, b) { return rank(a) - rank(b); });
    // the page's furniture (title, legend, controls, sources) is taken too: names move out from under it
    var furniture = '.linyi-title, .linyi-legend, .linyi-credits, .linyi-north, .leaflet-control';
    var kept = Array.prototype.slice.call(document.querySelectorAll(furniture))
      .filter(function(el) { return el.getClientRects().length > 0; })
      .map(function(el) { return el.getBoundingClientRect(); });
    labels.forEach(function(el) {
      var h = el.offsetHeight + 1, w = extent(el).width * 0.6, box = null, free = false;
      for (var i = 0; i < SHIFTS.length && !free; i++) {
        el.style.marginTop = SHIFTS[i][1] ? (SHIFTS[i][1] * h) + 'px' : '';
        el.style.marginLeft = SHIFTS[i][0] ? (SHIFTS[i][0] * w) + 'px' : '';
        box = extent(el);
        free = kept.every(function(k) { return apart(box, k); });
      }
      if (!free) {
        el.style.marginTop = '';
        el.style.marginLeft = '';
        if (rank(el) === 3) { el.style.visibility = 'hidden'; return; }
        box = extent(el);
      }
      kept.push(box);
    });
  }
  var later = function() { setTimeout(declutter, 0); };
  map.on('zoomend moveend overlayadd overlayremove resize', later);
  map.whenReady(later);
})();
"""


class Declutter(folium.MacroElement):
    """Keep names on the map apart at every zoom: a crowded name moves to a free place near its own.

    Names are taken in order (places, then axes, then units, then
    neighbouring areas); each takes the first of 17 positions (where it is,
    then up to three lines up or down and part of its width left or right)
    that overlaps no name taken before it and none of the page's furniture
    (title, legend, controls, sources).
    A neighbouring area's name that finds no room is hidden until a zoom
    makes room; a place's, axis's or unit's name is never hidden.

    Examples
    --------
    >>> from linyi_spatial.viz.mapobject import new_map
    >>> m = new_map([10, 50, 11, 51], None, "t")
    >>> _ = Declutter().add_to(m)
    >>> "linyi-context-label" in m.get_root().render()
    True
    """

    _template = branca.element.Template("{% macro script(this, kwargs) %}" + _DECLUTTER_JS + "{% endmacro %}")

    def __init__(self) -> None:
        super().__init__()
        self._name = "Declutter"
