"""The JSON API under ``/api/v1``: tokens, the inbox, tasks, plans, reporting periods, documents.

Every endpoint but ``POST /auth/token`` and ``GET /openapi.json`` needs ``Authorization: Bearer
<token>``; the session cookie is never looked at, so the blueprint is exempt from CSRF checks.
Each view checks its input (a 400 or 422 naming the fields, before the engine is called, so
nothing changes), makes one engine call for a write, and answers JSON in the shape
``web/api/openapi.py`` documents. Errors, everywhere under the prefix, are
``{"error": {"code", "message", "fields"}}`` (see ``web/api/errors.py``).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request

import forms
from engine import EngineError, HumanTaskInfo, NotPermitted, TooManyAttempts
from engine.documents import StoredDocumentInfo
from engine.service_jobs import JobInfo
from web.api import choices, errors, openapi, present, tokens
from web.api.errors import ApiError, engine_error_response
from web.api.inputs import MAX_BODY_BYTES, MAX_REQUEST_ID, BodyChecker, QueryChecker, json_body
from web.documents.views import pdf_response
from web.extensions import get_engine

PREFIX = "/api/v1"
bp = Blueprint("api", __name__, url_prefix=PREFIX)
errors.install(bp, PREFIX)

PUBLIC_ENDPOINTS = frozenset({"api.issue_token", "api.openapi_document"})
MAX_LOGIN = 150
MAX_PASSWORD = 1024
MAX_ACTION = 50
MAX_REASON = 2000


@bp.before_request
def _authenticate() -> None:
    """Cap the body size, then require a valid bearer token except on the public endpoints."""
    limit = current_app.config.get("API_MAX_BODY_BYTES", MAX_BODY_BYTES)
    request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        raise ApiError(413, "too_large", errors.http_message(413))
    if request.method == "OPTIONS" or request.endpoint in PUBLIC_ENDPOINTS:
        return
    g.api_user_id = tokens.authenticated_user_id()


@bp.after_request
def _no_store(response: Response) -> Response:
    """Keep answers (tokens, reports) out of shared caches."""
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def _actor() -> int:
    user_id: int = g.api_user_id
    return user_id


# -- tokens and the document ----------------------------------------------------------------


@bp.post("/auth/token")
def issue_token() -> Response:
    """Exchange a login and password for a bearer token."""
    checker = BodyChecker(json_body(), ("login", "password"))
    login = checker.text("login", max_length=MAX_LOGIN)
    password = checker.text("password", max_length=MAX_PASSWORD)
    checker.check()
    try:
        user = get_engine().authenticate(login, password, client=request.remote_addr)
    except TooManyAttempts as exc:
        return engine_error_response(exc)
    except NotPermitted as exc:
        raise ApiError(
            401, "invalid_credentials", exc.message, headers={"WWW-Authenticate": tokens.REALM}
        ) from exc
    token, expires_at = tokens.issue(user.id)
    return jsonify({"token": token, "token_type": "Bearer", "expires_at": expires_at.isoformat()})


@bp.get("/openapi.json")
def openapi_document() -> Response:
    """Return the OpenAPI 3.1 description of this API."""
    return jsonify(openapi.document())


# -- the inbox and tasks --------------------------------------------------------------------


@bp.get("/inbox")
def inbox() -> Response:
    """Return one page of an inbox view (``open`` by default), searched and ordered by deadline."""
    query = QueryChecker(("view", "q", "sort", "descending", "page", "per_page"))
    view = query.choice("view", choices.INBOX_VIEWS, default="open") or "open"
    text = query.text("q")
    sort = query.choice("sort", choices.INBOX_SORTS, default="deadline") or "deadline"
    descending = query.flag("descending")
    paging = query.paging()
    query.check()
    found = get_engine().inbox_page(
        actor=_actor(),
        view=view,
        query=text or None,
        sort=sort,
        descending=descending,
        page=paging.page,
        per_page=paging.per_page,
    )
    items = [present.inbox_item(row) for row in found.rows]
    return jsonify(paging.envelope(items, total=found.total, page=found.page))


def allowed_actions(task: HumanTaskInfo, user_id: int) -> list[str]:
    """Return what the user may do with the task now: the step's actions, then claim or release."""
    if task.status != "open":
        return []
    allowed = list(task.actions) if task.claimed_by_id in (None, user_id) else []
    if task.claimed_by_id is None:
        allowed.append("claim")
    elif task.claimed_by_id == user_id:
        allowed.append("release")
    return allowed


def _form_summary(form_key: str | None) -> dict[str, Any] | None:
    if not form_key:
        return None
    try:
        definition = get_engine().task_form(form_key, actor=_actor())
    except forms.FormError:
        return None  # the task stays usable; its values still come with it
    return present.form(definition)


@bp.get("/tasks/<int:task_id>")
def show_task(task_id: int) -> Response:
    """Return a task with its current values, its form, its history and what the user may do now."""
    engine = get_engine()
    detail = engine.open_task(task_id, actor=_actor())
    history = engine.task_history(task_id, actor=_actor())
    return jsonify(
        {
            "task": present.task(detail.task),
            "version": detail.task.version,
            "values": present.plain(detail.values),
            "form": _form_summary(detail.task.form_key),
            "history": [present.history(entry) for entry in history],
            "allowed_actions": allowed_actions(detail.task, _actor()),
        }
    )


def _values_field(name: str) -> str:
    """Name an engine field error as the request body does: form fields live under ``values``."""
    if name == "action":
        return name
    return f"values.{name}" if name else "values"


@bp.post("/tasks/<int:task_id>/submit")
def submit_task(task_id: int) -> Response:
    """Complete the task with one of its actions and the form's values."""
    checker = BodyChecker(json_body(), ("action", "values", "version", "request_id"))
    action = checker.text("action", max_length=MAX_ACTION)
    values = checker.mapping("values")
    version = checker.integer("version")
    request_id = checker.text("request_id", max_length=MAX_REQUEST_ID)
    checker.check()
    try:
        result = get_engine().submit_task(
            task_id, values, actor=_actor(), version=version, request_id=request_id.strip(), action=action
        )
    except EngineError as exc:
        return engine_error_response(exc, field_prefix=_values_field)
    return jsonify(present.submit_result(result))


@bp.post("/tasks/<int:task_id>/return")
def return_task(task_id: int) -> Response:
    """Send the task back with a reason, where the step allows it."""
    checker = BodyChecker(json_body(), ("reason", "version", "request_id"))
    reason = checker.text("reason", max_length=MAX_REASON)
    version = checker.integer("version")
    request_id = checker.text("request_id", max_length=MAX_REQUEST_ID)
    checker.check()
    result = get_engine().return_task(
        task_id, reason, actor=_actor(), version=version, request_id=request_id.strip()
    )
    return jsonify(present.submit_result(result))


def _version_only() -> int:
    checker = BodyChecker(json_body(), ("version",))
    version = checker.integer("version")
    checker.check()
    return version


@bp.post("/tasks/<int:task_id>/claim")
def claim_task(task_id: int) -> Response:
    """Take the task, so colleagues see who holds it."""
    task = get_engine().claim_task(task_id, actor=_actor(), version=_version_only())
    return jsonify({"task": present.task(task), "allowed_actions": allowed_actions(task, _actor())})


@bp.post("/tasks/<int:task_id>/release")
def release_task(task_id: int) -> Response:
    """Give the task back to the unit."""
    task = get_engine().unclaim_task(task_id, actor=_actor(), version=_version_only())
    return jsonify({"task": present.task(task), "allowed_actions": allowed_actions(task, _actor())})


# -- plans and periods ----------------------------------------------------------------------


@bp.get("/plans")
def list_plans() -> Response:
    """List the plans the user may see, newest year first, filtered by year, status and words."""
    query = QueryChecker(("year", "status", "q", "page", "per_page"))
    year = query.integer("year", default=None, minimum=1900, maximum=9999)
    status = query.choice("status", choices.PLAN_STATUSES)
    text = query.text("q")
    paging = query.paging()
    query.check()
    found = get_engine().list_plans(
        actor=_actor(),
        year=year,
        status=status,
        query=text or None,
        limit=paging.per_page + 1,  # one more tells whether a next page exists
        offset=paging.offset,
    )
    items = [present.plan_summary(p) for p in found[: paging.per_page]]
    return jsonify(paging.envelope(items, has_more=len(found) > paging.per_page))


@bp.get("/plans/<int:plan_id>")
def show_plan(plan_id: int) -> Response:
    """Return a plan with its task table, targets, assigned units and reporting periods."""
    return jsonify(present.plan(get_engine().plan_page(plan_id, actor=_actor())))


@bp.get("/periods")
def list_periods() -> Response:
    """List the reporting periods the user may see, newest first, optionally of one plan."""
    query = QueryChecker(("plan_id", "page", "per_page"))
    plan_id = query.integer("plan_id", default=None, minimum=1)
    paging = query.paging()
    query.check()
    found = get_engine().list_periods(actor=_actor(), plan_id=plan_id)
    page = found[paging.offset : paging.offset + paging.per_page]
    return jsonify(paging.envelope([present.period_summary(p) for p in page], total=len(found)))


@bp.get("/periods/<int:period_id>")
def show_period(period_id: int) -> Response:
    """Return a period's board: the period, counts per status and the shares on time and overdue."""
    return jsonify(present.board(get_engine().period_board(period_id, actor=_actor())))


@bp.get("/periods/<int:period_id>/units")
def period_units(period_id: int) -> Response:
    """List where each unit's report stands (step, holder, since, deadline, status), a page at a time."""
    query = QueryChecker(("status", "page", "per_page"))
    status = query.choice("status", choices.TRACKING_STATUSES)
    paging = query.paging()
    query.check()
    board = get_engine().period_board(period_id, actor=_actor())
    rows = [row for row in board.rows if status is None or row.tracking_status == status]
    page = rows[paging.offset : paging.offset + paging.per_page]
    return jsonify(paging.envelope([present.unit_row(row) for row in page], total=len(rows)))


@bp.get("/periods/<int:period_id>/units/<int:unit_id>")
def unit_report(period_id: int, unit_id: int) -> Response:
    """Return a unit's report: to its own unit always, to the focal unit once submitted."""
    report = get_engine().get_unit_report(period_id, unit_id, actor=_actor())
    return jsonify(present.unit_report(period_id, unit_id, report))


# -- documents as PDF -----------------------------------------------------------------------


@bp.get("/plans/<int:plan_id>/pdf")
def plan_pdf(plan_id: int) -> Response:
    """Print a plan with its task table; a plan not yet issued prints as a draft."""
    return pdf_response(get_engine().plan_pdf(plan_id, actor=_actor()))


@bp.get("/plans/<int:plan_id>/decision/pdf")
def plan_decision_pdf(plan_id: int) -> Response:
    """Print the decision approving a plan, with the plan attached."""
    return pdf_response(get_engine().plan_decision_pdf(plan_id, actor=_actor()))


@bp.get("/periods/<int:period_id>/units/<int:unit_id>/pdf")
def unit_report_pdf(period_id: int, unit_id: int) -> Response:
    """Print a unit's report: to its own unit always, to the focal unit once sent."""
    return pdf_response(get_engine().unit_report_pdf(period_id, unit_id, actor=_actor()))


@bp.get("/documents/<int:document_id>/pdf")
def document_pdf(document_id: int) -> Response:
    """Print an official reminder letter."""
    return pdf_response(get_engine().reminder_letter_pdf(document_id, actor=_actor()))


@bp.get("/periods/<int:period_id>/consolidated-reports")
def consolidated_reports(period_id: int) -> Response:
    """List the consolidated reports kept with a period, newest first."""
    page = get_engine().consolidated_report_files(period_id, actor=_actor())
    return jsonify({"period_id": page.period_id, "items": [_stored_document(f) for f in page.files]})


@bp.post("/periods/<int:period_id>/consolidated-reports")
def queue_consolidated_report(period_id: int) -> tuple[Response, int, dict[str, str]]:
    """Queue the printing of a period's consolidated report; answer 202 with the job to follow."""
    job = get_engine().queue_consolidated_report(period_id, actor=_actor())
    return jsonify(_job(job)), 202, {"Location": f"{PREFIX}/jobs/{job.id}"}


@bp.get("/consolidated-reports/<int:file_id>/pdf")
def consolidated_report_pdf(file_id: int) -> Response:
    """Send a consolidated report kept with its period."""
    return pdf_response(get_engine().stored_document_pdf(file_id, actor=_actor()))


@bp.get("/jobs/<int:job_id>")
def show_job(job_id: int) -> Response:
    """Return a background job the caller submitted: status, step, result."""
    return jsonify(_job(get_engine().get_job(job_id, actor=_actor())))


def _job(job: JobInfo) -> dict[str, Any]:
    return {
        "id": job.id,
        "kind": job.kind,
        "label": job.label,
        "status": job.status,
        "progress": job.progress,
        "total": job.total,
        "message": job.message,
        "result": present.plain(job.result) if job.result is not None else None,
        "error": job.error,
        "created_at": present.moment(job.created_at),
        "started_at": present.moment(job.started_at),
        "finished_at": present.moment(job.finished_at),
    }


def _stored_document(info: StoredDocumentInfo) -> dict[str, Any]:
    return {
        "id": info.id,
        "kind": info.kind,
        "period_id": info.period_id,
        "plan_id": info.plan_id,
        "filename": info.filename,
        "size": info.size,
        "pages": info.pages,
        "sha256": info.sha256,
        "created_at": present.moment(info.created_at),
        "created_by_id": info.created_by_id,
        "created_by_name": info.created_by_name,
        "job_id": info.job_id,
        "pdf": f"{PREFIX}/consolidated-reports/{info.id}/pdf",
    }
