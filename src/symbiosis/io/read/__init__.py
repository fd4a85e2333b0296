"""Reading scenarios: folders, inline YAML, CSV and workbooks; raw tables in, ``Scenario`` out."""

from symbiosis.io.read.folder import load_scenario

__all__ = ["load_scenario"]
