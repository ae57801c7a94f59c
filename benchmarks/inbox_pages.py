"""Time the inbox page (GET /inbox/, full render, signed in) with 100,000 and 1,000,000 human tasks.

The database is filled with bulk multi-row inserts (SQLAlchemy Core executemany): about 11,000
units (a province, its departments, districts and communes), their drafters, heads and focal
officers, issued plans with reporting periods, and unit-report items of three to six steps each
(drafting, the head's review, the focal unit's review, with returns), about a tenth of them
still open. Then each view is requested through the Flask test client for two users: a commune
drafter (a typical inbox) and a focal officer of the busiest department (hundreds to thousands
of open reviews). Prints one line per view with the median and p95 in milliseconds, plus the
cost of the navigation counts on another page::

    python benchmarks/inbox_pages.py --db sqlite,postgresql --tasks 100000,1000000 --repeat 30

PostgreSQL uses its own schema (``--pg-schema``, dropped and created by the script); SQLite a
file in a temporary directory (or ``--sqlite-dir``).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

from flask.testing import FlaskClient
from sqlalchemy import Engine, create_engine, func, make_url, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine import FrozenClock, Settings, WorkflowEngine, build_engine  # noqa: E402
from engine.inbox_search import fold  # noqa: E402
from engine.models import (  # noqa: E402
    HumanTask,
    Membership,
    Plan,
    ProcessDefinition,
    ProcessInstance,
    ReportingPeriod,
    Unit,
    User,
)
from engine.names import normalise_name  # noqa: E402
from web.app import create_app  # noqa: E402

NOW = datetime(2024, 11, 20, 2, 0, tzinfo=UTC)  # Wednesday 20/11/2024 09:00 in Hà Nội
LOCAL = timedelta(hours=7)
CHUNK = 5000
DEPARTMENTS = (
    "Sở Thông tin và Truyền thông", "Sở Nội vụ", "Sở Tư pháp", "Sở Kế hoạch và Đầu tư", "Sở Tài chính",
    "Sở Công Thương", "Sở Nông nghiệp và Phát triển nông thôn", "Sở Giao thông vận tải", "Sở Xây dựng",
    "Sở Tài nguyên và Môi trường", "Sở Lao động - Thương binh và Xã hội", "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Khoa học và Công nghệ", "Sở Giáo dục và Đào tạo", "Sở Y tế", "Thanh tra tỉnh",
    "Văn phòng UBND tỉnh", "Ban Dân tộc", "Công an tỉnh", "Bộ Chỉ huy Quân sự tỉnh", "Sở Ngoại vụ",
    "Ban Quản lý các khu công nghiệp", "Đài Phát thanh và Truyền hình", "Bảo hiểm xã hội tỉnh",
)  # fmt: skip
SYLLABLES = (
    "An", "Bình", "Châu", "Đông", "Hòa", "Hưng", "Lạc", "Long", "Minh", "Mỹ", "Nam", "Phú", "Phước",
    "Quang", "Tân", "Thạnh", "Thành", "Thịnh", "Thuận", "Tiến", "Trung", "Vĩnh", "Xuân", "Yên", "Hải",
    "Hà", "Lâm", "Sơn", "Hồng", "Kim", "Ngọc", "Phong", "Tường", "Đức", "Lợi", "Hiệp", "Hậu", "Thái",
    "Hảo", "Đước",
)  # fmt: skip
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ")
MIDDLE = ("Văn", "Thị", "Hữu", "Đức", "Thanh", "Minh", "Ngọc", "Quốc", "Thu", "Xuân")
GIVEN = (
    "An",
    "Bình",
    "Cường",
    "Dung",
    "Giang",
    "Hà",
    "Hải",
    "Hoa",
    "Hùng",
    "Lan",
    "Linh",
    "Mai",
    "Nam",
    "Phương",
)
TOPICS = (
    "Chỉ thị 14/CT-TTg về an ninh mạng", "chuyển đổi số", "cải cách hành chính", "phòng, chống thiên tai",
    "xây dựng nông thôn mới", "Luật Phòng, chống ma túy", "an toàn thực phẩm", "phổ biến, giáo dục pháp luật",
    "bình đẳng giới", "phòng cháy, chữa cháy",
)  # fmt: skip
PERIOD_LABELS = ("Năm 2024", "6 tháng cuối năm 2024", "Quý IV/2024", "Quý III/2024")
REVIEW = "unit_report_review"
STEPS = {  # task name: (title, role, acting unit, form key, actions)
    "draft": ("Soạn báo cáo", "drafter", "unit", "unit_report_draft", ["submit"]),
    "head_review": ("Lãnh đạo đơn vị duyệt", "unit_head", "unit", REVIEW, ["approve", "return"]),
    "focal_review": ("Đơn vị đầu mối tiếp nhận", "focal_officer", "focal", REVIEW, ["accept", "return"]),
}
VIEWS = (
    ("open", ""),
    ("mine", "view=mine"),
    ("unit", "view=unit"),
    ("overdue", "view=overdue"),
    ("week", "view=week"),
    ("done", "view=done"),
    ("open desc p2", "dir=desc&page=2"),
    ("search unit", "q=__UNIT__"),
    ("search symbol", "q=3%2FKH-UBND"),
)


@dataclass
class Loaded:
    """What the timing needs from the filled database."""

    drafter: int
    drafter_unit: str
    focal_officer: int
    seconds: float
    generated_s: float
    tasks: int
    open_tasks: int


def pg_url(base: str, schema: str) -> str:
    """Return ``base`` with the schema as its search path, after dropping and creating the schema."""
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    admin.dispose()
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def place_names(rng: random.Random, count: int) -> Iterator[str]:
    """Yield ``count`` distinct two-syllable place names."""
    seen: set[str] = set()
    while len(seen) < count:
        name = f"{rng.choice(SYLLABLES)} {rng.choice(SYLLABLES)}"
        if name.split()[0] != name.split()[1] and name not in seen:
            seen.add(name)
            yield name


def insert(conn: Any, table: Any, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` in multi-row batches (executemany; insertmanyvalues on PostgreSQL)."""
    for start in range(0, len(rows), CHUNK):
        conn.execute(table.insert(), rows[start : start + CHUNK])


def local_end(day: date) -> datetime:
    """17:00 in Hà Nội on ``day``, as UTC (the end of a deadline day)."""
    return datetime(day.year, day.month, day.day, 17, tzinfo=UTC) - LOCAL


class Filler:
    """Rows of every table, built in memory with explicit ids, then inserted in bulk."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.units: list[dict[str, Any]] = []
        self.users: list[dict[str, Any]] = []
        self.members: list[dict[str, Any]] = []
        self.holders: dict[tuple[int, str], list[int]] = {}
        self.plans: list[dict[str, Any]] = []
        self.periods: list[dict[str, Any]] = []
        self.instances: list[dict[str, Any]] = []
        self.tasks: list[dict[str, Any]] = []
        self.reporting: list[int] = []  # districts and communes: they draft unit reports

    def unit(self, name: str, level: str, parent: int | None, code: str = "UBND") -> int:
        unit_id = len(self.units) + 1
        key = normalise_name(name)
        self.units.append(
            dict(id=unit_id, name=name, name_key=key, parent_id=parent, level=level, doc_code=code)
        )
        return unit_id

    def staff(self, unit_id: int, role: str, count: int = 1) -> None:
        for _ in range(count):
            user_id = len(self.users) + 1
            name = f"{self.rng.choice(FAMILY)} {self.rng.choice(MIDDLE)} {self.rng.choice(GIVEN)}"
            self.users.append(
                dict(id=user_id, login=f"u{user_id}", full_name=name, is_active=True, mail_mode="immediate")
            )
            self.members.append(dict(id=len(self.members) + 1, user_id=user_id, unit_id=unit_id, role=role))
            self.holders.setdefault((unit_id, role), []).append(user_id)

    def organisation(self, size: int) -> tuple[int, list[int]]:
        """A province, its departments, then districts and their communes up to ``size`` units."""
        province = self.unit("UBND tỉnh Bắc Giang", "province", None)
        self.staff(province, "leader")
        departments = [self.unit(name, "department", province, "S") for name in DEPARTMENTS]
        for department in departments:
            self.staff(department, "focal_officer", 3)
            self.staff(department, "unit_head")
        for district_name in place_names(self.rng, 2000):
            if len(self.units) >= size:
                break
            district = self.unit(f"UBND huyện {district_name}", "district", province)
            self.reporting.append(district)
            for commune_name in place_names(self.rng, self.rng.randint(12, 17)):
                kind = self.rng.choice(("xã", "xã", "xã", "phường", "thị trấn"))
                self.reporting.append(self.unit(f"UBND {kind} {commune_name}", "commune", district))
                if len(self.units) >= size:
                    break
        for unit_id in self.reporting:
            self.staff(unit_id, "drafter")
            self.staff(unit_id, "unit_head")
        return province, departments

    def plans_and_periods(self, province: int, departments: list[int]) -> None:
        """Twenty issued province plans, each with two to four open reporting periods."""
        leader = self.holders[(province, "leader")][0]
        for number in range(1, 21):
            focal = departments[(number - 1) % len(departments)]
            self.plans.append(
                dict(
                    id=number,
                    issuing_unit_id=province,
                    focal_unit_id=focal,
                    doc_type="KH",
                    year=2024,
                    number=number,
                    symbol=f"{number}/KH-UBND",
                    place="Bắc Giang",
                    issued_on=date(2024, 1, 10) + timedelta(days=7 * number),
                    title=f"Kế hoạch triển khai {TOPICS[number % len(TOPICS)]} năm 2024",
                    summary="",
                    legal_bases=[],
                    recipients=[],
                    status="issued",
                    signer_id=leader,
                    authority_form="TM",
                    signer_title="CHỦ TỊCH",
                    created_at=NOW - timedelta(days=300),
                    updated_at=NOW - timedelta(days=300),
                )
            )
            for label in PERIOD_LABELS[: self.rng.randint(2, 4)]:
                # Deadlines from six weeks ago to a month ahead: some overdue, some due this week.
                deadline = NOW.date() + timedelta(days=self.rng.randint(-42, 30))
                self.periods.append(
                    dict(
                        id=len(self.periods) + 1,
                        plan_id=number,
                        label=label,
                        year=2024,
                        data_cutoff=deadline - timedelta(days=20),
                        unit_deadline=deadline,
                        focal_deadline=deadline + timedelta(days=3),
                        status="open",
                        opened_by_id=self.holders[(focal, "focal_officer")][0],
                        opened_at=local_end(deadline) - timedelta(days=40),
                    )
                )

    def items(self, count: int) -> None:
        """Unit-report items until ``count`` tasks exist: each a chain of steps, four in ten still open."""
        pairs = [(unit_id, period) for period in self.periods for unit_id in self.reporting]
        self.rng.shuffle(pairs)
        while len(self.tasks) < count:
            unit_id, period = pairs[len(self.instances) % len(pairs)]
            chain = ["draft", "head_review", "focal_review"]
            if self.rng.random() < 0.25:
                chain[2:2] = ["draft", "head_review"]  # the head returned it once
            if self.rng.random() < 0.15:
                chain += ["draft", "head_review", "focal_review"]  # the focal unit returned it
            still_open = self.rng.random() < 0.4
            if still_open:
                chain = chain[: self.rng.randint(1, len(chain))]
            self.item(unit_id, period, chain, still_open=still_open)

    def item(self, unit_id: int, period: dict[str, Any], chain: list[str], *, still_open: bool) -> None:
        instance_id = len(self.instances) + 1
        plan = self.plans[period["plan_id"] - 1]
        # Each step took two hours to five days; the item's last step ended (or opened) in the
        # past month. Seconds vary too, so that no two completions share a time.
        steps = [timedelta(seconds=self.rng.randint(7200, 432000)) for _ in chain]
        ended = NOW - timedelta(seconds=self.rng.randint(600, 30 * 86400))
        at = ended - sum(steps[:-1] if still_open else steps, timedelta())
        started = at
        sender: int | None = period["opened_by_id"]
        for position, step in enumerate(chain):
            title, role, acting, form_key, actions = STEPS[step]
            acting_unit = unit_id if acting == "unit" else plan["focal_unit_id"]
            doer = self.rng.choice(self.holders[(acting_unit, role)])
            is_open = still_open and position == len(chain) - 1
            done_at = None if is_open else at + steps[position]
            returned = position + 1 < len(chain) and chain[position + 1] == "draft"
            holds = self.rng.random() < (0.3 if is_open else 0.5)
            self.tasks.append(
                dict(
                    instance_id=instance_id,
                    spiff_task_id=f"{instance_id:010d}-{position:02d}",
                    task_name=step,
                    title=title,
                    form_key=form_key,
                    process_key="unit_report",
                    unit_id=acting_unit,
                    role=role,
                    assignee_id=doer if self.rng.random() < 0.02 else None,
                    claimed_by_id=doer if holds else None,
                    actions=actions,
                    due_at=local_end(period["unit_deadline" if acting == "unit" else "focal_deadline"]),
                    status="open" if is_open else "completed",
                    version=1 if is_open else 2,
                    created_at=at,
                    completed_at=done_at,
                    completed_by_id=None if is_open else doer,
                    completed_action=None if is_open else ("return" if returned else actions[0]),
                    plan_id=plan["id"],
                    period_id=period["id"],
                    sent_by_id=sender,
                )
            )
            sender = doer
            at = done_at or at
        self.instances.append(
            dict(
                id=instance_id,
                definition_id=1,
                process_key="unit_report",
                business_key=f"period/{period['id']}/unit/{unit_id}",
                unit_id=unit_id,
                status="running" if still_open else "completed",
                state="{}",
                serializer_version="1.4",
                version=len(chain) + 1,
                started_by_id=period["opened_by_id"],
                started_at=started,
                updated_at=at,
                completed_at=None if still_open else at,
            )
        )


def fill(db_engine: Engine, tasks: int, seed: int = 7) -> Loaded:
    """Fill an empty, migrated database with an organisation and about ``tasks`` human tasks."""
    started = time.perf_counter()
    filler = Filler(seed)
    province, departments = filler.organisation(11000)
    filler.plans_and_periods(province, departments)
    filler.items(tasks)
    generated = time.perf_counter() - started
    definition = dict(
        id=1,
        key="unit_report",
        version=1,
        name="Báo cáo đơn vị",
        checksum="0" * 64,
        bpmn_xml="",
        spec_json="{}",
        serializer_version="1.4",
        deployed_at=NOW - timedelta(days=365),
    )
    tables = (
        (Unit, filler.units),
        (User, filler.users),
        (Membership, filler.members),
        (ProcessDefinition, [definition]),
        (Plan, filler.plans),
        (ReportingPeriod, filler.periods),
        (ProcessInstance, filler.instances),
        (HumanTask, filler.tasks),
    )
    with db_engine.begin() as conn:
        for model, rows in tables:
            insert(conn, model.__table__, rows)
    if db_engine.dialect.name == "postgresql":
        with db_engine.begin() as conn:
            for model, _rows in tables:
                name = model.__tablename__
                # Explicit ids were inserted: move each sequence past them.
                sequence = f"pg_get_serial_sequence('{name}', 'id')"
                conn.execute(text(f"SELECT setval({sequence}, (SELECT max(id) FROM {name}))"))  # noqa: S608
        with db_engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    open_rows = [r for r in filler.tasks if r["status"] == "open"]
    reviews = Counter(r["unit_id"] for r in open_rows if r["role"] == "focal_officer")
    busiest = reviews.most_common(1)[0][0]
    drafter_unit = next(r["unit_id"] for r in open_rows if r["role"] == "drafter")
    return Loaded(
        drafter=filler.holders[(drafter_unit, "drafter")][0],
        drafter_unit=filler.units[drafter_unit - 1]["name"],
        focal_officer=filler.holders[(busiest, "focal_officer")][0],
        seconds=time.perf_counter() - started,
        generated_s=generated,
        tasks=len(filler.tasks),
        open_tasks=len(open_rows),
    )


def without_accents(name: str) -> str:
    """Return a unit name as people type it in a hurry: "UBND xã Tân Hưng" -> "xa tan hung"."""
    return fold(name).removeprefix("ubnd ")


@dataclass
class Figures:
    """Median and p95 of the wall-clock time, and the median CPU time of this process, in ms."""

    median: float
    p95: float
    cpu: float

    def __str__(self) -> str:
        return f"median {self.median:6.1f} ms  p95 {self.p95:6.1f} ms  (cpu here {self.cpu:5.1f} ms)"


def timed(call: Callable[[], object], repeat: int) -> Figures:
    """Time ``repeat`` calls after two warm-ups; p95 is the nearest rank."""
    for _ in range(2):
        call()
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(repeat):
        started, used = time.perf_counter(), time.process_time()
        call()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    wall.sort()
    return Figures(statistics.median(wall), wall[max(0, -(-95 * repeat // 100) - 1)], statistics.median(cpu))


def page_getter(client: FlaskClient, path: str) -> Callable[[], object]:
    def get() -> object:
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        return response

    return get


def measure(engine: WorkflowEngine, loaded: Loaded, repeat: int, label: str) -> None:
    """Print the figures of every view for the two users, then the navigation counts' cost."""
    app = create_app({"TESTING": True, "SECRET_KEY": "bench"}, engine=engine)
    unit_query = quote_plus(without_accents(loaded.drafter_unit))
    for who, user_id in (("drafter", loaded.drafter), ("focal officer", loaded.focal_officer)):
        print(f"  [{label}] {who} (user {user_id}): {engine.inbox_counts(actor=user_id)}", flush=True)
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = str(user_id)
            session["_fresh"] = True
        for view, query in VIEWS:
            path = "/inbox/?" + query.replace("__UNIT__", unit_query)
            print(f"  [{label}] {who:13} GET /inbox/ {view:14} {timed(page_getter(client, path), repeat)}")
        other = timed(page_getter(client, "/thong-bao/"), repeat)
        print(f"  [{label}] {who:13} GET /thong-bao/ (has the nav badge) {other}")
        counts = timed(partial(engine.inbox_counts, actor=user_id), repeat)
        print(f"  [{label}] {who:13} inbox_counts() alone (the badge)  {counts}", flush=True)


def run(db: str, tasks: int, args: argparse.Namespace) -> None:
    if db == "sqlite":
        directory = Path(args.sqlite_dir or tempfile.mkdtemp(prefix="plancycle-bench-"))
        path = directory / f"inbox_{tasks}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        url = pg_url(args.pg_url, args.pg_schema)
    engine = build_engine(Settings(database_url=url), clock=FrozenClock(NOW))
    engine.migrate_database()
    db_engine: Engine = engine._sessions.kw["bind"]
    loaded = fill(db_engine, tasks)
    label = f"{db} {tasks:,}"
    with db_engine.connect() as conn:
        stored = conn.scalar(select(func.count()).select_from(HumanTask.__table__))
    print(
        f"[{label}] loaded {stored:,} tasks ({loaded.open_tasks:,} open) in {loaded.seconds:.1f} s"
        f" ({loaded.generated_s:.1f} s generating rows, the rest inserting and analysing); load average"
        f" {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
        flush=True,
    )
    measure(engine, loaded, args.repeat, label)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--tasks", default="100000,1000000", help="comma-separated task counts")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per view")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--pg-schema", default="plancycle_bench_inbox")
    parser.add_argument("--sqlite-dir", help="where the SQLite files go (default: a new temporary directory)")
    args = parser.parse_args()
    for db in [d.strip() for d in args.db.split(",") if d.strip()]:
        for tasks in [int(t) for t in args.tasks.split(",") if t.strip()]:
            run(db, tasks, args)


if __name__ == "__main__":
    main()
