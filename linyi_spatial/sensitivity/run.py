"""Evaluate an analysis over a parameter space: ranges, quantiles, rank stability, threshold risk, variance shares.

An *analysis* is any function of :class:`Inputs` that returns a frame with
one row per unit (the ids of the base result) and numeric columns (the
measures): unit scores, a scenario comparison's gains, a hierarchy figure.
:func:`sensitivity` runs it once at the defaults and once per sample of the
design, re-timing the graphs with :class:`~linyi_spatial.sensitivity.reweight.Reweighter`
(no rebuild per sample), in worker processes if asked, and returns a
:class:`Sensitivity` whose tidy frames carry the base result's ids.
"""

from __future__ import annotations

import concurrent.futures
import concurrent.futures.process
import math
import multiprocessing
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
import pandas as pd

from .._checks import count
from .._display import Displayable
from .._progress import progress
from ..accessibility.population import PLACE_WEIGHTS
from ..accessibility.scores import default_weights
from ..catalog import MEASURES, higher_is_better
from ..decay import Decay, DecayFunction, as_decay
from ..errors import ClusterError, DataError, LinyiSpatialError
from ..network.link import DEFAULT_ACCESS, Access
from .reweight import EDGE_TARGETS, Reweighter
from .space import ParameterSpace

if TYPE_CHECKING:
    from ..structure import SpatialStructure

__all__ = ["QUANTILES", "Analysis", "Inputs", "Sensitivity", "sensitivity"]

QUANTILES = (0.05, 0.5, 0.95)
"""The quantiles of the summary (``q05``, ``q50``, ``q95``)."""


@dataclass(frozen=True)
class Inputs:
    """What an analysis is given for one sample (or for the defaults).

    Attributes
    ----------
    graphs : mapping of str -> networkx graph
        The networks, re-timed for the sample (in the order given).
    structure : SpatialStructure
    access : Access
        With the sample's access speed and circuity.
    decay : DecayFunction
        With the sample's half-life.
    weights : dict or None
        Composite weights (None: the analysis's default), with the sample's.
    population : dict
        Keyword arguments of the population model
        (:func:`~linyi_spatial.accessibility.structure_population`:
        ``place_weights``, ``urban_density_km2``) that the sample sets.
    options : dict
        The sample's choice of every ``option`` parameter.
    values : dict
        Every parameter's value in this sample.
    reference : pandas.DataFrame or None
        The default run's result (None in the default run itself): score a
        composite on its scale, so the samples' composites compare with it.
    """

    graphs: Mapping[str, nx.Graph]
    structure: SpatialStructure
    access: Access
    decay: DecayFunction
    weights: dict[str, float] | None
    population: dict[str, Any]
    options: dict[str, object]
    values: dict[str, object]
    reference: pd.DataFrame | None = None

    @property
    def G(self) -> nx.Graph:  # noqa: N802 - the library's name for a graph
        """The first (or only) graph."""
        return next(iter(self.graphs.values()))


Analysis = Callable[[Inputs], pd.DataFrame]
"""An analysis: one frame per sample, indexed by unit, numeric measures as columns."""


@dataclass
class _Base:
    """The unchanging part of a run, shipped once to each worker."""

    analysis: Analysis
    graphs: dict[str, nx.Graph]
    structure: SpatialStructure
    space: ParameterSpace
    access: Access
    decay: DecayFunction
    weights: dict[str, float] | None
    population: dict[str, Any]
    reference: pd.DataFrame | None = None
    reweighters: dict[str, Reweighter] = field(default_factory=dict)

    def inputs(self, values: Mapping[str, object], *, reference: pd.DataFrame | None) -> Inputs:
        params = list(self.space)
        if not self.reweighters:
            self.reweighters = {k: Reweighter(G) for k, G in self.graphs.items()}
        edge = [p for p in params if p.target in EDGE_TARGETS]
        graphs = {k: rw.apply(values, edge) for k, rw in self.reweighters.items()}
        access, decay = self.access, self.decay
        weights = None if self.weights is None else dict(self.weights)
        if weights is None and any(p.target == "weight" for p in params):
            weights = default_weights()  # a weight varies against the catalogue's others
        population = dict(self.population)
        options: dict[str, object] = {}
        for p in params:
            x = values[p.name]
            if p.target == "access_speed_kph":
                access = replace(access, speed_kph=float(x))  # type: ignore[arg-type]  # numeric targets hold numbers
            elif p.target == "access_circuity":
                access = replace(access, circuity=float(x))  # type: ignore[arg-type]
            elif p.target == "half_life_min":
                decay = replace(decay, half_life_min=float(x))  # type: ignore[arg-type]
            elif p.target == "weight":
                weights = {**(weights or {}), str(p.key): float(x)}  # type: ignore[arg-type]
            elif p.target == "urban_density_km2":
                population["urban_density_km2"] = float(x)  # type: ignore[arg-type]
            elif p.target == "place_weight":
                kinds = population.get("place_weights") or PLACE_WEIGHTS  # one kind varies, the others keep theirs
                population["place_weights"] = {**kinds, str(p.key): float(x)}  # type: ignore[arg-type]
            elif p.target == "option":
                options[p.name] = x
        return Inputs(
            graphs, self.structure, access, decay, weights, population, options, dict(values), reference=reference
        )

    def evaluate(self, values: Mapping[str, object], *, reference: pd.DataFrame | None) -> pd.DataFrame:
        inputs = self.inputs(values, reference=reference)
        try:
            out = self.analysis(inputs)
        except LinyiSpatialError as exc:
            raise type(exc)(f"the analysis failed at {dict(values)}: {exc}") from exc
        if not isinstance(out, pd.DataFrame):
            raise DataError(f"an analysis must return a pandas DataFrame by unit, got {type(out).__name__}")
        return out


_WORKER: dict[str, _Base] = {}


def _init_worker(base: _Base) -> None:
    """Process-pool initializer: each worker keeps its own base and re-timed copies (no state in the caller)."""
    _WORKER["base"] = base


def _run_chunk(job: tuple[list[dict[str, object]], list[Hashable], list[str], _Base | None]) -> np.ndarray:
    rows, units, measures, shipped = job
    base = shipped if shipped is not None else _WORKER["base"]
    return np.stack([_aligned(base.evaluate(v, reference=base.reference), units, measures) for v in rows])


def _aligned(frame: pd.DataFrame, units: list[Hashable], measures: list[str]) -> np.ndarray:
    missing = [m for m in measures if m not in frame.columns]
    if missing:
        raise DataError(f"the analysis returned no column(s) {missing} in a sample")
    return frame.reindex(units)[measures].to_numpy(dtype=float)


def _numeric(frame: pd.DataFrame) -> list[str]:
    return [
        c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
    ]


def sensitivity(  # noqa: PLR0913 - keyword options of the run, each documented
    analysis: Analysis,
    graphs: nx.Graph | Mapping[str, nx.Graph],
    structure: SpatialStructure,
    space: ParameterSpace,
    *,
    design: str = "both",
    n: int = 100,
    seed: int | None = 0,
    processes: int = 1,
    executor: concurrent.futures.Executor | None = None,
    access: Access | None = None,
    decay: Decay | DecayFunction = "exponential",
    weights: Mapping[str, float] | None = None,
    population: Mapping[str, Any] | None = None,
    measures: Sequence[str] | None = None,
) -> Sensitivity:
    """Run an analysis at its defaults and over a design of the parameter space.

    Parameters
    ----------
    analysis : callable
        ``analysis(inputs) -> DataFrame`` (:data:`Analysis`), e.g.
        :func:`~linyi_spatial.sensitivity.unit_scores`.
    graphs : networkx graph or mapping of name -> graph
        The network(s); each is copied once and re-timed per sample (the
        caller's graphs are never changed). Several graphs (two scenario
        years, car and car-with-rail) get the same parameter values.
    structure : SpatialStructure
    space : ParameterSpace
    design : {"both", "lhs", "oat"}, default "both"
        ``"lhs"``: ``n`` Latin-hypercube samples (ranges, quantiles, ranks,
        probabilities, first-order shares); ``"oat"``: each parameter at
        each end (tornado swings); ``"both"``: the two.
    n : int, default 100
    seed : int or None, default 0
        Seed of the hypercube: the same seed gives the same result, with
        any number of processes.
    processes : int, default 1
        Worker processes (forked, Linux/macOS), each with its own copy of
        the graphs.
    executor : concurrent.futures.Executor, optional
        Run the samples there instead (e.g. ``dask.distributed.Client(...).get_executor()``
        for a cluster); each chunk of samples ships the graphs with it.
    access : Access, optional
        The default access leg (the access parameters change its speed and circuity).
    decay : str or DecayFunction, default "exponential"
        The default decay (a ``half_life_min`` parameter changes its half-life).
    weights : mapping, optional
        Default composite weights (None: the analysis's own default).
    population : mapping, optional
        Default keyword arguments of the population model.
    measures : sequence of str, optional
        The columns to keep (default: every numeric column of the default run).

    Returns
    -------
    Sensitivity

    Raises
    ------
    DataError
        For a bad design, an analysis that returns no frame or loses a
        column, or measures it does not return.

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> from linyi_spatial.sensitivity import ParameterSpace, speed, unit_scores
    >>> space = ParameterSpace([speed("trunk", 48, 72, 60)])
    >>> s = sensitivity(unit_scores(cell_km=10), made_up_network(2020), made_up_structure(), space, n=8)
    >>> r = s.summary("time_to_core_min")
    >>> bool(((r["min"] <= r["default"]) & (r["default"] <= r["max"])).all())
    True
    """
    if design not in ("both", "lhs", "oat"):
        raise DataError(f"design must be 'both', 'lhs' or 'oat', got {design!r}")
    processes = count("processes", processes)
    named = {"G": graphs} if isinstance(graphs, nx.Graph) else dict(graphs)
    if not named or not all(isinstance(G, nx.Graph) for G in named.values()):
        raise DataError("graphs must be a networkx graph or a non-empty mapping of names to graphs")
    base = _Base(
        analysis,
        named,
        structure,
        space,
        DEFAULT_ACCESS if access is None else access,
        as_decay(decay),
        None if weights is None else dict(weights),
        dict(population or {}),
    )
    default = base.evaluate(space.defaults, reference=None)
    keep = list(measures) if measures is not None else _numeric(default)
    absent = [m for m in keep if m not in default.columns]
    if absent:
        raise DataError(f"measure(s) {absent} are not columns of the analysis's result {list(default.columns)}")
    base.reference = default
    parts = []
    if design in ("both", "lhs"):
        parts.append(space.design("lhs", n=n, seed=seed).assign(design="lhs"))
    if design in ("both", "oat"):
        parts.append(space.design("oat").assign(design="oat"))
    plan = pd.concat(parts, ignore_index=True)
    plan.index.name = "sample"
    rows = [{p.name: plan.at[i, p.name] for p in space} for i in plan.index]
    units = list(default.index)
    values = _evaluate(base, rows, units, keep, processes, executor)
    names = default["name"] if "name" in default.columns else None
    return Sensitivity(default[keep], plan, values, space, names)


def _evaluate(
    base: _Base,
    rows: list[dict[str, object]],
    units: list[Hashable],
    measures: list[str],
    processes: int,
    executor: concurrent.futures.Executor | None,
) -> np.ndarray:
    workers = processes if executor is None else max(processes, 2)
    if executor is None and processes == 1:
        out = [
            _aligned(base.evaluate(v, reference=base.reference), units, measures)
            for v in progress(rows, desc="sensitivity samples")
        ]
        return np.stack(out) if out else np.empty((0, len(units), len(measures)))
    size = max(1, math.ceil(len(rows) / (workers * 4)))
    chunks = [rows[i : i + size] for i in range(0, len(rows), size)]
    shipped = replace(base, reweighters={})  # each worker copies the graphs itself
    if executor is not None:
        futures = [executor.submit(_run_chunk, (c, units, measures, shipped)) for c in chunks]
        parts = [f.result() for f in futures]
    else:
        ctx = multiprocessing.get_context("fork")
        try:
            with concurrent.futures.ProcessPoolExecutor(
                processes, mp_context=ctx, initializer=_init_worker, initargs=(shipped,)
            ) as pool:
                parts = list(pool.map(_run_chunk, [(c, units, measures, None) for c in chunks]))
        except concurrent.futures.process.BrokenProcessPool:
            raise ClusterError(
                f"a sensitivity worker process died (killed, or out of memory) while running {len(rows)} samples "
                f"in {processes} processes; nothing was kept: run again, with fewer processes or processes=1"
            ) from None
    return np.concatenate(parts) if parts else np.empty((0, len(units), len(measures)))


@dataclass(frozen=True, repr=False)
class Sensitivity(Displayable):
    """The result of :func:`sensitivity`: the default run, the design, and every sample's values.

    Attributes
    ----------
    default : pandas.DataFrame
        The analysis at the defaults (units by measures): the headline figures.
    design : pandas.DataFrame
        One row per sample: each parameter's value, ``design`` (``"lhs"`` or
        ``"oat"``) and, for one-at-a-time rows, ``varied`` and ``end``.
    values : numpy.ndarray
        Samples × units × measures, in the order of ``design``, ``default.index``, ``default.columns``.
    space : ParameterSpace
    names : pandas.Series or None
        The units' names, when the analysis returns a ``name`` column.
    """

    default: pd.DataFrame
    design: pd.DataFrame
    values: np.ndarray
    space: ParameterSpace
    names: pd.Series | None = None

    def __repr__(self) -> str:
        kinds = self.design["design"].value_counts().to_dict()
        return (
            f"Sensitivity({len(self.default)} units × {len(self.default.columns)} measures, "
            f"{len(self.space)} parameters, samples {kinds})"
        )

    @property
    def measures(self) -> list[str]:
        """The measures (columns of ``default``)."""
        return list(self.default.columns)

    def _column(self, measure: str) -> int:
        if measure not in self.default.columns:
            raise DataError(f"no measure {measure!r} in this result; it has {self.measures}")
        return self.measures.index(measure)

    def _rows(self, kind: str | None) -> np.ndarray:
        d = self.design["design"].to_numpy()
        return np.ones(len(d), dtype=bool) if kind is None else d == kind

    def samples(self, measure: str, design: str | None = None) -> pd.DataFrame:
        """Every sample's value of ``measure``: samples × units (``design`` ``"lhs"``/``"oat"``: those rows only)."""
        j, keep = self._column(measure), self._rows(design)
        return pd.DataFrame(self.values[keep, :, j], index=self.design.index[keep], columns=self.default.index)

    def _spread(self) -> str | None:
        """The rows quantiles come from: the hypercube, or the one-at-a-time rows without one."""
        return "lhs" if self._rows("lhs").any() else None

    def summary(self, measure: str | None = None) -> pd.DataFrame:
        """The default, the range and the quantiles of each unit's measures.

        ``min`` and ``max`` are over every sample (both designs); the
        quantiles ``q05``, ``q50``, ``q95`` over the Latin hypercube (a
        space-filling sample of the ranges) when there is one. NaN values
        (an analysis's "undefined") are left out.

        Parameters
        ----------
        measure : str, optional
            One measure: a frame indexed like the base result. None: every
            measure, indexed by (unit, measure).

        Returns
        -------
        pandas.DataFrame
            ``name`` (if known), ``default``, ``min``, ``q05``, ``q50``, ``q95``, ``max``.
        """
        if measure is None:
            parts = {m: self.summary(m) for m in self.measures}
            return pd.concat(parts, names=["measure"]).swaplevel(0, 1).sort_index(level=0, sort_remaining=False)
        every = self.samples(measure).to_numpy()
        spread = self.samples(measure, self._spread()).to_numpy()
        with np.errstate(all="ignore"):
            qs = np.nanquantile(spread, QUANTILES, axis=0) if len(spread) else np.full((3, every.shape[1]), np.nan)
            out = pd.DataFrame(
                {
                    "default": self.default[measure].to_numpy(dtype=float),
                    "min": np.nanmin(np.vstack([every, self.default[measure].to_numpy(dtype=float)]), axis=0),
                    "q05": qs[0],
                    "q50": qs[1],
                    "q95": qs[2],
                    "max": np.nanmax(np.vstack([every, self.default[measure].to_numpy(dtype=float)]), axis=0),
                },
                index=self.default.index,
            )
        if self.names is not None:
            out.insert(0, "name", self.names.reindex(out.index))
        out.attrs.update(measure=measure, samples=len(every), quantiles_from=self._spread() or "oat")
        return out

    def ranks(self, measure: str = "composite_score", *, higher_is_better: bool | None = None) -> pd.DataFrame:
        """How stable each unit's rank by ``measure`` is across the samples.

        Parameters
        ----------
        measure : str, default "composite_score"
        higher_is_better : bool, optional
            Direction of the ranking (rank 1 is best); default from the
            measure catalogue (a composite: higher is better).

        Returns
        -------
        pandas.DataFrame
            ``rank`` (at the defaults), ``rank_min``, ``rank_max``,
            ``rank_q05``, ``rank_q95``, and ``share_same_rank``: the share of
            the hypercube's samples in which the unit holds its default rank.
        """
        better = _direction(measure) if higher_is_better is None else bool(higher_is_better)
        sign = -1.0 if better else 1.0
        default = (sign * self.default[measure]).rank(method="min")
        every = self.samples(measure)
        r = (sign * every).rank(axis=1, method="min")
        spread = r.loc[self._rows(self._spread())]
        out = pd.DataFrame(
            {
                "rank": default.astype(int),
                "rank_min": r.min().astype(int),
                "rank_max": r.max().astype(int),
                "rank_q05": spread.quantile(0.05),
                "rank_q95": spread.quantile(0.95),
                "share_same_rank": spread.eq(default, axis=1).mean(),
            },
            index=self.default.index,
        )
        out["rank_min"] = np.minimum(out["rank_min"], out["rank"])
        out["rank_max"] = np.maximum(out["rank_max"], out["rank"])
        if self.names is not None:
            out.insert(0, "name", self.names.reindex(out.index))
        out.attrs.update(measure=measure, higher_is_better=better)
        return out

    def exceedance(self, measure: str, threshold: float, *, above: bool = True) -> pd.Series:
        """The share of the hypercube's samples in which a unit's ``measure`` is above (or at most) ``threshold``.

        E.g. ``exceedance("time_to_core_min", 60)``: the probability, over
        the ranges, that the seat is more than an hour from the core.

        Parameters
        ----------
        measure : str
        threshold : float
        above : bool, default True
            ``False``: the share at or below the threshold.

        Returns
        -------
        pandas.Series
            By unit, 0–1; ``attrs`` record the threshold and whether the default crosses it.
        """
        x = self.samples(measure, self._spread())
        hit = x.gt(threshold) if above else x.le(threshold)
        p = hit.where(x.notna()).mean().rename(f"p_{measure}_{'above' if above else 'at_most'}_{threshold:g}")
        d = self.default[measure]
        p.attrs.update(
            measure=measure,
            threshold=float(threshold),
            above=above,
            default_crosses=((d > threshold) if above else (d <= threshold)).to_dict(),
        )
        return p

    def shares(self, measure: str, kind: str = "first_order") -> pd.DataFrame:
        """Each parameter's share of the variation of ``measure``, per unit (rows) and parameter (columns).

        Parameters
        ----------
        measure : str
        kind : {"first_order", "swing"}, default "first_order"
            ``"first_order"``: the first-order (main-effect) variance share
            ``Var(E[Y|X_i]) / Var(Y)`` estimated from the hypercube by
            binning each parameter into ``⌊√n⌋`` equal-count bins (options:
            one bin per choice), less the part that chance alone gives
            (``(bins - 1) / n`` of the pooled within-bin variance). An
            estimate no larger than chance gives is 0: the largest of the
            same estimate over 19 seeded permutations of the parameter's
            values (a 95 % permutation test), so a parameter that cannot
            affect the measure scores 0 but in about one case in twenty.
            The shares need not sum to 1 (interactions). ``"swing"``: the
            one-at-a-time swings, ``(Y_high - Y_low)² / Σ (Y_high - Y_low)²``,
            exactly 0 for a parameter with no effect at its ends.

        Returns
        -------
        pandas.DataFrame
            Shares in 0–1; a unit whose measure does not vary has 0 for every parameter.

        Raises
        ------
        DataError
            If the design lacks the rows the kind needs.
        """
        if kind == "swing":
            sw = self.swings(measure)
            sq = sw.pow(2)
            total = sq.sum(axis=1)
            return sq.div(total.where(total > 0), axis=0).fillna(0.0)
        if kind != "first_order":
            raise DataError(f"kind must be 'first_order' or 'swing', got {kind!r}")
        keep = self._rows("lhs")
        if keep.sum() < 4:
            raise DataError("first-order shares need a Latin hypercube of at least 4 samples (design='lhs' or 'both')")
        y = self.values[keep, :, self._column(measure)]
        rng = np.random.default_rng(0)
        out = {}
        for p in self.space:
            x = self.design.loc[keep, p.name].to_numpy()
            cat = p.target == "option"
            est = _first_order(x, y, categorical=cat)
            chance = np.max([_first_order(rng.permutation(x), y, categorical=cat) for _ in range(19)], axis=0)
            out[p.name] = np.where(est > chance, est, 0.0)
        return pd.DataFrame(out, index=self.default.index)

    def _ends(self, measure: str, what: str) -> tuple[np.ndarray, np.ndarray]:
        """The measure (parameters × units) with each parameter at its low and its high end, the rest at defaults."""
        keep = self._rows("oat")
        if not keep.any():
            raise DataError(f"{what} need the one-at-a-time rows (design='oat' or 'both')")
        plan = self.design.loc[keep]
        y = self.values[keep, :, self._column(measure)]

        def at(name: str, end: str) -> np.ndarray:
            return y[((plan["varied"] == name) & (plan["end"] == end)).to_numpy()][0]

        names = [p.name for p in self.space]
        return np.array([at(n, "low") for n in names]), np.array([at(n, "high") for n in names])

    def swings(self, measure: str) -> pd.DataFrame:
        """``Y(high end) - Y(low end)`` of each parameter (one at a time, the others at their defaults), per unit."""
        lo, hi = self._ends(measure, "swings")
        return pd.DataFrame((hi - lo).T, index=self.default.index, columns=[p.name for p in self.space])

    def tornado(self, measure: str, unit: Hashable) -> pd.DataFrame:
        """One unit's tornado: the measure at each parameter's low and high end, widest swing first.

        Returns
        -------
        pandas.DataFrame
            By parameter: ``low_value`` and ``high_value`` (the parameter's
            ends), ``at_low`` and ``at_high`` (the measure there),
            ``default`` and ``swing`` (``|at_high - at_low|``).
        """
        if unit not in self.default.index:
            raise DataError(f"no unit {unit!r} in this result; units: {list(self.default.index)}")
        i = list(self.default.index).index(unit)
        lo, hi = self._ends(measure, "a tornado")
        rows = [
            {"parameter": p.name, "low_value": p.ends[0], "high_value": p.ends[1], "at_low": a, "at_high": b}
            for p, a, b in zip(self.space, lo[:, i], hi[:, i], strict=True)
        ]
        out = pd.DataFrame(rows).set_index("parameter")
        out["default"] = float(self.default[measure].to_numpy()[i])
        out["swing"] = (out["at_high"] - out["at_low"]).abs()
        out = out.sort_values("swing", ascending=False, kind="stable")
        out.attrs.update(measure=measure, unit=unit)
        return out

    def ranges(self, measure: str, *, low: str = "q05", high: str = "q95", decimals: int = 0) -> pd.Series:
        """Each unit's range as text, e.g. ``"53–64"`` (``low``/``high``: columns of :meth:`summary`).

        Examples
        --------
        A unit whose range rounds to one value prints that value alone.
        """
        s = self.summary(measure)
        out = {}
        for u, a, b in zip(s.index, s[low], s[high], strict=True):
            if not (np.isfinite(a) and np.isfinite(b)):
                out[u] = "–"
                continue
            lo_t, hi_t = f"{a:.{decimals}f}", f"{b:.{decimals}f}"
            out[u] = lo_t if lo_t == hi_t else f"{lo_t}–{hi_t}"
        return pd.Series(out, name=f"{measure}_range").reindex(s.index)


def _direction(measure: str) -> bool:
    if measure in ("composite_score",):
        return True
    if measure in MEASURES:
        return higher_is_better(measure)
    raise DataError(f"the direction of {measure!r} is not in the measure catalogue: pass higher_is_better=")


def _first_order(x: np.ndarray, y: np.ndarray, *, categorical: bool) -> np.ndarray:
    """Per column of ``y``: the bias-corrected between-bin share of variance of ``y`` given ``x``."""
    n = len(x)
    if categorical:
        labels = pd.factorize(pd.Series(x, dtype=object))[0]
    else:
        bins = max(2, math.isqrt(n))
        order = np.argsort(np.asarray(x, dtype=float), kind="stable")
        labels = np.empty(n, dtype=np.int64)
        labels[order] = np.arange(n) * bins // n
    k = int(labels.max()) + 1
    out = np.zeros(y.shape[1])
    for j in range(y.shape[1]):
        yj = y[:, j]
        ok = np.isfinite(yj)
        if ok.sum() < 4:
            out[j] = np.nan
            continue
        yy, ll = yj[ok], labels[ok]
        total = yy.var()
        if total <= 1e-12 * max(1.0, float(np.abs(yy).max()) ** 2):
            continue
        counts = np.bincount(ll, minlength=k).astype(float)
        sums = np.bincount(ll, weights=yy, minlength=k)
        used = counts > 0
        means = sums[used] / counts[used]
        between = float(np.sum(counts[used] * (means - yy.mean()) ** 2) / len(yy))
        within = float(np.sum((yy - (sums / np.maximum(counts, 1))[ll]) ** 2) / max(len(yy) - used.sum(), 1))
        out[j] = min(1.0, max(0.0, (between - (used.sum() - 1) / len(yy) * within) / total))
    return out
