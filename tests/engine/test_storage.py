"""Storage: migrations match the models, the audit table is append-only, state stays small."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

import engine as engine_package
from engine import SYSTEM, WorkflowEngine
from engine.db import Base, create_db_engine
from tests.conftest import Org
from tests.engine.helpers import request_id, start_unit_report


def test_migrations_match_the_models(db_url: str) -> None:
    db_engine = create_db_engine(db_url)
    try:
        with db_engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        db_engine.dispose()
    assert diff == []


def test_audit_rows_cannot_be_changed_or_deleted(engine: WorkflowEngine, org: Org, db_url: str) -> None:
    assert engine.list_audit(actor=SYSTEM)  # creating the organisation wrote rows
    db_engine = create_db_engine(db_url)
    try:
        for statement in ("UPDATE audit_event SET action = 'forged'", "DELETE FROM audit_event"):
            with pytest.raises(DBAPIError, match="append-only"), db_engine.begin() as conn:
                conn.execute(text(statement))
    finally:
        db_engine.dispose()
    assert all(e.action != "forged" for e in engine.list_audit(actor=SYSTEM))


def test_instance_state_is_small_and_holds_no_spec(engine: WorkflowEngine, org: Org, db_url: str) -> None:
    instance = start_unit_report(engine, org.commune.id, org.focal.id)
    [task] = engine.list_inbox(actor=org.drafter.id)
    engine.submit_task(
        task.id, {"summary": "Kết quả"}, actor=org.drafter.id, version=1, request_id=request_id()
    )
    db_engine = create_db_engine(db_url)
    try:
        with db_engine.connect() as conn:
            state, serializer_version = conn.execute(
                text("SELECT state, serializer_version FROM process_instance WHERE id = :id"),
                {"id": instance.id},
            ).one()
            spec_size = conn.execute(text("SELECT length(spec_json) FROM process_definition")).scalar_one()
    finally:
        db_engine.dispose()
    assert '"task_specs"' not in state
    assert len(state) < 12_000
    assert spec_size > 5_000
    assert serializer_version.endswith("+pc1")


def test_public_surface_is_pinned() -> None:
    assert sorted(engine_package.__all__) == sorted(
        [
            "SYSTEM",
            "Actor",
            "AuditEntry",
            "DefinitionInfo",
            "DefinitionProblem",
            "DefinitionDiff",
            "DeployResult",
            "DiagramProblem",
            "DiagramReport",
            "DiagramSource",
            "DraftInfo",
            "DraftSaved",
            "ElementChange",
            "ImportReport",
            "InstanceMigration",
            "MigrationPreview",
            "MigrationResult",
            "ProcessDetail",
            "ProcessSummary",
            "VersionInfo",
            "HistoryEntry",
            "EngineError",
            "FieldChange",
            "FormDiff",
            "FormPreview",
            "FormSource",
            "FormSummary",
            "FormVersionInfo",
            "FrozenClock",
            "HumanTaskInfo",
            "InstanceInfo",
            "InvalidDefinition",
            "InvalidSubmission",
            "MailSettingsInfo",
            "MailSweep",
            "NotFound",
            "NotPermitted",
            "NotificationInfo",
            "OutboxInfo",
            "ScriptError",
            "ScriptFailed",
            "ScriptLimitExceeded",
            "ScriptTimeout",
            "Settings",
            "StaleTask",
            "SubmitResult",
            "SweepResult",
            "TimerInfo",
            "SystemActor",
            "TaskDetail",
            "TimerFiring",
            "TooManyAttempts",
            "UnitInfo",
            "UnsafeScript",
            "UserInfo",
            "WorkflowEngine",
            "build_engine",
            "system_clock",
        ]
    )


def test_upgrading_a_populated_database_backfills_unit_name_keys(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from alembic import command

    from engine.schema import alembic_config

    url = f"sqlite:///{tmp_path}/old.sqlite3"
    command.upgrade(alembic_config(url), "0001")
    db_engine = create_db_engine(url)
    try:
        with db_engine.begin() as conn:
            conn.execute(text("INSERT INTO unit (name, level) VALUES ('Công An  Huyện', 'office')"))
        command.upgrade(alembic_config(url), "head")
        with db_engine.connect() as conn:
            assert conn.execute(text("SELECT name_key, doc_code FROM unit")).one() == ("công an huyện", "")
    finally:
        db_engine.dispose()
