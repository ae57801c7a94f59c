"""Checking the user's corrected import draft against the organisation, without changing anything.

``complete`` adds a proposed decision for each unit name of the rows that has none; ``check``
resolves every decision (an existing unit or group by its label, a new unit under a parent the
actor may use, a new group with its members, a name left out), reads every row kept, and lists
the errors by field. What it returns says exactly what saving would create.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from engine.import_results import (
    ACTIONS,
    EXISTING,
    MODES,
    NEW_GROUP,
    NEW_UNIT,
    SKIP,
    Candidate,
    ImportDraft,
    NameDecision,
    NameMatch,
    RowReading,
)
from engine.names import normalise_name
from engine.organisation import LEVELS
from engine.plan_import_cells import parse_unit_lines
from engine.plan_import_units import MAX_MEMBERS, MAX_NAME, REQUIRED, Directory, label_key
from engine.timeframes import parse_timeframe


@dataclass(frozen=True)
class NewUnit:
    """A unit the import would create."""

    name: str
    level: str
    parent_id: int


@dataclass(frozen=True)
class NewGroup:
    """A unit group the import would create; members are unit ids or indexes of new units."""

    name: str
    unit_ids: tuple[int, ...]
    new_unit_indexes: tuple[int, ...]


# What a name stands for once checked: ("unit", id), ("group", id), ("new_unit", index),
# ("new_group", index) or ("skip", 0).
Target = tuple[str, int]


@dataclass
class Checked:
    """The draft as checked: what each name stands for, what would be created, and the errors."""

    targets: dict[str, Target] = field(default_factory=dict)
    new_units: list[NewUnit] = field(default_factory=list)
    new_groups: list[NewGroup] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)
    readings: list[list[RowReading]] = field(default_factory=list)
    matches: list[NameMatch] = field(default_factory=list)

    def add(self, key: str, message: str) -> None:
        """Record an error for a field, once."""
        messages = self.errors.setdefault(key, [])
        if message not in messages:
            messages.append(message)


def used_names(draft: ImportDraft) -> dict[str, tuple[str, int]]:
    """Map the key of each unit name in the rows kept to its first spelling and its count of uses."""
    used: dict[str, tuple[str, int]] = {}
    for section in draft.sections:
        for row in section.rows:
            if row.skip:
                continue
            for unit in (*parse_unit_lines(row.lead), *parse_unit_lines(row.coordinating)):
                key = normalise_name(unit.name)
                name, count = used.get(key, (unit.name, 0))
                used[key] = (name, count + 1)
    return used


def complete(
    draft: ImportDraft, directory: Directory, *, existing_only: bool = False
) -> tuple[NameDecision, ...]:
    """Return the draft's decisions plus a proposed one for every name of the rows that has none.

    With ``existing_only``, only names that match an existing unit or group get one (so that
    nothing is created that the user has not seen).
    """
    decisions = list(draft.names)
    decided = {normalise_name(d.name) for d in decisions}
    for key, (name, _count) in used_names(draft).items():
        if key in decided:
            continue
        decision = directory.propose(name)
        if existing_only and not (decision.action == EXISTING and decision.target):
            continue
        decisions.append(decision)
        decided.add(key)
    return tuple(decisions)


def check(
    draft: ImportDraft,
    directory: Directory,
    *,
    may_create_under: Iterable[int] | None,
) -> Checked:
    """Check the user's draft against the organisation without changing anything.

    ``may_create_under``: the units under which the actor may create units (``None``: anywhere).
    Field errors use the preview's names: ``names.<i>.<field>``, ``sections.<s>.rows.<t>.<field>``.
    """
    result = Checked()
    allowed = None if may_create_under is None else set(may_create_under)
    if draft.mode not in MODES:
        result.add("mode", "Hãy chọn cách nhập.")
    used = used_names(draft)
    first_of: dict[str, int] = {}
    for index, decision in enumerate(draft.names):
        first_of.setdefault(normalise_name(decision.name), index)
    members_used = {
        label_key(line)
        for index, decision in enumerate(draft.names)
        if decision.action == NEW_GROUP and normalise_name(decision.name) in used
        for line in decision.members.splitlines()
    }
    new_unit_keys: dict[tuple[str, int], int] = {}
    new_group_keys: dict[str, int] = {}
    pending_groups: list[tuple[int, NameDecision]] = []
    for index, decision in enumerate(draft.names):
        key = normalise_name(decision.name)
        status, candidates = directory.match(decision.name)
        uses = used.get(key, ("", 0))[1]
        result.matches.append(NameMatch(decision.name, status, uses, candidates))
        if first_of.get(key) != index:
            continue  # a repeated decision: the first one counts
        is_member = (
            decision.action == NEW_UNIT and label_key(decision.new_name or decision.name) in members_used
        )
        if not uses and not is_member:
            continue
        where = f"names.{index}"
        if decision.action not in ACTIONS:
            result.add(f"{where}.action", "Hãy chọn cách xử lý tên này.")
        elif decision.action == SKIP:
            result.targets[key] = ("skip", 0)
        elif decision.action == EXISTING:
            found = directory.resolve(decision.target)
            if isinstance(found, str):
                result.add(f"{where}.target", found)
            else:
                result.targets[key] = (found.kind, found.id)
        elif decision.action == NEW_UNIT:
            target = _check_new_unit(decision, where, directory, allowed, result, new_unit_keys)
            if target is not None:
                result.targets[key] = target
        else:
            pending_groups.append((index, decision))
    for index, decision in pending_groups:
        target = _check_new_group(
            decision, f"names.{index}", directory, result, new_unit_keys, new_group_keys
        )
        if target is not None:
            result.targets[normalise_name(decision.name)] = target
    _check_rows(draft, result, first_of)
    return result


def _check_new_unit(
    decision: NameDecision,
    where: str,
    directory: Directory,
    allowed: set[int] | None,
    result: Checked,
    new_unit_keys: dict[tuple[str, int], int],
) -> Target | None:
    name = " ".join(decision.new_name.split())
    ok = True
    if not name:
        result.add(f"{where}.new_name", REQUIRED)
        ok = False
    elif len(name) > MAX_NAME:
        result.add(f"{where}.new_name", f"Tối đa {MAX_NAME} ký tự.")
        ok = False
    if decision.level not in LEVELS:
        result.add(f"{where}.level", "Hãy chọn cấp của đơn vị.")
        ok = False
    parent = directory.resolve(decision.parent, units_only=True)
    if isinstance(parent, str):
        result.add(f"{where}.parent", parent)
        return None
    if allowed is not None and parent.id not in allowed:
        result.add(f"{where}.parent", "Chỉ được tạo đơn vị mới trong cơ quan ban hành hoặc đơn vị đầu mối.")
        ok = False
    if not ok:
        return None
    key = normalise_name(name)
    if any(u.parent_id == parent.id and normalise_name(u.name) == key for u in directory.units.values()):
        result.add(f"{where}.new_name", "Đã có đơn vị cùng tên ở cấp này: hãy chọn “Đơn vị, nhóm có sẵn”.")
        return None
    if (key, parent.id) not in new_unit_keys:
        new_unit_keys[(key, parent.id)] = len(result.new_units)
        result.new_units.append(NewUnit(name=name, level=decision.level, parent_id=parent.id))
    return ("new_unit", new_unit_keys[(key, parent.id)])


def _check_new_group(
    decision: NameDecision,
    where: str,
    directory: Directory,
    result: Checked,
    new_unit_keys: dict[tuple[str, int], int],
    new_group_keys: dict[str, int],
) -> Target | None:
    name = " ".join(decision.new_name.split())
    if not name:
        result.add(f"{where}.new_name", REQUIRED)
        return None
    if len(name) > MAX_NAME:
        result.add(f"{where}.new_name", f"Tối đa {MAX_NAME} ký tự.")
        return None
    key = normalise_name(name)
    if any(c.kind == "group" for c in directory.by_key.get(key, [])):
        result.add(f"{where}.new_name", "Đã có nhóm cùng tên: hãy chọn “Đơn vị, nhóm có sẵn”.")
        return None
    if key in new_group_keys:
        return ("new_group", new_group_keys[key])
    new_by_name = {normalise_name(unit.name): i for i, unit in enumerate(result.new_units)}
    unit_ids: list[int] = []
    new_indexes: list[int] = []
    lines = [line.strip() for line in decision.members.splitlines() if line.strip()]
    for line in lines[:MAX_MEMBERS]:
        found = directory.resolve(line, units_only=True)
        if isinstance(found, Candidate):
            unit_ids.append(found.id)
        elif normalise_name(line) in new_by_name:
            new_indexes.append(new_by_name[normalise_name(line)])
        else:
            result.add(f"{where}.members", f"Không tìm thấy đơn vị “{line}”.")
    if not lines:
        result.add(f"{where}.members", "Cần ít nhất một đơn vị trong nhóm.")
    if f"{where}.members" in result.errors:
        return None
    new_group_keys[key] = len(result.new_groups)
    result.new_groups.append(
        NewGroup(
            name=name,
            unit_ids=tuple(dict.fromkeys(unit_ids)),
            new_unit_indexes=tuple(dict.fromkeys(new_indexes)),
        )
    )
    return ("new_group", new_group_keys[key])


def _check_rows(draft: ImportDraft, result: Checked, first_of: dict[str, int]) -> None:
    if not any(not row.skip for section in draft.sections for row in section.rows):
        result.add("sections", "Không còn dòng nhiệm vụ nào để lưu.")
    for s_index, section in enumerate(draft.sections):
        if len(section.code.strip()) > 20:
            result.add(f"sections.{s_index}.code", "Tối đa 20 ký tự.")
        readings: list[RowReading] = []
        for t_index, row in enumerate(section.rows):
            where = f"sections.{s_index}.rows.{t_index}"
            lead, coordinating = parse_unit_lines(row.lead), parse_unit_lines(row.coordinating)
            readings.append(
                RowReading(lead=lead, coordinating=coordinating, timeframe=parse_timeframe(row.timeframe))
            )
            if row.skip:
                continue
            if not row.content.strip():
                result.add(f"{where}.content", REQUIRED)
            if not row.timeframe.strip():
                result.add(f"{where}.timeframe", REQUIRED)
            kept = 0
            for role, units in (("lead", lead), ("coordinating", coordinating)):
                for unit in units:
                    key = normalise_name(unit.name)
                    target = result.targets.get(key)
                    if target is None and key not in first_of:
                        result.add(
                            f"{where}.{role}",
                            f"Chưa đối chiếu “{unit.name}” với danh sách đơn vị: bấm “Kiểm tra lại”.",
                        )
                    if role == "lead" and (target is None or target[0] != "skip"):
                        kept += 1
            if not kept and not any(f"{where}.lead" == k for k in result.errors):
                result.add(f"{where}.lead", "Cần ít nhất một đơn vị chủ trì.")
        result.readings.append(readings)
