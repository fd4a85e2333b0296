"""The legal route of an exchange of waste (DESIGN.md section 4g): one rule, used by candidates, the checker and explain.

A material supply with an ``ewc`` code is waste in law unless its ``legal_status`` says
``by_product`` or ``end_of_waste``. An exchange of waste needs one of:

- the receiver's permit for the code (``permits.csv``: the entry, its sub-chapter or its
  chapter): no cost, no lead time; the match's route is ``permit``;
- a route from ``waste`` in ``routes.csv`` (a grondstofverklaring, a by-product
  self-assessment, a change of the receiver's permit), the one with the lowest yearly
  cost CRF x ``one_off_eur`` + ``yearly_eur`` (``economics.route_yearly_cost``; ties:
  the shorter lead time, then the route id). Its yearly cost is added to the exchange's
  F_a and its lead time reported.

A hazardous entry (marked ``*`` in the List of Waste) goes only to a receiver whose permit
covers it: no route makes it exchangeable. A stream without ``ewc``, a supply of another
family than ``material``, or a stream that is a by-product or end-of-waste needs nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from symbiosis import economics
from symbiosis.schema import PERMIT, Family, Route, Settings, Stream
from symbiosis.schema.codes import ewc_entry
from symbiosis.schema.programme import PermitIndex


@dataclass(frozen=True)
class LegalRoute:
    """How an exchange is legal: ``route`` is '' (nothing needed), ``permit`` or a route id; ``refused`` says why it cannot be."""

    route: str = ""
    one_off_eur: float = 0.0
    yearly_eur: float = 0.0  # added to F_a: CRF x one_off + yearly
    lead_time_months: float = 0.0
    refused: str | None = None

    @property
    def allowed(self) -> bool:
        return self.refused is None


FREE = LegalRoute()


def waste_routes(routes: Sequence[Route]) -> list[Route]:
    """The routes an exchange of waste may take (from ``waste``)."""
    return [r for r in routes if r.from_legal_status == "waste"]


def cheapest(routes: Sequence[Route], settings: Settings) -> Route | None:
    """The route with the lowest yearly cost (then the shortest lead time, then the id), or None."""
    usable = waste_routes(routes)
    if not usable:
        return None
    return min(usable, key=lambda r: (economics.route_yearly_cost(r.one_off_eur, r.yearly_eur, settings), r.lead_time_months, r.route))


def legal_route(supply: Stream, family: Family, receiver: str, permits: PermitIndex, routes: Sequence[Route], settings: Settings) -> LegalRoute:
    """The route that makes supply -> (a demand of) ``receiver`` legal, or why none does (``LegalRoute.refused``)."""
    if family is not Family.material or supply.status != "waste" or supply.ewc is None:
        return FREE
    entry = ewc_entry(supply.ewc)
    if entry is None:  # the scenario refuses unknown codes; nothing to decide
        return FREE
    if permits.permit_for(receiver, entry.digits) is not None:
        return LegalRoute(PERMIT)
    if entry.hazardous:
        return LegalRoute(refused=f"{supply.id} is hazardous waste {entry.code}, which goes only to a receiver whose permit covers it, and {receiver} has no such permit (permits.csv)")
    best = cheapest(routes, settings)
    if best is None:
        return LegalRoute(
            refused=f"{supply.id} is waste {entry.code} and {receiver} has no permit covering it (permits.csv), nor is there a route from waste (routes.csv)"
        )
    return LegalRoute(best.route, best.one_off_eur, economics.route_yearly_cost(best.one_off_eur, best.yearly_eur, settings), best.lead_time_months)
