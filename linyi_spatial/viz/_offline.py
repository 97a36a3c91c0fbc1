"""Make folium HTML self-contained: inline Leaflet and jQuery, drop other CDN assets.

Leaflet's JS/CSS come from the PyPI package ``xstatic-leaflet`` (the same
bytes as npm ``leaflet``) and jQuery from ``xstatic-jquery`` (folium's popups
build their content with ``$(...)``). CSS image references become ``data:``
URIs. Other external ``<script>``/``<link rel="stylesheet">`` tags
(Bootstrap, Font Awesome, awesome-markers) are replaced by a comment: the
library's maps do not need them, so only control styling changes.
"""

from __future__ import annotations

import base64
import re
import warnings
from functools import lru_cache
from pathlib import Path

from ..errors import LinyiSpatialError

_SCRIPT_RE = re.compile(r'<script\s+src="(https?://[^"]+)"\s*>\s*</script>')
_LINK_RE = re.compile(r'<link\s+rel="stylesheet"\s+href="(https?://[^"]+)"\s*/?>')
_CSS_URL_RE = re.compile(r"url\((?!['\"]?(?:data:|#|https?:))['\"]?([^'\")]+)['\"]?\)")
_MIME = {".png": "image/png", ".svg": "image/svg+xml", ".gif": "image/gif"}


def _data_uri(path: Path) -> str:
    mime = _MIME.get(path.suffix, "application/octet-stream")
    return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


@lru_cache(maxsize=1)
def _assets() -> tuple[str, str, str, str]:
    try:
        import xstatic.pkg.jquery as xs_jquery
        import xstatic.pkg.leaflet as xs_leaflet
    except ImportError as exc:
        raise LinyiSpatialError(
            "inlining map assets needs the packages xstatic-leaflet and xstatic-jquery (dependencies of linyi_spatial)"
        ) from exc
    leaflet = Path(xs_leaflet.BASE_DIR)
    css = (leaflet / "leaflet.css").read_text(encoding="utf-8")

    def inline(m: re.Match[str]) -> str:
        p = leaflet / m.group(1)
        return f"url({_data_uri(p)})" if p.is_file() else m.group(0)

    css = _CSS_URL_RE.sub(inline, css)
    img = leaflet / "images"
    # L.Icon.Default finds its images by sniffing a CSS url; with data: URIs set them directly.
    icon_fix = (
        "L.Icon.Default.mergeOptions({"
        f"iconUrl:'{_data_uri(img / 'marker-icon.png')}',"
        f"iconRetinaUrl:'{_data_uri(img / 'marker-icon-2x.png')}',"
        f"shadowUrl:'{_data_uri(img / 'marker-shadow.png')}'}});"
    )
    js = (leaflet / "leaflet.js").read_text(encoding="utf-8") + "\n" + icon_fix
    jquery = (Path(xs_jquery.BASE_DIR) / "jquery.min.js").read_text(encoding="utf-8")
    return js, css, jquery, str(xs_leaflet.VERSION)


def inline_assets(html: str) -> str:
    """Return ``html`` with Leaflet and jQuery inlined and other CDN assets removed."""
    js, css, jquery, version = _assets()

    def script(m: re.Match[str]) -> str:
        url = m.group(1)
        if url.endswith("/leaflet.js"):
            wanted = re.search(r"leaflet@([\d.]+)/", url)
            if wanted and wanted.group(1) != version:
                warnings.warn(f"folium asks for Leaflet {wanted.group(1)}; inlining {version}", stacklevel=3)
            code = js
        elif re.search(r"jquery[-@/.\d]*(\.min)?\.js$", url):
            code = jquery
        else:
            return f"<!-- offline: omitted {url} -->"
        return "<script>" + code.replace("</script", "<\\/script") + "</script>"

    def link(m: re.Match[str]) -> str:
        url = m.group(1)
        if url.endswith("/leaflet.css"):
            return "<style>" + css.replace("</style", "<\\/style") + "</style>"
        return f"<!-- offline: omitted {url} -->"

    return _LINK_RE.sub(link, _SCRIPT_RE.sub(script, html))
