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
