"""Progress bars show on long steps only, on terminals and notebooks, and can be silenced."""

import time

import linyi_spatial as ls
from linyi_spatial._progress import progress, progress_enabled


def slow(n, pause_s):
    for i in range(n):
        time.sleep(pause_s)
        yield i


def test_progress_bar_shown_when_forced_and_silenced(capsys, monkeypatch):
    monkeypatch.delenv("LINYI_SPATIAL_PROGRESS", raising=False)
    ls.set_progress(True)
    try:
        assert progress_enabled()
        assert list(progress(range(3), desc="counting", delay=0)) == [0, 1, 2]
        assert "counting" in capsys.readouterr().err  # tqdm writes to stderr
    finally:
        ls.set_progress(None)
    ls.set_progress(False)
    try:
        assert list(progress(range(3), desc="quiet", delay=0)) == [0, 1, 2]
        assert "quiet" not in capsys.readouterr().err
    finally:
        ls.set_progress(None)
    monkeypatch.setenv("LINYI_SPATIAL_PROGRESS", "0")
    assert not progress_enabled()


def test_quick_steps_show_no_bar_even_when_forced(capsys):
    ls.set_progress(True)
    try:
        assert list(progress(range(3), desc="instant")) == [0, 1, 2]  # default delay: 2 s
        assert "instant" not in capsys.readouterr().err
        assert list(progress(slow(3, 0.1), desc="slowish", total=3, delay=0.15)) == [0, 1, 2]
        assert "slowish" in capsys.readouterr().err
    finally:
        ls.set_progress(None)


def test_no_bar_and_no_escapes_when_output_is_not_a_terminal(capsys, monkeypatch):
    monkeypatch.delenv("LINYI_SPATIAL_PROGRESS", raising=False)
    ls.set_progress(None)
    assert list(progress(slow(3, 0.05), desc="logged", total=3, delay=0)) == [0, 1, 2]
    err = capsys.readouterr().err
    assert "logged" not in err
    assert "\x1b[" not in err
    assert "\r" not in err


def test_grid_building_is_silent_when_quick(capsys, monkeypatch):
    monkeypatch.delenv("LINYI_SPATIAL_PROGRESS", raising=False)
    ls.set_progress(True)
    try:
        from linyi_spatial.testing import made_up_structure

        ls.analysis_grid(made_up_structure().units, cell_km=10)
        assert "grid cells by unit" not in capsys.readouterr().err
    finally:
        ls.set_progress(None)
