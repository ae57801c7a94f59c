"""Shared fixtures: a migrated database per test, an engine with a frozen clock, users.

Database tests run on SQLite by default and on PostgreSQL with ``PLANCYCLE_TEST_DB=postgresql``
(``make test`` does both). Tests that use the ``engine`` or ``db_url`` fixtures are marked ``db``
automatically. Each test gets a database of its own (a copy of a migrated SQLite file, or a
truncated PostgreSQL schema) rather than a rolled-back outer transaction, because the engine
commits for real and several tests race real connections against each other.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from engine import SYSTEM, FrozenClock, Settings, UnitInfo, UserInfo, WorkflowEngine, build_engine
from engine.db import Base, create_db_engine
from engine.schema import upgrade_database

# Separate schemas let several test runs share one PostgreSQL server.
PG_SCHEMA = os.environ.get("PLANCYCLE_TEST_PG_SCHEMA", "plancycle_test")
TEST_PASSWORD = "secret-pass"  # fixture accounts only
ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / "workflows"


def _use_postgres() -> bool:
    return os.environ.get("PLANCYCLE_TEST_DB", "sqlite").lower().startswith("postgres")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        names = getattr(item, "fixturenames", ())
        if "engine" in names or "db_url" in names:
            item.add_marker(pytest.mark.db)
        if item.get_closest_marker("pg_only") and not _use_postgres():
            item.add_marker(pytest.mark.skip(reason="PostgreSQL only (row locks across connections)"))


def _pg_url() -> str:
    base = os.environ.get("PLANCYCLE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    url = make_url(base)
    return url.update_query_dict({"options": f"-csearch_path={PG_SCHEMA}"}).render_as_string(
        hide_password=False
    )


@pytest.fixture(scope="session")
def _pg_ready() -> str:
    url = _pg_url()
    admin = create_engine(
        os.environ.get("PLANCYCLE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    )
    try:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {PG_SCHEMA}"))
    except Exception as exc:  # the server is simply not there
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL is unreachable under CI=true: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    finally:
        admin.dispose()
    db_engine = create_db_engine(url)
    upgrade_database(db_engine)
    db_engine.dispose()
    return url


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    db_engine = create_db_engine(f"sqlite:///{path}")
    upgrade_database(db_engine)
    with db_engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db_engine.dispose()
    return path


@pytest.fixture
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database for this test."""
    if _use_postgres():
        url: str = request.getfixturevalue("_pg_ready")
        yield url
        db_engine = create_db_engine(url)
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        with db_engine.begin() as conn:
            # TRUNCATE does not fire the audit table's row triggers, which refuse DELETE.
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db_engine.dispose()
    else:
        template: Path = request.getfixturevalue("_sqlite_template")
        path = tmp_path / "plancycle.sqlite3"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"


@pytest.fixture
def clock() -> FrozenClock:
    """A clock frozen at 01/11/2024 09:00 (Asia/Ho_Chi_Minh is UTC+7)."""
    return FrozenClock(datetime(2024, 11, 1, 2, 0, tzinfo=UTC))


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(database_url=db_url, workflows_dir=WORKFLOWS, script_time_limit_s=0.5)


@pytest.fixture
def engine(settings: Settings, clock: FrozenClock) -> Iterator[WorkflowEngine]:
    eng = build_engine(settings, clock=clock)
    yield eng
    eng.dispose()


@dataclass(frozen=True)
class Org:
    """A tiny organisation: a focal department and a commune with a drafter and a head."""

    province: UnitInfo
    focal: UnitInfo
    commune: UnitInfo
    other_commune: UnitInfo
    admin: UserInfo
    drafter: UserInfo
    head: UserInfo
    focal_officer: UserInfo
    other_drafter: UserInfo


@pytest.fixture
def make_user(engine: WorkflowEngine) -> Callable[..., UserInfo]:
    def make(login: str, unit_id: int, role: str, *, password: str = TEST_PASSWORD) -> UserInfo:
        user = engine.create_user(login, login.title(), password=password, actor=SYSTEM)
        return engine.grant_role(user.id, unit_id, role, actor=SYSTEM)

    return make


@pytest.fixture
def org(engine: WorkflowEngine, make_user: Callable[..., UserInfo]) -> Org:
    province = engine.create_unit("UBND tỉnh Tây Ninh", level="province", actor=SYSTEM)
    focal = engine.create_unit(
        "Sở Thông tin và Truyền thông", level="department", parent_id=province.id, actor=SYSTEM
    )
    commune = engine.create_unit("UBND xã Thái Bình", level="commune", parent_id=province.id, actor=SYSTEM)
    other = engine.create_unit("UBND xã Hảo Đước", level="commune", parent_id=province.id, actor=SYSTEM)
    return Org(
        province=province,
        focal=focal,
        commune=commune,
        other_commune=other,
        admin=make_user("admin", province.id, "admin"),
        drafter=make_user("xa.soan", commune.id, "drafter"),
        head=make_user("xa.truong", commune.id, "unit_head"),
        focal_officer=make_user("daumoi", focal.id, "focal_officer"),
        other_drafter=make_user("khac.soan", other.id, "drafter"),
    )
