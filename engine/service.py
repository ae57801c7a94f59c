"""``WorkflowEngine``: the only door to the domain, one public method per use case.

Every method takes ids and plain values plus a keyword-only ``actor``, runs in one transaction
(commit on success, roll back on any error) and returns frozen results from ``engine.results``.
The work is done by helpers in ``engine.organisation``, ``engine.definitions``,
``engine.instances``, ``engine.tasks`` and ``engine.sweeper``, which take ``session`` and never
commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from engine import approvals, audit, consolidation, definitions, escalations, instances, sweeper, tasks
from engine.authority import acting_for
from engine.errors import InvalidSubmission
from engine.models import AuditEvent, HumanTask, Timer, User
from engine.organisation import may_act_clause, require_admin, require_user
from engine.projection import to_task_info
from engine.results import (
    Actor,
    AuditEntry,
    DefinitionInfo,
    HistoryEntry,
    HumanTaskInfo,
    InstanceInfo,
    SubmitResult,
    SweepResult,
    TaskDetail,
    TimerInfo,
)
from engine.schema import upgrade_database
from engine.service_base import EngineBase
from engine.service_dashboard import DashboardMethods
from engine.service_definitions import DefinitionMethods
from engine.service_documents import DocumentMethods
from engine.service_forms import FormMethods
from engine.service_imports import ImportMethods
from engine.service_inbox import InboxMethods
from engine.service_instances import InstanceMethods
from engine.service_jobs import JobMethods
from engine.service_messages import MessagingMethods
from engine.service_org import OrganisationMethods
from engine.service_plan_pages import PlanPageMethods
from engine.service_plans import PlanMethods
from engine.service_task_pages import TaskPageMethods

MAX_REASON_LENGTH = 2000
# The modules whose named actions BPMN service tasks may call; importing them registers the actions.
ACTION_MODULES = (approvals, consolidation, escalations)


class WorkflowEngine(
    OrganisationMethods,
    PlanMethods,
    PlanPageMethods,
    InboxMethods,
    InstanceMethods,
    TaskPageMethods,
    DashboardMethods,
    DocumentMethods,
    DefinitionMethods,
    ImportMethods,
    MessagingMethods,
    JobMethods,
    FormMethods,
    EngineBase,
):
    """The facade web/, the CLI and workers call. Build it with ``engine.build_engine``.

    Organisation methods are in ``engine.service_org``, plans and periods in
    ``engine.service_plans``; this module holds the workflow core.
    """

    # -- database ---------------------------------------------------------------------------

    def dispose(self) -> None:
        """Close every pooled database connection (at shutdown, and between tests)."""
        self._sessions.kw["bind"].dispose()

    def migrate_database(self) -> None:
        """Create the schema or bring it to the newest revision."""
        upgrade_database(self._sessions.kw["bind"])

    def is_database_empty(self) -> bool:
        """Tell whether nothing was ever loaded (no user exists); used by ``plancycle demo``."""
        with self._work(write=False) as session:
            return session.scalar(select(func.count(User.id))) == 0

    # -- definitions ------------------------------------------------------------------------

    def deploy_definition(
        self,
        document: str | bytes,
        *,
        actor: Actor,
        filename: str | None = None,
        process_id: str | None = None,
    ) -> DefinitionInfo:
        """Parse and store a BPMN process as a new immutable version.

        Deploying the same XML as the latest version returns that version (``is_new=False``).
        Raises ``InvalidDefinition`` (nothing stored) for bad XML, an invalid process, an unsafe
        script or condition, or an unknown action. An unknown form key is no refusal: its tasks
        show a generic form (``validate_diagram`` lists such keys as warnings).
        """
        parsed = self._runtime.parse(document, process_id=process_id, filename=filename)
        definitions.check_references(parsed, self.settings.forms_dir, stored_forms=self.known_form_keys())
        with self._work(write=True) as session:
            require_admin(session, actor)
            return definitions.store(session, parsed, filename=filename, at=self._clock(), actor=actor)

    def list_definitions(self, *, actor: Actor, key: str | None = None) -> list[DefinitionInfo]:
        """List deployed versions, by key and newest first; administrators only."""
        with self._work(write=False) as session:
            require_admin(session, actor)
            return definitions.list_versions(session, key)

    # -- instances --------------------------------------------------------------------------

    def start_instance(
        self,
        process_key: str,
        data: Mapping[str, Any] | None = None,
        *,
        actor: Actor,
        business_key: str | None = None,
        parent_id: int | None = None,
        unit_id: int | None = None,
        version: int | None = None,
    ) -> InstanceInfo:
        """Start an instance of the latest (or the given) version and run it to its first wait.

        ``unit_id`` becomes the process variable ``unit_id``, which user tasks use as their acting
        unit unless they name another. Administrators and the system only.
        """
        with self._work(write=True) as session:
            require_admin(session, actor)
            definition = definitions.find(session, process_key, version)
            return instances.start(
                session,
                self._runtime,
                definition,
                data or {},
                business_key=business_key,
                parent_id=parent_id,
                unit_id=unit_id,
                at=self._clock(),
                actor=actor,
            )

    def get_instance(self, instance_id: int, *, actor: Actor) -> InstanceInfo:
        """Return an instance; administrators only for now."""
        with self._work(write=False) as session:
            require_admin(session, actor)
            return instances.info(session, instances.get(session, instance_id))

    # -- human tasks ------------------------------------------------------------------------

    def list_inbox(self, *, actor: Actor, limit: int = 100, offset: int = 0) -> list[HumanTaskInfo]:
        """Open tasks the actor may act on (assigned, claimed, or open to their unit and role)."""
        with self._work(write=False) as session:
            user = require_user(session, actor)
            rows = session.scalars(
                select(HumanTask)
                .where(
                    HumanTask.status == "open", may_act_clause(*acting_for(session, user.id, self.today()))
                )
                .order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.id)
                .limit(limit)
                .offset(offset)
            ).all()
            return [to_task_info(row) for row in rows]

    def count_open_tasks(self, *, actor: Actor) -> int:
        """Count the open tasks the actor may act on (for navigation badges)."""
        with self._work(write=False) as session:
            user = require_user(session, actor)
            clause = may_act_clause(*acting_for(session, user.id, self.today()))
            count = session.scalar(select(func.count(HumanTask.id)).where(HumanTask.status == "open", clause))
            return int(count or 0)

    def open_task(self, task_id: int, *, actor: Actor) -> TaskDetail:
        """Return a task the actor may act on, with the current values of its form fields."""
        with self._work(write=False) as session:
            user = require_user(session, actor)
            row = tasks.visible(session, task_id, user.id, self.today())
            values = tasks.form_values(session, self._runtime, row, self.settings.forms_dir)
            return TaskDetail(task=to_task_info(row), values=values)

    def task_history(self, task_id: int, *, actor: Actor, limit: int = 200) -> list[HistoryEntry]:
        """Return what happened to a task's item, oldest first: who did what, when, and why.

        For those who may see the task: starts, submissions, approvals, returns with their
        reasons, claims, timers and the chase ladder's steps on the same instance.
        """
        with self._work(write=False) as session:
            user = require_user(session, actor)
            row = tasks.visible(session, task_id, user.id, self.today())
            entries = session.execute(
                select(AuditEvent, User.full_name)
                .outerjoin(User, User.id == AuditEvent.actor_id)
                .where(AuditEvent.instance_id == row.instance_id, AuditEvent.action.not_like("action.%"))
                .order_by(AuditEvent.id)
                .limit(limit)
            ).all()
            return [HistoryEntry(e.at, name, e.action, dict(e.details or {})) for e, name in entries]

    def claim_task(self, task_id: int, *, actor: Actor, version: int | None = None) -> HumanTaskInfo:
        """Take a task open to the actor's unit and role, so colleagues see who holds it."""
        return self._set_claim(task_id, actor=actor, version=version, claim=True)

    def unclaim_task(self, task_id: int, *, actor: Actor, version: int | None = None) -> HumanTaskInfo:
        """Release a task the actor holds back to their unit."""
        return self._set_claim(task_id, actor=actor, version=version, claim=False)

    def _set_claim(self, task_id: int, *, actor: Actor, version: int | None, claim: bool) -> HumanTaskInfo:
        with self._work(write=True) as session:
            user = require_user(session, actor)
            row = tasks.locked_open(session, task_id, user.id, version, self.today())
            tasks.set_claim(session, row, user, claim=claim, at=self._clock())
            return to_task_info(row)

    def submit_task(
        self,
        task_id: int,
        data: Mapping[str, Any],
        *,
        actor: Actor,
        version: int,
        request_id: str,
        action: str = "submit",
    ) -> SubmitResult:
        """Complete a task with form data and advance its instance.

        ``version`` is the task version the caller saw: an older one raises ``StaleTask``.
        Repeating a call with the same ``request_id`` returns the first result. ``action`` is one
        the BPMN allows here (``submit``, ``approve``...); returning goes through ``return_task``.
        Raises ``InvalidSubmission`` with field errors when the form rejects ``data``.
        """
        if action == "return":
            raise InvalidSubmission(
                "Hãy dùng chức năng trả lại kèm lý do (use return with a reason)",
                {"action": ["Trả lại cần có lý do."]},
            )
        return self._complete(
            task_id, data, actor=actor, version=version, request_id=request_id, action=action, reason=None
        )

    def return_task(
        self, task_id: int, reason: str, *, actor: Actor, version: int, request_id: str
    ) -> SubmitResult:
        """Send a task back with a reason, where the BPMN offers the ``return`` action here."""
        reason = (reason or "").strip()
        if not reason or len(reason) > MAX_REASON_LENGTH:
            message = "Trường này là bắt buộc." if not reason else f"Tối đa {MAX_REASON_LENGTH} ký tự."
            raise InvalidSubmission("Lý do trả lại không hợp lệ (invalid reason)", {"reason": [message]})
        return self._complete(
            task_id, {}, actor=actor, version=version, request_id=request_id, action="return", reason=reason
        )

    def _complete(
        self,
        task_id: int,
        data: Mapping[str, Any],
        *,
        actor: Actor,
        version: int,
        request_id: str,
        action: str,
        reason: str | None,
    ) -> SubmitResult:
        with self._work(write=True) as session:
            user = require_user(session, actor)
            return tasks.complete(
                session,
                self._runtime,
                task_id,
                data,
                user=user,
                version=version,
                request_id=request_id,
                action=action,
                reason=reason,
                forms_dir=self.settings.forms_dir,
                at=self._clock(),
                on_day=self.today(),
            )

    # -- timers -----------------------------------------------------------------------------

    def fire_due_timers(self, *, now: datetime | None = None, limit: int | None = None) -> SweepResult:
        """Fire every timer due by ``now`` (default: the clock), each in its own transaction.

        Safe to run in several processes at once (see ``engine.sweeper.fire_one``).
        """
        moment = now or self._clock()
        with self._work(write=False) as session:
            due_ids = sweeper.due_timer_ids(session, moment, limit or self.settings.timer_batch_size)
        return self.fire_timers(due_ids, now=moment)

    def list_timers(self, instance_id: int, *, actor: Actor) -> list[TimerInfo]:
        """Return the timers an instance waits on, earliest first; administrators only."""
        with self._work(write=False) as session:
            require_admin(session, actor)
            rows = session.scalars(
                select(Timer).where(Timer.instance_id == instance_id).order_by(Timer.due_at, Timer.id)
            )
            return [TimerInfo(r.id, r.instance_id, r.task_name, r.kind, r.due_at) for r in rows]

    # -- history ----------------------------------------------------------------------------

    def list_audit(
        self, *, actor: Actor, instance_id: int | None = None, action: str | None = None, limit: int = 200
    ) -> list[AuditEntry]:
        """Return audit rows, oldest first; administrators only for now."""
        with self._work(write=False) as session:
            require_admin(session, actor)
            query = select(AuditEvent).order_by(AuditEvent.id).limit(limit)
            if instance_id is not None:
                query = query.where(AuditEvent.instance_id == instance_id)
            if action is not None:
                query = query.where(AuditEvent.action == action)
            return [audit.to_entry(row) for row in session.scalars(query)]
