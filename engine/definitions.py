"""Deployed process definitions (immutable versions keyed by process id) and diagram drafts.

A draft is what an administrator edits in the modeler before deploying: one per process key,
stored as the XML text as given (nothing a foreign tool wrote is dropped), replaced on each
save, deleted when that key is deployed or when the draft is discarded.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

import forms
from engine import audit
from engine.actions import known_actions
from engine.errors import DefinitionProblem, InvalidDefinition, NotFound
from engine.models import DefinitionDraft, ProcessDefinition
from engine.results import Actor, DefinitionInfo
from engine.spiff import ParsedDefinition


def check_references(
    parsed: ParsedDefinition, forms_dir: Path | None, *, stored_forms: Iterable[str] = ()
) -> list[DefinitionProblem]:
    """Refuse a process whose service tasks name unknown actions; return its unknown form keys.

    An unknown form key is no reason to refuse a process (a file from another tool, a form
    still to be written): its tasks show a generic form. The returned problems say which tasks
    name one. Known forms: the shipped files in ``forms_dir`` and ``stored_forms`` (keys saved
    by administrators). A service task without an action does nothing and is not refused either.
    """
    known = set(forms.list_forms(directory=forms_dir)) | set(stored_forms)
    unknown_forms = [
        DefinitionProblem(
            f"Không có biểu mẫu '{key}': bước sẽ hiện biểu mẫu chung "
            "(unknown form key: a generic form is shown)",
            element_id=element,
        )
        for element, key in parsed.form_keys
        if key not in known
    ]
    actions = known_actions()
    problems = [
        DefinitionProblem(
            f"Không có thao tác '{name}'; dùng một trong: {', '.join(sorted(actions))} (unknown action)",
            element_id=element,
        )
        for element, name in parsed.actions
        if name and name not in actions
    ]
    if problems:
        raise InvalidDefinition(
            "Quy trình tham chiếu thao tác chưa có (unknown actions): "
            + ", ".join(str(p.element_id) for p in problems),
            problems,
        )
    return unknown_forms


def store(
    session: Session, parsed: ParsedDefinition, *, filename: str | None, at: datetime, actor: Actor
) -> DefinitionInfo:
    """Store a new version, or return the latest one unchanged when its checksum is the same."""
    latest = latest_version(session, parsed.process_id)
    if latest is not None and latest.checksum == parsed.checksum:
        return to_info(latest, is_new=False)
    row = ProcessDefinition(
        key=parsed.process_id,
        version=(latest.version + 1) if latest else 1,
        name=parsed.name,
        checksum=parsed.checksum,
        bpmn_xml=parsed.xml,
        spec_json=parsed.spec_json,
        serializer_version=parsed.serializer_version,
        deployed_by_id=audit.actor_id_of(actor),
        deployed_at=at,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        at=at,
        actor=actor,
        action="definition.deployed",
        object_type="definition",
        object_id=row.id,
        details={"key": row.key, "version": row.version, "checksum": row.checksum, "filename": filename},
    )
    return to_info(row, is_new=True)


def latest_version(session: Session, key: str) -> ProcessDefinition | None:
    """Return the newest version of a process, if any."""
    return session.scalars(
        select(ProcessDefinition)
        .where(ProcessDefinition.key == key)
        .order_by(ProcessDefinition.version.desc())
        .limit(1)
    ).first()


def find(session: Session, key: str, version: int | None) -> ProcessDefinition:
    """Return the given version of a process, or its newest; raise ``NotFound``."""
    if version is None:
        row = latest_version(session, key)
    else:
        row = session.scalars(
            select(ProcessDefinition).where(
                ProcessDefinition.key == key, ProcessDefinition.version == version
            )
        ).first()
    if row is None:
        raise NotFound(f"Chưa triển khai quy trình '{key}' (process not deployed)")
    return row


def list_versions(session: Session, key: str | None) -> list[DefinitionInfo]:
    """List deployed versions, by key and newest first."""
    query = select(ProcessDefinition).order_by(ProcessDefinition.key, ProcessDefinition.version.desc())
    if key is not None:
        query = query.where(ProcessDefinition.key == key)
    return [to_info(row) for row in session.scalars(query)]


def version_of(session: Session, definition_id: int) -> int:
    """Return the version number of a stored definition."""
    return int(
        session.scalar(select(ProcessDefinition.version).where(ProcessDefinition.id == definition_id)) or 0
    )


def to_info(row: ProcessDefinition, *, is_new: bool = True) -> DefinitionInfo:
    """Turn a row into a result."""
    return DefinitionInfo(
        id=row.id,
        key=row.key,
        version=row.version,
        name=row.name,
        checksum=row.checksum,
        deployed_at=row.deployed_at,
        deployed_by_id=row.deployed_by_id,
        is_new=is_new,
    )


def deployed_spec_json(session: Session, key: str) -> str | None:
    """Return the stored spec of a process's newest version (for call activities), if deployed."""
    row = latest_version(session, key)
    return row.spec_json if row is not None else None


def find_draft(session: Session, key: str) -> DefinitionDraft | None:
    """Return the draft of a process key, if any."""
    return session.scalars(select(DefinitionDraft).where(DefinitionDraft.key == key)).first()


def put_draft(
    session: Session,
    *,
    key: str,
    name: str,
    xml: str,
    based_on_version: int | None,
    filename: str | None,
    at: datetime,
    actor: Actor,
) -> DefinitionDraft:
    """Create or replace the draft of ``key``."""
    draft = find_draft(session, key)
    if draft is None:
        draft = DefinitionDraft(key=key)
        session.add(draft)
    draft.name = name[:300]
    draft.bpmn_xml = xml
    draft.based_on_version = based_on_version
    draft.filename = filename[:255] if filename else None
    draft.updated_by_id = audit.actor_id_of(actor)
    draft.updated_at = at
    session.flush()
    return draft
