"""Unit cells of a task table: which units a cell names, each with its scope note (pure).

A cell names several units separated by ";", "-" / "+" bullets or line breaks. Within a part,
commas (and "và") separate units only where a new name begins ("Công an tỉnh, Sở Tài chính"),
not inside a group's name ("Các Sở, Ban, ngành", "UBND huyện, thành phố", "Sở Văn hóa, Thể
thao và Du lịch"); names the organisation already knows are preferred over that rule. A line
that only wraps the one before it (it starts in lower case, or the line before ends with ",")
is joined to it. A parenthesised text after a name is its scope note ("Công an tỉnh (nội dung
liên quan đến an ninh mạng)"), unless it is an abbreviation that belongs to the name
("Internet (ISP)").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from engine.import_results import NamedUnit
from engine.names import normalise_name

_BULLET: Final = re.compile(r"^[-+•*·–—]\s*")
_PLACEHOLDER: Final = re.compile(r"\x00(\d+)\x00")
_AND: Final = re.compile(r"\s+và\s+")

# Words that begin a unit's name: a comma before them starts a new unit (case as written).
_UNIT_STARTS: Final = (
    "UBND",
    "Ủy ban",
    "Uỷ ban",
    "HĐND",
    "Hội đồng",
    "Sở",
    "Công an",
    "Bộ",
    "Ban",
    "Đài",
    "Báo",
    "Phòng",
    "Văn phòng",
    "Trung tâm",
    "Chi cục",
    "Cục",
    "Tổng cục",
    "Tỉnh ủy",
    "Tỉnh uỷ",
    "Huyện ủy",
    "Thành ủy",
    "Đảng ủy",
    "Tỉnh đoàn",
    "Huyện đoàn",
    "Hội",
    "Mặt trận",
    "Liên đoàn",
    "Liên minh",
    "Viện",
    "Trường",
    "Chi bộ",
    "Kho bạc",
    "Bảo hiểm",
    "Ngân hàng",
    "Công ty",
    "Tổng công ty",
    "Tập đoàn",
    "Bưu điện",
    "Viettel",
    "VNPT",
    "Đội",
    "Tổ",
    "Chủ quản",
    "Thanh tra",
    "Tòa án",
    "Viện kiểm sát",
    "Chi nhánh",
    "Hải quan",
    "Bộ Chỉ huy",
    "Bộ đội",
    "Thường trực",
    "Doanh nghiệp",
    "Các",
    "các",
    "Những",
    "những",
)
# Words that continue a group's name after a comma ("Các Sở, Ban, ngành"; "UBND các huyện, thị xã").
_GROUP_WORDS: Final = (
    "ban",
    "ngành",
    "cơ quan",
    "đơn vị",
    "địa phương",
    "huyện",
    "thành phố",
    "thị xã",
    "thị trấn",
    "xã",
    "phường",
    "đoàn thể",
    "tổ chức",
    "doanh nghiệp",
    "hội",
    "sở",
)


def clean(text: str) -> str:
    """Return a cell's text in NFC with one space between words and no empty lines."""
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\t", " ")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def format_units(units: Sequence[NamedUnit]) -> str:
    """Write units one per line, each scope note in parentheses after its name."""
    return "\n".join(f"{u.name} ({u.scope_note})" if u.scope_note else u.name for u in units)


def parse_unit_lines(text: str) -> tuple[NamedUnit, ...]:
    """Read units written one per line (or separated by ";"), as the preview shows them."""
    masked, notes = _mask(clean(text))
    found: list[NamedUnit] = []
    for line in masked.split("\n"):
        for part in _BULLET.sub("", line.strip()).split(";"):
            unit = _named(part, notes)
            if unit is not None:
                found.append(unit)
    return tuple(_unique(found))


def split_units(text: str, is_known: Callable[[str], bool] = lambda _name: False) -> tuple[NamedUnit, ...]:
    """Split a unit cell into the units it names, each with its scope note (module docstring)."""
    masked, notes = _mask(clean(text))
    found: list[NamedUnit] = []
    for line in _lines(masked):
        for part in line.split(";"):
            part = part.strip(" .,:;")
            part = re.sub(r"^và\s+", "", part)
            if part:
                found.extend(_segment(_atoms(part), notes, is_known))
    return tuple(_unique(found))


def _unique(units: Sequence[NamedUnit]) -> list[NamedUnit]:
    seen: set[tuple[str, str]] = set()
    kept = []
    for unit in units:
        key = (normalise_name(unit.name), unit.scope_note)
        if key not in seen:
            seen.add(key)
            kept.append(unit)
    return kept


def _mask(text: str) -> tuple[str, list[str]]:
    """Replace top-level parenthesised parts by placeholders, so separators inside them are kept."""
    notes: list[str] = []
    out: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text.replace("\x00", ""):
        if char == "(":
            if depth:
                current.append(char)
            depth += 1
        elif char == ")" and depth:
            depth -= 1
            if depth:
                current.append(char)
            else:
                out.append(f"\x00{len(notes)}\x00")
                notes.append(" ".join("".join(current).split()))
                current = []
        elif depth:
            current.append(char)
        else:
            out.append(char)
    if depth:  # unbalanced: keep the text as written
        out.append("(" + "".join(current))
    return "".join(out), notes


def _restore(text: str, notes: Sequence[str]) -> str:
    return _PLACEHOLDER.sub(lambda m: f"({notes[int(m.group(1))]})", text)


def _lines(masked: str) -> list[str]:
    """Split a cell into lines, joining a line that only wraps the one before it."""
    lines: list[str] = []
    for raw in masked.split("\n"):
        line = raw.strip()
        if not line:
            continue
        bullet = _BULLET.match(line)
        text = line[bullet.end() :] if bullet else line
        if not text:
            continue
        wraps = (
            lines
            and not bullet
            and (
                lines[-1].endswith((",", "-", " và"))
                or (text[0].islower() and not text.startswith(("các ", "những ")))
            )
        )
        if wraps:
            lines[-1] = f"{lines[-1]} {text}"
        else:
            lines.append(text)
    return lines


@dataclass(frozen=True)
class _Atom:
    text: str
    joiner: str  # how it joins the atom before it: ", " or " và "


def _atoms(part: str) -> list[_Atom]:
    atoms: list[_Atom] = []
    for piece in part.split(","):
        for index, sub in enumerate(_AND.split(piece)):
            text = sub.strip()
            if text:
                joiner = (" và " if index else ", ") if atoms else ""
                atoms.append(_Atom(text, joiner))
    return atoms


def _note_of(atom: _Atom, notes: Sequence[str]) -> tuple[str, str]:
    """Split an atom into its name and trailing scope note (abbreviations stay in the name)."""
    match = re.search(r"\s*\x00(\d+)\x00\s*$", atom.text)
    if match is None:
        return _restore(atom.text, notes), ""
    note = notes[int(match.group(1))]
    name = atom.text[: match.start()]
    if _is_abbreviation(note) or not name.strip():
        return _restore(atom.text, notes), ""
    return _restore(name, notes).strip(), note


def _is_abbreviation(note: str) -> bool:
    compact = note.strip()
    return (
        0 < len(compact) <= 12
        and " " not in compact
        and sum(1 for c in compact if c.isupper()) >= 2
        and not any(c.islower() for c in compact[1:2])
    )


def _starts_unit(text: str) -> bool:
    if any(text == w or text.startswith(w + " ") for w in _UNIT_STARTS):
        return True
    first = text.split(" ", 1)[0]
    letters = [c for c in first if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)  # an abbreviation: "UBND", "VNPT"


def _continues_group(text: str) -> bool:
    lowered = text.casefold()
    return any(lowered == w or lowered.startswith(w + " ") for w in _GROUP_WORDS)


def _is_plural(text: str) -> bool:
    lowered = f" {text.casefold()} "
    return lowered.startswith((" các ", " những ")) or " các " in lowered


def _segment(
    atoms: Sequence[_Atom], notes: Sequence[str], is_known: Callable[[str], bool]
) -> list[NamedUnit]:
    """Group atoms into units: where names begin, preferring names the organisation knows."""
    count = len(atoms)
    if not count:
        return []
    has_note = [_note_of(a, notes)[1] != "" for a in atoms]
    boundary = [True] * (count + 1)
    plural = False
    for index, atom in enumerate(atoms):
        if index == 0:
            plural = _is_plural(atom.text)
            continue
        starts = _starts_unit(atom.text) and not (plural and _continues_group(atom.text))
        boundary[index] = has_note[index - 1] or starts
        if boundary[index]:
            plural = _is_plural(atom.text)

    def name_of(first: int, last: int) -> tuple[str, str]:
        text = atoms[first].text + "".join(a.joiner + a.text for a in atoms[first + 1 : last])
        return _note_of(_Atom(text, ""), notes)

    # best[i]: (unknown units, misaligned cuts, units) for atoms[i:], and where the first unit ends.
    best: list[tuple[tuple[int, int, int], int]] = [((0, 0, 0), count)] * (count + 1)
    for first in range(count - 1, -1, -1):
        choice: tuple[tuple[int, int, int], int] | None = None
        for last in range(first + 1, count + 1):
            if any(has_note[first : last - 1]):
                break  # a scope note closes a unit
            name, _note = name_of(first, last)
            aligned = boundary[first] and boundary[last] and not any(boundary[first + 1 : last])
            known = is_known(name)
            if not known and not aligned and last - first > 1:
                continue
            rest = best[last][0]
            cost = (rest[0] + (0 if known else 1), rest[1] + (0 if known or aligned else 1), rest[2] + 1)
            if choice is None or cost < choice[0]:
                choice = (cost, last)
        best[first] = choice if choice is not None else ((count, count, count), first + 1)
    units: list[NamedUnit] = []
    first = 0
    while first < count:
        last = best[first][1]
        name, note = name_of(first, last)
        name = name.strip(" .,:;-")
        if name:
            units.append(NamedUnit(name=name, scope_note=note))
        first = last
    return units


def _named(part: str, notes: Sequence[str]) -> NamedUnit | None:
    text = part.strip(" .,:;")
    if not text:
        return None
    name, note = _note_of(_Atom(text, ""), notes)
    name = " ".join(name.split()).strip(" .,:;-")
    return NamedUnit(name=name, scope_note=note) if name else None
