"""``import linyi_spatial`` stays light: the presentation layer, the case study and heavy scipy parts load when used."""

import subprocess
import sys

HEAVY = ("folium", "matplotlib", "mapclassify", "branca", "scipy.sparse", "scipy.stats", "scipy.spatial",
         "linyi_spatial.viz", "linyi_spatial.linyi")  # fmt: skip


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"import sys; {code}; print('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(out.stdout.split())


def test_import_loads_no_presentation_layer_case_study_or_heavy_scipy():
    loaded = _modules_after("import linyi_spatial")
    assert not (loaded & set(HEAVY)), sorted(loaded & set(HEAVY))


def test_explore_and_displays_still_find_their_maps_without_importing_viz_first():
    code = (
        "from linyi_spatial.testing import made_up_structure; s = made_up_structure(); "
        "import folium; m = s.explore(tiles=None); h = s.to_html(); assert isinstance(m, folium.Map), type(m); "
        "assert '<table' in h, h[:80]"
    )
    assert "linyi_spatial.viz" in _modules_after(code)


def test_the_lazy_subpackages_are_attributes_of_the_package():
    loaded = _modules_after("import linyi_spatial as ls; ls.linyi.load_counties; ls.viz.structure_map")
    assert {"linyi_spatial.linyi", "linyi_spatial.viz"} <= loaded
