"""The planned spatial structure of a city-region: core, poles, axes and points.

A structure is described by a declarative TOML spec (format in
:mod:`linyi_spatial.structure.spec` and ``docs/spec_format.md``) and loaded
into a :class:`SpatialStructure` whose parts are GeoDataFrames in WGS-84.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal, overload

import geopandas as gpd
import pandas as pd
import pyproj
from shapely.geometry import LineString

from .._checks import non_numeric
from .._display import Explorable
from ..crs import GCJ02, WGS84, is_gcj02, transform_geometry
from ..errors import DataError, SpecError
from .spec import NUMERIC_COLUMNS, SEAT_KIND, length_km, read_spec

__all__ = ["SpatialStructure"]

ROLES = ("core", "pole", "axis", "point")


@dataclass(frozen=True, repr=False)
class SpatialStructure(Explorable):
    """A city-region's planned structure as GeoDataFrames.

    Build one with :meth:`from_file`; never mutated
    after construction (methods return new objects).

    Attributes
    ----------
    name : str
        Region name.
    units : geopandas.GeoDataFrame
        Areal units (e.g. counties) indexed by unit id.
    places : geopandas.GeoDataFrame
        Every named point of the spec, indexed by place id.
    core : geopandas.GeoDataFrame
        One row: the core area (union of its units), anchor coordinates.
    poles, points : geopandas.GeoDataFrame
        Point rows indexed by id.
    axes : geopandas.GeoDataFrame
        One LineString per axis, indexed by axis id, with ``length_km``.
    source : str or None
        Path of the spec file.
    meta : dict
        The spec's ``[region]`` table.
    columns : dict
        The units' attribute columns declared in ``[region.columns]``
        (``name``, ``size``, ``urban``, ``size_base``, ``size_base_year``).
    """

    name: str
    units: gpd.GeoDataFrame
    places: gpd.GeoDataFrame
    core: gpd.GeoDataFrame
    poles: gpd.GeoDataFrame
    axes: gpd.GeoDataFrame
    points: gpd.GeoDataFrame
    source: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)
    columns: Mapping[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------------ loading
    @classmethod
    def from_file(
        cls,
        path: str | os.PathLike[str],
        *,
        units: gpd.GeoDataFrame | None = None,
        axis_variant: str | None = None,
    ) -> SpatialStructure:
        """Load a structure from a TOML spec (format in the module docstring).

        Parameters
        ----------
        path : path-like
            The spec file.
        units : geopandas.GeoDataFrame, optional
            Areal units to use instead of the spec's ``units`` file, indexed
            by unit id (e.g. units with census attributes joined).
        axis_variant : str, optional
            Name of an ``[[axis_variants.<name>]]`` set to use instead of
            ``[[axes]]``.

        Returns
        -------
        SpatialStructure

        Raises
        ------
        SpecError
            Naming every problem and the file: unreadable TOML, missing CRS,
            unknown place or unit, duplicate id, axis with fewer than two
            places, coordinates outside the region, wrong counts.

        Examples
        --------
        >>> from linyi_spatial.testing import write_region
        >>> import tempfile
        >>> s = SpatialStructure.from_file(write_region(tempfile.mkdtemp())["spec"])
        >>> len(s.poles), len(s.axes)
        (2, 2)
        """
        return cls(**read_spec(path, units=units, axis_variant=axis_variant))

    # ------------------------------------------------------------------ views
    @property
    def crs(self) -> pyproj.CRS | None:
        """CRS shared by all parts of the structure."""
        return self.units.crs

    @property
    def seats(self) -> gpd.GeoDataFrame:
        """The units' seats (places of kind ``county_seat``, set by ``seat_of``), indexed by place id.

        Returns
        -------
        geopandas.GeoDataFrame
            Place rows with a ``unit`` column; one seat per unit at most.

        Examples
        --------
        >>> from linyi_spatial.testing import made_up_structure
        >>> made_up_structure().seats["unit"].tolist()
        ['A', 'B', 'C', 'D', 'E']
        """
        return self.places[self.places["kind"] == SEAT_KIND]

    def require_seats(self, purpose: str) -> gpd.GeoDataFrame:
        """The seats (:attr:`seats`), or a DataError saying what the spec lacks for ``purpose``.

        Parameters
        ----------
        purpose : str
            What needs the seats, for the message (e.g. ``"the unit scores"``).

        Returns
        -------
        geopandas.GeoDataFrame

        Raises
        ------
        DataError
            If no place is a unit's seat.

        Examples
        --------
        >>> from linyi_spatial.testing import made_up_structure
        >>> len(made_up_structure().require_seats("the unit scores"))
        5
        """
        seats = self.seats
        if seats.empty:
            raise DataError(
                f"{purpose} time each unit from its seat, and the structure has no unit seats: declare one place "
                "per unit with seat_of = <unit id> (at its own lon/lat, or at the units' seat_lon/seat_lat columns)",
                source=self.source,
            )
        return seats

    @overload
    def column(self, key: str, given: str | None = ..., *, required: Literal[True] = ...) -> str: ...

    @overload
    def column(self, key: str, given: str | None = ..., *, required: Literal[False]) -> str | None: ...

    def column(self, key: str, given: str | None = None, *, required: bool = True) -> str | None:
        """The units' column for ``key`` (``"size"``, ``"urban"``, ``"name"``...): ``given`` or the spec's.

        Analyses never assume a column by name: a column comes from the
        caller or from the spec's ``[region.columns]`` table.

        Parameters
        ----------
        key : str
            One of ``name``, ``size``, ``urban``, ``size_base``.
        given : str, optional
            A column the caller passed; checked and returned.
        required : bool, default True
            Raise when neither is given; otherwise return None.

        Returns
        -------
        str or None

        Raises
        ------
        DataError
            If the column is not in the units, or none is declared and ``required``.

        Examples
        --------
        >>> from linyi_spatial.testing import made_up_structure
        >>> made_up_structure().column("size")
        'residents'
        """
        name = given if given is not None else self.columns.get(key)
        if name is None:
            if not required:
                return None
            raise DataError(
                f"no {key!r} column: pass {key}=<column> or declare it in the spec as [region.columns] {key} = '...'"
                f" (unit columns: {[c for c in self.units.columns if c != self.units.geometry.name]})",
                source=self.source,
            )
        if name not in self.units.columns:
            raise DataError(f"{key} column {name!r} is not in the units (columns: {list(self.units.columns)})")
        if key in NUMERIC_COLUMNS and (why := non_numeric(self.units[name])) is not None:
            raise DataError(f"{key} column {name!r} {why}", source=self.source)
        return str(name)

    def size_label(self, column: str) -> dict[str, Any]:
        """What a size column is, in words: a template and its fields (so no raw column name reaches a map).

        ``{"template": "urban residents, {year}", "year": 2020, ...}`` for
        the declared urban column, ``"residents, {year}"`` for the declared
        size or base-year size (the year from the column's name or the
        spec's ``size_base_year``), ``{"template": "{column}", ...}`` for
        any other column, whose name is then all there is to say.

        Parameters
        ----------
        column : str

        Returns
        -------
        dict

        Examples
        --------
        >>> from linyi_spatial import linyi
        >>> linyi.load_structure(axes="anchors").size_label("urban_pop_2020")
        {'template': 'urban residents, {year}', 'year': 2020, 'column': 'urban_pop_2020'}
        """
        roles = {self.columns.get("urban"): "urban residents", self.columns.get("size"): "residents",
                 self.columns.get("size_base"): "residents"}  # fmt: skip
        word = roles.get(column)
        found = re.search(r"(?<!\d)(1[89]\d{2}|20\d{2})(?!\d)", column)
        year = int(found.group(1)) if found else None
        if year is None and column == self.columns.get("size_base"):
            base_year = self.columns.get("size_base_year")
            year = int(base_year) if base_year is not None else None
        if word is None:
            return {"template": "{column}", "column": column}
        return {"template": f"{word}, {{year}}" if year else word, "year": year, "column": column}

    def unit_names(self) -> pd.Series:
        """Each unit's display name (the declared ``name`` column, else the unit id).

        Returns
        -------
        pandas.Series
            Indexed by unit id.

        Examples
        --------
        >>> from linyi_spatial.testing import made_up_structure
        >>> made_up_structure().unit_names().tolist()
        ['Ashford', 'Brookby', 'Colton', 'Dunmere', 'Elmstead']
        """
        col = self.column("name", required=False)
        names = self.units[col].astype(str) if col else pd.Series(self.units.index.astype(str), index=self.units.index)
        return names.rename("name")

    def to_geodataframe(self) -> gpd.GeoDataFrame:
        """Return core, poles, axes and points in one frame with a ``role`` column and their provenance.

        Returns
        -------
        geopandas.GeoDataFrame
            Columns ``role`` (core/pole/axis/point), ``id``, ``name``,
            ``name_zh``, ``kind``, ``status`` (plan / proposal /
            reconstruction / assumed / unstated), ``source``, ``reason``,
            ``geometry``; one row per element.

        Examples
        --------
        >>> from linyi_spatial.testing import made_up_structure
        >>> made_up_structure().to_geodataframe()["role"].value_counts()["axis"]
        np.int64(2)
        """
        frames = []
        for role, gdf in zip(ROLES, (self.core, self.poles, self.axes, self.points), strict=True):
            part = gdf.reset_index().rename(columns={gdf.index.name or "index": "id"})
            part.insert(0, "role", role)
            if "kind" not in part:
                part["kind"] = role
            for col in ("status", "source", "reason"):
                if col not in part:
                    part[col] = "unstated" if col == "status" else ""
            frames.append(part[["role", "id", "name", "name_zh", "kind", "status", "source", "reason", "geometry"]])
        return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=self.crs)

    def summary(self) -> pd.DataFrame:
        """Return a tidy table describing every element, with its provenance.

        Returns
        -------
        pandas.DataFrame
            One row per element with ``role``, ``id``, ``name``, ``name_zh``,
            ``places`` (ids on an axis or the place of a pole/point),
            ``n_places``, ``length_km`` (axes), ``area_km2`` (core), the
            declared size column with ``size_of`` saying whose size it is
            (the core's units, or the whole unit of a seat: a county total,
            not the town's own), ``status``, ``source`` and ``reason``.

        Examples
        --------
        >>> from linyi_spatial.testing import made_up_structure
        >>> t = made_up_structure().summary()
        >>> t.loc[t.role == "core", "residents"].tolist()
        [420000.0]
        >>> t.loc[t.role == "pole", "size_of"].tolist()
        ['unit B (whole unit)', 'unit D (whole unit)']
        """
        size = self.column("size", required=False)
        rows: list[dict[str, Any]] = []
        core = self.core.iloc[0]
        rows.append(
            {
                "role": "core",
                "id": self.core.index[0],
                "name": core["name"],
                "name_zh": core["name_zh"],
                "places": core["anchor"],
                "n_places": 1 + len(core["zones"]),
                "area_km2": core["area_km2"],
                "size": float(self.units.loc[list(core["units"]), size].sum()) if size else math.nan,
                "size_of": f"units {', '.join(core['units'])}" if size else "",
                **{k: core[k] for k in ("status", "source", "reason")},
            }
        )
        for role, gdf in (("pole", self.poles), ("point", self.points)):
            for pid, row in gdf.iterrows():
                place = self.places.loc[row["place"]]
                is_seat = size is not None and place["kind"] == SEAT_KIND
                own = float(place["own_pop"]) if size is not None and "own_pop" in place.index else math.nan
                if is_seat:
                    value, of = float(self.units.loc[place["unit"], size]), f"unit {place['unit']} (whole unit)"
                elif math.isfinite(own) and _year_differs(size, place.get("own_pop_year")):
                    value, of = (
                        math.nan,
                        (  # never a figure of another year under this year's column
                            f"the place itself: its only figure is of {int(place['own_pop_year'])} ({own:,.0f}), "
                            f"not of {size}'s year (inside {place['unit']})"
                        ),
                    )
                elif math.isfinite(own):
                    value, of = (
                        own,
                        f"the place itself (own figure, {int(place['own_pop_year'])}; inside {place['unit']})",
                    )
                else:
                    value, of = math.nan, ""
                rows.append(
                    {
                        "role": role,
                        "id": pid,
                        "name": row["name"],
                        "name_zh": row["name_zh"],
                        "places": row["place"],
                        "n_places": 1,
                        "size": value,
                        "size_of": of,
                        **{k: row[k] for k in ("status", "source", "reason")},
                    }
                )
        for aid, row in self.axes.iterrows():
            rows.append(
                {
                    "role": "axis",
                    "id": aid,
                    "name": row["name"],
                    "name_zh": row["name_zh"],
                    "places": " → ".join(row["places"]),
                    "n_places": len(row["places"]),
                    "length_km": row["length_km"],
                    **{k: row[k] for k in ("status", "source", "reason")},
                }
            )
        cols = [
            "role", "id", "name", "name_zh", "places", "n_places", "length_km", "area_km2", "size", "size_of",
            "status", "source", "reason",
        ]  # fmt: skip
        out = pd.DataFrame(rows).reindex(columns=cols)
        return out.rename(columns={"size": size}) if size else out.drop(columns=["size", "size_of"])

    def to_crs(self, crs: str | int | pyproj.CRS) -> SpatialStructure:
        """Return a copy with every part reprojected to ``crs``.

        Parameters
        ----------
        crs : any CRS accepted by GeoPandas, or ``"GCJ-02"``
            Target CRS; ``"GCJ-02"`` shifts WGS-84 coordinates onto Chinese
            basemaps (the frames then still say EPSG:4326).

        Returns
        -------
        SpatialStructure

        Examples
        --------
        >>> from linyi_spatial.testing import made_up_structure
        >>> made_up_structure().to_crs("EPSG:32632").axes.crs.to_epsg()
        32632
        """

        def conv(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
            if is_gcj02(crs):
                out = gdf.to_crs(WGS84)
                out[out.geometry.name] = transform_geometry(out.geometry.to_numpy(), WGS84, GCJ02)
                return out
            return gdf.to_crs(crs)

        return replace(
            self,
            units=conv(self.units),
            places=conv(self.places),
            core=conv(self.core),
            poles=conv(self.poles),
            axes=conv(self.axes),
            points=conv(self.points),
        )

    def with_axis_geometries(self, geometries: Mapping[str, LineString], *, source: str) -> SpatialStructure:
        """Return a copy whose axes take the given geometries (e.g. network paths).

        Parameters
        ----------
        geometries : mapping of axis id to LineString
            In the structure's CRS. Axes not in the mapping keep theirs.
        source : str
            Recorded in the ``geometry_source`` column (e.g. ``"network"``).

        Returns
        -------
        SpatialStructure

        Raises
        ------
        SpecError
            If an id is not an axis of this structure.

        Examples
        --------
        >>> from linyi_spatial.testing import made_up_structure
        >>> s = made_up_structure()
        >>> line = s.axes.geometry["east"]
        >>> s.with_axis_geometries({"east": line}, source="test").axes.loc["east", "geometry_source"]
        'test'
        """
        unknown = [f"unknown axis {k!r}" for k in geometries if k not in self.axes.index]
        if unknown:
            raise SpecError(unknown, source=self.source)
        axes = self.axes.copy()
        for aid, geom in geometries.items():
            axes.loc[aid, "geometry"] = geom
            axes.loc[aid, "geometry_source"] = source
        axes["length_km"] = length_km(axes)
        return replace(self, axes=axes)

    # ------------------------------------------------------------------ display
    def __repr__(self) -> str:
        return (
            f"SpatialStructure({self.name!r}: {len(self.core)} core, {len(self.poles)} poles, "
            f"{len(self.axes)} axes, {len(self.points)} points; {self.crs})"
        )


_COLUMN_YEAR = re.compile(r"(?:^|_)((?:19|20)\d\d)(?:_|$)")


def _year_differs(column: str | None, year: object) -> bool:
    """Whether ``column`` names a year (``pop_2020``) and ``year`` is another one (a 2010 figure is no pop_2020)."""
    found = _COLUMN_YEAR.search(column or "")
    try:
        stated = float(str(year))
    except ValueError:
        return False
    if found is None or not math.isfinite(stated):
        return False
    return int(stated) != int(found.group(1))
