"""A made-up region for tests, examples and "bring your own city": five units, a spec, network tables, an OSM extract.

Everything here is invented and lies in central Europe (10.0-10.6 °E,
50.0-50.4 °N, UTM zone 32N), far from any embedded data, so an output that
mentions anything else gives a hidden default away. The units use their own
column names (``code``, ``label``, ``residents``, ``townsfolk``,
``residents_2010``), which the spec declares in ``[region.columns]``.

======  ========  =========  =========  ==========  =====
code    label     residents  townsfolk  seat        role
======  ========  =========  =========  ==========  =====
A       Ashford   420,000    300,000    10.1, 50.1  core
B       Brookby   180,000     90,000    10.3, 50.1  pole
C       Colton    120,000     50,000    10.1, 50.3  point
D       Dunmere   150,000     70,000    10.5, 50.1  pole
E       Elmstead   90,000     30,000    10.4, 50.3  point
======  ========  =========  =========  ==========  =====

The network has a motorway X1 (A-B-D, opened 2005), trunk roads T2-T5, a
railway R1 with two stations, and a planned motorway X2 (A-E, 2030), so a
2020 and a 2035 graph differ by one line.
"""

from __future__ import annotations

import json
import os
import textwrap
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import networkx as nx
import pandas as pd
from shapely.geometry import box

from .._graph_cache import tracked_copy
from .._io import write_text
from ..errors import DataError
from ..network.build import build_network
from ..structure import SpatialStructure

__all__ = [
    "UNITS",
    "made_up_network",
    "made_up_structure",
    "made_up_tables",
    "write_osm",
    "write_region",
]

UNITS = pd.DataFrame(
    {
        "code": ["A", "B", "C", "D", "E"],
        "label": ["Ashford", "Brookby", "Colton", "Dunmere", "Elmstead"],
        "residents": [420_000, 180_000, 120_000, 150_000, 90_000],
        "townsfolk": [300_000, 90_000, 50_000, 70_000, 30_000],
        "residents_2010": [400_000, 185_000, 125_000, 150_000, 95_000],
        "seat_lon": [10.1, 10.3, 10.1, 10.5, 10.4],
        "seat_lat": [50.1, 50.1, 50.3, 50.1, 50.3],
        "bounds": [
            (10.0, 50.0, 10.2, 50.2),
            (10.2, 50.0, 10.4, 50.2),
            (10.0, 50.2, 10.2, 50.4),
            (10.4, 50.0, 10.6, 50.2),
            (10.2, 50.2, 10.6, 50.4),
        ],
    }
)
"""The made-up units (``bounds`` are lon/lat boxes)."""

SPEC = """
[region]
id = "valeshire"
name = "Valeshire"
crs = "EPSG:4326"
units = "units.geojson"
unit_id = "code"
pattern = "one core, two poles, two axes"

[region.columns]
name = "label"
size = "residents"
urban = "townsfolk"
size_base = "residents_2010"
size_base_year = 2010

[region.expected]
poles = 2
axes = 2
points = 3

[[places]]
id = "a"
seat_of = "A"
[[places]]
id = "b"
seat_of = "B"
[[places]]
id = "c"
seat_of = "C"
[[places]]
id = "d"
seat_of = "D"
[[places]]
id = "e"
seat_of = "E"
[[places]]
id = "mill"
name = "Millbrook"
lon = 10.45
lat = 50.35
kind = "key_town"

[core]
id = "centre"
name = "Ashford centre"
units = ["A"]
anchor = "a"

[[poles]]
id = "b_pole"
place = "b"
name = "Brookby pole"

[[poles]]
id = "d_pole"
place = "d"
name = "Dunmere pole"

[[axes]]
id = "east"
name = "East axis"
places = ["centre", "b", "d"]
corridors = ["X1"]
status = "plan"

[[axes]]
id = "north"
name = "North axis"
places = ["centre", "c"]
corridors = ["T2"]
status = "reconstruction"
reason = "made up for the tests"

[[points]]
place = "c"
kind = "county_seat"
[[points]]
place = "e"
kind = "county_seat"
[[points]]
place = "mill"
kind = "key_town"
"""

_NODES = [
    ("a", "Ashford", "Ashford", "seat", "road", 10.1, 50.1, None),
    ("b", "Brookby", "Brookby", "seat", "road", 10.3, 50.1, None),
    ("c", "Colton", "Colton", "seat", "road", 10.1, 50.3, None),
    ("d", "Dunmere", "Dunmere", "seat", "road", 10.5, 50.1, None),
    ("e", "Elmstead", "Elmstead", "seat", "road", 10.4, 50.3, None),
    ("mill", "Millbrook", "Millbrook", "town", "road", 10.45, 50.35, None),
    ("a_x", "Ashford junction", "Ashford junction", "interchange", "road", 10.12, 50.08, None),
    ("b_x", "Brookby junction", "Brookby junction", "interchange", "road", 10.3, 50.08, None),
    ("d_x", "Dunmere junction", "Dunmere junction", "interchange", "road", 10.5, 50.08, None),
    ("west", "West exit", "West exit", "external", "road", 9.95, 50.08, None),
    ("st_a", "Ashford station", "Ashford station", "station", "rail", 10.11, 50.11, "a"),
    ("st_e", "Elmstead station", "Elmstead station", "station", "rail", 10.41, 50.31, "e"),
]
_ROUTES = [
    ("x1", "X1 motorway", "X1", "road", "expressway", "open", 2005, 120, "west;a_x;b_x;d_x"),
    ("ca", "Ashford link", "", "road", "connector", "open", None, 60, "a;a_x"),
    ("cb", "Brookby link", "", "road", "connector", "open", None, 60, "b;b_x"),
    ("cd", "Dunmere link", "", "road", "connector", "open", None, 60, "d;d_x"),
    ("t2", "T2 trunk road", "T2", "road", "trunk", "open", None, 80, "a;@10.1/50.2;c"),
    ("t3", "T3 trunk road", "T3", "road", "trunk", "open", None, 80, "b;e;mill"),
    ("t4", "T4 trunk road", "T4", "road", "trunk", "open", None, 80, "c;e"),
    ("t5", "T5 trunk road", "T5", "road", "trunk", "open", None, 80, "b;d"),
    ("x2", "X2 motorway", "X2", "road", "expressway", "planned", 2030, 120, "a_x;@10.25/50.2;e"),
    ("r1", "R1 railway", "R1", "rail", "rail", "open", 1990, 120, "st_a;st_e"),
]


def made_up_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The made-up region's node and route tables (format of :func:`linyi_spatial.network.build_network`).

    Returns
    -------
    nodes, routes : pandas.DataFrame

    Examples
    --------
    >>> nodes, routes = made_up_tables()
    >>> len(nodes), sorted(routes["ref"].unique())[:3]
    (12, ['', 'R1', 'T2'])
    """
    from ..network.build import NODE_COLUMNS, ROUTE_COLUMNS

    return pd.DataFrame(_NODES, columns=list(NODE_COLUMNS)), pd.DataFrame(_ROUTES, columns=list(ROUTE_COLUMNS))


@lru_cache(maxsize=4)
def _network(year: int) -> nx.MultiDiGraph:
    return build_network(*made_up_tables(), year=year)


def made_up_network(year: int = 2020) -> nx.MultiDiGraph:
    """The made-up region's road and rail network as it stands in ``year`` (a fresh copy).

    Parameters
    ----------
    year : int, default 2020
        2030 and later include the planned X2 motorway.

    Returns
    -------
    networkx.MultiDiGraph

    Examples
    --------
    >>> made_up_network(2035).number_of_edges() > made_up_network(2020).number_of_edges()
    True
    """
    return tracked_copy(_network(int(year)))


def write_region(folder: str | os.PathLike[str]) -> dict[str, Path]:
    """Write the made-up region's files into ``folder``.

    Parameters
    ----------
    folder : path-like
        Created if missing.

    Returns
    -------
    dict of str -> pathlib.Path
        ``spec`` (TOML), ``units`` (GeoJSON), ``nodes`` and ``routes``
        (CSV), ``osm`` (an OSM XML extract of a small road grid).

    Raises
    ------
    DataError
        If any of the files exists already (nothing is overwritten).

    Examples
    --------
    >>> import tempfile
    >>> sorted(write_region(tempfile.mkdtemp()))
    ['nodes', 'osm', 'routes', 'spec', 'units']
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    units = gpd.GeoDataFrame(UNITS.drop(columns="bounds"), geometry=[box(*b) for b in UNITS["bounds"]], crs="EPSG:4326")
    paths = {
        "units": out / "units.geojson",
        "spec": out / "valeshire.toml",
        "nodes": out / "nodes.csv",
        "routes": out / "routes.csv",
        "osm": out / "roads.osm",
    }
    taken = [str(p) for p in paths.values() if p.exists()]
    if taken:
        raise DataError(f"write_region never overwrites files; these exist already: {taken}")
    nodes, routes = made_up_tables()
    write_text(paths["units"], units.to_json())
    write_text(paths["spec"], textwrap.dedent(SPEC))
    write_text(paths["nodes"], nodes.to_csv(index=False))
    write_text(paths["routes"], routes.to_csv(index=False))
    write_osm(paths["osm"])
    return paths


@lru_cache(maxsize=1)
def _structure() -> SpatialStructure:
    import tempfile

    return SpatialStructure.from_file(write_region(tempfile.mkdtemp(prefix="valeshire_"))["spec"])


def made_up_structure() -> SpatialStructure:
    """The made-up region's structure: 1 core, 2 poles, 2 axes, 3 points over 5 units.

    Returns
    -------
    SpatialStructure

    Examples
    --------
    >>> made_up_structure()
    SpatialStructure('Valeshire': 1 core, 2 poles, 2 axes, 3 points; EPSG:4326)
    """
    return _structure()


def write_osm(path: str | os.PathLike[str], *, side: int = 7) -> Path:
    """Write an OSM XML extract of a ``side`` × ``side`` road grid over the made-up region.

    Every third row and column is a ``primary`` road (one of them one-way
    eastbound), the rest ``residential``; names are invented.

    Parameters
    ----------
    path : path-like
    side : int, default 7

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile
    >>> write_osm(Path(tempfile.mkdtemp()) / "r.osm").stat().st_size > 1000
    True
    """
    lon0, lat0, dlon, dlat = 10.0, 50.0, 0.6 / (side - 1), 0.4 / (side - 1)
    nodes = "".join(
        f'<node id="{r * side + c + 1}" lat="{lat0 + r * dlat:.6f}" lon="{lon0 + c * dlon:.6f}"/>'
        for r in range(side)
        for c in range(side)
    )
    ways = []
    for r in range(side):
        kind = "primary" if r % 3 == 0 else "residential"
        tags = f'<tag k="highway" v="{kind}"/><tag k="name" v="{json.dumps(f"Row {r} Road")[1:-1]}"/>'
        if r == 3:
            tags += '<tag k="oneway" v="yes"/>'
        refs = "".join(f'<nd ref="{r * side + c + 1}"/>' for c in range(side))
        ways.append(f'<way id="{1000 + r}">{refs}{tags}</way>')
    for c in range(side):
        kind = "primary" if c % 3 == 0 else "residential"
        refs = "".join(f'<nd ref="{r * side + c + 1}"/>' for r in range(side))
        ways.append(
            f'<way id="{2000 + c}">{refs}<tag k="highway" v="{kind}"/><tag k="name" v="Column {c} Street"/></way>'
        )
    out = Path(path)
    if out.exists():
        raise DataError(f"write_osm never overwrites a file: {out} exists")
    write_text(out, f'<?xml version="1.0"?><osm version="0.6">{nodes}{"".join(ways)}</osm>\n')
    return out
