"""Static report figures: the sheet's furniture, true scale and north, the maps' classes, Chinese glyphs, safe files."""

import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyproj
import pytest

pytest.importorskip("matplotlib")

from linyi_spatial import linyi
from linyi_spatial.errors import DataError, MissingFontError, OptionError
from linyi_spatial.linyi.cli import main
from linyi_spatial.linyi.mapset import MapInputs, Region, figure_builders
from linyi_spatial.testing import made_up_network, made_up_structure
from linyi_spatial.viz import fonts
from linyi_spatial.viz.accessibility import measure_classes
from linyi_spatial.viz.figures import accessibility_figure, structure_figure
from linyi_spatial.viz.static import (
    PAPERS,
    StaticLayer,
    grid_convergence_deg,
    nice_length_m,
    save_figure,
    static_map,
    static_written_by_us,
)


@pytest.fixture(scope="module")
def linyi_scores():
    return linyi.county_accessibility(2020)


def _texts(fig):
    out = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        out += [t.get_text() for t in ax.texts]
        for legend in [a for a in ax.get_children() if type(a).__name__ == "Legend"]:
            out += [t.get_text() for t in legend.get_texts()] + [legend.get_title().get_text()]
    return out


@pytest.mark.parametrize(("paper", "orientation"), [("A4", "landscape"), ("A4", "portrait"), ("A3", "landscape")])
def test_a_sheet_has_its_paper_size_title_legend_scale_north_and_sources(paper, orientation):
    s = made_up_structure()
    fig = static_map(
        [StaticLayer(s.units, facecolor="#eeeeee", edgecolor="#666666", labels=list(s.units.index), label_kind="unit")],
        title="A <title>",
        legends=[("Key", [("box", "#fde725", "best"), ("line", "#000000", "road")])],
        sources="Census 2020",
        paper=paper,
        orientation=orientation,
        lang="en",
    )
    short, long = PAPERS[paper]
    expected = (long, short) if orientation == "landscape" else (short, long)
    assert tuple(np.round(fig.get_size_inches() * 25.4)) == expected
    texts = _texts(fig)
    assert "A <title>" in texts  # as written: no markup, no TeX
    assert any(t.startswith("Sources: Census 2020") for t in texts)
    assert "N" in texts
    assert any(t.startswith("scale 1 : ") for t in texts)
    assert {"best", "road", "Key"} <= set(texts)
    assert set(s.units.index) <= set(texts)  # every unit named


def test_the_scale_bar_and_the_representative_fraction_are_true_on_paper():
    """The fraction is the map's metres over the axes' millimetres on the sheet (two significant figures)."""
    u = linyi.load_counties()
    fig = static_map([StaticLayer(u, facecolor="#eeeeee", edgecolor="#666666")], title="t", lang="en")
    ax = fig.axes[0]
    width_mm = ax.get_position().width * fig.get_size_inches()[0] * 25.4
    x0, x1 = ax.get_xlim()
    true = (x1 - x0) * 1000 / width_mm
    label = next(t.get_text() for t in ax.texts if t.get_text().startswith("scale 1 : "))
    stated = float(label.removeprefix("scale 1 : ").replace(" ", ""))
    assert stated == pytest.approx(true, rel=0.05)
    assert stated == 1_200_000  # A4 landscape frames Linyi at 1 : 1 200 000
    from matplotlib.patches import Rectangle

    bar = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_zorder() == 30]
    assert sum(p.get_width() for p in bar) == pytest.approx(nice_length_m(x1 - x0))  # four quarters of a round length
    assert nice_length_m(x1 - x0) == 40_000  # "0 20 40 km"
    assert {"0", "20", "40 km"} <= {t.get_text() for t in ax.texts}


PLACES = [(118.4, 35.2, "EPSG:32650"), (115.5, 35.2, "EPSG:32650"), (24.94, 60.17, "EPSG:32635"),
          (-43.2, -22.9, "EPSG:32723")]  # fmt: skip


@pytest.mark.parametrize(("lon", "lat", "crs"), PLACES)
def test_the_north_arrow_turns_by_the_grid_convergence_pyproj_reports(lon, lat, crs):
    """True north on a UTM sheet leans off grid north by the meridian convergence (pyproj's get_factors)."""
    expected = -pyproj.Proj(crs).get_factors(lon, lat).meridian_convergence
    assert grid_convergence_deg(lon, lat, crs) == pytest.approx(expected, abs=1e-3)


def test_the_accessibility_figure_draws_the_html_maps_classes_and_the_best_county_light(linyi_scores):
    units = linyi.load_structure().units
    fig = accessibility_figure(linyi_scores, units, lang="en")
    ax = fig.axes[0]
    fills = next(c for c in ax.collections if len(c.get_facecolors()) == len(units)).get_facecolors()
    drawn = ["#{:02x}{:02x}{:02x}".format(*(np.round(c[:3] * 255).astype(int))) for c in fills]
    expected, items = measure_classes(linyi_scores["composite_score"].reindex(units.index), "composite_score", "en")
    assert drawn == list(expected)  # the same classes and colours as the web map
    best = linyi_scores["composite_score"].idxmax()
    assert drawn[list(units.index).index(best)] == "#fde725"  # the better end light
    assert len({c for _, c, _ in items}) == len(items)  # no two classes share a colour
    legend = [t.get_text() for t in _legend_texts(fig)]
    assert [label for _, _, label in items] == [t for t in legend if t in {label for _, _, label in items}]


def _legend_texts(fig):
    out = []
    for ax in fig.axes:
        for legend in [a for a in ax.get_children() if type(a).__name__ == "Legend"]:
            out += legend.get_texts()
    return out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_county_is_named_and_no_two_names_overlap(linyi_scores, lang):
    units = linyi.load_structure().units
    fig = accessibility_figure(linyi_scores, units, lang=lang, context=linyi.load_neighbours())
    column = "name_zh" if lang == "zh" else "name_en"
    ax = fig.axes[0]
    names = [t for t in ax.texts if t.get_zorder() == 20]
    assert set(units[column]) <= {t.get_text() for t in names}
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in names]
    frame = ax.get_window_extent(renderer)
    for i, a in enumerate(boxes):
        assert frame.contains(a.x0, a.y0), names[i].get_text()
        assert frame.contains(a.x1, a.y1), names[i].get_text()
        for j in range(i):
            assert not a.overlaps(boxes[j]), (names[i].get_text(), names[j].get_text())


def _has_glyph(family, char):
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    return FT2Font(path).get_char_index(ord(char)) != 0


def test_the_chinese_structure_figure_draws_chinese_glyphs_not_boxes(tmp_path):
    """matplotlib reports no missing glyph while the Chinese sheet is written, and the sheet's font has 临."""
    s = linyi.load_structure()
    fig = structure_figure(s, G=linyi.load_network(2035), context=linyi.load_neighbours(), lang="zh")
    assert "临沂市 — 一心引领、三极联动、七轴集聚、多点支撑" in _texts(fig)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)" where it draws a box
        save_figure(fig, tmp_path / "structure.png", dpi=60)
    first = fonts.use_font("zh")["font.family"][0]
    assert first == fonts.require_cjk_font()
    assert _has_glyph(first, "临")
    assert _has_glyph(first, "沂")
    assert not _has_glyph("DejaVu Sans", "临")  # the check tells a font without Chinese apart


def test_no_cjk_font_is_a_named_error_naming_the_package(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(fonts, "cjk_font", lambda: None)
    with pytest.raises(MissingFontError, match="fonts-noto-cjk"):
        structure_figure(made_up_structure(), lang="zh")
    code = main(["maps", "--out", str(tmp_path / "m"), "--lang", "zh", "--static", "--offline", "--quiet"])
    assert code == 2
    assert "apt-get install fonts-noto-cjk" in capsys.readouterr().err
    assert not (tmp_path / "m").exists() or not any((tmp_path / "m").iterdir())  # refused before any work


def test_save_figure_writes_png_pdf_svg_marked_and_never_overwrites_a_users_file(tmp_path):
    fig = static_map([StaticLayer(made_up_structure().units, facecolor="#eeeeee")], title="t", lang="en")
    for suffix, head in ((".png", b"\x89PNG"), (".pdf", b"%PDF"), (".svg", b"<?xml")):
        p = save_figure(fig, tmp_path / f"f{suffix}", dpi=50)
        assert p.read_bytes().startswith(head)
        assert static_written_by_us(p)
        save_figure(fig, p, dpi=50)  # its own file may be replaced
    mine = tmp_path / "mine.png"
    mine.write_bytes(b"\x89PNG my holiday photo")
    with pytest.raises(DataError, match="refusing to overwrite"):
        save_figure(fig, mine)
    assert mine.read_bytes() == b"\x89PNG my holiday photo"
    with pytest.raises(OptionError, match="png, pdf, svg"):
        save_figure(fig, tmp_path / "f.jpg")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.pdf", "f.png", "f.svg", "mine.png"]  # no temporary left


def test_every_figure_of_a_second_region_is_drawn_with_its_furniture():
    s = made_up_structure()
    region = Region(s, made_up_network(2020), made_up_network(2035), labels=(2020, 2035), cell_km=5)
    builders = figure_builders(region, lang="en", say=lambda _m: None)
    assert sorted(builders) == ["accessibility", "hierarchy", "isochrones", "scenario", "structure", "surface"]
    for key, build in builders.items():
        fig = build()
        texts = _texts(fig)
        assert "N" in texts, key
        assert any(t.startswith("scale 1 : ") for t in texts), key
        assert any(t.startswith("Sources: Valeshire structure") for t in texts), key  # the region's credits
        assert len(fig.axes) == 3, key  # map, inset, legend


def test_the_figure_builder_draws_the_table_the_core_computed():
    """The accessibility figure of the map set fills each unit with the class of the scores the core computed
    (the same table the HTML map draws), the best unit light."""
    s = made_up_structure()
    region = Region(s, made_up_network(2020), cell_km=5)
    inputs = MapInputs(region, "en", lambda _m: None)
    fig = figure_builders(region, lang="en", inputs=inputs)["accessibility"]()
    scores = inputs.scores()
    expected, _ = measure_classes(scores["composite_score"].reindex(s.units.index), "composite_score", "en")
    fills = next(c for c in fig.axes[0].collections if len(c.get_facecolors()) == len(s.units)).get_facecolors()
    drawn = ["#{:02x}{:02x}{:02x}".format(*(np.round(c[:3] * 255).astype(int))) for c in fills]
    assert drawn == list(expected)
    assert drawn[list(s.units.index).index(scores["composite_score"].idxmax())] == "#fde725"


@pytest.mark.integration
def test_the_cli_writes_a_png_and_a_pdf_per_map_linked_from_the_index(tmp_path):
    out = tmp_path / "maps"
    assert main(["maps", "--out", str(out), "--lang", "zh", "--static", "--offline", "--quiet", "--dpi", "60"]) == 0
    keys = ["structure", "accessibility", "surface", "isochrones", "scenario", "hierarchy"]
    for key in keys:
        png, pdf = out / f"{key}.png", out / f"{key}.pdf"
        assert png.read_bytes()[:4] == b"\x89PNG", key
        assert pdf.read_bytes()[:4] == b"%PDF", key
        assert static_written_by_us(png)
        assert static_written_by_us(pdf)
        assert b"NotoSansCJK" in pdf.read_bytes() or b"Noto" in pdf.read_bytes(), key  # the CJK font is embedded
    index = (out / "index.html").read_text(encoding="utf-8")
    assert all(f"href='{k}.png'" in index and f"href='{k}.pdf'" in index for k in keys)
    # a run without --static removes the figures it no longer writes (they are the library's)
    assert main(["maps", "--out", str(out), "--offline", "--quiet"]) == 0
    assert not list(out.glob("*.png"))
    assert not list(out.glob("*.pdf"))
    Path(out / "structure.png").write_bytes(b"a user's own picture")
    assert main(["maps", "--out", str(out), "--offline", "--quiet", "--static", "--dpi", "60"]) == 2
    assert Path(out / "structure.png").read_bytes() == b"a user's own picture"


def test_crowded_names_are_moved_apart_not_drawn_over_each_other():
    """Five places 500 m apart on a 100 km sheet: each name takes a free position round its point."""
    import geopandas as gpd
    from shapely import box

    frame = gpd.GeoDataFrame(geometry=[box(118.0, 35.0, 119.0, 35.9)], crs="EPSG:4326")
    places = gpd.GeoDataFrame(geometry=gpd.points_from_xy([118.5 + 0.0055 * i for i in range(5)], [35.45] * 5),
                              crs="EPSG:4326")  # fmt: skip
    fig = static_map(
        [StaticLayer(frame, facecolor="#eeeeee"),
         StaticLayer(places, facecolor="#000000", markersize=3, labels=[f"Place {i}" for i in range(5)])],
        title="t", lang="en",
    )  # fmt: skip
    ax = fig.axes[0]
    names = [t for t in ax.texts if t.get_text().startswith("Place")]
    assert sorted(t.get_text() for t in names) == [f"Place {i}" for i in range(5)]
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in names]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[:i])


def _named_units(n: int):
    import shapely

    side = int(n**0.5) + 1
    boxes = [shapely.box(10 + i * 0.05, 50 + j * 0.05, 10 + (i + 1) * 0.05, 50 + (j + 1) * 0.05)
             for i in range(side) for j in range(side)][:n]  # fmt: skip
    return gpd.GeoDataFrame({"name": [f"Unit {k}" for k in range(n)]}, geometry=boxes, crs=4326)


def test_name_placement_compares_each_name_with_its_neighbours_only(monkeypatch):
    """Placing names compares a candidate position with the names in the grid cells it covers, at most
    ``crowd`` per cell: a bounded number per position, a few per cent of what comparing with every name placed
    costs (that all-pairs placement took 57 s for 625 units; 2,000 units now take about 5 s)."""
    from linyi_spatial.viz import static

    compared = []
    overlap = static._BoxIndex.overlap

    def counting(self, box):
        cells = list(self._cells(*box))
        compared.append((len({k for key in cells for k in self.grid.get(key, ())[-self.crowd :]}), len(cells)))
        return overlap(self, box)

    monkeypatch.setattr(static._BoxIndex, "overlap", counting)
    n = 1000
    units = _named_units(n)
    fig = static.static_map([StaticLayer(units, labels=list(units["name"]), label_kind="unit")], title="t")
    shown = sum(t.get_text().startswith("Unit ") for t in fig.axes[0].texts)
    note = [t.get_text() for t in fig.texts if "unit names left out" in t.get_text()]
    assert note == [f"{n - shown:,} of {n:,} unit names left out where they would overlap"]  # every name accounted
    assert 100 < shown < n
    assert all(k <= cells * static._BoxIndex.crowd for k, cells in compared)
    all_pairs = len(compared) * n / 2  # each position against the names placed before it, on average
    assert sum(k for k, _ in compared) < 0.1 * all_pairs


def test_placed_names_do_not_overlap_where_there_is_room():
    from matplotlib.transforms import Bbox

    units = _named_units(40)
    fig = static_map([StaticLayer(units, labels=list(units["name"]), label_kind="unit")], title="t")
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in fig.axes[0].texts if t.get_text().startswith("Unit ")]
    assert len(boxes) == 40
    clashes = [
        (i, j)
        for i in range(40)
        for j in range(i)
        if Bbox.intersection(boxes[i], boxes[j]) is not None
        and Bbox.intersection(boxes[i], boxes[j]).width * Bbox.intersection(boxes[i], boxes[j]).height > 1
    ]
    assert clashes == []


def _png_with_text(key: bytes, value: bytes) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"tEXt", key + b"\x00" + value)
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))  # fmt: skip


def test_a_users_figure_that_merely_quotes_the_mark_is_not_the_librarys(tmp_path):
    """Figures used a substring test on their first and last 64 kB: a user's ``structure.pdf`` quoting the mark
    sentence was overwritten without ``--overwrite``. Now the metadata field must be the mark, as for the maps."""
    from linyi_spatial.viz.static import STATIC_MARK, save_figure, static_written_by_us

    mark = STATIC_MARK.encode()
    quoting = {
        "quote.pdf": b"%PDF-1.4\n1 0 obj\n<< /Length 80 >>\nstream\nBT (" + mark + b") Tj ET\nendstream\nendobj\n"
        b"2 0 obj\n<< /Creator (my word processor) >>\nendobj\n%%EOF\n",
        "quote.svg": b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><text>' + mark + b"</text></svg>",
        "comment.png": _png_with_text(b"Comment", mark),
        "late.png": _png_with_text(b"Title", b"mine")[:-12] + b"\x00\x00\x00\x00tEXt" + mark,  # after the image
        "text.txt": b"Software\x00" + mark,
    }
    for name, content in quoting.items():
        (tmp_path / name).write_bytes(content)
        assert not static_written_by_us(tmp_path / name), name
    (tmp_path / "ours.png").write_bytes(_png_with_text(b"Software", mark))
    assert static_written_by_us(tmp_path / "ours.png")
    fig = static_map([StaticLayer(made_up_structure().units)], title="t")
    for fmt in ("png", "pdf", "svg"):
        with pytest.raises(DataError, match="did not write"):
            save_figure(fig, tmp_path / f"quote.{fmt}" if fmt != "png" else tmp_path / "comment.png")
        assert static_written_by_us(save_figure(fig, tmp_path / f"new.{fmt}"))


def test_names_that_look_like_tex_draw_as_written_in_every_figure(tmp_path):
    """``$x^$`` in a unit, core, pole, axis, place or route name was a mathtext ValueError with ``--static``
    (the names were measured before ``parse_math=False`` applied); every figure now draws them as written."""
    from .test_templates import template_region

    files = template_region(tmp_path / "in", lambda field: f"$x^$ {field}")
    code = main(["maps", "--spec", str(files["spec"]), "--nodes", str(files["nodes"]), "--routes",
                 str(files["routes"]), "--out", str(tmp_path / "out"), "--offline", "--quiet", "--cell-km", "5",
                 "--static"])  # fmt: skip
    assert code == 0
    assert len(list((tmp_path / "out").glob("*.png"))) >= 5
