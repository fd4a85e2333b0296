"""Reading scenarios: folders, inline YAML, CSV and workbooks; raw tables in, ``Scenario`` out."""

from symbiosis.io.read.folder import RawScenario, load_scenario, read_scenario

__all__ = ["RawScenario", "load_scenario", "read_scenario"]
