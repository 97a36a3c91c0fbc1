"""Budgets stated and enforced before the work: grid cells from a memory budget, OSM parallel edges collapsed,
and the knob named in every refusal."""

import time

import geopandas as gpd
import pytest
from shapely.geometry import box

from linyi_spatial.accessibility import analysis_grid
from linyi_spatial.accessibility.grid import BYTES_PER_CELL, MAX_CELLS, cell_budget, grid_cell_count
from linyi_spatial.errors import DataError
from linyi_spatial.linyi.cli import main
from linyi_spatial.testing import made_up_structure, write_region


def continent(folder):
    """The made-up region stretched to 24° × 16° (a continent): a units file of about 1.3 kB."""
    from linyi_spatial.testing.region import UNITS

    files = write_region(folder)
    lon, lat = (lambda x: round(84 + (x - 10) * 40, 6)), (lambda y: round(18 + (y - 50) * 40, 6))
    units = UNITS.drop(columns="bounds").assign(
        seat_lon=UNITS["seat_lon"].map(lon), seat_lat=UNITS["seat_lat"].map(lat)
    )
    shapes = [box(lon(a), lat(b), lon(c), lat(d)) for a, b, c, d in UNITS["bounds"]]
    text = gpd.GeoDataFrame(units, geometry=shapes, crs=4326).to_json(drop_id=True)
    assert len(text.encode()) < 1600  # the audit's file: 1.3 kB
    files["units"].write_text(text, encoding="utf-8")
    spec = files["spec"].read_text(encoding="utf-8").replace("lon = 10.45\nlat = 50.35", "lon = 102\nlat = 32")
    files["spec"].write_text(spec, encoding="utf-8")
    return files


def test_the_default_budget_is_stated_and_consistent():
    assert BYTES_PER_CELL * MAX_CELLS == 8_000_000_000
    assert MAX_CELLS == 2_000_000


def test_a_continent_of_units_is_refused_before_any_work_naming_the_knobs(tmp_path, capsys):
    files = continent(tmp_path / "in")
    started = time.perf_counter()
    code = main(["maps", "--spec", str(files["spec"]), "--network", str(files["osm"]), "--out", str(tmp_path / "o"),
                 "--offline", "--quiet"])  # fmt: skip
    took = time.perf_counter() - started
    err = capsys.readouterr().err
    assert code != 0
    assert "--cell-km 1 lays out" in err
    assert "over --max-cells 2,000,000" in err
    assert "use a larger --cell-km, or raise --max-cells" in err
    assert took < 20  # refused up front (no network read, no grid); measured 1 s
    assert not (tmp_path / "o").exists()


def test_the_cell_count_is_what_the_grid_lays_out():
    units = made_up_structure().units
    for cell_km in (5, 1, 0.37):
        assert grid_cell_count(units, cell_km) == {5: 90, 1: 2024, 0.37: 14637}[cell_km]  # literal: boxes laid out
    assert grid_cell_count(units, 1e-300) == float("inf")


def test_the_api_refuses_over_budget_and_takes_a_larger_one():
    units = made_up_structure().units
    with pytest.raises(DataError, match=r"needs 2,024 cells \(about 0.0081 GB at 4 kB a cell\), over the limit of "
                       r"2,000 cells; use a larger cell_km \(CLI: --cell-km\), or raise max_cells"):  # fmt: skip
        analysis_grid(units, cell_km=1, max_cells=2000)
    assert len(analysis_grid(units, cell_km=1, max_cells=2024)) > 1900
    with cell_budget(100), pytest.raises(DataError, match="over the limit of 100 cells"):
        analysis_grid(units, cell_km=1)
    assert len(analysis_grid(units, cell_km=5)) > 0  # the budget ends with the block
    with pytest.raises(DataError, match="max_cells must be a positive whole number"), cell_budget(0):
        pass


def test_the_cli_budget_reaches_every_grid_of_the_run(tmp_path, capsys):
    """``--max-cells`` is checked against the region up front and holds for the grids the maps build."""
    files = write_region(tmp_path / "in")
    argv = ["maps", "--spec", str(files["spec"]), "--nodes", str(files["nodes"]), "--routes", str(files["routes"]),
            "--offline", "--quiet", "--cell-km", "5"]  # fmt: skip
    assert main([*argv, "--out", str(tmp_path / "a"), "--max-cells", "89"]) != 0  # refused up front
    assert "--cell-km 5 lays out 90 cells over this region" in capsys.readouterr().err
    assert main([*argv, "--out", str(tmp_path / "b"), "--max-cells", "100"]) != 0  # the population's finer grid
    assert "a 2 km grid over this region needs 552 cells" in capsys.readouterr().err
    assert main([*argv, "--out", str(tmp_path / "c"), "--max-cells", "552"]) == 0
    assert not (tmp_path / "a").exists()
