"""The planned spatial structure: a TOML spec read into core, poles, axes and points."""

from .model import SpatialStructure
from .spec import COLUMN_KEYS, SEAT_KIND, read_spec

__all__ = ["COLUMN_KEYS", "SEAT_KIND", "SpatialStructure", "read_spec"]
