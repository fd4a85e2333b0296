"""Where the scenarios that ship with symbiosis are: in the package (a wheel) or in the repository (a checkout).

``scenarios/haasrode`` at the root of the repository is the one real folder. A wheel
carries a copy as ``symbiosis/scenarios/haasrode`` (the build step in ``setup.py``); an
editable install or a checkout reads the repository's.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def bundled_scenario(name: str) -> Path:
    """The folder of a bundled scenario (``haasrode``); the package's copy first, then the repository's."""
    packaged = Path(str(resources.files("symbiosis").joinpath("scenarios", name)))
    if (packaged / "scenario.yaml").is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "scenarios" / name
