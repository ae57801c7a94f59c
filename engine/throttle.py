"""Sign-in throttling: failed attempts counted per login and per client address.

Failures are rows in ``login_failure`` (shared by every web process, unlike a counter in
memory). Past the limit within the window, sign-in is refused before the password is even
checked, so guessing gains nothing; a success clears the login's count (not the address's).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from engine.models import LoginFailure


def keys(login: str, client: str | None) -> tuple[str, str | None]:
    """Return the counting keys for a login and an optional client address."""
    return f"login:{login.strip().lower()[:150]}", (f"client:{client[:150]}" if client else None)


def retry_after(
    session: Session,
    login_key: str,
    client_key: str | None,
    *,
    now: datetime,
    window: timedelta,
    max_per_login: int,
    max_per_client: int,
) -> int | None:
    """Return seconds to wait if either key is over its limit in the window, else ``None``."""
    since = now - window
    waits = []
    for key, limit in ((login_key, max_per_login), (client_key, max_per_client)):
        if key is None:
            continue
        count, oldest = session.execute(
            select(func.count(LoginFailure.id), func.min(LoginFailure.at)).where(
                LoginFailure.key == key, LoginFailure.at > since
            )
        ).one()
        if count >= limit and oldest is not None:
            waits.append(max(1, math.ceil((oldest + window - now).total_seconds())))
    return max(waits) if waits else None


def record_failure(
    session: Session, login_key: str, client_key: str | None, *, now: datetime, window: timedelta
) -> None:
    """Count one failure under both keys and drop their rows that left the window."""
    for key in (login_key, client_key):
        if key is None:
            continue
        session.execute(delete(LoginFailure).where(LoginFailure.key == key, LoginFailure.at <= now - window))
        session.add(LoginFailure(key=key, at=now))


def clear(session: Session, login_key: str) -> None:
    """Forget a login's failures after it signed in."""
    session.execute(delete(LoginFailure).where(LoginFailure.key == login_key))
