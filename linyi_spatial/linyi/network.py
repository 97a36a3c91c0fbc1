"""Linyi's embedded road and rail network by year."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

import networkx as nx
import pandas as pd

from ..network.build import MODES, build_network
from ..network.lengths import RoadLengths
from .datasets import data_path
from .defaults import ROAD_CIRCUITY

__all__ = ["load_network", "network_tables", "road_lengths"]


@lru_cache(maxsize=1)
def _stated_lengths() -> pd.DataFrame:
    return pd.read_csv(data_path("linyi_network_lengths.csv"), dtype={"route_id": str, "from": str, "to": str})


def road_lengths() -> RoadLengths:
    """How the embedded skeleton's drawn links become road lengths.

    Class circuity :data:`~linyi_spatial.linyi.defaults.ROAD_CIRCUITY`, and
    the sourced section lengths of ``data/linyi_network_lengths.csv``
    (董梁 94.3 km, 临东 93.6 km); ``docs/methods.md`` compares the resulting
    lengths with published road distances.

    Returns
    -------
    RoadLengths

    Examples
    --------
    >>> road_lengths().circuity["trunk"]
    1.05
    """
    return RoadLengths(circuity=dict(ROAD_CIRCUITY), stated=_stated_lengths().copy())


@lru_cache(maxsize=1)
def _embedded_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    nodes = pd.read_csv(data_path("linyi_network_nodes.csv"), dtype={"id": str, "road_node": str})
    routes = pd.read_csv(data_path("linyi_network_routes.csv"), dtype={"route_id": str, "ref": str})
    return nodes, routes


def network_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return copies of the embedded Linyi node and route tables.

    Returns
    -------
    nodes, routes : pandas.DataFrame
        The tables described in :mod:`linyi_spatial.network.build`;
        ``SOURCES.md`` gives each route's source and the schematic accuracy
        of the coordinates.

    Examples
    --------
    >>> nodes, routes = network_tables()
    >>> "G2" in set(routes["ref"])
    True
    """
    nodes, routes = _embedded_tables()
    return nodes.copy(), routes.copy()


def load_network(
    year: int = 2020,
    *,
    speeds_kph: Mapping[str, float] | None = None,
    station_penalty_min: float = 10.0,
    station_access_speed_kph: float = 30.0,
    modes: Sequence[str] = MODES,
    lengths: RoadLengths | None = None,
) -> nx.MultiDiGraph:
    """Load Linyi's embedded road and rail network as it stands in ``year``.

    The network is a schematic regional skeleton: expressways (G2 京沪,
    G1511 日兰, G25 长深, S38 岚曹, 新台, 临临, 临滕, 董梁, 临东), the
    G205/G327 national roads and trunk roads to every county seat, urban
    arterials of the central city, high-speed rail (日兰; 潍宿 from 2028) and
    conventional rail (兖石, 胶新), with every county seat, pole, zone, key
    town, interchange, station, the airport and the points where lines
    leave the city. Coordinates are schematic (±2–5 km); see SOURCES.md.

    Parameters
    ----------
    year : int, default 2020
        2020 is the census base; 2025 adds 临滕 (2023) and 临临 (2024); 2035
        adds 董梁 (due ≈2026), the 潍宿 HSR (due 2028) and the planned 临东
        expressway.
    speeds_kph, station_penalty_min, station_access_speed_kph, modes
        See :func:`linyi_spatial.network.build_network`.
    lengths : RoadLengths, optional
        Default :func:`road_lengths` (class circuity and sourced route
        lengths); ``RoadLengths()`` keeps the drawn lengths.

    Returns
    -------
    networkx.MultiDiGraph
        OSMnx-style graph in EPSG:4326, ``G.graph["name"] = "Linyi <year>"``.

    Raises
    ------
    NetworkError
        If an argument is invalid.

    Examples
    --------
    >>> G = load_network(2020)
    >>> G.nodes["yishui"]["name_zh"], G.graph["crs"]
    ('沂水县城', 'EPSG:4326')
    """
    nodes, routes = _embedded_tables()
    G = build_network(
        nodes,
        routes,
        year=year,
        speeds_kph=speeds_kph,
        station_penalty_min=station_penalty_min,
        station_access_speed_kph=station_access_speed_kph,
        modes=modes,
        lengths=road_lengths() if lengths is None else lengths,
    )
    G.graph["name"] = f"Linyi {year}"
    return G
