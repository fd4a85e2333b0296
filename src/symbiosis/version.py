"""The package's version (stage 0: imports nothing), read by ``symbiosis.__version__`` and the outputs."""

from __future__ import annotations

__version__ = "0.1.0"
