"""Build step: the bundled scenarios (``scenarios/`` at the root of the repository) go into the package.

``scenarios/haasrode`` is a real folder, so that ``cp -r scenarios/haasrode x`` gives a
working copy; a wheel carries it as ``symbiosis/scenarios/haasrode`` for ``symbiosis
bench`` from a plain install. An editable install reads it from the repository
(``symbiosis.bundled``). Everything else is in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED = ("haasrode",)


class BuildWithScenarios(build_py):
    """build_py, then a copy of each bundled scenario into the built package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # read from the repository
        for name in BUNDLED:
            source = ROOT / "scenarios" / name
            if source.is_dir():  # an sdist without scenarios/ builds without them
                shutil.copytree(source, Path(self.build_lib) / "symbiosis" / "scenarios" / name, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithScenarios})
