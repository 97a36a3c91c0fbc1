"""A plain, non-editable install in a fresh virtual environment finds its data from any directory."""

import subprocess
import textwrap
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow

CHECK = textwrap.dedent(
    """
    import pathlib, linyi_spatial as ls
    from linyi_spatial import linyi
    assert "site-packages" in ls.__file__, ls.__file__
    c = linyi.load_counties()
    s = linyi.load_structure()
    t = linyi.load_towns()
    G = linyi.load_network(2035)
    print(len(c), int(c["pop_2020"].sum()), len(s.core), len(s.poles), len(s.axes), len(s.points), len(t),
          G.number_of_nodes() > 80, set(s.axes["geometry_source"]) == {"network"})
    print(pathlib.Path(linyi.data_path("SOURCES.md")).is_file(),
          (pathlib.Path(ls.__file__).parent / "py.typed").is_file())
    """
)


def test_fresh_virtualenv_non_editable_install(tmp_path):
    env = tmp_path / "venv"
    venv.create(env, with_pip=True)
    py = env / "bin" / "python"
    pip = [str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    # pip builds a wheel from the checkout; everything then runs from tmp_path, outside it
    subprocess.run([*pip, str(ROOT)], check=True, cwd=tmp_path, timeout=900)
    done = subprocess.run(
        [str(py), "-c", CHECK], cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout.split("\n")
    assert out[0].split() == ["12", "11018365", "1", "3", "7", "16", "12", "True", "True"]
    assert out[1] == "True True"
    cli = subprocess.run(
        [str(env / "bin" / "linyi-spatial"), "maps", "--out", str(tmp_path / "maps"), "--offline"],
        check=True,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert (tmp_path / "maps" / "structure.html").stat().st_size > 100_000, cli.stderr
