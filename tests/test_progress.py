"""Progress bars show on long steps and can be silenced."""

import linyi_spatial as ls
from linyi_spatial._progress import progress, progress_enabled


def test_progress_bar_shown_and_silenced(capsys, monkeypatch):
    monkeypatch.delenv("LINYI_SPATIAL_PROGRESS", raising=False)
    ls.set_progress(None)
    assert progress_enabled()
    assert list(progress(range(3), desc="counting")) == [0, 1, 2]
    assert "counting" in capsys.readouterr().err  # tqdm writes to stderr
    ls.set_progress(False)
    try:
        assert list(progress(range(3), desc="quiet")) == [0, 1, 2]
        assert "quiet" not in capsys.readouterr().err
    finally:
        ls.set_progress(None)
    monkeypatch.setenv("LINYI_SPATIAL_PROGRESS", "0")
    assert not progress_enabled()


def test_grid_building_reports_progress(capsys, monkeypatch):
    monkeypatch.delenv("LINYI_SPATIAL_PROGRESS", raising=False)
    ls.set_progress(None)
    from linyi_spatial.testing import made_up_structure

    ls.analysis_grid(made_up_structure().units, cell_km=10)
    assert "grid cells by unit" in capsys.readouterr().err
