"""Public-service coverage: the workflow conserves supply, counts coverage as the times say and names bad tables."""

import numpy as np
import pandas as pd
import pytest

from linyi_spatial import linyi
from linyi_spatial.accessibility import (
    analysis_grid,
    cell_times_to,
    facility_accessibility,
    gini,
    read_facilities,
    structure_population,
)
from linyi_spatial.errors import DataError
from linyi_spatial.testing import made_up_network, made_up_structure

FACILITIES = pd.DataFrame(
    {"lon": [10.1, 10.3, 10.25], "lat": [50.1, 50.3, 50.05], "capacity": [400.0, 100.0, 0.0]},
    index=pd.Index(["h1", "h2", "h3"], name="id"),
)


@pytest.mark.parametrize("method", ["e2sfca", "2sfca"])
def test_scores_hand_out_every_bed_once_and_coverage_follows_the_times(method):
    G, s = made_up_network(2020), made_up_structure()
    r = facility_accessibility(G, s, FACILITIES, cutoff_min=30, method=method, cell_km=5)
    cells = r.cells
    people = cells["pop_est"].to_numpy(dtype=float)
    # the floating catchment hands each facility's capacity to the residents in reach, once
    served = r.facilities["catchment_people"] > 0
    assert (people * cells["facility_score"]).sum() == pytest.approx(r.facilities.loc[served, "capacity"].sum())
    # coverage from an independent timing of the cells to the facilities
    T = cell_times_to(
        G, structure_population(s, analysis_grid(s.units, cell_km=5)), read_facilities(FACILITIES).geometry
    )
    near = T.min(axis=1).to_numpy() <= 30
    region = r.units.loc["region"]
    assert region["share_within_catchment"] == pytest.approx(people[near].sum() / people.sum())
    assert region["gini_time_to_nearest_facility"] == pytest.approx(gini(T.min(axis=1), people))
    assert region["people"] == s.units["residents"].sum()
    assert list(r.units.index[:-1]) == list(s.units.index)


def test_linyi_coverage_of_an_invented_hospital_per_seat():
    """An invented table (one 1,000-bed hospital at each county seat), marked so: the workflow on real geography."""
    s = linyi.load_structure(axes="anchors")
    seats = s.seats
    table = pd.DataFrame(
        {
            "lon": seats.geometry.x.to_numpy(),
            "lat": seats.geometry.y.to_numpy(),
            "capacity": 1000.0,
            "note": "invented",
        },
        index=seats["unit"].to_numpy(),
    )
    r = facility_accessibility(linyi.load_network(2020, modes=("road",)), s, table, cutoff_min=30, cell_km=2)
    region = r.units.loc["region"]
    assert 0.5 < region["share_within_catchment"] < 1.0
    assert 0 < region["gini_facility_score"] < 1
    # beds per resident: the city gives each resident a share of 12,000 beds
    people = r.cells["pop_est"].to_numpy(dtype=float)
    assert (people * r.cells["facility_score"]).sum() == pytest.approx(12_000.0)


def test_bad_facility_tables_are_named(tmp_path):
    with pytest.raises(DataError, match="no capacity column 'beds'"):
        read_facilities(FACILITIES, capacity="beds")
    bad = FACILITIES.assign(capacity=[1.0, -5.0, np.nan])
    with pytest.raises(DataError, match=r"\['h2', 'h3'\]"):
        read_facilities(bad)
    path = tmp_path / "schools.csv"
    path.write_text("id,lon,lat,capacity\ns1,118.3,35.1,900\ns2,,35.2,400\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"schools.csv.*\['s2'\]"):
        read_facilities(path, id_column="id")
    with pytest.raises(DataError, match="method"):
        facility_accessibility(made_up_network(2020), made_up_structure(), FACILITIES, method="gravity")


def test_the_facility_map_draws_units_by_coverage_and_every_facility():
    from linyi_spatial.viz import facility_map
    from linyi_spatial.viz.accessibility import FACILITY_COLUMNS

    s = made_up_structure()
    r = facility_accessibility(made_up_network(2020), s, FACILITIES, cell_km=5)
    html = facility_map(r, tiles=None, source="invented facilities").get_root().render()
    assert html.count("circle_marker") >= len(FACILITIES)
    for fid in FACILITIES.index:
        assert f">{fid}<" in html
    assert "invented facilities" in html
    assert "Share of residents within the catchment of a facility" in html
    assert r.explore(tiles=None) is not None
    assert set(FACILITY_COLUMNS) <= set(r.units.columns)
    assert r.units.loc["region", "name"] == s.name
