"""The ``linyi-spatial`` command."""

from __future__ import annotations

import argparse
import html
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from ._progress import set_progress
from .errors import LinyiSpatialError

MAPS = {
    "structure": "Planned spatial structure: core, poles, axes, points and the transport network",
    "accessibility": "County accessibility: composite score and each measure",
    "surface": "Travel-time surfaces on a 1 km grid: to the core, the nearest pole, the nearest seat",
    "isochrones": "Isochrones from the core (15 / 30 / 60 / 90 minutes)",
    "scenario": "What the planned network changes: travel-time deltas",
    "hierarchy": "Urban hierarchy: population, tiers, gravity linkages, centrality",
}
SIZE_BUDGET_BYTES = 3_000_000


def _write_index(out: Path, written: dict[str, Path], year: int, year_b: int) -> Path:
    items = "".join(
        f"<li><a href='{html.escape(p.name)}'>{html.escape(MAPS[k])}</a> "
        f"<small>({p.stat().st_size / 1e6:.1f} MB)</small></li>"
        for k, p in written.items()
    )
    index = out / "index.html"
    index.write_text(
        "<!doctype html><html><head><meta charset='utf-8'><title>linyi_spatial maps</title></head>"
        f"<body style='font-family:sans-serif'><h1>linyi_spatial maps</h1><p>Network year {year}; scenario "
        f"{year} → {year_b}.</p><ul>{items}</ul></body></html>\n",
        encoding="utf-8",
    )
    return index


def cmd_maps(args: argparse.Namespace) -> int:
    from . import maps as M
    from .accessibility import compare_scenarios, county_accessibility, isochrones, travel_time_surface
    from .hierarchy import hierarchy_report
    from .network import load_network
    from .structure import SpatialStructure, load_structure

    out = Path(args.out)
    if args.quiet:
        set_progress(False)
    tiles = "none" if args.offline else args.tiles
    kw = {"tiles": tiles, "tiles_key": args.tiles_key}
    say = (lambda msg: None) if args.quiet else (lambda msg: print(msg, file=sys.stderr, flush=True))
    say(f"loading structure and networks ({args.year}, {args.scenario_year}) ...")
    if args.spec is not None:
        structure = SpatialStructure.from_file(args.spec)
        builders = {"structure": lambda: M.structure_map(structure, **kw)}
    else:
        structure = load_structure()
        G = load_network(args.year)
        cache: dict[str, object] = {}

        def surface() -> object:
            if "surface" not in cache:
                say("  computing the 1 km travel-time surface ...")
                cache["surface"] = travel_time_surface(args.year, G=G)
            return cache["surface"]

        builders = {
            "structure": lambda: M.structure_map(structure, network=load_network(args.scenario_year), **kw),
            "accessibility": lambda: M.accessibility_map(
                county_accessibility(args.year, G=G, surface=surface()), year=args.year, **kw
            ),
            "surface": lambda: M.surface_map(surface(), year=args.year, **kw),
            "isochrones": lambda: M.isochrone_map(
                isochrones("city_hall", (15, 30, 60, 90), G=G),
                origin=(G.nodes["city_hall"]["x"], G.nodes["city_hall"]["y"]),
                label=str(G.nodes["city_hall"].get("name_zh", "core")),
                **kw,
            ),
            "scenario": lambda: M.scenario_map(compare_scenarios(args.year, args.scenario_year), **kw),
            "hierarchy": lambda: M.hierarchy_map(hierarchy_report(args.year, G=G), structure=structure, **kw),
        }
    written: dict[str, Path] = {}
    for i, (key, build) in enumerate(builders.items(), 1):
        say(f"[{i}/{len(builders)}] {key} map ...")
        path = M.save_html(build(), out / f"{key}.html", inline=not args.cdn)
        written[key] = path
        if path.stat().st_size > SIZE_BUDGET_BYTES:
            say(f"  warning: {path.name} is {path.stat().st_size / 1e6:.1f} MB, over the 3 MB budget")
    index = _write_index(out, written, args.year, args.scenario_year)
    for p in [*written.values(), index]:
        print(p)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="linyi-spatial", description="Linyi spatial-structure analysis and maps.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    maps = sub.add_parser("maps", help="write the interactive HTML maps and an index.html")
    maps.add_argument("--out", default="maps", help="output folder (default: maps)")
    maps.add_argument(
        "--tiles",
        default="osm",
        choices=["osm", "cartodb", "amap", "tianditu", "none"],
        help="basemap (default: osm); amap shifts overlays into GCJ-02; tianditu needs --tiles-key",
    )
    maps.add_argument("--tiles-key", default=None, help="API key for basemaps that need one (Tianditu)")
    maps.add_argument("--year", type=int, default=2020, help="network year of the analysis (default: 2020)")
    maps.add_argument(
        "--scenario-year", type=int, default=2035, help="year compared in the scenario map (default: 2035)"
    )
    maps.add_argument("--quiet", action="store_true", help="no progress messages")
    assets = maps.add_mutually_exclusive_group()
    assets.add_argument("--offline", action="store_true", help="draw no basemap tiles, so nothing needs the network")
    assets.add_argument(
        "--cdn",
        action="store_true",
        help="link Leaflet/jQuery from CDNs instead of inlining them (smaller files, needs internet)",
    )
    maps.add_argument("--spec", default=None, help="structure spec (TOML) of another region; default: Linyi")
    maps.set_defaults(func=cmd_maps)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (2 for bad arguments or input)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except LinyiSpatialError as exc:
        print(f"linyi-spatial: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
