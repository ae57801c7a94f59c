"""Frozen results of the form-definition door methods: summaries, sources, versions, previews, diffs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from forms import FormDefinition

#: ``FormSummary.source``/``FormSource.source``: the definition tasks use comes from a stored
#: version (edited by an administrator) or from the file shipped in ``forms/definitions``.
STORED = "stored"
SHIPPED = "shipped"


@dataclass(frozen=True)
class FormVersionInfo:
    """One stored version of a form definition.

    ``is_new`` is false when saving found the same text as the newest version (nothing stored).
    """

    key: str
    version: int
    checksum: str
    created_at: datetime
    created_by_name: str | None
    is_new: bool = True


@dataclass(frozen=True)
class FormSummary:
    """A form key as the list of forms shows it.

    ``latest_version`` is ``None`` when only the shipped file exists; ``source`` says which one
    tasks use now (``"stored"`` or ``"shipped"``); ``has_shipped_file`` whether a shipped file
    exists under the key. ``problem`` holds the reason when the definition in use cannot be read.
    """

    key: str
    title: str
    title_en: str
    latest_version: int | None
    version_count: int
    updated_at: datetime | None
    updated_by_name: str | None
    source: str
    has_shipped_file: bool
    problem: str | None = None


@dataclass(frozen=True)
class FormSource:
    """The YAML text of one version of a form, and every stored version.

    ``version`` is the stored version shown, or 0 for the shipped file asked for explicitly, or
    ``None`` for the shipped file of a form without stored versions. ``versions`` are newest
    first; ``latest_version`` is the newest stored one (``None`` if none); ``has_shipped_file``
    tells whether a shipped file exists under the key.
    """

    key: str
    version: int | None
    text: str
    source: str
    versions: tuple[FormVersionInfo, ...]
    latest_version: int | None
    has_shipped_file: bool = False

    @property
    def is_latest(self) -> bool:
        """Tell whether this text is the definition tasks use now."""
        return self.version == self.latest_version


@dataclass(frozen=True)
class FormPreview:
    """A checked definition text: the form as tasks would show it, or why it cannot be used.

    ``errors`` are Vietnamese messages (English in parentheses), each starting with its line
    (``"Dòng 12: ..."``) where the problem has one.
    """

    definition: FormDefinition | None
    errors: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Tell whether the text is a usable definition."""
        return self.definition is not None and not self.errors


@dataclass(frozen=True)
class FieldChange:
    """A top-level field whose description differs between two versions; ``aspects`` name what differs.

    Aspects: ``label``, ``label_en``, ``widget``, ``required``, ``type``, ``choices``, ``help``,
    ``columns`` (a table's columns), ``hints`` (other layout hints), ``schema`` (the field's
    JSON Schema other than its title and description: constraints such as ``maxLength``),
    ``position`` (its place in the form).
    """

    name: str
    label: str
    aspects: tuple[str, ...]


@dataclass(frozen=True)
class FormDiff:
    """What changed between two versions of a form, by field name (version 0: the shipped file)."""

    key: str
    old_version: int
    new_version: int
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[FieldChange, ...]
    title_changed: bool

    @property
    def is_empty(self) -> bool:
        """Tell whether the two versions describe the same fields and title."""
        return not (self.added or self.removed or self.changed or self.title_changed)
