"""Anonymised outputs: stable pseudonyms for company names, company ids, stream and profile ids.

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
from dataclasses import replace
from typing import Any

from symbiosis.results import Result, build_network
from symbiosis.schema import Scenario


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

    def ref(self, value: str) -> str:
        """A company or stream id (as in rules), or the value unchanged."""
        return self.company.get(value) or self.stream.get(value) or value


def anonymise(result: Result, key: bytes | None = None) -> Result:
    """A copy of ``result`` with company names, company ids and stream ids replaced."""
    sc = result.scenario
    p = Pseudonyms(sc, key)
    scenario = sc.model_copy(
        update={
            "name": "anonymised scenario",
            "companies": tuple(c.model_copy(update={"id": p.company[c.id], "name": p.company[c.id]}) for c in sc.companies),
            "streams": tuple(
                s.model_copy(update={"id": p.stream[s.id], "company": p.company[s.company], "profile": p.profile.get(s.profile or "", s.profile)})
                for s in sc.streams
            ),
            "profiles": tuple(x.model_copy(update={"profile": p.profile[x.profile]}) for x in sc.profiles),
            "rules": tuple(r.model_copy(update={"source": p.ref(r.source), "target": p.ref(r.target)}) for r in sc.rules),
        }
    )
    for cached in ("company_by_id", "stream_by_id", "profile_values"):
        scenario.__dict__.pop(cached, None)
    matches = result.matches.copy()
    exchange = matches["kind"] == "exchange"
    matches.loc[exchange, "source"] = matches.loc[exchange, "source"].map(p.company)
    matches["target"] = matches["target"].map(p.company)
    matches.loc[exchange, "supply_stream"] = matches.loc[exchange, "supply_stream"].map(p.stream)
    matches["demand_stream"] = matches["demand_stream"].map(p.stream)
    matches = matches.sort_values(["kind", "source", "target", "supply_stream", "demand_stream"], kind="stable").reset_index(drop=True)
    flows = result.flows.copy()
    flows["supply_stream"] = flows["supply_stream"].map(p.stream)
    flows["demand_stream"] = flows["demand_stream"].map(p.stream)
    flows = flows.sort_values(["supply_stream", "demand_stream"], kind="stable").reset_index(drop=True)
    companies = result.companies.copy()
    companies["company"] = companies["company"].map(p.company)
    companies["name"] = companies["company"]
    companies = companies.sort_values("company", kind="stable").reset_index(drop=True)
    facilities = result.facilities.copy()
    if "members" in facilities:
        facilities["members"] = facilities["members"].map(lambda m: ";".join(sorted(p.stream[x] for x in m.split(";") if x)))
    summary: dict[str, Any] = dict(result.summary)
    summary["scenario"] = scenario.name
    summary["problems"] = [p.text(x) for x in summary.get("problems", [])]
    summary["anonymised"] = True
    return replace(
        result,
        scenario=scenario,
        summary=summary,
        matches=matches,
        flows=flows,
        companies=companies,
        facilities=facilities,
        network=build_network(scenario, matches),
        candidates=None,
    )
