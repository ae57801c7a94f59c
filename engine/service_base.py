"""What every part of the engine's facade shares: settings, sessions, runtime, clock, calendar."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from engine import calendar_store
from engine.clock import Clock
from engine.db import unit_of_work
from engine.deadlines import DeadlineContext, deadlines_using
from engine.settings import SETTINGS_KEY, Settings
from engine.spiff import ProcessRuntime
from engine.working_days import WorkCalendar


class EngineBase:
    """Wiring and the unit of work; the public methods live in the mixins of ``WorkflowEngine``."""

    def __init__(
        self, *, settings: Settings, sessions: sessionmaker[Session], runtime: ProcessRuntime, clock: Clock
    ) -> None:
        self.settings = settings
        self._sessions = sessions
        self._runtime = runtime
        self._clock = clock
        self._zone = ZoneInfo(settings.timezone)
        self._is_postgres = sessions.kw["bind"].dialect.name == "postgresql"

    def now(self) -> datetime:
        """Return the engine's current time (its clock), for callers that compute deadlines."""
        return self._clock()

    def today(self) -> date:
        """Return today's date in the engine's time zone (Asia/Ho_Chi_Minh by default)."""
        return self._clock().astimezone(self._zone).date()

    @contextmanager
    def _work(self, *, write: bool) -> Iterator[Session]:
        """One unit of work; deadline expressions inside it use this database's calendar."""
        with unit_of_work(self._sessions, write=write) as session:
            session.info[SETTINGS_KEY] = self.settings

            @cache
            def calendar() -> WorkCalendar:
                return calendar_store.load(session)

            with deadlines_using(DeadlineContext(calendar=calendar, zone=self._zone)):
                yield session
