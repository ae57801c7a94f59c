"""The unit names of an imported task table against the organisation: matching and proposals.

Matching goes from strict to loose: the same name after ``normalise_name`` ("Công An huyện" =
"Công an huyện"); then the same after expanding the usual abbreviations and dropping "các"
("Đài PTTH tỉnh" = "Đài Phát thanh - Truyền hình tỉnh", "UBND huyện, thành phố" = "UBND các
huyện, thành phố"). Several units of one name (a "Công an huyện" in every district) are narrowed
to those inside the plan's issuing body; if still several, the user picks. A name nothing carries
is proposed as a new unit (under the issuing body, its level read from the name) or, when it
names many ("các ...", "UBND các huyện"), as a new group with the issuing body's units of that
level as members; "các đơn vị có liên quan" names nobody and is proposed to be left out.
Nothing is created here; ``engine.plan_import_check`` checks the user's decisions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import plan_pages
from engine.import_results import (
    AMBIGUOUS,
    APPROXIMATE,
    EXACT,
    EXISTING,
    NEW_GROUP,
    NEW_UNIT,
    SKIP,
    UNMATCHED,
    VAGUE,
    Candidate,
    NameDecision,
)
from engine.models import Plan, Unit, UnitGroup
from engine.names import normalise_name, vietnamese_sort_key

REQUIRED = "Trường này là bắt buộc."
NOT_FOUND = "Không tìm thấy đơn vị hoặc nhóm đơn vị."
MAX_NAME = 300
MAX_MEMBERS = 500

_ABBREVIATIONS = (
    (r"\bubnd\b", "ủy ban nhân dân"),
    (r"\bhđnd\b", "hội đồng nhân dân"),
    (r"\bmttq\b", "mặt trận tổ quốc"),
    (r"\bbchqs\b", "bộ chỉ huy quân sự"),
    (r"\btt\s*&\s*tt\b|\btt-tt\b|\btttt\b", "thông tin và truyền thông"),
    (r"\bkh\s*&\s*đt\b|\bkhđt\b", "kế hoạch và đầu tư"),
    (r"\bgd\s*&\s*đt\b|\bgdđt\b", "giáo dục và đào tạo"),
    (r"\bkh\s*&\s*cn\b|\bkhcn\b", "khoa học và công nghệ"),
    (r"\blđ\s*-?\s*tb\s*&\s*xh\b|\blđtbxh\b", "lao động thương binh và xã hội"),
    (r"\bvh\s*,?\s*tt\s*&\s*dl\b|\bvhttdl\b", "văn hóa thể thao và du lịch"),
    (r"\bpt\s*-?\s*th\b|\bptth\b", "phát thanh truyền hình"),
    (r"\bcntt\b", "công nghệ thông tin"),
)
_DROPPED_WORDS = re.compile(r"\b(?:các|những|tất cả)\b")
_LEVEL_WORDS = (
    ("commune", ("xã", "phường", "thị trấn")),
    ("district", ("huyện", "thị xã", "thành phố", "quận")),
    ("department", ("sở", "ban", "ngành", "cơ quan")),
    ("office", ("phòng",)),
    ("party_cell", ("chi bộ",)),
    ("enterprise", ("doanh nghiệp", "công ty")),
)


def loose_key(name: str) -> str:
    """Return a looser matching key: abbreviations expanded, "các" dropped, punctuation ignored."""
    key = normalise_name(name)
    for pattern, expansion in _ABBREVIATIONS:
        key = re.sub(pattern, expansion, key)
    key = _DROPPED_WORDS.sub(" ", key)
    key = re.sub(r"[^\w\s]", " ", key)
    return " ".join(key.split())


def label_key(text: str) -> str:
    """Return the key a typed label is looked up by (spacing and case ignored)."""
    return " ".join(text.split()).casefold()


def is_vague(name: str) -> bool:
    """Tell whether a name points at nobody in particular ("các đơn vị có liên quan")."""
    key = normalise_name(name)
    return key.startswith(("các ", "những ")) and ("liên quan" in key or key in ("các đơn vị", "các cơ quan"))


def is_plural(name: str) -> bool:
    """Tell whether a name stands for many units ("Các Sở, Ban, ngành", "UBND các huyện")."""
    key = f" {normalise_name(name)} "
    return key.startswith((" các ", " những ")) or " các " in key


def guess_level(name: str) -> str:
    """Return the level a new unit's name suggests ("UBND xã ..." a commune); "department" if none."""
    key = normalise_name(name)
    head = key.split(" ", 2)
    if key.startswith(("ubnd ", "ủy ban nhân dân ")):
        rest = key.removeprefix("ubnd ").removeprefix("ủy ban nhân dân ")
        if rest.startswith(("xã ", "phường ", "thị trấn ")):
            return "commune"
        if rest.startswith(("huyện ", "thị xã ", "thành phố ", "quận ")):
            return "district"
        if rest.startswith("tỉnh "):
            return "province"
    if head[0] == "phòng":
        return "office"
    if key.startswith("chi bộ"):
        return "party_cell"
    if any(word in key for word in ("công ty", "doanh nghiệp", "tập đoàn", "viettel", "vnpt", "bưu điện")):
        return "enterprise"
    return "department"


def group_level(name: str) -> str | None:
    """Return the level of the units a group's name lists (the level word written first)."""
    key = f" {loose_key(name)} "
    found: list[tuple[int, str]] = []
    for level, words in _LEVEL_WORDS:
        for word in words:
            position = key.find(f" {word} ")
            if position >= 0:
                found.append((position, level))
    return min(found)[1] if found else None


@dataclass(frozen=True)
class _Unit:
    id: int
    name: str
    parent_id: int | None
    level: str


@dataclass
class Directory:
    """The organisation's units and groups, indexed for matching the names a plan writes."""

    plan: Plan
    units: dict[int, _Unit]
    choices: list[Candidate]
    by_key: dict[str, list[Candidate]] = field(default_factory=dict)
    by_loose: dict[str, list[Candidate]] = field(default_factory=dict)
    by_label: dict[str, Candidate] = field(default_factory=dict)
    by_name: dict[str, list[Candidate]] = field(default_factory=dict)
    inside: set[int] = field(default_factory=set)  # the issuing body and the focal unit, and below

    @classmethod
    def load(cls, session: Session, plan: Plan) -> Directory:
        """Read every unit and group once, with the labels the unit pickers show."""
        units = {
            int(i): _Unit(int(i), str(n), int(p) if p is not None else None, str(lv))
            for i, n, p, lv in session.execute(select(Unit.id, Unit.name, Unit.parent_id, Unit.level))
        }
        choices = [
            Candidate(kind=c.kind, id=c.id, label=c.label) for c in plan_pages.unit_choices(session, None)
        ]
        directory = cls(plan=plan, units=units, choices=choices)
        names = {("unit", u.id): u.name for u in units.values()}
        names.update(
            {("group", int(i)): str(n) for i, n in session.execute(select(UnitGroup.id, UnitGroup.name))}
        )
        for choice in choices:
            name = names[(choice.kind, choice.id)]
            directory.by_key.setdefault(normalise_name(name), []).append(choice)
            directory.by_loose.setdefault(loose_key(name), []).append(choice)
            directory.by_label[label_key(choice.label)] = choice
            directory.by_name.setdefault(label_key(name), []).append(choice)
        children: dict[int | None, list[int]] = {}
        for unit in units.values():
            children.setdefault(unit.parent_id, []).append(unit.id)
        frontier = [plan.issuing_unit_id, plan.focal_unit_id]
        while frontier:
            current = frontier.pop()
            if current not in directory.inside:
                directory.inside.add(current)
                frontier.extend(children.get(current, []))
        return directory

    def is_known(self, name: str) -> bool:
        """Tell whether some unit or group carries this name (strictly or loosely)."""
        return normalise_name(name) in self.by_key or loose_key(name) in self.by_loose

    def label_of(self, kind: str, item_id: int) -> str:
        """Return the picker label of a unit or group."""
        return next((c.label for c in self.choices if c.kind == kind and c.id == item_id), "")

    def match(self, name: str) -> tuple[str, tuple[Candidate, ...]]:
        """Return how ``name`` matches (``EXACT``...) and the candidates, best first."""
        if is_vague(name):
            return VAGUE, ()
        for status, found in (
            (EXACT, self.by_key.get(normalise_name(name), [])),
            (APPROXIMATE, self.by_loose.get(loose_key(name), [])),
        ):
            if not found:
                continue
            groups = [c for c in found if c.kind == "group"]
            if len(found) == 1 or len(groups) == 1:
                return status, tuple(groups or found)
            near = [c for c in found if c.kind == "unit" and c.id in self.inside]
            if len(near) == 1:
                return status, (near[0], *(c for c in found if c != near[0]))
            return AMBIGUOUS, tuple(sorted(found, key=lambda c: vietnamese_sort_key(c.label)))
        return UNMATCHED, ()

    def propose(self, name: str) -> NameDecision:
        """Return the decision the preview starts from for a name found in the table."""
        status, candidates = self.match(name)
        if status in (EXACT, APPROXIMATE):
            return NameDecision(name=name, action=EXISTING, target=candidates[0].label)
        if status == AMBIGUOUS:
            return NameDecision(name=name, action=EXISTING)
        if status == VAGUE:
            return NameDecision(name=name, action=SKIP)
        issuer = self.label_of("unit", self.plan.issuing_unit_id)
        if is_plural(name):
            return NameDecision(name=name, action=NEW_GROUP, new_name=name, members=self._members_for(name))
        return NameDecision(name=name, action=NEW_UNIT, new_name=name, level=guess_level(name), parent=issuer)

    def _members_for(self, name: str) -> str:
        level = group_level(name)
        if level is None:
            return ""
        issuer = self.plan.issuing_unit_id
        members = [
            u for u in self.units.values() if u.level == level and u.id in self.inside and u.id != issuer
        ]
        members.sort(key=lambda u: vietnamese_sort_key(u.name))
        return "\n".join(self.label_of("unit", u.id) for u in members[:MAX_MEMBERS])

    def resolve(self, text: str, *, units_only: bool = False) -> Candidate | str:
        """Return the unit or group a typed label names, or the message saying why none."""
        key = label_key(text)
        if not key:
            return "Hãy chọn đơn vị hoặc nhóm đơn vị."
        found = self.by_label.get(key)
        if found is None:
            named = self.by_name.get(key) or self.by_key.get(normalise_name(text), [])
            if units_only:
                named = [c for c in named if c.kind == "unit"]
            if not named and " — " in text:  # "Name — Parent", typed although the name is unique
                name, _dash, parent = text.rpartition(" — ")
                named = [
                    c
                    for c in self.by_key.get(normalise_name(name), [])
                    if c.kind == "unit"
                    and (unit := self.units.get(c.id)) is not None
                    and unit.parent_id in self.units
                    and normalise_name(self.units[unit.parent_id].name) == normalise_name(parent)
                ]
            if len(named) > 1:
                return "Có nhiều đơn vị cùng tên; hãy chọn một dòng trong danh sách gợi ý."
            found = named[0] if named else None
        if found is None or (units_only and found.kind != "unit"):
            return "Không tìm thấy đơn vị." if units_only else NOT_FOUND
        return found
