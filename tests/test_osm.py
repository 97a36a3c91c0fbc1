"""from_osm on small OpenStreetMap extracts written by the test (XML and PBF)."""

import warnings

import networkx as nx
import pytest

from linyi_spatial.errors import NetworkError
from linyi_spatial.network import OSM_SPEED_KPH, from_osm, snap_points, validate_network

ox = pytest.importorskip("osmnx")

N = 6  # 6 x 6 grid of nodes, 0.01° apart, near Linyi's centre
LON0, LAT0, STEP = 118.30, 35.05, 0.01


def node_id(i, j):
    return 1000 + i * N + j


def write_extract(path, *, island=True):
    """Rows are residential two-way streets; column 2 is a primary road with maxspeed 60;
    column 4 is a one-way secondary road; an isolated 2-node way lies far east."""
    nodes = [f'<node id="{node_id(i, j)}" version="1" lat="{LAT0 + i * STEP:.6f}" lon="{LON0 + j * STEP:.6f}"/>'
             for i in range(N) for j in range(N)]  # fmt: skip
    ways = []
    wid = 1
    for i in range(N):
        refs = "".join(f'<nd ref="{node_id(i, j)}"/>' for j in range(N))
        ways.append(f'<way id="{wid}" version="1">{refs}<tag k="highway" v="residential"/></way>')
        wid += 1
    refs = "".join(f'<nd ref="{node_id(i, 2)}"/>' for i in range(N))
    ways.append(f'<way id="{wid}" version="1">{refs}<tag k="highway" v="primary"/><tag k="maxspeed" v="60"/></way>')
    wid += 1
    refs = "".join(f'<nd ref="{node_id(i, 4)}"/>' for i in range(N))
    ways.append(f'<way id="{wid}" version="1">{refs}<tag k="highway" v="secondary"/><tag k="oneway" v="yes"/></way>')
    wid += 1
    if island:
        nodes += ['<node id="9001" version="1" lat="35.20" lon="118.60"/>',
                  '<node id="9002" version="1" lat="35.20" lon="118.61"/>']  # fmt: skip
        ways.append(f'<way id="{wid}" version="1"><nd ref="9001"/><nd ref="9002"/>'
                    '<tag k="highway" v="tertiary"/><tag k="oneway" v="yes"/></way>')  # fmt: skip
    xml = "\n".join(['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="linyi_spatial tests">',
                     *nodes, *ways, "</osm>"])  # fmt: skip
    path.write_text(xml, encoding="utf-8")
    return path


def test_from_osm_builds_a_routable_graph(tmp_path):
    with pytest.warns(UserWarning, match=r"dropped 2 node\(s\)"):
        G = from_osm(write_extract(tmp_path / "grid.osm"))
    assert sorted(G.graph["dropped_nodes"]) == [9001, 9002]
    assert nx.is_strongly_connected(G)
    assert validate_network(G) == []
    corner_a, corner_b = node_id(0, 0), node_id(N - 1, N - 1)
    assert corner_a in G
    assert corner_b in G
    t = nx.shortest_path_length(G, corner_a, corner_b, weight="travel_time")
    d = nx.shortest_path_length(G, corner_a, corner_b, weight="length")
    # Manhattan distance ≈ 5*0.01° east (≈4.55 km) + 5*0.01° north (≈5.56 km); residential 20 km/h at worst
    assert d == pytest.approx(4_553 + 5_560, rel=0.02)
    assert d / (60 / 3.6) <= t <= d / (OSM_SPEED_KPH["residential"] / 3.6) + 1e-6
    speeds = {d["class"]: d["speed_kph"] for _, _, d in G.edges(data=True)}
    assert speeds["primary"] == 60.0  # from maxspeed
    assert speeds["secondary"] == OSM_SPEED_KPH["secondary"]
    for _, _, e in G.edges(data=True):
        assert e["travel_time"] == pytest.approx(e["length"] / (e["speed_kph"] / 3.6), rel=1e-3)
    # one-way respected: the secondary column has edges northwards only
    sec = [(G.nodes[u]["y"], G.nodes[v]["y"]) for u, v, e in G.edges(data=True) if e["class"] == "secondary"]
    assert sec
    assert all(yv > yu for yu, yv in sec)
    import geopandas as gpd

    snapped = snap_points(G, gpd.GeoSeries.from_xy([LON0 + 0.001], [LAT0 + 0.001], crs=4326))
    assert snapped["node"].iloc[0] == corner_a


def test_from_osm_reads_pbf(tmp_path):
    osmium = pytest.importorskip("osmium")
    xml = write_extract(tmp_path / "grid.osm", island=False)
    pbf = tmp_path / "grid.osm.pbf"
    with osmium.SimpleWriter(str(pbf)) as writer:
        for obj in osmium.FileProcessor(str(xml)):
            writer.add(obj)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing to drop without the island
        a = from_osm(xml)
        b = from_osm(pbf)
    assert sorted(a.nodes) == sorted(b.nodes)
    assert nx.shortest_path_length(a, node_id(0, 0), node_id(5, 5), weight="travel_time") == pytest.approx(
        nx.shortest_path_length(b, node_id(0, 0), node_id(5, 5), weight="travel_time")
    )


def test_pbf_import_leaves_no_temporary_files(tmp_path, monkeypatch):
    osmium = pytest.importorskip("osmium")
    import tempfile

    xml = write_extract(tmp_path / "grid.osm", island=False)
    pbf = tmp_path / "grid.osm.pbf"
    with osmium.SimpleWriter(str(pbf)) as writer:
        for obj in osmium.FileProcessor(str(xml)):
            writer.add(obj)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    from_osm(pbf)
    assert list(scratch.iterdir()) == []
    broken = tmp_path / "broken.osm.pbf"
    broken.write_bytes(pbf.read_bytes()[:200])  # a truncated file: the import fails
    with pytest.raises(NetworkError, match=r"broken\.osm\.pbf"):
        from_osm(broken)
    assert list(scratch.iterdir()) == []  # also cleaned up on error


def test_from_osm_gcj02_shifts_nodes(tmp_path):
    path = write_extract(tmp_path / "grid.osm", island=False)
    plain = from_osm(path)
    shifted = from_osm(path, gcj02=True)
    from linyi_spatial.crs import wgs84_to_gcj02

    n = node_id(0, 0)
    x, y = wgs84_to_gcj02(shifted.nodes[n]["x"], shifted.nodes[n]["y"])
    assert (float(x), float(y)) == pytest.approx((plain.nodes[n]["x"], plain.nodes[n]["y"]), abs=1e-8)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("<osm><node id='1' lat='35' lon='118'>", "cannot read OSM data"),
        ('<?xml version="1.0"?><osm version="0.6"></osm>', "no routable ways|cannot read OSM data"),
        ("this is not xml", "the OSM file is not OSM XML, OSM PBF, bzip2 or gzip: its content reads as text"),
    ],
)
def test_malformed_files_raise_named_error(tmp_path, content, message):
    path = tmp_path / "bad.osm"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(NetworkError, match=message) as info:
        from_osm(path)
    assert "bad.osm" in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(NetworkError, match="OSM file not found"):
        from_osm(tmp_path / "nope.osm")


def _xml(path, nodes, ways):
    body = [f'<node id="{i}" version="1" lat="{lat}" lon="{lon}"/>' for i, lon, lat in nodes]
    for wid, refs, tags in ways:
        nds = "".join(f'<nd ref="{r}"/>' for r in refs)
        kv = "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items())
        body.append(f'<way id="{wid}" version="1">{nds}{kv}</way>')
    path.write_text('<?xml version="1.0"?><osm version="0.6">' + "".join(body) + "</osm>", encoding="utf-8")
    return path


def test_a_clipped_way_is_cut_where_its_nodes_are_missing(tmp_path):
    # way 1 runs 1-2-(3 outside the extract)-4-5-6; way 2 closes a loop so 4-5-6 and 1-2 are routable
    nodes = [(1, 118.30, 35.0), (2, 118.31, 35.0), (4, 118.33, 35.0), (5, 118.34, 35.0), (6, 118.35, 35.0)]
    ways = [(1, [1, 2, 3, 4, 5, 6], {"highway": "primary"}), (2, [6, 5], {"highway": "residential"})]
    with pytest.warns(UserWarning, match=r"2 segment\(s\) repeat another .*\(ways \[2\]\)"):
        G = from_osm(_xml(tmp_path / "clipped.osm", nodes, ways), simplify=False)
    assert G.graph["repaired_ways"] == 1
    assert set(G.nodes) == {4, 5, 6}  # 1-2 is cut off from the rest: not in the largest component
    assert G.has_edge(4, 5)
    assert not G.has_edge(2, 4)  # no segment across the missing node
    # way 2 draws 6-5 again, which way 1 (primary, faster) has in both directions: kept once, way 1's
    assert {d["osmid"] for *_, d in G.edges(data=True)} == {1}
    assert G.graph["collapsed_segments"] == 2


def test_network_types_and_custom_filters_choose_the_ways(tmp_path, caplog):
    nodes = [(i, 118.30 + 0.01 * i, 35.0) for i in range(1, 5)]
    ways = [
        (1, [1, 2], {"highway": "primary"}),
        (2, [2, 3], {"highway": "footway"}),
        (3, [3, 4], {"highway": "service", "service": "parking_aisle"}),
        (4, [1, 2], {"highway": "residential", "access": "private"}),
    ]
    path = _xml(tmp_path / "kinds.osm", nodes, ways)
    import logging

    with caplog.at_level(logging.INFO, logger="linyi_spatial.network.osm"):
        drive = from_osm(path)
    assert drive.graph["dropped_highway"] == {"footway": 1, "service": 1, "residential": 1}
    assert "left out by highway" in caplog.text
    assert set(drive.nodes) == {1, 2}
    assert {d["highway"] for *_, d in drive.edges(data=True)} == {"primary"}
    every = from_osm(path, network_type="all", simplify=False)  # private ways too; everything connected
    assert set(every.nodes) == {1, 2, 3, 4}
    walk = from_osm(path, network_type="walk", simplify=False)  # footways, and each way both ways
    assert {d["highway"] for *_, d in walk.edges(data=True)} >= {"footway", "primary"}
    custom = from_osm(path, custom_filter='["highway"~"primary|footway"]', simplify=False)
    assert {d["highway"] for *_, d in custom.edges(data=True)} == {"primary", "footway"}
    assert custom.graph["network_type"] == "custom"
    exact = from_osm(path, custom_filter='["highway"="primary"]', simplify=False)
    assert {d["highway"] for *_, d in exact.edges(data=True)} == {"primary"}
    others = from_osm(path, custom_filter='["highway"]["highway"!="primary"]["access"!="private"]', simplify=False)
    assert {d["highway"] for *_, d in others.edges(data=True)} == {"footway", "service"}
    with pytest.raises(NetworkError, match="unknown network_type 'car'"):
        from_osm(path, network_type="car")
    with pytest.raises(NetworkError, match="cannot read the way filter"):
        from_osm(path, custom_filter='highway="primary"')
    with pytest.raises(NetworkError, match=r"no way of the file passes the 'drive' filter.*'footway': 1"):
        from_osm(_xml(tmp_path / "paths.osm", nodes[:3], ways[1:2]))


def test_maxspeed_values_are_read_as_documented():
    from linyi_spatial.network import parse_maxspeed

    assert parse_maxspeed("60") == 60.0
    assert parse_maxspeed("60 km/h") == 60.0
    assert parse_maxspeed("20 mph") == pytest.approx(32.18688)
    assert parse_maxspeed("30;50") == 30.0  # the lowest binds
    assert parse_maxspeed(["40", "30"]) == 30.0
    for unusable in ("none", "signals", "walk", "XX:urban", "0", "-5", "", None, "fast"):
        assert parse_maxspeed(unusable) is None, unusable
    # zone codes: the country's legal default (OSM wiki, Default speed limits)
    assert parse_maxspeed("DE:urban") == 50.0
    assert parse_maxspeed("FR:urban") == 50.0
    assert parse_maxspeed("RU:rural") == 90.0
    assert parse_maxspeed("GB:motorway") == pytest.approx(70 * 1.609344, abs=1e-3)
    assert parse_maxspeed("DE:motorway") is None  # no general limit: the class default applies


def test_a_zone_coded_speed_says_where_it_came_from(tmp_path):
    nodes = [(1, 118.30, 35.0), (2, 118.31, 35.0)]
    G = from_osm(_xml(tmp_path / "zone.osm", nodes, [(1, [1, 2], {"highway": "primary", "maxspeed": "RU:urban"})]))
    (_, _, d), *_ = G.edges(data=True)
    assert d["speed_kph"] == 60.0
    assert d["speed_source"].startswith("maxspeed zone RU:urban (OpenStreetMap wiki, Default speed limits")


def test_the_cli_takes_a_network_type_and_no_simplify(tmp_path):
    from linyi_spatial.linyi.cli import build_parser

    args = build_parser().parse_args(["maps", "--spec", "s.toml", "--network", "r.osm", "--network-type", "walk",
                                      "--no-simplify"])  # fmt: skip
    assert (args.network_type, args.no_simplify) == ("walk", True)
    assert build_parser().parse_args(["maps"]).network_type == "drive"
