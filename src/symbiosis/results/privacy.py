"""Anonymised outputs: stable pseudonyms for company names, company ids, stream and profile ids.

Which columns of the scenario's tables hold them is declared once, in
``symbiosis.schema.references``: every such column of every table (links and
uncertainty ranges included) gets the pseudonyms (``anonymised_scenario``).

A pseudonym is a keyed hash (HMAC-SHA256) of the id, so the same id gets the same
pseudonym in every file and every run with the same key, and nobody without the key
can test a guessed company name against it. The default key is derived from the
scenario's full content (not from ``input_hash``, which is published), so it is
stable for the same inputs. Coordinates, sectors, resources and facilities are kept:
they are what makes the result useful, and they name no company.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re

from symbiosis.schema import TABLES, Scenario
from symbiosis.schema.references import COMPANY, NAMES, PROFILE, STREAM, references


class Pseudonyms:
    """The map from real ids and names to pseudonyms, for one scenario and key."""

    def __init__(self, scenario: Scenario, key: bytes | None = None):
        if key is None:
            blob = json.dumps(scenario.model_dump(mode="json"), sort_keys=True).encode()
            key = hashlib.sha256(b"symbiosis-anonymise\0" + blob).digest()
        self.key = key
        self.company: dict[str, str] = {}
        self.stream: dict[str, str] = {}
        self.name: dict[str, str] = {}
        taken: set[str] = set()
        for c in sorted(scenario.companies, key=lambda c: c.id):
            self.company[c.id] = self._new("company", c.id, taken)
            self.name[c.name] = self.company[c.id]
        for s in sorted(scenario.streams, key=lambda s: s.id):
            self.stream[s.id] = self._new("stream", s.id, taken)
        # Profile ids are often named after their company, so they go too.
        self.profile = {p: self._new("profile", p, taken) for p in sorted({p.profile for p in scenario.profiles})}
        # Longest first, so that an id that contains another is replaced whole.
        words = {**self.profile, **self.stream, **self.company, **self.name}
        self._pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))) if words else None
        self._words = words

    def _new(self, kind: str, real: str, taken: set[str]) -> str:
        digest = hmac.new(self.key, f"{kind}:{real}".encode(), hashlib.sha256).hexdigest()
        for n in range(8, 65):
            alias = f"{kind}-{digest[:n]}"
            if alias not in taken:
                taken.add(alias)
                return alias
        raise RuntimeError("pseudonym collision")  # pragma: no cover - 256 bits

    def text(self, value: str) -> str:
        """Replace every id and name inside free text (messages)."""
        if not self._pattern:
            return value
        return self._pattern.sub(lambda m: self._words[m.group(0)], value)

    def of(self, value: str, kinds: tuple[str, ...]) -> str:
        """The pseudonym of ``value`` as the first of ``kinds`` that it names; facilities (and
        anything unknown) are kept as they are."""
        for kind in kinds:
            found = {COMPANY: self.company, STREAM: self.stream, PROFILE: self.profile}.get(kind, {}).get(value)
            if found is not None:
                return found
        return value


def anonymised_scenario(scenario: Scenario, p: Pseudonyms) -> Scenario:
    """The scenario with every declared reference (``schema.references``) and company name replaced by its pseudonym."""
    changes: dict[str, object] = {"name": "anonymised scenario"}
    for table in TABLES:
        refs = references(table)
        names = [(column, key) for t, column, key in NAMES if t == table]
        if not refs and not names:
            continue
        rows = []
        for rec in getattr(scenario, table):
            fields = {r.column: p.of(v, r.kinds) for r in refs if (v := getattr(rec, r.column)) is not None}
            fields.update({column: fields.get(key, getattr(rec, key)) for column, key in names})
            rows.append(rec.replaced(**fields))
        changes[table] = tuple(rows)
    return scenario.replaced(**changes)
