"""The catalogue is the one home of a measure: composite weights, map layers, labels and levels come from it."""

import json

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import linyi_spatial as ls
from linyi_spatial import catalog, linyi
from linyi_spatial.accessibility import (
    COMPOSITE_WEIGHTS,
    MeasureContext,
    compare_scenarios,
    composite_score,
    travel_time_surface,
    unit_accessibility,
)
from linyi_spatial.accessibility.scores import default_weights
from linyi_spatial.catalog import Measure
from linyi_spatial.errors import DataError
from linyi_spatial.testing import made_up_network, made_up_structure
from linyi_spatial.viz import accessibility_map, scenario_map, surface_map

TOY = "seats_within_30min"
TOY_ZH = "30 分钟内可达的其他驻地数"


def _seats_within_30(ctx: MeasureContext) -> pd.Series:
    others = ctx.seat_times_min.where(~np.eye(len(ctx.seat_times_min), dtype=bool))
    return (others <= 30).sum(axis=1).astype(float)


@pytest.fixture
def scratch_catalogue():
    """Measures a test registers are removed after it."""
    before = dict(catalog.MEASURES)
    yield
    catalog.MEASURES.clear()
    catalog.MEASURES.update(before)


@pytest.fixture
def toy(scratch_catalogue):
    """A measure added the documented way: one catalogue entry and its function, nothing else."""
    return catalog.register(
        TOY,
        Measure(
            "Other seats within 30 min",
            "seats",
            True,
            TOY_ZH,
            weight=0.2,
            maps=("accessibility",),
            compute=_seats_within_30,
        ),
    )


def _shown(text: str, html: str) -> bool:
    """Whether ``text`` is on the page, as HTML or inside a script (where non-ASCII is \\u-escaped)."""
    return text in html or json.dumps(text)[1:-1] in html


def _by_hand(scores: pd.DataFrame, weights: dict) -> pd.Series:
    """Σ w s / Σ w with s the 0-100 min-max score, reversed where lower is better (independent of the library)."""
    total = 0.0
    for k, w in weights.items():
        x = scores[k].astype(float)
        s = 100 * (x - x.min()) / (x.max() - x.min()) if x.max() > x.min() else pd.Series(100.0, index=x.index)
        total = total + w * (s if catalog.MEASURES[k].higher_is_better else 100 - s)
    return (total / sum(weights.values())).round(2)


def test_a_toy_measure_needs_only_its_catalogue_entry_and_function(toy):
    G, s = made_up_network(2020), made_up_structure()
    scores = unit_accessibility(G, s, cell_km=5)
    # computed: seat-to-seat times by networkx, independently of the library's matrix
    seat_node = s.seats.index  # the made-up seats are network nodes
    lengths = {u: nx.single_source_dijkstra_path_length(G, u, weight="travel_time") for u in seat_node}
    expected = {
        s.seats.loc[u, "unit"]: sum(1 for v in seat_node if v != u and lengths[u].get(v, np.inf) / 60 <= 30)
        for u in seat_node
    }
    assert scores[TOY].to_dict() == pytest.approx(expected)
    assert len(set(expected.values())) > 1  # the measure separates the units, so the composite can show it
    # in the composite, with its weight, in both views
    assert scores.attrs["weights"][TOY] == 0.2
    assert COMPOSITE_WEIGHTS[TOY] == 0.2
    assert default_weights("area")[TOY] == 0.2
    pd.testing.assert_series_equal(
        scores["composite_score"], _by_hand(scores, scores.attrs["weights"]), check_names=False
    )
    without = {k: v for k, v in scores.attrs["weights"].items() if k != TOY}
    assert not np.allclose(scores["composite_score"], _by_hand(scores, without))
    # on the accessibility map, labelled in Chinese
    html = accessibility_map(scores, s.units, tiles=None, lang="zh").get_root().render()
    assert TOY_ZH in html
    assert catalog.measure_label(TOY, "zh") == TOY_ZH
    assert "Other seats within 30 min" in accessibility_map(scores, s.units, tiles=None, lang="en").get_root().render()


def test_a_toy_measure_on_linyi(toy):
    scores = linyi.county_accessibility(2020, surface=linyi.travel_time_surface(2020, cell_km=10))
    assert scores[TOY].between(0, 11).all()
    assert scores[TOY].max() > 0
    assert scores.attrs["weights"][TOY] == 0.2


def test_the_catalogue_lists_exactly_what_the_library_computes():
    G, s = made_up_network(2020), made_up_structure()
    surface = travel_time_surface(G, s, cell_km=5)
    scores = unit_accessibility(G, s, surface=surface)
    unit = {k for k, m in catalog.MEASURES.items() if m.level == "unit"}
    assert unit == set(scores.columns) - {"name", "rank", scores.geometry.name}
    cell = {k for k, m in catalog.MEASURES.items() if m.level == "cell"}
    with_pop = ls.accessibility.structure_population(s, surface)
    assert cell <= set(with_pop.columns)
    assert set(catalog.drawn_on("surface")) <= set(surface.columns)
    assert all(catalog.MEASURES[k].level == "cell" for k in catalog.cell_measures())
    # the composite's weights are the catalogue's, and each view sums to 1
    for view in catalog.WEIGHTINGS:
        w = default_weights(view)
        assert sum(w.values()) == pytest.approx(1.0)
        assert all(catalog.MEASURES[k].weighting in (None, view) for k in w)
    assert dict(COMPOSITE_WEIGHTS) == default_weights("population")


def test_scenario_cells_and_map_follow_the_catalogue():
    c = compare_scenarios(made_up_network(2020), made_up_network(2035), made_up_structure(), cell_km=5)
    for m in catalog.cell_measures():
        assert {f"{m}_2020", f"{m}_2035", f"{m}_delta", f"{m}_delta_pct"} <= set(c.cells.columns)
    html = scenario_map(c, tiles=None, lang="zh").get_root().render()
    for m in catalog.drawn_on("scenario"):
        assert _shown(catalog.measure_label(m, "zh"), html), m


def test_one_name_per_meaning_seat_and_cell_times_differ():
    G, s = made_up_network(2020), made_up_structure()
    surface = travel_time_surface(G, s, cell_km=5)
    assert "time_to_core_min" not in surface.columns  # the seat's time lives in the unit table only
    assert catalog.MEASURES["time_to_core_min"].level == "unit"
    assert catalog.MEASURES["cell_time_to_core_min"].level == "cell"
    assert catalog.measure_label("time_to_core_min") != catalog.measure_label("cell_time_to_core_min")
    html = surface_map(surface, tiles=None, lang="zh").get_root().render()
    assert _shown(catalog.measure_label("cell_time_to_core_min", "zh"), html)
    with pytest.raises(DataError, match=r"no column\(s\) \['time_to_core_min'\]"):
        surface_map(surface, columns=["time_to_core_min"], tiles=None)


def test_the_composite_refuses_a_column_the_catalogue_does_not_know():
    m = pd.DataFrame({"beauty": [1.0, 2.0, 3.0]}, index=list("abc"))
    with pytest.raises(DataError, match=r"\['beauty'\] are not in the catalogue.*catalog.register"):
        composite_score(m, {"beauty": 1.0})


def test_bad_measures_and_registrations_are_named(scratch_catalogue):
    with pytest.raises(DataError, match="level is one of"):
        Measure("x", "", True, level="town")
    with pytest.raises(DataError, match=r"unknown map\(s\) \['atlas'\]"):
        Measure("x", "", True, maps=("atlas",))
    with pytest.raises(DataError, match="weight is a finite number >= 0, got -1"):
        Measure("x", "", True, weight=-1)
    with pytest.raises(DataError, match="weighting is None or one of"):
        Measure("x", "", True, weighting="jobs")
    with pytest.raises(DataError, match="only unit measures have a composite weight"):
        Measure("x", "", True, level="cell", weight=0.1)
    with pytest.raises(DataError, match="'hansen_size' is already in the catalogue"):
        catalog.register("hansen_size", Measure("x", "", True))
    with pytest.raises(DataError, match=r"expected a catalog\.Measure, got dict"):
        catalog.register("x", {"label": "x"})
    with pytest.raises(DataError, match="unknown map 'atlas'"):
        catalog.drawn_on("atlas")


@pytest.mark.parametrize(
    ("compute", "message"),
    [
        (lambda _ctx: [1.0] * 5, "compute must return a pandas Series by unit id, got list"),
        (lambda _ctx: pd.Series({"A": 1.0}), r"no value for unit\(s\) \['B', 'C', 'D', 'E'\]"),
        (lambda _ctx: 1 / 0, "its compute function failed: division by zero"),
        (lambda ctx: pd.Series("x", index=ctx.seats.index), "its values are not numbers"),
    ],
)
def test_a_failing_compute_function_is_named(scratch_catalogue, compute, message):
    catalog.register("broken", Measure("Broken", "", True, compute=compute))
    with pytest.raises(DataError, match=rf"measure 'broken': {message}"):
        unit_accessibility(made_up_network(2020), made_up_structure(), cell_km=5)
