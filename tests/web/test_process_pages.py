"""The process pages through the real engine: versions, the modeler's endpoints, import, diff, migration."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engine import SYSTEM, WorkflowEngine
from engine.models import AuditEvent, DefinitionDraft, ProcessDefinition
from tests.conftest import WORKFLOWS, Org
from tests.web.test_pages import _client, sign_in, token

pytestmark = pytest.mark.db

MIWG = Path(__file__).resolve().parents[1] / "fixtures" / "bpmn_miwg"
REPORT_XML = (WORKFLOWS / "unit_report" / "unit_report.bpmn").read_text(encoding="utf-8")
OLD_TIMER = "working_days_before(unit_deadline, 3)"
NEW_TIMER = "working_days_before(unit_deadline, 5)"


def signed_in(engine: WorkflowEngine, login: str) -> FlaskClient:
    client = _client(engine)
    assert sign_in(client, login).status_code == 302
    return client


def deployed(engine: WorkflowEngine) -> None:
    for path in sorted(WORKFLOWS.glob("*/*.bpmn")):
        engine.deploy_definition(path.read_bytes(), actor=SYSTEM, filename=path.name)


def counts(engine: WorkflowEngine) -> tuple[int, int, int]:
    """Definitions, drafts and audit rows: what a refused request must leave as it was."""
    with engine._work(write=False) as session:
        return (
            session.scalar(select(func.count(ProcessDefinition.id))) or 0,
            session.scalar(select(func.count(DefinitionDraft.id))) or 0,
            session.scalar(select(func.count(AuditEvent.id))) or 0,
        )


def csrf(client: FlaskClient, key: str = "unit_report") -> str:
    page = client.get(f"/quy-trinh/{key}/sua").get_data(as_text=True)
    match = re.search(r'data-csrf="([^"]+)"', page)
    assert match, page
    return match.group(1)


def post_xml(client: FlaskClient, url: str, xml: str, csrf_token: str) -> object:
    return client.post(url, data={"xml": xml}, headers={"X-CSRFToken": csrf_token})


def test_only_administrators_see_the_process_pages(engine: WorkflowEngine, org: Org) -> None:
    deployed(engine)
    drafter = signed_in(engine, "xa.soan")
    for url in ("/quy-trinh/", "/quy-trinh/unit_report", "/quy-trinh/unit_report/sua", "/quy-trinh/nhap-tep"):
        assert drafter.get(url).status_code == 403, url
    assert 'id="nav-processes"' not in drafter.get("/inbox/").get_data(as_text=True)

    admin = signed_in(engine, "admin")
    page = admin.get("/quy-trinh/").get_data(as_text=True)
    assert 'id="nav-processes"' in page
    assert "Báo cáo của đơn vị" in page
    assert "unit_report" in page
    modeler = admin.get("/quy-trinh/unit_report/sua")
    assert modeler.status_code == 200
    html = modeler.get_data(as_text=True)
    assert "build/modeler.js" in html
    assert 'data-source-url="/quy-trinh/unit_report/tep.bpmn?modeler=1&amp;ban-nhap=1"' in html
    # Only this page lets bpmn-js use style attributes; scripts stay 'self' only.
    policy = modeler.headers["Content-Security-Policy"]
    assert "style-src-attr 'unsafe-inline'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in admin.get("/quy-trinh/").headers["Content-Security-Policy"]
    source = admin.get("/quy-trinh/unit_report/tep.bpmn?ban-nhap=1")
    assert source.mimetype == "application/xml"
    assert OLD_TIMER in source.get_data(as_text=True)


def test_check_save_and_deploy_answer_problems_on_their_elements(engine: WorkflowEngine, org: Org) -> None:
    deployed(engine)
    admin = signed_in(engine, "admin")
    key = csrf(admin)
    broken = REPORT_XML.replace(OLD_TIMER, "sau ba ngày").replace(
        'targetRef="head_review"', 'targetRef="nowhere"'
    )

    checked = post_xml(admin, "/quy-trinh/kiem-tra", broken, key)
    assert checked.status_code == 200
    errors = {p["element_id"] for p in checked.get_json()["errors"]}
    assert {"remind_drafter", "to_head"} <= errors

    before = counts(engine)
    refused = post_xml(admin, "/quy-trinh/trien-khai", broken, key)
    assert refused.status_code == 422
    body = refused.get_json()
    assert "remind_drafter" in {p["element_id"] for p in body["errors"]}
    assert body["message"]
    assert counts(engine) == before  # nothing deployed, no draft, no audit row

    saved = post_xml(admin, "/quy-trinh/luu-nhap", broken, key)
    assert saved.status_code == 200
    assert saved.get_json()["key"] == "unit_report"
    assert "Đã lưu bản nháp" in saved.get_json()["message"]
    detail = admin.get("/quy-trinh/unit_report").get_data(as_text=True)
    assert "Bỏ bản nháp" in detail
    # The modeler opens the draft and checks it at once.
    assert 'data-check-on-load="true"' in admin.get("/quy-trinh/unit_report/sua").get_data(as_text=True)
    assert "sau ba ngày" in admin.get("/quy-trinh/unit_report/tep.bpmn?ban-nhap=1").get_data(as_text=True)

    fixed = REPORT_XML.replace(OLD_TIMER, NEW_TIMER)
    deployed_now = post_xml(admin, "/quy-trinh/trien-khai", fixed, key)
    assert deployed_now.status_code == 200, deployed_now.get_data(as_text=True)
    assert deployed_now.get_json()["version"] == 2
    assert "Đã triển khai phiên bản 2" in deployed_now.get_json()["message"]
    assert "Bỏ bản nháp" not in admin.get("/quy-trinh/unit_report").get_data(as_text=True)

    compare = admin.get("/quy-trinh/unit_report/so-sanh?cu=1&moi=2").get_data(as_text=True)
    assert "remind_drafter" in compare
    assert NEW_TIMER in compare
    old = admin.get("/quy-trinh/unit_report/tep.bpmn?phien-ban=1").get_data(as_text=True)
    assert OLD_TIMER in old


def test_import_reports_elements_keeps_a_draft_and_refuses_hostile_files(
    engine: WorkflowEngine, org: Org
) -> None:
    admin = signed_in(engine, "admin")
    form = token(admin, "/quy-trinh/nhap-tep")

    def upload(data: bytes, name: str) -> tuple[int, str]:
        # The body is encoded in memory: werkzeug would spool 50 MB to a temporary file that
        # nobody closes when the app refuses to read it.
        boundary = "plancycle-test-boundary"
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{form}\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        response = admin.post(
            "/quy-trinh/nhap-tep",
            input_stream=io.BytesIO(body),
            content_type=f"multipart/form-data; boundary={boundary}",
            content_length=len(body),
        )
        return response.status_code, response.get_data(as_text=True)

    status, page = upload((MIWG / "C.1.0.bpmn").read_bytes(), "C.1.0.bpmn")
    assert status == 200, page
    assert "Kết quả đọc tệp C.1.0.bpmn" in page
    assert "Mở bản nháp trong trang sửa sơ đồ" in page
    assert "bản nháp cũ được thay" not in page
    status, page = upload((MIWG / "C.1.0.bpmn").read_bytes(), "C.1.0.bpmn")
    assert status == 200
    assert "đã có bản nháp; bản nháp cũ được thay bằng tệp này" in page  # said, not done silently

    before = counts(engine)
    entity = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>'
    status, page = upload(entity, "entity.bpmn")
    assert status == 400
    assert "DOCTYPE" in page
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>'
    )
    status, page = upload(laughs, "laughs.bpmn")
    assert status == 400
    assert "DOCTYPE" in page
    big = b'<?xml version="1.0"?><definitions>' + b" " * (50 * 1024 * 1024) + b"</definitions>"
    status, page = upload(big, "big.bpmn")
    assert status == 413
    assert "Tệp BPMN quá lớn" in page
    status, page = upload(b"", "")
    assert status == 422
    assert "Hãy chọn một tệp .bpmn." in page
    assert counts(engine) == before


def test_migration_preview_and_start_from_the_pages(engine: WorkflowEngine, org: Org) -> None:
    deployed(engine)
    started = engine.start_instance(
        "unit_report",
        {"unit_deadline": "2025-02-05", "focal_deadline": "2025-02-10", "focal_unit_id": org.focal.id},
        actor=SYSTEM,
        unit_id=org.commune.id,
    )
    engine.deploy_definition(REPORT_XML.replace(OLD_TIMER, NEW_TIMER), actor=SYSTEM)
    admin = signed_in(engine, "admin")
    detail = admin.get("/quy-trinh/unit_report").get_data(as_text=True)
    assert f'data-instance-id="{started.id}"' in detail
    preview = admin.get("/quy-trinh/unit_report/chuyen-phien-ban?tu=1&den=2").get_data(as_text=True)
    assert f'name="instance" value="{started.id}"' in preview
    moved = admin.post(
        "/quy-trinh/unit_report/chuyen-phien-ban",
        data={
            "csrf_token": token(admin, "/quy-trinh/unit_report"),
            "tu": "1",
            "den": "2",
            "instance": started.id,
        },
    )
    assert moved.status_code == 302, moved.get_data(as_text=True)[-800:]
    assert engine.get_instance(started.id, actor=SYSTEM).definition_version == 2
    page = admin.get(f"/quy-trinh/phien/{started.id}").get_data(as_text=True)
    assert "phiên bản 2" in page
    assert "Soạn báo cáo" in page

    form = {"csrf_token": token(admin, "/quy-trinh/unit_report"), "unit_id": str(org.commune.id)}
    # Without the data its timers need, the process cannot start: said on the process page.
    refused = admin.post("/quy-trinh/unit_report/khoi-chay", data=form, follow_redirects=True)
    assert "Không khởi chạy được" in refused.get_data(as_text=True)
    bad_json = admin.post(
        "/quy-trinh/unit_report/khoi-chay", data={**form, "data": "{oops"}, follow_redirects=True
    )
    assert "không phải JSON hợp lệ" in bad_json.get_data(as_text=True)
    data = (
        f'{{"unit_deadline": "2025-02-05", "focal_deadline": "2025-02-10", "focal_unit_id": {org.focal.id}}}'
    )
    start = admin.post("/quy-trinh/unit_report/khoi-chay", data={**form, "data": data})
    assert start.status_code == 302
    assert "/quy-trinh/phien/" in start.headers["Location"]
    waiting = admin.get(start.headers["Location"]).get_data(as_text=True)
    assert "Soạn báo cáo" in waiting
    assert "phiên bản 2" in waiting
