"""The first pages: login, the inbox, health; through the real engine."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from engine import WorkflowEngine
from tests.conftest import Org
from tests.engine.helpers import start_unit_report
from web.app import create_app


def _client(engine: WorkflowEngine) -> FlaskClient:
    app = create_app({"TESTING": True, "SECRET_KEY": "test"}, engine=engine)
    return app.test_client()


def token(client: FlaskClient, path: str) -> str:
    """The CSRF token of the form on ``path``, as a browser would submit it."""
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, page
    return match.group(1)


def sign_in(client: FlaskClient, login: str, password: str = "secret-pass") -> TestResponse:
    return client.post(
        "/auth/login", data={"login": login, "password": password, "csrf_token": token(client, "/auth/login")}
    )


def test_health_and_login_redirect(engine: WorkflowEngine) -> None:
    client = _client(engine)
    assert client.get("/healthz").get_json() == {"status": "ok"}
    response = client.get("/")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]
    page = client.get("/auth/login").get_data(as_text=True)
    assert "Đăng nhập" in page
    assert 'lang="vi"' in page


def test_wrong_password_keeps_the_login_and_says_why(engine: WorkflowEngine, org: Org) -> None:
    client = _client(engine)
    page = sign_in(client, "xa.soan", "nope").get_data(as_text=True)
    assert "Sai tên đăng nhập hoặc mật khẩu" in page
    assert 'value="xa.soan"' in page


def test_drafter_sees_the_report_in_the_inbox(engine: WorkflowEngine, org: Org) -> None:
    start_unit_report(engine, org.commune.id, org.focal.id)
    client = _client(engine)
    response = sign_in(client, "xa.soan")
    assert response.status_code == 302
    page = client.get("/inbox/").get_data(as_text=True)
    assert "Soạn báo cáo" in page
    # 01/11/2024 09:00 in Hà Nội plus 14 days.
    assert "15/11/2024 09:00" in page
    other = _client(engine)
    sign_in(other, "khac.soan")
    assert "Soạn báo cáo" not in other.get("/inbox/").get_data(as_text=True)


def test_a_post_without_the_forms_token_is_refused_and_changes_nothing(
    engine: WorkflowEngine, org: Org
) -> None:
    client = _client(engine)
    refused = client.post("/auth/login", data={"login": "xa.soan", "password": "secret-pass"})
    assert refused.status_code == 400
    assert "Biểu mẫu đã hết hạn" in refused.get_data(as_text=True)
    assert client.get("/inbox/").status_code == 302  # still signed out


def test_notifications_page_lists_marks_read_and_counts(engine: WorkflowEngine, org: Org) -> None:
    start_unit_report(engine, org.commune.id, org.focal.id)  # a new item for the drafter
    client = _client(engine)
    sign_in(client, "xa.soan")
    inbox = client.get("/inbox/").get_data(as_text=True)
    assert 'title="chưa đọc">1</span>' in inbox  # the count in the navigation
    page = client.get("/thong-bao/").get_data(as_text=True)
    assert "Việc mới: Soạn báo cáo" in page
    assert 'class="note unread"' in page
    [note] = engine.list_notifications(actor=org.drafter.id)
    assert f'href="{note.link}"' in page
    assert client.post("/thong-bao/da-doc", data={"id": str(note.id)}).status_code == 400  # no token
    assert engine.unread_count(actor=org.drafter.id) == 1
    response = client.post(
        "/thong-bao/da-doc", data={"id": str(note.id), "csrf_token": token(client, "/thong-bao/")}
    )
    assert response.status_code == 302
    assert engine.unread_count(actor=org.drafter.id) == 0
    page = client.get("/thong-bao/").get_data(as_text=True)
    assert 'class="note read"' in page
    assert 'title="chưa đọc"' not in page
    # Another unit's drafter has none of it.
    other = _client(engine)
    sign_in(other, "khac.soan")
    assert "Soạn báo cáo" not in other.get("/thong-bao/").get_data(as_text=True)


def test_mail_settings_page_validates_in_vietnamese_and_keeps_the_input(
    engine: WorkflowEngine, org: Org
) -> None:
    client = _client(engine)
    sign_in(client, "xa.soan")
    form = "/thong-bao/cai-dat-thu"
    bad = client.post(
        form, data={"email": "khong hop le", "mail_mode": "digest", "csrf_token": token(client, form)}
    )
    page = bad.get_data(as_text=True)
    assert bad.status_code == 200
    assert 'value="khong hop le"' in page
    assert 'aria-invalid="true"' in page
    assert engine.get_mail_settings(org.drafter.id, actor=org.drafter.id).email is None
    good = client.post(
        form, data={"email": "soan@xa.gov.vn", "mail_mode": "digest", "csrf_token": token(client, form)}
    )
    assert good.status_code == 302
    saved = engine.get_mail_settings(org.drafter.id, actor=org.drafter.id)
    assert (saved.email, saved.mail_mode) == ("soan@xa.gov.vn", "digest")
    page = client.get(form).get_data(as_text=True)
    assert "Đã lưu cài đặt thư" in page
    assert re.search(r'value="digest"\s+checked', page)


def test_another_units_user_can_neither_see_nor_act_on_a_task(engine: WorkflowEngine, org: Org) -> None:
    start_unit_report(engine, org.commune.id, org.focal.id)
    [task] = engine.list_inbox(actor=org.drafter.id)
    other = _client(engine)
    sign_in(other, "khac.soan")
    assert other.get(f"/tasks/{task.id}").status_code == 404
    form = {
        "action": "submit",
        "version": str(task.version),
        "summary": "Không phải của tôi",
        "csrf_token": token(other, "/thong-bao/"),
    }
    assert other.post(f"/tasks/{task.id}", data=form).status_code == 404
    assert other.post(f"/tasks/{task.id}/nhan", data={"csrf_token": form["csrf_token"]}).status_code == 404
    [still] = engine.list_inbox(actor=org.drafter.id)
    assert (still.status, still.version, still.claimed_by_id) == ("open", task.version, None)
