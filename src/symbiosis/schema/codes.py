"""The standard codes of the register columns: NACE Rev. 2 on companies, the European List of Waste on streams.

Both lists ship with the package (``symbiosis/data``, sources and licences in its
README) and are read once. A code is kept as the analyst wrote it; ``nace_code`` and
``ewc_entry`` read it:

- NACE Rev. 2: a section letter (``C``), a division (``10``), a group (``10.7``) or a
  class (``10.71``), with or without its section letter in front (``C10.71``,
  ``C 10.71``). ``nace_path`` gives the code's line from its section down, so that a
  coefficient of the table ``estimate`` uses applies by its longest prefix.
- List of Waste (Decision 2000/532/EC as amended by 2014/955/EU): a six-digit entry,
  ``15 01 01`` or ``150101``; a trailing ``*`` marks a hazardous entry.

``nace_problem`` and ``ewc_problem`` say what is wrong with a code (one that does not
exist, with the nearest one; a ``*`` on an entry that is not hazardous), and
``ewc_prefix_problem`` what is wrong with a permit's code or chapter prefix; the record
models call them as field validators, so that a bad code is named with the row's other
problems. ``code_warnings`` gives the legal but suspect uses (a hazardous entry written without its ``*``; ``ewc`` on a
stream whose resource is not a material; ``legal_status`` without ``ewc``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from symbiosis.errors import InputWarning

Origin = Mapping[str, tuple[str, Sequence[int | None]]]

_NACE = re.compile(r"^(?:([A-Ua-u])\s*)?(\d{2}(?:\.\d{1,2})?)?$")
_EWC = re.compile(r"^(\d{2})[ .]?(\d{2})[ .]?(\d{2})\s*(\*?)$")
_EWC_PREFIX = re.compile(r"^(\d{2})(?:[ .]?(\d{2}))?$")


@dataclass(frozen=True)
class NaceItem:
    """One item of NACE Rev. 2."""

    code: str
    level: str  # section, division, group or class
    parent: str
    section: str
    description: str


@dataclass(frozen=True)
class WasteEntry:
    """One six-digit entry of the List of Waste."""

    code: str  # "15 01 10*" for a hazardous entry, "15 01 01" otherwise
    hazardous: bool
    entry_type: str  # absolute or mirror
    description: str

    @property
    def digits(self) -> str:
        return self.code[:8]


def _data(name: str) -> list[dict[str, str]]:
    text = resources.files("symbiosis").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@cache
def nace_items() -> dict[str, NaceItem]:
    """Every item of NACE Rev. 2 by code (21 sections, 88 divisions, 272 groups, 615 classes)."""
    return {r["code"]: NaceItem(r["code"], r["level"], r["parent"], r["section"], r["description"]) for r in _data("nace_rev2.csv")}


@cache
def waste_entries() -> dict[str, WasteEntry]:
    """Every entry of the List of Waste by its six digits written ``15 01 10`` (without the ``*``)."""
    out = {}
    for r in _data("list_of_waste.csv"):
        entry = WasteEntry(r["code"], r["hazardous"] == "yes", r["entry_type"], r["description"])
        out[entry.digits] = entry
    return out


@cache
def waste_headings() -> dict[str, str]:
    """The chapters (``15``) and sub-chapters (``15 01``) of the List of Waste with their titles."""
    return {r["code"]: r["title"] for r in _data("list_of_waste_headings.csv")}


# --------------------------------------------------------------------------- NACE


def nace_code(text: str) -> str | None:
    """The NACE Rev. 2 code a cell names (``C10.71`` -> ``10.71``, ``c`` -> ``C``), or None when it names none."""
    m = _NACE.match(text.strip())
    if m is None or not (m.group(1) or m.group(2)):
        return None
    letter, number = m.group(1), m.group(2)
    items = nace_items()
    if number is None:
        return letter.upper() if letter.upper() in items else None
    item = items.get(number)
    if item is None or (letter is not None and item.section != letter.upper()):
        return None
    return number


def nace_path(code: str) -> tuple[str, ...]:
    """The line of a valid code from its section down: ``10.71`` -> (``C``, ``10``, ``10.7``, ``10.71``)."""
    items = nace_items()
    line = [code]
    while items[line[-1]].parent:
        line.append(items[line[-1]].parent)
    return tuple(reversed(line))


def nace_problem(text: str) -> str | None:
    """Why a cell is not a NACE Rev. 2 code, naming the nearest one; None when it is one."""
    if nace_code(text) is not None:
        return None
    shown = text.strip()
    m = _NACE.match(shown)
    items = nace_items()
    if m is None or not (m.group(1) or m.group(2)):
        near = _nearest_nace_text(shown)
        return (
            f"'{shown}' is not a NACE Rev. 2 code (a section letter A-U, a division '10', a group '10.7' or a class '10.71', "
            f"optionally after its section letter: 'C10.71'){near}"
        )
    letter, number = m.group(1), m.group(2)
    if number is None:
        return f"'{shown}' is not a NACE Rev. 2 section (A to U)"
    item = items.get(number)
    if item is not None and letter is not None:
        return f"'{shown}': {number} ({item.description}) is in section {item.section}, not {letter.upper()}"
    return f"'{shown}' is not a NACE Rev. 2 code; the nearest is {_describe_nace(_nearest_nace(number))}"


def _describe_nace(code: str) -> str:
    item = nace_items()[code]
    return f"{code} ({item.description})"


def _nearest_nace(number: str) -> str:
    """The nearest code of the same level: under the deepest ancestor that exists, by numeric distance."""
    items = nace_items()
    digits = number.replace(".", "")
    level = {2: "division", 3: "group", 4: "class"}.get(len(digits), "class")
    candidates = [c for c, it in items.items() if it.level == level]
    for cut in range(len(digits) - 1, 1, -1):
        ancestor = digits[:2] + ("." + digits[2:cut] if cut > 2 else "")
        under = [c for c in candidates if c.replace(".", "").startswith(ancestor.replace(".", ""))]
        if ancestor in items and under:
            candidates = under
            break
    value = int(digits.ljust(4, "0"))
    return min(candidates, key=lambda c: (abs(int(c.replace(".", "").ljust(4, "0")) - value), c))


def _nearest_nace_text(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    if len(digits) >= 2:
        four = digits[:4]
        number = four[:2] + ("." + four[2:] if len(four) > 2 else "")
        return f"; the nearest is {_describe_nace(_nearest_nace(number))}"
    return ""


# --------------------------------------------------------------------------- List of Waste


def ewc_entry(text: str) -> WasteEntry | None:
    """The List of Waste entry a cell names (its six digits; the ``*`` is checked by ``ewc_problem``), or None."""
    m = _EWC.match(text.strip())
    if m is None:
        return None
    return waste_entries().get(f"{m.group(1)} {m.group(2)} {m.group(3)}")


def ewc_problem(text: str) -> str | None:
    """Why a cell is not an entry of the List of Waste (with the nearest entry); None when it is one."""
    shown = text.strip()
    m = _EWC.match(shown)
    if m is None:
        digits = re.sub(r"\D", "", shown)
        near = f"; the nearest is {_describe_ewc(_nearest_ewc(digits[:6].ljust(6, '0')))}" if len(digits) >= 2 else ""
        return f"'{shown}' is not an EWC code (six digits of the List of Waste, '15 01 01' or '150101', with a trailing '*' for a hazardous entry){near}"
    digits = f"{m.group(1)} {m.group(2)} {m.group(3)}"
    entry = waste_entries().get(digits)
    if entry is None:
        return f"'{shown}' is not an entry of the List of Waste (2014/955/EU); the nearest is {_describe_ewc(_nearest_ewc(digits.replace(' ', '')))}"
    if m.group(4) and not entry.hazardous:
        return f"'{shown}': {digits} ({entry.description}) is not a hazardous entry; remove the '*'"
    return None


def _describe_ewc(entry: WasteEntry) -> str:
    sub = waste_headings().get(entry.digits[:5], "")
    return f"{entry.code} ({entry.description}" + (f"; in {entry.digits[:5]}: {sub})" if sub else ")")


def _nearest_ewc(digits: str) -> WasteEntry:
    """The entry nearest to six digits: within the sub-chapter, else the chapter, else the list, by numeric distance."""
    entries = list(waste_entries().values())
    for width in (4, 2):
        under = [e for e in entries if e.digits.replace(" ", "").startswith(digits[:width])]
        if under:
            entries = under
            break
    value = int(digits)
    return min(entries, key=lambda e: (abs(int(e.digits.replace(" ", "")) - value), e.digits))


def ewc_prefix(text: str) -> str | None:
    """What a permit's ``ewc`` cell covers, as the start of an entry's code: ``15`` (a chapter), ``15 01``
    (a sub-chapter) or ``15 01 01`` (one entry); None when the cell names none of the list's."""
    shown = text.strip()
    entry = _EWC.match(shown)
    if entry is not None:
        found = ewc_entry(shown)
        return None if found is None else found.digits
    m = _EWC_PREFIX.match(shown)
    if m is None:
        return None
    code = m.group(1) if m.group(2) is None else f"{m.group(1)} {m.group(2)}"
    return code if code in waste_headings() else None


def ewc_prefix_problem(text: str) -> str | None:
    """Why a permit's ``ewc`` cell names no entry, sub-chapter or chapter of the List of Waste; None when it does."""
    shown = text.strip()
    if _EWC.match(shown) is not None:
        return ewc_problem(shown)
    if ewc_prefix(shown) is not None:
        return None
    m = _EWC_PREFIX.match(shown)
    if m is None:
        return (
            f"'{shown}' is not an EWC code or prefix (an entry '15 01 01', a sub-chapter '15 01' or a chapter '15' of the List of Waste)"
        )
    code = m.group(1) if m.group(2) is None else f"{m.group(1)} {m.group(2)}"
    level = "chapter" if m.group(2) is None else "sub-chapter"
    near = sorted(h for h in waste_headings() if len(h) == len(code))
    near = [h for h in near if h[:2] == code[:2]] or near  # a sub-chapter of the same chapter first
    nearest = min(near, key=lambda h: (abs(int(h.replace(" ", "")) - int(code.replace(" ", ""))), h)) if near else ""
    hint = f"; the nearest is {nearest} ({waste_headings()[nearest]})" if nearest else ""
    return f"'{shown}': the List of Waste has no {level} {code}{hint}"


def covers(prefix: str, entry_digits: str) -> bool:
    """True when a permit's prefix (``ewc_prefix``) covers an entry (``15 01 01``)."""
    return entry_digits.startswith(prefix)


# --------------------------------------------------------------------------- scenario checks


def code_warnings(tables: Mapping[str, Sequence[Any]], origin: Origin) -> list[InputWarning]:
    """Legal but suspect uses of the codes and of ``legal_status`` (see the module docstring)."""
    out: list[InputWarning] = []
    families = {r.id: r.family.value for r in tables["resources"]}
    sfile, srows = origin["streams"]
    for i, s in enumerate(tables["streams"]):
        if s.ewc is None:
            if s.legal_status is not None:
                out.append(InputWarning(sfile, srows[i], "legal_status", "applies to a stream with an ewc code; without one it is ignored"))
            continue
        entry = ewc_entry(s.ewc)
        if entry is not None and entry.hazardous and not s.ewc.strip().endswith("*"):
            out.append(InputWarning(sfile, srows[i], "ewc", f"{entry.digits} ({entry.description}) is a hazardous entry: write it '{entry.code}'"))
        family = families.get(s.resource)
        if family is not None and family != "material":
            out.append(InputWarning(sfile, srows[i], "ewc", f"an EWC code belongs on a material stream; resource '{s.resource}' is {family}"))
    return out
