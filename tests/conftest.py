"""Shared fixtures."""

import os
from pathlib import Path

import pytest

# progress bars are for people; keep test logs clean (tests/test_progress.py turns them back on)
os.environ.setdefault("LINYI_SPATIAL_PROGRESS", "0")

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="session")
def artifacts_dir():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# `make test-fast` leaves these out (-m "not slow and not browser and not integration"): whole modules that start
# clusters, subprocesses, notebooks or benchmarks, and single long runs (fuzzing, real signals)
INTEGRATION_MODULES = {"test_distributed", "test_benchmarks", "test_readme", "test_notebooks", "test_install",
                       "test_maps_browser", "test_osm_real", "test_osm_city"}  # fmt: skip
INTEGRATION_TESTS = {
    "test_fuzz_parameters_give_named_errors_or_results",
    "test_an_interrupted_run_leaves_the_previous_set_whole",
    "test_cli_writes_every_map_within_budget",
    "test_linyi_runs_on_a_user_s_extract_cut_to_its_counties",
    "test_bands_and_isochrone_limits_fit_another_region_and_take_flags",
    "test_planned_lines_on_an_osm_network_make_the_scenario",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1] if getattr(item, "module", None) else ""
        if module in INTEGRATION_MODULES or getattr(item, "originalname", "") in INTEGRATION_TESTS:
            item.add_marker(pytest.mark.integration)
