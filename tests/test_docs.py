"""Every public function documents its parameters, return value and an example (numpydoc)."""

import importlib
import inspect

import pytest

import linyi_spatial as ls

MODULES = [
    "crs",
    "datasets",
    "structure",
    "network",
    "routing",
    "accessibility",
    "hierarchy",
    "maps",
    "synthetic",
    "distributed",
]


def public_objects():
    seen = {}
    for name in ls.__all__:
        seen[f"linyi_spatial.{name}"] = getattr(ls, name)
    for mod in MODULES:
        m = importlib.import_module(f"linyi_spatial.{mod}")
        for name in m.__all__:
            seen[f"linyi_spatial.{mod}.{name}"] = getattr(m, name)
    return sorted(seen.items())


@pytest.mark.parametrize(("qualname", "obj"), public_objects(), ids=[q for q, _ in public_objects()])
def test_public_docstrings(qualname, obj):
    doc = inspect.getdoc(obj)
    if not inspect.isfunction(obj) and not inspect.isclass(obj):
        return  # constants are documented in the module docstring or by a following string
    assert doc, f"{qualname} has no docstring"
    if inspect.isfunction(obj):
        params = [p for p in inspect.signature(obj).parameters if p not in ("self",)]
        if params:
            assert "Parameters\n----------" in doc, f"{qualname}: no Parameters section"
        assert "Returns\n-------" in doc, f"{qualname}: no Returns section"
        assert "Examples\n--------" in doc, f"{qualname}: no Examples section"


def test_all_names_exist():
    missing = [n for n in ls.__all__ if not hasattr(ls, n)]
    assert missing == []
