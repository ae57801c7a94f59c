"""The OpenAPI 3.1 description of ``/api/v1``, written by hand and served at ``/api/v1/openapi.json``.

Paths are relative to the server URL ``/api/v1``. A test compares the paths and methods here with
the routes the blueprint registers, validates the document, and checks real answers against the
schemas below, so this file and the views cannot drift apart. Objects the API returns are closed
(``additionalProperties: false``): a field added to an answer must be added here too.
"""

from __future__ import annotations

import copy
from typing import Any

from web.api.choices import DEADLINE_STATUSES, INBOX_SORTS, INBOX_VIEWS, PLAN_STATUSES, TRACKING_STATUSES
from web.api.inputs import DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE, MAX_REQUEST_ID, MAX_TEXT
from web.api.tokens import DEFAULT_MAX_AGE_S

Schema = dict[str, Any]


def ref(name: str) -> Schema:
    """Point at a schema under ``components/schemas``."""
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: Schema) -> Schema:
    """Allow ``null`` besides ``schema``."""
    return {"oneOf": [schema, {"type": "null"}]}


def obj(properties: dict[str, Schema], *, optional: tuple[str, ...] = (), description: str = "") -> Schema:
    """Return a closed object schema whose properties are all required except ``optional``."""
    schema: Schema = {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name not in optional],
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def array(items: Schema) -> Schema:
    """Return a list schema of ``items``."""
    return {"type": "array", "items": items}


STRING: Schema = {"type": "string"}
INTEGER: Schema = {"type": "integer"}
BOOLEAN: Schema = {"type": "boolean"}
ID: Schema = {"type": "integer", "minimum": 1}
TIMESTAMP: Schema = {"type": "string", "format": "date-time"}
DAY: Schema = {"type": "string", "format": "date"}
FREE_OBJECT: Schema = {"type": "object", "additionalProperties": True}


def page_of(name: str, *, counted: bool = True) -> Schema:
    """Return the schema of a page of a list: ``items`` plus the paging facts (``total`` if ``counted``)."""
    properties: dict[str, Schema] = {
        "items": array(ref(name)),
        "page": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        "has_more": {"type": "boolean", "description": "Whether a next page exists."},
    }
    if counted:
        properties["total"] = {"type": "integer", "minimum": 0}
    return obj(properties)


SCHEMAS: dict[str, Schema] = {
    "Error": obj(
        {
            "error": obj(
                {
                    "code": {
                        "type": "string",
                        "description": "Stable machine-readable code: `invalid`, `stale`, `not_found`, "
                        "`forbidden`, `unauthorized`, `invalid_credentials`, `too_many_attempts`, "
                        "`malformed_json`, `invalid_body`, `invalid_query`, `too_large`, "
                        "`method_not_allowed`, `unsupported_media_type`, `rejected`...",
                    },
                    "message": {"type": "string", "description": "What went wrong, in Vietnamese."},
                    "fields": {
                        "type": "object",
                        "additionalProperties": STRING,
                        "description": "Per field (dotted path in the request body, or query parameter): "
                        "the Vietnamese message.",
                    },
                },
                optional=("fields",),
            )
        }
    ),
    "TokenRequest": obj({"login": {"type": "string", "maxLength": 150}, "password": {"type": "string"}}),
    "Token": obj(
        {
            "token": STRING,
            "token_type": {"const": "Bearer"},
            "expires_at": TIMESTAMP,
        },
        description=f"A bearer token, valid {DEFAULT_MAX_AGE_S // 3600} hours unless configured otherwise.",
    ),
    "Task": obj(
        {
            "id": ID,
            "instance_id": ID,
            "process_key": STRING,
            "task_name": {"type": "string", "description": "The BPMN step (`draft`, `head_review`...)."},
            "title": STRING,
            "form_key": nullable(STRING),
            "unit_id": nullable(INTEGER),
            "role": nullable(STRING),
            "assignee_id": nullable(INTEGER),
            "claimed_by_id": nullable(INTEGER),
            "actions": {
                **array(STRING),
                "description": "The step's actions (`submit`, `approve`, `accept`, `sign`, `return`...).",
            },
            "due_at": nullable(TIMESTAMP),
            "status": {"type": "string", "enum": ["open", "completed", "cancelled"]},
            "version": {"type": "integer", "description": "Send it back with every write on this task."},
            "created_at": TIMESTAMP,
            "completed_at": nullable(TIMESTAMP),
            "completed_action": nullable(STRING),
        }
    ),
    "InboxItem": obj(
        {
            "id": ID,
            "title": STRING,
            "task_name": STRING,
            "status": {"type": "string", "enum": ["open", "completed", "cancelled"]},
            "plan_id": nullable(INTEGER),
            "plan_number": nullable(INTEGER),
            "plan_symbol": nullable(STRING),
            "plan_title": nullable(STRING),
            "period_id": nullable(INTEGER),
            "period_label": nullable(STRING),
            "unit_id": nullable(INTEGER),
            "unit_name": nullable(STRING),
            "role": nullable(STRING),
            "due_at": nullable(TIMESTAMP),
            "deadline_status": {
                "type": "string",
                "enum": list(DEADLINE_STATUSES),
                "description": "`due_soon`: three days or less left; for a completed item, `overdue` "
                "means it was done late.",
            },
            "sent_by_name": {**nullable(STRING), "description": "`null`: opened by the system."},
            "assignee_id": nullable(INTEGER),
            "claimed_by_id": nullable(INTEGER),
            "claimed_by_name": nullable(STRING),
            "actions": array(STRING),
            "may_claim": BOOLEAN,
            "may_release": BOOLEAN,
            "version": INTEGER,
            "created_at": TIMESTAMP,
            "completed_at": nullable(TIMESTAMP),
            "completed_action": nullable(STRING),
        }
    ),
    "InboxPage": page_of("InboxItem"),
    "FormField": obj(
        {
            "name": STRING,
            "label": STRING,
            "label_en": STRING,
            "type": {"type": "string", "description": "The JSON Schema type (`string`, `integer`...)."},
            "widget": STRING,
            "required": BOOLEAN,
            "choices": array(obj({"value": STRING, "label": STRING})),
            "help": nullable(STRING),
        }
    ),
    "FormSummary": obj(
        {"key": STRING, "title": STRING, "title_en": STRING, "fields": array(ref("FormField"))}
    ),
    "HistoryEntry": obj(
        {
            "at": TIMESTAMP,
            "actor_name": {**nullable(STRING), "description": "`null`: the system (timers, actions)."},
            "action": STRING,
            "details": FREE_OBJECT,
        }
    ),
    "TaskDetail": obj(
        {
            "task": ref("Task"),
            "version": INTEGER,
            "values": {**FREE_OBJECT, "description": "Current values of the form's fields."},
            "form": nullable(ref("FormSummary")),
            "history": array(ref("HistoryEntry")),
            "allowed_actions": {
                **array(STRING),
                "description": "What the caller may do now: the step's actions (`return` goes to "
                "`/tasks/{task_id}/return`, the others to `/tasks/{task_id}/submit`), then `claim` or "
                "`release`.",
            },
        }
    ),
    "SubmitRequest": obj(
        {
            "action": {"type": "string", "minLength": 1, "maxLength": 50},
            "values": {**FREE_OBJECT, "description": "The form's values; errors name them `values.<field>`."},
            "version": {"type": "integer", "minimum": 0},
            "request_id": {
                "type": "string",
                "minLength": 1,
                "maxLength": MAX_REQUEST_ID,
                "description": "Chosen by the client; repeating a request with it returns the first result.",
            },
        },
        optional=("values",),
    ),
    "ReturnRequest": obj(
        {
            "reason": {"type": "string", "minLength": 1, "maxLength": 2000},
            "version": {"type": "integer", "minimum": 0},
            "request_id": {"type": "string", "minLength": 1, "maxLength": MAX_REQUEST_ID},
        }
    ),
    "VersionRequest": obj({"version": {"type": "integer", "minimum": 0}}),
    "Instance": obj(
        {
            "id": ID,
            "process_key": STRING,
            "business_key": nullable(STRING),
            "status": STRING,
            "version": INTEGER,
            "started_at": TIMESTAMP,
            "completed_at": nullable(TIMESTAMP),
            "open_task_ids": array(INTEGER),
        }
    ),
    "SubmitResult": obj(
        {
            "task": ref("Task"),
            "instance": ref("Instance"),
            "next_tasks": array(ref("Task")),
            "was_repeat": {"type": "boolean", "description": "True when the `request_id` was seen before."},
        }
    ),
    "ClaimResult": obj({"task": ref("Task"), "allowed_actions": array(STRING)}),
    "PlanUnit": obj({"name": STRING, "scope_note": STRING}),
    "PlanTask": obj(
        {
            "id": ID,
            "section_code": STRING,
            "code": STRING,
            "content": STRING,
            "timeframe_text": STRING,
            "timeframe": FREE_OBJECT,
            "lead": array(ref("PlanUnit")),
            "coordinating": array(ref("PlanUnit")),
            "expected_result": STRING,
            "indicator": STRING,
        }
    ),
    "PlanTarget": obj(
        {
            "description": STRING,
            "value": {"type": "string", "description": "A decimal number, written as text."},
            "unit": STRING,
            "milestone": nullable(DAY),
        }
    ),
    "PlanSummary": obj(
        {
            "id": ID,
            "title": STRING,
            "year": INTEGER,
            "status": {"type": "string", "enum": list(PLAN_STATUSES)},
            "number": nullable(INTEGER),
            "symbol": nullable(STRING),
            "issuing_unit_id": ID,
            "issuing_unit_name": STRING,
            "focal_unit_id": ID,
            "focal_unit_name": STRING,
            "issued_on": nullable(DAY),
            "parent_plan_id": nullable(INTEGER),
            "updated_at": TIMESTAMP,
        }
    ),
    "PlanSummaryPage": page_of("PlanSummary", counted=False),
    "Plan": obj(
        {
            "id": ID,
            "title": STRING,
            "year": INTEGER,
            "status": {"type": "string", "enum": list(PLAN_STATUSES)},
            "summary": STRING,
            "issuing_unit_id": ID,
            "issuing_unit_name": STRING,
            "focal_unit_id": ID,
            "focal_unit_name": STRING,
            "parent_plan_id": nullable(INTEGER),
            "number": nullable(INTEGER),
            "symbol": nullable(STRING),
            "place": STRING,
            "issued_on": nullable(DAY),
            "authority_form": nullable(STRING),
            "signer_id": nullable(INTEGER),
            "signer_name": nullable(STRING),
            "signer_title": nullable(STRING),
            "legal_bases": array(STRING),
            "recipients": array(STRING),
            "tasks": array(ref("PlanTask")),
            "targets": array(ref("PlanTarget")),
            "assigned_unit_ids": array(INTEGER),
            "periods": array(ref("Period")),
        }
    ),
    "Period": obj(
        {
            "id": ID,
            "plan_id": ID,
            "label": STRING,
            "year": INTEGER,
            "data_cutoff": DAY,
            "unit_deadline": DAY,
            "focal_deadline": DAY,
            "status": STRING,
            "unit_count": INTEGER,
        }
    ),
    "PeriodSummary": obj(
        {
            "id": ID,
            "plan_id": ID,
            "plan_title": STRING,
            "plan_symbol": nullable(STRING),
            "issuing_unit_name": STRING,
            "focal_unit_name": STRING,
            "label": STRING,
            "year": INTEGER,
            "unit_deadline": DAY,
            "focal_deadline": DAY,
            "status": STRING,
            "unit_count": INTEGER,
            "accepted_count": INTEGER,
            "submitted_count": INTEGER,
            "overdue_count": INTEGER,
            "sees_all": {
                "type": "boolean",
                "description": "True for the focal unit and the issuing body's leaders: the counts cover "
                "every unit; otherwise only the caller's own units (`own_unit_ids`).",
            },
            "own_unit_ids": array(INTEGER),
        }
    ),
    "PeriodSummaryPage": page_of("PeriodSummary"),
    "PeriodBoard": obj(
        {
            "period": ref("Period"),
            "tracking_counts": {
                "type": "object",
                "properties": {status: INTEGER for status in TRACKING_STATUSES},
                "required": list(TRACKING_STATUSES),
                "additionalProperties": False,
            },
            "report_counts": {"type": "object", "additionalProperties": INTEGER},
            "share_on_time": {"type": "number", "minimum": 0, "maximum": 1},
            "share_overdue": {"type": "number", "minimum": 0, "maximum": 1},
        }
    ),
    "Holder": obj({"unit_id": nullable(INTEGER), "role": nullable(STRING), "user_id": nullable(INTEGER)}),
    "UnitStep": obj(
        {
            "unit_id": ID,
            "unit_name": STRING,
            "report_id": ID,
            "status": {
                "type": "string",
                "enum": list(TRACKING_STATUSES),
                "description": "The tracking status.",
            },
            "report_status": STRING,
            "step": nullable(STRING),
            "step_title": nullable(STRING),
            "holder": ref("Holder"),
            "since": nullable(TIMESTAMP),
            "deadline": nullable(TIMESTAMP),
            "submitted_at": nullable(TIMESTAMP),
            "accepted_at": nullable(TIMESTAMP),
            "returned_count": INTEGER,
            "escalation_count": INTEGER,
            "last_escalation": nullable(STRING),
            "last_action": nullable(STRING),
            "last_action_at": nullable(TIMESTAMP),
        }
    ),
    "UnitStepPage": page_of("UnitStep"),
    "UnitReport": obj(
        {
            "period_id": ID,
            "unit_id": ID,
            "status": STRING,
            "submitted_at": nullable(TIMESTAMP),
            "body": FREE_OBJECT,
            "tasks": array(FREE_OBJECT),
        }
    ),
    "Job": obj(
        {
            "id": ID,
            "kind": {"type": "string", "description": "`render_document`, `open_period`..."},
            "label": {"type": "string", "description": "What the job does, in Vietnamese."},
            "status": {"type": "string", "enum": ["queued", "running", "done", "failed"]},
            "progress": {"type": "integer", "minimum": 0, "description": "Steps done so far."},
            "total": {"type": "integer", "minimum": 0, "description": "Steps in all (0 while unknown)."},
            "message": {"type": "string", "description": "The step under way, in Vietnamese."},
            "result": {
                **nullable(FREE_OBJECT),
                "description": 'When done: `{"id": ...}` of what it made (a kept file for '
                "`render_document`).",
            },
            "error": {**nullable(STRING), "description": "Why it failed, in Vietnamese."},
            "created_at": TIMESTAMP,
            "started_at": nullable(TIMESTAMP),
            "finished_at": nullable(TIMESTAMP),
        },
        description="A background job, for the user who submitted it.",
    ),
    "StoredDocument": obj(
        {
            "id": ID,
            "kind": {"type": "string", "enum": ["consolidated_report"]},
            "period_id": nullable(INTEGER),
            "plan_id": nullable(INTEGER),
            "filename": STRING,
            "size": {"type": "integer", "minimum": 0, "description": "Bytes."},
            "pages": {"type": "integer", "minimum": 1},
            "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "created_at": TIMESTAMP,
            "created_by_id": nullable(INTEGER),
            "created_by_name": nullable(STRING),
            "job_id": nullable(INTEGER),
            "pdf": {"type": "string", "description": "Where to fetch the file."},
        },
        description="A PDF kept with its period.",
    ),
    "StoredDocumentList": obj({"period_id": ID, "items": array(ref("StoredDocument"))}),
}


def _error(description: str, *, headers: dict[str, Any] | None = None) -> Schema:
    response: Schema = {"description": description, "content": {"application/json": {"schema": ref("Error")}}}
    if headers:
        response["headers"] = headers
    return response


CHALLENGE = {"WWW-Authenticate": {"schema": STRING, "description": "`Bearer realm=...`"}}
RESPONSES: dict[str, Schema] = {
    "BadRequest": _error("Malformed JSON, a body that is not an object, or bad query parameters."),
    "Unauthorized": _error(
        "No bearer token, or one that is forged, expired or for a disabled account.", headers=CHALLENGE
    ),
    "Forbidden": _error("The caller may not do this."),
    "NotFound": _error("Nothing the caller may see has this id."),
    "Stale": _error("The task changed since the caller read it (`stale`): reload and try again."),
    "TooLarge": _error("The body is larger than the API accepts."),
    "UnsupportedMediaType": _error("The body is not sent as `application/json`."),
    "Invalid": _error("Fields are missing, of the wrong type or rejected by the form; `fields` names them."),
}


def _param(name: str, where: str, schema: Schema, description: str, *, required: bool = False) -> Schema:
    return {"name": name, "in": where, "required": required, "schema": schema, "description": description}


PARAMETERS: dict[str, Schema] = {
    "TaskId": _param("task_id", "path", ID, "The task's id.", required=True),
    "PlanId": _param("plan_id", "path", ID, "The plan's id.", required=True),
    "PeriodId": _param("period_id", "path", ID, "The reporting period's id.", required=True),
    "UnitId": _param("unit_id", "path", ID, "The unit's id.", required=True),
    "DocumentId": _param("document_id", "path", ID, "The document's id.", required=True),
    "FileId": _param("file_id", "path", ID, "The kept file's id.", required=True),
    "JobId": _param("job_id", "path", ID, "The job's id.", required=True),
    "Page": _param(
        "page", "query", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}, "Page number."
    ),
    "PerPage": _param(
        "per_page",
        "query",
        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE},
        "Rows per page.",
    ),
}


def _ok(schema_name: str, description: str) -> Schema:
    return {"description": description, "content": {"application/json": {"schema": ref(schema_name)}}}


def _errors(*names: str) -> dict[str, Schema]:
    codes = {
        "BadRequest": "400",
        "Unauthorized": "401",
        "Forbidden": "403",
        "NotFound": "404",
        "Stale": "409",
        "TooLarge": "413",
        "UnsupportedMediaType": "415",
        "Invalid": "422",
    }
    return {codes[name]: {"$ref": f"#/components/responses/{name}"} for name in names}


def _body(schema_name: str) -> Schema:
    return {"required": True, "content": {"application/json": {"schema": ref(schema_name)}}}


def _params(*names: str) -> list[Schema]:
    return [{"$ref": f"#/components/parameters/{name}"} for name in names]


WRITE_ERRORS = (
    "BadRequest",
    "Unauthorized",
    "Forbidden",
    "NotFound",
    "Stale",
    "TooLarge",
    "UnsupportedMediaType",
    "Invalid",
)
READ_ERRORS = ("Unauthorized", "NotFound")


def _task_write(summary: str, description: str, body: str, result: str, operation_id: str) -> Schema:
    return {
        "post": {
            "operationId": operation_id,
            "summary": summary,
            "description": description,
            "tags": ["tasks"],
            "parameters": _params("TaskId"),
            "requestBody": _body(body),
            "responses": {"200": _ok(result, "Done."), **_errors(*WRITE_ERRORS)},
        }
    }


def _pdf(operation_id: str, summary: str, description: str, tag: str, *params: str) -> Schema:
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "description": description,
            "tags": [tag],
            "parameters": _params(*params),
            "responses": {
                "200": {
                    "description": "The PDF (A4, Nghị định 30/2020/NĐ-CP layout), shown inline.",
                    "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
                },
                **_errors(*READ_ERRORS),
            },
        }
    }


PATHS: dict[str, Schema] = {
    "/auth/token": {
        "post": {
            "operationId": "issueToken",
            "summary": "Exchange a login and password for a bearer token",
            "description": "Disabled accounts are refused like a wrong password. After too many failures "
            "the login is locked for a while (429 with `Retry-After`).",
            "tags": ["auth"],
            "security": [],
            "requestBody": _body("TokenRequest"),
            "responses": {
                "200": _ok("Token", "The token and when it expires."),
                "401": _error(
                    "Wrong login or password, or a disabled account (`invalid_credentials`).",
                    headers=CHALLENGE,
                ),
                "429": _error(
                    "Too many failed sign-ins (`too_many_attempts`).",
                    headers={"Retry-After": {"schema": INTEGER, "description": "Seconds to wait."}},
                ),
                **_errors("BadRequest", "TooLarge", "UnsupportedMediaType", "Invalid"),
            },
        }
    },
    "/openapi.json": {
        "get": {
            "operationId": "openapiDocument",
            "summary": "This document",
            "tags": ["meta"],
            "security": [],
            "responses": {
                "200": {
                    "description": "The OpenAPI 3.1 document.",
                    "content": {"application/json": {"schema": FREE_OBJECT}},
                }
            },
        }
    },
    "/inbox": {
        "get": {
            "operationId": "listInbox",
            "summary": "One page of an inbox view",
            "description": "Views: `open` (everything the caller may act on now: assigned to them, "
            "claimed by them, or open to their unit and role, including colleagues they cover for), "
            "`mine` (assigned to or claimed by them), `unit` (open to their unit, held by nobody), "
            "`overdue`, `week` (due before the end of this week) and `done` (completed by them, newest "
            "first). Ordered by deadline, items without one last. A page past the end answers the last "
            "page.",
            "tags": ["tasks"],
            "parameters": [
                _param(
                    "view",
                    "query",
                    {"type": "string", "enum": list(INBOX_VIEWS), "default": "open"},
                    "The view.",
                ),
                _param(
                    "q",
                    "query",
                    {"type": "string", "maxLength": MAX_TEXT},
                    "Words to find in plan numbers and symbols, unit names and period labels (case and "
                    "accents ignored).",
                ),
                _param(
                    "sort",
                    "query",
                    {"type": "string", "enum": list(INBOX_SORTS), "default": "deadline"},
                    "Order.",
                ),
                _param(
                    "descending", "query", {"type": "boolean", "default": False}, "Latest deadline first."
                ),
                *_params("Page", "PerPage"),
            ],
            "responses": {
                "200": _ok("InboxPage", "One page of items."),
                **_errors("BadRequest", "Unauthorized"),
            },
        }
    },
    "/tasks/{task_id}": {
        "get": {
            "operationId": "showTask",
            "summary": "A task, its values, its form, its history and the caller's allowed actions",
            "tags": ["tasks"],
            "parameters": _params("TaskId"),
            "responses": {"200": _ok("TaskDetail", "The task."), **_errors(*READ_ERRORS)},
        }
    },
    "/tasks/{task_id}/submit": _task_write(
        "Complete a task with an action and the form's values",
        "`action` is one of the step's actions other than `return`. `version` is the task's version "
        "as read; an older one answers 409 `stale`. Repeating the call with the same `request_id` "
        "returns the first result (`was_repeat: true`) and changes nothing.",
        "SubmitRequest",
        "SubmitResult",
        "submitTask",
    ),
    "/tasks/{task_id}/return": _task_write(
        "Send a task back with a reason",
        "Where the step offers `return`. Same `version` and `request_id` rules as submitting.",
        "ReturnRequest",
        "SubmitResult",
        "returnTask",
    ),
    "/tasks/{task_id}/claim": _task_write(
        "Take a task open to the caller's unit, so colleagues see who holds it",
        "403 when someone else holds it.",
        "VersionRequest",
        "ClaimResult",
        "claimTask",
    ),
    "/tasks/{task_id}/release": _task_write(
        "Give a task the caller holds back to their unit",
        "403 when the caller does not hold it.",
        "VersionRequest",
        "ClaimResult",
        "releaseTask",
    ),
    "/plans": {
        "get": {
            "operationId": "listPlans",
            "summary": "The plans the caller may see, newest year first",
            "description": "A plan is visible to its issuing and focal units, the units its tasks name, "
            "and those who worked on it. Not counted: `has_more` says whether a next page exists.",
            "tags": ["plans"],
            "parameters": [
                _param(
                    "year", "query", {"type": "integer", "minimum": 1900, "maximum": 9999}, "Only this year."
                ),
                _param(
                    "status", "query", {"type": "string", "enum": list(PLAN_STATUSES)}, "Only this status."
                ),
                _param(
                    "q",
                    "query",
                    {"type": "string", "maxLength": MAX_TEXT},
                    "Every word must occur in the title, the symbol or the issuing unit's name.",
                ),
                *_params("Page", "PerPage"),
            ],
            "responses": {
                "200": _ok("PlanSummaryPage", "One page of plans."),
                **_errors("BadRequest", "Unauthorized"),
            },
        }
    },
    "/plans/{plan_id}": {
        "get": {
            "operationId": "showPlan",
            "summary": "A plan with its task table, targets, assigned units and reporting periods",
            "description": "404 for a plan the caller may not see (another unit's draft, say).",
            "tags": ["plans"],
            "parameters": _params("PlanId"),
            "responses": {"200": _ok("Plan", "The plan."), **_errors(*READ_ERRORS)},
        }
    },
    "/periods": {
        "get": {
            "operationId": "listPeriods",
            "summary": "The reporting periods the caller may see, newest first",
            "description": "Periods of plans whose focal unit or issuing body the caller serves count "
            "every unit; periods the caller's unit reports in count that unit only.",
            "tags": ["periods"],
            "parameters": [
                _param("plan_id", "query", ID, "Only the periods of this plan."),
                *_params("Page", "PerPage"),
            ],
            "responses": {
                "200": _ok("PeriodSummaryPage", "One page of periods."),
                **_errors("BadRequest", "Unauthorized"),
            },
        }
    },
    "/periods/{period_id}": {
        "get": {
            "operationId": "showPeriod",
            "summary": "A reporting period's board: counts per status, shares on time and overdue",
            "description": "For the plan's focal unit and the issuing body's leaders; 404 for others. "
            "The units' rows are at `/periods/{period_id}/units`.",
            "tags": ["periods"],
            "parameters": _params("PeriodId"),
            "responses": {"200": _ok("PeriodBoard", "The board."), **_errors(*READ_ERRORS)},
        }
    },
    "/periods/{period_id}/units": {
        "get": {
            "operationId": "listPeriodUnits",
            "summary": "Where each unit's report stands: step, holder, since, deadline, status",
            "description": "Same audience as the board; units in Vietnamese alphabetical order.",
            "tags": ["periods"],
            "parameters": [
                *_params("PeriodId"),
                _param(
                    "status",
                    "query",
                    {"type": "string", "enum": TRACKING_STATUSES},
                    "Only units in this status.",
                ),
                *_params("Page", "PerPage"),
            ],
            "responses": {
                "200": _ok("UnitStepPage", "One page of units."),
                **_errors("BadRequest", *READ_ERRORS),
            },
        }
    },
    "/periods/{period_id}/units/{unit_id}": {
        "get": {
            "operationId": "showUnitReport",
            "summary": "A unit's report in a period",
            "description": "To the unit's own drafters and head always; to the focal unit once submitted; "
            "404 for anyone else.",
            "tags": ["periods"],
            "parameters": _params("PeriodId", "UnitId"),
            "responses": {"200": _ok("UnitReport", "The report."), **_errors(*READ_ERRORS)},
        }
    },
    "/plans/{plan_id}/pdf": _pdf(
        "planPdf",
        "A plan as an official document, its task table as an appendix",
        "To whoever may see the plan; a plan not yet issued prints as a draft (DỰ THẢO).",
        "documents",
        "PlanId",
    ),
    "/plans/{plan_id}/decision/pdf": _pdf(
        "planDecisionPdf",
        "The decision (Quyết định) approving a plan, with the plan attached",
        "Same audience as the plan. The decision's number is left blank for the office to give.",
        "documents",
        "PlanId",
    ),
    "/periods/{period_id}/units/{unit_id}/pdf": _pdf(
        "unitReportPdf",
        "A unit's report in a period as an official document",
        "To the unit itself always; to the focal unit and leaders once sent; 404 for anyone else.",
        "documents",
        "PeriodId",
        "UnitId",
    ),
    "/documents/{document_id}/pdf": _pdf(
        "reminderLetterPdf",
        "An official reminder letter (công văn đôn đốc)",
        "To its issuing unit, the focal unit and leaders of its plan, and its recipient unit.",
        "documents",
        "DocumentId",
    ),
    "/periods/{period_id}/consolidated-reports": {
        "get": {
            "operationId": "listConsolidatedReports",
            "summary": "The consolidated reports kept with a period, newest first",
            "description": "For the plan's focal unit and the issuing body's leaders; 404 for others.",
            "tags": ["documents"],
            "parameters": _params("PeriodId"),
            "responses": {"200": _ok("StoredDocumentList", "The kept files."), **_errors(*READ_ERRORS)},
        },
        "post": {
            "operationId": "queueConsolidatedReport",
            "summary": "Print the period's consolidated report in the background",
            "description": "Answers at once with the job (`Location: /jobs/{job_id}`); follow it until "
            "`done`, then fetch the file its `result.id` names. Same audience as the list. No body.",
            "tags": ["documents"],
            "parameters": _params("PeriodId"),
            "responses": {
                "202": {
                    **_ok("Job", "The job, queued."),
                    "headers": {"Location": {"schema": STRING, "description": "The job's address."}},
                },
                **_errors(*READ_ERRORS),
            },
        },
    },
    "/consolidated-reports/{file_id}/pdf": _pdf(
        "consolidatedReportPdf",
        "A consolidated report kept with its period",
        "Same audience as the period's list of kept files.",
        "documents",
        "FileId",
    ),
    "/jobs/{job_id}": {
        "get": {
            "operationId": "showJob",
            "summary": "A background job: status, step, result",
            "description": "To the user who submitted it (and administrators); 404 for others.",
            "tags": ["documents"],
            "parameters": _params("JobId"),
            "responses": {"200": _ok("Job", "The job."), **_errors(*READ_ERRORS)},
        }
    },
}


def document() -> dict[str, Any]:
    """Return the OpenAPI 3.1 document (a fresh copy the caller may change)."""
    return copy.deepcopy(
        {
            "openapi": "3.1.0",
            "info": {
                "title": "PlanCycle API",
                "version": "1.0.0",
                "description": "Inbox, tasks, plans, reporting periods and documents of PlanCycle. "
                "Authenticate with `POST /auth/token`, then send `Authorization: Bearer <token>`. Every "
                'error is `{"error": {"code", "message", "fields"}}` with a Vietnamese message.',
            },
            "servers": [{"url": "/api/v1"}],
            "security": [{"bearerAuth": []}],
            "tags": [
                {"name": "auth", "description": "Tokens."},
                {"name": "tasks", "description": "The inbox and the work on each item."},
                {"name": "plans", "description": "Plans."},
                {"name": "periods", "description": "Reporting periods and units' reports."},
                {"name": "documents", "description": "Official documents as PDF; background jobs."},
                {"name": "meta", "description": "This document."},
            ],
            "paths": PATHS,
            "components": {
                "securitySchemes": {
                    "bearerAuth": {
                        "type": "http",
                        "scheme": "bearer",
                        "description": "A token from `POST /auth/token`; the session cookie is not accepted.",
                    }
                },
                "schemas": SCHEMAS,
                "responses": RESPONSES,
                "parameters": PARAMETERS,
            },
        }
    )
