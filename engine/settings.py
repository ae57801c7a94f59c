"""Every setting PlanCycle reads, with its default, in one place."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "instance" / "plancycle.sqlite3"

_ENV_PREFIX = "PLANCYCLE_"
# Each unit of work puts the engine's settings in ``session.info`` under this key, so code that
# runs inside a transaction (actions, notifications) reads them without another argument.
SETTINGS_KEY = "plancycle.settings"


@dataclass(frozen=True)
class Settings:
    """Typed settings; ``from_env`` overrides defaults with ``PLANCYCLE_<NAME>`` variables."""

    database_url: str = f"sqlite:///{DEFAULT_SQLITE_PATH}"
    workflows_dir: Path = PROJECT_ROOT / "workflows"
    forms_dir: Path | None = None
    # Only for `make run` on a laptop; any shared deployment sets PLANCYCLE_SECRET_KEY.
    secret_key: str = "dev-only-change-me"  # noqa: S105
    timezone: str = "Asia/Ho_Chi_Minh"
    script_time_limit_s: float = 1.0
    script_max_sequence_length: int = 1_000_000
    max_bpmn_bytes: int = 5 * 1024 * 1024
    timer_batch_size: int = 100
    sql_echo: bool = False
    # Links in mail point here.
    base_url: str = "http://127.0.0.1:5000"
    # Mail: an empty smtp_host keeps mail queued in the outbox and sends nothing.
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    smtp_timeout_s: float = 30.0
    mail_from: str = "PlanCycle <khong-tra-loi@plancycle.local>"
    mail_max_attempts: int = 8
    mail_backoff_s: float = 60.0
    mail_lease_s: float = 300.0
    mail_batch_size: int = 50
    digest_hour: int = 7  # local time of the daily digest
    # Distributed mode: Celery broker (redis://127.0.0.1:6379/0 or amqp://guest:guest@127.0.0.1:5672//).
    broker_url: str = ""
    worker_queue: str = "plancycle"
    dispatch_every_s: float = 5.0  # how often the dispatcher hands due work to workers
    timer_lease_s: float = 60.0  # a timer handed to a worker is not handed out again before this
    timer_dispatch_batch: int = 1000
    timer_chunk: int = 50  # timers per worker task
    job_lease_s: float = 3600.0
    # Sign-in throttling: failures counted per login and per client address over a window.
    login_max_failures: int = 5
    login_max_failures_per_client: int = 30
    login_window_s: float = 900.0
    # Attachments on an item.
    attachment_max_bytes: int = 20 * 1024 * 1024

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Build settings from the environment, then apply explicit ``overrides``."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(_ENV_PREFIX + f.name.upper())
            if raw is None:
                continue
            values[f.name] = _coerce(f.type, raw)
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]  # values were coerced per field type above


def _coerce(type_name: object, raw: str) -> object:
    text = str(type_name)
    if "bool" in text:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if text.startswith("int"):
        return int(raw)
    if text.startswith("float"):
        return float(raw)
    if "Path" in text:
        return Path(raw)
    return raw


def of_session(session_info: Mapping[str, object]) -> Settings:
    """Return the settings a unit of work carries (defaults outside one)."""
    found = session_info.get(SETTINGS_KEY)
    return found if isinstance(found, Settings) else Settings()
