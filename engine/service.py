"""``WorkflowEngine``: the only door to the domain, one public method per use case.

Every method takes ids and plain values plus a keyword-only ``actor``, runs in one transaction
(commit on success, roll back on any error) and returns frozen results from ``engine.results``.
Helpers take ``session`` and never commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

import forms
from engine import audit
from engine.clock import Clock
from engine.db import unit_of_work
from engine.errors import (
    DefinitionProblem,
    InvalidDefinition,
    InvalidSubmission,
    NotFound,
    NotPermitted,
    StaleTask,
)
from engine.models import (
    AuditEvent,
    HumanTask,
    Membership,
    ProcessDefinition,
    ProcessInstance,
    Timer,
    Unit,
    User,
)
from engine.organisation import (
    ROLES,
    get_unit,
    hash_password,
    may_act,
    may_act_clause,
    require_admin,
    require_user,
    roles_of,
    to_unit_info,
    to_user_info,
    verify_password,
)
from engine.projection import apply_snapshot, to_task_info
from engine.results import (
    SYSTEM,
    Actor,
    AuditEntry,
    DefinitionInfo,
    HumanTaskInfo,
    InstanceInfo,
    SubmitResult,
    SweepResult,
    SystemActor,
    TaskDetail,
    TimerFiring,
    UnitInfo,
    UserInfo,
)
from engine.schema import upgrade_database
from engine.settings import Settings
from engine.spiff import ProcessRuntime, StoredInstance

MAX_REASON_LENGTH = 2000


class WorkflowEngine:
    """The facade web/, the CLI and workers call. Build it with ``engine.build_engine``."""

    def __init__(
        self, *, settings: Settings, sessions: sessionmaker[Session], runtime: ProcessRuntime, clock: Clock
    ) -> None:
        self.settings = settings
        self._sessions = sessions
        self._runtime = runtime
        self._clock = clock
        self._is_postgres = sessions.kw["bind"].dialect.name == "postgresql"

    def now(self) -> datetime:
        """Return the engine's current time (its clock), for callers that compute deadlines."""
        return self._clock()

    # -- database ---------------------------------------------------------------------------

    def dispose(self) -> None:
        """Close every pooled database connection (at shutdown, and between tests)."""
        self._sessions.kw["bind"].dispose()

    def migrate_database(self) -> None:
        """Create the schema or bring it to the newest revision."""
        upgrade_database(self._sessions.kw["bind"])

    # -- organisation -----------------------------------------------------------------------

    def create_unit(self, name: str, *, level: str, parent_id: int | None = None, actor: Actor) -> UnitInfo:
        """Create a unit under ``parent_id``; administrators only."""
        with unit_of_work(self._sessions, write=True) as session:
            require_admin(session, actor)
            if parent_id is not None:
                get_unit(session, parent_id)
            unit = Unit(name=" ".join(name.split()), level=level, parent_id=parent_id)
            session.add(unit)
            session.flush()
            audit.record(
                session,
                at=self._clock(),
                actor=actor,
                action="unit.created",
                object_type="unit",
                object_id=unit.id,
                details={"name": unit.name, "level": level},
            )
            return to_unit_info(unit)

    def create_user(
        self, login: str, full_name: str, *, password: str | None = None, actor: Actor
    ) -> UserInfo:
        """Create a user; administrators only. Raises ``InvalidSubmission`` for a taken login."""
        login = login.strip().lower()
        with unit_of_work(self._sessions, write=True) as session:
            require_admin(session, actor)
            if not login:
                raise InvalidSubmission(
                    "Thiếu tên đăng nhập (login required)", {"login": ["Trường này là bắt buộc."]}
                )
            if session.scalar(select(User.id).where(User.login == login)) is not None:
                raise InvalidSubmission(
                    "Tên đăng nhập đã tồn tại (login taken)", {"login": ["Tên đăng nhập đã được dùng."]}
                )
            user = User(
                login=login,
                full_name=full_name.strip(),
                password_hash=hash_password(password) if password else None,
                is_active=True,
            )
            session.add(user)
            session.flush()
            audit.record(
                session,
                at=self._clock(),
                actor=actor,
                action="user.created",
                object_type="user",
                object_id=user.id,
                details={"login": login},
            )
            return to_user_info(session, user)

    def grant_role(self, user_id: int, unit_id: int, role: str, *, actor: Actor) -> UserInfo:
        """Give a user a role in a unit; administrators only."""
        if role not in ROLES:
            raise InvalidSubmission(
                "Vai trò không hợp lệ (unknown role)", {"role": [f"Không có vai trò '{role}'."]}
            )
        with unit_of_work(self._sessions, write=True) as session:
            require_admin(session, actor)
            user = session.get(User, user_id)
            if user is None:
                raise NotFound(f"Không tìm thấy người dùng {user_id} (no such user)")
            get_unit(session, unit_id)
            exists = session.scalar(
                select(Membership.id).where(
                    Membership.user_id == user_id, Membership.unit_id == unit_id, Membership.role == role
                )
            )
            if exists is None:
                session.add(Membership(user_id=user_id, unit_id=unit_id, role=role))
                audit.record(
                    session,
                    at=self._clock(),
                    actor=actor,
                    action="role.granted",
                    object_type="user",
                    object_id=user_id,
                    details={"unit_id": unit_id, "role": role},
                )
            session.flush()
            return to_user_info(session, user)

    def get_user(self, user_id: int, *, actor: Actor) -> UserInfo:
        """Return a user; users may read themselves, administrators anyone."""
        with unit_of_work(self._sessions, write=False) as session:
            if actor != user_id:
                require_admin(session, actor)
            user = session.get(User, user_id)
            if user is None:
                raise NotFound(f"Không tìm thấy người dùng {user_id} (no such user)")
            return to_user_info(session, user)

    def authenticate(self, login: str, password: str) -> UserInfo:
        """Check a login and password; raise ``NotPermitted`` with one message for every failure."""
        with unit_of_work(self._sessions, write=False) as session:
            user = session.scalar(select(User).where(User.login == login.strip().lower()))
            if user is None or not user.is_active or not verify_password(user.password_hash, password):
                raise NotPermitted("Sai tên đăng nhập hoặc mật khẩu (wrong login or password)")
            return to_user_info(session, user)

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
        script or condition, or an unknown form key.
        """
        parsed = self._runtime.parse(document, process_id=process_id, filename=filename)
        self._check_form_keys(parsed.form_keys)
        now = self._clock()
        with unit_of_work(self._sessions, write=True) as session:
            require_admin(session, actor)
            latest = session.scalars(
                select(ProcessDefinition)
                .where(ProcessDefinition.key == parsed.process_id)
                .order_by(ProcessDefinition.version.desc())
                .limit(1)
            ).first()
            if latest is not None and latest.checksum == parsed.checksum:
                return _definition_info(latest, is_new=False)
            row = ProcessDefinition(
                key=parsed.process_id,
                version=(latest.version + 1) if latest else 1,
                name=parsed.name,
                checksum=parsed.checksum,
                bpmn_xml=parsed.xml,
                spec_json=parsed.spec_json,
                serializer_version=parsed.serializer_version,
                deployed_by_id=audit.actor_id_of(actor),
                deployed_at=now,
            )
            session.add(row)
            session.flush()
            audit.record(
                session,
                at=now,
                actor=actor,
                action="definition.deployed",
                object_type="definition",
                object_id=row.id,
                details={
                    "key": row.key,
                    "version": row.version,
                    "checksum": row.checksum,
                    "filename": filename,
                },
            )
            return _definition_info(row, is_new=True)

    def _check_form_keys(self, form_keys: tuple[tuple[str, str], ...]) -> None:
        known = set(forms.list_forms(directory=self.settings.forms_dir))
        problems = [
            DefinitionProblem(f"Không có biểu mẫu '{key}' (unknown form key)", element_id=element)
            for element, key in form_keys
            if key not in known
        ]
        if problems:
            raise InvalidDefinition(
                "Quy trình dùng biểu mẫu chưa có (unknown form keys): "
                + ", ".join(f"{p.element_id}" for p in problems),
                problems,
            )

    def list_definitions(self, *, actor: Actor, key: str | None = None) -> list[DefinitionInfo]:
        """List deployed versions, newest first; administrators only."""
        with unit_of_work(self._sessions, write=False) as session:
            require_admin(session, actor)
            query = select(ProcessDefinition).order_by(
                ProcessDefinition.key, ProcessDefinition.version.desc()
            )
            if key is not None:
                query = query.where(ProcessDefinition.key == key)
            return [_definition_info(row) for row in session.scalars(query)]

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
        now = self._clock()
        with unit_of_work(self._sessions, write=True) as session:
            require_admin(session, actor)
            definition = _find_definition(session, process_key, version)
            if unit_id is not None:
                get_unit(session, unit_id)
            if parent_id is not None and session.get(ProcessInstance, parent_id) is None:
                raise NotFound(f"Không tìm thấy tiến trình cha {parent_id} (no such parent instance)")
            variables = dict(data or {})
            if unit_id is not None:
                variables.setdefault("unit_id", unit_id)
            snapshot = self._runtime.start(definition.id, lambda: definition.spec_json, variables, now)
            instance = ProcessInstance(
                definition_id=definition.id,
                process_key=definition.key,
                business_key=business_key,
                parent_id=parent_id,
                unit_id=unit_id,
                status="running",
                state="",
                version=0,
                serializer_version=snapshot.serializer_version,
                started_by_id=audit.actor_id_of(actor),
                started_at=now,
                updated_at=now,
            )
            session.add(instance)
            session.flush()
            audit.record(
                session,
                at=now,
                actor=actor,
                action="instance.started",
                object_type="instance",
                object_id=instance.id,
                instance_id=instance.id,
                details={
                    "process": definition.key,
                    "version": definition.version,
                    "business_key": business_key,
                },
            )
            opened = apply_snapshot(session, instance, snapshot, now=now, actor=actor)
            return _instance_info(instance, definition.version, tuple(t.id for t in opened))

    def get_instance(self, instance_id: int, *, actor: Actor) -> InstanceInfo:
        """Return an instance; administrators only for now."""
        with unit_of_work(self._sessions, write=False) as session:
            require_admin(session, actor)
            instance = session.get(ProcessInstance, instance_id)
            if instance is None:
                raise NotFound(f"Không tìm thấy tiến trình {instance_id} (no such instance)")
            open_ids = session.scalars(
                select(HumanTask.id)
                .where(HumanTask.instance_id == instance_id, HumanTask.status == "open")
                .order_by(HumanTask.id)
            ).all()
            version = session.scalar(
                select(ProcessDefinition.version).where(ProcessDefinition.id == instance.definition_id)
            )
            return _instance_info(instance, int(version or 0), tuple(open_ids))

    # -- human tasks ------------------------------------------------------------------------

    def list_inbox(self, *, actor: Actor, limit: int = 100, offset: int = 0) -> list[HumanTaskInfo]:
        """Open tasks the actor may act on (assigned, claimed, or open to their unit and role)."""
        with unit_of_work(self._sessions, write=False) as session:
            user = require_user(session, actor)
            roles = roles_of(session, user.id)
            rows = session.scalars(
                select(HumanTask)
                .where(HumanTask.status == "open", may_act_clause(user.id, roles))
                .order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.id)
                .limit(limit)
                .offset(offset)
            ).all()
            return [to_task_info(row) for row in rows]

    def open_task(self, task_id: int, *, actor: Actor) -> TaskDetail:
        """Return a task the actor may act on, with the current values of its form fields."""
        with unit_of_work(self._sessions, write=False) as session:
            user = require_user(session, actor)
            row = self._visible_task(session, task_id, user.id)
            values: dict[str, Any] = {}
            if row.status == "open" and row.form_key:
                instance = _instance_of(session, row, lock=False)
                data = self._runtime.task_data(_stored(session, instance), row.spiff_task_id)
                fields = forms.load_form(row.form_key, directory=self.settings.forms_dir).fields
                values = {f.name: data[f.name] for f in fields if f.name in data}
            return TaskDetail(task=to_task_info(row), values=values)

    def claim_task(self, task_id: int, *, actor: Actor, version: int | None = None) -> HumanTaskInfo:
        """Take a task open to the actor's unit and role, so colleagues see who holds it."""
        with unit_of_work(self._sessions, write=True) as session:
            user = require_user(session, actor)
            row = self._locked_open_task(session, task_id, user.id, version)
            if row.claimed_by_id not in (None, user.id):
                raise NotPermitted("Nhiệm vụ đã có người khác nhận (already claimed by someone else)")
            if row.claimed_by_id is None:
                row.claimed_by_id = user.id
                row.version += 1
                audit.record(
                    session,
                    at=self._clock(),
                    actor=actor,
                    action="task.claimed",
                    object_type="human_task",
                    object_id=row.id,
                    instance_id=row.instance_id,
                )
            return to_task_info(row)

    def unclaim_task(self, task_id: int, *, actor: Actor, version: int | None = None) -> HumanTaskInfo:
        """Release a task the actor holds back to their unit."""
        with unit_of_work(self._sessions, write=True) as session:
            user = require_user(session, actor)
            row = self._locked_open_task(session, task_id, user.id, version)
            if row.claimed_by_id != user.id:
                raise NotPermitted("Bạn không giữ nhiệm vụ này (you do not hold this task)")
            row.claimed_by_id = None
            row.version += 1
            audit.record(
                session,
                at=self._clock(),
                actor=actor,
                action="task.unclaimed",
                object_type="human_task",
                object_id=row.id,
                instance_id=row.instance_id,
            )
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
        now = self._clock()
        with unit_of_work(self._sessions, write=True) as session:
            user = require_user(session, actor)
            row = self._visible_task(session, task_id, user.id)
            instance = _instance_of(session, row, lock=True)
            session.refresh(row)
            if row.status == "completed" and row.request_id == request_id and row.completed_by_id == user.id:
                return self._result(session, row, instance, was_repeat=True)
            if row.status != "open" or row.version != version:
                raise StaleTask("Nhiệm vụ đã thay đổi, vui lòng tải lại (this task changed, please reload)")
            if row.claimed_by_id not in (None, user.id):
                raise NotPermitted("Nhiệm vụ đang do người khác giữ (another user holds this task)")
            if action not in row.actions:
                raise NotPermitted(f"Bước này không cho phép thao tác '{action}' (action not allowed here)")
            values: dict[str, Any] = {}
            if action != "return" and row.form_key:
                values = self._validated(row.form_key, data)
            values["decision"] = action
            if reason is not None:
                values["return_reason"] = reason
            snapshot = self._runtime.complete(_stored(session, instance), row.spiff_task_id, values, now)
            row.status = "completed"
            row.completed_at = now
            row.completed_by_id = user.id
            row.completed_action = action
            row.request_id = request_id
            row.version += 1
            details: dict[str, Any] = {"task": row.task_name, "action": action}
            if reason is not None:
                details["reason"] = reason
            audit.record(
                session,
                at=now,
                actor=actor,
                action=f"task.{action}",
                object_type="human_task",
                object_id=row.id,
                instance_id=instance.id,
                details=details,
            )
            apply_snapshot(session, instance, snapshot, now=now, actor=actor)
            return self._result(session, row, instance, was_repeat=False)

    def _validated(self, form_key: str, data: Mapping[str, Any]) -> dict[str, Any]:
        try:
            return forms.validate_submission(form_key, data, directory=self.settings.forms_dir)
        except forms.FormValidationError as exc:
            raise InvalidSubmission(
                "Dữ liệu chưa hợp lệ, vui lòng sửa các trường được đánh dấu "
                "(please correct the marked fields)",
                exc.field_errors,
            ) from exc

    def _result(
        self, session: Session, row: HumanTask, instance: ProcessInstance, *, was_repeat: bool
    ) -> SubmitResult:
        session.flush()
        next_rows = session.scalars(
            select(HumanTask)
            .where(HumanTask.instance_id == instance.id, HumanTask.status == "open")
            .order_by(HumanTask.id)
        ).all()
        version = session.scalar(
            select(ProcessDefinition.version).where(ProcessDefinition.id == instance.definition_id)
        )
        return SubmitResult(
            task=to_task_info(row),
            instance=_instance_info(instance, int(version or 0), tuple(r.id for r in next_rows)),
            next_tasks=tuple(to_task_info(r) for r in next_rows),
            was_repeat=was_repeat,
        )

    def _visible_task(self, session: Session, task_id: int, user_id: int) -> HumanTask:
        row = session.get(HumanTask, task_id)
        roles = roles_of(session, user_id)
        if row is None or not (may_act(row, user_id, roles) or row.completed_by_id == user_id):
            # The same answer for "missing" and "not yours": ids of other units' tasks leak nothing.
            raise NotFound(f"Không tìm thấy nhiệm vụ {task_id} (no such task)")
        return row

    def _locked_open_task(
        self, session: Session, task_id: int, user_id: int, version: int | None
    ) -> HumanTask:
        row = self._visible_task(session, task_id, user_id)
        _instance_of(session, row, lock=True)
        session.refresh(row)
        if row.status != "open" or (version is not None and row.version != version):
            raise StaleTask("Nhiệm vụ đã thay đổi, vui lòng tải lại (this task changed, please reload)")
        return row

    # -- timers -----------------------------------------------------------------------------

    def fire_due_timers(self, *, now: datetime | None = None, limit: int | None = None) -> SweepResult:
        """Fire every timer due by ``now`` (default: the clock), each in its own transaction.

        Safe to run in several processes at once: a timer row is claimed with
        ``FOR UPDATE SKIP LOCKED`` on PostgreSQL (SQLite serializes writers), and firing deletes
        or moves the row in the same transaction, so each due occurrence fires once.
        """
        moment = now or self._clock()
        batch = limit or self.settings.timer_batch_size
        with unit_of_work(self._sessions, write=False) as session:
            due_ids = session.scalars(
                select(Timer.id).where(Timer.due_at <= moment).order_by(Timer.due_at, Timer.id).limit(batch)
            ).all()
        fired: list[TimerFiring] = []
        skipped = 0
        for timer_id in due_ids:
            firing = self._fire_one(timer_id, moment)
            if firing is None:
                skipped += 1
            else:
                fired.append(firing)
        return SweepResult(fired=tuple(fired), skipped=skipped)

    def _fire_one(self, timer_id: int, now: datetime) -> TimerFiring | None:
        with unit_of_work(self._sessions, write=True) as session:
            query = select(Timer).where(Timer.id == timer_id, Timer.due_at <= now)
            if self._is_postgres:
                query = query.with_for_update(skip_locked=True)
            timer = session.scalars(query).first()
            if timer is None:
                return None
            instance_query = select(ProcessInstance).where(ProcessInstance.id == timer.instance_id)
            if self._is_postgres:
                # Skip rather than wait: a user advancing this instance holds its lock and may be
                # about to delete this very timer row; it is retried on the next sweep.
                instance_query = instance_query.with_for_update(skip_locked=True)
            instance = session.scalars(instance_query).first()
            if instance is None:
                return None
            due_at, task_name = timer.due_at, timer.task_name
            snapshot = self._runtime.fire_timers(_stored(session, instance), now)
            late_by = max(0.0, (now - due_at).total_seconds())
            audit.record(
                session,
                at=now,
                actor=SYSTEM,
                action="timer.fired",
                object_type="timer",
                object_id=timer.id,
                instance_id=instance.id,
                details={"task": task_name, "due_at": due_at.isoformat(), "late_by_s": late_by},
            )
            apply_snapshot(session, instance, snapshot, now=now, actor=SYSTEM)
            return TimerFiring(
                timer_id=timer_id,
                instance_id=instance.id,
                task_name=task_name,
                due_at=due_at,
                fired_at=now,
                late_by_s=late_by,
            )

    # -- history ----------------------------------------------------------------------------

    def list_audit(
        self, *, actor: Actor, instance_id: int | None = None, action: str | None = None, limit: int = 200
    ) -> list[AuditEntry]:
        """Return audit rows, oldest first; administrators only for now."""
        with unit_of_work(self._sessions, write=False) as session:
            require_admin(session, actor)
            query = select(AuditEvent).order_by(AuditEvent.id).limit(limit)
            if instance_id is not None:
                query = query.where(AuditEvent.instance_id == instance_id)
            if action is not None:
                query = query.where(AuditEvent.action == action)
            return [audit.to_entry(row) for row in session.scalars(query)]

    def count_open_tasks(self, *, actor: Actor) -> int:
        """Count the open tasks the actor may act on (for navigation badges)."""
        with unit_of_work(self._sessions, write=False) as session:
            user = require_user(session, actor)
            clause = may_act_clause(user.id, roles_of(session, user.id))
            return int(
                session.scalar(select(func.count(HumanTask.id)).where(HumanTask.status == "open", clause))
                or 0
            )

    def is_database_empty(self) -> bool:
        """Tell whether nothing was ever loaded (no user exists); used by ``plancycle demo``."""
        with unit_of_work(self._sessions, write=False) as session:
            return session.scalar(select(func.count(User.id))) == 0


def _find_definition(session: Session, key: str, version: int | None) -> ProcessDefinition:
    query = select(ProcessDefinition).where(ProcessDefinition.key == key)
    query = (
        query.where(ProcessDefinition.version == version)
        if version is not None
        else query.order_by(ProcessDefinition.version.desc()).limit(1)
    )
    row = session.scalars(query).first()
    if row is None:
        raise NotFound(f"Chưa triển khai quy trình '{key}' (process not deployed)")
    return row


def _instance_of(session: Session, row: HumanTask, *, lock: bool) -> ProcessInstance:
    query = select(ProcessInstance).where(ProcessInstance.id == row.instance_id)
    if lock:
        query = query.with_for_update()
    instance = session.scalars(query).one()
    if lock:
        session.refresh(instance)
    return instance


def _stored(session: Session, instance: ProcessInstance) -> StoredInstance:
    definition_id = instance.definition_id

    def load_spec_json() -> str:
        # Only called when the runtime's spec cache misses.
        return str(
            session.scalar(select(ProcessDefinition.spec_json).where(ProcessDefinition.id == definition_id))
        )

    return StoredInstance(definition_id=definition_id, load_spec_json=load_spec_json, state=instance.state)


def _definition_info(row: ProcessDefinition, *, is_new: bool = True) -> DefinitionInfo:
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


def _instance_info(
    instance: ProcessInstance, definition_version: int, open_task_ids: tuple[int, ...]
) -> InstanceInfo:
    return InstanceInfo(
        id=instance.id,
        process_key=instance.process_key,
        definition_id=instance.definition_id,
        definition_version=definition_version,
        business_key=instance.business_key,
        parent_id=instance.parent_id,
        unit_id=instance.unit_id,
        status=instance.status,
        version=instance.version,
        started_at=instance.started_at,
        completed_at=instance.completed_at,
        open_task_ids=open_task_ids,
    )


__all__ = ["SYSTEM", "SystemActor", "WorkflowEngine"]
