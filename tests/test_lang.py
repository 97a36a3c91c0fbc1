"""English and Chinese: every interface text has a translation, and displays and numbers follow the language."""

import ast
import re
from pathlib import Path

import pytest

from linyi_spatial import linyi
from linyi_spatial.accessibility import compare_scenarios
from linyi_spatial.catalog import MEASURES, measure_label
from linyi_spatial.errors import OptionError
from linyi_spatial.hierarchy import hierarchy_report
from linyi_spatial.linyi import cli as _cli  # noqa: F401 - registers the CLI's words
from linyi_spatial.linyi.mapset import MAPS, READING
from linyi_spatial.testing import made_up_network, made_up_structure
from linyi_spatial.viz import get_lang, set_lang, structure_map
from linyi_spatial.viz._html import fmt_measure
from linyi_spatial.viz.charts import CENTRALITY_LABELS
from linyi_spatial.viz.i18n import ZH, check_lang, code, tr
from linyi_spatial.viz.structure import ROLE_LABELS

PACKAGE = Path(__file__).resolve().parent.parent / "linyi_spatial"


def _literal_keys():
    """Every string literal passed as the first argument of tr() anywhere in the package."""
    keys = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "tr" and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    keys.add((path.name, first.value))
                elif isinstance(first, ast.IfExp):  # tr("a" if x else "b", ...)
                    keys |= {(path.name, b.value) for b in (first.body, first.orelse) if isinstance(b, ast.Constant)}
    return keys


def test_every_interface_text_has_a_chinese_translation():
    keys = _literal_keys()
    assert len(keys) > 100  # the scan finds the calls
    missing = sorted(k for k in keys if k[1] not in ZH)
    assert missing == []
    tables = [*MAPS.values(), *READING.values(), *CENTRALITY_LABELS.values()]
    tables += [*ROLE_LABELS.values(), *MAPS]  # the maps' keys name them in progress messages
    assert [t for t in tables if t not in ZH] == []
    assert [c for c, m in MEASURES.items() if not m.label_zh] == []  # every measure has a Chinese label
    # a translation keeps the template's placeholders, so no value goes missing
    for en, zh in ZH.items():
        assert set(re.findall(r"{(\w+)}", en)) == set(re.findall(r"{(\w+)}", zh)), en


def test_numbers_follow_the_language():
    # hand-worked: 1,773,960 persons = 177.396 万; 0.4562 = 45.6 %; 4.7e8 = 4.70 亿 = 470 M
    assert fmt_measure(1773960, "persons", "zh") == "177.4 万人"
    assert fmt_measure(1773960, "persons", "en") == "1,773,960"
    assert fmt_measure(52300, "persons", "zh") == "5.23 万人"
    assert fmt_measure(0.4562, "share", "zh") == "45.6%"
    assert fmt_measure(61.26, "min", "zh") == "61.3 分钟"
    assert fmt_measure(float("inf"), "min", "zh") == "不可达"
    assert fmt_measure(4.7e8, "", "zh") == "4.70 亿"
    assert fmt_measure(4.7e8, "", "en") == "470.0 M"
    assert code("under_construction", "zh") == "在建"
    assert code("G2", "zh") == "G2"
    assert measure_label("time_to_core_min", "zh") == "驻地到核心的时间（分钟）"


def test_language_choice_is_checked_and_the_session_default_applies():
    with pytest.raises(OptionError, match="unknown language 'fr'"):
        structure_map(made_up_structure(), tiles=None, lang="fr")
    with pytest.raises(OptionError, match="'EN'"):
        set_lang("EN")
    assert check_lang(None) == get_lang() == "en"
    s = made_up_structure()
    try:
        set_lang("zh")
        page = structure_map(s, tiles=None).get_root().render()
        assert tr("Planned structure", "zh") in page
        assert "Planned structure" not in page
        assert "增长极" in s._repr_html_()  # notebook displays follow the session language
    finally:
        set_lang("en")
    assert "Planned structure" in structure_map(s, tiles=None).get_root().render()


def _cells(html):
    return re.findall(r"<t[dh](?:\s[^>]*)?>(.*?)</t[dh]>", html)


def _rows(html):
    return [_cells(tr) for tr in re.findall(r"<tr>(.*?)</tr>", html)]


@pytest.fixture(scope="module")
def linyi_results():
    return linyi.load_structure(), linyi.hierarchy_report(2020), linyi.compare_scenarios(2020, 2035)


def test_displays_name_places_and_translate(linyi_results):
    s, r, _c = linyi_results
    zh = s.to_html(lang="zh")
    cells = _cells(zh)
    assert {"角色", "名称", "状态", "来源"} <= set(cells)
    assert cells.count("增长极") == 3
    assert cells.count("发展轴") == 7
    assert "沂水" in cells
    assert "yishui" not in cells
    assert "365.2 万人" in cells  # the core's three districts: 3,651,868 residents (census)
    en = _cells(s.to_html(lang="en"))
    assert en.count("pole") == 3
    assert "3,651,868" in en
    # hierarchy: every summary row, values formatted from the report's own numbers
    rows = r.summary()
    zh_cells = _cells(r.to_html(lang="zh"))
    assert len(zh_cells) == 3 * (len(rows) + 1)
    share = float(rows.loc[rows["key"] == "core_share", "value"].item())
    assert f"{100 * share:.1f}%" in zh_cells
    assert "中心城区 — 临沭县" in zh_cells  # the strongest link, named
    assert "齐普夫指数 q（2020年城镇常住人口，10 个地点，核心合并）" in zh_cells  # words, not the column name
    # linkages: names, not adcodes
    link_cells = _cells(r.linkages.to_html(lang="zh"))
    assert "中心城区 — 临沭县" in link_cells
    assert not any("371329" in x for x in link_cells)


def test_scenario_display_shows_each_change_with_its_unit(linyi_results):
    _, _, c = linyi_results
    html = c.to_html(lang="zh")
    header, *rows = _rows(html.split("</table>")[0])  # the unit table (the lines and the times by mode follow)
    assert "分方式到核心的时间" in html
    delta = c.units["mean_time_to_seats_min_delta"]
    uid = delta.abs().idxmax()  # the unit whose mean time to the other seats changes most
    assert abs(delta[uid]) > 1
    expected = f"{delta[uid]:+,.1f} 分钟"
    row = next(r for r in rows if r[0] == c.units.loc[uid, "name"])
    assert row[header.index("到其他驻地的平均时间（分钟）：变化")] == expected
    assert len(rows) == len(c.units) == 12


def test_made_up_region_displays_in_both_languages():
    s = made_up_structure()
    r = hierarchy_report(s, made_up_network(2020))
    c = compare_scenarios(made_up_network(2020), made_up_network(2035), s, cell_km=5)
    for obj in (s, r, c, r.linkages):
        zh, en = obj.to_html(lang="zh"), obj.to_html(lang="en")
        assert zh != en
        assert re.search(r"[\u4e00-\u9fff]", zh)
        assert not re.search(r"[\u4e00-\u9fff]", en)


def test_basemap_names_are_translated():
    from linyi_spatial.viz.basemaps import BASEMAPS

    assert [b["name"] for k, b in BASEMAPS.items() if k != "none" and b["name"] not in ZH] == []


def test_every_hierarchy_summary_row_has_a_chinese_label(linyi_results):
    _, r, _ = linyi_results
    rows = r.summary()
    labels = rows.loc[rows["key"] != "zipf_q", "measure"]  # the Zipf row is a template filled with the size
    assert [m for m in labels if m not in ZH] == []
    worded = [f for f in rows["formula"] if re.search(r"(?<![_A-Za-z])[a-z]{3,}(?![_A-Za-z])", f)]  # with words
    assert worded
    assert [f for f in worded if f not in ZH] == []


def test_words_live_with_the_code_that_uses_them():
    from linyi_spatial import i18n
    from linyi_spatial.linyi import cli
    from linyi_spatial.network import build
    from linyi_spatial.structure import spec

    assert ZH is i18n.ZH  # one lookup, filled by each module
    assert "no --scenario-network given: no scenario map" in cli._WORDS
    assert build._CODES["under_construction"] == code("under_construction", "zh") == "在建"
    assert spec._CODES["reconstruction"] == code("reconstruction", "zh")
    for module in (cli, build, spec):  # the CLI and the core never reach up into viz for words
        assert "viz" not in {n.split(".")[0] for n in _imported(module)}
    with pytest.raises(ValueError, match="conflicting translations"):
        i18n.add_words({"Full screen": "全屏幕"})
    with pytest.raises(ValueError, match="conflicting translations"):
        i18n.add_words(codes={"planned": "计划"})


def _imported(module):
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    return [(n.module or "").lstrip(".") for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level]


def test_a_potential_is_never_printed_as_a_head_count():
    """The Hansen potential is a decay-weighted sum of persons: 万 in Chinese, never 万人, in every display."""
    from linyi_spatial import linyi
    from linyi_spatial.catalog import measure_label, measure_unit
    from linyi_spatial.viz import set_lang

    assert measure_unit("hansen_size") == "potential"
    assert "非人数" in measure_label("hansen_size", "zh")
    comparison = linyi.compare_scenarios(2020, 2035, cell_km=5)
    try:
        set_lang("zh")
        html = comparison._repr_html_()
    finally:
        set_lang("en")
    import re

    rows = [re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S) for row in html.split("<tr")[1:]]
    header = next(r for r in rows if any("汉森" in c for c in r))
    col = next(i for i, c in enumerate(header) if "汉森" in c)
    values = [r[col] for r in rows if r is not header and len(r) == len(header)]
    assert len(values) >= 12  # the potential's change is shown for every county
    assert not any("万人" in v for v in values), values[:3]
    assert any("万" in v for v in values)  # large values still read in 万


def test_one_chinese_vocabulary_for_the_plan_roles_on_linyi_maps(tmp_path):
    """The structure map's 一心/三极/多点 are the hierarchy map's tiers too (not 核心/增长极/支撑点)."""
    from linyi_spatial.linyi.cli import main

    out = tmp_path / "zh"
    assert main(["maps", "--out", str(out), "--offline", "--quiet", "--cell-km", "5", "--lang", "zh"]) == 0

    def page_text(name):  # the page with its JSON-escaped strings (\\uXXXX) decoded
        raw = (out / name).read_text(encoding="utf-8")
        return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), raw)

    for name in ("structure.html", "hierarchy.html"):
        text = page_text(name)
        assert "三极" in text, name
        assert "多点" in text, name
        for generic in ("增长极", "支撑点"):
            assert generic not in text, (name, generic)
