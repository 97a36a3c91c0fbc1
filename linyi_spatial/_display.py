"""``.explore()`` and notebook displays of result objects without the core importing the presentation layer.

Result classes of the core inherit :class:`Explorable` (a map and a
display) or :class:`Displayable` (a display). The presentation layer
(:mod:`linyi_spatial.viz`) registers one drawing function per class with
:func:`register_explorer` and one HTML display per class with
:func:`register_display` when it is imported (the package's ``__init__``
imports it), so ``obj.explore()`` finds its map and a notebook its table,
in the chosen language, while no core module ever imports
:mod:`linyi_spatial.viz`.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .errors import LinyiSpatialError

if TYPE_CHECKING:
    import folium

__all__ = ["Displayable", "Explorable", "register_display", "register_explorer"]

_EXPLORERS: dict[str, Callable[..., Any]] = {}
_DISPLAYS: dict[str, Callable[..., str]] = {}


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


def register_display(cls: type | str, func: Callable[..., str]) -> None:
    """Make ``func(obj, lang=...)`` the HTML behind ``obj.to_html()`` and the notebook display of ``cls``.

    Parameters
    ----------
    cls : type or str
        A result class (a subclass of :class:`Displayable`) or its ``"module.QualName"``.
    func : callable
        Takes the object and ``lang``, returns HTML.

    Returns
    -------
    None

    Examples
    --------
    >>> class Thing(Displayable):
    ...     pass
    >>> register_display(Thing, lambda obj, lang=None: f"<p>a thing ({lang})</p>")
    >>> Thing().to_html(lang="zh")
    '<p>a thing (zh)</p>'
    """
    _DISPLAYS[cls if isinstance(cls, str) else _name(cls)] = func


def _registered(table: dict[str, Callable[..., Any]], cls: type) -> Callable[..., Any] | None:
    for attempt in range(2):
        for klass in cls.__mro__:
            func = table.get(_name(klass))
            if func is not None:
                return func
        if attempt == 0:  # the presentation layer registers its maps and displays when imported: import it now
            import importlib

            importlib.import_module("linyi_spatial.viz")
    return None


class Displayable:
    """Mixin giving a result object an HTML display (``to_html``, notebooks) made by the presentation layer."""

    def to_html(self, *, lang: str | None = None) -> str:
        """Return the result as an HTML table for people: names, units and rounded numbers, in ``lang``.

        Parameters
        ----------
        lang : {"en", "zh"}, optional
            Language of headings and labels (default: the session's, see
            :func:`linyi_spatial.viz.set_lang`).

        Returns
        -------
        str

        Examples
        --------
        >>> class Plain(Displayable):
        ...     pass
        >>> Plain().to_html().startswith("<pre>")
        True
        """
        func = _registered(_DISPLAYS, type(self))
        if func is None:
            return f"<pre>{html.escape(repr(self))}</pre>"
        return func(self, lang=lang)

    def _repr_html_(self) -> str:
        return self.to_html()


class Explorable(Displayable):
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
        func = _registered(_EXPLORERS, type(self))
        if func is not None:
            return func(self, **kwargs)
        raise LinyiSpatialError(f"no map is registered for {type(self).__name__}; import linyi_spatial.viz")
