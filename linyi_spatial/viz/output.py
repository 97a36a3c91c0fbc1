"""Writing maps: HTML with Leaflet inlined, to a temporary file renamed into place."""

from __future__ import annotations

import os
from pathlib import Path

import folium

from .._io import write_text
from ._offline import inline_assets

__all__ = ["save_html"]


def save_html(m: folium.Map, path: str | os.PathLike[str], *, inline: bool = True) -> Path:
    """Write a folium map to an HTML file.

    Parameters
    ----------
    m : folium.Map
        The map.
    path : path-like
        Output file; parent folders are created. Written to a temporary
        file first and renamed into place, so a failed write never leaves a
        truncated map.
    inline : bool, default True
        Inline Leaflet and jQuery (from the PyPI packages ``xstatic-leaflet``
        and ``xstatic-jquery``) so the file draws without reaching a CDN
        (jsdelivr and code.jquery.com are slow or blocked in parts of
        China); other CDN assets (Bootstrap, Font Awesome) are omitted.
        Basemap tiles still need the network. ``False`` keeps folium's CDN
        links.

    Returns
    -------
    pathlib.Path
        The written file.

    Examples
    --------
    >>> import tempfile
    >>> from linyi_spatial.viz.base import new_map
    >>> p = save_html(new_map([10, 50, 11, 51], None, "t"), tempfile.mkdtemp() + "/s.html")
    >>> p.stat().st_size > 10_000
    True
    """
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    text = m.get_root().render()
    if inline:
        text = inline_assets(text)
    return write_text(out, text)
