"""Fonts for figures drawn with matplotlib (charts and static maps): find a CJK font, or say how to get one.

matplotlib draws a character its font lacks as an empty box, with only a
warning. Chinese text therefore needs a CJK font that matplotlib knows:
:func:`cjk_font` looks for one of :data:`CJK_FONTS` in matplotlib's font
list and, when none is there, for CJK font files installed on the system
that matplotlib's font cache predates (common right after installing
fonts): it adds those to the session's font list once. When no CJK font
exists at all, :func:`require_cjk_font` raises :class:`MissingFontError`
with the command that installs one.
"""

from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ..errors import MissingFontError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["CJK_FONTS", "INSTALL_HINT", "cjk_font", "new_figure", "require_cjk_font", "use_font"]

CJK_FONTS = ["Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Zen Hei",
             "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", "Heiti SC", "SimHei", "Noto Sans CJK JP",
             "Droid Sans Fallback", "AR PL UMing CN"]  # fmt: skip
"""CJK fonts in order of preference (simplified-Chinese sans-serif first); the first matplotlib knows is used."""

_CJK_FILE = re.compile(
    r"notosanscjk|notoserifcjk|notosanssc|sourcehansans|sourcehanserif|wqy|wenquanyi|msyh|simhei|simsun|pingfang"
    r"|stheiti|droidsansfallback|uming|ukai",
    re.IGNORECASE,
)
"""Font file names that hold CJK glyphs (checked without dashes and underscores)."""

INSTALL_HINT = (
    "install a CJK font: Debian/Ubuntu 'sudo apt-get install fonts-noto-cjk', Fedora 'sudo dnf install "
    "google-noto-sans-cjk-fonts', macOS 'brew install --cask font-noto-sans-cjk' (Windows has Microsoft YaHei); "
    "or draw the figure with lang='en'"
)
"""What :class:`MissingFontError` tells the reader to do."""


def _known() -> str | None:
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in names), None)


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The CJK font family figures use for Chinese text, or None when no CJK font is installed.

    The first of :data:`CJK_FONTS` in matplotlib's font list; when none is
    there, CJK font files found on the system (``fc-list`` and the usual
    font folders) are added to matplotlib's font list once, for the
    session, so a font cache made before the font was installed does not
    hide it.

    Returns
    -------
    str or None
        A font family name.

    Examples
    --------
    >>> cjk_font() is None or isinstance(cjk_font(), str)
    True
    """
    from matplotlib import font_manager

    found = _known()
    if found is not None:
        return found
    added: list[str] = []
    for path in font_manager.findSystemFonts():
        if not _CJK_FILE.search(Path(path).name.replace("-", "").replace("_", "")):
            continue
        try:
            font_manager.fontManager.addfont(path)
            added.append(font_manager.FontProperties(fname=path).get_name())
        except (OSError, RuntimeError, ValueError):  # an unreadable or broken font file: try the next
            continue
    return _known() or (sorted(added)[0] if added else None)


def require_cjk_font() -> str:
    """The CJK font family (:func:`cjk_font`), or a :class:`MissingFontError` naming the package to install.

    Returns
    -------
    str

    Raises
    ------
    MissingFontError
        When no CJK font is installed; the message gives the install command.

    Examples
    --------
    >>> isinstance(require_cjk_font(), str)  # doctest: +SKIP
    True
    """
    font = cjk_font()
    if font is None:
        raise MissingFontError(
            "no CJK font is installed for matplotlib, so Chinese text would be drawn as empty boxes; " + INSTALL_HINT
        )
    return font


def use_font(lang: str) -> dict[str, Any]:
    """Matplotlib settings (for ``rc_context``) that draw ``lang``'s text: a CJK font first for Chinese.

    The families are named, not left to the generic ``sans-serif``, so
    matplotlib falls back from one to the next glyph by glyph: an English
    figure draws a Chinese name in the CJK font when one is installed.

    Parameters
    ----------
    lang : {"en", "zh"}

    Returns
    -------
    dict
        ``font.family`` (and ``axes.unicode_minus``).

    Raises
    ------
    MissingFontError
        For Chinese when no CJK font is installed.

    Examples
    --------
    >>> use_font("en")["font.family"][0]
    'DejaVu Sans'
    """
    if lang == "zh":
        families = [require_cjk_font(), "DejaVu Sans"]
    else:
        families = ["DejaVu Sans", *([str(cjk_font())] if cjk_font() is not None else [])]
    return {"font.family": families, "axes.unicode_minus": False}


@lru_cache(maxsize=1)
def _figure_class() -> type:
    """A matplotlib Figure that draws in its language's fonts, shows as a PNG in notebooks, and reads no TeX."""
    try:
        import matplotlib
        from matplotlib.figure import Figure
        from matplotlib.text import Text
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("figures need matplotlib: pip install 'linyi_spatial[charts]'") from exc

    class Chart(Figure):
        """A matplotlib Figure with a PNG representation for Jupyter; its text is never read as mathtext.

        Names come from data, and matplotlib would read ``$...$`` in a name
        as TeX (``$x^$`` fails to draw); every text of the figure, tick
        labels made while drawing included, is drawn as written, in the
        fonts of the figure's language (:func:`use_font`).
        """

        lang: str = "en"

        def draw(self, renderer: Any) -> None:
            fonts = use_font(self.lang)
            for text in self.findobj(Text):  # names from data as written, never as TeX
                text.set_parse_math(False)
                text.set_fontfamily(fonts["font.family"])
            with matplotlib.rc_context(cast(Any, {**fonts, "text.parse_math": False})):
                super().draw(renderer)

        def _repr_png_(self) -> bytes:
            buffer = io.BytesIO()
            self.savefig(buffer, format="png", dpi=110)
            return buffer.getvalue()

    return Chart


def new_figure(size: tuple[float, float], lang: str, **kwargs: Any) -> Figure:
    """An empty figure (inches) whose text is drawn in ``lang``'s fonts (a CJK font for Chinese) and never as TeX.

    Parameters
    ----------
    size : (float, float)
        Width and height in inches.
    lang : {"en", "zh"}
    **kwargs
        Passed to :class:`matplotlib.figure.Figure` (e.g. ``layout="constrained"``).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    MissingFontError
        For Chinese when no CJK font is installed.

    Examples
    --------
    >>> new_figure((4, 3), "en").get_size_inches().tolist()
    [4.0, 3.0]
    """
    if lang == "zh":
        require_cjk_font()
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = _figure_class()(figsize=size, **kwargs)
    FigureCanvasAgg(fig)  # a renderer to measure text with (no pyplot, no backend set-up)
    fig.lang = lang
    return cast("Figure", fig)
