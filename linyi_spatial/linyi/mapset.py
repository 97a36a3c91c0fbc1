"""The full map set of a region: compute each result with the core, draw it with viz, write it safely.

Used by the ``linyi-spatial maps`` command for Linyi and for any region
given by a spec and a network. The set is written as a unit: every map and
the index go into a hidden stage folder first and are renamed in together
when all are written (:func:`~linyi_spatial._io.staged_set`), so an
interrupted run leaves the previous set whole. A file in the output folder
that the library did not write (no exact :data:`~linyi_spatial.viz.output.MARK`)
is never overwritten: it is refused before the work starts and again just
before each rename. Maps of a previous run that this one does not write are
removed, if they are the library's.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import networkx as nx

from .. import accessibility as acc
from .._io import refuse_foreign, staged_set, write_text
from .._version import __version__
from ..errors import DataError
from ..hierarchy import hierarchy_report
from ..i18n import add_words, check_lang, code, local_name, tr
from ..structure import SpatialStructure
from ..viz import (
    accessibility_map,
    add_credits,
    hierarchy_map,
    isochrone_map,
    save_html,
    scenario_map,
    structure_map,
    surface_map,
)
from ..viz.classes import readable_minutes
from ..viz.output import index_page, written_by_us

__all__ = ["MAPS", "Region", "map_builders", "write_maps"]

_WORDS: dict[str, str] = {
    "Unit accessibility, {label} network": "单元可达性（{label} 路网）",
    "Travel-time surfaces, {label} network": "出行时间面（{label} 路网）",
    "{key} map ...": "{key}地图 ...",
    "computing the {cell} km travel-time surface ...": "正在计算 {cell} km 出行时间面 ...",
    "warning: {name} is {size} MB, over the 3 MB budget": "警告：{name} 为 {size} MB，超过 3 MB 预算",
    "structure": "空间结构",
    "hierarchy": "城镇等级",
    "{name} structure ({spec}); computed with linyi_spatial {version}": (
        "{name}空间结构（{spec}）；linyi_spatial {version} 计算"
    ),
    "given in code": "代码给定",
    "Each map is one self-contained HTML file (Leaflet inlined). Data sources, quality and licences: "
    "SOURCES.md of the data the maps were made from; methods: docs/methods.md.": (
        "每幅地图是一个独立的 HTML 文件（已内嵌 Leaflet）。数据来源、质量与许可见地图所用数据的 SOURCES.md；"
        "方法见 docs/methods.md。"
    ),
    "Planned spatial structure: core, poles, axes, points and the transport network": (
        "规划空间结构：核心、增长极、发展轴、支撑点与交通网络"
    ),
    "Unit accessibility: composite score and each measure": "单元可达性：综合得分与各项指标",
    "Travel-time surfaces: to the core, the nearest pole, the nearest seat; residents per km² (modelled)": (
        "出行时间面：到核心、最近增长极、最近驻地；常住人口密度（模型估算）"
    ),
    "Isochrones from the core (its time limits are on the map)": "核心等时圈（时限见地图）",
    "What the compared network changes: travel-time deltas and added links": "对比路网带来的变化：出行时间差与新增线路",
    "Urban hierarchy: size, tiers, gravity linkages, centrality": "城镇等级体系：规模、层级、引力联系、中心性",
    "Core, poles, axes and points of the plan over the transport network; dashed axes are reconstructions, "
    "dashed lines planned. Hover an element for its source and status.": (
        "规划的核心、增长极、发展轴与支撑点叠加交通网络；虚线发展轴为推断重构，虚线线路为规划。鼠标悬停查看来源与状态。"
    ),
    "One measure at a time (switch in the layer control); light colours are better. Scores are 0-100 over the "
    "units, the composite a weighted mean of the measures.": (
        "一次显示一项指标（在图层控件中切换）；颜色越浅越好。"
        "得分为各单元间 0–100 的标准化值，综合得分为各指标的加权平均。"
    ),
    "Travel time from every grid cell, through its access leg and the network, in time bands.": (
        "每个网格经接入段与路网的出行时间，按时间段分级。"
    ),
    "Areas reachable from the core's anchor within each time.": "从核心锚点出发在各时限内可达的范围。",
    "What the compared network changes, in minutes (purple: faster), and the links it adds.": (
        "对比路网带来的出行时间变化（分钟；紫色：更快）及其新增线路。"
    ),
    "Places sized by population and coloured by plan tier, with the strongest gravity linkages.": (
        "地点按人口定大小、按规划层级着色，并显示最强的引力联系。"
    ),
}
"""The map set's titles, descriptions and progress messages in Chinese."""

add_words({**_WORDS, "{title} ({mode} times)": "{title}（{mode}出行时间）"}, codes={"car": "小汽车", "rail": "铁路"})

MAPS = {
    "structure": "Planned spatial structure: core, poles, axes, points and the transport network",
    "accessibility": "Unit accessibility: composite score and each measure",
    "surface": "Travel-time surfaces: to the core, the nearest pole, the nearest seat; residents per km² (modelled)",
    "isochrones": "Isochrones from the core (its time limits are on the map)",
    "scenario": "What the compared network changes: travel-time deltas and added links",
    "hierarchy": "Urban hierarchy: size, tiers, gravity linkages, centrality",
}
SIZE_BUDGET_BYTES = 3_000_000


@dataclass
class Region:
    """What the map set is drawn from.

    Attributes
    ----------
    structure : SpatialStructure
    G : networkx graph or None
        The analysis network (None: only the structure map).
    G_scenario : networkx graph or None
        The compared network (None: no scenario map).
    labels : (hashable, hashable)
        Labels of the two networks (e.g. years).
    cell_km : float
        Grid cell side of surfaces and scores.
    hierarchy : dict
        Extra keyword arguments of :func:`~linyi_spatial.hierarchy.hierarchy_report`.
    credits : str or dict
        The data sources, printed on every map: one text, or texts by
        language (``{"en": ..., "zh": ...}``); default: the structure's spec
        file and the library that computed the maps.
    bands_min : tuple of float, optional
        Time bands of the surface map; default fitted to the region's times
        (:func:`~linyi_spatial.viz.classes.readable_minutes`).
    cutoffs_min : tuple of float, optional
        Time limits of the isochrones and the reach cut-offs of the unit
        scores (``size_within_<c>min``); default four limits fitted to the
        cells' times to the core.
    delta_bands_min : tuple of float, optional
        Class edges of the scenario map's changes (minutes); default fitted
        to the changes (:func:`~linyi_spatial.viz.accessibility.delta_bands`).
    G_drawn : networkx graph or None
        The network drawn on the structure map (default: the scenario's, else
        the analysis network), e.g. with the railways the car-only analysis
        networks leave out.
    mode : str, optional
        The analysis networks' mode, said in the titles of the time maps
        (``"car"``: "… (car times)").
    context : GeoDataFrame or None
        Neighbouring areas drawn and named round the region on the structure map.
    """

    structure: SpatialStructure
    G: nx.Graph | None = None
    G_scenario: nx.Graph | None = None
    labels: tuple[Hashable, Hashable] = ("base", "scenario")
    cell_km: float = 1.0
    hierarchy: dict[str, object] = field(default_factory=dict)
    credits: str | Mapping[str, str] = ""
    bands_min: tuple[float, ...] | None = None
    cutoffs_min: tuple[float, ...] | None = None
    delta_bands_min: tuple[float, ...] | None = None
    G_drawn: nx.Graph | None = None
    mode: str | None = None
    context: gpd.GeoDataFrame | None = None

    def credit_line(self, lang: str = "en") -> str:
        """The credits printed on every map, in ``lang`` when given by language.

        Parameters
        ----------
        lang : {"en", "zh"}, default "en"

        Returns
        -------
        str
        """
        if isinstance(self.credits, Mapping):
            text = self.credits.get(lang) or self.credits.get("en", "")
        else:
            text = self.credits
        if text:
            return text
        s = self.structure
        spec = Path(str(s.source)).name if s.source else tr("given in code", lang)
        name = local_name(s.meta.get("name_zh"), s.name, lang)
        return tr("{name} structure ({spec}); computed with linyi_spatial {version}", lang, name=name, spec=spec,
                  version=__version__)  # fmt: skip


def map_builders(
    region: Region,
    *,
    tiles: str | None = "osm",
    tiles_key: str | None = None,
    lang: str | None = None,
    say: Callable[[str], None] = print,
) -> dict[str, Callable[[], folium.Map]]:
    """Lazy builders of every map the region's inputs allow, by map key of :data:`MAPS`.

    Parameters
    ----------
    region : Region
    tiles, tiles_key : basemap
    lang : {"en", "zh"}, optional
        Interface language of the maps (default: :func:`~linyi_spatial.viz.i18n.get_lang`).
    say : callable
        Receives progress messages.

    Returns
    -------
    dict of str -> callable returning folium.Map

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_structure
    >>> sorted(map_builders(Region(made_up_structure()), tiles=None))
    ['structure']
    """
    s, G = region.structure, region.G
    lang = check_lang(lang)
    kw: dict[str, Any] = {"tiles": tiles, "tiles_key": tiles_key, "lang": lang}
    plan = region.G_drawn if region.G_drawn is not None else region.G_scenario if region.G_scenario is not None else G
    builders: dict[str, Callable[[], folium.Map]] = {
        "structure": lambda: structure_map(s, G=plan, context=region.context, **kw)
    }
    if G is None:
        return _credited(builders, region.credit_line(lang))
    cache: dict[str, object] = {}

    def surface() -> Any:
        if "surface" not in cache:
            say("  " + tr("computing the {cell} km travel-time surface ...", lang, cell=f"{region.cell_km:g}"))
            cache["surface"] = acc.structure_population(s, acc.travel_time_surface(G, s, cell_km=region.cell_km))
        return cache["surface"]

    named_units = s.units if "name_en" in s.units else s.units.assign(name=s.unit_names())  # names on the maps
    anchor_id = s.core["anchor"].iloc[0]
    anchor = s.places.loc[anchor_id]
    # the core's anchor: its node, or its point (linked by its access leg, which the isochrones charge)
    origin = anchor_id if anchor_id in G else s.places.geometry.loc[[anchor_id]]
    a_label = region.labels[0]

    def titled(text: str) -> str:  # the analysis mode, when the region states one
        return (
            text
            if region.mode is None
            else tr("{title} ({mode} times)", lang, title=text, mode=code(region.mode, lang))
        )

    def cutoffs() -> tuple[float, ...]:  # isochrone limits and the scores' reach cut-offs
        if region.cutoffs_min is not None:
            return region.cutoffs_min
        return readable_minutes(surface()["cell_time_to_core_min"], n=4)

    builders["accessibility"] = lambda: accessibility_map(
        acc.unit_accessibility(G, s, surface=surface(), cutoffs_min=cutoffs()),
        s.units,
        title=titled(tr("Unit accessibility, {label} network", lang, label=a_label)),
        **kw,
    )
    builders["surface"] = lambda: surface_map(
        surface(),
        bands_min=region.bands_min,
        title=titled(tr("Travel-time surfaces, {label} network", lang, label=a_label)),
        units=named_units,
        **kw,
    )

    builders["isochrones"] = lambda: isochrone_map(
        acc.isochrones(G, origin, cutoffs(), region=s.units, cell_km=region.cell_km),
        origin=(anchor.geometry.x, anchor.geometry.y),
        label=local_name(anchor["name_zh"], anchor["name"], lang),
        title=titled(tr("Isochrones from {label}", lang, label=local_name(anchor["name_zh"], anchor["name"], lang))),
        units=named_units,
        **kw,
    )
    G_b = region.G_scenario
    if G_b is not None:
        builders["scenario"] = lambda: scenario_map(
            acc.compare_scenarios(G, G_b, s, labels=region.labels, cell_km=region.cell_km),
            bands_min=region.delta_bands_min,
            title=titled(
                tr("Scenario {b} against {a}: change in travel time", lang, a=region.labels[0], b=region.labels[1])
            ),
            **kw,
        )
    options: dict[str, Any] = dict(region.hierarchy)
    builders["hierarchy"] = lambda: hierarchy_map(hierarchy_report(s, G, **options), **kw)
    return _credited(builders, region.credit_line(lang))


def _credited(builders: dict[str, Callable[[], folium.Map]], text: str) -> dict[str, Callable[[], folium.Map]]:
    """The same builders, each map naming its sources."""

    def credited(build: Callable[[], folium.Map]) -> Callable[[], folium.Map]:
        return lambda: add_credits(build(), text)

    return {key: credited(build) for key, build in builders.items()}


def _check_targets(out: Path, keys: list[str], overwrite: bool) -> None:
    targets = [out / f"{k}.html" for k in [*keys, "index"]]
    dirs = [str(p) for p in targets if p.is_dir()]
    if dirs:
        raise DataError(f"cannot write maps where folders stand: {dirs}")
    refuse_foreign(targets, written_by_us, overwrite)


READING = {
    "structure": "Core, poles, axes and points of the plan over the transport network; dashed axes are "
    "reconstructions, dashed lines planned. Hover an element for its source and status.",
    "accessibility": "One measure at a time (switch in the layer control); light colours are better. Scores are "
    "0-100 over the units, the composite a weighted mean of the measures.",
    "surface": "Travel time from every grid cell, through its access leg and the network, in time bands.",
    "isochrones": "Areas reachable from the core's anchor within each time.",
    "scenario": "What the compared network changes, in minutes (purple: faster), and the links it adds.",
    "hierarchy": "Places sized by population and coloured by plan tier, with the strongest gravity linkages.",
}
"""How to read each map, shown on the index page."""


_FOOTER = (
    "Each map is one self-contained HTML file (Leaflet inlined). Data sources, quality and licences: "
    "SOURCES.md of the data the maps were made from; methods: docs/methods.md."
)


def _index_page(written: Mapping[str, Path], title: str, note: str, lang: str) -> str:
    entries = [(p, tr(MAPS[k], lang), tr(READING.get(k, ""), lang)) for k, p in written.items()]
    return index_page(entries, title, note, footer=tr(_FOOTER, lang), lang=lang)


def write_maps(
    builders: Mapping[str, Callable[[], folium.Map]],
    out: str | os.PathLike[str],
    *,
    title: str,
    note: str = "",
    inline: bool = True,
    overwrite: bool = False,
    lang: str | None = None,
    say: Callable[[str], None] = print,
) -> dict[str, Path]:
    """Build and write every map and an ``index.html`` into ``out``.

    Parameters
    ----------
    builders : mapping of key -> callable
        From :func:`map_builders`.
    out : path-like
        Output folder (created).
    title, note : str
        Heading and line of the index page.
    inline : bool, default True
        Inline Leaflet and jQuery (see :func:`linyi_spatial.viz.save_html`).
    overwrite : bool, default False
        Also replace files of the same names that the library did not write.
    lang : {"en", "zh"}, optional
        Language of the index page (default: :func:`~linyi_spatial.viz.i18n.get_lang`).
    say : callable
        Receives progress messages.

    Returns
    -------
    dict of str -> pathlib.Path
        Every written file, ``index`` last.

    Raises
    ------
    DataError
        If ``out`` is not a writable folder, a target file exists that the
        library did not write (without ``overwrite``; checked before the
        work and again just before each rename), or the disk is full.

    Notes
    -----
    The set is written as a unit (see the module docstring): until every
    map is built nothing in ``out`` changes; then all are renamed in, the
    index last, and maps of :data:`MAPS` that this set lacks are removed if
    the library wrote them.

    Examples
    --------
    >>> import tempfile
    >>> from linyi_spatial.testing import made_up_structure
    >>> b = map_builders(Region(made_up_structure()), tiles=None, say=lambda m: None)
    >>> sorted(write_maps(b, tempfile.mkdtemp(), title="Maps", say=lambda m: None))
    ['index', 'structure']
    """
    lang = check_lang(lang)
    folder = Path(out)
    if str(out) == "" or folder.is_file():
        raise DataError(f"the output folder {str(out)!r} is {'empty' if str(out) == '' else 'a file'}; name a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(f"cannot create the output folder {folder}: {exc.strerror}") from None
    if not os.access(folder, os.W_OK):
        raise DataError(f"the output folder {folder} is not writable")
    _check_targets(folder, list(builders), overwrite)
    retire = [f"{k}.html" for k in MAPS if k not in builders]
    staged: dict[str, Path] = {}
    with staged_set(folder, owned=written_by_us, overwrite=overwrite, retire=retire) as stage:
        for i, (key, build) in enumerate(builders.items(), 1):
            say(f"[{i}/{len(builders)}] " + tr("{key} map ...", lang, key=tr(key, lang)))
            path = save_html(build(), stage.path(f"{key}.html"), inline=inline)
            staged[key] = path
            if path.stat().st_size > SIZE_BUDGET_BYTES:
                size = f"{path.stat().st_size / 1e6:.1f}"
                say("  " + tr("warning: {name} is {size} MB, over the 3 MB budget", lang, name=path.name, size=size))
        index = write_text(stage.path("index.html"), _index_page(staged, title, note, lang))
    return {key: folder / path.name for key, path in [*staged.items(), ("index", index)]}
