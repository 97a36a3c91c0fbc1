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
from typing import TYPE_CHECKING, Any, cast

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
from ..viz.static import save_figure, static_written_by_us

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["MAPS", "MAP_LAYERS", "MapInputs", "Region", "figure_builders", "map_builders", "write_maps"]

_WORDS: dict[str, str] = {
    "Unit accessibility, {label} network": "单元可达性（{label} 路网）",
    "Travel-time surfaces, {label} network": "出行时间面（{label} 路网）",
    "{key} map ...": "{key}地图 ...",
    "computing the {cell} km travel-time surface ...": "正在计算 {cell} km 出行时间面 ...",
    "computing the ranges of the unit scores ...": "正在计算单元得分的区间 ...",
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

MAP_LAYERS: dict[str, tuple[str, ...]] = {
    "structure": ("plan", "units", "network"),
    "accessibility": ("units", "network", "population"),
    "surface": ("network", "population"),
    "isochrones": ("network",),
    "scenario": ("network", "population"),
    "hierarchy": ("units", "network"),
}
"""The kinds of data each map draws, whose sources (:attr:`Region.layer_sources`) its legend names."""


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
    layer_sources : dict
        Where each kind of data comes from, printed under the legend of every
        map that draws it (:data:`MAP_LAYERS`): keys ``plan``, ``units``,
        ``network``, ``population``; a text, or texts by language.
    ranges : callable, optional
        Returns a sensitivity run of the unit scores (its defaults the
        scores drawn; e.g. ``lambda: linyi.sensitivity(2020)``): the
        accessibility map then prints each value's 5–95 % range and adds
        the layer of the probability of ``threshold``.
    threshold : (str, float)
        The measure and threshold of that layer, default more than 60
        minutes from the seat to the core.
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
    layer_sources: Mapping[str, str | Mapping[str, str]] = field(default_factory=dict)
    ranges: Callable[[], Any] | None = None
    threshold: tuple[str, float] = ("time_to_core_min", 60.0)

    def map_source(self, key: str, lang: str = "en") -> str:
        """The sources of one map's layers (:data:`MAP_LAYERS`), in ``lang``; empty when none are given.

        Parameters
        ----------
        key : str
            A map of :data:`MAPS`.
        lang : {"en", "zh"}, default "en"

        Returns
        -------
        str

        Examples
        --------
        >>> from linyi_spatial.testing import made_up_structure
        >>> r = Region(made_up_structure(), layer_sources={"network": "OSM", "plan": {"en": "Plan", "zh": "规划"}})
        >>> r.map_source("structure", "zh"), r.map_source("isochrones")
        ('规划；OSM', 'OSM')
        """
        texts = [_in_lang(self.layer_sources.get(kind), lang) for kind in MAP_LAYERS.get(key, ())]
        return ("；" if lang == "zh" else "; ").join(t for t in texts if t)

    def credit_line(self, lang: str = "en") -> str:
        """The credits printed on every map, in ``lang`` when given by language.

        Parameters
        ----------
        lang : {"en", "zh"}, default "en"

        Returns
        -------
        str
        """
        text = _in_lang(self.credits, lang)
        if text:
            return text
        s = self.structure
        spec = Path(str(s.source)).name if s.source else tr("given in code", lang)
        name = local_name(s.meta.get("name_zh"), s.name, lang)
        return tr("{name} structure ({spec}); computed with linyi_spatial {version}", lang, name=name, spec=spec,
                  version=__version__)  # fmt: skip


class MapInputs:
    """The results a region's maps are drawn from, each computed once and shared by the HTML maps and the figures.

    Parameters
    ----------
    region : Region
    lang : {"en", "zh"}
    say : callable
        Receives progress messages.
    """

    def __init__(self, region: Region, lang: str, say: Callable[[str], None] = print) -> None:
        self.region, self.lang, self.say = region, lang, say
        s = region.structure
        self.units = s.units if "name_en" in s.units else s.units.assign(name=s.unit_names())  # names on the maps
        self._cache: dict[str, Any] = {}
        if region.G is not None:
            anchor_id = s.core["anchor"].iloc[0]
            self.anchor = s.places.loc[anchor_id]
            # the core's anchor: its node, or its point (linked by its access leg, which the isochrones charge)
            self.origin = anchor_id if anchor_id in region.G else s.places.geometry.loc[[anchor_id]]
            self.anchor_name = local_name(self.anchor["name_zh"], self.anchor["name"], lang)

    @property
    def G(self) -> nx.Graph:  # noqa: N802 - the graph's name across the library
        """The analysis network (a map set without one has only the structure map)."""
        if self.region.G is None:
            raise DataError("this region has no analysis network: only its structure map can be drawn")
        return self.region.G

    @property
    def G_scenario(self) -> nx.Graph:  # noqa: N802 - the graph's name across the library
        """The compared network."""
        if self.region.G_scenario is None:
            raise DataError("this region has no compared network: no scenario map")
        return self.region.G_scenario

    def _once(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    @property
    def drawn_network(self) -> nx.Graph | None:
        """The network drawn on the structure map."""
        r = self.region
        return r.G_drawn if r.G_drawn is not None else r.G_scenario if r.G_scenario is not None else r.G

    def titled(self, text: str) -> str:
        """A time map's title with the analysis mode, when the region states one."""
        mode = self.region.mode
        return text if mode is None else tr("{title} ({mode} times)", self.lang, title=text, mode=code(mode, self.lang))

    def surface(self) -> gpd.GeoDataFrame:
        """The travel-time surface with its modelled residents."""
        r = self.region

        def compute() -> gpd.GeoDataFrame:
            self.say("  " + tr("computing the {cell} km travel-time surface ...", self.lang, cell=f"{r.cell_km:g}"))
            surface = acc.travel_time_surface(self.G, r.structure, cell_km=r.cell_km)
            return acc.structure_population(r.structure, surface)

        return self._once("surface", compute)

    def cutoffs(self) -> tuple[float, ...]:
        """Isochrone limits and the scores' reach cut-offs."""
        if self.region.cutoffs_min is not None:
            return self.region.cutoffs_min
        return readable_minutes(self.surface()["cell_time_to_core_min"], n=4)

    def scores(self) -> Any:
        """The unit accessibility table."""
        r = self.region
        return self._once("scores", lambda: acc.unit_accessibility(self.G, r.structure, surface=self.surface(),
                                                                   cutoffs_min=self.cutoffs()))  # fmt: skip

    def ranges(self) -> Any:
        """The region's sensitivity run of the unit scores, or None."""
        r = self.region
        if r.ranges is None:
            return None

        def compute() -> Any:
            self.say("  " + tr("computing the ranges of the unit scores ...", self.lang))
            return r.ranges() if r.ranges is not None else None

        return self._once("ranges", compute)

    def isochrones(self) -> gpd.GeoDataFrame:
        """Isochrones from the core's anchor."""
        r = self.region
        return self._once("iso", lambda: acc.isochrones(self.G, self.origin, self.cutoffs(), region=r.structure.units,
                                                        cell_km=r.cell_km))  # fmt: skip

    def comparison(self) -> acc.ScenarioComparison:
        """The scenario comparison."""
        r = self.region
        return self._once("comparison", lambda: acc.compare_scenarios(self.G, self.G_scenario, r.structure,
                                                                      labels=r.labels, cell_km=r.cell_km))  # fmt: skip

    def report(self) -> Any:
        """The hierarchy report."""
        r = self.region
        # its agglomeration grid: 2 km (the report's default), or the map's cells where those are coarser
        options = {"cell_km": max(2.0, float(r.cell_km)), **dict(r.hierarchy)}
        return self._once("report", lambda: hierarchy_report(r.structure, self.G, **cast(Any, options)))

    def map_keys(self) -> list[str]:
        """The maps the region's inputs allow, in :data:`MAPS` order."""
        if self.region.G is None:
            return ["structure"]
        keys = ["structure", "accessibility", "surface", "isochrones"]
        return [*keys, "scenario", "hierarchy"] if self.region.G_scenario is not None else [*keys, "hierarchy"]

    def titles(self) -> dict[str, str]:
        """The titles of the time maps, in the page's language."""
        lang, a = self.lang, self.region.labels[0]
        out = {
            "accessibility": self.titled(tr("Unit accessibility, {label} network", lang, label=a)),
            "surface": self.titled(tr("Travel-time surfaces, {label} network", lang, label=a)),
            "isochrones": self.titled(tr("Isochrones from {label}", lang, label=getattr(self, "anchor_name", ""))),
        }
        if self.region.G_scenario is not None:
            a, b = self.region.labels
            out["scenario"] = self.titled(tr("Scenario {b} against {a}: change in travel time", lang, a=a, b=b))
        return out


def _in_lang(text: str | Mapping[str, str] | None, lang: str) -> str:
    """A text given once or by language, in ``lang`` (English when that language lacks it)."""
    if isinstance(text, Mapping):
        return str(text.get(lang) or text.get("en", ""))
    return text or ""


def map_builders(
    region: Region,
    *,
    tiles: str | None = "osm",
    tiles_key: str | None = None,
    lang: str | None = None,
    say: Callable[[str], None] = print,
    inputs: MapInputs | None = None,
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
    inputs : MapInputs, optional
        Results shared with :func:`figure_builders` (computed once for both).

    Returns
    -------
    dict of str -> callable returning folium.Map

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_structure
    >>> sorted(map_builders(Region(made_up_structure()), tiles=None))
    ['structure']
    """
    lang = check_lang(lang)
    x = inputs if inputs is not None else MapInputs(region, lang, say)
    s = region.structure
    kw: dict[str, Any] = {"tiles": tiles, "tiles_key": tiles_key, "lang": lang}
    titles = x.titles()

    def src(key: str) -> str | None:
        return region.map_source(key, lang) or None

    every: dict[str, Callable[[], folium.Map]] = {
        "structure": lambda: structure_map(s, G=x.drawn_network, context=region.context, source=src("structure"),
                                           **kw),
        "accessibility": lambda: accessibility_map(x.scores(), s.units, title=titles["accessibility"],
                                                   source=src("accessibility"), sensitivity=x.ranges(),
                                                   threshold=region.threshold if region.ranges else None, **kw),
        "surface": lambda: surface_map(x.surface(), bands_min=region.bands_min, title=titles["surface"],
                                       units=x.units, source=src("surface"), **kw),
        "isochrones": lambda: isochrone_map(x.isochrones(), origin=(x.anchor.geometry.x, x.anchor.geometry.y),
                                            label=x.anchor_name, title=titles["isochrones"], units=x.units,
                                            source=src("isochrones"), **kw),
        "scenario": lambda: scenario_map(x.comparison(), bands_min=region.delta_bands_min, title=titles["scenario"],
                                         source=src("scenario"), **kw),
        "hierarchy": lambda: hierarchy_map(x.report(), units=x.units, source=src("hierarchy"), **kw),
    }  # fmt: skip
    return _credited({key: every[key] for key in x.map_keys()}, region.credit_line(lang))


def figure_builders(
    region: Region,
    *,
    paper: str = "A4",
    orientation: str = "landscape",
    lang: str | None = None,
    say: Callable[[str], None] = print,
    inputs: MapInputs | None = None,
) -> dict[str, Callable[[], Figure]]:
    """Lazy builders of the static report figure of every map (:mod:`linyi_spatial.viz.figures`), by map key.

    Each figure is its map's opening view on paper, with the same classes,
    colours, names and sources, a scale bar, a north arrow and an inset.

    Parameters
    ----------
    region : Region
    paper : {"A4", "A3"}, default "A4"
    orientation : {"landscape", "portrait"}, default "landscape"
    lang : {"en", "zh"}, optional
    say : callable
        Receives progress messages.
    inputs : MapInputs, optional
        Results shared with :func:`map_builders`.

    Returns
    -------
    dict of str -> callable returning matplotlib.figure.Figure

    Raises
    ------
    MissingFontError
        For Chinese figures when no CJK font is installed (at once, before any figure is drawn).

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_structure
    >>> sorted(figure_builders(Region(made_up_structure())))
    ['structure']
    """
    from ..viz import figures as fg
    from ..viz.fonts import require_cjk_font

    lang = check_lang(lang)
    if lang == "zh":
        require_cjk_font()
    x = inputs if inputs is not None else MapInputs(region, lang, say)
    s = region.structure
    kw: dict[str, Any] = {"paper": paper, "orientation": orientation, "lang": lang, "context": region.context}

    def src(key: str) -> str:  # the map's layers' sources, then the credits of the whole set
        stop = "。" if lang == "zh" else ". "
        return stop.join(t for t in (region.map_source(key, lang), region.credit_line(lang)) if t)

    titles = x.titles()
    every: dict[str, Callable[[], Figure]] = {
        "structure": lambda: fg.structure_figure(s, G=x.drawn_network, sources=src("structure"), **kw),
        "accessibility": lambda: fg.accessibility_figure(x.scores(), s.units, sources=src("accessibility"), **kw),
        "surface": lambda: fg.surface_figure(x.surface(), bands_min=region.bands_min, units=x.units,
                                             title=titles["surface"], sources=src("surface"), **kw),
        "isochrones": lambda: fg.isochrone_figure(x.isochrones(), origin=(x.anchor.geometry.x, x.anchor.geometry.y),
                                                  label=x.anchor_name, units=x.units, title=titles["isochrones"],
                                                  sources=src("isochrones"), **kw),
        "scenario": lambda: fg.scenario_figure(x.comparison(), bands_min=region.delta_bands_min,
                                               title=titles["scenario"], sources=src("scenario"), **kw),
        "hierarchy": lambda: fg.hierarchy_figure(x.report(), units=x.units, sources=src("hierarchy"), **kw),
    }  # fmt: skip
    return {key: every[key] for key in x.map_keys()}


def _credited(builders: dict[str, Callable[[], folium.Map]], text: str) -> dict[str, Callable[[], folium.Map]]:
    """The same builders, each map naming its sources."""

    def credited(build: Callable[[], folium.Map]) -> Callable[[], folium.Map]:
        return lambda: add_credits(build(), text)

    return {key: credited(build) for key, build in builders.items()}


STATIC_FORMATS = ("png", "pdf")
"""The static figures' formats the map set writes (``save_figure`` also writes SVG)."""


def _owned(path: Path) -> bool:
    """Whether the library wrote a file of the map set: an HTML map or index, or a static figure."""
    return static_written_by_us(path) if path.suffix.lower() in (".png", ".pdf", ".svg") else written_by_us(path)


def _check_targets(out: Path, names: list[str], overwrite: bool) -> None:
    targets = [out / name for name in names]
    dirs = [str(p) for p in targets if p.is_dir()]
    if dirs:
        raise DataError(f"cannot write maps where folders stand: {dirs}")
    refuse_foreign(targets, _owned, overwrite)


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
    entries = []
    for k, p in written.items():
        if k not in MAPS:
            continue
        static = [written[f"{k}.{f}"] for f in ("png", "pdf", "svg") if f"{k}.{f}" in written]  # report figures
        entries.append((p, tr(MAPS[k], lang), tr(READING.get(k, ""), lang), static))
    return index_page(entries, title, note, footer=tr(_FOOTER, lang), lang=lang)


def write_maps(  # noqa: PLR0913 - keyword options of the set, each documented
    builders: Mapping[str, Callable[[], folium.Map]],
    out: str | os.PathLike[str],
    *,
    title: str,
    note: str = "",
    inline: bool = True,
    overwrite: bool = False,
    lang: str | None = None,
    say: Callable[[str], None] = print,
    figures: Mapping[str, Callable[[], Figure]] | None = None,
    formats: tuple[str, ...] = STATIC_FORMATS,
    dpi: int = 200,
) -> dict[str, Path]:
    """Build and write every map and an ``index.html`` into ``out`` (and each map's static figure, if given).

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
    figures : mapping of key -> callable, optional
        From :func:`figure_builders`: each map's report figure is written
        beside it as ``<key>.png`` and ``<key>.pdf`` (``formats``).
    formats : tuple of str, default ("png", "pdf")
        The figures' formats (png, pdf, svg).
    dpi : int, default 200
        Resolution of the PNG figures.

    Returns
    -------
    dict of str -> pathlib.Path
        Every written file (figures as ``<key>.<format>``), ``index`` last.

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
    figures = dict(figures or {})
    unknown = [f for f in formats if f not in ("png", "pdf", "svg")]
    if unknown:
        raise DataError(f"unknown figure format(s) {unknown}: the figures are written as png, pdf or svg")
    statics = [f"{k}.{f}" for k in builders if k in figures for f in formats]
    _check_targets(folder, [*(f"{k}.html" for k in builders), *statics, "index.html"], overwrite)
    retire = [f"{k}.html" for k in MAPS if k not in builders]
    retire += [f"{k}.{f}" for k in MAPS for f in ("png", "pdf", "svg") if f"{k}.{f}" not in statics]
    staged: dict[str, Path] = {}
    with staged_set(folder, owned=_owned, overwrite=overwrite, retire=retire) as stage:
        for i, (key, build) in enumerate(builders.items(), 1):
            say(f"[{i}/{len(builders)}] " + tr("{key} map ...", lang, key=tr(key, lang)))
            path = save_html(build(), stage.path(f"{key}.html"), inline=inline)
            staged[key] = path
            if path.stat().st_size > SIZE_BUDGET_BYTES:
                size = f"{path.stat().st_size / 1e6:.1f}"
                say("  " + tr("warning: {name} is {size} MB, over the 3 MB budget", lang, name=path.name, size=size))
            if key in figures:
                fig = figures[key]()
                for f in formats:
                    staged[f"{key}.{f}"] = save_figure(fig, stage.path(f"{key}.{f}"), dpi=dpi)
        index = write_text(stage.path("index.html"), _index_page(staged, title, note, lang))
    return {key: folder / path.name for key, path in [*staged.items(), ("index", index)]}
