"""Charts draw exactly the results they are given, for Linyi and for the made-up region."""

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from linyi_spatial import linyi
from linyi_spatial.accessibility import compare_scenarios
from linyi_spatial.errors import OptionError
from linyi_spatial.hierarchy import hierarchy_report
from linyi_spatial.testing import made_up_network, made_up_structure
from linyi_spatial.viz import centrality_chart, rank_size_chart, scenario_chart, urbanization_chart
from linyi_spatial.viz.hierarchy import place_names


@pytest.fixture(scope="module")
def reports():
    return {
        "linyi": linyi.hierarchy_report(2020),
        "made-up": hierarchy_report(made_up_structure(), made_up_network(2020)),
    }


@pytest.mark.parametrize("region", ["linyi", "made-up"])
def test_rank_size_chart_plots_the_places_and_the_fit(reports, region):
    r = reports[region]
    size = r.params["size"]
    values = np.sort(r.sized_places[size].to_numpy(dtype=float))[::-1]
    ax = rank_size_chart(r).axes[0]
    xy = ax.collections[0].get_offsets()
    np.testing.assert_allclose(xy[:, 0], np.arange(1, len(values) + 1))
    np.testing.assert_allclose(xy[:, 1], values)
    fit = r.rank_size.iloc[0]
    line = ax.lines[0]
    np.testing.assert_allclose(line.get_ydata(), np.exp(fit["ln_s1_fitted"]) * line.get_xdata() ** -fit["q"])
    labels = {t.get_text() for t in ax.texts}
    english = place_names(r, "en").reindex(r.sized_places.index)
    assert set(english) <= labels  # names, not codes, in the chart's language
    assert set(place_names(r, "zh").reindex(r.sized_places.index)) <= {
        t.get_text() for t in rank_size_chart(r, lang="zh").axes[0].texts
    }
    assert "q = " in ax.get_legend().get_texts()[1].get_text()


def test_urbanization_chart_against_the_targets(reports):
    r = reports["linyi"]
    ax = urbanization_chart(r.urbanization).axes[0]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), r.urbanization["urbanization_rate"] * 100)
    stars = sorted(tuple(c.get_offsets()[0]) for c in ax.collections)
    assert stars == [(2025.0, pytest.approx(62.0)), (2035.0, pytest.approx(72.0))]
    assert "%" in ax.get_ylabel()
    with pytest.raises(OptionError, match="urbanization_rate"):
        urbanization_chart(r.urbanization.drop(columns="urbanization_rate"))


def test_scenario_chart_bars_are_the_deltas():
    c = compare_scenarios(made_up_network(2020), made_up_network(2035), made_up_structure(), cell_km=5)
    ax = scenario_chart(c, "time_to_core_min").axes[0]
    widths = {t.get_text(): p.get_width() for t, p in zip(ax.get_yticklabels(), ax.patches, strict=True)}
    expected = dict(zip(c.units["name"].astype(str), c.units["time_to_core_min_delta"], strict=True))
    assert widths == pytest.approx(expected)
    assert "(min)" in ax.get_xlabel()
    with pytest.raises(OptionError, match="no measure 'beauty'"):
        scenario_chart(c, "beauty")


@pytest.mark.parametrize("region", ["linyi", "made-up"])
def test_centrality_chart_bars_are_the_values(reports, region):
    r = reports[region]
    ax = centrality_chart(r, "betweenness").axes[0]
    widths = {t.get_text(): p.get_width() for t, p in zip(ax.get_yticklabels(), ax.patches, strict=True)}
    names = place_names(r, "en")
    expected = dict(zip(names, r.centrality["betweenness"].reindex(r.places.index), strict=True))
    assert widths == pytest.approx(expected)
    with pytest.raises(OptionError, match="no centrality 'fame'"):
        centrality_chart(r, "fame")


def _chart_texts(fig):
    """Every text a reader sees on a figure: titles, axis labels, tick labels, legends, annotations."""
    texts = []
    for ax in fig.axes:
        texts += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        texts += [t.get_text() for t in ax.texts]
        texts += [t.get_text() for t in ax.get_yticklabels() + ax.get_xticklabels()]
        legend = ax.get_legend()
        if legend is not None:
            texts += [t.get_text() for t in legend.get_texts()] + [legend.get_title().get_text()]
    return [t for t in texts if t]


@pytest.mark.parametrize("region", ["linyi", "made-up"])
def test_charts_in_chinese_leave_no_english_words(reports, region):
    import re

    r = reports[region]
    structure = linyi.load_structure() if region == "linyi" else made_up_structure()
    G = (linyi.load_network(2020), linyi.load_network(2035)) if region == "linyi" else (
        made_up_network(2020), made_up_network(2035))  # fmt: skip
    c = compare_scenarios(*G, structure, labels=(2020, 2035), cell_km=5)
    data = {str(v) for v in r.places["name"]} | {str(v) for v in c.units["name"]} | {r.params["size"]}
    figures = {
        "rank-size": rank_size_chart(r, lang="zh"),
        "scenario": scenario_chart(c, lang="zh"),
        "centrality": centrality_chart(r, lang="zh"),
    }
    if r.urbanization is not None:
        figures["urbanization"] = urbanization_chart(r.urbanization, lang="zh")
    for key, fig in figures.items():
        for text in _chart_texts(fig):
            rest = re.sub(r"\$\\mathdefault\{.*?\}\$", " ", text)  # log-axis tick numbers
            for value in sorted(data, key=len, reverse=True):
                rest = rest.replace(value, " ")
            assert re.findall(r"[A-Za-z]{2,}", rest) == [], (key, text)
    english = _chart_texts(rank_size_chart(r, lang="en"))
    assert any("rank" in t for t in english)  # the check sees English when there is some


def test_a_chinese_chart_without_a_cjk_font_raises_a_named_error_naming_the_package(reports, monkeypatch):
    from linyi_spatial.errors import MissingFontError
    from linyi_spatial.viz import fonts

    r = reports["made-up"]
    assert fonts.cjk_font() is not None  # the test machine has one (fonts-noto-cjk), so Chinese is drawn
    assert any("位序" in t for t in _chart_texts(rank_size_chart(r, lang="zh")))
    monkeypatch.setattr(fonts, "cjk_font", lambda: None)
    with pytest.raises(MissingFontError, match="apt-get install fonts-noto-cjk"):
        rank_size_chart(r, lang="zh")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # English still draws, with no glyph warnings
        rank_size_chart(r, lang="en")._repr_png_()


def test_a_cjk_font_installed_after_matplotlibs_font_cache_is_found(monkeypatch):
    from matplotlib import font_manager

    from linyi_spatial.viz import fonts

    fonts.cjk_font.cache_clear()
    try:
        forgotten = [f for f in font_manager.fontManager.ttflist if f.name not in fonts.CJK_FONTS]
        monkeypatch.setattr(font_manager.fontManager, "ttflist", forgotten)  # as a cache made before the install
        assert fonts._known() is None
        assert fonts.cjk_font() in fonts.CJK_FONTS  # found among the system's font files and added
        assert fonts._known() is not None
    finally:
        monkeypatch.undo()
        fonts.cjk_font.cache_clear()


def test_log_axis_numbers_are_drawn_as_numbers_and_names_as_written(reports):
    """The rank-size axes say plain numbers (100,000; 1, 2, 5, 10), never TeX source ($\\mathdefault{10^{5}}$)."""
    r = reports["made-up"]
    fig = rank_size_chart(r)
    fig._repr_png_()  # drawn, so the tick labels hold their text
    ax = fig.axes[0]
    ticks = [t.get_text() for t in ax.get_xticklabels("both") + ax.get_yticklabels("both") if t.get_text()]
    assert ticks
    assert not [t for t in ticks if "$" in t or "mathdefault" in t]
    assert "200,000" in ticks  # the y axis spans 83,000 to 450,000
    assert {"2", "5"} <= set(ticks)  # ranks, labelled at 2 and 5 times a power of ten
    assert not any(t.get_parse_math() for t in ax.texts)  # a name with $ in it stays as written
