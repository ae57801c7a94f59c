"""Bearer tokens for the API: the user's id signed with the app's secret key and a timestamp.

A token is checked on every request and never stored: its signature proves the server issued it,
its timestamp (read from the engine's clock, so tests can move time) bounds its age, and the user
is looked up again each time, so a disabled account stops working at once. The session cookie
plays no part, which is why the API may be exempt from CSRF checks.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app, request
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from engine import EngineError
from web.api.errors import ApiError
from web.extensions import get_engine

SALT = "plancycle.api.bearer-token"
DEFAULT_MAX_AGE_S = 8 * 3600
REALM = 'Bearer realm="PlanCycle API"'


class EngineClockSigner(TimestampSigner):
    """A timestamp signer that reads the time from the engine's clock rather than the system's."""

    def __init__(self, *args: Any, clock: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clock = clock

    def get_timestamp(self) -> int:
        """Return the engine's current time in whole seconds since the epoch."""
        return int(self._clock().timestamp())


def max_age_s() -> int:
    """Return how long a token stays valid (``API_TOKEN_MAX_AGE_S``, eight hours by default)."""
    return int(current_app.config.get("API_TOKEN_MAX_AGE_S", DEFAULT_MAX_AGE_S))


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"],
        salt=SALT,
        signer=EngineClockSigner,
        signer_kwargs={"clock": get_engine().now},
    )


def issue(user_id: int) -> tuple[str, datetime]:
    """Return a new token for ``user_id`` and the moment it expires."""
    issued_at = get_engine().now().replace(microsecond=0)
    token = _serializer().dumps({"uid": user_id})
    return token, issued_at + timedelta(seconds=max_age_s())


def _refused(message: str, *, invalid: bool) -> ApiError:
    challenge = f'{REALM}, error="invalid_token"' if invalid else REALM
    return ApiError(401, "unauthorized", message, headers={"WWW-Authenticate": challenge})


def authenticated_user_id() -> int:
    """Return the id of the active user whose token the request carries; raise a 401 otherwise."""
    header = request.headers.get("Authorization", "")
    scheme, _space, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise _refused(_("Cần đăng nhập bằng mã truy cập (Bearer token)."), invalid=False)
    try:
        payload = _serializer().loads(token, max_age=max_age_s())
    except SignatureExpired as exc:
        raise _refused(_("Mã truy cập đã hết hạn; hãy đăng nhập lại."), invalid=True) from exc
    except BadSignature as exc:
        raise _refused(_("Mã truy cập không hợp lệ."), invalid=True) from exc
    user_id = payload.get("uid") if isinstance(payload, dict) else None
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        raise _refused(_("Mã truy cập không hợp lệ."), invalid=True)
    try:
        user = get_engine().get_user(user_id, actor=user_id)
    except EngineError as exc:
        raise _refused(_("Tài khoản không tồn tại hoặc đã bị khóa."), invalid=True) from exc
    if not user.is_active:
        raise _refused(_("Tài khoản không tồn tại hoặc đã bị khóa."), invalid=True)
    return user.id
