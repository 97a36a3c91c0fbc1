"""Writing maps: HTML with Leaflet inlined, marked as the library's own, to a temporary file renamed into place."""

from __future__ import annotations

import os
from pathlib import Path

import folium

from .._io import write_text
from ..errors import DataError
from ._offline import inline_assets

__all__ = ["MARK", "mark", "save_html", "written_by_us"]

_DOCTYPE = "<!DOCTYPE html>\n"

MARK = "<!-- linyi_spatial: generated file; the next linyi_spatial run may replace it -->\n"
"""The second line of every HTML file the library writes (after the doctype): how it knows its own files."""


def mark(page: str) -> str:
    """An HTML page with the library's mark as its second line (the doctype first; added when missing).

    Parameters
    ----------
    page : str
        The page, beginning with a doctype in any case or with none.

    Returns
    -------
    str

    Examples
    --------
    >>> mark("<!doctype html><p>x</p>").splitlines()[:2]
    ['<!DOCTYPE html>', '<!-- linyi_spatial: generated file; the next linyi_spatial run may replace it -->']
    """
    body = page.lstrip()
    if body[:15].lower() == "<!doctype html>":
        body = body[15:].lstrip("\n")
    return _DOCTYPE + MARK + body


def written_by_us(path: str | os.PathLike[str]) -> bool:
    """Whether a file begins exactly as the library's HTML files do (doctype, then :data:`MARK`).

    A file that merely mentions the library, or carries its ``generator``
    meta tag, is not the library's: only the exact mark at the exact place
    counts. Folders, links and unreadable files are not the library's.

    Parameters
    ----------
    path : path-like

    Returns
    -------
    bool

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "m.html"
    >>> _ = p.write_text("<p>mine, not linyi_spatial's</p>", encoding="utf-8")
    >>> written_by_us(p)
    False
    >>> _ = p.write_text(mark("<p>map</p>"), encoding="utf-8")
    >>> written_by_us(p)
    True
    """
    p = Path(path)
    head = (_DOCTYPE + MARK).encode("utf-8")
    if p.is_symlink() or not p.is_file():
        return False
    try:
        with p.open("rb") as fh:
            return fh.read(len(head)) == head
    except OSError:
        return False


def save_html(m: folium.Map, path: str | os.PathLike[str], *, inline: bool = True, overwrite: bool = False) -> Path:
    """Write a folium map to an HTML file.

    Parameters
    ----------
    m : folium.Map
        The map.
    path : path-like
        Output file; parent folders are created. Written to a temporary
        file first and renamed into place, so a failed write never leaves a
        truncated map. The file is marked as the library's (:data:`MARK`).
    inline : bool, default True
        Inline Leaflet and jQuery (from the PyPI packages ``xstatic-leaflet``
        and ``xstatic-jquery``) so the file draws without reaching a CDN
        (jsdelivr and code.jquery.com are slow or blocked in parts of
        China); other CDN assets (Bootstrap, Font Awesome) are omitted.
        Basemap tiles still need the network. ``False`` keeps folium's CDN
        links.
    overwrite : bool, default False
        Also replace a file at ``path`` that the library did not write.

    Returns
    -------
    pathlib.Path
        The written file.

    Raises
    ------
    DataError
        If ``path`` holds a file the library did not write (without
        ``overwrite``), or the file cannot be written (naming it and why).

    Examples
    --------
    >>> import tempfile
    >>> from linyi_spatial.viz.base import new_map
    >>> p = save_html(new_map([10, 50, 11, 51], None, "t"), tempfile.mkdtemp() + "/s.html")
    >>> p.stat().st_size > 10_000, written_by_us(p)
    (True, True)
    """
    out = Path(path)
    if out.is_dir():
        raise DataError(f"cannot write the map {out}: a folder stands there")
    if out.exists() and not overwrite and not written_by_us(out):
        raise DataError(f"refusing to overwrite {out}: linyi_spatial did not write it; pass overwrite=True")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(f"cannot create the folder of {out}: {exc.strerror}") from None
    text = m.get_root().render()
    if inline:
        text = inline_assets(text)
    return write_text(out, mark(text))
