"""Every route and API endpoint, walked as a user of another unit and as a user of the wrong role.

The walk reads the app's URL map, so a new route is walked as soon as it exists; a route
parameter the walk does not know fails the test until someone says which object it names.
Each object the walk points at belongs to UBND xã Thái Bình (or to the district's focal
office). Pass: every answer is 403 or 404, or a page that shows none of the owner's private
markers; and the database is exactly as it was.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import MetaData, create_engine, select

from engine import FrozenClock, WorkflowEngine
from engine.plan_page_results import PlanDraftInput
from tests.scene import District, at_local, build_district
from web.app import create_app

PRIVATE = "Ghi chú nội bộ số 4711 của xã Thái Bình"
FILE_NAME = "so-lieu-noi-bo-4711.pdf"
FILTER_NAME = "Bộ lọc riêng 4711"
DRAFT_TITLE = "Dự thảo kế hoạch nội bộ 4711 của huyện"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# Tables that change when someone merely signs in or reads (none of them is another unit's data).
VOLATILE = {"login_failure"}
# Routes that act only on the caller's own things (their session, their filters, their new plan).
OWN_ACTIONS = {
    "auth.login",
    "auth.logout",
    "i18n.choose_language",
    "inbox.save_filter",
    "notifications.mark_read",
    "notifications.mail_settings",
    "plans.create",
    "api.issue_token",
}
PUBLIC = {"static", "healthz", "api.openapi_document"}


@dataclass(frozen=True)
class Scene:
    district: District
    objects: dict[str, int | str]
    markers: tuple[str, ...]


@pytest.fixture
def scene(engine: WorkflowEngine, clock: FrozenClock) -> Scene:
    world = build_district(engine, clock)
    users = world.users
    thai_binh = world.communes[0]
    drafter = users["xa.soan"]
    [draft] = [t for t in engine.list_inbox(actor=drafter) if t.task_name == "draft"]
    engine.save_task_draft(draft.id, {"summary": PRIVATE}, actor=drafter)
    attachment = engine.add_attachment(draft.id, FILE_NAME, "application/pdf", PDF, actor=drafter)
    saved = engine.save_inbox_filter(FILTER_NAME, {"view": "open"}, actor=drafter)
    focal = users["huyen.daumoi"]
    secret_plan = engine.create_draft_plan(
        PlanDraftInput(title=DRAFT_TITLE, year=2025, place="Châu Thành"),
        issuing_unit_id=world.district,
        focal_unit_id=world.office,
        actor=focal,
    )
    job = engine.queue_open_period(
        world.plan_id,
        label="6 tháng đầu năm 2025",
        year=2025,
        data_cutoff=date(2025, 6, 15),
        unit_deadline=date(2025, 6, 20),
        focal_deadline=date(2025, 6, 25),
        actor=focal,
    )
    # The chase ladder runs to its letter, so the unit has a reminder letter to walk to.
    day = date(2025, 1, 10)
    while day <= date(2025, 2, 10):
        at_local(clock, day)
        engine.fire_due_timers()
        day += timedelta(days=1)
    [letter] = [
        d
        for d in engine.list_period_documents(world.period_id, actor=focal)
        if d.recipient_unit_id == thai_binh
    ]
    kept = engine.render_consolidated_report(world.period_id, actor=focal)
    objects = {
        "task_id": draft.id,
        "attachment_id": attachment.id,
        "filter_id": saved.id,
        "plan_id": secret_plan.id,
        "period_id": world.period_id,
        "unit_id": thai_binh,
        "document_id": letter.id,
        "job_id": job.id,
        "file_id": kept.id,
        # A form key (/bieu-mau/<key>) or a process key (/quy-trinh/<key>); administrators only.
        "key": "unit_report_draft",
        "instance_id": draft.instance_id,  # Thái Bình's unit report; administrators only
    }
    names = [
        engine.get_user(users[login], actor=users[login]).full_name for login in ("xa.soan", "xa.truong")
    ]
    return Scene(world, objects, (PRIVATE, FILE_NAME, FILTER_NAME, DRAFT_TITLE, *names))


def _fingerprint(url: str) -> dict[str, str]:
    """Hash every table's rows, in id order, so any change anywhere shows."""
    db = create_engine(url)
    try:
        metadata = MetaData()
        metadata.reflect(db)
        prints = {}
        with db.connect() as conn:
            for name, table in sorted(metadata.tables.items()):
                if name in VOLATILE or name == "alembic_version":
                    continue
                order = list(table.primary_key.columns) or list(table.columns)
                rows = conn.execute(select(table).order_by(*order)).all()
                prints[name] = hashlib.sha256(repr(rows).encode()).hexdigest()
        return prints
    finally:
        db.dispose()


def _routes(app: Flask) -> Iterator[tuple[str, str, str]]:
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if method != "GET" and rule.endpoint in OWN_ACTIONS:
                continue
            yield rule.endpoint, method, rule.rule


def _fill(rule: str, objects: dict[str, int | str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in objects, f"the walk does not know which object <{name}> names in {rule}"
        return str(objects[name])

    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", value, rule)


def _token(client: FlaskClient) -> str:
    page = client.get("/inbox/").get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match
    return match.group(1)


FORM = {"action": "submit", "version": "1", "request_id": "walk", "reason": "xem thử", "summary": "ghi đè"}
# Well-formed bodies per API action, so the answer is about who asks, not what was sent.
JSON_BODIES = {
    "submit": {"action": "submit", "values": {"summary": "ghi đè"}, "version": 1, "request_id": "walk"},
    "return": {"reason": "xem thử", "version": 1, "request_id": "walk"},
    "claim": {"version": 1},
    "release": {"version": 1},
    "consolidated-reports": {},
}


def _walk(
    engine: WorkflowEngine,
    scene: Scene,
    login: str,
    walked: dict[str, int],
    *,
    markers: tuple[str, ...],
    may_open: frozenset[str] = frozenset(),
) -> list[str]:
    app = create_app({"TESTING": True, "SECRET_KEY": "walk"}, engine=engine)
    client = app.test_client()
    client.post(
        "/auth/login", data={"login": login, "password": "secret-pass", "csrf_token": _token_anon(client)}
    )
    assert client.get("/inbox/").status_code == 200, "signed in"
    bearer = client.post("/api/v1/auth/token", json={"login": login, "password": "secret-pass"}).get_json()[
        "token"
    ]
    csrf = _token(client)
    leaks = []
    for endpoint, method, rule in sorted(_routes(app)):
        url = _fill(rule, scene.objects)
        if rule.startswith("/api/"):
            headers = {"Authorization": f"Bearer {bearer}"}
            answer = client.open(
                url,
                method=method,
                headers=headers,
                json=JSON_BODIES[url.rsplit("/", 1)[1]] if method == "POST" else None,
            )
        else:
            answer = client.open(
                url, method=method, data={**FORM, "csrf_token": csrf} if method == "POST" else None
            )
        body = answer.get_data().decode("utf-8", "replace")  # PDFs are bytes
        walked[f"{method} {rule}"] = answer.status_code
        if answer.status_code in (403, 404):
            continue
        # A period is shared by its units: each may open it and see its own row, never another's.
        shared = set(re.findall(r"<(?:[a-z]+:)?([a-z_]+)>", rule)) <= {"period_id"} or endpoint in may_open
        shown = [marker for marker in markers if marker in body]
        if (not shared and "<" in rule) or shown or answer.status_code >= 500:
            leaks.append(f"{method} {url} ({endpoint}) -> {answer.status_code} {shown}")
    return leaks


def _token_anon(client: FlaskClient) -> str:
    page = client.get("/auth/login").get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match
    return match.group(1)


@pytest.mark.parametrize("login", ["khac.soan", "khac.truong"])
def test_a_user_of_another_unit_reaches_nothing_and_changes_nothing(
    engine: WorkflowEngine, scene: Scene, login: str
) -> None:
    before = _fingerprint(engine.settings.database_url)
    walked: dict[str, int] = {}
    assert _walk(engine, scene, login, walked, markers=(*scene.markers, "Thái Bình")) == []
    assert len(walked) >= 40
    refused = [route for route, status in walked.items() if status in (403, 404)]
    assert all(route in refused for route in walked if "_id>" in route and "period_id>" not in route)
    after = _fingerprint(engine.settings.database_url)
    assert [name for name in before if before[name] != after[name]] == []


def test_a_unit_head_cannot_act_for_the_drafter_or_the_focal_office(
    engine: WorkflowEngine, scene: Scene
) -> None:
    """The wrong role in the right unit: the head of xã Thái Bình walks the same objects.

    The head may open the unit's own report page and the letter sent to the unit; not the
    drafter's step, draft, attachment or saved filter, nor the district's draft plan or job.
    """
    before = _fingerprint(engine.settings.database_url)
    walked: dict[str, int] = {}
    own = frozenset(
        {
            "periods.unit_report",
            "documents.show",
            "api.unit_report",
            "documents.document_pdf",
            "api.document_pdf",
            "documents.unit_report_pdf",
            "api.unit_report_pdf",
        }
    )
    markers = (PRIVATE, FILTER_NAME, DRAFT_TITLE)
    assert _walk(engine, scene, "xa.truong", walked, markers=markers, may_open=own) == []
    assert walked["GET /tasks/<int:task_id>"] in (403, 404)
    assert walked["POST /tasks/<int:task_id>"] in (403, 404)
    assert walked["POST /periods/<int:period_id>/units/<int:unit_id>/nhac-ngay"] in (403, 404)
    assert walked["GET /ke-hoach/<int:plan_id>/mo-ky-bao-cao"] in (403, 404)
    after = _fingerprint(engine.settings.database_url)
    assert [name for name in before if before[name] != after[name]] == []


def test_without_signing_in_every_page_sends_to_the_login_and_every_endpoint_answers_401(
    engine: WorkflowEngine, scene: Scene
) -> None:
    app = create_app({"TESTING": True, "SECRET_KEY": "walk", "WTF_CSRF_ENABLED": False}, engine=engine)
    client = app.test_client()
    before = _fingerprint(engine.settings.database_url)
    answers = {}
    for endpoint, method, rule in sorted(_routes(app)):
        if endpoint in {"auth.login", "index"}:
            continue
        url = _fill(rule, scene.objects)
        body = JSON_BODIES[url.rsplit("/", 1)[1]] if rule.startswith("/api/") and method == "POST" else None
        answers[f"{method} {rule}"] = client.open(url, method=method, json=body).status_code
    assert len(answers) >= 40
    assert {r: s for r, s in answers.items() if r.split()[1].startswith("/api/") and s != 401} == {}
    assert {r: s for r, s in answers.items() if not r.split()[1].startswith("/api/") and s != 302} == {}
    assert _fingerprint(engine.settings.database_url) == before
