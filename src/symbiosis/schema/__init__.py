"""The scenario's strict, frozen, self-validating pydantic models."""
from symbiosis.schema.scenario import *  # noqa: F401,F403
from symbiosis.schema.scenario import _Table, _build, _message, _show  # noqa: F401
