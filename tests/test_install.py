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


def test_sdist_and_wheel_carry_licence_metadata_and_the_whole_tree(tmp_path):
    """``python -m build`` then ``twine check --strict``; the sdist holds every tracked file its tests read."""
    import email
    import sys
    import tarfile
    import zipfile

    out = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "-o", str(out), str(ROOT)], check=True, capture_output=True, timeout=900
    )
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", str(sdist), str(wheel)], check=True, timeout=300
    )
    with zipfile.ZipFile(wheel) as whl:
        names = whl.namelist()
        (meta_name,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        meta = email.message_from_bytes(whl.read(meta_name))
        assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert meta["License"] == "MIT"
    assert meta["Author"]
    assert meta["Requires-Python"] == ">=3.10"
    assert "License :: OSI Approved :: MIT License" in meta.get_all("Classifier")
    description = meta.get_payload()
    assert "linyi-spatial maps" in description  # the README, without its figures:
    assert "](docs/" not in description  # a package index cannot show images by relative path
    with tarfile.open(sdist) as tar:
        shipped = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    tracked = subprocess.run(["git", "ls-files", "-s"], cwd=ROOT, capture_output=True, text=True, check=False)
    if tracked.returncode != 0:  # an unpacked sdist is no git checkout: check the files its tests read
        files = {"LICENSE", "README.md", "Makefile", "tests/conftest.py", "notebooks/03_accessibility.ipynb"}
    else:  # every tracked file but symlinks (docs/notebooks -> ../notebooks) and .gitignore
        rows = [line.split(maxsplit=3) for line in tracked.stdout.splitlines()]
        files = {r[3] for r in rows if r[0] != "120000"} - {".gitignore"}
    assert files <= shipped, sorted(files - shipped)[:20]
    assert "LICENSE" in shipped
