"""The README quickstart runs verbatim, and its two set-up commands are the Makefile's."""

import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def quickstart() -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Quickstart", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_quickstart_runs_verbatim(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(compile(quickstart(), "README quickstart", "exec"), scope)
    assert len(scope["counties"]) == 12
    assert len(scope["scores"]) == 12
    assert scope["scores"]["rank"].min() == 1
    assert (tmp_path / "linyi_structure.html").stat().st_size > 100_000
    assert len(quickstart().strip().splitlines()) <= 20


def test_quickstart_times_say_their_mode():
    """The quickstart's times to 沂水 and 平邑 are those the library gives, each by the mode it names."""
    import linyi_spatial as ls
    from linyi_spatial import linyi
    from linyi_spatial.linyi.defaults import CAR_MODES

    line = next(x for x in quickstart().splitlines() if '["yishui", "pingyi"]' in x)
    assert "≈ 64, 68 (both by car)" in line
    seats = ["yishui", "pingyi"]
    both = ls.travel_time_matrix(linyi.load_network(2020), ["city_hall"], seats).iloc[0]
    car = ls.travel_time_matrix(linyi.load_network(2020, modes=CAR_MODES), ["city_hall"], seats).iloc[0]
    assert both.round(0).tolist() == [64.0, 68.0]
    assert car.round(0).tolist() == [64.0, 68.0]  # the train is no faster to either at 10 min per station


def test_setup_commands_exist_in_makefile():
    text = README.read_text(encoding="utf-8")
    makefile = (README.parent / "Makefile").read_text(encoding="utf-8")
    for target in ("maps", "test"):
        assert f"make {target}" in text
        assert re.search(rf"^{target}:", makefile, re.M)


def test_language_example_runs_verbatim(tmp_path, monkeypatch):
    from linyi_spatial import viz

    monkeypatch.chdir(tmp_path)
    text = README.read_text(encoding="utf-8")
    block = re.search(r"```python\n(.*?)```", text.split("**中文 / English.**", 1)[1], re.S).group(1)
    scope: dict = {}
    try:
        exec(compile(quickstart() + block, "README language example", "exec"), scope)
        assert viz.get_lang() == "zh"
        assert "齐普夫指数" in scope["linyi"].hierarchy_report(2020)._repr_html_()
    finally:
        viz.set_lang("en")
