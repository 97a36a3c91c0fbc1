"""Equity of access: Gini, Theil and Lorenz equal independent numpy computations; unreachable people are counted."""

import math

import numpy as np
import pandas as pd
import pytest

from linyi_spatial.accessibility.equity import equity, gini, lorenz, theil
from linyi_spatial.errors import DataError


def _gini_pairs(x, w):
    """The mean absolute difference over all pairs of people: an independent definition of the Gini."""
    mu = np.average(x, weights=w)
    return np.sum(w[:, None] * w[None, :] * np.abs(x[:, None] - x[None, :])) / (2 * w.sum() ** 2 * mu)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gini_and_theil_equal_their_definitions_on_random_data(seed):
    rng = np.random.default_rng(seed)
    x = rng.gamma(2.0, 20.0, 400)
    w = rng.integers(0, 500, 400).astype(float)
    g = rng.choice(list("abcde"), 400)
    assert gini(x, w) == pytest.approx(_gini_pairs(x, w), rel=1e-10)
    assert gini(x) == pytest.approx(_gini_pairs(x, np.ones_like(x)), rel=1e-10)
    mu = np.average(x, weights=w)
    direct = np.sum(w / w.sum() * (x / mu) * np.log(x / mu))
    t = theil(x, w, g)
    assert t["theil"] == pytest.approx(direct, rel=1e-10)
    # between: each group as if all its people had the group's mean; within: the rest
    means = pd.Series(x * w).groupby(g).sum() / pd.Series(w).groupby(g).sum()
    smoothed = means.reindex(g).to_numpy()
    between = np.sum(w / w.sum() * (smoothed / mu) * np.log(smoothed / mu))
    assert t["between"] == pytest.approx(between, rel=1e-10)
    assert t["between"] + t["within"] == pytest.approx(t["theil"], rel=1e-10)


def test_lorenz_ends_and_equal_values():
    curve = lorenz([5.0, 5.0, 5.0], [1, 2, 3])
    np.testing.assert_allclose(curve["people_share"], curve["value_share"])  # the diagonal: no inequality
    assert gini([5.0, 5.0], [1, 9]) == 0.0
    assert theil([5.0, 5.0], [1, 9])["theil"] == 0.0
    assert np.isnan(gini([np.inf], [3.0]))


def test_equity_per_unit_counts_the_unreachable_and_names_bad_columns():
    cells = pd.DataFrame(
        {"unit": ["a", "a", "a", "b"], "t": [10.0, 30.0, np.inf, 50.0], "pop_est": [1.0, 1.0, 7.0, 2.0]}
    )
    out = equity(cells, "t")
    assert out.loc["a", "unreachable_people"] == 7.0
    assert out.loc["a", "people"] == 2.0
    assert out.loc["a", "gini"] == pytest.approx(_gini_pairs(np.array([10.0, 30.0]), np.array([1.0, 1.0])))
    assert out.loc["region", "unreachable_people"] == 7.0
    assert out.loc["region", "theil_between"] + out.loc["region", "theil_within"] == pytest.approx(
        out.loc["region", "theil"]
    )
    with pytest.raises(DataError, match="no column"):
        equity(cells, "cell_time_to_core_min")
    with pytest.raises(DataError, match="non-negative"):
        gini([-1.0, 2.0])
    with pytest.raises(DataError, match="weights"):
        gini([1.0, 2.0], [1.0, -1.0])


def test_linyi_residents_gini_of_time_to_the_core_2020_and_2035():
    from linyi_spatial import linyi
    from linyi_spatial.accessibility import analysis_grid, structure_population, travel_time_surface
    from linyi_spatial.linyi.defaults import CAR_MODES

    e = linyi.access_equity()  # 1 km cells
    g20, g35 = e.loc[(2020, "linyi"), "gini"], e.loc[(2035, "linyi"), "gini"]
    assert (round(g20, 3), round(g35, 3)) == (0.332, 0.328)  # the plan's network narrows the spread a little
    assert e.loc[(2020, "linyi"), "people"] == linyi.load_counties()["pop_2020"].sum()  # every resident counted
    # independently, on 5 km cells: the mean absolute difference over all pairs of residents
    s = linyi.load_structure(axes="anchors")
    coarse = linyi.access_equity((2020,), cell_km=5)
    cells = travel_time_surface(
        linyi.load_network(2020, modes=CAR_MODES), s, grid=structure_population(s, analysis_grid(s.units, cell_km=5))
    )
    x, w = cells["cell_time_to_core_min"].to_numpy(), cells["pop_est"].to_numpy(dtype=float)
    assert coarse.loc[(2020, "linyi"), "gini"] == pytest.approx(_gini_pairs(x, w), rel=1e-9)
    yinan = cells["unit"] == "371321"
    assert coarse.loc[(2020, "371321"), "gini"] == pytest.approx(_gini_pairs(x[yinan], w[yinan]), rel=1e-9)


def test_the_lorenz_chart_draws_the_curves_it_is_given():
    pytest.importorskip("matplotlib")
    from linyi_spatial.viz import lorenz_chart

    rng = np.random.default_rng(3)
    x, w = rng.gamma(2.0, 10.0, 50), rng.integers(1, 9, 50).astype(float)
    curve = lorenz(x, w)
    fig = lorenz_chart({2020: curve}, ginis={2020: gini(x, w)}, lang="zh")
    line = fig.axes[0].lines[1]
    np.testing.assert_allclose(line.get_xdata(), curve["people_share"])
    np.testing.assert_allclose(line.get_ydata(), curve["value_share"])
    assert f"{gini(x, w):.3f}" in fig.axes[0].get_legend().get_texts()[1].get_text()


THEIL_1_3 = (0.5 * math.log(0.5) + 1.5 * math.log(1.5)) / 2  # values 1 and 3, equal weights: 0.130812...


@pytest.mark.parametrize("scale", [1e-320, 1e-300, 1.0, 1e300])
@pytest.mark.parametrize("people", [5e-324, 1e-300, 1.0, 7.7e8, 1e300])
def test_gini_and_theil_do_not_depend_on_magnitudes(scale, people):
    """Values 1 and 3 for equal numbers of people: Gini 0.25 and Theil 0.1308 at any scale of either (gini of
    [1e300] with weight 7.7e8 was NaN; theil with subnormal weights 0.5)."""
    values, weights = [1.0 * scale, 3.0 * scale], [people, people]
    assert gini(values, weights) == pytest.approx(0.25, rel=1e-6)
    assert theil(values, weights)["theil"] == pytest.approx(THEIL_1_3, rel=1e-6)


@pytest.mark.parametrize(
    ("values", "expected"),
    [([1e300], 0.0), ([5.0, 5.0, 5.0], 0.0), ([0.0, 0.0], 0.0), ([float("nan")] * 3, "nan"),
     ([float("inf"), float("nan")], "nan"), ([float("inf"), 1.0, 3.0], 0.25)],
)  # fmt: skip
def test_gini_and_theil_edge_cases_are_defined(values, expected):
    """One value or all equal: 0; no finite value: NaN; people at an infinite time are left out of both."""
    g, t = gini(values, [7.7e8] * len(values)), theil(values, [7.7e8] * len(values))["theil"]
    if expected == "nan":
        assert math.isnan(g)
        assert math.isnan(t)
    else:
        assert g == pytest.approx(expected)
        assert t == pytest.approx(THEIL_1_3 if expected == 0.25 else 0.0)


def test_gini_of_equal_values_is_zero_not_a_rounding_below_it():
    """Fuzz: gini([1e300, 1e300], [0.19, 114317.28]) was -2.2e-16."""
    assert gini([1e300, 1e300], [0.19, 114317.28053721083]) == 0.0


@pytest.mark.parametrize("call", [lambda: gini([1, "x"]), lambda: gini([1, 2], [1, "y"]), lambda: theil(["a", 1])])
def test_values_that_are_not_numbers_are_named(call):
    with pytest.raises(DataError, match=r"must be numbers; position \d is '[xya]'"):
        call()


def test_theil_over_weights_three_hundred_orders_apart_is_finite_and_splits_exactly():
    """Fuzz (600 s run): values near 1e-300 and weights from 5e-324 to 8.6e5 gave an infinite Theil (r ln r
    overflowed); from shares it is finite, and between + within is still the total."""
    t = theil([1e-300, 2.225073858507e-311, 9461.716056078596, 504109.240267456],
              [862531.3273962478, 627328.6154387033, 5e-324, 1e-300], groups=list("babb"))  # fmt: skip
    assert math.isfinite(t["theil"])
    assert t["theil"] == pytest.approx(t["between"] + t["within"], rel=1e-12)
