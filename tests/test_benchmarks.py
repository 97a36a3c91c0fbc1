"""Every benchmark script runs in its quick (CI) size and its correctness checks pass."""

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPTS = sorted((Path(__file__).resolve().parent.parent / "benchmarks").glob("bench_*.py"))


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_benchmark_quick(script):
    done = subprocess.run(
        [sys.executable, str(script), "--quick"], capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert any("x" in line.split()[-1] for line in lines[1:] if line.split()), done.stdout
    assert "False" not in done.stdout


def test_api_fuzz_quick():
    """The hypothesis fuzz of the public API (benchmarks/fuzz_api.py) runs 20 s with no raw error and no NaN."""
    script = Path(__file__).resolve().parent.parent / "benchmarks" / "fuzz_api.py"
    done = subprocess.run(
        [sys.executable, str(script), "--seconds", "20"], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    total = next(line for line in done.stdout.splitlines() if line.startswith("all ("))
    calls, results, named, raw, non_finite = (int(x) for x in total.split(")")[1].split()[:5])
    assert raw == 0
    assert non_finite == 0
    assert calls > 500
    assert results > 0
    assert named > 0
