"""Frozen inputs and results for importing a plan's task table from a Word document or a spreadsheet.

The import runs in two steps and saves nothing until the second: the file is read into an
``ImportPreview`` (the rows as found, every unit name matched against the organisation or
proposed as a new unit or group); the user corrects it and sends back an ``ImportDraft``, which
``confirm_task_table_import`` checks again and saves into the draft plan.

Units in a row are written one per line, a scope note in parentheses after the name
("Công an tỉnh (nội dung liên quan đến an ninh mạng)"), the way the preview shows them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.timeframes import Timeframe

# What the user may decide for a unit name found in the table.
EXISTING = "existing"  # an existing unit or unit group (``target`` names it by its label)
NEW_UNIT = "new_unit"  # create a unit (``new_name``, ``level``, ``parent``)
NEW_GROUP = "new_group"  # create a unit group (``new_name``, ``members``: labels, one per line)
SKIP = "skip"  # leave the name out of the rows
ACTIONS = (EXISTING, NEW_UNIT, NEW_GROUP, SKIP)
MODES = ("replace", "append")  # replace the plan's task table, or add the rows after it

# How a name matched the organisation.
EXACT = "exact"  # the same name after normalisation
APPROXIMATE = "approximate"  # the same after expanding abbreviations and dropping "các"
AMBIGUOUS = "ambiguous"  # several units carry the name: the user picks one
UNMATCHED = "unmatched"  # nothing carries it: a new unit or group is proposed
VAGUE = "vague"  # "các đơn vị có liên quan": names nobody in particular, skipped unless decided


@dataclass(frozen=True)
class NamedUnit:
    """A unit or unit group as a table cell names it, with the scope note that follows it."""

    name: str
    scope_note: str = ""


@dataclass(frozen=True)
class ImportRow:
    """One task row as found in the file (or as the user corrected it).

    ``number`` is the STT as written; ``lead`` and ``coordinating`` hold one unit per line;
    ``timeframe`` is kept as written. ``skip`` leaves the row out when saving.
    """

    number: str
    content: str
    lead: str
    coordinating: str
    timeframe: str
    expected_result: str = ""
    indicator: str = ""
    skip: bool = False


@dataclass(frozen=True)
class ImportSection:
    """A group of rows (I, II, ... or a sub-heading such as III.1) with its title."""

    code: str
    title: str
    rows: tuple[ImportRow, ...] = ()


@dataclass(frozen=True)
class NameDecision:
    """What to do with one unit name found in the table (see ``ACTIONS``).

    ``target``, ``parent`` and ``members`` are labels as the unit pickers show them
    (``WorkflowEngine.unit_choices``); a member may also be the name of a unit this import creates.
    """

    name: str
    action: str
    target: str = ""
    new_name: str = ""
    level: str = ""
    parent: str = ""
    members: str = ""


@dataclass(frozen=True)
class ImportDraft:
    """The table the user confirms: sections with rows, a decision per unit name, the mode."""

    filename: str
    sections: tuple[ImportSection, ...]
    names: tuple[NameDecision, ...]
    mode: str = "replace"


@dataclass(frozen=True)
class Candidate:
    """An existing unit or unit group a name may stand for."""

    kind: str  # "unit" or "group"
    id: int
    label: str


@dataclass(frozen=True)
class NameMatch:
    """How one name of the draft matched the organisation (aligned with ``ImportDraft.names``)."""

    name: str
    status: str
    uses: int
    candidates: tuple[Candidate, ...] = ()


@dataclass(frozen=True)
class RowReading:
    """How a row of the draft reads: its units split out, its timeframe parsed."""

    lead: tuple[NamedUnit, ...]
    coordinating: tuple[NamedUnit, ...]
    timeframe: Timeframe


@dataclass(frozen=True)
class ImportPreview:
    """What the preview page shows; nothing of it is saved.

    ``readings`` is aligned with ``draft.sections`` and their rows; ``errors`` maps fields
    (``names.0.target``, ``sections.1.rows.2.lead``...) to messages, empty when the draft may
    be saved as it is.
    """

    plan_id: int
    plan_title: str
    draft: ImportDraft
    matches: tuple[NameMatch, ...]
    readings: tuple[tuple[RowReading, ...], ...]
    columns: tuple[str, ...]
    existing_task_count: int
    levels: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def task_count(self) -> int:
        """Return how many rows would be saved."""
        return sum(1 for s in self.draft.sections for r in s.rows if not r.skip)


@dataclass(frozen=True)
class ImportOutcome:
    """What ``confirm_task_table_import`` saved."""

    plan_id: int
    section_count: int
    task_count: int
    created_units: tuple[str, ...] = ()
    created_groups: tuple[str, ...] = ()
