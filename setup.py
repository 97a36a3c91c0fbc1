"""Build script: the metadata live in setup.cfg; this only prepares the long description.

The README's figures use paths inside the source tree, which a package index
cannot show, so the block between ``<!-- figures`` and ``<!-- /figures -->``
is left out of the long description.
"""

import re
from pathlib import Path

from setuptools import setup

README = Path(__file__).with_name("README.md").read_text(encoding="utf-8")
setup(long_description=re.sub(r"<!-- figures.*?<!-- /figures -->\n", "", README, flags=re.S))
