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
