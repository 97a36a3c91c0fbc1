"""Timing shared by the benchmark scripts (run as ``python benchmarks/bench_*.py``, which puts this folder first)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median wall time of ``repeat`` calls of ``fn`` in seconds, and the last result."""
    runs, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs), out


TARGETS: list[tuple[str, float, float, bool]] = []


def header(title: str) -> None:
    """Print what ran where and when: the script, the machine, the versions (each table says which run it is)."""
    import datetime
    import os
    import platform

    import numpy
    import scipy

    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9 if hasattr(os, "sysconf") else float("nan")
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print(f"# {title}")
    print(
        f"# run {now} on {cpu}, {os.cpu_count()} cores, {mem_gb:.0f} GB; Python {platform.python_version()}, "
        f"numpy {numpy.__version__}, scipy {scipy.__version__}",
        flush=True,
    )


def target(label: str, value: float, limit: float, unit: str = "x", *, at_most: bool = True) -> bool:
    """Print one goal as met or not met (the script goes on either way: timings are not tests)."""
    ok = value <= limit if at_most else value >= limit
    TARGETS.append((label, value, limit, ok))
    sign = "<=" if at_most else ">="
    print(f"  target {label}: {value:.2f}{unit} (goal {sign} {limit:g}{unit}) {'met' if ok else 'NOT MET'}", flush=True)
    return ok


def summary() -> None:
    """Every goal of the run, met or not, at the end of the output."""
    if not TARGETS:
        return
    met = sum(ok for *_, ok in TARGETS)
    print(f"# targets: {met} of {len(TARGETS)} met")
    for label, value, limit, ok in TARGETS:
        print(f"#   {'met    ' if ok else 'NOT MET'} {label}: {value:.2f} (goal {limit:g})")


def interleaved(fns: dict[str, Callable[[], Any]], repeat: int) -> tuple[dict[str, float], dict[str, Any]]:
    """Median wall time of each function, calls alternating and the order reversed every other round
    (a, b, b, a, a, b...), so machine drift and the memory state one call leaves to the next fall on all of them
    alike; and each one's last result."""
    runs: dict[str, list[float]] = {k: [] for k in fns}
    out: dict[str, Any] = {}
    order = list(fns.items())
    for r in range(repeat):
        for k, fn in order if r % 2 == 0 else order[::-1]:
            t0 = time.perf_counter()
            out[k] = fn()
            runs[k].append(time.perf_counter() - t0)
    return {k: statistics.median(v) for k, v in runs.items()}, out
