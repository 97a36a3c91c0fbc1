"""The ``linyi-spatial`` command: the full map set for Linyi, or for any region given by a spec and a network."""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import signal
import sys
import threading
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from types import FrameType
from typing import Any

import networkx as nx
import pandas as pd

from .._checks import check_tile_key
from .._io import read_csv
from .._progress import set_progress
from .._version import __version__
from ..accessibility.grid import BYTES_PER_CELL, MAX_CELLS, cell_budget, grid_cell_count
from ..errors import LinyiSpatialError, OptionError
from ..i18n import LANGS, add_words, code, local_name, tr
from ..network import add_lines, axes_along_network, build_network, consolidate_intersections, from_osm
from ..network.link import Access
from ..network.osm import NETWORK_TYPES
from ..structure import SpatialStructure
from .analysis import load_structure, urbanization_targets
from .analysis import sensitivity as linyi_sensitivity
from .datasets import load_counties, load_neighbours
from .defaults import (
    BANDS_MIN,
    BASE_YEAR,
    CAR_MODES,
    CUTOFFS_MIN,
    DELTA_BANDS_MIN,
    LAYER_SOURCES,
    LINYI_CLIP_BUFFER_KM,
    MAP_CREDITS,
    MAP_CREDITS_ZH,
    NETWORK_YEARS,
    OSM_NETWORK_SOURCE,
    PLAN_YEAR,
    TIER_WEIGHTS,
)
from .mapset import MapInputs, Region, figure_builders, map_builders, write_maps
from .network import load_network

__all__ = ["build_parser", "main"]

_WORDS: dict[str, str] = {
    "{name}: linyi_spatial maps": "{name}：linyi_spatial 地图集",
    "Networks: {a}": "路网：{a}",
    "Networks: {a} → {b}": "路网：{a} → {b}",
    "Sources: {credits}": "数据来源：{credits}",
    "Basemap: none (drawn offline)": "底图：无（离线绘制）",
    "wrote {n} map(s) and an index ({mb} MB) to {out}": "已写出 {n} 幅地图和索引页（{mb} MB）到 {out}",
    "start with {index} in a browser": "请在浏览器中打开 {index}",
    " (basemap tiles need the internet; --offline draws none)": "（底图瓦片需联网；--offline 不绘制底图）",
    "loading the structure and the networks ...": "正在读取空间结构与路网 ...",
    "no network given (--network or --nodes/--routes): writing the structure map only": (
        "未给出路网（--network 或 --nodes/--routes）：只写出空间结构图"
    ),
    "no --scenario-network given: no scenario map": "未给出 --scenario-network：不写情景对比图",
    "Basemap: {tiles} tiles (need the internet)": "底图：{tiles} 瓦片（需联网）",
}
"""The CLI's own messages in Chinese (and the two networks' labels when they have no years)."""

_CODES: dict[str, str] = {
    "base": "现状",
    "scenario": "方案",
}
"""Labels of the networks of a comparison when they have no years."""

add_words(_WORDS, codes=_CODES)


def _read_table(path: str, what: str) -> pd.DataFrame:
    return read_csv(path, f"{what} table", dtype={"id": str, "route_id": str, "ref": str, "road_node": str})


def _network(args: argparse.Namespace, path: str | None, year: int) -> nx.MultiDiGraph | None:
    if path is not None:
        return _consolidated(args, from_osm(path, network_type=args.network_type, simplify=not args.no_simplify))
    if args.nodes is not None:
        G = build_network(_read_table(args.nodes, "nodes"), _read_table(args.routes, "routes"), year=year)
        G.graph["name"] = f"network {year}"
        if args.access_link != "edges" or args.access_kph != 30.0 or args.access_circuity != 1.0:
            G.graph["access"] = Access(link_to=args.access_link, speed_kph=args.access_kph,
                                       circuity=args.access_circuity)  # fmt: skip
        return G
    return None


def _linyi_extract(args: argparse.Namespace, path: str) -> nx.MultiDiGraph:
    """An OSM extract read for Linyi: its roads within LINYI_CLIP_BUFFER_KM of the 12 counties."""
    G = from_osm(
        path,
        network_type=args.network_type,
        simplify=not args.no_simplify,
        clip=load_counties(),
        buffer_km=LINYI_CLIP_BUFFER_KM,
    )
    return _consolidated(args, G)


def _consolidated(args: argparse.Namespace, G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The OSM graph with each junction's nodes merged when ``--consolidate-m`` is given."""
    return G if args.consolidate_m is None else consolidate_intersections(G, args.consolidate_m)


def _axes_on(structure: SpatialStructure, G: nx.MultiDiGraph) -> SpatialStructure:
    """The structure with its axes drawn along ``G`` (the scenario's network when there is one)."""
    return structure if structure.axes.empty else axes_along_network(structure, G)


def _check_cells(args: argparse.Namespace, units: Any) -> None:
    """Refuse a grid over the memory budget before any network is read, naming --cell-km and --max-cells."""
    cells = grid_cell_count(units, args.cell_km)
    if cells > args.max_cells:
        shown = f"{cells:,.0f}" if math.isfinite(cells) else "more than 10^308"
        raise OptionError(
            f"--cell-km {args.cell_km:g} lays out {shown} cells over this region (about "
            f"{cells * BYTES_PER_CELL / 1e9:.2g} GB at {BYTES_PER_CELL / 1000:g} kB a cell), over --max-cells "
            f"{args.max_cells:,}; use a larger --cell-km, or raise --max-cells on a machine with the memory"
        )


def _region(args: argparse.Namespace, say: Callable[[str], None]) -> tuple[Region, str]:
    if args.spec is None:
        _check_cells(args, load_counties())
        if args.network is None:
            G, G_b = load_network(args.year, modes=CAR_MODES), load_network(args.scenario_year, modes=CAR_MODES)
            labels = (args.year, args.scenario_year)
        else:  # Linyi's structure on the user's extract, cut to its counties with a margin
            G, G_b = _linyi_extract(args, args.network), None
            if args.scenario_network is not None:
                G_b = _linyi_extract(args, args.scenario_network)
            labels = (code("base", args.lang), code("scenario", args.lang))
            if G_b is None and not args.lines:
                say("  " + tr("no --scenario-network given: no scenario map", args.lang))
        structure = load_structure() if args.network is None else _axes_on(load_structure(axes="anchors"), G)
        region = Region(
            structure=structure,
            G=G,
            G_scenario=G_b,
            labels=labels,
            cell_km=args.cell_km,
            hierarchy={"size": "urban_pop_2020", "tier_weights": TIER_WEIGHTS, "urbanization": urbanization_targets()},
            credits={"en": MAP_CREDITS, "zh": MAP_CREDITS_ZH},
            # a prefecture's planning bands (the 30 / 60 min circles) unless told otherwise
            bands_min=args.bands_min or BANDS_MIN,
            cutoffs_min=args.cutoffs_min or CUTOFFS_MIN,
            delta_bands_min=DELTA_BANDS_MIN,
            # the scores and times by car (as linyi.county_accessibility); the structure map draws the railways too
            G_drawn=load_network(args.scenario_year) if args.network is None else None,
            mode="car" if args.network is None else None,
            context=load_neighbours(),
            layer_sources=_layer_sources(args, LAYER_SOURCES),
            ranges=(lambda: linyi_sensitivity(args.year, n=args.ranges, cell_km=args.cell_km)) if args.ranges else None,
        )
        return region, "Linyi"
    structure = SpatialStructure.from_file(args.spec)
    _check_cells(args, structure.units)
    G_spec = _network(args, args.network, args.year)
    if args.network is not None:
        labels = (code("base", args.lang), code("scenario", args.lang))  # two extracts: no years to name them by
        scenario = _network(args, args.scenario_network, args.scenario_year)
    else:
        scenario, labels = _network(args, None, args.scenario_year), (args.year, args.scenario_year)
    plan = scenario if scenario is not None else G_spec
    if plan is not None:
        structure = _axes_on(structure, plan)
    if G_spec is None:
        say("  " + tr("no network given (--network or --nodes/--routes): writing the structure map only", args.lang))
    elif scenario is None and not args.lines:
        say("  " + tr("no --scenario-network given: no scenario map", args.lang))
    region = Region(
        structure=structure,
        G=G_spec,
        G_scenario=scenario,
        labels=labels,
        cell_km=args.cell_km,
        bands_min=args.bands_min,
        cutoffs_min=args.cutoffs_min,
        layer_sources=_layer_sources(args, {}),
    )
    return region, structure.name


def _layer_sources(args: argparse.Namespace, given: Mapping[str, Mapping[str, str]]) -> dict[str, Mapping[str, str]]:
    """The layers' sources, the network's being the user's OpenStreetMap extract when one is given."""
    out = dict(given)
    if args.network is not None:
        files = " / ".join(Path(p).name for p in (args.network, args.scenario_network) if p)
        out["network"] = {lang: text.format(file=files) for lang, text in OSM_NETWORK_SOURCE.items()}
    return out


def _with_lines(args: argparse.Namespace, region: Region) -> Region:
    """The region with its scenario replaced by the analysis network plus the planned lines of ``--lines``."""
    if not args.lines or not isinstance(region.G, nx.MultiDiGraph):  # every network the CLI reads is one
        return region
    G_b = add_lines(region.G, args.lines, region=region.structure.units)
    return replace(region, G_scenario=G_b, labels=(region.labels[0], Path(args.lines).stem))


def cmd_maps(args: argparse.Namespace) -> int:
    """Write the map set and its index; print the written paths.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed ``maps`` arguments.

    Returns
    -------
    int
        0 on success.

    Examples
    --------
    >>> main(["maps", "--help"])  # doctest: +SKIP
    """
    if args.quiet:
        set_progress(False)

    def say(msg: str) -> None:
        if not args.quiet:
            print(msg, file=sys.stderr, flush=True)

    say(tr("loading the structure and the networks ...", args.lang))
    with cell_budget(args.max_cells):  # every grid of the run (surfaces, scores, figures) within --max-cells
        with warnings.catch_warnings():
            if args.quiet:
                warnings.simplefilter("ignore")
            region, name = _region(args, say)
            region = _with_lines(args, region)
        return _write(args, region, name, say)


def _write(args: argparse.Namespace, region: Region, name: str, say: Callable[[str], None]) -> int:
    """Draw and write the map set (and figures) of a loaded region."""
    tiles = "none" if args.offline else args.tiles
    lang = args.lang
    name = local_name(region.structure.meta.get("name_zh"), name, lang)
    inputs = MapInputs(region, lang, say)  # computed once for the maps and the figures
    builders = map_builders(region, tiles=tiles, tiles_key=args.tiles_key, lang=lang, say=say, inputs=inputs)
    figures = None
    if args.static:  # a missing CJK font is said here, before any work, with the package to install
        figures = figure_builders(region, paper=args.paper, orientation=args.orientation, lang=lang, inputs=inputs)
    a, b = region.labels
    networks = (
        tr("Networks: {a} → {b}", lang, a=a, b=b) if region.G_scenario is not None else tr("Networks: {a}", lang, a=a)
    )
    basemap = (
        tr("Basemap: none (drawn offline)", lang)
        if tiles == "none"
        else tr("Basemap: {tiles} tiles (need the internet)", lang, tiles=tiles)
    )
    stop = "。" if lang == "zh" else ". "
    note = stop.join([networks, basemap, tr("Sources: {credits}", lang, credits=region.credit_line(lang))])
    written = write_maps(
        builders,
        Path(args.out),
        title=tr("{name}: linyi_spatial maps", lang, name=name),
        note=note,
        inline=not args.cdn,
        overwrite=args.overwrite,
        lang=lang,
        say=say,
        figures=figures,
        dpi=args.dpi,
    )
    for p in written.values():
        print(p)
    if not args.quiet:
        maps_only = [p for k, p in written.items() if k != "index" and Path(p).suffix == ".html"]
        mb = sum(Path(p).stat().st_size for p in written.values()) / 1e6
        where = {"n": len(maps_only), "mb": f"{mb:.1f}", "out": Path(args.out).resolve()}
        say(
            tr("wrote {n} map(s) and an index ({mb} MB) to {out}", lang, **where)
            + "\n"
            + tr("start with {index} in a browser", lang, index=Path(written["index"]).resolve())
            + ("" if args.offline else tr(" (basemap tiles need the internet; --offline draws none)", lang))
        )
    return 0


def _minutes(text: str) -> tuple[float, ...]:
    """A comma-separated list of increasing positive minutes (``"5,10,20"``)."""
    try:
        values = tuple(float(x) for x in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected minutes like 5,10,20, got {text!r}") from None
    if not values or any(not (0 < v < math.inf) for v in values) or list(values) != sorted(set(values)):
        raise argparse.ArgumentTypeError(f"expected increasing positive minutes like 5,10,20, got {text!r}")
    return values


def build_parser() -> argparse.ArgumentParser:
    """The command-line parser.

    Returns
    -------
    argparse.ArgumentParser

    Examples
    --------
    >>> build_parser().parse_args(["maps", "--offline"]).offline
    True
    """
    parser = argparse.ArgumentParser(
        prog="linyi-spatial", description="Planned spatial structure, accessibility and hierarchy maps."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    maps = sub.add_parser("maps", help="write the interactive HTML maps and an index.html")
    maps.add_argument("--out", default="maps", help="output folder (default: maps)")
    maps.add_argument(
        "--overwrite", action="store_true", help="also replace files of the same names that linyi-spatial did not write"
    )
    maps.add_argument(
        "--tiles",
        default="osm",
        choices=["osm", "cartodb", "amap", "tianditu", "none"],
        help="basemap (default: osm); amap shifts overlays into GCJ-02; tianditu needs --tiles-key",
    )
    maps.add_argument("--tiles-key", default=None, help="API key for basemaps that need one (Tianditu)")
    maps.add_argument("--year", type=int, default=BASE_YEAR, help="network year of the analysis (default: 2020)")
    maps.add_argument(
        "--scenario-year", type=int, default=PLAN_YEAR, help="year of the compared network (default: 2035)"
    )
    maps.add_argument("--cell-km", type=float, default=1.0, help="grid cell side in km (default: 1)")
    maps.add_argument(
        "--max-cells",
        type=int,
        default=MAX_CELLS,
        help=f"refuse, before any work, a grid of more cells (default: {MAX_CELLS:,}, about "
        f"{MAX_CELLS * BYTES_PER_CELL / 1e9:g} GB at {BYTES_PER_CELL / 1000:g} kB a cell)",
    )
    maps.add_argument(
        "--ranges",
        type=int,
        default=0,
        metavar="N",
        help="Linyi's embedded network only: run linyi.sensitivity with N samples and print each county's 5-95 %% "
        "range in the accessibility map's popups, with a layer of the probability of more than 60 min to the core "
        "(e.g. 200; about 30 s on two cores; default 0: no ranges)",
    )
    maps.add_argument(
        "--lang", default="en", choices=list(LANGS), help="language of the maps and the index: en or zh (default: en)"
    )
    maps.add_argument(
        "--bands-min",
        type=_minutes,
        default=None,
        help="time bands of the surface map, e.g. 5,10,20,30 (default: 15,30,45,60,90,120 for Linyi, "
        "fitted to the data for another region)",
    )
    maps.add_argument(
        "--cutoffs-min",
        type=_minutes,
        default=None,
        help="isochrone time limits and the unit scores' reach cut-offs, e.g. 5,10,15 "
        "(default: 15,30,60,90 for Linyi, fitted to the data otherwise)",
    )
    maps.add_argument("--quiet", action="store_true", help="no progress messages")
    figures = maps.add_argument_group("report figures")
    figures.add_argument(
        "--static",
        action="store_true",
        help="also write each map as a report figure (PNG and PDF: title, legend, scale bar, north arrow, sources, "
        "inset); Chinese needs a CJK font",
    )
    figures.add_argument("--paper", default="A4", choices=["A4", "A3"], help="paper of the figures (default: A4)")
    figures.add_argument(
        "--orientation", default="landscape", choices=["landscape", "portrait"], help="default: landscape"
    )
    figures.add_argument("--dpi", type=int, default=200, help="resolution of the PNG figures (default: 200)")
    assets = maps.add_mutually_exclusive_group()
    assets.add_argument("--offline", action="store_true", help="draw no basemap tiles, so nothing needs the network")
    assets.add_argument(
        "--cdn", action="store_true", help="link Leaflet/jQuery from CDNs instead of inlining them (needs internet)"
    )
    region = maps.add_argument_group(
        "another region (default: Linyi), or Linyi on an OSM extract (--network without --spec)"
    )
    region.add_argument("--spec", default=None, help="structure spec (TOML) of the region")
    region.add_argument("--network", default=None, help="road network as an OpenStreetMap extract (.osm or .pbf)")
    region.add_argument("--scenario-network", default=None, help="compared OSM extract (.osm or .pbf)")
    region.add_argument(
        "--network-type",
        default="drive",
        choices=sorted(NETWORK_TYPES),
        help="which OSM ways are roads (OSMnx's filters; default: drive)",
    )
    region.add_argument(
        "--no-simplify", action="store_true", help="keep every OSM segment (default: merge them between intersections)"
    )
    region.add_argument(
        "--consolidate-m",
        type=float,
        default=None,
        metavar="M",
        help="merge the nodes of each junction within M metres (OSMnx's consolidate_intersections; default: off)",
    )
    region.add_argument(
        "--lines",
        default=None,
        help="planned lines (scenario TOML): the scenario is the analysis network with them added, "
        "instead of --scenario-network or Linyi's 2035 network",
    )
    region.add_argument("--nodes", default=None, help="network node table (CSV), with --routes")
    region.add_argument("--routes", default=None, help="network route table (CSV); lines enter by opening year")
    region.add_argument(
        "--access-link",
        choices=("edges", "nodes"),
        default="edges",
        help="how grid cells join a --nodes/--routes network: the nearest usable road (default), or the nearest "
        "node (a skeleton of expressways only, which cells may not join between interchanges)",
    )
    region.add_argument(
        "--access-kph", type=float, default=30.0, help="speed of a cell's access leg, km/h (default: 30)"
    )
    region.add_argument(
        "--access-circuity",
        type=float,
        default=1.0,
        help="access leg length over the straight line, >= 1 (default: 1)",
    )
    maps.set_defaults(func=cmd_maps)
    return parser


def _check_out(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """The output folder can be made: every name within the file system's limit, not a file already."""
    out = Path(args.out)
    parent = next((p for p in [out, *out.parents] if os.path.exists(p)), Path("."))  # never raises
    try:
        name_max = os.pathconf(parent if parent.is_dir() else parent.parent, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):  # no pathconf (Windows) or unknown: the common limit
        name_max = 255
    for part in out.parts:
        if len(os.fsencode(part)) > name_max:
            parser.error(
                f"--out: the folder name {part[:24]!r}... is {len(os.fsencode(part))} bytes long, over this file "
                f"system's limit of {name_max}"
            )
    if len(os.fsencode(str(out.absolute()))) > 3800:  # PATH_MAX is 4096 with room for the file names inside
        parser.error(f"--out: the path is {len(os.fsencode(str(out.absolute())))} bytes long; give a shorter one")
    if os.path.exists(out) and not os.path.isdir(out):
        parser.error(f"--out {str(out)!r} is a file, not a folder")
    if parent != out and not os.path.isdir(parent):
        parser.error(f"cannot create the output folder {str(out)!r}: {str(parent)!r} is a file, not a folder")


def _check_tile_keys(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Check a map-service key (charset, length) before it goes anywhere.

    The flag always; the environment variable when its basemap is the chosen one (otherwise the maps leave
    that alternative out and say so).
    """
    if args.tiles == "tianditu" and not (args.tiles_key or os.environ.get("TIANDITU_KEY")):
        parser.error("--tiles tianditu needs --tiles-key KEY (a Tianditu API key)")
    for given, where in ((args.tiles_key, "--tiles-key"), (os.environ.get("TIANDITU_KEY"), "TIANDITU_KEY")):
        if given and (where == "--tiles-key" or args.tiles == "tianditu"):
            try:
                check_tile_key(given, where)
            except OptionError as exc:
                parser.error(str(exc))


def _check_options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse bad flag values before any work starts, naming the flag."""
    _check_tile_keys(parser, args)
    _check_out(parser, args)
    if args.consolidate_m is not None and not (0 < args.consolidate_m <= 500):
        parser.error(f"--consolidate-m must be above 0 and at most 500 m, got {args.consolidate_m:g}")
    if args.consolidate_m is not None and args.network is None:
        parser.error("--consolidate-m needs --network (it merges the junctions of an OSM extract)")
    if not (30 <= args.dpi <= 1200):
        parser.error(f"--dpi must be between 30 and 1200, got {args.dpi}")
    if args.static:
        try:
            import matplotlib  # noqa: F401 - only whether it is installed
        except ImportError:
            parser.error("--static needs matplotlib: pip install 'linyi_spatial[charts]'")
    _check_ranges(parser, args)
    if args.max_cells < 1:
        parser.error(f"--max-cells must be a positive number of cells, got {args.max_cells}")
    if not (0 < args.cell_km <= 50):
        parser.error(f"--cell-km must be above 0 and at most 50 km, got {args.cell_km:g}")
    if args.spec is None or args.nodes:  # years matter for Linyi's network and for route tables
        low, high = min(NETWORK_YEARS), max(NETWORK_YEARS)
        if args.spec is None:
            for flag, year in (("--year", args.year), ("--scenario-year", args.scenario_year)):
                if not (low <= year <= high):
                    parser.error(f"{flag} {year}: Linyi's network is documented for {low}–{high} ({NETWORK_YEARS})")
        if args.scenario_year <= args.year:
            parser.error(f"--scenario-year {args.scenario_year} must come after --year {args.year}")


def _check_ranges(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if args.ranges and (args.spec is not None or args.network is not None):
        parser.error("--ranges runs Linyi's sensitivity space on the embedded network: leave out --spec and --network")
    if not (0 <= args.ranges <= 10_000):
        parser.error(f"--ranges must be between 0 and 10000 samples, got {args.ranges}")


def _terminated(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def _clean_exit_on_sigterm() -> Iterator[None]:
    """Turn SIGTERM into ``SystemExit(143)`` while the command runs, so its stage folder is removed on the way out."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _plain_warnings() -> Iterator[None]:
    """Warnings said as ``linyi-spatial: warning: ...``, each text once per run.

    No source line: the user reads them, not a developer; a map set draws the same basemaps six times.
    """
    shown = warnings.showwarning
    said: set[str] = set()

    def say(message: Warning | str, *_: object, **__: object) -> None:
        if str(message) not in said:
            said.add(str(message))
            print(f"linyi-spatial: warning: {message}", file=sys.stderr)

    warnings.showwarning = say
    try:
        yield
    finally:
        warnings.showwarning = shown


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (2 for bad arguments or input).

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int

    Examples
    --------
    >>> main(["--version"])  # doctest: +SKIP
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "maps":
        if not str(args.out).strip():
            parser.error("--out needs a folder name")
        if (args.nodes is None) != (args.routes is None):
            parser.error("--nodes and --routes go together")
        if args.spec is None and args.nodes:
            parser.error("--nodes and --routes need --spec (Linyi's own network is built in)")
        if args.network and args.nodes:
            parser.error("give either --network or --nodes/--routes, not both")
        if args.scenario_network and not args.network:
            parser.error("--scenario-network needs --network")
        if args.lines and args.scenario_network:
            parser.error("give either --lines or --scenario-network, not both")
        _check_options(parser, args)
    try:
        with _clean_exit_on_sigterm(), _plain_warnings():
            return int(args.func(args))
    except LinyiSpatialError as exc:
        print(f"linyi-spatial: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
