"""The JSON API under /api/v1 through the real engine: tokens, tasks, plans, periods, errors, the document."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi
from sqlalchemy import text
from werkzeug.exceptions import HTTPException
from werkzeug.test import TestResponse

from engine import SYSTEM, FrozenClock, Settings, UserInfo, WorkflowEngine, inbox, periods
from engine.db import create_db_engine
from engine.plan_results import SectionInput, TaskInput, UnitRef
from tests.conftest import TEST_PASSWORD, WORKFLOWS, Org
from tests.engine.helpers import start_unit_report
from tests.web.test_pages import sign_in
from web.api import choices
from web.api.openapi import document
from web.app import create_app

REPORT = {"summary": "Đã quán triệt đến 100% cán bộ", "difficulties": "Thiếu kinh phí"}


def rid() -> str:
    return uuid.uuid4().hex


def _app(engine: WorkflowEngine, secret: str = "test") -> Flask:
    return create_app({"TESTING": True, "SECRET_KEY": secret}, engine=engine)


@pytest.fixture
def client(engine: WorkflowEngine) -> FlaskClient:
    return _app(engine).test_client()


class Api:
    """A client that signs in once per login and sends the bearer token."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self._tokens: dict[str, str] = {}

    def token(self, login: str) -> str:
        if login not in self._tokens:
            response = self.client.post(
                "/api/v1/auth/token", json={"login": login, "password": TEST_PASSWORD}
            )
            assert response.status_code == 200, response.get_json()
            self._tokens[login] = response.get_json()["token"]
        return self._tokens[login]

    def get(self, login: str, path: str, **kwargs: Any) -> TestResponse:
        return self.client.get(f"/api/v1{path}", headers=self._auth(login), **kwargs)

    def post(self, login: str, path: str, body: Any = None, **kwargs: Any) -> TestResponse:
        return self.client.post(f"/api/v1{path}", json=body, headers=self._auth(login), **kwargs)

    def _auth(self, login: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(login)}"}


@pytest.fixture
def api(client: FlaskClient) -> Api:
    return Api(client)


# -- checking answers against the document ---------------------------------------------------

DOCUMENT = document()


def conforms(body: Any, schema_name: str) -> Any:
    """Assert ``body`` matches the named schema of the OpenAPI document; return it."""
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": DOCUMENT["components"]}
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    problems = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
    assert not problems, problems
    return body


def error_of(response: TestResponse, status: int, code: str) -> dict[str, Any]:
    """Assert a JSON error answer with ``status`` and ``code``; return its ``error`` object."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = conforms(response.get_json(), "Error")
    assert body["error"]["code"] == code, body
    assert body["error"]["message"]
    return dict(body["error"])


def audit_count(engine: WorkflowEngine) -> int:
    return len(engine.list_audit(actor=SYSTEM, limit=100_000))


@dataclass(frozen=True)
class Snapshot:
    task_version: int
    task_status: str
    audit_rows: int


def snapshot(engine: WorkflowEngine, task_id: int, user_id: int) -> Snapshot:
    task = engine.open_task(task_id, actor=user_id).task
    return Snapshot(task.version, task.status, audit_count(engine))


@pytest.fixture
def draft(engine: WorkflowEngine, org: Org) -> int:
    """The commune's open drafting task (a simple unit report started by the system)."""
    start_unit_report(engine, org.commune.id, org.focal.id)
    (task,) = engine.list_inbox(actor=org.drafter.id)
    return task.id


# -- the document ---------------------------------------------------------------------------


def test_the_document_is_valid_openapi_and_public(client: FlaskClient) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    served = response.get_json()
    validate_openapi(served)
    assert served["openapi"] == "3.1.0"
    assert served["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": served["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    operation_ids = [op["operationId"] for item in served["paths"].values() for op in item.values()]
    assert len(operation_ids) == len(set(operation_ids))


def test_every_route_is_documented_and_every_documented_path_exists(client: FlaskClient) -> None:
    app = client.application
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = rule.rule.removeprefix("/api/v1")
        for name in rule.arguments:
            path = path.replace(f"<int:{name}>", f"{{{name}}}").replace(f"<{name}>", f"{{{name}}}")
        routes |= {
            (path, method.lower()) for method in rule.methods or () if method not in ("HEAD", "OPTIONS")
        }
    documented = {(path, method) for path, item in DOCUMENT["paths"].items() for method in item}
    assert routes == documented
    assert len(routes) >= 12
    # Every path parameter the document names is declared on its operation.
    for path, item in DOCUMENT["paths"].items():
        for operation in item.values():
            names = {
                DOCUMENT["components"]["parameters"][p["$ref"].rsplit("/", 1)[1]]["name"]
                if "$ref" in p
                else p["name"]
                for p in operation.get("parameters", [])
            }
            for segment in path.split("/"):
                if segment.startswith("{"):
                    assert segment.strip("{}") in names, (path, segment)


def test_the_documents_closed_vocabularies_are_the_engines() -> None:
    assert choices.INBOX_VIEWS == inbox.VIEWS
    assert choices.INBOX_SORTS == inbox.SORTS
    assert choices.TRACKING_STATUSES == periods.TRACKING_STATUSES


# -- tokens ---------------------------------------------------------------------------------


def test_a_token_is_issued_for_a_correct_password_and_opens_the_api(
    engine: WorkflowEngine, org: Org, client: FlaskClient, clock: FrozenClock
) -> None:
    response = client.post("/api/v1/auth/token", json={"login": "xa.soan", "password": TEST_PASSWORD})
    assert response.status_code == 200
    body = conforms(response.get_json(), "Token")
    assert body["token_type"] == "Bearer"
    assert body["expires_at"] == (clock() + timedelta(hours=8)).isoformat()
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers  # the API keeps no session
    inbox = client.get("/api/v1/inbox", headers={"Authorization": f"Bearer {body['token']}"})
    assert inbox.status_code == 200
    assert conforms(inbox.get_json(), "InboxPage")["total"] == 0


def test_a_wrong_password_or_unknown_login_is_a_401_with_one_message(
    engine: WorkflowEngine, org: Org, client: FlaskClient
) -> None:
    wrong = client.post("/api/v1/auth/token", json={"login": "xa.soan", "password": "nope"})
    unknown = client.post("/api/v1/auth/token", json={"login": "ai.do", "password": "nope"})
    for response in (wrong, unknown):
        error = error_of(response, 401, "invalid_credentials")
        assert "Sai tên đăng nhập hoặc mật khẩu" in error["message"]
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert "token" not in response.get_json()


def test_repeated_wrong_passwords_lock_the_login_with_a_retry_after(
    engine: WorkflowEngine, org: Org, client: FlaskClient
) -> None:
    for _attempt in range(engine.settings.login_max_failures):
        error_of(
            client.post("/api/v1/auth/token", json={"login": "xa.soan", "password": "x"}),
            401,
            "invalid_credentials",
        )
    locked = client.post("/api/v1/auth/token", json={"login": "xa.soan", "password": TEST_PASSWORD})
    error_of(locked, 429, "too_many_attempts")
    assert int(locked.headers["Retry-After"]) > 0


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"login": "xa.soan"}, {"password"}),
        ({"login": 7, "password": TEST_PASSWORD}, {"login"}),
        ({"login": "xa.soan", "password": TEST_PASSWORD, "remember": True}, {"remember"}),
        ({}, {"login", "password"}),
    ],
)
def test_a_token_request_with_bad_fields_is_a_422_naming_them(
    engine: WorkflowEngine, org: Org, client: FlaskClient, body: dict[str, Any], fields: set[str]
) -> None:
    before = audit_count(engine)
    error = error_of(client.post("/api/v1/auth/token", json=body), 422, "invalid")
    assert set(error["fields"]) == fields
    assert all(error["fields"].values())
    assert audit_count(engine) == before


def test_a_token_request_that_is_not_a_json_object_is_a_400(
    engine: WorkflowEngine, client: FlaskClient
) -> None:
    path = "/api/v1/auth/token"
    malformed = client.post(path, data='{"login": "xa.soan",', content_type="application/json")
    assert "JSON" in error_of(malformed, 400, "malformed_json")["message"]
    error_of(client.post(path, json=["xa.soan", TEST_PASSWORD]), 400, "invalid_body")
    error_of(client.post(path, data="", content_type="application/json"), 400, "invalid_body")
    error_of(
        client.post(path, data="login=xa.soan", content_type="text/plain"), 415, "unsupported_media_type"
    )


def test_no_token_a_forged_token_or_another_scheme_is_a_401(
    engine: WorkflowEngine, org: Org, client: FlaskClient
) -> None:
    missing = client.get("/api/v1/inbox")
    error_of(missing, 401, "unauthorized")
    assert missing.headers["WWW-Authenticate"] == 'Bearer realm="PlanCycle API"'
    # A token signed with another key: well formed, but not ours.
    other = _app(engine, secret="another-key").test_client()
    foreign = Api(other).token("xa.soan")
    genuine = Api(client).token("xa.soan")
    tampered = genuine[:-2] + ("AA" if genuine[-2:] != "AA" else "BB")
    for header in (
        f"Bearer {foreign}",
        f"Bearer {tampered}",
        "Bearer not-a-token",
        f"Basic {genuine}",
        "Bearer",
    ):
        response = client.get("/api/v1/inbox", headers={"Authorization": header})
        error_of(response, 401, "unauthorized")
        assert response.headers["WWW-Authenticate"].startswith('Bearer realm="PlanCycle API"')
    forged = client.get("/api/v1/inbox", headers={"Authorization": f"Bearer {foreign}"})
    assert 'error="invalid_token"' in forged.headers["WWW-Authenticate"]
    assert client.get("/api/v1/inbox", headers={"Authorization": f"bearer {genuine}"}).status_code == 200


def test_a_token_expires_after_eight_hours(
    engine: WorkflowEngine, org: Org, api: Api, clock: FrozenClock
) -> None:
    assert api.get("xa.soan", "/inbox").status_code == 200
    clock.advance(timedelta(hours=8) - timedelta(seconds=1))
    assert api.get("xa.soan", "/inbox").status_code == 200
    clock.advance(timedelta(seconds=2))
    error = error_of(api.get("xa.soan", "/inbox"), 401, "unauthorized")
    assert "hết hạn" in error["message"]


def test_the_session_cookie_never_opens_the_api(
    engine: WorkflowEngine, org: Org, client: FlaskClient
) -> None:
    assert sign_in(client, "xa.soan").status_code == 302
    assert client.get("/inbox/").status_code == 200  # the cookie works for pages
    error_of(client.get("/api/v1/inbox"), 401, "unauthorized")


def test_a_disabled_account_loses_its_token_and_gets_no_new_one(
    engine: WorkflowEngine, org: Org, api: Api, settings: Settings
) -> None:
    assert api.get("xa.soan", "/inbox").status_code == 200
    db_engine = create_db_engine(settings.database_url)
    with db_engine.begin() as conn:
        conn.execute(text("UPDATE app_user SET is_active = false WHERE id = :id"), {"id": org.drafter.id})
    db_engine.dispose()
    error_of(api.get("xa.soan", "/inbox"), 401, "unauthorized")
    fresh = api.client.post("/api/v1/auth/token", json={"login": "xa.soan", "password": TEST_PASSWORD})
    error_of(fresh, 401, "invalid_credentials")


# -- the inbox ------------------------------------------------------------------------------


def test_the_inbox_lists_the_users_open_items_a_page_at_a_time(
    engine: WorkflowEngine, org: Org, api: Api
) -> None:
    start_unit_report(engine, org.commune.id, org.focal.id)
    start_unit_report(engine, org.commune.id, org.focal.id)
    first = conforms(api.get("xa.soan", "/inbox").get_json(), "InboxPage")
    assert (first["total"], first["has_more"]) == (2, False)
    assert [t["task_name"] for t in first["items"]] == ["draft", "draft"]
    item = first["items"][0]
    assert (item["due_at"], item["deadline_status"]) == ("2024-11-15T02:00:00+00:00", "on_time")
    assert (item["unit_name"], item["may_claim"], item["may_release"]) == ("UBND xã Thái Bình", True, False)
    second = conforms(api.get("xa.soan", "/inbox?per_page=1&page=2").get_json(), "InboxPage")
    assert (second["page"], second["per_page"], second["total"], second["has_more"]) == (2, 1, 2, False)
    assert [t["id"] for t in second["items"]] == [first["items"][1]["id"]]
    assert api.get("xa.soan", "/inbox?per_page=1").get_json()["has_more"] is True
    assert api.get("khac.soan", "/inbox").get_json()["items"] == []


def test_inbox_views_and_search(engine: WorkflowEngine, org: Org, api: Api, draft: int) -> None:
    assert api.get("xa.soan", "/inbox?view=mine").get_json()["total"] == 0
    assert api.get("xa.soan", "/inbox?view=unit").get_json()["total"] == 1
    assert api.get("xa.soan", "/inbox?q=thai+binh").get_json()["total"] == 1  # accents ignored
    assert api.get("xa.soan", "/inbox?q=hao+duoc").get_json()["total"] == 0
    assert api.get("xa.soan", "/inbox?view=overdue&descending=true").get_json()["total"] == 0
    version = snapshot(engine, draft, org.drafter.id).task_version
    body = {"action": "submit", "values": REPORT, "version": version, "request_id": rid()}
    assert api.post("xa.soan", f"/tasks/{draft}/submit", body).status_code == 200
    done = conforms(api.get("xa.soan", "/inbox?view=done").get_json(), "InboxPage")
    assert [(t["id"], t["status"], t["completed_action"]) for t in done["items"]] == [
        (draft, "completed", "submit")
    ]
    assert api.get("xa.soan", "/inbox").get_json()["total"] == 0


def test_bad_inbox_parameters_are_a_400_naming_them(engine: WorkflowEngine, org: Org, api: Api) -> None:
    bad = "/inbox?page=0&per_page=5000&sort=title&view=all&descending=maybe&q=" + "x" * 201 + "&order=asc"
    error = error_of(api.get("xa.soan", bad), 400, "invalid_query")
    assert set(error["fields"]) == {"page", "per_page", "sort", "view", "descending", "q", "order"}
    assert set(error_of(api.get("xa.soan", "/inbox?page=abc"), 400, "invalid_query")["fields"]) == {"page"}


# -- a task ---------------------------------------------------------------------------------


def test_a_task_comes_with_its_values_form_history_and_allowed_actions(
    engine: WorkflowEngine, org: Org, api: Api, draft: int
) -> None:
    response = api.get("xa.soan", f"/tasks/{draft}")
    assert response.status_code == 200
    body = conforms(response.get_json(), "TaskDetail")
    assert body["task"]["id"] == draft
    assert body["version"] == body["task"]["version"]
    assert body["allowed_actions"] == ["submit", "claim"]
    assert body["form"]["key"] == "unit_report_draft"
    fields = {f["name"]: f for f in body["form"]["fields"]}
    assert (fields["summary"]["type"], fields["summary"]["required"]) == ("string", True)
    assert (fields["funding_estimate"]["type"], fields["funding_estimate"]["required"]) == ("integer", False)
    assert fields["summary"]["label"] == "Kết quả thực hiện"
    assert body["history"][0]["action"] == "instance.started"


def test_another_units_user_gets_404_for_every_task_endpoint_and_changes_nothing(
    engine: WorkflowEngine, org: Org, api: Api, draft: int
) -> None:
    before = snapshot(engine, draft, org.drafter.id)
    version = before.task_version
    attempts = [
        api.get("khac.soan", f"/tasks/{draft}"),
        api.post(
            "khac.soan",
            f"/tasks/{draft}/submit",
            {"action": "submit", "values": REPORT, "version": version, "request_id": rid()},
        ),
        api.post("khac.soan", f"/tasks/{draft}/claim", {"version": version}),
        api.post("khac.soan", f"/tasks/{draft}/release", {"version": version}),
        api.post(
            "khac.soan", f"/tasks/{draft}/return", {"reason": "Sai", "version": version, "request_id": rid()}
        ),
        api.get("khac.soan", "/tasks/999999"),
    ]
    for response in attempts:
        assert "nhiệm vụ" in error_of(response, 404, "not_found")["message"]
    assert snapshot(engine, draft, org.drafter.id) == before


def test_submitting_completes_the_task_and_opens_the_next_step(
    engine: WorkflowEngine, org: Org, api: Api, draft: int
) -> None:
    version = api.get("xa.soan", f"/tasks/{draft}").get_json()["version"]
    response = api.post(
        "xa.soan",
        f"/tasks/{draft}/submit",
        {
            "action": "submit",
            "values": {**REPORT, "funding_estimate": 1500000},
            "version": version,
            "request_id": rid(),
        },
    )
    assert response.status_code == 200, response.get_json()
    body = conforms(response.get_json(), "SubmitResult")
    assert (body["task"]["status"], body["task"]["completed_action"], body["was_repeat"]) == (
        "completed",
        "submit",
        False,
    )
    assert [t["task_name"] for t in body["next_tasks"]] == ["head_review"]
    head_inbox = api.get("xa.truong", "/inbox").get_json()
    assert [t["id"] for t in head_inbox["items"]] == [body["next_tasks"][0]["id"]]
    review = api.get("xa.truong", f"/tasks/{head_inbox['items'][0]['id']}").get_json()
    assert review["allowed_actions"] == ["approve", "return", "claim"]


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        (lambda b: b.pop("version"), {"version"}),
        (lambda b: b.update(version="3"), {"version"}),
        (lambda b: b.update(version=True), {"version"}),
        (lambda b: b.update(version=-1), {"version"}),
        (lambda b: b.pop("action"), {"action"}),
        (lambda b: b.update(action=""), {"action"}),
        (lambda b: b.update(request_id="   "), {"request_id"}),
        (lambda b: b.update(request_id="x" * 101), {"request_id"}),
        (lambda b: b.update(request_id=42), {"request_id"}),
        (lambda b: b.update(values=["Đã quán triệt"]), {"values"}),
        (lambda b: b.update(value=REPORT), {"value"}),
        (lambda b: b.update(values={"difficulties": "Thiếu kinh phí"}), {"values.summary"}),
        (lambda b: b.update(values={**REPORT, "funding_estimate": -5}), {"values.funding_estimate"}),
        (lambda b: b.update(values={**REPORT, "summary": "x" * 5001}), {"values.summary"}),
        (lambda b: b.update(action="return"), {"action"}),
    ],
)
def test_bad_submissions_are_a_422_naming_the_fields_and_change_nothing(
    engine: WorkflowEngine,
    org: Org,
    api: Api,
    draft: int,
    change: Callable[[dict[str, Any]], Any],
    fields: set[str],
) -> None:
    before = snapshot(engine, draft, org.drafter.id)
    body: dict[str, Any] = {
        "action": "submit",
        "values": REPORT,
        "version": before.task_version,
        "request_id": rid(),
    }
    change(body)
    error = error_of(api.post("xa.soan", f"/tasks/{draft}/submit", body), 422, "invalid")
    assert set(error["fields"]) == fields, error
    assert all(isinstance(m, str) and m for m in error["fields"].values())
    assert snapshot(engine, draft, org.drafter.id) == before


def test_a_malformed_or_oversized_body_is_refused_before_the_engine(
    engine: WorkflowEngine, org: Org, api: Api, draft: int
) -> None:
    before = snapshot(engine, draft, org.drafter.id)
    path = f"/tasks/{draft}/submit"
    error_of(
        api.post("xa.soan", path, data="{not json", content_type="application/json"), 400, "malformed_json"
    )
    error_of(api.post("xa.soan", path, data="[1, 2]", content_type="application/json"), 400, "invalid_body")
    huge = {"action": "submit", "values": {"summary": "x" * (1024 * 1024)}, "version": 1, "request_id": rid()}
    too_large = api.post("xa.soan", path, huge)
    error_of(too_large, 413, "too_large")
    assert snapshot(engine, draft, org.drafter.id) == before


def test_a_stale_version_is_a_409_asking_to_reload(
    engine: WorkflowEngine, org: Org, api: Api, draft: int
) -> None:
    before = snapshot(engine, draft, org.drafter.id)
    body = {"action": "submit", "values": REPORT, "version": before.task_version - 1, "request_id": rid()}
    error = error_of(api.post("xa.soan", f"/tasks/{draft}/submit", body), 409, "stale")
    assert "tải lại" in error["message"]
    assert snapshot(engine, draft, org.drafter.id) == before
    # Someone else's claim bumps the version: the drafter's old version is now stale everywhere.
    assert api.post("xa.soan", f"/tasks/{draft}/claim", {"version": before.task_version}).status_code == 200
    for path, payload in (
        ("claim", {"version": before.task_version}),
        ("release", {"version": before.task_version}),
        ("submit", {**body, "version": before.task_version}),
    ):
        error_of(api.post("xa.soan", f"/tasks/{draft}/{path}", payload), 409, "stale")


def test_submitting_twice_with_one_request_id_is_harmless(
    engine: WorkflowEngine, org: Org, api: Api, draft: int
) -> None:
    version = snapshot(engine, draft, org.drafter.id).task_version
    body = {"action": "submit", "values": REPORT, "version": version, "request_id": rid()}
    first = api.post("xa.soan", f"/tasks/{draft}/submit", body)
    assert first.status_code == 200
    rows_after_first = audit_count(engine)
    again = api.post("xa.soan", f"/tasks/{draft}/submit", body)
    assert again.status_code == 200
    assert conforms(again.get_json(), "SubmitResult")["was_repeat"] is True
    assert again.get_json()["task"] == first.get_json()["task"]
    assert audit_count(engine) == rows_after_first
    assert len(api.get("xa.truong", "/inbox").get_json()["items"]) == 1
    # A new request id on the completed task is stale, not a second completion.
    error_of(api.post("xa.soan", f"/tasks/{draft}/submit", {**body, "request_id": rid()}), 409, "stale")


def test_claim_and_release_move_the_task_and_its_version(
    engine: WorkflowEngine, org: Org, api: Api, draft: int
) -> None:
    version = snapshot(engine, draft, org.drafter.id).task_version
    claimed = api.post("xa.soan", f"/tasks/{draft}/claim", {"version": version})
    body = conforms(claimed.get_json(), "ClaimResult")
    assert body["task"]["claimed_by_id"] == org.drafter.id
    assert body["task"]["version"] == version + 1
    assert body["allowed_actions"] == ["submit", "release"]
    released = api.post("xa.soan", f"/tasks/{draft}/release", {"version": version + 1})
    body = conforms(released.get_json(), "ClaimResult")
    assert body["task"]["claimed_by_id"] is None
    assert body["allowed_actions"] == ["submit", "claim"]
    assert set(error_of(api.post("xa.soan", f"/tasks/{draft}/claim", {}), 422, "invalid")["fields"]) == {
        "version"
    }


def test_the_wrong_role_or_a_colleagues_hold_is_refused_and_changes_nothing(
    engine: WorkflowEngine, org: Org, api: Api, draft: int, make_user: Callable[..., UserInfo]
) -> None:
    make_user("xa.soan2", org.commune.id, "drafter")
    before = snapshot(engine, draft, org.drafter.id)
    version = before.task_version
    submit = {"action": "submit", "values": REPORT, "version": version, "request_id": rid()}
    # The unit's head is not the drafter: the drafting step is not theirs to see.
    error_of(api.post("xa.truong", f"/tasks/{draft}/submit", submit), 404, "not_found")
    # The drafter may not approve at the drafting step, nor return from it.
    error_of(api.post("xa.soan", f"/tasks/{draft}/submit", {**submit, "action": "approve"}), 403, "forbidden")
    error_of(
        api.post(
            "xa.soan", f"/tasks/{draft}/return", {"reason": "Sai", "version": version, "request_id": rid()}
        ),
        403,
        "forbidden",
    )
    error_of(api.post("xa.soan", f"/tasks/{draft}/release", {"version": version}), 403, "forbidden")
    assert snapshot(engine, draft, org.drafter.id) == before
    # A colleague holds it: the other drafter may neither take it nor complete it.
    assert api.post("xa.soan", f"/tasks/{draft}/claim", {"version": version}).status_code == 200
    held = snapshot(engine, draft, org.drafter.id)
    detail = api.get("xa.soan2", f"/tasks/{draft}").get_json()
    assert detail["allowed_actions"] == []
    error_of(api.post("xa.soan2", f"/tasks/{draft}/claim", {"version": version + 1}), 403, "forbidden")
    error_of(
        api.post("xa.soan2", f"/tasks/{draft}/submit", {**submit, "version": version + 1}), 403, "forbidden"
    )
    assert snapshot(engine, draft, org.drafter.id) == held


def test_returning_needs_a_reason_and_sends_the_report_back(
    engine: WorkflowEngine, org: Org, api: Api, draft: int
) -> None:
    version = snapshot(engine, draft, org.drafter.id).task_version
    submitted = api.post(
        "xa.soan",
        f"/tasks/{draft}/submit",
        {"action": "submit", "values": REPORT, "version": version, "request_id": rid()},
    )
    review = submitted.get_json()["next_tasks"][0]
    before = snapshot(engine, review["id"], org.head.id)
    path = f"/tasks/{review['id']}/return"
    for body, fields in (
        ({"version": review["version"], "request_id": rid()}, {"reason"}),
        ({"reason": "   ", "version": review["version"], "request_id": rid()}, {"reason"}),
        ({"reason": "x" * 2001, "version": review["version"], "request_id": rid()}, {"reason"}),
        ({"reason": ["Sai"], "version": review["version"]}, {"reason", "request_id"}),
    ):
        assert set(error_of(api.post("xa.truong", path, body), 422, "invalid")["fields"]) == fields
    assert snapshot(engine, review["id"], org.head.id) == before
    returned = api.post(
        "xa.truong", path, {"reason": "Bổ sung số liệu", "version": review["version"], "request_id": rid()}
    )
    assert returned.status_code == 200, returned.get_json()
    body = conforms(returned.get_json(), "SubmitResult")
    assert body["task"]["completed_action"] == "return"
    assert [t["task_name"] for t in body["next_tasks"]] == ["draft"]
    history = api.get("xa.soan", f"/tasks/{body['next_tasks'][0]['id']}").get_json()["history"]
    assert any(h["details"].get("reason") == "Bổ sung số liệu" for h in history)


# -- plans and periods ----------------------------------------------------------------------


@dataclass(frozen=True)
class Cycle:
    plan_id: int
    period_id: int


@pytest.fixture
def cycle(engine: WorkflowEngine, org: Org, make_user: Callable[..., UserInfo]) -> Cycle:
    """An issued province plan led by both communes and an open reporting period on it."""
    for path in sorted(WORKFLOWS.glob("*/*.bpmn")):
        engine.deploy_definition(path.read_bytes(), actor=SYSTEM, filename=path.name)
    leader = make_user("lanhdao", org.province.id, "leader")
    focal = org.focal_officer.id
    plan = engine.create_plan(
        issuing_unit_id=org.province.id,
        focal_unit_id=org.focal.id,
        year=2024,
        place="Tây Ninh",
        title="Kế hoạch triển khai Chỉ thị 14/CT-TTg",
        legal_bases=["Chỉ thị 14/CT-TTg ngày 07/6/2019"],
        actor=focal,
    )
    communes = (UnitRef(unit_id=org.commune.id), UnitRef(unit_id=org.other_commune.id))
    engine.set_plan_tasks(
        plan.id,
        [
            SectionInput(
                "I",
                "Tuyên truyền",
                (TaskInput("Quán triệt Luật An ninh mạng", "Quý IV năm 2024", lead=communes),),
            )
        ],
        actor=focal,
    )
    engine.issue_plan(
        plan.id, signer_id=leader.id, authority_form="TM", issued_on=date(2024, 11, 1), actor=leader.id
    )
    period = engine.open_period(
        plan.id,
        label="Năm 2024",
        year=2024,
        data_cutoff=date(2024, 12, 31),
        unit_deadline=date(2025, 2, 5),
        focal_deadline=date(2025, 2, 6),
        actor=focal,
    )
    return Cycle(plan.id, period.id)


def test_a_plan_comes_with_its_task_table_and_periods(
    engine: WorkflowEngine, org: Org, api: Api, cycle: Cycle
) -> None:
    body = conforms(api.get("xa.soan", f"/plans/{cycle.plan_id}").get_json(), "Plan")
    assert (body["status"], body["year"], body["authority_form"]) == ("issued", 2024, "TM")
    assert (body["issuing_unit_name"], body["focal_unit_name"]) == (org.province.name, org.focal.name)
    assert [t["content"] for t in body["tasks"]] == ["Quán triệt Luật An ninh mạng"]
    assert {u["name"] for u in body["tasks"][0]["lead"]} == {"UBND xã Thái Bình", "UBND xã Hảo Đước"}
    assert set(body["assigned_unit_ids"]) == {org.commune.id, org.other_commune.id}
    assert [p["id"] for p in body["periods"]] == [cycle.period_id]
    error_of(api.get("xa.soan", "/plans/999999"), 404, "not_found")


def test_the_plan_list_shows_what_each_user_may_see(
    engine: WorkflowEngine, org: Org, api: Api, cycle: Cycle
) -> None:
    draft = engine.create_plan(
        issuing_unit_id=org.focal.id,
        focal_unit_id=org.focal.id,
        year=2025,
        place="Tây Ninh",
        title="Kế hoạch chuyển đổi số năm 2025",
        actor=org.focal_officer.id,
    )
    focal = conforms(api.get("daumoi", "/plans").get_json(), "PlanSummaryPage")
    assert [p["id"] for p in focal["items"]] == [draft.id, cycle.plan_id]  # newest year first
    assert focal["has_more"] is False
    assert "total" not in focal
    commune = api.get("xa.soan", "/plans").get_json()
    assert [p["id"] for p in commune["items"]] == [cycle.plan_id]
    error_of(api.get("xa.soan", f"/plans/{draft.id}"), 404, "not_found")  # another unit's draft
    assert [p["id"] for p in api.get("daumoi", "/plans?status=draft").get_json()["items"]] == [draft.id]
    assert [p["id"] for p in api.get("daumoi", "/plans?year=2024").get_json()["items"]] == [cycle.plan_id]
    assert [p["id"] for p in api.get("daumoi", "/plans?q=chuyển+đổi").get_json()["items"]] == [draft.id]
    first = api.get("daumoi", "/plans?per_page=1").get_json()
    assert ([p["id"] for p in first["items"]], first["has_more"]) == ([draft.id], True)
    second = api.get("daumoi", "/plans?per_page=1&page=2").get_json()
    assert ([p["id"] for p in second["items"]], second["has_more"]) == ([cycle.plan_id], False)
    error = error_of(api.get("daumoi", "/plans?year=20x4&status=old"), 400, "invalid_query")
    assert set(error["fields"]) == {"year", "status"}


def test_the_period_list_shows_each_user_their_periods(
    engine: WorkflowEngine, org: Org, api: Api, cycle: Cycle
) -> None:
    focal = conforms(api.get("daumoi", "/periods").get_json(), "PeriodSummaryPage")
    assert [(p["id"], p["sees_all"], p["unit_count"]) for p in focal["items"]] == [(cycle.period_id, True, 2)]
    commune = conforms(api.get("xa.soan", "/periods").get_json(), "PeriodSummaryPage")
    assert [(p["id"], p["sees_all"], p["own_unit_ids"]) for p in commune["items"]] == [
        (cycle.period_id, False, [org.commune.id])
    ]
    assert api.get("daumoi", f"/periods?plan_id={cycle.plan_id}").get_json()["total"] == 1
    assert api.get("daumoi", f"/periods?plan_id={cycle.plan_id + 1000}").get_json()["total"] == 0
    assert api.get("daumoi", "/periods?page=2").get_json()["items"] == []
    assert set(error_of(api.get("daumoi", "/periods?plan_id=0"), 400, "invalid_query")["fields"]) == {
        "plan_id"
    }


def test_the_period_board_and_units_are_for_the_focal_unit(
    engine: WorkflowEngine, org: Org, api: Api, cycle: Cycle
) -> None:
    board = conforms(api.get("daumoi", f"/periods/{cycle.period_id}").get_json(), "PeriodBoard")
    assert board["period"]["unit_count"] == 2
    assert board["tracking_counts"]["not_started"] == 2
    units = conforms(api.get("daumoi", f"/periods/{cycle.period_id}/units").get_json(), "UnitStepPage")
    assert [u["unit_name"] for u in units["items"]] == ["UBND xã Hảo Đước", "UBND xã Thái Bình"]
    row = units["items"][1]
    assert (row["step"], row["status"], row["holder"]) == (
        "draft",
        "not_started",
        {"unit_id": org.commune.id, "role": "drafter", "user_id": None},
    )
    assert row["deadline"] == "2025-02-05T10:00:00+00:00"  # 17:00 in Hà Nội on the deadline day
    paged = api.get("daumoi", f"/periods/{cycle.period_id}/units?per_page=1&page=2").get_json()
    assert ([u["unit_name"] for u in paged["items"]], paged["total"]) == (["UBND xã Thái Bình"], 2)
    assert api.get("daumoi", f"/periods/{cycle.period_id}/units?status=overdue").get_json()["total"] == 0
    error = error_of(api.get("daumoi", f"/periods/{cycle.period_id}/units?status=late"), 400, "invalid_query")
    assert set(error["fields"]) == {"status"}
    for login in ("xa.soan", "xa.truong"):
        error_of(api.get(login, f"/periods/{cycle.period_id}"), 404, "not_found")
        error_of(api.get(login, f"/periods/{cycle.period_id}/units"), 404, "not_found")
    error_of(api.get("daumoi", "/periods/999999"), 404, "not_found")


def test_a_units_report_is_for_its_unit_and_the_focal_unit_once_submitted(
    engine: WorkflowEngine, org: Org, api: Api, cycle: Cycle
) -> None:
    path = f"/periods/{cycle.period_id}/units/{org.commune.id}"
    error_of(api.get("daumoi", path), 404, "not_found")  # still a draft
    error_of(api.get("khac.soan", path), 404, "not_found")
    (draft,) = api.get("xa.soan", "/inbox").get_json()["items"]
    submitted = api.post(
        "xa.soan",
        f"/tasks/{draft['id']}/submit",
        {"action": "submit", "values": REPORT, "version": draft["version"], "request_id": rid()},
    )
    assert submitted.status_code == 200, submitted.get_json()
    own = conforms(api.get("xa.soan", path).get_json(), "UnitReport")
    assert (own["period_id"], own["unit_id"]) == (cycle.period_id, org.commune.id)
    assert own["body"]["summary"] == REPORT["summary"]
    error_of(api.get("khac.soan", path), 404, "not_found")


# -- errors everywhere under the prefix -----------------------------------------------------


def test_unknown_routes_and_methods_answer_json_under_the_api_only(
    engine: WorkflowEngine, org: Org, api: Api, client: FlaskClient
) -> None:
    error_of(client.get("/api/v1/no-such-thing"), 404, "not_found")
    error_of(api.get("xa.soan", "/tasks/abc"), 404, "not_found")
    wrong_method = client.delete("/api/v1/inbox")
    error_of(wrong_method, 405, "method_not_allowed")
    assert "GET" in wrong_method.headers["Allow"]
    error_of(client.get("/api/v1/auth/token"), 405, "method_not_allowed")
    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert page.mimetype == "text/html"


def test_other_paths_keep_the_apps_own_error_handlers(engine: WorkflowEngine, client: FlaskClient) -> None:
    app = client.application
    app.register_error_handler(HTTPException, lambda error: (f"trang lỗi {error.code}", error.code))
    assert client.get("/no-such-page").get_data(as_text=True) == "trang lỗi 404"
    assert client.post("/healthz").get_data(as_text=True) == "trang lỗi 405"
    error_of(client.get("/api/v1/no-such-thing"), 404, "not_found")
