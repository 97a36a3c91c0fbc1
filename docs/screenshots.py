"""Screenshots of every map at projector and notebook sizes, with a check that the page furniture leaves the data visible.

Run:  python docs/screenshots.py [MAPS_FOLDER] [--out FOLDER]
      (default: maps/ written by ``make maps``; screenshots into docs/_build/screenshots)

Opens each ``*.html`` map of the folder in headless Chromium (Debian's
``/usr/bin/chromium``, no network: every http(s) request is refused) at
1400×900 and at 900×560, saves a PNG of each, and measures the boxes of the
title, the visible legend, the credits and the layer control. It reports,
per map and size, whether they overlap one another and what share of the
map they cover; it exits 1 if any furniture overlaps or covers more than
``MAX_COVER`` of the map. The test suite runs :func:`check_folder` on the
map set.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

SIZES = {"projector": (1400, 900), "notebook": (900, 560)}
MAX_COVER = 0.40
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-dev-shm-usage"]

BOXES = """() => {
  const box = (e) => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const shown = (e) => getComputedStyle(e).display !== 'none' && e.getBoundingClientRect().width > 0;
  const pick = (sel) => Array.from(document.querySelectorAll(sel)).filter(shown).map(box);
  return {
    title: pick('.linyi-title'),
    legend: pick('.linyi-legend'),
    credits: pick('.linyi-credits'),
    control: pick('.leaflet-control-layers'),
    scale: pick('.leaflet-control-scale'),
    north: pick('.linyi-north'),
  };
}"""


def _overlap(a: list[float], b: list[float]) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return max(w, 0.0) * max(h, 0.0)


def check_page(page, width: int, height: int) -> dict[str, object]:
    """Boxes of the page furniture, their pairwise overlaps (px²) and the share of the map they cover."""
    boxes = page.evaluate(BOXES)
    flat = [(name, b) for name, bs in boxes.items() for b in bs]
    overlaps = [
        (n1, n2, _overlap(b1, b2))
        for i, (n1, b1) in enumerate(flat)
        for n2, b2 in flat[i + 1 :]
        if _overlap(b1, b2) > 4.0  # a few pixels of shared border are fine
    ]
    covered = sum((b[2] - b[0]) * (b[3] - b[1]) for _, b in flat) / (width * height)
    return {"boxes": boxes, "overlaps": overlaps, "cover": covered}


def check_folder(folder: Path, out: Path, browser) -> list[str]:
    """Screenshot every map of ``folder`` at every size into ``out``; return the problems found."""
    out.mkdir(parents=True, exist_ok=True)
    problems = []
    for path in sorted(folder.glob("*.html")):
        if path.name == "index.html":
            continue
        for size_name, (width, height) in SIZES.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            page.route(re.compile(r"^https?://"), lambda route: route.abort())  # every host, not a glob
            page.goto(path.as_uri())
            page.wait_for_function("() => window.L && document.querySelectorAll('.leaflet-interactive').length > 0")
            page.wait_for_timeout(600)
            page.screenshot(path=str(out / f"{path.stem}_{size_name}.png"), animations="disabled")
            found = check_page(page, width, height)
            page.close()
            where = f"{path.name} at {width}×{height}"
            if not found["boxes"]["title"] or not found["boxes"]["legend"]:
                problems.append(f"{where}: title or legend not visible")
            if not found["boxes"]["north"] or not found["boxes"]["scale"]:
                problems.append(f"{where}: north arrow or scale bar not visible")
            problems.extend(f"{where}: {a} overlaps {b} ({area:.0f} px²)" for a, b, area in found["overlaps"])
            if found["cover"] > MAX_COVER:
                problems.append(f"{where}: page furniture covers {found['cover']:.0%} of the map")
            print(f"{where:40s} furniture covers {found['cover']:5.1%}; overlaps: {len(found['overlaps'])}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default="maps", help="folder of maps (default: maps)")
    parser.add_argument("--out", default="docs/_build/screenshots", help="where the PNGs go")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        problems = check_folder(Path(args.folder), Path(args.out), browser)
        browser.close()
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    print(f"screenshots in {Path(args.out).resolve()}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
