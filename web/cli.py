"""The ``plancycle`` command: database, deployment, demo data, the server, background work, workers."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from engine import SYSTEM, EngineError, Settings, WorkflowEngine, build_engine
from engine.background import run_once
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
@click.option(
    "--until-empty", is_flag=True, help="Lặp đến khi không còn hẹn giờ đến hạn (repeat until none is due)."
)
def fire_timers(until_empty: bool) -> None:
    """Kích hoạt các hẹn giờ đến hạn (fire due timers)."""
    fired = skipped = 0
    with _engine() as engine:
        while True:
            result = engine.fire_due_timers()
            fired += len(result.fired)
            skipped += result.skipped
            if not until_empty or not result.fired:
                break
    click.echo(f"Đã kích hoạt {fired} hẹn giờ (fired), bỏ qua {skipped} (skipped).")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--background-every",
    default=15.0,
    show_default=True,
    help="Giây giữa hai lượt chạy nền: hẹn giờ, thư, công việc (seconds between background passes).",
)
def serve(host: str, port: int, background_every: float) -> None:
    """Chạy máy chủ web; không có máy chủ hàng đợi thì chạy nền ngay trong tiến trình (serve)."""
    from web.app import create_app

    app = create_app()
    engine: WorkflowEngine = app.extensions["plancycle_engine"]
    stop = threading.Event()
    if engine.settings.broker_url:
        click.echo(
            "Chế độ phân tán: hẹn giờ, thư và công việc do `plancycle worker` chạy (distributed mode)."
        )
    else:
        threading.Thread(
            target=_background_forever, args=(engine, background_every, stop), daemon=True, name="background"
        ).start()
    click.echo(f"PlanCycle: http://{host}:{port}/")
    try:
        app.run(host=host, port=port, threaded=True, use_reloader=False)
    finally:
        stop.set()


def _background_forever(engine: WorkflowEngine, every: float, stop: threading.Event) -> None:
    while not stop.wait(every):
        started = time.monotonic()
        try:
            result = run_once(engine)
        except Exception as exc:  # keep serving; the next pass retries
            click.echo(f"Lỗi khi chạy nền (background error): {exc}", err=True)
            continue
        if result.timers_fired or result.mail.sent or result.jobs_run:
            click.echo(
                f"Nền (background): {result.timers_fired} hẹn giờ, {result.mail.sent} thư, "
                f"{result.jobs_run} công việc trong {time.monotonic() - started:.2f}s"
            )


@main.command()
@click.option("--concurrency", default=1, show_default=True, type=int, help="Số tiến trình con (processes).")
@click.option(
    "--beat", is_flag=True, help="Kèm bộ điều phối định kỳ; chỉ một worker bật cờ này (run the dispatcher)."
)
@click.option("--loglevel", default="INFO", show_default=True)
@click.option("--name", default=None, help="Tên worker (worker name); mặc định: plancycle-<pid>.")
def worker(concurrency: int, beat: bool, loglevel: str, name: str | None) -> None:
    """Chạy worker Celery: hẹn giờ, thư và công việc nặng (run a distributed worker)."""
    from engine.distributed import make_app, worker_argv

    settings = Settings.from_env()
    if not settings.broker_url:
        click.echo(
            "Cần PLANCYCLE_BROKER_URL, ví dụ redis://127.0.0.1:6379/0 (a broker URL is required).", err=True
        )
        sys.exit(2)
    app = make_app(settings)
    app.worker_main(
        worker_argv(
            concurrency=concurrency,
            beat=beat,
            loglevel=loglevel,
            queue=settings.worker_queue,
            name=name or f"plancycle-{os.getpid()}",
        )
    )
