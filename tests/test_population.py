"""Population surfaces: exact unit totals, a hand-worked dasymetric case, population-weighted scores, rasters."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, box

import linyi_spatial as ls
from linyi_spatial import linyi
from linyi_spatial.accessibility import (
    analysis_grid,
    hansen_accessibility,
    population_points,
    population_surface,
    raster_population,
    structure_population,
    two_step_fca,
    unit_accessibility,
)
from linyi_spatial.accessibility.scores import default_weights
from linyi_spatial.errors import DataError
from linyi_spatial.testing import made_up_network, made_up_structure

UTM = "EPSG:32650"


def utm_frame(geoms, crs=UTM, **cols):
    return gpd.GeoDataFrame(cols, geometry=list(geoms), crs=crs).to_crs(4326)


# ------------------------------------------------------------------ exact totals


def test_linyi_cells_sum_to_the_census_exactly():
    s = linyi.load_structure()
    pop = structure_population(s, analysis_grid(s.units, cell_km=2))
    got = pop.groupby("unit")["pop_est"].sum()
    assert got.to_dict() == s.units["pop_2020"].astype(int).to_dict()
    assert pop["pop_est"].dtype == np.int64
    assert int(pop["pop_est"].sum()) == int(s.units["pop_2020"].sum())
    assert pop.attrs["population"]["rule"] == "dasymetric"


def test_made_up_region_cells_sum_to_its_totals_exactly():
    s = made_up_structure()
    pop = structure_population(s, analysis_grid(s.units, cell_km=3))
    assert pop.groupby("unit")["pop_est"].sum().to_dict() == s.units["residents"].astype(int).to_dict()
    # the urban population sits around the seats: the seat's cell is the densest of its unit
    for unit, seat in s.seats.groupby("unit"):
        cells = pop[pop["unit"] == unit]
        densest = cells.loc[cells["pop_density_km2"].idxmax()].geometry
        assert densest.buffer(1e-9).contains(seat.geometry.iloc[0]) or densest.distance(seat.geometry.iloc[0]) < 0.03


# ------------------------------------------------------------------ hand-worked


def tiny():
    """One 2 × 1 km unit: cell A (west) holds the town, cell B (east) is farmland."""
    unit = utm_frame([box(500_000, 3_800_000, 502_000, 3_801_000)], pop=[1000], urban=[600])
    unit.index = pd.Index(["U"])
    cells = utm_frame(
        [box(500_000, 3_800_000, 501_000, 3_801_000), box(501_000, 3_800_000, 502_000, 3_801_000)],
        cell_id=["A", "B"],
        unit=["U", "U"],
        area_km2=[1.0, 1.0],
    )
    town = utm_frame([Point(500_500, 3_800_500)], unit=["U"])
    return unit, cells, town


def test_dasymetric_rule_by_hand():
    unit, cells, town = tiny()
    pop = population_surface(cells, unit, town, total="pop", urban="urban", urban_density_km2=1000)
    # 600 urban persons at 1000/km²: a disc of 0.6 km² (r = 437 m) inside cell A.
    # 400 rural persons over the land outside the disc: 0.4 km² in A, 1 km² in B.
    disc = shapely.area(shapely.buffer(Point(0, 0), (0.6 / np.pi) ** 0.5 * 1000, quad_segs=16)) / 1e6
    rural_a = 400 * (1 - disc) / (2 - disc)
    assert pop["pop_est"].tolist() == [round(600 + rural_a), 1000 - round(600 + rural_a)] == [714, 286]
    assert pop["pop_density_km2"].to_numpy() == pytest.approx([600 + rural_a, 400 - rural_a], rel=1e-6)
    # without urban population the unit is uniform
    flat = population_surface(cells, unit, total="pop")
    assert flat["pop_est"].tolist() == [500, 500]


def test_places_without_a_unit_column_are_placed_by_location():
    unit, cells, town = tiny()
    unit.index.name = "code"  # a named index, as a real unit table has
    pop = population_surface(cells, unit, town.drop(columns="unit"), total="pop", urban="urban", urban_density_km2=1000)
    assert pop["pop_est"].tolist() == [714, 286]  # the same as with the unit given


def test_population_weighted_time_is_nearer_the_town_by_hand():
    unit, cells, town = tiny()
    pop = population_surface(cells, unit, town, total="pop", urban="urban", urban_density_km2=1000)
    surface = pop.assign(cell_time_to_core_min=[10.0, 50.0], cell_time_to_nearest_pole_min=[20.0, 40.0],
                         cell_time_to_nearest_seat_min=[0.0, 30.0])  # fmt: skip
    from linyi_spatial.accessibility.scores import _weighted_means

    got = _weighted_means(surface, surface["pop_est"].to_numpy(float), pd.Index(["U"])).loc["U"]
    assert got["area_mean_time_to_core_min"] == pytest.approx(30.0)
    assert got["pop_mean_time_to_core_min"] == pytest.approx((714 * 10 + 286 * 50) / 1000)  # 21.44
    assert got["pop_mean_time_to_core_min"] < got["area_mean_time_to_core_min"]  # people live near the town
    assert got["pop_share_within_30min_of_core"] == pytest.approx(0.714)
    assert got["area_share_within_30min_of_core"] == pytest.approx(0.5)
    assert got["pop_share_within_60min_of_core"] == pytest.approx(1.0)


# ------------------------------------------------------------------ bad input is named


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (lambda u, c, t: (u.assign(urban=[1200]), c, t), "urban population (urban) exceeds the total"),
        (lambda u, c, t: (u.assign(pop=[1000.5]), c, t), "must be whole persons"),
        (lambda u, c, t: (u, c.assign(unit=["U", "V"]), t), "not in units"),
        (lambda u, c, t: (u, c, t.assign(unit=["nowhere"])), "name a unit that is not in units"),
        (lambda u, c, t: (u, c, t.iloc[0:0]), "no places to put it around"),
        (lambda u, c, t: (u, c.drop(columns="area_km2"), t), "grid lacks column(s) ['area_km2']"),
        (lambda u, c, t: (u.drop(columns="pop"), c, t), "units have no column 'pop'"),
    ],
)
def test_bad_population_input_is_named(change, needle):
    unit, cells, town = change(*tiny())
    with pytest.raises(DataError) as err:
        population_surface(cells, unit, town, total="pop", urban="urban", urban_density_km2=1000)
    assert needle in str(err.value)


def test_place_outside_every_unit_is_named():
    unit, cells, _ = tiny()
    far = utm_frame([Point(600_000, 3_900_000)], name=["far"])
    far.index = pd.Index(["lost_town"])
    with pytest.raises(DataError, match="lost_town"):
        population_surface(cells, unit, far, total="pop", urban="urban")


# ------------------------------------------------------------------ Linyi scores: both views


@pytest.fixture(scope="module")
def linyi_surface():
    return linyi.travel_time_surface(2020)


@pytest.fixture(scope="module")
def both(linyi_surface):
    return (
        linyi.county_accessibility(2020, surface=linyi_surface),
        linyi.county_accessibility(2020, surface=linyi_surface, weights="area"),
    )


def test_linyi_table_shows_both_views(both):
    pop, _ = both
    measures = ["mean_time_to_core_min", "mean_time_to_nearest_pole_min", "mean_time_to_nearest_seat_min"]
    measures += [f"share_within_{t}min_of_core" for t in (30, 60, 90)]
    for prefix in ("pop", "area"):
        for col in measures:
            assert f"{prefix}_{col}" in pop.columns
    # residents live nearer the roads and seats than the land lies: shorter times for every county
    assert (pop["pop_mean_time_to_core_min"] < pop["area_mean_time_to_core_min"]).all()
    assert pop.attrs["population"]["rule"] == "dasymetric"
    assert "pop_mean_time_to_core_min" in pop.attrs["weights"]


def test_linyi_composite_ranks_pinned_for_both_views(both):
    pop, area = both
    # literal: the population-weighted default and the area view one argument away
    assert pop["rank"].tolist() == [1, 3, 2, 6, 9, 10, 5, 7, 11, 8, 12, 4]
    assert area["rank"].tolist() == [1, 3, 2, 6, 9, 11, 5, 7, 10, 8, 12, 4]  # 沂水 and 平邑 swap
    assert pop.loc["371325", "pop_mean_time_to_core_min"] == pytest.approx(62.5, abs=0.05)  # 费县
    assert pop.loc["371325", "area_mean_time_to_core_min"] == pytest.approx(74.4, abs=0.05)
    # independent: min-max rescale each measure (direction from the catalogue) and weight by hand
    for table, weights in ((pop, default_weights("population")), (area, default_weights("area"))):
        total = 0.0
        for col, w in weights.items():
            x = table[col]
            scaled = (x - x.min()) / (x.max() - x.min()) * 100
            if not ls.catalog.higher_is_better(col):
                scaled = 100 - scaled
            total = total + w * scaled
        expected = total / sum(weights.values())
        np.testing.assert_allclose(table["composite_score"], expected.round(2), atol=0.006)
        assert table["rank"].tolist() == expected.rank(ascending=False, method="min").astype(int).tolist()


def test_weighting_name_is_checked(linyi_surface):
    with pytest.raises(DataError, match=r"weighting must be one of \('population', 'area'\), got 'people'"):
        linyi.county_accessibility(2020, surface=linyi_surface, weights="people")


def test_made_up_region_scores_use_its_population():
    G, s = made_up_network(2020), made_up_structure()
    scores = unit_accessibility(G, s, cell_km=3)
    area = unit_accessibility(G, s, cell_km=3, weights="area")
    assert scores.attrs["population"]["total"] == "residents"
    assert scores.attrs["population"]["urban"] == "townsfolk"
    assert set(scores["rank"]) == set(area["rank"]) == {1, 2, 3, 4, 5}
    assert (scores["pop_mean_time_to_core_min"] <= scores["area_mean_time_to_core_min"] + 1e-9).all()


# ------------------------------------------------------------------ as a mass: Hansen, 2SFCA


def test_population_surface_as_the_mass_of_hansen_and_2sfca():
    G, s = made_up_network(2020), made_up_structure()
    pts = population_points(structure_population(s, analysis_grid(s.units, cell_km=3)))
    assert int(pts["pop_est"].sum()) == int(s.units["residents"].sum())
    T = ls.travel_time_matrix(G, s.seats, pts)
    h = hansen_accessibility(T, pts["pop_est"].rename("pop"), decay="exponential")
    # independent: the same sum by hand
    from linyi_spatial.decay import as_decay

    manual = (as_decay("exponential")(T.to_numpy()) * pts["pop_est"].to_numpy()[None, :]).sum(axis=1)
    np.testing.assert_allclose(h.to_numpy(), manual)
    # 2SFCA: one clinic at each seat, residents of every cell as demand
    T2 = ls.travel_time_matrix(G, pts, s.seats)
    fca = two_step_fca(T2, pd.Series(10.0, index=T2.columns), pts["pop_est"].astype(float), cutoff_min=30)
    assert len(fca) == len(pts)
    assert (fca >= 0).all()


# ------------------------------------------------------------------ raster


def write_raster(path, values, west, north, size_deg):
    rasterio = pytest.importorskip("rasterio")
    from rasterio.transform import from_origin

    with rasterio.open(
        path, "w", driver="GTiff", height=values.shape[0], width=values.shape[1], count=1, dtype="float32",
        crs="EPSG:4326", transform=from_origin(west, north, size_deg, size_deg), nodata=-1,
    ) as dst:  # fmt: skip
        dst.write(values.astype("float32"), 1)


def test_raster_population_is_summed_and_rescaled(tmp_path):
    unit, cells, _ = tiny()
    lonlat = unit.geometry.iloc[0].bounds  # the 2 × 1 km unit in degrees
    west, south, east, north = lonlat
    step = (east - west) / 8  # 8 × 4-ish pixels over the unit
    rows = int(np.ceil((north - south) / step))
    values = np.zeros((rows, 8))
    values[:, :4] = 10.0  # west half (cell A): 10 persons per pixel
    values[:, 4:] = 2.5  # east half (cell B)
    values[0, 0] = -1  # nodata counts as 0
    path = tmp_path / "pop.tif"
    write_raster(path, values, west, north, step)
    raw = raster_population(cells, path)
    a, b = raw["pop_density_km2"].to_numpy()
    assert a > 3 * b  # the raster's pattern, not the unit's area
    scaled = raster_population(cells, path, units=unit, total="pop")
    assert scaled["pop_est"].sum() == 1000  # the census total, exactly
    assert scaled["pop_est"].iloc[0] > scaled["pop_est"].iloc[1]
    assert scaled["pop_est"].iloc[0] / 1000 == pytest.approx(a / (a + b), abs=0.002)
    # and it can weight the scores instead of the dasymetric estimate
    assert scaled.attrs["population"]["rule"] == "raster"
    with pytest.raises(DataError, match="population raster file not found"):
        raster_population(cells, tmp_path / "missing.tif")
