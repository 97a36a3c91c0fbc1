"""Languages of the maps and result displays: English and Chinese interface text in one table.

Every interface string of the presentation layer (titles, legends, layer
names, tooltip and popup labels, the index page, the result displays) is
written in English in the code and passed through :func:`tr`, which looks it
up in :data:`ZH` for ``lang="zh"``. Coded categories a person reads (road
classes, statuses, place kinds, plan tiers) go through :func:`code`. Data
values (place names, sources, references) are never translated.

The language of a call is its ``lang`` argument; ``None`` means the session
default, set with :func:`set_lang` (``"en"`` unless changed).
"""

from __future__ import annotations

import math

from ..errors import OptionError

__all__ = ["CODES_ZH", "LANGS", "ZH", "check_lang", "code", "get_lang", "local_name", "set_lang", "tr"]

LANGS = ("en", "zh")
"""Supported interface languages."""

_STATE = {"lang": "en"}

ZH: dict[str, str] = {
    # page furniture and Leaflet controls
    "Full screen": "全屏",
    "Sources": "数据来源",
    "Layers": "图层",
    "Zoom in": "放大",
    "Zoom out": "缩小",
    "Close popup": "关闭",
    "basemap: {tiles}": "底图：{tiles}",
    "no basemap": "无底图",
    "OpenStreetMap": "OpenStreetMap 开放街道地图",
    "CARTO light": "CARTO 浅色",
    "高德 Amap": "高德地图",
    "天地图 Tianditu": "天地图",
    "unreachable": "不可达",
    "yes": "是",
    "no": "否",
    # structure map
    "Units": "单元",
    "Core": "核心",
    "Axes": "发展轴",
    "Poles": "增长极",
    "Points": "支撑点",
    "planned spatial structure": "规划空间结构",
    "Planned structure": "规划空间结构",
    "Roads by class": "道路（按等级）",
    "Railways": "铁路",
    "line": "线路",
    "ref": "编号",
    "class": "等级",
    "mode": "方式",
    "status": "状态",
    "opened": "通车年份",
    "length (km)": "长度（km）",
    "expressway": "高速公路",
    "national / trunk road": "国道 / 干线公路",
    "high-speed rail": "高速铁路",
    "railway": "铁路",
    "planned / under construction": "规划 / 在建",
    "unit": "单元",
    "id": "编码",
    "size ({column})": "规模（{column}）",
    "urban share": "城镇人口比重",
    "area (km²)": "面积（km²）",
    "core": "核心",
    "name": "名称",
    "name (en)": "英文名",
    "units": "所含单元",
    "source": "来源",
    "reason": "依据",
    "core anchor": "核心锚点",
    "axis": "发展轴",
    "corridors": "交通走廊",
    "kind": "类型",
    "{axes} (dashed: reconstructed)": "{axes}（虚线：推断重构）",
    "{points}: unit seats": "{points}：单元驻地",
    "{points}: other places": "{points}：其他地点",
    "{points}: other places (e.g. key towns)": "{points}：其他地点（如重点镇）",
    # hierarchy map
    "Urban hierarchy: {units}": "城镇等级体系：{units}",
    "{n} places (the core's units merged into one central city), size = {size}": (
        "{n} 个地点（核心所含单元合并为一个中心城市），规模 = {size}"
    ),
    "{n} places (every unit separately), size = {size}": "{n} 个地点（每个单元单列），规模 = {size}",
    "Places": "地点",
    "place": "地点",
    "Size ({size}) and plan tier": "规模（{size}）与规划层级",
    "plan tier": "规划层级",
    "data tier": "数据层级",
    "plan tier: {tier}": "规划层级：{tier}",
    "consistent": "与规划一致",
    "Gravity linkages (top {n})": "引力联系（最强 {n} 对）",
    "link": "联系",
    "strength (relative to the strongest)": "强度（相对最强联系）",
    "travel time": "出行时间",
    "share of {name}": "占{name}联系总量",
    "Betweenness centrality": "介数中心性",
    "betweenness": "介数",
    "mean travel time": "平均出行时间",
    "straightness": "直线性",
    "gravity linkage (width ∝ strength)": "引力联系（线宽 ∝ 强度）",
    "Circle area ∝ size ({size})": "圆面积 ∝ 规模（{size}）",
    # accessibility maps
    "Unit accessibility": "单元可达性",
    "Unit accessibility, {label} network": "单元可达性（{label} 路网）",
    "Travel-time surfaces": "出行时间面",
    "Travel-time surfaces, {label} network": "出行时间面（{label} 路网）",
    "rank": "排名",
    "natural breaks": "自然断点",
    "quantiles": "分位数",
    "equal interval": "等间距",
    "{label} ({scheme})": "{label}（{scheme}）",
    "{lo}–{hi} min": "{lo}–{hi} 分钟",
    "> {hi} min": "> {hi} 分钟",
    "{m} min": "{m} 分钟",
    "≤ {m} min": "≤ {m} 分钟",
    "Residents per km² (modelled estimate)": "常住人口密度（人/km²，模型估算）",
    "residents per km²": "人口密度（人/km²）",
    "residents": "常住人口",
    "Isochrones from {label}": "{label}等时圈",
    "origin": "起点",
    "within": "可达时间",
    "Reachable within": "可达范围",
    "below {hi} min": "{hi} 分钟以下",
    "{lo} to {hi} min": "{lo} 至 {hi} 分钟",
    "{lo} min and more": "{lo} 分钟及以上",
    "Scenario {b} against {a}: change in travel time": "情景 {b} 对比 {a}：出行时间变化",
    "Units: change in {label}": "单元：{label}的变化",
    "Units: change in {label} (no unit changes by 0.05 min or more)": "单元：{label}的变化（无单元变化达 0.05 分钟）",
    "{label}, {scenario}": "{label}，{scenario}",
    "change": "变化",
    "change (%)": "变化（%）",
    "{label}: change": "{label}：变化",
    "Grid: change in {label}": "网格：{label}的变化",
    "cells": "网格数",
    "Links added in {b}": "{b} 新增线路",
    "link added in {b}": "{b} 新增线路",
    "Change {a} → {b} (negative: faster)": "变化 {a} → {b}（负值：更快）",
    # the index page and map set
    "{name}: linyi_spatial maps": "{name}：linyi_spatial 地图集",
    "Networks: {a}": "路网：{a}",
    "Networks: {a} → {b}": "路网：{a} → {b}",
    "Sources: {credits}": "数据来源：{credits}",
    "Basemap: none (drawn offline)": "底图：无（离线绘制）",
    "wrote {n} map(s) and an index ({mb} MB) to {out}": "已写出 {n} 幅地图和索引页（{mb} MB）到 {out}",
    "start with {index} in a browser": "请在浏览器中打开 {index}",
    " (basemap tiles need the internet; --offline draws none)": "（底图瓦片需联网；--offline 不绘制底图）",
    "{key} map ...": "{key}地图 ...",
    "loading the structure and the networks ...": "正在读取空间结构与路网 ...",
    "computing the {cell} km travel-time surface ...": "正在计算 {cell} km 出行时间面 ...",
    "no network given (--network or --nodes/--routes): writing the structure map only": (
        "未给出路网（--network 或 --nodes/--routes）：只写出空间结构图"
    ),
    "no --scenario-network given: no scenario map": "未给出 --scenario-network：不写情景对比图",
    "warning: {name} is {size} MB, over the 3 MB budget": "警告：{name} 为 {size} MB，超过 3 MB 预算",
    "structure": "空间结构",
    "accessibility": "可达性",
    "surface": "出行时间面",
    "isochrones": "等时圈",
    "scenario": "情景对比",
    "hierarchy": "城镇等级",
    "Basemap: {tiles} tiles (need the internet)": "底图：{tiles} 瓦片（需联网）",
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
    "Isochrones from the core (15 / 30 / 60 / 90 minutes)": "核心等时圈（15 / 30 / 60 / 90 分钟）",
    "What the compared network changes: travel-time deltas and added links": (
        "对比路网带来的变化：出行时间差与新增线路"
    ),
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
    # result displays
    "role": "角色",
    "places": "地点",
    "size": "规模",
    "size of": "规模所指",
    "measure": "指标",
    "value": "数值",
    "formula": "公式",
    "Urban hierarchy report": "城镇等级体系报告",
    "share of the first place's total": "占前一地点联系总量比重",
    "share of the second place's total": "占后一地点联系总量比重",
    "strength": "强度",
    "{place} — {other}": "{place} — {other}",
    "change of each measure, {b} − {a} (times in minutes; negative: faster); the composite of both scenarios "
    "is scored on the scale of {a}": (
        "各指标的变化，{b} − {a}（时间单位为分钟；负值：更快）；两个情景的综合得分均按 {a} 的尺度计算"
    ),
    "{core} core, {poles} poles, {axes} axes, {points} points": (
        "{core} 个核心、{poles} 个增长极、{axes} 条发展轴、{points} 个支撑点"
    ),
    "{units} units, {cells} grid cells, {links} added links": "{units} 个单元、{cells} 个网格、{links} 条新增线路",
    # hierarchy summary rows (by key)
    "Zipf q ({size}, {n} places, {merged})": "齐普夫指数 q（{size}，{n} 个地点，{merged}）",
    "core merged": "核心合并",
    "units separate": "单元单列",
    "rank-size R²": "位序–规模拟合 R²",
    "two-city primacy S2": "两城市首位度 S2",
    "four-city primacy S4": "四城市首位度 S4",
    "core share of the total": "核心占总量比重",
    "functional polycentricity (Green 2007)": "功能多中心性（Green 2007）",
    "core share of linkage strength": "核心占联系强度比重",
    "places whose data tier differs from the plan": "数据层级与规划不一致的地点",
    "strongest link": "最强联系",
    "axis with the highest location quotient": "区位商最高的发展轴",
    "all axes: population share / land share": "全部发展轴：人口比重 / 用地比重",
    "urbanization rate, base year": "基准年城镇化率",
    "none": "无",
    "ln S_r = ln S_1 − q ln r (OLS)": "ln S_r = ln S_1 − q ln r（最小二乘）",
    "gravity, b = 2": "引力模型，b = 2",
    "urban / total population": "城镇人口 / 总人口",
    "LQ": "区位商",
    # charts
    "fit: q = {q} (95 % CI {low}–{high}), R² = {r2}": "拟合：q = {q}（95% 置信区间 {low}–{high}），R² = {r2}",
    "rank (log)": "位序（对数）",
    "{size} (persons, log)": "{size}（人，对数）",
    "Rank–size: {units}": "位序–规模：{units}",
    "path (base, then to the targets)": "路径（基准年，然后到目标）",
    "target {year}: {value} %": "{year} 年目标：{value}%",
    "year": "年份",
    "urbanization rate (% of residents)": "城镇化率（占常住人口 %）",
    "Resident urbanization against the plan's targets": "常住人口城镇化率与规划目标",
    "min": "分钟",
    "share, 0–1": "比重，0–1",
    "change {a} → {b}": "变化 {a} → {b}",
    "{measure}: change per unit (green = better)": "{measure}：各单元变化（绿色 = 改善）",
    "degree (links)": "度（连接数）",
    "closeness (1 / mean travel time, per minute)": "接近度（1 / 平均出行时间，每分钟）",
    "betweenness (share of shortest paths)": "介数（最短路径占比）",
    "straightness (straight / network distance)": "直线性（直线 / 路网距离）",
    "Network centrality by place: {measure}": "各地点网络中心性：{measure}",
}
"""Chinese interface text, keyed by the English text (a template with ``{placeholders}``)."""

CODES_ZH: dict[str, str] = {
    # road and rail classes, modes
    "expressway": "高速公路",
    "trunk": "干线公路",
    "urban": "城市道路",
    "connector": "连接线",
    "access": "接入段",
    "hsr": "高速铁路",
    "rail": "铁路",
    "road": "公路",
    # line statuses
    "open": "已通车",
    "under_construction": "在建",
    "planned": "规划",
    # provenance of structure elements
    "plan": "规划明确",
    "proposal": "建议稿",
    "reconstruction": "推断重构",
    "assumed": "假定",
    "unstated": "未说明",
    # place kinds
    "county_seat": "县级驻地",
    "key_town": "重点镇",
    "functional_zone": "功能区",
    "place": "地点",
    # plan tiers and roles
    "core": "核心",
    "pole": "增长极",
    "point": "支撑点",
    "axis": "发展轴",
    "other": "其他",
    # the two networks of a comparison when they have no years
    "base": "现状",
    "scenario": "方案",
}
"""Chinese labels of coded categories; codes not listed show as they are (they are data)."""


def set_lang(lang: str) -> None:
    """Set the session's default interface language of maps and result displays.

    Parameters
    ----------
    lang : {"en", "zh"}

    Returns
    -------
    None

    Raises
    ------
    OptionError
        For an unknown language.

    Examples
    --------
    >>> set_lang("zh"); get_lang()
    'zh'
    >>> set_lang("en")
    """
    _STATE["lang"] = check_lang(lang)


def get_lang() -> str:
    """The session's default interface language.

    Returns
    -------
    str

    Examples
    --------
    >>> get_lang()
    'en'
    """
    return _STATE["lang"]


def check_lang(lang: str | None) -> str:
    """``lang`` checked (``None``: the session default).

    Parameters
    ----------
    lang : str or None

    Returns
    -------
    str

    Raises
    ------
    OptionError
        Naming the language and the supported ones.

    Examples
    --------
    >>> check_lang(None)
    'en'
    >>> check_lang("fr")
    Traceback (most recent call last):
    ...
    linyi_spatial.errors.OptionError: unknown language 'fr'; expected one of ('en', 'zh')
    """
    if lang is None:
        return _STATE["lang"]
    if lang not in LANGS:
        raise OptionError(f"unknown language {lang!r}; expected one of {LANGS}")
    return lang


def tr(text: str, lang: str, /, **values: object) -> str:
    """Interface text in ``lang``, with ``{placeholders}`` filled from ``values``.

    Parameters
    ----------
    text : str
        The English text (the key of :data:`ZH`).
    lang : {"en", "zh"}
    **values
        Filled into the template (after the lookup, so data never change the key).

    Returns
    -------
    str
        Text not in the table shows in English.

    Examples
    --------
    >>> tr("Isochrones from {label}", "zh", label="临沂")
    '临沂等时圈'
    >>> tr("Isochrones from {label}", "en", label="Linyi")
    'Isochrones from Linyi'
    """
    template = ZH.get(text, text) if lang == "zh" else text
    return template.format(**values) if values else template


def local_name(zh: object, en: object, lang: str) -> str:
    """A place's or element's name in ``lang``, the other language's when it has none there.

    Parameters
    ----------
    zh, en : object
        The Chinese and English names (None, NaN or "" when missing).
    lang : {"en", "zh"}

    Returns
    -------
    str

    Examples
    --------
    >>> local_name("沂水", "Yishui", "zh"), local_name("沂水", "Yishui", "en"), local_name(None, "Yishui", "zh")
    ('沂水', 'Yishui', 'Yishui')
    """
    first, second = (zh, en) if lang == "zh" else (en, zh)
    for name in (first, second):
        if isinstance(name, str) and name:
            return name
    return ""


def code(value: object, lang: str) -> str:
    """A coded category (road class, status, place kind, tier) as people read it in ``lang``.

    Parameters
    ----------
    value : object
    lang : {"en", "zh"}

    Returns
    -------
    str
        In English the code with spaces for underscores; unknown codes as they are.

    Examples
    --------
    >>> code("under_construction", "zh"), code("under_construction", "en"), code("G2", "zh")
    ('在建', 'under construction', 'G2')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value)
    if lang == "zh":
        return CODES_ZH.get(text, text)
    return text.replace("_", " ") if text in CODES_ZH else text
