"""Ranges, not single numbers: how much each figure depends on the assumptions behind it.

Declare the uncertain inputs of an analysis as a
:class:`~linyi_spatial.sensitivity.ParameterSpace` (speeds by road class,
the access leg, station penalties, the decay half-life, composite weights,
population-model parameters, specification choices), run the analysis over
a one-at-a-time and a Latin-hypercube design with
:func:`~linyi_spatial.sensitivity.sensitivity`, and read per unit the
default, the range and quantiles, the rank's stability, the probability of
crossing a threshold and each parameter's share of the variation.

>>> from linyi_spatial.testing import made_up_network, made_up_structure
>>> from linyi_spatial import sensitivity as sa
>>> space = sa.ParameterSpace([sa.speed("trunk", 48, 72, 60), sa.access_speed(20, 40, 30)])
>>> result = sa.sensitivity(sa.unit_scores(cell_km=10), made_up_network(2020), made_up_structure(), space, n=16)
>>> result.summary("time_to_core_min").columns.tolist()
['name', 'default', 'min', 'q05', 'q50', 'q95', 'max']
"""

from .analyses import hierarchy_figures, scenario_gains, unit_scores
from .reweight import Reweighter
from .run import QUANTILES, Analysis, Inputs, Sensitivity, sensitivity
from .space import (
    DESIGNS,
    TARGETS,
    Parameter,
    ParameterSpace,
    access_circuity,
    access_speed,
    composite_weight,
    half_life,
    length_factor,
    option,
    place_weight,
    speed,
    speed_factor,
    station_penalty,
    urban_density,
)

__all__ = [
    "DESIGNS",
    "QUANTILES",
    "TARGETS",
    "Analysis",
    "Inputs",
    "Parameter",
    "ParameterSpace",
    "Reweighter",
    "Sensitivity",
    "access_circuity",
    "access_speed",
    "composite_weight",
    "half_life",
    "hierarchy_figures",
    "length_factor",
    "option",
    "place_weight",
    "scenario_gains",
    "sensitivity",
    "speed",
    "speed_factor",
    "station_penalty",
    "unit_scores",
    "urban_density",
]
