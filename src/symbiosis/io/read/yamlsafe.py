"""YAML read safely: plain data only, every refusal named with its row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from symbiosis.errors import Problem, ScenarioError
from symbiosis.io.read.text import decode
from symbiosis.schema.messages import os_reason


class YamlRefused(yaml.MarkedYAMLError):
    """A construct that the scenario format does not allow (anchors, aliases, tags, duplicate keys)."""


def tag_name(tag: str) -> str:
    """A YAML tag as written in a file (``!!python/object``)."""
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag


class ScenarioYamlLoader(yaml.SafeLoader):
    """PyYAML's SafeLoader, refusing anchors, aliases, explicit tags and duplicate keys.

    Scenario files are plain data. Aliases let a few lines expand into gigabytes
    ("billion laughs"), tags ask a loader to build objects, and PyYAML silently keeps
    the last of two equal keys; all are refused with the line they are on.
    """

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise YamlRefused(problem=f"alias '*{event.anchor}' is not allowed: anchors and aliases are not part of the scenario format", problem_mark=event.start_mark)
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise YamlRefused(problem=f"anchor '&{anchor}' is not allowed: anchors and aliases are not part of the scenario format; write the value out", problem_mark=event.start_mark)
        tag = getattr(event, "tag", None)
        if tag is not None:
            raise YamlRefused(problem=f"tag '{tag_name(tag)}' is not allowed: the scenario format uses plain values only", problem_mark=event.start_mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                first = seen.get(key)
            except TypeError:
                continue  # unhashable: SafeConstructor reports it
            if first is not None:
                raise YamlRefused(problem=f"key '{key}' is given twice (first at row {first})", problem_mark=key_node.start_mark)
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


def safe_yaml(text: str) -> Any:
    """The plain data of a YAML text; raises ``YamlRefused`` or ``yaml.YAMLError``."""
    loader = ScenarioYamlLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def read_yaml(path: Path, label: str) -> dict[str, Any]:
    """The mapping a scenario YAML file holds; any problem with it raises ``ScenarioError``."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError([Problem(label, None, None, f"cannot be read ({os_reason(exc)})")]) from None
    text = decode(raw, label, "save it as UTF-8 text", csv_header=False)
    if isinstance(text, Problem):
        raise ScenarioError([text])
    try:
        doc = safe_yaml(text)
    except YamlRefused as exc:
        mark = exc.problem_mark
        raise ScenarioError([Problem(label, mark.line + 1 if mark is not None else None, None, str(exc.problem))]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ScenarioError([Problem(label, row, None, f"is not valid YAML: {what}")]) from None
    except RecursionError:
        raise ScenarioError([Problem(label, None, None, "is nested too deeply to read (lists or mappings within each other)")]) from None
    if doc is None:
        raise ScenarioError([Problem(label, None, None, "is empty")])
    if not isinstance(doc, dict):
        raise ScenarioError([Problem(label, None, None, "must be a YAML mapping with keys format, name, tables, settings")])
    return doc


class SetValueError(ValueError):
    """A ``--set`` or ``--grid`` value that is not a plain scalar or a flat list of them."""


def set_value(raw: str) -> Any:
    """The value of a command-line setting (``--set KEY=VALUE``): a plain scalar or a flat list.

    Read as YAML by the scenario loader's rules (no anchors, aliases or tags, so a
    "billion laughs" value is refused at its first anchor, before anything grows); a
    mapping or a list of lists is refused too. An empty value is None.
    """
    if not raw.strip():
        return None
    try:
        value = safe_yaml(raw)
    except YamlRefused as exc:
        raise SetValueError(f"{exc.problem}") from None
    except yaml.YAMLError:
        raise SetValueError(f"cannot read the value {raw[:60]!r}") from None
    except RecursionError:
        raise SetValueError("the value is nested too deeply") from None
    if isinstance(value, list):
        if any(isinstance(v, (list, dict)) for v in value):
            raise SetValueError(f"{raw[:60]!r} is a list of lists or mappings; a setting is a plain value or a flat list")
        return value
    if isinstance(value, dict):
        raise SetValueError(f"{raw[:60]!r} is a mapping; set each key on its own, e.g. --set heat_pump.max_lift_c=50")
    return value
