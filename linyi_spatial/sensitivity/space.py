"""The parameter space of a sensitivity run: what may vary, over which range, and where the range comes from.

A :class:`Parameter` is one assumption of an analysis — a road class's
operating speed, the access leg's speed or circuity, the station penalty,
the decay half-life, a composite weight, a population-model parameter, or a
choice among options (the size column, whether the core's districts merge).
Each has a default (the value the headline figure uses), a range, a unit and
a source. The factories below build them; :class:`ParameterSpace` gathers
them and draws designs:

- ``"oat"``: one at a time, each parameter at its low and its high end with
  the others at their defaults (a tornado);
- ``"lhs"``: a seeded Latin hypercube of ``n`` samples over all ranges at
  once (scipy's :class:`~scipy.stats.qmc.LatinHypercube`, its centred
  discrepancy optimised so parameters are nearly uncorrelated), each range
  cut into ``n`` equal strata and each stratum sampled once.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import pandas as pd

from .._checks import count
from ..errors import DataError

__all__ = [
    "DESIGNS",
    "TARGETS",
    "Parameter",
    "ParameterSpace",
    "access_circuity",
    "access_speed",
    "composite_weight",
    "half_life",
    "length_factor",
    "option",
    "place_weight",
    "speed",
    "speed_factor",
    "station_penalty",
    "urban_density",
]

DESIGNS = ("oat", "lhs")
"""The designs a space draws: one at a time (tornado) and a Latin hypercube."""

TARGETS = (
    "speed",
    "length",
    "access_speed_kph",
    "access_circuity",
    "station_penalty_min",
    "half_life_min",
    "weight",
    "urban_density_km2",
    "place_weight",
    "option",
)
"""What a parameter changes: edge weights (``speed``, ``length``, ``station_penalty_min``) or an input of the
analysis."""


@dataclass(frozen=True)
class Parameter:
    """One uncertain input: a default, a range, a unit and a source.

    Attributes
    ----------
    name : str
        Unique within a space; the column of the design.
    target : str
        One of :data:`TARGETS`.
    low, high, default : float
        The range and the value of the headline figure (``low <= default <= high``).
        For an ``option``, positions in ``choices``.
    key : hashable or tuple, optional
        What the target applies to: the road classes of a ``speed`` or a
        ``length``, the
        measure of a ``weight``, the place kind of a ``place_weight``.
    attr : str, default "class"
        Edge attribute ``key`` is matched against (``speed``): ``class`` for
        built networks, ``highway`` for OSM graphs.
    ratio : bool, default False
        ``speed`` only: the value is a factor on each edge's speed (1 = as
        built) instead of a speed in km/h.
    unit : str
    source : str
        Where the range comes from (or ``"assumed"``, and why).
    choices : tuple
        An ``option``'s values.
    """

    name: str
    target: str
    low: float
    high: float
    default: float
    key: Hashable | tuple[Hashable, ...] = None
    attr: str = "class"
    ratio: bool = False
    unit: str = ""
    source: str = ""
    choices: tuple[object, ...] = field(default=())

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise DataError(f"a parameter needs a name, got {self.name!r}")
        if self.target not in TARGETS:
            raise DataError(f"parameter {self.name!r}: target must be one of {TARGETS}, got {self.target!r}")
        vals = (self.low, self.default, self.high)
        if not all(isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) for x in vals):
            raise DataError(f"parameter {self.name!r}: low, default and high must be finite numbers, got {vals}")
        for attr in ("low", "high", "default"):
            object.__setattr__(self, attr, float(getattr(self, attr)))
        if not self.low <= self.default <= self.high:
            raise DataError(
                f"parameter {self.name!r}: the default {self.default:g} lies outside its range "
                f"{self.low:g}–{self.high:g}"
            )
        if self.target == "option" and len(self.choices) < 1:
            raise DataError(f"parameter {self.name!r}: an option needs choices")
        if self.target in ("speed", "access_speed_kph", "length") and self.low <= 0:
            what = "a length factor" if self.target == "length" else "a speed"
            raise DataError(f"parameter {self.name!r}: {what} must stay above 0, got a low of {self.low:g}")
        if self.target == "access_circuity" and self.low < 1:
            raise DataError(f"parameter {self.name!r}: circuity is at least 1, got a low of {self.low:g}")
        if self.target in ("station_penalty_min", "half_life_min", "weight", "urban_density_km2", "place_weight") and (
            self.low < 0 or (self.target in ("half_life_min", "urban_density_km2") and self.low == 0)
        ):
            raise DataError(f"parameter {self.name!r}: {self.target} cannot go as low as {self.low:g}")

    @property
    def classes(self) -> tuple[Hashable, ...]:
        """The edge classes a ``speed`` applies to."""
        return self.key if isinstance(self.key, tuple) else (self.key,)

    def value(self, u: float) -> float | object:
        """The value at quantile ``u`` of the range (uniform), or an option's choice."""
        if self.target == "option":
            return self.choices[min(int(u * len(self.choices)), len(self.choices) - 1)]
        return self.low + u * (self.high - self.low)

    @property
    def default_value(self) -> object:
        """The default as the analysis sees it (an option's choice)."""
        return self.choices[int(self.default)] if self.target == "option" else self.default

    @property
    def ends(self) -> tuple[object, object]:
        """The low and high end (an option's first and last choice)."""
        if self.target == "option":
            return self.choices[0], self.choices[-1]
        return self.low, self.high


def _classes(classes: Hashable | Sequence[Hashable], name: str | None, prefix: str, suffix: str) -> tuple:
    """The classes as a tuple, and the parameter's name (given, or ``prefix`` + the classes + ``suffix``)."""
    key = tuple(classes) if isinstance(classes, (list, tuple)) else (classes,)
    return key, name or f"{prefix}{'_'.join(map(str, key))}{suffix}"


def speed(
    classes: Hashable | Sequence[Hashable], low_kph: float, high_kph: float, default_kph: float, *,
    attr: str = "class", name: str | None = None, source: str = "",
) -> Parameter:  # fmt: skip
    """The operating speed of road (or rail) classes, in km/h; every edge of those classes moves in proportion.

    An edge's travel time becomes ``time × default / value``: the classes'
    speeds scale by ``value / default``, so edges whose own speed differs
    from the class default (an OSM way's maxspeed) keep their relation.

    Parameters
    ----------
    classes : str or sequence of str
        Values of the edge attribute ``attr``.
    low_kph, high_kph, default_kph : float
    attr : str, default "class"
    name : str, optional
        Default ``speed_<classes>_kph``.
    source : str

    Returns
    -------
    Parameter

    Examples
    --------
    >>> speed("expressway", 80, 110, 100).name
    'speed_expressway_kph'
    """
    key, label = _classes(classes, name, "speed_", "_kph")
    return Parameter(label, "speed", low_kph, high_kph, default_kph, key=key, attr=attr, unit="km/h", source=source)


def speed_factor(
    classes: Hashable | Sequence[Hashable], low: float, high: float, *, attr: str = "class",
    name: str | None = None, source: str = "",
) -> Parameter:  # fmt: skip
    """A factor on the speed of road classes (1 = the graph's own speeds): for graphs whose speeds vary by edge.

    Parameters
    ----------
    classes : str or sequence of str
        Values of the edge attribute ``attr`` (e.g. OSM ``highway`` tags with ``attr="highway"``).
    low, high : float
        The factor's range; the default is 1.
    attr : str, default "class"
    name : str, optional
    source : str

    Returns
    -------
    Parameter

    Examples
    --------
    >>> speed_factor(["primary", "secondary"], 0.8, 1.2, attr="highway").name
    'speed_factor_primary_secondary'
    """
    key, label = _classes(classes, name, "speed_factor_", "")
    return Parameter(label, "speed", low, high, 1.0, key=key, attr=attr, ratio=True, unit="×", source=source)


def length_factor(
    classes: Hashable | Sequence[Hashable], low: float, high: float, *, attr: str = "class",
    name: str | None = None, source: str = "",
) -> Parameter:  # fmt: skip
    """A factor on the road length of classes (1 = as drawn): the geometry of a schematic network.

    A drawn network's lengths are uncertain where its nodes are: an
    interchange placed a few kilometres off makes its connector longer or
    shorter, a route drawn through the wrong town makes it longer. The
    factor scales the travel time of the classes' edges as a road that much
    longer would (time = length / speed). Edge lengths themselves are kept,
    so the detour index (network over straight-line distance) is that of
    the drawing in every sample.

    Parameters
    ----------
    classes : str or sequence of str
        Values of the edge attribute ``attr``.
    low, high : float
        The factor's range (> 0); the default is 1.
    attr : str, default "class"
    name : str, optional
        Default ``length_factor_<classes>``.
    source : str

    Returns
    -------
    Parameter

    Examples
    --------
    >>> length_factor("connector", 0.8, 1.3).name
    'length_factor_connector'
    """
    key, label = _classes(classes, name, "length_factor_", "")
    return Parameter(label, "length", low, high, 1.0, key=key, attr=attr, unit="×", source=source)


def access_speed(low_kph: float, high_kph: float, default_kph: float, *, source: str = "") -> Parameter:
    """The access leg's speed (km/h): from a cell or an off-network place to the road.

    Parameters
    ----------
    low_kph, high_kph, default_kph : float
        The range and the default speed (km/h).
    source : str
        Where the range comes from.

    Returns
    -------
    Parameter

    Examples
    --------
    >>> access_speed(20, 40, 30).target
    'access_speed_kph'
    """
    return Parameter("access_speed_kph", "access_speed_kph", low_kph, high_kph, default_kph, unit="km/h", source=source)


def access_circuity(low: float, high: float, default: float = 1.0, *, source: str = "") -> Parameter:
    """The access leg's circuity: its length over the straight distance (≥ 1).

    Parameters
    ----------
    low, high : float
        The range (at least 1).
    default : float, default 1
        The circuity of the headline figures.
    source : str
        Where the range comes from.

    Returns
    -------
    Parameter

    Examples
    --------
    >>> access_circuity(1.0, 1.4).default
    1.0
    """
    return Parameter("access_circuity", "access_circuity", low, high, default, unit="×", source=source)


def station_penalty(low_min: float, high_min: float, default_min: float, *, source: str = "") -> Parameter:
    """Minutes charged at each end of a rail trip, on the station access links (``class`` ``"access"``).

    The graph must say the penalty it was built with
    (``G.graph["station_penalty_min"]``, as
    :func:`~linyi_spatial.network.build_network` records); a graph without
    station links is not affected.

    Parameters
    ----------
    low_min, high_min, default_min : float
        The range and the default (minutes at each end).
    source : str
        Where the range comes from.

    Returns
    -------
    Parameter

    Examples
    --------
    >>> station_penalty(5, 20, 10).unit
    'min'
    """
    return Parameter(
        "station_penalty_min", "station_penalty_min", low_min, high_min, default_min, unit="min", source=source
    )


def half_life(low_min: float, high_min: float, default_min: float, *, source: str = "") -> Parameter:
    """The half-life of the distance decay (minutes) of gravity-type measures (the Hansen potential).

    Parameters
    ----------
    low_min, high_min, default_min : float
        The range and the default half-life (minutes).
    source : str
        Where the range comes from.

    Returns
    -------
    Parameter

    Examples
    --------
    >>> half_life(20, 45, 30).name
    'half_life_min'
    """
    return Parameter("half_life_min", "half_life_min", low_min, high_min, default_min, unit="min", source=source)


def composite_weight(measure: str, low: float, high: float, default: float, *, source: str = "") -> Parameter:
    """The weight of one measure in the composite score (the weights are normalised by their sum).

    Parameters
    ----------
    measure : str
        A measure of the composite (a catalogue name).
    low, high, default : float
        The weight's range and default.
    source : str
        Where the range comes from.

    Returns
    -------
    Parameter

    Examples
    --------
    >>> composite_weight("time_to_core_min", 0.15, 0.35, 0.25).name
    'weight_time_to_core_min'
    """
    return Parameter(f"weight_{measure}", "weight", low, high, default, key=measure, source=source)


def urban_density(low_km2: float, high_km2: float, default_km2: float, *, source: str = "") -> Parameter:
    """Residents per km² of built-up land in the population model (the size of its urban discs).

    Parameters
    ----------
    low_km2, high_km2, default_km2 : float
        The range and the default (residents per km²).
    source : str
        Where the range comes from.

    Returns
    -------
    Parameter

    Examples
    --------
    >>> urban_density(6000, 15000, 10000).unit
    'residents/km²'
    """
    return Parameter(
        "urban_density_km2", "urban_density_km2", low_km2, high_km2, default_km2, unit="residents/km²", source=source
    )


def place_weight(kind: str, low: float, high: float, default: float, *, source: str = "") -> Parameter:
    """The population model's weight of a place kind (a seat's share of its county's urban residents).

    Parameters
    ----------
    kind : str
        A place kind of the population model (e.g. ``county_seat``).
    low, high, default : float
        The weight's range and default.
    source : str
        Where the range comes from.

    Returns
    -------
    Parameter

    Examples
    --------
    >>> place_weight("seat", 5, 15, 9).name
    'place_weight_seat'
    """
    return Parameter(f"place_weight_{kind}", "place_weight", low, high, default, key=kind, source=source)


def option(name: str, choices: Sequence[object], default: object, *, source: str = "") -> Parameter:
    """A choice among specifications (a size column, whether to merge the core's districts...).

    Sampled evenly over the choices; the analysis reads it from ``inputs.options[name]``.

    Parameters
    ----------
    name : str
        The option's name (the analysis reads ``inputs.options[name]``).
    choices : sequence
        The values.
    default : object
        The choice of the headline figures (one of ``choices``).
    source : str
        Why these choices are defensible.

    Returns
    -------
    Parameter

    Examples
    --------
    >>> option("size", ["pop_2020", "urban_pop_2020"], "pop_2020").default_value
    'pop_2020'
    """
    choices = tuple(choices)
    if default not in choices:
        raise DataError(f"option {name!r}: the default {default!r} is not one of {list(choices)}")
    return Parameter(
        name, "option", 0.0, float(len(choices) - 1), float(choices.index(default)), choices=choices, source=source
    )


@dataclass(frozen=True)
class ParameterSpace:
    """The parameters of a sensitivity run.

    Parameters
    ----------
    parameters : sequence of Parameter

    Examples
    --------
    >>> space = ParameterSpace([speed("trunk", 45, 70, 60), access_speed(20, 40, 30)])
    >>> space.design("oat")["speed_trunk_kph"].tolist()
    [45.0, 70.0, 60.0, 60.0]
    >>> space.design("lhs", n=4, seed=1).shape
    (4, 2)
    """

    parameters: tuple[Parameter, ...]

    def __init__(self, parameters: Iterable[Parameter]) -> None:
        params = tuple(parameters)
        bad = [p for p in params if not isinstance(p, Parameter)]
        if bad:
            raise DataError(f"a parameter space takes Parameter objects, got {bad[:3]}")
        names = [p.name for p in params]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise DataError(f"parameter names must be unique; repeated: {twice}")
        object.__setattr__(self, "parameters", params)

    def __iter__(self) -> Iterator[Parameter]:
        return iter(self.parameters)

    def __len__(self) -> int:
        return len(self.parameters)

    def __getitem__(self, name: str) -> Parameter:
        for p in self.parameters:
            if p.name == name:
                return p
        raise KeyError(f"no parameter {name!r} in the space; it has {[p.name for p in self.parameters]}")

    @property
    def defaults(self) -> dict[str, object]:
        """Each parameter's default value."""
        return {p.name: p.default_value for p in self.parameters}

    def table(self) -> pd.DataFrame:
        """One row per parameter: target, key, low, default, high, unit, source."""
        rows = [
            {
                "parameter": p.name,
                "target": p.target,
                "applies_to": ", ".join(map(str, p.classes)) if p.key is not None else "",
                "low": p.ends[0],
                "default": p.default_value,
                "high": p.ends[1],
                "unit": p.unit,
                "source": p.source,
            }
            for p in self.parameters
        ]
        return pd.DataFrame(rows).set_index("parameter")

    def design(self, kind: str = "lhs", *, n: int = 100, seed: int | None = 0) -> pd.DataFrame:
        """Sample values, one row per sample and one column per parameter.

        Parameters
        ----------
        kind : {"lhs", "oat"}, default "lhs"
            ``"oat"``: two rows per parameter (its low and its high end, the
            others at their defaults), in the parameters' order; ``"lhs"``:
            ``n`` rows of a Latin hypercube.
        n : int, default 100
            Samples of the Latin hypercube.
        seed : int or None, default 0
            The hypercube's seed (the same seed draws the same design).

        Returns
        -------
        pandas.DataFrame
            ``attrs["design"]`` is ``kind``; an ``oat`` design has a
            ``varied`` column naming the parameter of each row, and an
            ``end`` column (``"low"``/``"high"``).

        Raises
        ------
        DataError
            For an unknown kind or a space with no parameters.
        """
        if kind not in DESIGNS:
            raise DataError(f"design must be one of {DESIGNS}, got {kind!r}")
        if not self.parameters:
            raise DataError("the parameter space is empty: give at least one parameter")
        if kind == "oat":
            rows, varied, ends = [], [], []
            for p in self.parameters:
                for end, value in zip(("low", "high"), p.ends, strict=True):
                    rows.append({**self.defaults, p.name: value})
                    varied.append(p.name)
                    ends.append(end)
            out = pd.DataFrame(rows, columns=[p.name for p in self.parameters])
            out["varied"] = varied
            out["end"] = ends
        else:
            n = count("n", n)
            # centred-discrepancy optimisation: about 5x smaller chance correlations between parameters, so one
            # parameter's effect is less often credited to another (skipped on large designs, where it is slow)
            opt = "random-cd" if n * len(self.parameters) <= 20_000 and n > 1 else None
            from scipy.stats import qmc  # imported when used

            u = qmc.LatinHypercube(d=len(self.parameters), seed=seed, optimization=opt).random(n)
            out = pd.DataFrame(
                {p.name: [p.value(x) for x in u[:, i]] for i, p in enumerate(self.parameters)},
                columns=[p.name for p in self.parameters],
            )
        out.index.name = "sample"
        out.attrs["design"] = kind
        return out
