"""Realistic values that used to end in raw tracebacks: classes of all-NaN, all-inf, all-equal and extreme
measures, in maps and QGIS styles."""

import math
import re

import geopandas as gpd
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


# ---- raw tracebacks from realistic regions, now named errors or right results ----------------------------------


def _region_with(tmp_path, **unit_e):
    """The made-up region's files with unit E's properties changed."""
    import json

    from linyi_spatial.testing import write_region

    files = write_region(tmp_path / "in")
    data = json.loads(files["units"].read_text(encoding="utf-8"))
    data["features"][4]["properties"].update(unit_e)
    files["units"].write_text(json.dumps(data), encoding="utf-8")
    return files


def test_a_unit_where_nobody_lives_gets_maps_and_empty_scores_not_a_traceback(tmp_path, capsys):
    """A unit with 0 residents was a ZeroDivisionError in the structure map's popup; now every map is written,
    its residents' measures and composite are empty (said), and the hierarchy leaves it out of the size figures."""
    from linyi_spatial.accessibility import unit_accessibility
    from linyi_spatial.hierarchy import hierarchy_report
    from linyi_spatial.linyi.cli import main
    from linyi_spatial.network import build_network
    from linyi_spatial.structure import SpatialStructure

    files = _region_with(tmp_path, residents=0, townsfolk=0)
    code = main(["maps", "--spec", str(files["spec"]), "--nodes", str(files["nodes"]), "--routes",
                 str(files["routes"]), "--out", str(tmp_path / "out"), "--offline", "--quiet",
                 "--cell-km", "5"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 0, err
    assert len(list((tmp_path / "out").glob("*.html"))) == 7
    assert "measure 'pop_mean_time_to_core_min' is undefined for unit(s) ['E']" in err
    assert "place(s) ['E'] have residents 0; left out of rank-size, primacy and tiers" in err
    s = SpatialStructure.from_file(files["spec"])
    G = build_network(pd.read_csv(files["nodes"]), pd.read_csv(files["routes"]), year=2020)
    with pytest.warns(UserWarning, match="composite and rank are left empty"):
        scores = unit_accessibility(G, s, cell_km=5)
    assert math.isnan(scores.loc["E", "composite_score"])
    assert scores["rank"].isna().tolist() == [False, False, False, False, True]
    assert sorted(scores["rank"].dropna().astype(int).tolist()) == [1, 2, 3, 4]
    with pytest.warns(UserWarning, match="have residents 0"):
        report = hierarchy_report(s, G)
    assert report.tiers.loc["E", "note"] == "residents is 0: left out of rank-size, primacy and tiers"


def test_a_unit_without_an_id_is_named(tmp_path):
    from linyi_spatial.errors import SpecError
    from linyi_spatial.structure import SpatialStructure

    files = _region_with(tmp_path, code=None)
    with pytest.raises(SpecError, match=r"feature\(s\) \[4\] \(0-based\) have no 'code': every unit needs an id"):
        SpatialStructure.from_file(files["spec"])


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("[region.expected]\npoles = 2\naxes = 2\npoints = 3\n", "", None),
        ('pattern = "one core, two poles, two axes"', 'pattern = "x"\nexpected = true',
         r"region.expected must be a table \(\[region.expected\] with its fields\), got True"),
        ('pattern = "one core, two poles, two axes"', 'pattern = "x"\nexpected = 2.5',
         "region.expected must be a table .* got 2.5"),
        ("[[places]]\nid = \"a\"", "[[places]]\nid = \"a\"", None),
    ],
)  # fmt: skip
def test_a_table_given_as_a_value_is_named(tmp_path, old, new, message):
    """``region.expected = true`` or a float was a raw TypeError (29 of the fuzz's raw errors)."""
    from linyi_spatial.errors import SpecError
    from linyi_spatial.structure import SpatialStructure
    from linyi_spatial.testing import write_region

    files = write_region(tmp_path / "in")
    text = files["spec"].read_text(encoding="utf-8")
    text = text.replace("[region.expected]\npoles = 2\naxes = 2\npoints = 3\n", "").replace(old, new)
    files["spec"].write_text(text, encoding="utf-8")
    if message is None:
        assert len(SpatialStructure.from_file(files["spec"]).units) == 5
    else:
        with pytest.raises(SpecError, match=message):
            SpatialStructure.from_file(files["spec"])


def test_places_given_as_a_number_is_named(tmp_path):
    from linyi_spatial.structure.spec import type_problems

    assert type_problems({"places": 5, "axes": [3]}) == [
        "places must be an array of tables ([[places]]), got 5",
        "axes[0] must be a table, got 3",
    ]


def test_a_network_far_from_the_region_is_said_and_its_axes_keep_their_lines(tmp_path, capsys):
    """The made-up region stretched over a continent with the small OSM grid at its old place: every place snaps
    to one node. That was 'cannot convert float NaN to integer' (crs.py); now the maps are written, the far
    places named with their distances, the axes' straight lines kept, and no numpy warning escapes."""
    import warnings

    from linyi_spatial.linyi.cli import main

    from .test_budgets import continent

    files = continent(tmp_path / "in")
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        code = main(["maps", "--spec", str(files["spec"]), "--network", str(files["osm"]), "--out",
                     str(tmp_path / "o"), "--offline", "--cell-km", "50"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 0, err
    assert "6 point(s) lie more than 100 km from the network ('d' 8,390 km from node 42, 'b' 7,838 km" in err
    assert "axis 'east': its places ['centre', 'b', 'd'] all join network node 42" in err
    assert "Mean of empty slice" not in err


def test_a_facility_on_another_continent_is_named_with_its_distance():
    import geopandas as gpd

    from linyi_spatial.network import snap_points
    from linyi_spatial.testing import made_up_network

    points = gpd.GeoSeries.from_xy([10.1, 151.2], [50.11, -33.87], crs=4326, index=["here", "sydney"])
    with pytest.warns(UserWarning, match=r"1 point\(s\) lie more than 100 km from the network \('sydney' 16,354 km"):
        linked = snap_points(made_up_network(2020), points)
    assert linked.loc["sydney", "snap_distance_m"] > 16e6


def test_a_projected_crs_for_nothing_is_a_named_error():
    import geopandas as gpd
    from shapely.geometry import LineString

    from linyi_spatial.crs import projected_crs
    from linyi_spatial.errors import CRSError

    with pytest.raises(CRSError, match="no geometry with coordinates"):
        projected_crs(gpd.GeoSeries([LineString()], crs=4326))


@pytest.mark.parametrize(
    ("out", "message"),
    [("x" * 300, r"--out: the folder name 'xxxxxxxxxxxxxxxxxxxxxxxx'\.\.\. is 300 bytes long, over this file system"),
     ("深" * 90, r"is 270 bytes long"),
     ("units.geojson", "is a file, not a folder")],
)  # fmt: skip
def test_an_output_folder_that_cannot_be_made_is_refused_before_any_work(tmp_path, capsys, out, message):
    """A 300-character ``--out`` was a raw OSError after every map had been computed."""
    from linyi_spatial.linyi.cli import main
    from linyi_spatial.testing import write_region

    files = write_region(tmp_path / "in")
    with pytest.raises(SystemExit) as exc:
        main(["maps", "--spec", str(files["spec"]), "--nodes", str(files["nodes"]), "--routes", str(files["routes"]),
              "--out", str(tmp_path / "in" / out), "--offline", "--quiet"])  # fmt: skip
    assert exc.value.code == 2
    assert re.search(message, capsys.readouterr().err)


def test_units_too_wide_for_one_utm_zone_are_named_not_a_geos_exception(tmp_path, monkeypatch):
    """Units spanning 90° of longitude gave a raw GEOSException in the overlap check on one machine's GEOS (not
    reproduced with this one's: its failure is planted here); the check repairs folded polygons first and names
    the span when GEOS still refuses."""
    import shapely

    from linyi_spatial.errors import SpecError
    from linyi_spatial.structure import SpatialStructure
    from linyi_spatial.testing import write_region

    files = write_region(tmp_path / "in")

    def refuses(self, *args, **kwargs):
        raise shapely.errors.GEOSException("TopologyException: side location conflict")

    monkeypatch.setattr(gpd.sindex.SpatialIndex, "query", refuses)
    with pytest.raises(SpecError, match=r"the units span 1° of longitude, too wide for one UTM zone .* side location"):
        SpatialStructure.from_file(files["spec"])


@pytest.mark.parametrize("column", ["composite_score", "p_time_to_core_min_above_60"])
def test_grey_units_are_explained_in_the_legend(column):
    """A unit without a value is drawn grey; the legend says what grey means (in both languages)."""
    from linyi_spatial.viz.accessibility import NO_DATA, measure_classes

    values = pd.Series([0.2, 0.6, NAN], index=list("abc"))
    for lang, words in (("en", "no value (e.g. nobody lives there)"), ("zh", "无值（如无人居住）")):
        fills, items = measure_classes(values, column, lang)
        assert fills["c"] == NO_DATA
        assert items[-1] == ("box", NO_DATA, words)
    fills, items = measure_classes(values.fillna(0.9), column, "en")
    assert NO_DATA not in [colour for _, colour, _ in items]
