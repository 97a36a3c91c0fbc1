"""``.explore()`` for result objects without the core importing the map layer.

Result classes of the core inherit :class:`Explorable`. The presentation
layer (:mod:`linyi_spatial.viz`) registers one drawing function per class
with :func:`register_explorer` when it is imported (the package's
``__init__`` imports it), so ``obj.explore()`` finds its map while no core
module ever imports :mod:`linyi_spatial.viz`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .errors import LinyiSpatialError

if TYPE_CHECKING:
    import folium

__all__ = ["Explorable", "register_explorer"]

_EXPLORERS: dict[str, Callable[..., Any]] = {}


def _name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def register_explorer(cls: type | str, func: Callable[..., Any]) -> None:
    """Make ``func(obj, **kwargs)`` the drawing behind ``obj.explore()`` for instances of ``cls``.

    The class may be given by its qualified name, so the map layer can
    register without importing the module that defines the class.

    Parameters
    ----------
    cls : type or str
        A result class (a subclass of :class:`Explorable`) or its
        ``"module.QualName"``.
    func : callable
        Takes the object and keyword options, returns a ``folium.Map``.

    Returns
    -------
    None

    Examples
    --------
    >>> class Thing(Explorable):
    ...     pass
    >>> register_explorer(Thing, lambda obj, **kw: "a map")
    >>> Thing().explore()
    'a map'
    """
    _EXPLORERS[cls if isinstance(cls, str) else _name(cls)] = func


class Explorable:
    """Mixin giving a result object an ``explore()`` method drawn by the presentation layer."""

    def explore(self, **kwargs: Any) -> folium.Map:
        """Draw this result on an interactive folium map.

        Parameters
        ----------
        **kwargs
            Passed to the registered map function (e.g. ``tiles=None``).

        Returns
        -------
        folium.Map

        Raises
        ------
        LinyiSpatialError
            If no map function is registered for this type.

        Examples
        --------
        >>> class Plain(Explorable):
        ...     pass
        >>> Plain().explore()
        Traceback (most recent call last):
        ...
        linyi_spatial.errors.LinyiSpatialError: no map is registered for Plain; import linyi_spatial.viz
        """
        for cls in type(self).__mro__:
            func = _EXPLORERS.get(_name(cls))
            if func is not None:
                return func(self, **kwargs)
        raise LinyiSpatialError(f"no map is registered for {type(self).__name__}; import linyi_spatial.viz")
