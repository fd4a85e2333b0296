"""Which columns of which tables name a company, a stream, a facility or a profile: declared once.

Every use of that fact goes through ``REFERENCES``: ``anonymised`` replaces each of these
values by its pseudonym (so an anonymised scenario names no real id in any table, links
and uncertainty ranges included), ``without`` drops the rows that name a company left
out or one of its streams, ``compare`` sets the same rows aside, and the id columns
refuse invisible characters. A new table (or a new column of an old one) that names
one of these adds its line here, and all of them follow.

A column may name more than one kind of thing (``links.source`` is a supply stream, a
company or a facility); the value tells which, since ids of different kinds are checked
not to clash where a column could name both (``rules``, ``links``).
"""

from __future__ import annotations

from dataclasses import dataclass

COMPANY = "company"
STREAM = "stream"
FACILITY = "facility"
PROFILE = "profile"
KINDS = (COMPANY, STREAM, FACILITY, PROFILE)


@dataclass(frozen=True)
class Reference:
    """A column of a table whose values name things of ``kinds``; ``own`` when it is the table's own id."""

    table: str
    column: str
    kinds: tuple[str, ...]
    own: bool = False


REFERENCES: tuple[Reference, ...] = (
    Reference("companies", "id", (COMPANY,), own=True),
    Reference("streams", "id", (STREAM,), own=True),
    Reference("streams", "company", (COMPANY,)),
    Reference("streams", "profile", (PROFILE,)),
    Reference("profiles", "profile", (PROFILE,), own=True),
    Reference("rules", "source", (COMPANY, STREAM)),
    Reference("rules", "target", (COMPANY, STREAM)),
    Reference("facilities", "id", (FACILITY,), own=True),
    Reference("links", "source", (STREAM, COMPANY, FACILITY)),
    Reference("links", "target", (STREAM, COMPANY)),
    Reference("uncertainty", "stream", (STREAM,)),
    Reference("permits", "company", (COMPANY,)),
    Reference("progress", "source", (COMPANY, STREAM, FACILITY)),
    Reference("progress", "target", (COMPANY, STREAM)),
)

# Text that names a company in words: the column, and the column of the same record
# holding the id it belongs to (anonymised, the name becomes the id's pseudonym).
NAMES: tuple[tuple[str, str, str], ...] = (("companies", "name", "id"),)


def references(table: str) -> tuple[Reference, ...]:
    """The declared columns of ``table``, in order."""
    return tuple(r for r in REFERENCES if r.table == table)


def naming(table: str, *kinds: str) -> tuple[str, ...]:
    """The columns of ``table`` (other than its own id) that may name a thing of one of ``kinds``."""
    return tuple(r.column for r in REFERENCES if r.table == table and not r.own and set(r.kinds) & set(kinds))


# The columns that name one row of each table: two versions of a scenario are compared
# row by row on them (``compare``). Rows of one facility are its size options, told apart
# by capacity.
ROW_KEYS: dict[str, tuple[str, ...]] = {
    "companies": ("id",),
    "resources": ("id",),
    "streams": ("id",),
    "profiles": ("profile", "slot"),
    "substitutions": ("supply_resource", "demand_resource"),
    "rules": ("rule", "source", "target"),
    "facilities": ("id", "capacity"),
    "links": ("source", "target", "resource"),
    "uncertainty": ("stream", "field"),
    "permits": ("company", "ewc"),
    "routes": ("route",),
    "progress": ("source", "target"),
}
