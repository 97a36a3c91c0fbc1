"""No data string is ever compiled as a template: Jinja2 syntax and a command in every field run nothing.

folium and branca compile strings as Jinja2 templates (``folium.Element``,
and a second pass over every rendered macro). Here every string field of a
region — spec, units, places, column names, role labels, network nodes and
routes, OSM way names and refs, the spec's file name and the credits —
carries a tagged payload:

- ``~Fnn~{{ 6*7 }}`` shows whether anything evaluated it (``~Fnn~42``);
- a quote-free expression that would run ``touch <canary>`` through
  ``cycler.__init__.__globals__.os.system``, as an attacker's file would;
- a second region carries ``{#``, ``{%`` and an unclosed ``{{``, which a
  template compiler refuses with a ``TemplateSyntaxError``.

The CLI (both network sources, both languages), the Python API maps,
``.explore()``, the notebook display, the result displays and the charts
are produced from them: no command may run, nothing may be evaluated or
crash, and every field's tag must reach some page literally (the browser
test of ``tests/test_injection.py`` reads the same text on screen).
"""

import json
import re
import warnings
from contextlib import contextmanager
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from linyi_spatial.accessibility import compare_scenarios
from linyi_spatial.hierarchy import hierarchy_report
from linyi_spatial.linyi.cli import main
from linyi_spatial.linyi.mapset import Region, map_builders, write_maps
from linyi_spatial.network import build_network
from linyi_spatial.structure import SpatialStructure
from linyi_spatial.testing import made_up_tables, write_osm
from linyi_spatial.testing.region import UNITS
from linyi_spatial.viz import charts

FIELDS = [
    "region.name", "region.name_zh", "region.pattern", "role.core.en", "role.core.zh", "role.poles.en",
    "role.poles.zh", "role.axes.en", "role.axes.zh", "role.points.en", "role.points.zh", "role.units.en",
    "role.units.zh", "core.name", "core.name_zh", "pole.name", "pole.name_zh", "pole.source", "axis.name",
    "axis.name_zh", "axis.reason", "axis.source", "place.name", "place.name_zh", "place.source", "unit.label",
    "unit.size_column", "node.name", "node.name_zh", "route.name_zh", "route.ref", "osm.name", "osm.ref",
    "credits", "spec.file",
]  # fmt: skip
"""Every string field of the region that a map, display or chart may show."""

NOT_SHOWN = {
    "node.name": "no map draws network node names (routes are drawn, with their names and refs)",
    "node.name_zh": "no map draws network node names (routes are drawn, with their names and refs)",
    "pole.source": "sources of single elements are kept in the data and the GeoPackage, not drawn",
    "place.source": "sources of single elements are kept in the data and the GeoPackage, not drawn",
    "axis.source": "sources of single elements are kept in the data and the GeoPackage, not drawn",
}
"""Fields no page draws (the payload is still there, and still must run nothing)."""


def command(canary: Path) -> str:
    """A Jinja2 expression with no quotes that runs ``touch canary`` when a template evaluates it."""
    code = list(f"touch {canary}".encode())
    glob = "cycler.__init__.__globals__"
    return "{{ " + f"{glob}.os.system({glob}.__builtins__.bytes({code}).decode())" + " }}"


def template_region(folder: Path, payload) -> dict[str, Path]:
    """The made-up region with ``payload(field)`` in every string field; the spec file's name carries one too."""
    folder.mkdir(parents=True)
    p = {f: payload(f) for f in FIELDS}
    units = gpd.GeoDataFrame(UNITS.drop(columns="bounds"), geometry=[box(*b) for b in UNITS["bounds"]], crs=4326)
    units["label"] = [f"{p['unit.label']} {code}" for code in units["code"]]
    units = units.rename(columns={"residents": p["unit.size_column"]})
    (folder / "units.geojson").write_text(units.to_json(), encoding="utf-8")
    t = {k: json.dumps(v) for k, v in p.items()}  # a JSON string is a valid TOML basic string
    roles = "\n".join(f"{r} = {{ en = {t[f'role.{r}.en']}, zh = {t[f'role.{r}.zh']} }}"
                      for r in ("core", "poles", "axes", "points", "units"))  # fmt: skip
    spec = f"""
[region]
id = "valeshire"
name = {t["region.name"]}
name_zh = {t["region.name_zh"]}
crs = "EPSG:4326"
units = "units.geojson"
unit_id = "code"
pattern = {t["region.pattern"]}

[region.columns]
name = "label"
size = {t["unit.size_column"]}
urban = "townsfolk"

[region.role_labels]
{roles}

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
name = {t["place.name"]}
name_zh = {t["place.name_zh"]}
source = {t["place.source"]}
lon = 10.45
lat = 50.35
kind = "key_town"

[core]
id = "centre"
name = {t["core.name"]}
name_zh = {t["core.name_zh"]}
units = ["A"]
anchor = "a"

[[poles]]
id = "b_pole"
place = "b"
name = {t["pole.name"]}
name_zh = {t["pole.name_zh"]}
source = {t["pole.source"]}

[[axes]]
id = "east"
name = {t["axis.name"]}
name_zh = {t["axis.name_zh"]}
places = ["centre", "b", "d"]
corridors = ["X1"]
status = "reconstruction"
reason = {t["axis.reason"]}
source = {t["axis.source"]}

[[points]]
place = "c"
kind = "county_seat"
[[points]]
place = "mill"
kind = "key_town"
"""
    spec_path = folder / (p["spec.file"].split(" {{ cycler")[0] + ".toml")  # a file name holds no command
    spec_path.write_text(spec, encoding="utf-8")
    nodes, routes = made_up_tables()
    nodes["name"] = [f"{p['node.name']} {i}" for i in range(len(nodes))]
    nodes["name_zh"] = [f"{p['node.name_zh']} {i}" for i in range(len(nodes))]
    routes["name_zh"] = [f"{p['route.name_zh']} {i}" for i in range(len(routes))]
    routes["ref"] = [f"{p['route.ref']} {i}" for i in range(len(routes))]
    nodes.to_csv(folder / "nodes.csv", index=False)
    routes.to_csv(folder / "routes.csv", index=False)
    osm = write_osm(folder / "grid.osm").read_text(encoding="utf-8")
    xml = {k: json.dumps(p[k])[1:-1].replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
           for k in ("osm.name", "osm.ref")}  # fmt: skip
    osm = re.sub(r'v="(Row|Column) (\d+) (Road|Street)"', lambda m: f'v="{xml["osm.name"]} {m[2]}"', osm)
    primary = '<tag k="highway" v="primary"/>'
    osm = osm.replace(primary, f'{primary}<tag k="ref" v="{xml["osm.ref"]}"/>')
    (folder / "roads.osm").write_text(osm, encoding="utf-8")
    return {"spec": spec_path, "nodes": folder / "nodes.csv", "routes": folder / "routes.csv",
            "osm": folder / "roads.osm", "payloads": p}  # fmt: skip


def tagged(canary: Path):
    return lambda field: f"~{field}~{{{{ 6*7 }}}} {command(canary)}"


def broken(field: str) -> str:
    return f"~{field}~ Block {{#3 {{% if %}} J{{{{ 6*7 }}}}J {{{{ x"


LITERAL = re.compile(r"~([a-z_.]+(?:\.[a-z]+)?)~(?:&#123;|&amp;#123;|\\u007b|\\u0026#123;|&amp;amp;#123;|\{)")
EVALUATED = re.compile(r"~[a-z_.]+~42|J42J")


def cli_pages(files: dict, out: Path, *, source: str, lang: str) -> dict[str, str]:
    net = ["--network", str(files["osm"])] if source == "osm" else ["--nodes", str(files["nodes"]),
                                                                        "--routes", str(files["routes"])]  # fmt: skip
    code = main(["maps", "--spec", str(files["spec"]), *net, "--out", str(out), "--offline", "--quiet",
                 "--cell-km", "5", "--lang", lang])  # fmt: skip
    assert code == 0
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(out.glob("*.html"))}


def api_pages(files: dict, lang: str, out: Path) -> dict[str, str]:
    """Maps (with credits), notebook displays, result displays and charts through the Python API."""
    s = SpatialStructure.from_file(files["spec"])
    nodes, routes = pd.read_csv(files["nodes"]), pd.read_csv(files["routes"])
    G, G2 = build_network(nodes, routes, year=2020), build_network(nodes, routes, year=2035)
    report = hierarchy_report(s, G)
    comparison = compare_scenarios(G, G2, s, cell_km=5)
    pages = {
        "explore": s.explore(lang=lang).get_root().render(),
        "notebook": s.explore(lang=lang)._repr_html_(),
        "structure display": s._repr_html_() + s.to_html(lang=lang),
        "report display": report.to_html(lang=lang) + report.explore(lang=lang)._repr_html_(),
        "scenario display": comparison.to_html(lang=lang) + comparison.explore(lang=lang)._repr_html_(),
    }
    credits = files["payloads"]["credits"]
    region = Region(s, G, G2, labels=(2020, 2035), cell_km=5, credits={"en": credits, "zh": credits})
    written = write_maps(map_builders(region, tiles=None, lang=lang, say=str), out, title=s.name, lang=lang, say=str)
    pages.update({f"written {k}": path.read_text(encoding="utf-8") for k, path in written.items()})
    for chart in (charts.rank_size_chart(report, lang=lang), charts.centrality_chart(report, lang=lang),
                  charts.scenario_chart(comparison, "pop_mean_time_to_core_min", lang=lang)):  # fmt: skip
        with warnings.catch_warnings():  # names this long leave constrained layout no room; they still draw
            warnings.filterwarnings("ignore", "constrained_layout not applied")
            chart._repr_png_()  # draws: a template or mathtext reading of a name would fail here
    return pages


@pytest.fixture(scope="module")
def canary(tmp_path_factory):
    return tmp_path_factory.mktemp("canary") / "ran"


@contextmanager
def compiled_sources():
    """Every source string compiled as a Jinja2 template (folium's, branca's and jinja2's own) inside the block."""
    import jinja2

    seen: list[str] = []
    original = jinja2.Environment.from_string

    def spy(self, source, *args, **kwargs):
        seen.append(source if isinstance(source, str) else "")
        return original(self, source, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(jinja2.Environment, "from_string", spy)
        yield seen


@pytest.fixture(scope="module")
def compiled_and_pages(tmp_path_factory, canary):
    """Every page written from the tagged region (CLI: tables and OSM, en and zh; Python API), and every
    template source compiled while writing them."""
    folder = tmp_path_factory.mktemp("templates")
    files = template_region(folder / "in", tagged(canary))
    out = {}
    with compiled_sources() as seen:
        for source in ("tables", "osm"):
            for lang in ("en", "zh"):
                for name, text in cli_pages(files, folder / f"{source}_{lang}", source=source, lang=lang).items():
                    out[f"cli {source} {lang}: {name}"] = text
        for lang in ("en", "zh"):
            for name, text in api_pages(files, lang, folder / f"api_{lang}").items():
                out[f"api {lang}: {name}"] = text
    return seen, out


@pytest.fixture(scope="module")
def pages(compiled_and_pages):
    return compiled_and_pages[1]


def test_command_payload_is_live(tmp_path):
    """The payload really runs a command when a template evaluates it (so the tests below can fail)."""
    from jinja2 import Template

    canary = tmp_path / "ran"
    Template(command(canary)).render()
    assert canary.exists()


def test_no_command_runs(pages, canary):
    assert len(pages) > 20
    assert not canary.exists(), "a data string was evaluated as a template and ran a command"


def test_nothing_is_evaluated(pages):
    evaluated = {k: EVALUATED.findall(v)[:3] for k, v in pages.items() if EVALUATED.search(v)}
    assert evaluated == {}


def test_no_template_source_holds_user_text(compiled_and_pages):
    """Of the thousands of strings folium, branca and jinja2 compile, none carries a payload's delimiters:
    user text reaches a compiled source only escaped (``&#123;``), never as ``{{``."""
    seen, _ = compiled_and_pages
    assert len(seen) > 1000
    assert any("~core.name~&#123;&#123; 6*7" in s for s in seen)  # the payloads do pass through, escaped
    raw = [s[max(0, s.find("6*7") - 80) : s.find("6*7") + 20] for s in seen if "{{ 6*7 }}" in s]
    assert raw == []
    assert [s for s in seen if "cycler.__init__" in s and "{{ cycler" in s] == []


def test_every_shown_field_is_literal(pages):
    seen = {m for text in pages.values() for m in LITERAL.findall(text)}
    assert sorted(set(FIELDS) - seen - set(NOT_SHOWN)) == []
    assert sorted(seen - set(FIELDS)) == []


def test_template_syntax_in_every_field_crashes_nothing(tmp_path):
    """``{#``, ``{%`` and an unclosed ``{{`` everywhere: every map is written and shows the text as given."""
    files = template_region(tmp_path / "in", broken)
    for source, lang in (("tables", "zh"), ("osm", "en")):
        written = cli_pages(files, tmp_path / f"{source}_{lang}", source=source, lang=lang)
        assert "index.html" in written
        assert len(written) >= 6
        assert not [k for k, v in written.items() if EVALUATED.search(v)]
        assert "Block &#123;#3 &#123;% if %&#125;" in written["structure.html"]
    pages = api_pages(files, "en", tmp_path / "api")
    assert "Block &#123;#3" in pages["notebook"].replace("&amp;", "&")


def test_chart_names_are_drawn_as_written():
    """matplotlib reads ``$...$`` as TeX; a place called ``$x^$`` must not stop a chart from drawing."""
    from linyi_spatial.testing import made_up_network, made_up_structure

    report = hierarchy_report(made_up_structure(), made_up_network(2020))
    report.places["name"] = ["$x^$", "a $\\frac{$ b", "$$", "c", "d"]
    report.places["name_en"] = report.places["name"]  # the names English charts draw
    for chart in (charts.centrality_chart(report), charts.rank_size_chart(report)):
        assert chart._repr_png_()[:4] == b"\x89PNG"
        texts = [t.get_text() for t in chart.findobj(lambda a: hasattr(a, "get_parse_math"))]
        assert "$x^$" in texts


PACKAGE = Path(__file__).resolve().parent.parent / "linyi_spatial"


def test_no_template_is_built_from_anything_but_constants():
    """``Template(...)`` only of literal text and module constants; ``folium.Element(text)`` nowhere (use RawHTML)."""
    import ast

    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            called = ast.unparse(node.func)
            where = f"{path.relative_to(PACKAGE)}:{node.lineno}"
            if called.endswith("Element") and called != "super().__init__" and node.args:
                problems.append(f"{where}: {called}(text) compiles its text as a template")
            if called.endswith("Template"):
                for sub in (s for arg in node.args for s in ast.walk(arg)):
                    if isinstance(sub, ast.JoinedStr) or (isinstance(sub, ast.Name) and not sub.id.isupper()):
                        problems.append(f"{where}: Template built from {ast.unparse(sub)}")
    assert problems == []


# ---- map-service keys: the three routes a key takes into a page ------------------------------------------------

GOOD_KEY = "0123456789abcdef0123456789abcdef"


@pytest.fixture(scope="module")
def made_up_files(tmp_path_factory):
    from linyi_spatial.testing import write_region

    return write_region(tmp_path_factory.mktemp("keys") / "in")


def _cli_maps(files, out, *extra):
    return main(["maps", "--spec", str(files["spec"]), "--nodes", str(files["nodes"]), "--routes",
                 str(files["routes"]), "--out", str(out), "--quiet", "--cell-km", "5", *extra])  # fmt: skip


@pytest.mark.parametrize("key", ["command", "K{{ 6*7 }}", "K{% if 1 %}x{% endif %}", "K{#", "short", 'K"onload'])
def test_a_key_through_the_cli_flag_is_refused_before_any_work(made_up_files, tmp_path, canary, capsys, key):
    key = command(canary) if key == "command" else key
    with pytest.raises(SystemExit) as exc:
        _cli_maps(made_up_files, tmp_path / "out", "--tiles", "tianditu", "--tiles-key", key)
    assert exc.value.code == 2
    assert "--tiles-key is not a map-service key" in capsys.readouterr().err
    assert not canary.exists()
    assert not (tmp_path / "out").exists()


def test_a_key_in_the_environment_with_the_default_tiles_is_left_out_and_said(
    made_up_files, tmp_path, canary, monkeypatch, capsys
):
    """The default ``--tiles osm`` offers Tianditu as an alternative when ``TIANDITU_KEY`` is set: a hostile
    value leaves that basemap out with a warning (said once); the maps are written and nothing runs."""
    monkeypatch.setenv("TIANDITU_KEY", command(canary))
    assert _cli_maps(made_up_files, tmp_path / "out") == 0
    err = capsys.readouterr().err
    assert err.count("warning: TIANDITU_KEY is not a map-service key: character '{' at position 1") == 1
    assert "the 天地图 Tianditu basemap is left out" in err
    page = (tmp_path / "out" / "structure.html").read_text(encoding="utf-8")
    assert "tianditu.gov.cn" not in page
    assert "cycler" not in page
    assert not canary.exists()
    monkeypatch.setenv("TIANDITU_KEY", GOOD_KEY)  # the same route with a real key draws the alternative
    assert _cli_maps(made_up_files, tmp_path / "out2") == 0
    page = (tmp_path / "out2" / "structure.html").read_text(encoding="utf-8")
    assert "tianditu.gov.cn" in page
    assert f'"tk": "{GOOD_KEY}"' in page


def test_a_key_in_the_environment_chosen_by_the_cli_is_refused(made_up_files, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TIANDITU_KEY", "K{{ 6*7 }}")
    with pytest.raises(SystemExit):
        _cli_maps(made_up_files, tmp_path / "out", "--tiles", "tianditu")
    assert "TIANDITU_KEY is not a map-service key: character '{' at position 2" in capsys.readouterr().err


@pytest.mark.parametrize("tiles", ["tianditu", "osm"])
@pytest.mark.parametrize("key", ["command", "K{{ 6*7 }}", "K{% if %}", "K{#"])
def test_a_key_through_the_api_is_a_named_error_never_a_template(canary, tiles, key):
    from linyi_spatial.errors import OptionError
    from linyi_spatial.testing import made_up_structure
    from linyi_spatial.viz import structure_map

    key = command(canary) if key == "command" else key
    with compiled_sources() as seen, pytest.raises(OptionError, match="tiles_key is not a map-service key"):
        structure_map(made_up_structure(), tiles=tiles, tiles_key=key).get_root().render()
    assert [s for s in seen if key in s] == []
    assert not canary.exists()


def test_a_good_key_reaches_the_page_as_a_leaflet_option_not_in_the_url():
    from linyi_spatial.testing import made_up_structure
    from linyi_spatial.viz import structure_map

    page = structure_map(made_up_structure(), tiles="tianditu", tiles_key=GOOD_KEY).get_root().render()
    assert "\\u0026tk={tk}" in page  # Leaflet fills {tk} from the layer's options
    assert f'"tk": "{GOOD_KEY}"' in page
    assert f"tk={GOOD_KEY}" not in page
