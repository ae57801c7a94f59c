"""The organisation part of the engine's facade: units, groups, users, roles, authority, calendar."""

from __future__ import annotations

import math
from datetime import date, timedelta

from engine import authority, calendar_store, organisation, throttle
from engine.errors import NotPermitted, TooManyAttempts
from engine.organisation import require_admin
from engine.results import Actor, UnitGroupInfo, UnitInfo, UserInfo
from engine.service_base import EngineBase


class OrganisationMethods(EngineBase):
    """Units, unit groups, users and roles; delegated signing; out-of-office cover; declared days."""

    def create_unit(
        self, name: str, *, level: str, parent_id: int | None = None, doc_code: str = "", actor: Actor
    ) -> UnitInfo:
        """Create a unit under ``parent_id``; administrators only.

        ``doc_code`` is the body's abbreviation in document symbols ("UBND", "STTTT"). A sibling
        with the same name after normalisation raises ``InvalidSubmission``.
        """
        with self._work(write=True) as session:
            require_admin(session, actor)
            unit = organisation.create_unit(
                session,
                name=name,
                level=level,
                parent_id=parent_id,
                doc_code=doc_code,
                at=self._clock(),
                actor=actor,
            )
            return organisation.to_unit_info(unit)

    def find_units(self, name: str, *, actor: Actor) -> list[UnitInfo]:
        """Units whose name matches after normalisation (case, spacing, Unicode form)."""
        with self._work(write=False) as session:
            organisation.require_known(session, actor)
            return [organisation.to_unit_info(u) for u in organisation.find_units(session, name)]

    def create_unit_group(self, name: str, unit_ids: list[int], *, actor: Actor) -> UnitGroupInfo:
        """Create a named unit group; administrators only."""
        with self._work(write=True) as session:
            require_admin(session, actor)
            group = organisation.create_group(
                session, name=name, unit_ids=unit_ids, at=self._clock(), actor=actor
            )
            return UnitGroupInfo(id=group.id, name=group.name, unit_ids=tuple(dict.fromkeys(unit_ids)))

    def create_user(
        self, login: str, full_name: str, *, password: str | None = None, actor: Actor
    ) -> UserInfo:
        """Create a user; administrators only. Raises ``InvalidSubmission`` for a taken login."""
        with self._work(write=True) as session:
            require_admin(session, actor)
            user = organisation.create_user(
                session, login=login, full_name=full_name, password=password, at=self._clock(), actor=actor
            )
            return organisation.to_user_info(session, user)

    def grant_role(self, user_id: int, unit_id: int, role: str, *, actor: Actor) -> UserInfo:
        """Give a user a role in a unit; administrators only."""
        with self._work(write=True) as session:
            require_admin(session, actor)
            user = organisation.grant_role(
                session, user_id=user_id, unit_id=unit_id, role=role, at=self._clock(), actor=actor
            )
            return organisation.to_user_info(session, user)

    def get_user(self, user_id: int, *, actor: Actor) -> UserInfo:
        """Return a user; users may read themselves, administrators anyone."""
        with self._work(write=False) as session:
            if actor != user_id:
                require_admin(session, actor)
            return organisation.to_user_info(session, organisation.get_user(session, user_id))

    def authenticate(self, login: str, password: str, *, client: str | None = None) -> UserInfo:
        """Check a login and password; raise ``NotPermitted`` with one message for every failure.

        Failures are counted per login and per ``client`` (the caller's address); past
        ``settings.login_max_failures`` within ``settings.login_window_s`` the login is refused
        with ``TooManyAttempts`` without checking the password.
        """
        login_key, client_key = throttle.keys(login, client)
        window = timedelta(seconds=self.settings.login_window_s)
        failed: NotPermitted | None = None
        with self._work(write=True) as session:
            now = self._clock()
            wait = throttle.retry_after(
                session,
                login_key,
                client_key,
                now=now,
                window=window,
                max_per_login=self.settings.login_max_failures,
                max_per_client=self.settings.login_max_failures_per_client,
            )
            if wait is not None:
                minutes = max(1, math.ceil(wait / 60))
                raise TooManyAttempts(
                    f"Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút "
                    f"(too many failed sign-ins; try again in {minutes} min)",
                    retry_after_s=wait,
                )
            try:
                user = organisation.authenticate(session, login, password)
            except NotPermitted as exc:
                throttle.record_failure(session, login_key, client_key, now=now, window=window)
                failed = exc  # raised after the commit, so the failure is counted
            else:
                throttle.clear(session, login_key)
                return organisation.to_user_info(session, user)
        raise failed

    def delegate_signing(
        self,
        unit_id: int,
        delegate_id: int,
        *,
        form: str,
        signer_title: str,
        valid_from: date,
        valid_until: date,
        principal_id: int | None = None,
        scope: str = "",
        actor: Actor,
    ) -> int:
        """Record written signing authority (KT., Q., TL., TUQ.) with its validity window; return its id."""
        with self._work(write=True) as session:
            require_admin(session, actor)
            row = authority.delegate(
                session,
                unit_id=unit_id,
                principal_id=principal_id,
                delegate_id=delegate_id,
                form=form,
                signer_title=signer_title,
                valid_from=valid_from,
                valid_until=valid_until,
                scope=scope,
                at=self._clock(),
                actor=actor,
            )
            return row.id

    def set_cover(
        self, user_id: int, substitute_id: int, *, starts_on: date, ends_on: date, actor: Actor
    ) -> None:
        """Let a substitute act on an absent user's items between two dates; administrators only."""
        with self._work(write=True) as session:
            require_admin(session, actor)
            authority.set_cover(
                session,
                user_id=user_id,
                substitute_id=substitute_id,
                starts_on=starts_on,
                ends_on=ends_on,
                at=self._clock(),
                actor=actor,
            )

    def declare_calendar_day(self, day: date, *, is_working: bool, name: str, actor: Actor) -> None:
        """Declare a day off or a make-up working day on the working-day calendar; administrators only."""
        with self._work(write=True) as session:
            require_admin(session, actor)
            calendar_store.declare(
                session, day=day, is_working=is_working, name=name, at=self._clock(), actor=actor
            )
