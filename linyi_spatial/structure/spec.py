"""Reading a structure spec (TOML): parse, validate, gather every problem and raise once.

Spec format
-----------
``[region]``
    ``id``, ``name``, ``name_zh`` (optional), ``crs`` (required:
    ``"EPSG:4326"`` or ``"GCJ-02"``; the datum of every coordinate in the
    spec and of the units file), ``units`` (path of a polygon file relative
    to the spec), ``unit_id`` (its id column), optional ``unit_table`` (CSV
    joined on ``unit_id``; ``seat_lon``/``seat_lat`` columns enable
    ``seat_of``), optional ``places_table`` (CSV with ``id``, ``lon``,
    ``lat`` and optional ``name_en``/``name``, ``name_zh``, plus the unit
    column named by ``places_unit_column``), optional ``[region.expected]``
    with ``poles``/``axes``/``points`` counts that the plan fixes, optional
    ``[region.columns]`` naming the units' attribute columns (``name``,
    ``size``, ``urban``, ``size_base`` with ``size_base_year``), which the
    analyses use when no column is passed to them.
``[[places]]``
    Named points: ``id`` and ``lon``/``lat``, or ``seat_of = <unit id>``
    (the unit's seat: at its own ``lon``/``lat`` when given, else at the
    units' ``seat_lon``/``seat_lat``); optional ``name``, ``name_zh``,
    ``unit``, ``source``.
``[core]``
    ``id``, ``name``, ``units`` (unit ids whose union is the core area),
    ``anchor`` (place id), optional ``zones`` (place ids inside the core).
    The core's id can be used as a place (its anchor) in axes.
``[[poles]]``
    ``id``, ``place``, ``name``, optional ``name_zh``, ``source``.
``[[axes]]``
    ``id``, ``name``, ``places`` (ordered, at least two), ``corridors``
    (transport lines it follows), ``status`` (e.g. ``"plan"`` or
    ``"reconstruction"``) and ``reason``.
``[[points]]``
    ``place`` and ``kind`` (e.g. ``county_seat``, ``key_town``).
``[[axis_variants.<name>]]``
    Optional alternative axis sets, same fields as ``axes``.

All problems in a spec are gathered and raised together as one
:class:`~linyi_spatial.errors.SpecError` naming each item and the file.
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, Point

from .._checks import non_numeric
from .._io import read_csv, read_toml, read_vector
from ..crs import GCJ02, WGS84, _datum, projected_crs, to_wgs84, transform_geometry
from ..errors import CRSError, DataError, SpecError
from ..i18n import add_words

__all__ = ["COLUMN_KEYS", "PLACE_SIZE_KEYS", "SEAT_KIND", "STATUSES", "read_spec"]

_CODES: dict[str, str] = {
    "plan": "规划明确",
    "proposal": "建议稿",
    "reconstruction": "推断重构",
    "assumed": "假定",
    "unstated": "未说明",
    "county_seat": "县级驻地",
    "key_town": "重点镇",
    "functional_zone": "功能区",
    "place": "地点",
    "core": "核心",
    "pole": "增长极",
    "point": "支撑点",
    "axis": "发展轴",
    "other": "其他",
}
"""The plan's roles and tiers, place kinds and provenance in Chinese (the codes a spec uses)."""

add_words(
    {
        "urban residents, {year}": "{year}年城镇常住人口",
        "residents, {year}": "{year}年常住人口",
        "urban residents": "城镇常住人口",
    },
    codes=_CODES,
)

SEAT_KIND = "county_seat"
"""Place ``kind`` of a unit's seat (set by ``seat_of``); seats stand for their units in the analyses."""

ROLES = ("units", "core", "axes", "poles", "points")
"""Roles a spec's ``[region.role_labels]`` may name."""

COLUMN_KEYS = ("name", "size", "urban", "size_base", "size_base_year")
"""Keys allowed in ``[region.columns]``."""

NUMERIC_COLUMNS = ("size", "urban", "size_base")

PLACE_SIZE_KEYS = {
    "own_pop": "size",
    "own_urban_pop": "urban",
    "own_area_km2": None,
}
"""A place's own figures and the unit column role each stands in for (``own_pop`` is the place's ``size``).

A pole or point that is not a unit's seat (a zone inside a county) has no size of its own in the unit
table; these give it one, with ``own_pop_year``, ``own_pop_source`` and ``own_area_source`` saying
which year and source. Analyses never substitute the host unit's size for a missing one."""

PLACE_TEXT_KEYS = ("own_pop_source", "own_area_source")
"""Text fields that go with :data:`PLACE_SIZE_KEYS`."""
"""Column roles that hold counts of people (checked to be numbers)."""

OVERLAP_TOLERANCE = 0.001
"""Overlap of two units tolerated as digitising slivers: 0.1 % of the smaller unit's area."""

STATUSES = ("plan", "proposal", "reconstruction", "assumed", "unstated")
"""Provenance of a structure element: stated in the adopted plan, in a proposal or earlier plan, reconstructed
from other sources, assumed, or not stated (the default: nothing is called "plan" unless the spec says so)."""


def read_spec(
    path: str | os.PathLike[str],
    *,
    units: gpd.GeoDataFrame | None = None,
    axis_variant: str | None = None,
) -> dict[str, Any]:
    """Parse and validate a structure spec; return the parts of a structure.

    Parameters
    ----------
    path : path-like
        The spec file (format in the module docstring).
    units : geopandas.GeoDataFrame, optional
        Areal units to use instead of the spec's ``units`` file.
    axis_variant : str, optional
        Name of an ``[[axis_variants.<name>]]`` set to use instead of ``[[axes]]``.

    Returns
    -------
    dict
        Keyword arguments of :class:`~linyi_spatial.structure.SpatialStructure`.

    Raises
    ------
    SpecError
        Naming every problem and the file.

    Examples
    --------
    >>> read_spec("missing.toml")
    Traceback (most recent call last):
    ...
    linyi_spatial.errors.SpecError: spec file not found in missing.toml
    """
    path = Path(path)
    try:
        spec = read_toml(path, "spec")
    except DataError as exc:
        raise SpecError(exc.problems, source=path) from None
    return _Builder(spec, path, units, axis_variant).build()


def length_km(gdf: gpd.GeoDataFrame) -> pd.Series:
    return (gdf.geometry.to_crs(projected_crs(gdf)).length / 1000.0).round(2)


class _Builder:
    """Parse and validate one spec; gather problems and raise them together."""

    def __init__(
        self, spec: dict[str, Any], path: Path, units: gpd.GeoDataFrame | None, axis_variant: str | None
    ) -> None:
        self.spec = spec
        self.path = path
        self.base = path.parent
        self.given_units = units
        self.axis_variant = axis_variant
        self.problems: list[str] = []
        self.bad_places: set[str] = set()
        """Places that failed: their own problem is reported, references to them are not reported again."""
        self.skipped: dict[str, int] = {}
        """Per role, how many items were left out because they refer to a failed place."""

    # -- helpers
    def fail(self, msg: str) -> None:
        self.problems.append(msg)

    def fail_place(self, pid: str, msg: str) -> None:
        """Record a problem of place ``pid`` itself; later references to it stay silent."""
        self.bad_places.add(pid)
        self.fail(msg)

    def refers_to_failed(self, key: str, ids: Sequence[str]) -> bool:
        """Whether an item of role ``key`` refers to a failed place (then it is left out, silently)."""
        if not self.bad_places.intersection(ids):
            return False
        self.skipped[key] = self.skipped.get(key, 0) + 1
        return True

    def check(self) -> None:
        if self.problems:
            raise SpecError(self.problems, source=self.path)

    def table(self, key: str, *, required: bool = True) -> dict[str, Any]:
        value = self.spec.get(key)
        if value is None:
            if required:
                self.fail(f"missing [{key}] table")
            return {}
        if not isinstance(value, dict):
            self.fail(
                f"[{key}] must be a single table, got {type(value).__name__}"
                + (" (there must be exactly one core)" if key == "core" else "")
            )
            return {}
        return value

    def array(self, value: Any, label: str) -> list[dict[str, Any]]:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fail(f"{label} must be an array of tables ([[{label}]])")
            return []
        return value

    def file(self, key: str, region: dict[str, Any]) -> Path | None:
        name = region.get(key)
        if name is None:
            return None
        p = (self.base / str(name)).resolve()
        if not p.is_file():
            self.fail(f"region.{key}: file {str(name)!r} not found (looked in {self.base})")
            return None
        return p

    # -- stages
    def build(self) -> dict[str, Any]:
        self.spec = _nfc_all(self.spec)  # ids and names compare as people read them (é == e + ◌́)
        self.problems += type_problems(self.spec)
        variants = self.spec.get("axis_variants", {})
        for name, axes in variants.items() if isinstance(variants, dict) else []:
            if isinstance(axes, list):
                self.problems += type_problems({f"axis_variants.{name}": axes}, {f"axis_variants.{name}": [_AXIS]})
        self.check()  # wrong types first: later stages read the fields as their types
        region = self.table("region")
        datum = self.region_crs(region)
        units = self.load_units(region, datum)
        self.check()  # without units, places cannot be located: stop here
        # every later stage runs even when an earlier one found problems, so all are reported together
        places = self.load_places(region, units, datum)
        core = self.build_core(units, places)
        refs = places.geometry.to_dict() if len(places) else {}
        if len(core):  # the core's id can stand for its anchor point in axes
            refs[core.index[0]] = places.geometry[core["anchor"].iloc[0]]
        poles = self.build_points("poles", places, ["id", "place", "name"])
        points = self.build_points("points", places, ["place", "kind"])
        axes = self.build_axes(refs)
        self.check_roles(poles, points)
        self.check_expected(region, poles, axes, points)
        self.check_role_labels(region)
        columns = self.columns(region, units)
        self.check()
        return {
            "name": str(region.get("name", region.get("id", self.path.stem))),
            "units": units,
            "places": places,
            "core": core,
            "poles": poles,
            "axes": axes,
            "points": points,
            "source": str(self.path),
            "meta": dict(region),
            "columns": columns,
        }

    def region_crs(self, region: dict[str, Any]) -> str | None:
        if not region:
            return None
        if "crs" not in region:
            self.fail("region.crs is missing: state the datum of the coordinates ('EPSG:4326' or 'GCJ-02')")
            return None
        try:
            return _datum(region["crs"])
        except CRSError as exc:
            self.fail(f"region.crs: {exc}")
            return None

    def load_units(self, region: dict[str, Any], datum: str | None) -> gpd.GeoDataFrame:
        if self.given_units is not None:
            if self.given_units.crs is None:
                self.fail("the units GeoDataFrame passed in has no CRS")
                return self.given_units
            units = self.given_units.to_crs(WGS84)
            self.check_unit_shapes(units)
            return units
        units = self.read_units(region)
        if units is None:
            return gpd.GeoDataFrame(geometry=[], crs=WGS84)
        units = to_wgs84(units, source_crs=GCJ02) if datum == GCJ02 else units.to_crs(WGS84)
        self.check_unit_shapes(units)
        return self.join_unit_table(region, units)

    def check_unit_shapes(self, units: gpd.GeoDataFrame) -> None:
        """Every unit a valid polygon, and no two units overlapping (they would count people twice)."""
        missing = []
        for uid, g in zip(units.index.map(str), units.geometry.to_numpy(), strict=True):
            if g is None or g.is_empty:
                missing.append(uid)
            elif g.geom_type not in ("Polygon", "MultiPolygon"):
                self.fail(f"unit {uid!r} is a {g.geom_type}, not a polygon")
            elif not g.is_valid:
                self.fail(
                    f"unit {uid!r} has an invalid polygon ({shapely.is_valid_reason(g)}); "
                    "repair it first, e.g. with shapely.make_valid or QGIS 'Fix geometries'"
                )
        if missing:
            self.fail(f"unit(s) {missing} have no polygon")
        if self.problems or len(units) < 2:
            return
        proj = units.geometry.to_crs(projected_crs(units))
        if not proj.is_valid.all():  # far from its UTM zone a polygon can fold over itself: repaired to compare
            proj = gpd.GeoSeries(shapely.make_valid(proj.to_numpy()), index=proj.index, crs=proj.crs)
        try:
            i, j = proj.sindex.query(proj, predicate="overlaps")
        except shapely.errors.GEOSException as exc:
            west, _, east, _ = units.to_crs(WGS84).total_bounds
            self.fail(
                f"the units span {east - west:.0f}° of longitude, too wide for one UTM zone to compare them "
                f"({exc}); split the region, or give units within about 30° of longitude"
            )
            return
        for a, b in zip(i[i < j], j[i < j], strict=True):
            overlap_km2 = proj.iloc[a].intersection(proj.iloc[b]).area / 1e6
            smaller_km2 = min(proj.iloc[a].area, proj.iloc[b].area) / 1e6
            if overlap_km2 > OVERLAP_TOLERANCE * smaller_km2:
                self.fail(
                    f"units {str(units.index[a])!r} and {str(units.index[b])!r} overlap by {overlap_km2:.3g} km² "
                    f"({100 * overlap_km2 / smaller_km2:.1f} % of the smaller): units must not overlap, "
                    "or the people and land there are counted twice"
                )

    def read_units(self, region: dict[str, Any]) -> gpd.GeoDataFrame | None:
        """The units file indexed by ``unit_id`` (None, with the problem recorded, when unusable)."""
        unit_id = str(region.get("unit_id", "id"))
        path = self.file("units", region)
        if path is None:
            if "units" not in region and region:
                self.fail("region.units is missing: give a polygon file of the areal units")
            return None
        try:
            units = read_vector(path, "units file")
        except DataError as exc:  # a foreign format, a FIFO, a VRT, or a reader failure: named with the file
            self.fail(f"region.units: {exc}")
            return None
        if units.crs is None or unit_id not in units:
            self.fail(
                f"region.units: {path.name} has no CRS"
                if units.crs is None
                else f"region.unit_id: column {unit_id!r} not in {path.name} (columns: {list(units.columns)})"
            )
            return None
        blank = units[unit_id].isna() | units[unit_id].map(lambda v: isinstance(v, str) and not v.strip())
        if blank.any():  # a unit without an id cannot be joined, named or found again
            self.fail(f"{path.name}: feature(s) {np.flatnonzero(blank.to_numpy())[:10].tolist()} (0-based) have no "
                      f"{unit_id!r}: every unit needs an id")  # fmt: skip
            return None
        raw = units[unit_id].astype(str)
        units[unit_id] = raw.map(nfc)
        alike = units[unit_id].duplicated(keep=False) & ~raw.duplicated(keep=False)
        for norm in sorted(set(units.loc[alike, unit_id])):
            forms = [ascii(r) for r in raw[units[unit_id] == norm]]
            self.fail(f"unit ids {', '.join(forms)} in {path.name} are the same after Unicode normalisation (NFC)")
        dup = sorted(set(raw[raw.duplicated()]))
        if dup:
            self.fail(f"duplicate unit id(s) {dup} in {path.name}")
        units = units.set_index(unit_id, drop=False)
        units.index.name = unit_id
        return units

    def join_unit_table(self, region: dict[str, Any], units: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        unit_id = str(region.get("unit_id", "id"))
        table = self.file("unit_table", region)
        if table is None:
            return units
        try:
            attrs = read_csv(table, "unit table", dtype={unit_id: str})
        except DataError as exc:
            self.fail(f"region.unit_table: {exc}")
            return units
        if unit_id not in attrs:
            self.fail(f"region.unit_table: column {unit_id!r} not in {table.name}")
            return units
        attrs[unit_id] = attrs[unit_id].astype(str).map(nfc)
        attrs = attrs.set_index(unit_id)
        unknown = sorted(set(attrs.index) - set(units.index))
        if unknown:
            self.fail(f"region.unit_table: unit id(s) {unknown} of {table.name} have no polygon")
        return units.join(attrs[[c for c in attrs.columns if c not in units.columns]])

    def table_places(self, region: dict[str, Any]) -> list[dict[str, Any]]:
        """Place records of the optional ``places_table``."""
        table = self.file("places_table", region)
        if table is None:
            return []
        unit_col = str(region.get("places_unit_column", "unit"))
        try:
            frame = read_csv(table, "places table", dtype={unit_col: str})
        except DataError as exc:
            self.fail(f"region.places_table: {exc}")
            return []
        missing = [c for c in ("id", "lon", "lat") if c not in frame]
        if missing:
            self.fail(f"region.places_table: {table.name} lacks column(s) {missing}")
            return []
        return [
            {
                "id": nfc(str(r["id"])),
                "name": r.get("name_en", r.get("name", r["id"])),
                "name_zh": r.get("name_zh", ""),
                "unit": nfc(r[unit_col]) if isinstance(r.get(unit_col), str) else r.get(unit_col),
                "kind": r.get("kind", "place"),
                "lon": r["lon"],
                "lat": r["lat"],
                "source": r.get("source", table.name),
                **{k: r[k] for k in (*PLACE_SIZE_KEYS, "own_pop_year", *PLACE_TEXT_KEYS) if k in r},
                "_where": f"places_table row id={r['id']!r}",
            }
            for r in frame.to_dict("records")
        ]

    def seat(
        self, rec: dict[str, Any], unit: str, units: gpd.GeoDataFrame, region: dict[str, Any], given: dict[str, Any]
    ) -> bool:
        """Make ``rec`` the seat of ``unit``; False (problem recorded) if impossible.

        The seat's point is the place's own ``lon``/``lat`` when given, else
        the unit's ``seat_lon``/``seat_lat`` columns.
        """
        where = rec["_where"]
        if unit not in units.index:
            self.fail_place(rec["id"], f"{where}: seat_of refers to unknown unit {unit!r}")
            return False
        u = units.loc[unit]
        if "lon" in given or "lat" in given:
            if not ("lon" in given and "lat" in given):
                self.fail_place(
                    rec["id"], f"{where}: give both lon and lat (or neither, to use the unit's seat columns)"
                )
                return False
            rec.update(lon=given["lon"], lat=given["lat"])
        elif {"seat_lon", "seat_lat"} <= set(units.columns):
            # seat columns share the units' datum: WGS-84 when the units were passed in converted
            rec.update(lon=u["seat_lon"], lat=u["seat_lat"], _wgs=self.given_units is not None)
        else:
            self.fail_place(
                rec["id"],
                f"{where}: seat_of needs the seat's lon/lat, given with the place or as seat_lon/seat_lat columns "
                "of the units",
            )
            return False
        rec.update(unit=unit, kind=SEAT_KIND)
        columns = region.get("columns")
        name_col = columns.get("name") if isinstance(columns, dict) else None
        rec["name"] = rec["name"] or u.get(name_col or "name_en", u.get("name_en", unit))
        rec["name_zh"] = rec["name_zh"] or u.get("name_zh", "")
        return True

    def load_places(self, region: dict[str, Any], units: gpd.GeoDataFrame, datum: str | None) -> gpd.GeoDataFrame:
        records = self.table_places(region)
        for i, p in enumerate(self.array(self.spec.get("places"), "places")):
            pid = p.get("id")
            where = f"places[{i}]" + (f" (id={pid!r})" if pid else "")
            if not pid:
                self.fail(f"{where}: missing id")
                continue
            rec = {
                "id": str(pid),
                "name": p.get("name"),
                "name_zh": p.get("name_zh"),
                "unit": p.get("unit"),
                "kind": p.get("kind", "place"),
                "source": p.get("source", "spec"),
                **{k: p[k] for k in (*PLACE_SIZE_KEYS, "own_pop_year", *PLACE_TEXT_KEYS) if k in p},
                "_where": where,
            }
            if "seat_of" in p:
                if not self.seat(rec, str(p["seat_of"]), units, region, p):
                    continue
            elif "lon" in p and "lat" in p:
                rec.update(lon=p["lon"], lat=p["lat"])
            else:
                self.fail_place(rec["id"], f"{where}: give lon/lat or seat_of")
                continue
            rec["name"] = rec["name"] or rec["id"]
            records.append(rec)
        if not records:
            self.fail("no places defined")
            return gpd.GeoDataFrame(geometry=[], crs=WGS84)

        ids = pd.Series([r["id"] for r in records])
        for dup in sorted(set(ids[ids.duplicated()])):
            self.fail(f"duplicate place id {dup!r}")
        bad = [r for r in records if not _valid_lonlat(r["lon"], r["lat"])]
        for r in bad:
            self.fail_place(r["id"], f"{r['_where']}: invalid coordinates lon={r['lon']!r}, lat={r['lat']!r}")
        records = [r for r in records if r not in bad]
        own = self.own_sizes(records)
        geoms = [Point(float(r["lon"]), float(r["lat"])) for r in records]
        if datum == GCJ02:
            shift = [i for i, r in enumerate(records) if not r.get("_wgs")]
            for i, g in zip(shift, transform_geometry([geoms[i] for i in shift], GCJ02, WGS84), strict=True):
                geoms[i] = g
        places = gpd.GeoDataFrame(
            {
                "name": [str(r["name"]) for r in records],
                "name_zh": [
                    "" if pd.isna(r["name_zh"]) or r["name_zh"] is None else str(r["name_zh"]) for r in records
                ],
                "unit": [None if r["unit"] is None or pd.isna(r["unit"]) else str(r["unit"]) for r in records],
                "kind": [str(r["kind"]) for r in records],
                "source": [str(r["source"]) for r in records],
                **own,
            },
            geometry=geoms,
            crs=WGS84,
            index=pd.Index([r["id"] for r in records], name="id"),
        )
        self.locate(places, units, {r["id"]: r["_where"] for r in records})
        places = places[~places.index.duplicated()]
        return places[~places.index.isin(self.bad_places)]

    def own_sizes(self, records: list[dict[str, Any]]) -> dict[str, list[Any]]:
        """The places' own figures (:data:`PLACE_SIZE_KEYS`), checked: positive numbers, a whole year."""
        out: dict[str, list[Any]] = {k: [] for k in (*PLACE_SIZE_KEYS, "own_pop_year", *PLACE_TEXT_KEYS)}
        for r in records:
            for key in PLACE_SIZE_KEYS:
                value = r.get(key)
                given = value is not None and not (isinstance(value, float) and math.isnan(value))
                number_ = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0] if given else math.nan
                if given and not (math.isfinite(number_) and number_ > 0):
                    self.fail_place(r["id"], f"{r['_where']}: {key} must be a positive number, got {value!r}")
                    number_ = math.nan
                out[key].append(float(number_))
            year = r.get("own_pop_year")
            ok_year = year is None or (isinstance(year, float) and math.isnan(year))
            if not ok_year:
                whole = pd.to_numeric(pd.Series([year]), errors="coerce").iloc[0]
                if not (math.isfinite(whole) and float(whole).is_integer() and 1800 <= whole <= 2200):
                    self.fail_place(r["id"], f"{r['_where']}: own_pop_year must be a year, got {year!r}")
                    year = None
                else:
                    year = int(whole)
            out["own_pop_year"].append(None if ok_year else year)
            if math.isfinite(out["own_pop"][-1]) and out["own_pop_year"][-1] is None:
                self.fail_place(r["id"], f"{r['_where']}: own_pop needs own_pop_year (the year of the figure)")
            for key in PLACE_TEXT_KEYS:
                value = r.get(key)
                out[key].append("" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value))
        if not any(math.isfinite(v) for k in PLACE_SIZE_KEYS for v in out[k]):
            return {}
        out["own_pop_year"] = list(pd.array(out["own_pop_year"], dtype="Int64"))
        return out

    def locate(self, places: gpd.GeoDataFrame, units: gpd.GeoDataFrame, where: dict[str, str]) -> None:
        """Assign each place its unit; reject places outside the region or their stated unit.

        A place on a shared border belongs to the region (to its stated unit
        if that is one of the units it touches, else to the first).
        """
        if units.empty:
            return
        joined = gpd.sjoin(places[["geometry"]], units[[units.geometry.name]], predicate="intersects", how="left")
        touched = joined.iloc[:, -1].dropna().groupby(level=0).agg(list)
        for pid in places.index.unique():
            hits = touched.get(pid, [])
            stated = places.loc[pid, "unit"]
            if isinstance(stated, pd.Series):
                stated = stated.iloc[0]
            if stated is not None and pd.isna(stated):
                stated = None
            pt = places.geometry[pid]
            if isinstance(pt, gpd.GeoSeries):
                pt = pt.iloc[0]
            if not hits:
                self.fail_place(
                    pid, f"{where[pid]}: coordinates ({pt.x:.5f}, {pt.y:.5f}) lie outside the region's units"
                )
            elif stated is not None and stated not in units.index:
                self.fail_place(pid, f"{where[pid]}: unknown unit {stated!r}")
            elif stated is not None and stated not in hits:
                self.fail_place(
                    pid, f"{where[pid]}: coordinates lie in unit {hits[0]!r}, not in its stated unit {stated!r}"
                )
            else:
                places.loc[pid, "unit"] = stated if stated is not None else hits[0]

    def build_core(self, units: gpd.GeoDataFrame, places: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        core = self.table("core")
        before = len(self.problems)
        if not core:
            return gpd.GeoDataFrame(geometry=[], crs=WGS84)
        cid = core.get("id")
        if not cid:
            self.fail("core: missing id")
        if str(cid) in places.index:
            self.fail(f"core id {cid!r} duplicates a place id")
        unit_ids = [str(u) for u in core.get("units", [])]
        if not unit_ids:
            self.fail(f"core {cid!r}: no units listed")
        for u in unit_ids:
            if u not in units.index:
                self.fail(f"core {cid!r}: unknown unit {u!r}")
        anchor = core.get("anchor")
        zones = [str(z) for z in core.get("zones", [])]
        if self.refers_to_failed("core", [str(anchor), *zones]):
            return gpd.GeoDataFrame(geometry=[], crs=WGS84)
        self.check_core_places(cid, anchor, zones, places)
        if len(self.problems) > before:
            return gpd.GeoDataFrame(geometry=[], crs=WGS84)
        area = shapely.union_all(units.geometry.loc[unit_ids].to_numpy())
        for z in [*zones, anchor]:
            if not area.buffer(1e-9).contains(places.geometry[z]):
                self.fail(f"core {cid!r}: place {z!r} lies outside the core's units {unit_ids}")
        gdf = gpd.GeoDataFrame(
            {
                "name": [core.get("name", cid)],
                "name_zh": [core.get("name_zh", "")],
                "units": [tuple(unit_ids)],
                "zones": [tuple(zones)],
                "anchor": [anchor],
                "anchor_lon": [places.geometry[anchor].x],
                "anchor_lat": [places.geometry[anchor].y],
                "functions": [core.get("functions", "")],
                **{k: [v] for k, v in self.provenance(core, f"core {cid!r}").items()},
            },
            geometry=[area],
            crs=WGS84,
            index=pd.Index([str(cid)], name="id"),
        )
        gdf["area_km2"] = (gdf.geometry.to_crs(projected_crs(gdf)).area / 1e6).round(1)
        return gdf

    def check_core_places(self, cid: object, anchor: object, zones: list[str], places: gpd.GeoDataFrame) -> None:
        if anchor is None or anchor not in places.index:
            self.fail(f"core {cid!r}: anchor {anchor!r} is not a known place")
        for z in zones:
            if z not in places.index:
                self.fail(f"core {cid!r}: unknown zone place {z!r}")

    def build_points(self, key: str, places: gpd.GeoDataFrame, required: Sequence[str]) -> gpd.GeoDataFrame:
        rows, ids = [], []
        for i, item in enumerate(self.array(self.spec.get(key), key)):
            pid = item.get("id", item.get("place"))
            where = f"{key}[{i}]" + (f" (id={pid!r})" if pid else "")
            missing = [k for k in required if k not in item]
            if missing:
                self.fail(f"{where}: missing {', '.join(missing)}")
                continue
            place = str(item["place"])
            if self.refers_to_failed(key, [place]):
                continue
            if place not in places.index:
                self.fail(f"{where}: unknown place {place!r}")
                continue
            if pid in ids:
                self.fail(f"{where}: duplicate {key[:-1]} id {pid!r}")
                continue
            p = places.loc[place]
            rows.append(
                {
                    "place": place,
                    "name": item.get("name", p["name"]),
                    "name_zh": item.get("name_zh", p["name_zh"]),
                    "kind": item.get("kind", p["kind"]),
                    "unit": p["unit"],
                    **self.provenance(item, where, source=p.get("source", "")),
                    "geometry": p.geometry,
                }
            )
            ids.append(str(pid))
        return gpd.GeoDataFrame(
            rows,
            columns=["place", "name", "name_zh", "kind", "unit", "status", "source", "reason", "geometry"],
            geometry="geometry",
            crs=WGS84,
            index=pd.Index(ids, name="id"),
        )

    def build_axes(self, refs: dict[str, Point]) -> gpd.GeoDataFrame:
        if self.axis_variant is None:
            raw, label = self.spec.get("axes"), "axes"
        else:
            variants = self.spec.get("axis_variants", {})
            if self.axis_variant not in variants:
                self.fail(f"unknown axis_variant {self.axis_variant!r}; the spec has {sorted(variants)}")
                raw = []
            else:
                raw = variants[self.axis_variant]
            label = f"axis_variants.{self.axis_variant}"
        rows, ids = [], []
        for i, ax in enumerate(self.array(raw, label)):
            aid = ax.get("id")
            where = f"{label}[{i}]" + (f" (id={aid!r})" if aid else "")
            if not aid:
                self.fail(f"{where}: missing id")
                continue
            if aid in ids:
                self.fail(f"{where}: duplicate axis id {aid!r}")
                continue
            seq = [str(p) for p in ax.get("places", [])]
            if len(seq) < 2:
                self.fail(f"{where}: an axis needs at least two places, got {seq}")
                continue
            if self.refers_to_failed(label, seq):
                continue
            unknown = [p for p in seq if p not in refs]
            if unknown:
                self.fail(f"{where}: unknown place(s) {unknown}")
                continue
            rows.append(
                {
                    "name": ax.get("name", aid),
                    "name_zh": ax.get("name_zh", ""),
                    "places": tuple(seq),
                    "corridors": tuple(ax.get("corridors", [])),
                    **self.provenance(ax, where),
                    "geometry_source": "anchor_polyline",
                    "geometry": LineString([refs[p] for p in seq]),
                }
            )
            ids.append(str(aid))
        axes = gpd.GeoDataFrame(
            rows,
            columns=[
                "name",
                "name_zh",
                "places",
                "corridors",
                "status",
                "source",
                "reason",
                "geometry_source",
                "geometry",
            ],
            geometry="geometry",
            crs=WGS84,
            index=pd.Index(ids, name="id"),
        )
        axes["length_km"] = length_km(axes) if len(axes) else pd.Series(dtype=float)
        return axes

    def provenance(self, item: dict[str, Any], where: str, source: object = "") -> dict[str, str]:
        """``status``, ``source`` and ``reason`` of a spec element (status checked against :data:`STATUSES`)."""
        status = str(item.get("status", "unstated"))
        if status not in STATUSES:
            self.fail(f"{where}: unknown status {status!r}; expected one of {list(STATUSES)}")
        return {
            "status": status,
            "source": str(item.get("source", source) or ""),
            "reason": str(item.get("reason", "")),
        }

    def columns(self, region: dict[str, Any], units: gpd.GeoDataFrame) -> dict[str, Any]:
        """The ``[region.columns]`` table: which unit column holds the name, size, urban size..."""
        table = region.get("columns", {})
        if not isinstance(table, dict):
            self.fail("region.columns must be a table, e.g. [region.columns] size = 'population'")
            return {}
        out: dict[str, Any] = {}
        for key, value in table.items():
            if key not in COLUMN_KEYS:
                self.fail(f"region.columns.{key}: unknown key; expected one of {list(COLUMN_KEYS)}")
            elif key == "size_base_year":
                try:
                    out[key] = int(value)
                except (TypeError, ValueError):
                    self.fail(f"region.columns.size_base_year must be a year, got {value!r}")
            elif str(value) not in units.columns:
                self.fail(f"region.columns.{key}: column {value!r} not in the units (columns: {list(units.columns)})")
            elif key in NUMERIC_COLUMNS and (why := non_numeric(units[str(value)])) is not None:
                self.fail(f"region.columns.{key}: column {value!r} {why}")
            else:
                out[key] = str(value)
        return out

    def check_roles(self, poles: gpd.GeoDataFrame, points: gpd.GeoDataFrame) -> None:
        both = sorted(set(poles["place"]) & set(points["place"]))
        for p in both:
            self.fail(f"place {p!r} is both a pole and a point")

    def check_role_labels(self, region: dict[str, Any]) -> None:
        """``[region.role_labels]``: a layer name per role, or a table of names by language."""
        labels = region.get("role_labels", {})
        if not isinstance(labels, dict):
            self.fail("region.role_labels must be a table, e.g. [region.role_labels] core = 'Core'")
            return
        for role, text in labels.items():
            where = f"region.role_labels.{role}"
            if role not in ROLES:
                self.fail(f"{where}: unknown role; expected one of {list(ROLES)}")
            elif isinstance(text, dict):
                bad = [k for k, v in text.items() if not isinstance(v, str) or not re.fullmatch(r"[a-z]{2}", str(k))]
                if bad or not text:
                    self.fail(
                        f"{where}: names by language must be strings keyed by a language code (en, zh), got {text!r}"
                    )
            elif not isinstance(text, str):
                self.fail(f"{where} must be a string or a table of names by language, got {text!r}")

    def check_expected(self, region: dict[str, Any], poles: Any, axes: Any, points: Any) -> None:
        expected = region.get("expected", {})
        axes_label = "axes" if self.axis_variant is None else f"axis_variants.{self.axis_variant}"
        for key, gdf in (("poles", poles), ("axes", axes), ("points", points)):
            # items left out for a failed place count as defined: that place's problem is reported already
            defined = len(gdf) + self.skipped.get(axes_label if key == "axes" else key, 0)
            if key in expected and int(expected[key]) != defined:
                self.fail(f"region.expected.{key} = {expected[key]} but the spec defines {defined} {key}")


_TEXT, _WHOLE, _NUMBER, _TEXTS = "a string", "a whole number", "a number", "an array of strings"
_PROVENANCE = {"status": _TEXT, "source": _TEXT, "reason": _TEXT}
_AXIS = {"id": _TEXT, "name": _TEXT, "name_zh": _TEXT, "places": _TEXTS, "corridors": _TEXTS, **_PROVENANCE}
SCHEMA: dict[str, Any] = {
    "region": {
        "id": _TEXT, "name": _TEXT, "name_zh": _TEXT, "crs": _TEXT, "units": _TEXT, "unit_id": _TEXT,
        "unit_table": _TEXT, "places_table": _TEXT, "places_unit_column": _TEXT, "pattern": _TEXT,
        "expected": {"poles": _WHOLE, "axes": _WHOLE, "points": _WHOLE},
        "columns": {"name": _TEXT, "size": _TEXT, "urban": _TEXT, "size_base": _TEXT, "size_base_year": _WHOLE},
    },
    "places": [{"id": _TEXT, "name": _TEXT, "name_zh": _TEXT, "unit": _TEXT, "kind": _TEXT, "source": _TEXT,
                "seat_of": _TEXT, "lon": _NUMBER, "lat": _NUMBER, "own_pop": _NUMBER, "own_pop_year": _WHOLE,
                "own_pop_source": _TEXT, "own_urban_pop": _NUMBER, "own_area_km2": _NUMBER,
                "own_area_source": _TEXT}],
    "core": {"id": _TEXT, "name": _TEXT, "name_zh": _TEXT, "units": _TEXTS, "anchor": _TEXT, "zones": _TEXTS,
             "functions": _TEXT, **_PROVENANCE},
    "poles": [{"id": _TEXT, "place": _TEXT, "name": _TEXT, "name_zh": _TEXT, "kind": _TEXT, **_PROVENANCE}],
    "points": [{"place": _TEXT, "kind": _TEXT, "name": _TEXT, "name_zh": _TEXT, **_PROVENANCE}],
    "axes": [_AXIS],
}  # fmt: skip
"""The type of each known spec field (unknown fields are left alone); checked before anything is built."""


def _type_problem(value: Any, kind: str) -> str | None:
    """Why ``value`` is not of ``kind``, or None."""
    text = isinstance(value, str)
    if kind == _TEXT and not text:
        return f"must be {kind}, got {value!r}"
    if kind == _WHOLE and (isinstance(value, bool) or not isinstance(value, int)):
        return f"must be {kind}, got {value!r}"
    if kind == _NUMBER and (isinstance(value, bool) or not isinstance(value, (int, float))):
        return f"must be {kind}, got {value!r}"
    if kind == _TEXTS:
        if text:
            return f"must be {kind}, e.g. [{value!r}], got the string {value!r}"
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return f"must be {kind}, got {value!r}"
    return None


def _nul_problem(value: Any) -> bool:
    values = value if isinstance(value, list) else [value]
    return any(isinstance(v, str) and "\x00" in v for v in values)


def type_problems(spec: dict[str, Any], schema: dict[str, Any] = SCHEMA, where: str = "") -> list[str]:
    """Every field of ``spec`` whose type does not match :data:`SCHEMA` (strings with NUL characters too).

    Parameters
    ----------
    spec : dict
        A parsed spec.
    schema, where
        Used when recursing.

    Returns
    -------
    list of str
        One problem per field, naming it (``axes[2].places``).

    Examples
    --------
    >>> type_problems({"region": {"expected": {"poles": 2.7}}, "core": {"units": 5}})
    ['region.expected.poles must be a whole number, got 2.7', 'core.units must be an array of strings, got 5']
    """
    problems: list[str] = []
    for key, kind in schema.items():
        if key not in spec:
            continue
        value, name = spec[key], f"{where}{key}"
        if isinstance(kind, dict):
            if isinstance(value, dict):
                problems += type_problems(value, kind, f"{name}.")
            else:  # region.expected = true: a table was meant
                problems.append(f"{name} must be a table ([{name}] with its fields), got {value!r}")
        elif isinstance(kind, list):
            if not isinstance(value, list):
                problems.append(f"{name} must be an array of tables ([[{name}]]), got {value!r}")
                continue
            for i, item in enumerate(value):
                if isinstance(item, dict):
                    problems += type_problems(item, kind[0], f"{name}[{i}].")
                else:
                    problems.append(f"{name}[{i}] must be a table, got {item!r}")
        elif (problem := _type_problem(value, kind)) is not None:
            problems.append(f"{name} {problem}")
        elif _nul_problem(value):
            problems.append(f"{name} holds a NUL character (\\u0000), which would cut the text short")
    return problems


def nfc(text: str) -> str:
    """Unicode NFC form of a text (a composed "é" and "e" + combining accent become one string).

    Parameters
    ----------
    text : str

    Returns
    -------
    str

    Examples
    --------
    >>> nfc("e\u0301") == "\u00e9"
    True
    """
    return unicodedata.normalize("NFC", text)


def _nfc_all(value: Any) -> Any:
    """Every string in a parsed spec (keys and values) in NFC form."""
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, dict):
        return {nfc(k) if isinstance(k, str) else k: _nfc_all(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_nfc_all(v) for v in value]
    return value


def _valid_lonlat(lon: object, lat: object) -> bool:
    try:
        x, y = float(lon), float(lat)  # type: ignore[arg-type]  # any value: what float() refuses is caught
    except (TypeError, ValueError):
        return False
    return -180.0 <= x <= 180.0 and -90.0 <= y <= 90.0
