"""Sphinx configuration of the linyi_spatial documentation site (``make docs``)."""

import linyi_spatial

project = "linyi_spatial"
author = "linyi_spatial contributors"
release = linyi_spatial.__version__
version = release

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
]
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
exclude_patterns = ["_build", "**.ipynb_checkpoints"]

# the notebooks run during the build, so the site shows their real outputs (tables, charts, maps)
nb_execution_mode = "force"
nb_execution_timeout = 900
nb_execution_raise_on_error = True
nb_execution_show_tb = True
myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3

autodoc_default_options = {"members": True, "show-inheritance": False}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

html_theme = "furo"
html_title = f"linyi_spatial {release}"
suppress_warnings = ["myst.header", "misc.highlighting_failure"]


# ``{cli-help} [subcommand]``: the command line reference, generated from the installed parser
from docutils import nodes  # noqa: E402
from docutils.parsers.rst import Directive  # noqa: E402


class CliHelp(Directive):
    """The ``--help`` text of ``linyi-spatial`` (or of one of its subcommands) as a literal block."""

    optional_arguments = 1

    def run(self):
        import os

        from linyi_spatial.linyi.cli import build_parser

        os.environ["COLUMNS"] = "100"  # argparse wraps to the terminal: a fixed width for the page
        parser = build_parser()
        if self.arguments:
            sub = next(a for a in parser._subparsers._group_actions if a.choices)
            parser = sub.choices[self.arguments[0]]
        text = parser.format_help()
        return [nodes.literal_block(text, text, language="text")]


def setup(app):
    app.add_directive("cli-help", CliHelp)
    app.connect("builder-inited", _gallery)


# The gallery (connected in setup above): every map of the CLI's set, screenshotted in headless Chromium at projector (1400×900) and
# notebook (900×560) sizes in English and Chinese, and its report figure, all made from the embedded data
# while the site builds (docs/screenshots.py also checks that no page furniture overlaps another).
from pathlib import Path  # noqa: E402

_HERE = Path(__file__).resolve().parent
_GALLERY = _HERE / "_generated" / "gallery"
_LANGS = {"en": "English", "zh": "中文"}


def _gallery_page(keys, note=""):
    from linyi_spatial.linyi.mapset import MAPS

    lines = [
        "# Gallery",
        "",
        "Every map of `linyi-spatial maps` for the embedded Linyi data, drawn offline (no basemap) in headless "
        "Chromium at a projector's 1400×900 and a notebook's 900×560, in English and Chinese, and its report "
        "figure from `linyi-spatial maps --static` (A4 landscape). The images are made while this site is built, "
        "from the same commands a user runs.",
        "",
    ]
    if note:
        return "\n".join([*lines, note, ""])
    for key in keys:
        lines += [f"## {MAPS[key]}", ""]
        for lang, words in _LANGS.items():
            lines += [f"**{words}**", ""]
            for size in ("projector", "notebook"):
                lines += [f"![{key}, {words}, {size}](_generated/gallery/{lang}/{key}_{size}.png)", ""]
            lines += [f"![{key}, {words}, report figure](_generated/gallery/{lang}/{key}_figure.png)", ""]
    return "\n".join(lines)


def _gallery(app):
    import importlib.util
    import shutil

    page = _HERE / "gallery.md"
    chromium = Path("/usr/bin/chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if sync_playwright is None or not chromium.exists():
        page.write_text(_gallery_page([], "The gallery needs headless Chromium and Playwright to be built."), "utf-8")
        return
    from linyi_spatial.linyi.cli import main

    spec = importlib.util.spec_from_file_location("screenshots", _HERE / "screenshots.py")
    shots = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(shots)
    problems, keys = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), headless=True, args=shots.ARGS)
        for lang in _LANGS:
            maps = _HERE / "_build" / "gallery_maps" / lang
            args = ["maps", "--out", str(maps), "--offline", "--quiet", "--static", "--dpi", "110", "--lang", lang]
            if main(args) != 0:
                raise RuntimeError(f"linyi-spatial {' '.join(args)} failed")
            out = _GALLERY / lang
            problems += shots.check_folder(maps, out, browser)
            for figure in maps.glob("*.png"):
                shutil.copyfile(figure, out / f"{figure.stem}_figure.png")
            keys = [k for k in ("structure", "accessibility", "surface", "isochrones", "scenario", "hierarchy")
                    if (maps / f"{k}.html").exists()]  # fmt: skip
        browser.close()
    if problems:
        raise RuntimeError("the gallery's maps have page furniture over each other: " + "; ".join(problems))
    page.write_text(_gallery_page(keys), "utf-8")

