"""Time to check, save as a draft and deploy a diagram, as the modeler's buttons do it.

For each file (the shipped processes and the BPMN MIWG reference models), on a fresh SQLite file:
``validate_diagram`` (the "Kiểm tra" button), ``save_draft`` ("Lưu nháp") and, for the files that can
be deployed, ``deploy_diagram`` with one change so each deploy stores a new version. Prints one JSON
object per file with the median and the worst of ``--repeat`` runs, in milliseconds::

    python benchmarks/check_diagrams.py --repeat 10
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine import SYSTEM, Settings, build_engine  # noqa: E402

MIWG = ROOT / "tests" / "fixtures" / "bpmn_miwg"


def _timed(action: Callable[[], object], repeat: int) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        runs.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(runs), 1), round(max(runs), 1)


def main() -> None:
    """Time each file and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    files = sorted((ROOT / "workflows").glob("*/*.bpmn")) + sorted(MIWG.glob("*.bpmn"))
    with tempfile.TemporaryDirectory() as folder:
        engine = build_engine(Settings(database_url=f"sqlite:///{folder}/bench.sqlite3"))
        engine.migrate_database()
        for path in files:
            xml = path.read_text(encoding="utf-8")
            report = engine.validate_diagram(xml, actor=SYSTEM)
            figures: dict[str, object] = {
                "file": path.name,
                "kib": round(len(xml.encode("utf-8")) / 1024, 1),
                "errors": len(report.errors),
                "warnings": len(report.warnings),
                "check_ms": _timed(lambda xml=xml: engine.validate_diagram(xml, actor=SYSTEM), args.repeat),
                "save_draft_ms": _timed(lambda xml=xml: engine.save_draft(xml, actor=SYSTEM), args.repeat),
            }
            if report.deployable:
                counter = iter(range(10**6))

                def deploy(xml: str = xml, counter: Iterator[int] = counter) -> object:
                    # A comment makes each run a new version, as an edited diagram would be.
                    return engine.deploy_diagram(f"{xml}<!-- {next(counter)} -->", actor=SYSTEM)

                figures["deploy_ms"] = _timed(deploy, args.repeat)
            print(json.dumps(figures, ensure_ascii=False), flush=True)
        engine.dispose()


if __name__ == "__main__":
    main()
