"""Realistic values that used to end in raw tracebacks: classes of all-NaN, all-inf, all-equal and extreme
measures, in maps and QGIS styles."""

import math

import numpy as np
import pandas as pd
import pytest

from linyi_spatial.testing import made_up_structure
from linyi_spatial.viz import choropleth_map
from linyi_spatial.viz.classes import classify
from linyi_spatial.viz.qgis import unit_style

NAN, INF = float("nan"), float("inf")
SCHEMES = ["quantiles", "fisher_jenks", "equal_interval"]


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize(
    ("values", "idx", "bins"),
    [
        ([NAN, NAN, NAN], [-1, -1, -1], []),
        ([INF, -INF, NAN], [-1, -1, -1], []),
        ([3.0, 3.0, NAN], [0, 0, -1], [3.0]),
        ([1.0, 1.0, 2.0, INF], [0, 0, 1, -1], [1.0, 2.0]),
    ],
)
def test_classes_of_values_with_nothing_or_one_thing_to_split(scheme, values, idx, bins):
    got_idx, got_bins = classify(pd.Series(values), k=5, scheme=scheme)
    assert got_idx.tolist() == idx
    assert got_bins[-1:] == bins[-1:]  # equal intervals put the first edge half-way (1.5)
    assert len(got_bins) == len(bins)


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("scale", [1e-300, 1.0, 1e150, 1e306])
def test_classes_do_not_depend_on_magnitude_and_bins_ascend(scheme, scale):
    """Fisher-Jenks gave unsorted bins for extreme values; classes are now those of the values scaled to 0-1."""
    base = np.array([1.0, 2.0, 3.0, 10.0, 11.0, 12.0, 30.0, 31.0, 32.0, 33.0])
    ref_idx, ref_bins = classify(pd.Series(base), k=3, scheme=scheme)
    idx, bins = classify(pd.Series(base * scale), k=3, scheme=scheme)
    assert idx.tolist() == ref_idx.tolist()
    assert bins == sorted(bins)
    assert bins[-1] == 33.0 * scale
    assert np.allclose(np.asarray(bins) / scale, ref_bins, rtol=1e-9)


def test_classes_across_the_whole_float_range():
    idx, bins = classify(pd.Series([1e308, -1e308, 0.0, 5e307, 1.0]), k=5, scheme="fisher_jenks")
    assert bins == sorted(bins)
    assert bins[-1] == 1e308
    assert all(math.isfinite(b) for b in bins)
    assert idx[1] == 0  # the lowest in the lowest class
    assert idx[0] == idx.max()


@pytest.mark.parametrize("value", [NAN, INF, 5.0, [1e308, -1e308, 0.0, 5e307, 1.0]])
@pytest.mark.parametrize("scheme", SCHEMES)
def test_maps_and_qgis_styles_of_such_measures_draw(value, scheme):
    units = made_up_structure().units
    data = pd.DataFrame({"m_min": value}, index=units.index)
    html = choropleth_map(units, data, ["m_min"], title="t", tiles=None, scheme=scheme).get_root().render()
    assert "L.geoJson(" in html  # the units drawn
    qml = unit_style(data, "m_min", scheme=scheme)
    assert qml.startswith("<!DOCTYPE qgis")
    finite = np.isfinite(np.asarray(value, dtype=float)).any()
    assert (qml.count("<range ") > 0) == finite
