"""Sign-in throttling, security headers, session cookies and the language toggle."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from engine import FrozenClock, NotPermitted, TooManyAttempts, WorkflowEngine
from tests.conftest import Org
from tests.web.test_pages import _client, sign_in, token


def _fail(client: FlaskClient, login: str, times: int) -> list[int]:
    return [sign_in(client, login, "wrong-password").status_code for _ in range(times)]


def test_five_wrong_passwords_lock_the_login_until_the_window_passes(
    engine: WorkflowEngine, org: Org, clock: FrozenClock
) -> None:
    client = _client(engine)
    assert _fail(client, "xa.soan", 5) == [200] * 5  # the form again, with the message
    locked = sign_in(client, "xa.soan")  # even the right password is not checked now
    assert locked.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in locked.get_data(as_text=True)
    assert 0 < int(locked.headers["Retry-After"]) <= 900
    assert client.get("/inbox/").status_code == 302  # still signed out
    # Another login from another address is not affected.
    assert engine.authenticate("xa.truong", "secret-pass", client="10.0.0.9").id == org.head.id
    clock.advance(timedelta(minutes=15, seconds=1))
    assert sign_in(client, "xa.soan").status_code == 302
    assert client.get("/inbox/").status_code == 200


def test_a_successful_sign_in_clears_the_logins_count(engine: WorkflowEngine, org: Org) -> None:
    for _ in range(4):
        with pytest.raises(NotPermitted):
            engine.authenticate("xa.soan", "nope", client="10.0.0.1")
    engine.authenticate("xa.soan", "secret-pass", client="10.0.0.1")
    for _ in range(4):  # four more failures are allowed again
        with pytest.raises(NotPermitted) as failure:
            engine.authenticate("xa.soan", "nope", client="10.0.0.1")
        assert not isinstance(failure.value, TooManyAttempts)


def test_one_address_guessing_many_logins_is_stopped(engine: WorkflowEngine, org: Org) -> None:
    for number in range(30):
        with pytest.raises(NotPermitted):
            engine.authenticate(f"khong-co-{number}", "x", client="203.0.113.7")
    with pytest.raises(TooManyAttempts):
        engine.authenticate("xa.soan", "secret-pass", client="203.0.113.7")
    assert engine.authenticate("xa.soan", "secret-pass", client="203.0.113.8").id == org.drafter.id


def test_pages_carry_security_headers_and_a_safe_session_cookie(engine: WorkflowEngine, org: Org) -> None:
    client = _client(engine)
    page = client.get("/auth/login")
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["X-Frame-Options"] == "DENY"
    signed_in = sign_in(client, "xa.soan")
    cookie = next(v for k, v in signed_in.headers.items() if k == "Set-Cookie" and v.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "style=" not in client.get("/inbox/").get_data(as_text=True)  # nothing the policy would block


def test_the_language_toggle_switches_to_english_and_back(engine: WorkflowEngine, org: Org) -> None:
    client = _client(engine)
    sign_in(client, "xa.soan")
    assert "Việc cần xử lý" in client.get("/inbox/").get_data(as_text=True)
    answer = client.post(
        "/ngon-ngu", data={"lang": "en", "next": "/inbox/", "csrf_token": token(client, "/inbox/")}
    )
    assert answer.headers["Location"] == "/inbox/"
    english = client.get("/inbox/").get_data(as_text=True)
    assert '<html lang="en">' in english
    assert ">Sign out</button>" in english
    assert ">Notifications" in english
    client.post("/ngon-ngu", data={"lang": "vi", "next": "/inbox/", "csrf_token": token(client, "/inbox/")})
    assert ">Đăng xuất</button>" in client.get("/inbox/").get_data(as_text=True)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_the_language_toggle_never_sends_the_user_off_site(
    engine: WorkflowEngine, org: Org, target: str
) -> None:
    client = _client(engine)
    answer = client.post(
        "/ngon-ngu", data={"lang": "en", "next": target, "csrf_token": token(client, "/auth/login")}
    )
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/"


def test_the_chosen_language_survives_signing_in(engine: WorkflowEngine, org: Org) -> None:
    client = _client(engine)
    client.post("/ngon-ngu", data={"lang": "en", "next": "/", "csrf_token": token(client, "/auth/login")})
    sign_in(client, "xa.soan")
    assert ">Sign out</button>" in client.get("/inbox/").get_data(as_text=True)
