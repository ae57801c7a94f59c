"""The first pages: login, the inbox, health; through the real engine."""

from __future__ import annotations

from flask.testing import FlaskClient

from engine import WorkflowEngine
from tests.conftest import Org
from tests.engine.helpers import start_unit_report
from web.app import create_app


def _client(engine: WorkflowEngine) -> FlaskClient:
    app = create_app({"TESTING": True, "SECRET_KEY": "test"}, engine=engine)
    return app.test_client()


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
    page = client.post("/auth/login", data={"login": "xa.soan", "password": "nope"}).get_data(as_text=True)
    assert "Sai tên đăng nhập hoặc mật khẩu" in page
    assert 'value="xa.soan"' in page


def test_drafter_sees_the_report_in_the_inbox(engine: WorkflowEngine, org: Org) -> None:
    start_unit_report(engine, org.commune.id, org.focal.id)
    client = _client(engine)
    response = client.post("/auth/login", data={"login": "xa.soan", "password": "secret-pass"})
    assert response.status_code == 302
    page = client.get("/inbox/").get_data(as_text=True)
    assert "Soạn báo cáo" in page
    # 01/11/2024 09:00 in Hà Nội plus 14 days.
    assert "15/11/2024 09:00" in page
    other = _client(engine)
    other.post("/auth/login", data={"login": "khac.soan", "password": "secret-pass"})
    assert "Soạn báo cáo" not in other.get("/inbox/").get_data(as_text=True)
