"""A map set is written as a unit and never overwrites a file the library did not write.

- a file created in the output folder *during* a run is refused just before
  the rename, and nothing of the previous set changes;
- only the exact mark the library writes makes a file its own (a page that
  mentions the generator tag is still the user's);
- SIGTERM and SIGKILL in the middle of a run leave the previous set whole;
  after SIGTERM nothing is left behind, after SIGKILL the next run removes
  the stage (and completes one killed while renaming in);
- a rerun that writes fewer maps removes the library's own maps of the
  previous run, and no other file.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import linyi_spatial as ls
from linyi_spatial._io import STAGE_PREFIX, clean_stale, staged_set
from linyi_spatial.linyi import mapset
from linyi_spatial.linyi.cli import main
from linyi_spatial.testing import write_region
from linyi_spatial.viz.output import mark, written_by_us
from linyi_spatial.viz.style import GENERATOR


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return write_region(tmp_path_factory.mktemp("region"))


def argv(files, out, *more):
    return ["maps", "--spec", str(files["spec"]), "--nodes", str(files["nodes"]), "--routes", str(files["routes"]),
            "--out", str(out), "--offline", "--quiet", "--cell-km", "4", *more]  # fmt: skip


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def previous_set(files, tmp_path_factory):
    """A complete map set of the made-up region, written once."""
    out = tmp_path_factory.mktemp("previous") / "maps"
    assert main(argv(files, out)) == 0
    return snapshot(out)


def fresh_copy(previous_set, folder: Path) -> Path:
    folder.mkdir()
    for name, data in previous_set.items():
        (folder / name).write_bytes(data)
    return folder


def test_a_foreign_file_created_during_the_run_is_refused(files, previous_set, tmp_path, monkeypatch, capsys):
    out = fresh_copy(previous_set, tmp_path / "maps")
    (out / "hierarchy.html").unlink()  # the slot is free when the run starts ...
    real_save = mapset.save_html
    calls = []

    def save_and_meddle(m, path, **kw):
        calls.append(path)
        if len(calls) == 2:  # ... and someone writes their own page there while maps are built
            (out / "hierarchy.html").write_text("<p>my notes</p>", encoding="utf-8")
        return real_save(m, path, **kw)

    monkeypatch.setattr(mapset, "save_html", save_and_meddle)
    assert main(argv(files, out)) == 2
    err = capsys.readouterr().err
    assert "did not write" in err
    assert "hierarchy.html" in err
    assert (out / "hierarchy.html").read_text(encoding="utf-8") == "<p>my notes</p>"
    now = snapshot(out)
    assert {k: v for k, v in now.items() if k != "hierarchy.html"} == {
        k: v for k, v in previous_set.items() if k != "hierarchy.html"
    }  # the previous set is untouched, map by map
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no stage left


def test_a_file_appearing_between_check_and_rename_is_refused_and_the_set_rolled_back(tmp_path):
    out = tmp_path / "set"
    out.mkdir()
    (out / "a.txt").write_text("old a", encoding="utf-8")
    ours = {out / "a.txt"}

    def write_set():
        with staged_set(out, owned=lambda p: p in ours) as stage:
            stage.path("a.txt").write_text("new a", encoding="utf-8")
            stage.path("b.txt").write_text("new b", encoding="utf-8")
            (out / "b.txt").write_text("theirs", encoding="utf-8")  # after the body, before the commit

    with pytest.raises(ls.DataError, match=r"did not write.*b\.txt"):
        write_set()
    assert (out / "a.txt").read_text(encoding="utf-8") == "old a"
    assert (out / "b.txt").read_text(encoding="utf-8") == "theirs"
    assert sorted(p.name for p in out.iterdir()) == ["a.txt", "b.txt"]


def test_only_the_exact_mark_makes_a_file_the_librarys(files, tmp_path, capsys):
    out = tmp_path / "maps"
    out.mkdir()
    mentions = f"<!DOCTYPE html>\n<html><head>{GENERATOR}</head><body>my page about linyi_spatial</body></html>"
    (out / "structure.html").write_text(mentions, encoding="utf-8")
    assert not written_by_us(out / "structure.html")
    assert main(argv(files, out)) == 2
    assert "structure.html" in capsys.readouterr().err
    assert (out / "structure.html").read_text(encoding="utf-8") == mentions
    (out / "structure.html").write_text(mark("<p>an old map</p>"), encoding="utf-8")
    assert written_by_us(out / "structure.html")
    assert main(argv(files, out)) == 0
    for page in out.glob("*.html"):
        assert written_by_us(page), page


def test_save_html_refuses_a_foreign_file(tmp_path):
    from linyi_spatial.viz import save_html
    from linyi_spatial.viz.mapobject import new_map

    target = tmp_path / "notes.html"
    target.write_text("<p>mine</p>", encoding="utf-8")
    with pytest.raises(ls.DataError, match=r"refusing to overwrite .*notes\.html"):
        save_html(new_map([10, 50, 11, 51], None, "t"), target)
    assert target.read_text(encoding="utf-8") == "<p>mine</p>"
    save_html(new_map([10, 50, 11, 51], None, "t"), target, overwrite=True)
    assert written_by_us(target)


def run_and_signal(files, out: Path, signum: int) -> int:
    """Start the CLI, send ``signum`` once its stage holds a map (mid-build); return its exit code."""
    code = "import sys; from linyi_spatial.linyi.cli import main; sys.exit(main(sys.argv[1:]))"
    env = {**os.environ, "LINYI_SPATIAL_PROGRESS": "0"}
    proc = subprocess.Popen([sys.executable, "-c", code, *argv(files, out, "--cell-km", "1")], env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        stages = list(out.glob(f"{STAGE_PREFIX}*"))
        if stages and any(p.suffix == ".html" and not p.name.startswith(".") for p in stages[0].glob("*")):
            break
        if proc.poll() is not None:
            pytest.fail(f"the run ended before it could be interrupted (exit {proc.returncode})")
        time.sleep(0.01)
    else:
        proc.kill()
        pytest.fail("no map was staged within 120 s")
    proc.send_signal(signum)
    return proc.wait(timeout=60)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_an_interrupted_run_leaves_the_previous_set_whole(files, previous_set, tmp_path, signum):
    out = fresh_copy(previous_set, tmp_path / "maps")
    (out / ".surface.999999999-0123abcd.tmp.html").write_text("debris of an old run", encoding="utf-8")
    code = run_and_signal(files, out, signum)
    assert code == (143 if signum == signal.SIGTERM else -signal.SIGKILL)
    visible = {k: v for k, v in snapshot(out).items() if not k.startswith(".")}
    assert visible == previous_set  # every map and the index exactly as before
    left = sorted(p.name for p in out.iterdir() if p.name.startswith(STAGE_PREFIX))
    assert (left == []) == (signum == signal.SIGTERM)  # SIGTERM cleans up on the way out; SIGKILL cannot
    assert main(argv(files, out)) == 0  # the next run
    assert sorted(p.name for p in out.iterdir()) == sorted(previous_set)  # no stage, no temporary file
    for page in out.iterdir():
        assert written_by_us(page), page


def test_a_run_killed_while_renaming_in_is_completed_by_the_next(tmp_path):
    """A stage with a journal was killed mid-commit: the next run finishes its renames, so one whole set remains."""
    out = tmp_path / "set"
    out.mkdir()
    for name in ("a.txt", "b.txt", "index.txt"):
        (out / name).write_text(f"old {name}", encoding="utf-8")
    stage = out / f"{STAGE_PREFIX}999999999-0123abcd"
    stage.mkdir()
    (out / "a.txt").write_text("new a.txt", encoding="utf-8")  # already renamed in when the run was killed
    for name in ("b.txt", "index.txt"):
        (stage / name).write_text(f"new {name}", encoding="utf-8")
    (stage / "commit.json").write_text(json.dumps({"names": ["a.txt", "b.txt", "index.txt"], "retire": []}))
    removed = clean_stale(out, owned=lambda p: p.suffix == ".txt")
    assert removed == [stage]
    assert {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()} == {
        "a.txt": "new a.txt", "b.txt": "new b.txt", "index.txt": "new index.txt"}  # fmt: skip


def test_a_stage_of_a_running_process_is_left_alone(tmp_path):
    out = tmp_path / "set"
    out.mkdir()
    mine = out / f"{STAGE_PREFIX}{os.getpid()}-0123abcd"
    mine.mkdir()
    (out / f".surface.{os.getpid()}-0123abcd.tmp.html").write_text("being written", encoding="utf-8")
    (out / ".surface.notes.html").write_text("a user's hidden file", encoding="utf-8")
    assert clean_stale(out, owned=lambda _p: True) == []
    assert len(list(out.iterdir())) == 3


def test_a_smaller_rerun_removes_only_its_own_old_maps(files, previous_set, tmp_path):
    out = fresh_copy(previous_set, tmp_path / "maps")
    (out / "surface.html").write_text("<p>a user's page where a map was</p>", encoding="utf-8")
    structure_only = ["maps", "--spec", str(files["spec"]), "--out", str(out), "--offline", "--quiet", "--overwrite"]
    assert main(structure_only) == 0
    # --overwrite lets the set replace foreign files it writes, but a file it does not write is never removed
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "structure.html", "surface.html"]
    assert (out / "surface.html").read_text(encoding="utf-8").startswith("<p>a user's")


def test_each_write_is_flushed_before_and_after_its_rename(tmp_path, monkeypatch):
    from linyi_spatial import _io

    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}"))),
                                                 real_fsync(fd))[1])  # fmt: skip
    monkeypatch.setattr(os, "replace", lambda a, b: (events.append(("replace", str(b))), real_replace(a, b))[1])
    _io.write_text(tmp_path / "a.txt", "x")
    kinds = [k for k, _ in events]
    assert kinds == ["fsync", "replace", "fsync"]
    assert events[0][1].endswith(".tmp.txt")  # the temporary file, before the rename
    assert events[2][1] == str(tmp_path)  # the folder, after it
