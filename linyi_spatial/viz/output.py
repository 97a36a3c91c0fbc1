"""Writing maps: HTML with Leaflet inlined, marked as the library's own, to a temporary file renamed into place."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import folium

from .._io import write_text
from ..errors import DataError
from ._html import esc
from ._offline import inline_assets
from .style import FONTS, GENERATOR

__all__ = ["MARK", "index_page", "mark", "save_html", "written_by_us"]

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
    >>> from linyi_spatial.viz.mapobject import new_map
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


def _figure_links(extra: Sequence[object]) -> str:
    """Links to a map's report figures (``PNG · PDF``), escaped as attribute and text."""
    files = [Path(str(f)) for f in (extra[0] if extra else ())]  # type: ignore[attr-defined]
    return "".join(f" · <a href='{esc(f.name)}'>{esc(f.suffix.lstrip('.').upper())}</a>" for f in files)


def index_page(
    maps: Sequence[tuple[str | os.PathLike[str], str, str] | tuple[str | os.PathLike[str], str, str, Sequence[object]]],
    title: str,
    note: str = "",
    *,
    footer: str = "",
    lang: str = "en",
) -> str:
    """A landing page linking each written map, with its size and how to read it.

    Every text is shown as given (escaped, never a template); translate it before.

    Parameters
    ----------
    maps : sequence of (path, label, reading) or (path, label, reading, figures)
        Each map file (linked by its name, so the page sits beside the maps),
        its label, a sentence on how to read it and, optionally, the paths of
        its report figures (linked as PNG, PDF …).
    title, note, footer : str
        The page's heading, the line under it and the small print.
    lang : {"en", "zh"}, default "en"
        The page's language attribute.

    Returns
    -------
    str
        The page, with the library's mark as its second line.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "a.html"
    >>> _ = f.write_text("x")
    >>> "<a href='a.html'><b>A &lt;map&gt;</b></a>" in index_page([(f, "A <map>", "")], "Maps")
    True
    """
    cards = "".join(
        f"<li><a href='{esc(Path(p).name)}'><b>{esc(label)}</b></a> <small>({Path(p).stat().st_size / 1e6:.1f} MB)"
        f"</small>{_figure_links(extra)}<br><span>{esc(reading)}</span></li>"
        for p, label, reading, *extra in maps
    )
    return mark(
        f"<!doctype html><html lang='{'zh-CN' if lang == 'zh' else 'en'}'><head><meta charset='utf-8'>{GENERATOR}"
        f"<title>{esc(title)}</title>"
        f"<style>body{{font-family:{FONTS};max-width:52em;margin:2em auto;padding:0 1em;color:#222}}"
        "li{margin:0 0 1em 0} span{color:#555} small{color:#777}</style></head>"
        f"<body><h1>{esc(title)}</h1><p>{esc(note)}</p><ul>{cards}</ul>"
        f"<p><small>{esc(footer)}</small></p></body></html>\n"
    )
