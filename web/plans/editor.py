"""The draft editor's form: what the user typed, the row buttons, and turning it into the engine's input.

The whole task table travels in one form whose field names mirror the engine's error keys
(``sections.0.tasks.1.lead.0``), so every message lands beside its field. Buttons that add,
remove or move rows post the form back with ``op`` set; the page is drawn again from what was
typed, with the change made and nothing saved. Only ``op=save`` calls the engine.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from engine.plan_page_results import PlanDraft, PlanDraftInput, UnitChoice
from engine.plan_results import SectionInput, TargetInput, TaskInput, UnitRef

ROLES = ("lead", "coordinating")
HEADER_FIELDS = (
    "title",
    "year",
    "place",
    "summary",
    "legal_bases",
    "recipients",
    "parent_plan_id",
    "child_plan_deadline",
    "issuing_unit",
    "focal_unit_id",
)
MAX_SECTIONS = 50
MAX_ROWS = 500
MAX_SLOTS = 60
MAX_TARGETS = 100
ROW = re.compile(r"^sections\.(\d+)\.tasks\.(\d+)$")
SECTION = re.compile(r"^sections\.(\d+)$")
ROLE = re.compile(r"^sections\.(\d+)\.tasks\.(\d+)\.(lead|coordinating)$")
TARGET = re.compile(r"^targets\.(\d+)$")
ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)


@dataclass
class Slot:
    """One unit or unit group of a row, as typed (its label) with an optional scope note."""

    text: str = ""
    note: str = ""


@dataclass
class Row:
    """One task row as typed."""

    content: str = ""
    timeframe: str = ""
    expected_result: str = ""
    indicator: str = ""
    lead: list[Slot] = field(default_factory=list)
    coordinating: list[Slot] = field(default_factory=list)

    def is_blank(self) -> bool:
        """Tell whether nothing was typed in the row."""
        texts = (self.content, self.timeframe, self.expected_result, self.indicator)
        return not any(t.strip() for t in texts) and not self.lead and not self.coordinating


@dataclass
class Section:
    """A section (I, II...) and its rows."""

    code: str = ""
    title: str = ""
    rows: list[Row] = field(default_factory=list)


@dataclass
class Target:
    """A quantitative target as typed."""

    description: str = ""
    value: str = ""
    unit: str = ""
    milestone: str = ""

    def is_blank(self) -> bool:
        """Tell whether nothing was typed."""
        return not any(v.strip() for v in (self.description, self.value, self.unit, self.milestone))


@dataclass
class Editor:
    """Everything on the editor page, as strings; ``focus`` names the field to focus after a button."""

    header: dict[str, str] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    focus: str = ""

    def field_names(self) -> set[str]:
        """Return the names of every field the page draws (where an error can be shown)."""
        names = set(HEADER_FIELDS)
        for s_index, section in enumerate(self.sections):
            names.update({f"sections.{s_index}.code", f"sections.{s_index}.title"})
            for t_index, row in enumerate(section.rows):
                prefix = f"sections.{s_index}.tasks.{t_index}"
                names.update(f"{prefix}.{name}" for name in ("content", "timeframe", "expected_result"))
                names.add(f"{prefix}.indicator")
                for role in ROLES:
                    names.add(f"{prefix}.{role}")
                    names.update(f"{prefix}.{role}.{k}" for k in range(len(getattr(row, role)) + 1))
        for index in range(len(self.targets)):
            names.update(f"targets.{index}.{name}" for name in ("description", "value", "unit", "milestone"))
        return names


def blank_editor(*, year: int, issuing_unit: str = "", focal_unit_id: str = "") -> Editor:
    """Return the editor of a new plan: one section with one empty row."""
    header = dict.fromkeys(HEADER_FIELDS, "")
    header.update(year=str(year), issuing_unit=issuing_unit, focal_unit_id=focal_unit_id)
    return Editor(header=header, sections=[Section(code="I", rows=[Row()])])


def from_draft(draft: PlanDraft, labels: Mapping[tuple[str, int], str]) -> Editor:
    """Return the editor of a saved plan, units shown by their labels."""
    content = draft.content
    header = dict.fromkeys(HEADER_FIELDS, "")
    header.update(
        title=content.title,
        year=str(content.year),
        place=content.place,
        summary=content.summary,
        legal_bases="\n".join(content.legal_bases),
        recipients="\n".join(content.recipients),
        parent_plan_id=str(content.parent_plan_id or ""),
        child_plan_deadline=_show_day(content.child_plan_deadline),
    )

    def slots(refs: tuple[UnitRef, ...]) -> list[Slot]:
        result = []
        for ref in refs:
            key = ("unit", ref.unit_id) if ref.unit_id is not None else ("group", ref.group_id or 0)
            result.append(Slot(text=labels.get(key, ""), note=ref.scope_note))
        return result

    sections = [
        Section(
            code=section.code,
            title=section.title,
            rows=[
                Row(
                    content=task.content,
                    timeframe=task.timeframe,
                    expected_result=task.expected_result,
                    indicator=task.indicator,
                    lead=slots(task.lead),
                    coordinating=slots(task.coordinating),
                )
                for task in section.tasks
            ],
        )
        for section in content.sections
    ]
    targets = [
        Target(
            description=t.description,
            value=format_number(t.value),
            unit=t.unit,
            milestone=_show_day(t.milestone),
        )
        for t in content.targets
    ]
    return Editor(header=header, sections=sections or [Section(code="I", rows=[Row()])], targets=targets)


def parse(form: Mapping[str, str]) -> Editor:
    """Read the posted form back into an editor; empty unit boxes are dropped, empty rows kept."""
    header = {name: form.get(name, "") for name in HEADER_FIELDS}
    sections = [
        Section(
            code=form.get(f"sections.{s}.code", ""),
            title=form.get(f"sections.{s}.title", ""),
            rows=[
                _parse_row(form, f"sections.{s}.tasks.{t}") for t in _indices(form, rf"sections\.{s}\.tasks")
            ],
        )
        for s in _indices(form, r"sections")[:MAX_SECTIONS]
    ]
    targets = [
        Target(
            description=form.get(f"targets.{k}.description", ""),
            value=form.get(f"targets.{k}.value", ""),
            unit=form.get(f"targets.{k}.unit", ""),
            milestone=form.get(f"targets.{k}.milestone", ""),
        )
        for k in _indices(form, r"targets")[:MAX_TARGETS]
    ]
    return Editor(header=header, sections=sections, targets=targets)


def _indices(form: Mapping[str, str], prefix: str) -> list[int]:
    pattern = re.compile(rf"^{prefix}\.(\d+)\.")
    found = {int(m.group(1)) for key in form if (m := pattern.match(key))}
    return sorted(found)[:MAX_ROWS]


def _parse_row(form: Mapping[str, str], prefix: str) -> Row:
    row = Row(
        content=form.get(f"{prefix}.content", ""),
        timeframe=form.get(f"{prefix}.timeframe", ""),
        expected_result=form.get(f"{prefix}.expected_result", ""),
        indicator=form.get(f"{prefix}.indicator", ""),
    )
    for role in ROLES:
        # A unit box is "<row>.lead.0" and its note "<row>.lead.0.note".
        pattern = re.compile(rf"^{re.escape(prefix)}\.{role}\.(\d+)(?:\.note)?$")
        indices = sorted({int(m.group(1)) for key in form if (m := pattern.match(key))})[:MAX_SLOTS]
        slots = [
            Slot(
                text=form.get(f"{prefix}.{role}.{k}", "").strip(),
                note=form.get(f"{prefix}.{role}.{k}.note", ""),
            )
            for k in indices
        ]
        setattr(row, role, [slot for slot in slots if slot.text or slot.note.strip()])
    return row


# -- the row buttons ------------------------------------------------------------------------------


def apply(editor: Editor, op: str) -> None:
    """Carry out one button of the editor (add, remove or move a row, a section, a target, a unit)."""
    name, _sep, where = op.partition(":")
    if name == "add_section" and len(editor.sections) < MAX_SECTIONS:
        editor.sections.append(Section(code=roman(len(editor.sections) + 1), rows=[Row()]))
        editor.focus = f"sections.{len(editor.sections) - 1}.title"
    elif name == "add_target" and len(editor.targets) < MAX_TARGETS:
        editor.targets.append(Target())
        editor.focus = f"targets.{len(editor.targets) - 1}.description"
    elif name == "remove_target" and (m := TARGET.match(where)) and int(m.group(1)) < len(editor.targets):
        del editor.targets[int(m.group(1))]
    elif (m := SECTION.match(where)) and int(m.group(1)) < len(editor.sections):
        _section_op(editor, name, int(m.group(1)))
    elif (m := ROW.match(where)) and _has_row(editor, int(m.group(1)), int(m.group(2))):
        _row_op(editor, name, int(m.group(1)), int(m.group(2)))
    elif (
        name == "add_ref" and (m := ROLE.match(where)) and _has_row(editor, int(m.group(1)), int(m.group(2)))
    ):
        s, t, role = int(m.group(1)), int(m.group(2)), m.group(3)
        slots: list[Slot] = getattr(editor.sections[s].rows[t], role)
        if len(slots) < MAX_SLOTS:
            slots.append(Slot())
        editor.focus = f"{where}.{len(slots)}"


def _has_row(editor: Editor, s: int, t: int) -> bool:
    return s < len(editor.sections) and t < len(editor.sections[s].rows)


def _section_op(editor: Editor, name: str, s: int) -> None:
    rows = editor.sections[s].rows
    if name == "add_task" and sum(len(x.rows) for x in editor.sections) < MAX_ROWS:
        rows.append(Row())
        editor.focus = f"sections.{s}.tasks.{len(rows) - 1}.content"
    elif name == "remove_section":
        del editor.sections[s]


def _row_op(editor: Editor, name: str, s: int, t: int) -> None:
    sections = editor.sections
    rows = sections[s].rows
    if name == "remove_task":
        del rows[t]
        return
    if name == "up":
        if t > 0:
            rows[t - 1], rows[t] = rows[t], rows[t - 1]
            s, t = s, t - 1
        elif s > 0:  # the first row of a section moves to the end of the previous one
            sections[s - 1].rows.append(rows.pop(t))
            s, t = s - 1, len(sections[s - 1].rows) - 1
    elif name == "down":
        if t < len(rows) - 1:
            rows[t + 1], rows[t] = rows[t], rows[t + 1]
            t += 1
        elif s < len(sections) - 1:  # the last row moves to the start of the next section
            sections[s + 1].rows.insert(0, rows.pop(t))
            s, t = s + 1, 0
    editor.focus = f"{name}:sections.{s}.tasks.{t}"


# -- to the engine --------------------------------------------------------------------------------


Resolver = Callable[[str], UnitRef | str]


def compact(editor: Editor) -> None:
    """Drop what holds nothing (empty rows, sections and targets) before saving.

    Done on the editor itself, so positions in the engine's answer match the page drawn again.
    """
    for section in editor.sections:
        section.rows = [row for row in section.rows if not row.is_blank()]
    editor.sections = [s for s in editor.sections if s.rows or s.title.strip()]
    editor.targets = [t for t in editor.targets if not t.is_blank()]


def to_input(editor: Editor, resolve: Resolver) -> tuple[PlanDraftInput, dict[str, list[str]]]:
    """Turn the editor into the engine's input; also return the page's own errors by field.

    Units the resolver cannot name go through as an empty reference, so the engine reports them
    at their place; a bad number or date becomes an error here.
    """
    errors: dict[str, list[str]] = {}
    header = editor.header
    year = _parse_int(header.get("year", ""))
    if year is None:
        errors["year"] = [_("Năm không hợp lệ.")]
    parent_id = _parse_int(header.get("parent_plan_id", "")) if header.get("parent_plan_id") else None
    deadline = None
    if header.get("child_plan_deadline", "").strip():
        deadline = parse_day(header["child_plan_deadline"])
        if deadline is None:
            errors["child_plan_deadline"] = [_("Ngày không hợp lệ (dd/mm/yyyy).")]

    def refs(slots: list[Slot], where: str) -> tuple[UnitRef, ...]:
        result = []
        for k, slot in enumerate(slots):
            found = resolve(slot.text)
            if isinstance(found, str):
                errors[f"{where}.{k}"] = [found]
                found = UnitRef()
            result.append(
                UnitRef(unit_id=found.unit_id, group_id=found.group_id, scope_note=slot.note.strip())
            )
        return tuple(result)

    sections = []
    for s_index, section in enumerate(editor.sections):
        code = section.code.strip() or (roman(s_index + 1) if section.title.strip() else "")
        tasks = []
        for t_index, row in enumerate(section.rows):
            where = f"sections.{s_index}.tasks.{t_index}"
            tasks.append(
                TaskInput(
                    content=row.content,
                    timeframe=row.timeframe,
                    lead=refs(row.lead, f"{where}.lead"),
                    coordinating=refs(row.coordinating, f"{where}.coordinating"),
                    expected_result=row.expected_result.strip(),
                    indicator=row.indicator.strip(),
                )
            )
        sections.append(SectionInput(code=code, title=section.title.strip(), tasks=tuple(tasks)))
    targets = []
    for index, target in enumerate(editor.targets):
        value = parse_number(target.value)
        if value is None:
            errors[f"targets.{index}.value"] = [_("Không phải số hợp lệ.")]
        milestone = None
        if target.milestone.strip():
            milestone = parse_day(target.milestone)
            if milestone is None:
                errors[f"targets.{index}.milestone"] = [_("Ngày không hợp lệ (dd/mm/yyyy).")]
        targets.append(
            TargetInput(
                description=target.description,
                value=value if value is not None else Decimal(0),
                unit=target.unit,
                milestone=milestone,
            )
        )
    draft = PlanDraftInput(
        title=header.get("title", ""),
        year=year or 0,
        place=header.get("place", ""),
        summary=header.get("summary", "").strip(),
        legal_bases=_lines(header.get("legal_bases", "")),
        recipients=_lines(header.get("recipients", "")),
        parent_plan_id=parent_id,
        child_plan_deadline=deadline,
        sections=tuple(sections),
        targets=tuple(targets),
    )
    return draft, errors


def resolver(choices: Iterable[UnitChoice], *, units_only: bool = False) -> Resolver:
    """Return a function naming the unit or group behind a typed label (or a bare unique name)."""
    by_label: dict[str, UnitChoice] = {}
    by_name: dict[str, list[UnitChoice]] = {}
    for choice in choices:
        if units_only and choice.kind != "unit":
            continue
        by_label[_key(choice.label)] = choice
        by_name.setdefault(_key(choice.name), []).append(choice)

    def resolve(text: str) -> UnitRef | str:
        key = _key(text)
        found = by_label.get(key)
        if found is None:
            named = by_name.get(key, [])
            if len(named) > 1:
                return str(_("Có nhiều đơn vị cùng tên; hãy chọn một dòng trong danh sách gợi ý."))
            found = named[0] if named else None
        if found is None:
            return str(_("Không tìm thấy đơn vị hoặc nhóm đơn vị."))
        return UnitRef(unit_id=found.id) if found.kind == "unit" else UnitRef(group_id=found.id)

    return resolve


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def _parse_int(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


def parse_day(text: str) -> date | None:
    """Read dd/mm/yyyy (or yyyy-mm-dd, as date pickers send); ``None`` if it is not a date."""
    text = text.strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _show_day(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def parse_number(text: str) -> Decimal | None:
    """Read a number written the Vietnamese way ("1.500.000", "80,5") or plainly ("80.5")."""
    text = text.strip().replace(" ", "").rstrip("%")
    if not text:
        return None
    if "," in text and "." in text:
        text = text.replace(".", "").replace(",", ".")
    elif "," in text:
        text = text.replace(",", ".")
    elif re.fullmatch(r"-?\d{1,3}(\.\d{3})+", text):
        text = text.replace(".", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def format_number(value: Decimal | int | float) -> str:
    """Write a number the Vietnamese way: "1.500.000", "80,5"."""
    number = Decimal(value).normalize()
    sign = "-" if number < 0 else ""
    whole, _dot, fraction = f"{abs(number):f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def roman(number: int) -> str:
    """Write a section number as Roman numerals (I, II, ... XIV)."""
    result = ""
    for value, letters in ROMAN:
        while number >= value:
            result += letters
            number -= value
    return result
