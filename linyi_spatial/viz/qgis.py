"""QGIS layer styles (QML) with the classes and colours of the HTML maps, for the GeoPackage's ``layer_styles``.

A GeoPackage opened in QGIS applies the style of a layer stored in its
``layer_styles`` table; these functions write that style for the units'
scores (the accessibility map's classes) and the travel-time surface (the
surface map's bands), so the file looks in QGIS as the map does in the
browser.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from xml.sax.saxutils import quoteattr

import numpy as np
import pandas as pd

from ..catalog import higher_is_better, measure_unit
from .classes import band_names, class_labels, classify, ramp

__all__ = ["graduated_qml", "surface_style", "unit_style"]


def _rgba(colour: str) -> str:
    c = colour.lstrip("#")
    return ",".join(str(int(c[i : i + 2], 16)) for i in (0, 2, 4)) + ",255"


def graduated_qml(column: str, ranges: Sequence[tuple[float, float, str, str]]) -> str:
    """A QGIS graduated fill renderer on ``column``: one (lower, upper, colour, label) per class.

    Parameters
    ----------
    column : str
    ranges : sequence of (float, float, str, str)
        Lower and upper bound, ``#rrggbb`` colour and legend label of each class.

    Returns
    -------
    str
        A QML document.

    Examples
    --------
    >>> qml = graduated_qml("t", [(0, 15, "#fde725", "0–15 min"), (15, 30, "#440154", "15–30 min")])
    >>> qml.count("<range "), 'attr="t"' in qml
    (2, True)
    """
    rows, symbols = [], []
    for i, (lo, hi, colour, label) in enumerate(ranges):
        rows.append(f'<range lower="{lo:.6g}" upper="{hi:.6g}" symbol="{i}" label={quoteattr(label)} render="true"/>')
        symbols.append(
            f'<symbol type="fill" name="{i}" alpha="1" clip_to_extent="1" force_rhr="0">'
            '<layer class="SimpleFill" pass="0" locked="0" enabled="1"><Option type="Map">'
            f'<Option name="color" type="QString" value="{_rgba(colour)}"/>'
            '<Option name="outline_color" type="QString" value="80,80,80,255"/>'
            '<Option name="outline_width" type="QString" value="0.2"/>'
            '<Option name="style" type="QString" value="solid"/>'
            "</Option></layer></symbol>"
        )
    return (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>"
        '<qgis version="3.28.0" styleCategories="Symbology">'
        f'<renderer-v2 type="graduatedSymbol" attr={quoteattr(column)} graduatedMethod="GraduatedColor" '
        'symbollevels="0" enableorderby="0" forceraster="0">'
        f"<ranges>{''.join(rows)}</ranges><symbols>{''.join(symbols)}</symbols>"
        "</renderer-v2></qgis>"
    )


def unit_style(data: pd.DataFrame, column: str, *, k: int = 5, scheme: str = "fisher_jenks", lang: str = "en") -> str:
    """The accessibility map's classes of ``column`` as a QGIS style (same breaks, colours and labels).

    Parameters
    ----------
    data : DataFrame
        Unit scores (e.g. :func:`~linyi_spatial.accessibility.unit_accessibility`).
    column : str
    k : int, default 5
    scheme : str, default "fisher_jenks"
    lang : {"en", "zh"}, default "en"

    Returns
    -------
    str
        A QML document.

    Examples
    --------
    >>> d = pd.DataFrame({"composite_score": [10.0, 20.0, 50.0, 80.0, 95.0]})
    >>> "graduatedSymbol" in unit_style(d, "composite_score")
    True
    """
    values = data[column].astype(float)
    idx, bins = classify(values, k, scheme)
    colours = ramp(len(bins), reverse=higher_is_better(column))
    labels = class_labels(values, idx, len(bins), measure_unit(column), lang)  # as the map's legend
    finite = values.to_numpy()[np.isfinite(values.to_numpy())]
    lowers = [float(finite.min()) if len(finite) else 0.0, *map(float, bins[:-1])]  # no class when none is finite
    ranges = [(lowers[j], float(bins[j]), colours[j], text) for j, text in labels.items()]
    return graduated_qml(column, ranges)


def surface_style(column: str, bands_min: Sequence[float], *, lang: str = "en") -> str:
    """The surface map's time bands of ``column`` as a QGIS style (the better, shorter end light).

    Parameters
    ----------
    column : str
        A cell time column, e.g. ``cell_time_to_core_min``.
    bands_min : sequence of float
        Upper edges of the bands (minutes); the last band is open.
    lang : {"en", "zh"}, default "en"

    Returns
    -------
    str
        A QML document.

    Examples
    --------
    >>> surface_style("cell_time_to_core_min", (15, 30)).count("<range ")
    3
    """
    edges = [0.0, *map(float, bands_min), 1e9]
    colours = ramp(len(edges) - 1, reverse=False)
    names = band_names(bands_min, lang)  # the surface map's legend names
    ranges = [(lo, hi, c, n) for (lo, hi), c, n in zip(itertools.pairwise(edges), colours, names, strict=True)]
    return graduated_qml(column, ranges)
