"""Map style: colours, fonts and the page's own CSS and generator mark.

Colours: the Okabe–Ito palette for categories and viridis-like sequential
ramps for measures, all distinguishable under the common colour-vision
deficiencies; delta maps use a purple–orange diverging ramp. Text uses a
CJK-first font stack, so Chinese names never show as boxes.
"""

from __future__ import annotations

__all__ = ["DIVERGING", "FONTS", "GENERATOR", "OKABE_ITO", "PAGE_CSS", "SEQUENTIAL"]


OKABE_ITO = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#666666",
    "black": "#000000",
}


FONTS = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif'
"""Font stack of map text: CJK fonts first, so Chinese names never show as boxes."""


PAGE_CSS = (
    "<style>.leaflet-container, .leaflet-tooltip, .linyi-title, .linyi-legend, .linyi-label {font-family: "
    + FONTS
    + "} path.leaflet-interactive:focus {outline: none}"
    " .linyi-label {font-size: 12px; font-weight: 600; color: #222; white-space: nowrap;"
    " text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 3px #fff}"
    " .linyi-unit-label {font-size: 11px; font-weight: 400; color: #555; font-style: italic;"
    " transform: translate(-50%, -50%)}"
    " .linyi-axis-label {font-size: 11px; color: #0072B2; transform: translate(-50%, -50%)}"
    # narrow frames (notebooks, 900 px): a smaller legend, so more of the map and its names show
    " @media (max-width: 1000px) {.linyi-legend {font-size: 10.5px !important; padding: 3px 6px !important;"
    " max-width: 210px !important; line-height: 1.25}}</style>"
)


GENERATOR = '<meta name="generator" content="linyi_spatial">'
"""Names the library in the head of every map (how it knows its own files is :data:`~linyi_spatial.viz.output.MARK`)."""


SEQUENTIAL = ["#fde725", "#7ad151", "#22a884", "#2a788e", "#414487", "#440154"]  # viridis, light = best


DIVERGING = ["#542788", "#8073ac", "#b2abd2", "#d8daeb", "#f7f7f7", "#f1a340"]  # PuOr: faster ... neutral, slower
