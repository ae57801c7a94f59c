"""Administrators edit processes: drafts, reports on diagrams, versions, differences, migration.

The modeler page saves the diagram it edits as a *draft* (one per process key, whatever its
errors), asks for a *report* (every error and warning, each tied to its BPMN element) and
*deploys* it as a new immutable version when it has no error. Running instances stay on the
version they started on until an administrator *migrates* them, explicitly and audited.

Uploaded XML is hostile until parsed safely: a file over ``settings.max_bpmn_bytes``, one with
a DOCTYPE or entities, or one that is not well-formed is refused (``InvalidDefinition``) before
anything is stored. Everything else a diagram contains is reported, never raised, except by
``deploy_diagram``, which refuses a diagram with errors.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from engine import audit, definitions, form_store, instances
from engine.actions import known_actions
from engine.definition_results import (
    DefinitionDiff,
    DeployResult,
    DiagramReport,
    DiagramSource,
    DraftInfo,
    DraftSaved,
    ImportReport,
    InstanceMigration,
    MigrationPreview,
    MigrationResult,
    ProcessDetail,
    ProcessSummary,
    VersionInfo,
)
from engine.errors import DefinitionProblem, InvalidDefinition, InvalidSubmission, NotFound, ScriptError
from engine.models import DefinitionDraft, ProcessDefinition, ProcessInstance, Unit, User
from engine.organisation import require_admin
from engine.results import Actor
from engine.service_base import EngineBase
from engine.spiff import ParsedDefinition, as_text, diff_documents, for_modeler

MAX_PROBLEMS_IN_MESSAGE = 5


class DefinitionMethods(EngineBase):
    """Process definitions as administrators see and edit them."""

    # -- reading ----------------------------------------------------------------------------

    def list_processes(self, *, actor: Actor) -> list[ProcessSummary]:
        """List the process keys that have deployed versions or a draft, by key."""
        with self._work(write=False) as session:
            require_admin(session, actor)
            newest = (
                select(
                    ProcessDefinition.key,
                    func.max(ProcessDefinition.version).label("version"),
                    func.count().label("count"),
                )
                .group_by(ProcessDefinition.key)
                .subquery()
            )
            latest = {
                row.key: (row, int(count))
                for row, count in session.execute(
                    select(ProcessDefinition, newest.c.count).join(
                        newest,
                        and_(
                            ProcessDefinition.key == newest.c.key,
                            ProcessDefinition.version == newest.c.version,
                        ),
                    )
                )
            }
            running = {
                key: int(n)
                for key, n in session.execute(
                    select(ProcessInstance.process_key, func.count())
                    .where(ProcessInstance.status == "running")
                    .group_by(ProcessInstance.process_key)
                )
            }
            drafts = {d.key: d for d in session.scalars(select(DefinitionDraft))}
            summaries = []
            for key in sorted(set(latest) | set(drafts)):
                row, count = latest.get(key, (None, 0))
                draft = drafts.get(key)
                summaries.append(
                    ProcessSummary(
                        key=key,
                        name=row.name if row is not None else (draft.name if draft else key),
                        latest_version=row.version if row is not None else None,
                        version_count=count,
                        running_instances=running.get(key, 0),
                        has_draft=draft is not None,
                        draft_updated_at=draft.updated_at if draft else None,
                        latest_deployed_at=row.deployed_at if row is not None else None,
                    )
                )
            return summaries

    def process_detail(self, key: str, *, actor: Actor) -> ProcessDetail:
        """Return a process's versions, newest first, with who deployed each and its instance counts."""
        with self._work(write=False) as session:
            require_admin(session, actor)
            rows = session.execute(
                select(ProcessDefinition, User.full_name)
                .outerjoin(User, User.id == ProcessDefinition.deployed_by_id)
                .where(ProcessDefinition.key == key)
                .order_by(ProcessDefinition.version.desc())
            ).all()
            counts: dict[tuple[int, str], int] = {
                (definition_id, status): int(n)
                for definition_id, status, n in session.execute(
                    select(ProcessInstance.definition_id, ProcessInstance.status, func.count())
                    .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
                    .where(ProcessDefinition.key == key)
                    .group_by(ProcessInstance.definition_id, ProcessInstance.status)
                )
            }
            draft = _draft_info(session, key)
            if not rows and draft is None:
                raise NotFound(f"Không tìm thấy quy trình '{key}' (process not found)")
            versions = tuple(
                VersionInfo(
                    id=row.id,
                    version=row.version,
                    checksum=row.checksum,
                    deployed_at=row.deployed_at,
                    deployed_by_name=name,
                    running=counts.get((row.id, "running"), 0),
                    completed=counts.get((row.id, "completed"), 0),
                    name=row.name,
                )
                for row, name in rows
            )
            name = versions[0].name if versions else (draft.name if draft else key)
            return ProcessDetail(key=key, name=name, versions=versions, draft=draft)

    def diagram_source(
        self, key: str, *, actor: Actor, version: int | None = None, prefer_draft: bool = True
    ) -> DiagramSource:
        """Return the XML to open in the modeler: a version, else the draft (if wanted), else the newest."""
        with self._work(write=False) as session:
            require_admin(session, actor)
            if version is None and prefer_draft:
                draft = definitions.find_draft(session, key)
                if draft is not None:
                    return DiagramSource(
                        key=key,
                        name=draft.name,
                        xml=draft.bpmn_xml,
                        version=None,
                        is_draft=True,
                        based_on_version=draft.based_on_version,
                    )
            row = definitions.find(session, key, version)
            return DiagramSource(
                key=key,
                name=row.name,
                xml=row.bpmn_xml,
                version=row.version,
                is_draft=False,
                based_on_version=row.version,
            )

    def modeler_source(
        self, key: str, *, actor: Actor, version: int | None = None, prefer_draft: bool = True
    ) -> DiagramSource:
        """Return ``diagram_source``'s XML for bpmn-js: prefixes it reserves but bound elsewhere renamed.

        The stored text is not changed; only this copy for the browser is (see ``engine.spiff.prefixes``).
        """
        found = self.diagram_source(key, actor=actor, version=version, prefer_draft=prefer_draft)
        xml = for_modeler(found.xml, max_bytes=self.settings.max_bpmn_bytes)
        return dataclasses.replace(found, xml=xml)

    # -- checking, saving, deploying ----------------------------------------------------------

    def validate_diagram(self, xml: str | bytes, *, actor: Actor) -> DiagramReport:
        """Report every error and warning of a diagram, each tied to its element; nothing is stored.

        Raises ``InvalidDefinition`` only for hostile or unreadable XML (too large, DOCTYPE or
        entities, not well-formed).
        """
        with self._work(write=False) as session:
            require_admin(session, actor)
            report, _parsed = self._inspect(session, xml, None)
            return report

    def save_draft(
        self,
        xml: str | bytes,
        *,
        actor: Actor,
        based_on_version: int | None = None,
        filename: str | None = None,
    ) -> DraftSaved:
        """Store a diagram as the draft of its process key (errors and all), and report on it.

        The key is the file's executable process id, else its first process id. A draft is kept
        as the XML text given. ``based_on_version`` is kept only if that version of the key
        exists. Hostile XML, or a file with no process, raises ``InvalidDefinition``; nothing is
        stored then.
        """
        with self._work(write=True) as session:
            require_admin(session, actor)
            report, _parsed = self._inspect(session, xml, filename)
            self._store_draft(session, xml, report, based_on_version, filename, actor=actor, source="modeler")
            assert report.process_id is not None  # noqa: S101 - _store_draft refuses a file without one
            return DraftSaved(key=report.process_id, report=report)

    def import_bpmn(self, data: bytes, *, filename: str, actor: Actor) -> ImportReport:
        """Read an uploaded BPMN file, report on it and save it as a draft to open in the modeler.

        A file with no process at all is reported, not saved (``draft_key`` None). Hostile XML
        raises ``InvalidDefinition`` and nothing is stored.
        """
        with self._work(write=True) as session:
            require_admin(session, actor)
            report, _parsed = self._inspect(session, data, filename)
            if report.process_id is None:
                return ImportReport(filename=filename, report=report, draft_key=None)
            replaced = definitions.find_draft(session, report.process_id) is not None
            self._store_draft(session, data, report, None, filename, actor=actor, source="import")
            return ImportReport(
                filename=filename, report=report, draft_key=report.process_id, replaced_draft=replaced
            )

    def deploy_diagram(self, xml: str | bytes, *, actor: Actor, filename: str | None = None) -> DeployResult:
        """Deploy a diagram as a new immutable version of its executable process; drop that key's draft.

        Deploying the same XML as the newest version returns that version (``is_new`` False).
        A diagram with errors, or without an executable process, raises ``InvalidDefinition``
        with one problem per element and nothing is stored.
        """
        with self._work(write=True) as session:
            require_admin(session, actor)
            report, parsed = self._inspect(session, xml, filename)
            if parsed is None:
                raise _refusal(report)
            at = self._clock()
            info = definitions.store(session, parsed, filename=filename, at=at, actor=actor)
            draft = definitions.find_draft(session, parsed.process_id)
            if draft is not None:
                audit.record(
                    session,
                    at=at,
                    actor=actor,
                    action="definition.draft_discarded",
                    object_type="definition_draft",
                    object_id=draft.id,
                    details={"key": draft.key, "reason": "deployed", "version": info.version},
                )
                session.delete(draft)
            return DeployResult(definition=info, report=report)

    def discard_draft(self, key: str, *, actor: Actor) -> None:
        """Delete the draft of a process key; ``NotFound`` if there is none."""
        with self._work(write=True) as session:
            require_admin(session, actor)
            draft = definitions.find_draft(session, key)
            if draft is None:
                raise NotFound(f"Quy trình '{key}' không có bản nháp (no draft for this process)")
            audit.record(
                session,
                at=self._clock(),
                actor=actor,
                action="definition.draft_discarded",
                object_type="definition_draft",
                object_id=draft.id,
                details={"key": key, "reason": "discarded"},
            )
            session.delete(draft)

    def _inspect(
        self, session: Session, xml: str | bytes, filename: str | None
    ) -> tuple[DiagramReport, ParsedDefinition | None]:
        return self._runtime.inspect(
            xml,
            known_forms=form_store.known_keys(session, self.settings.forms_dir),
            known_actions=known_actions(),
            load_deployed=lambda key: definitions.deployed_spec_json(session, key),
            filename=filename,
        )

    def _store_draft(
        self,
        session: Session,
        xml: str | bytes,
        report: DiagramReport,
        based_on_version: int | None,
        filename: str | None,
        *,
        actor: Actor,
        source: str,
    ) -> None:
        key = report.process_id
        if key is None:
            raise _refusal(
                report, "Tệp không có quy trình nào để lưu nháp (the file holds no process to save)"
            )
        if based_on_version is not None and (
            session.scalar(
                select(ProcessDefinition.id).where(
                    ProcessDefinition.key == key, ProcessDefinition.version == based_on_version
                )
            )
            is None
        ):
            based_on_version = None
        at = self._clock()
        draft = definitions.put_draft(
            session,
            key=key,
            name=report.name or key,
            xml=as_text(xml, max_bytes=self.settings.max_bpmn_bytes),
            based_on_version=based_on_version,
            filename=filename,
            at=at,
            actor=actor,
        )
        audit.record(
            session,
            at=at,
            actor=actor,
            action="definition.draft_saved",
            object_type="definition_draft",
            object_id=draft.id,
            details={
                "key": key,
                "source": source,
                "based_on_version": based_on_version,
                "filename": filename,
                "errors": len(report.errors),
                "warnings": len(report.warnings),
            },
        )

    # -- comparing and migrating -------------------------------------------------------------

    def diff_versions(self, key: str, old: int, new: int, *, actor: Actor) -> DefinitionDiff:
        """Return what changed in the process model from version ``old`` to ``new`` (layout ignored)."""
        with self._work(write=False) as session:
            require_admin(session, actor)
            before = definitions.find(session, key, old)
            after = definitions.find(session, key, new)
            old_xml, new_xml = before.bpmn_xml, after.bpmn_xml
        limit = max(len(old_xml.encode("utf-8")), len(new_xml.encode("utf-8")), self.settings.max_bpmn_bytes)
        added, removed, changed = diff_documents(old_xml, new_xml, max_bytes=limit)
        return DefinitionDiff(
            key=key, old=old, new=new, added=tuple(added), removed=tuple(removed), changed=tuple(changed)
        )

    def migration_preview(
        self, key: str, from_version: int, to_version: int, *, actor: Actor
    ) -> MigrationPreview:
        """List the running instances of ``from_version``: where each is and whether it can move."""
        with self._work(write=False) as session:
            require_admin(session, actor)
            source, target = _versions(session, key, from_version, to_version)
            rows = session.execute(
                select(ProcessInstance, Unit.name)
                .outerjoin(Unit, Unit.id == ProcessInstance.unit_id)
                .where(ProcessInstance.definition_id == source.id, ProcessInstance.status == "running")
                .order_by(ProcessInstance.id)
            ).all()
            load_target = _spec_loader(session, target.id)
            found = []
            for instance, unit_name in rows:
                outcome = self._runtime.check_migration(
                    instances.stored(session, instance), target.id, load_target
                )
                found.append(
                    InstanceMigration(
                        instance_id=instance.id,
                        business_key=instance.business_key,
                        unit_name=unit_name,
                        current_steps=outcome.current_steps,
                        can_migrate=not outcome.problems,
                        problems=outcome.problems,
                    )
                )
            return MigrationPreview(
                key=key, from_version=from_version, to_version=to_version, instances=tuple(found)
            )

    def migrate_instances(
        self, key: str, from_version: int, to_version: int, instance_ids: Sequence[int], *, actor: Actor
    ) -> MigrationResult:
        """Move the given instances of ``from_version`` to ``to_version``, each in its own transaction.

        Each instance is locked, moved by the runtime, audited (``instance.migrated``) and
        projected again as after an advance. An instance that cannot move (a current step gone,
        not on ``from_version``, not running, a script failing) is refused with the reason.
        """
        with self._work(write=False) as session:
            require_admin(session, actor)
            source, target = _versions(session, key, from_version, to_version)
            source_id, target_id = source.id, target.id
        migrated: list[int] = []
        refused: list[tuple[int, str]] = []
        for instance_id in dict.fromkeys(instance_ids):
            try:
                reason = self._migrate_one(instance_id, source_id, target_id, from_version, actor=actor)
            except ScriptError as exc:
                reason = exc.message
            if reason is None:
                migrated.append(instance_id)
            else:
                refused.append((instance_id, reason))
        return MigrationResult(migrated=tuple(migrated), refused=tuple(refused))

    def _migrate_one(
        self, instance_id: int, source_id: int, target_id: int, from_version: int, *, actor: Actor
    ) -> str | None:
        with self._work(write=True) as session:
            instance = instances.lock(session, instance_id)
            if instance is None:
                return f"Không tìm thấy tiến trình {instance_id} (no such instance)"
            if instance.definition_id != source_id:
                return f"Tiến trình không chạy trên phiên bản {from_version} (not on version {from_version})"
            if instance.status != "running":
                return "Tiến trình đã kết thúc (the instance is not running)"
            at = self._clock()
            outcome = self._runtime.migrate(
                instances.stored(session, instance), target_id, _spec_loader(session, target_id), at
            )
            if outcome.snapshot is None:
                return "; ".join(outcome.problems)
            target = session.get(ProcessDefinition, target_id)
            assert target is not None  # noqa: S101 - checked in the first transaction; versions are never deleted
            instances.migrate_to(
                session, self._runtime, instance, target, outcome.snapshot, at=at, actor=actor
            )
            return None


def _draft_info(session: Session, key: str) -> DraftInfo | None:
    found = session.execute(
        select(DefinitionDraft, User.full_name)
        .outerjoin(User, User.id == DefinitionDraft.updated_by_id)
        .where(DefinitionDraft.key == key)
    ).first()
    if found is None:
        return None
    draft, name = found
    return DraftInfo(
        key=draft.key,
        name=draft.name,
        based_on_version=draft.based_on_version,
        filename=draft.filename,
        updated_at=draft.updated_at,
        updated_by_name=name,
    )


def _versions(
    session: Session, key: str, from_version: int, to_version: int
) -> tuple[ProcessDefinition, ProcessDefinition]:
    source = definitions.find(session, key, from_version)
    target = definitions.find(session, key, to_version)
    if source.id == target.id:
        raise InvalidSubmission(
            "Phiên bản đích trùng phiên bản nguồn (the target version is the source version)",
            {"to_version": ["Hãy chọn một phiên bản khác."]},
        )
    return source, target


def _spec_loader(session: Session, definition_id: int) -> Any:
    def load() -> str:
        return str(
            session.scalar(select(ProcessDefinition.spec_json).where(ProcessDefinition.id == definition_id))
        )

    return load


def _refusal(report: DiagramReport, message: str | None = None) -> InvalidDefinition:
    problems = [DefinitionProblem(p.message, element_id=p.element_id, line=p.line) for p in report.errors]
    if not report.executable and report.process_id is not None:
        problems.append(
            DefinitionProblem(
                'Tệp không có quy trình nào được đánh dấu thực thi (isExecutable="true"); hãy đánh dấu quy '
                f"trình '{report.process_id}' là thực thi (no executable process)",
                element_id=report.process_id,
            )
        )
    if message is None:
        listed = "; ".join(
            f"{p.element_id}: {p.message}" if p.element_id else p.message
            for p in problems[:MAX_PROBLEMS_IN_MESSAGE]
        )
        more = len(problems) - MAX_PROBLEMS_IN_MESSAGE
        suffix = f" (và {more} lỗi khác / and {more} more)" if more > 0 else ""
        message = (
            f"Quy trình có {len(problems)} lỗi, chưa triển khai (the diagram has errors): {listed}{suffix}"
        )
    return InvalidDefinition(message, problems)
