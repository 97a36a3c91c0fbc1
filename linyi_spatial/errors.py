"""Exception hierarchy of linyi_spatial.

Every error the library raises on bad input derives from
:class:`LinyiSpatialError` and also from the matching built-in exception, so
``except ValueError`` keeps working for callers that do not know the library.
Validators gather all problems first and raise once, naming every offending
item and the file it came from. ``docs/errors.md`` lists each class of bad
input and the error it gets; environment failures (a full disk) stay
``OSError``, and a write that fails leaves the previous file intact.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "CRSError",
    "DataError",
    "LinyiSpatialError",
    "MissingFontError",
    "NetworkError",
    "OptionError",
    "SpecError",
]


class LinyiSpatialError(Exception):
    """Base class of every error raised by linyi_spatial."""


class _ProblemsError(LinyiSpatialError, ValueError):
    """An error carrying a list of problems, optionally tied to a source file."""

    def __init__(self, problems: str | Iterable[str], *, source: object | None = None) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.source = None if source is None else str(source)
        where = f" in {self.source}" if self.source else ""
        if len(self.problems) == 1:
            message = f"{self.problems[0]}{where}"
        else:
            lines = "\n".join(f"  - {p}" for p in self.problems)
            message = f"{len(self.problems)} problems{where}:\n{lines}"
        super().__init__(message)


class SpecError(_ProblemsError):
    """A spatial-structure spec is malformed (unknown place, duplicate id, ...)."""


class DataError(_ProblemsError):
    """A data file or table is missing, malformed or inconsistent."""


class CRSError(LinyiSpatialError, ValueError):
    """A coordinate reference system is missing, unknown or mismatched."""


class NetworkError(_ProblemsError):
    """A transport network (tables, graph or OSM file) is malformed or fails validation."""


class OptionError(_ProblemsError):
    """An option has a value the function does not accept (unknown basemap, missing key...)."""


class ClusterError(LinyiSpatialError, RuntimeError):
    """Workers failed a computation.

    A Dask cluster (lost workers, lost data, no answer within the timeout) or the library's own worker
    processes (one killed or out of memory).
    """


class MissingFontError(LinyiSpatialError, RuntimeError):
    """No installed font can draw the figure's Chinese text (it would show as empty boxes); names the package."""
