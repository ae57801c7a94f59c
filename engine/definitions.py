"""Deployed process definitions: immutable versions keyed by process id."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

import forms
from engine import audit
from engine.actions import known_actions
from engine.errors import DefinitionProblem, InvalidDefinition, NotFound
from engine.models import ProcessDefinition
from engine.results import Actor, DefinitionInfo
from engine.spiff import ParsedDefinition


def check_references(parsed: ParsedDefinition, forms_dir: Path | None) -> None:
    """Refuse a process whose user tasks name missing forms or whose service tasks name unknown actions."""
    known = set(forms.list_forms(directory=forms_dir))
    problems = [
        DefinitionProblem(f"Không có biểu mẫu '{key}' (unknown form key)", element_id=element)
        for element, key in parsed.form_keys
        if key not in known
    ]
    actions = known_actions()
    problems += [
        DefinitionProblem(
            f"Không có thao tác '{name}'; dùng một trong: {', '.join(sorted(actions))} (unknown action)",
            element_id=element,
        )
        for element, name in parsed.actions
        if name not in actions
    ]
    if problems:
        raise InvalidDefinition(
            "Quy trình tham chiếu biểu mẫu hoặc thao tác chưa có (unknown forms or actions): "
            + ", ".join(str(p.element_id) for p in problems),
            problems,
        )


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
