"""Every setting PlanCycle reads, with its default, in one place."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "instance" / "plancycle.sqlite3"

_ENV_PREFIX = "PLANCYCLE_"


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
