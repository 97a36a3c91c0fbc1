"""The ``linyi-spatial`` command."""

from __future__ import annotations

import argparse
import html
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import LinyiSpatialError

MAPS = {"structure": "Planned spatial structure: core, poles, axes and points"}


def _write_index(out: Path, written: dict[str, Path]) -> Path:
    items = "".join(f"<li><a href='{html.escape(p.name)}'>{html.escape(MAPS[k])}</a></li>" for k, p in written.items())
    index = out / "index.html"
    index.write_text(
        "<!doctype html><html><head><meta charset='utf-8'><title>linyi_spatial maps</title></head>"
        f"<body><h1>linyi_spatial maps</h1><ul>{items}</ul></body></html>\n",
        encoding="utf-8",
    )
    return index


def cmd_maps(args: argparse.Namespace) -> int:
    from .maps import save_html, structure_map
    from .structure import SpatialStructure, load_structure

    out = Path(args.out)
    structure = load_structure() if args.spec is None else SpatialStructure.from_file(args.spec)
    tiles = "none" if args.offline else args.tiles
    written = {}
    for key in MAPS:
        print(f"writing {key} map ...", file=sys.stderr, flush=True)
        written[key] = save_html(structure_map(structure, tiles=tiles), out / f"{key}.html", inline=not args.cdn)
    index = _write_index(out, written)
    for p in [*written.values(), index]:
        print(p)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="linyi-spatial", description="Linyi spatial-structure analysis and maps.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    maps = sub.add_parser("maps", help="write the interactive HTML maps and an index.html")
    maps.add_argument("--out", default="maps", help="output folder (default: maps)")
    maps.add_argument("--tiles", default="osm", choices=["osm", "none"], help="basemap (default: osm)")
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
