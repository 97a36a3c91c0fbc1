"""Structure map HTML, asset inlining and the linyi-spatial command (no browser needed)."""

import re

import pytest

import linyi_spatial as ls
from linyi_spatial.cli import main
from linyi_spatial.maps import save_html, structure_map

from .regions import write_village_region

XSS = '<img src=x onerror="window.__xss=1">'


@pytest.fixture(scope="module")
def linyi_html():
    return structure_map(tiles=None).get_root().render()


def test_structure_map_draws_every_element(linyi_html):
    s = ls.load_structure()
    # one GeoJson per unit plus the core polygon; one polyline per axis;
    # one circle marker per pole and point plus the core anchor
    assert len(re.findall(r"L\.geoJson\(", linyi_html)) == len(s.units) + 1 == 13
    assert len(re.findall(r"L\.polyline\(", linyi_html)) == len(s.axes) == 7
    assert len(re.findall(r"L\.circleMarker\(", linyi_html)) == len(s.poles) + len(s.points) + 1 == 20
    for name in ("沂水", "平邑", "临港", "中心城区", "兰山区"):
        assert name in linyi_html
    assert "L.control.layers" in linyi_html and "L.control.scale" in linyi_html


def test_unknown_tiles_rejected():
    with pytest.raises(ValueError, match="unknown tiles 'stamen'"):
        structure_map(tiles="stamen")


def test_user_strings_are_escaped(tmp_path):
    s = ls.SpatialStructure.from_file(write_village_region(tmp_path, XSS))
    text = structure_map(s, tiles=None).get_root().render()
    assert XSS not in text
    assert "&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;" in text


def test_inline_assets_remove_cdn_links(tmp_path):
    m = structure_map(tiles=None)
    inlined = save_html(m, tmp_path / "inline.html").read_text(encoding="utf-8")
    assert not re.search(r'<script\s+src="https?://', inlined)
    assert not re.search(r'<link\s+rel="stylesheet"\s+href="https?://', inlined)
    assert "L.Icon.Default.mergeOptions" in inlined and "jQuery" in inlined
    cdn = save_html(m, tmp_path / "cdn.html", inline=False).read_text(encoding="utf-8")
    assert re.search(r'<script\s+src="https://cdn\.jsdelivr\.net/npm/leaflet@[\d.]+/dist/leaflet\.js"', cdn)


def test_cli_writes_maps_into_empty_folder(tmp_path, capsys):
    out = tmp_path / "maps"
    assert main(["maps", "--out", str(out), "--offline"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "structure.html"]
    assert "structure.html" in (out / "index.html").read_text(encoding="utf-8")
    html = (out / "structure.html").read_text(encoding="utf-8")
    assert "tile.openstreetmap.org" not in html  # --offline: no tile layer
    assert (out / "structure.html").stat().st_size < 3_000_000
    assert str(out / "structure.html") in capsys.readouterr().out


def test_cli_other_region_and_bad_input(tmp_path, capsys):
    spec = write_village_region(tmp_path)
    assert main(["maps", "--out", str(tmp_path / "m"), "--spec", str(spec), "--cdn"]) == 0
    assert "Testland" in (tmp_path / "m" / "structure.html").read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(spec.read_text(encoding="utf-8").replace('anchor = "hall"', 'anchor = "nowhere"'), encoding="utf-8")
    assert main(["maps", "--out", str(tmp_path / "m2"), "--spec", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "anchor 'nowhere' is not a known place" in err and "bad.toml" in err
    with pytest.raises(SystemExit) as info:
        main(["maps", "--tiles", "nope"])
    assert info.value.code == 2
    with pytest.raises(SystemExit):
        main(["maps", "--offline", "--cdn"])
