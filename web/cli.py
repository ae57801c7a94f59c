"""The ``plancycle`` command: database, deployment, demo data, the server, the timer sweep."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from engine import SYSTEM, EngineError, Settings, WorkflowEngine, build_engine
from engine.demo import load_demo


@contextmanager
def _engine() -> Iterator[WorkflowEngine]:
    engine = build_engine(Settings.from_env())
    try:
        yield engine
    finally:
        engine.dispose()


@click.group()
def main() -> None:
    """PlanCycle: kế hoạch và báo cáo định kỳ (plan cycles and periodic reports)."""


@main.group()
def db() -> None:
    """Cơ sở dữ liệu (database)."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Tạo hoặc nâng cấp cơ sở dữ liệu (create or migrate the database)."""
    with _engine() as engine:
        engine.migrate_database()
    click.echo("Cơ sở dữ liệu đã ở phiên bản mới nhất (database is up to date).")


@main.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--process-id", default=None, help="Quy trình cần triển khai khi tệp có nhiều quy trình.")
def deploy(files: tuple[Path, ...], process_id: str | None) -> None:
    """Triển khai tệp BPMN; mặc định: mọi quy trình trong workflows/ (deploy BPMN files)."""
    failed = False
    with _engine() as engine:
        paths = list(files) or sorted(engine.settings.workflows_dir.glob("*/*.bpmn"))
        for path in paths:
            try:
                info = engine.deploy_definition(
                    path.read_bytes(), actor=SYSTEM, filename=path.name, process_id=process_id
                )
            except EngineError as exc:
                failed = True
                click.echo(f"{path.name}: {exc.message}", err=True)
                continue
            state = "phiên bản mới (new version)" if info.is_new else "không đổi (unchanged)"
            click.echo(f"{path.name}: {info.key} v{info.version} — {state}")
    if failed:
        sys.exit(1)


@main.command()
@click.option(
    "--if-empty", is_flag=True, help="Chỉ nạp khi cơ sở dữ liệu còn trống (only into a new database)."
)
def demo(if_empty: bool) -> None:
    """Nạp dữ liệu mẫu (load demo data)."""
    with _engine() as engine:
        if if_empty and not engine.is_database_empty():
            click.echo("Đã có dữ liệu; bỏ qua dữ liệu mẫu (data present; demo skipped).")
            return
        summary = load_demo(engine)
    click.echo(f"Đã nạp dữ liệu mẫu (demo loaded): {summary}")


@main.command("fire-timers")
def fire_timers() -> None:
    """Kích hoạt các hẹn giờ đến hạn một lần (fire due timers once)."""
    with _engine() as engine:
        result = engine.fire_due_timers()
    click.echo(f"Đã kích hoạt {len(result.fired)} hẹn giờ (fired), bỏ qua {result.skipped} (skipped).")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--sweep-every", default=30.0, show_default=True, help="Giây giữa hai lần quét hẹn giờ.")
def serve(host: str, port: int, sweep_every: float) -> None:
    """Chạy máy chủ web với bộ quét hẹn giờ nhúng (serve, with the embedded timer sweeper)."""
    from web.app import create_app

    app = create_app()
    engine: WorkflowEngine = app.extensions["plancycle_engine"]
    stop = threading.Event()
    sweeper = threading.Thread(
        target=_sweep_forever, args=(engine, sweep_every, stop), daemon=True, name="timer-sweeper"
    )
    sweeper.start()
    click.echo(f"PlanCycle: http://{host}:{port}/")
    try:
        app.run(host=host, port=port, threaded=True, use_reloader=False)
    finally:
        stop.set()


def _sweep_forever(engine: WorkflowEngine, every: float, stop: threading.Event) -> None:
    while not stop.wait(every):
        started = time.monotonic()
        try:
            result = engine.fire_due_timers()
        except Exception as exc:
            click.echo(f"Lỗi khi quét hẹn giờ (sweep error): {exc}", err=True)
            continue
        if result.fired:
            click.echo(f"Đã kích hoạt {len(result.fired)} hẹn giờ trong {time.monotonic() - started:.2f}s")
