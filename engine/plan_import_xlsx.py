"""Read the visible sheets of an Excel workbook (.xlsx) into ``RawTable``s, one per sheet.

Values are read as Excel last computed them (formulas give their cached result); numbers that are
whole print without decimals, dates as dd/mm/yyyy. A merged range keeps its text in its top-left
cell: the rest of its first row is ``spanned``, the cells below are ``merged_above``.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time
from typing import Any

import openpyxl  # type: ignore[import-untyped]  # openpyxl ships no type information
from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]

from engine.plan_import_files import (
    DAMAGED,
    MAX_COLUMNS,
    MAX_TABLE_ROWS,
    FileProblem,
    RawCell,
    RawTable,
    clip,
)

MAX_SHEETS = 30


def read_xlsx(data: bytes) -> list[RawTable]:
    """Return one table per visible sheet; raise ``FileProblem`` when the workbook cannot be read."""
    try:
        workbook: Any = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (
        InvalidFileException,
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        TypeError,
        OSError,
        SyntaxError,
    ) as exc:
        raise FileProblem(DAMAGED) from exc
    tables: list[RawTable] = []
    try:
        for sheet in workbook.worksheets[:MAX_SHEETS]:
            if sheet.sheet_state != "visible":
                continue
            tables.append(RawTable(_rows(sheet), f"Trang tính “{sheet.title}”"))
    finally:
        workbook.close()
    return tables


def _rows(sheet: Any) -> tuple[tuple[RawCell, ...], ...]:
    height = min(int(sheet.max_row or 0), MAX_TABLE_ROWS)
    width = min(int(sheet.max_column or 0), MAX_COLUMNS)
    grid: list[list[RawCell]] = [
        [RawCell(clip(_text(sheet.cell(row=r, column=c).value))) for c in range(1, width + 1)]
        for r in range(1, height + 1)
    ]
    for merged in sheet.merged_cells.ranges:
        top, left = merged.min_row - 1, merged.min_col - 1
        if top >= height or left >= width:
            continue
        text = grid[top][left].text
        for r in range(top, min(merged.max_row, height)):
            for c in range(left, min(merged.max_col, width)):
                if (r, c) == (top, left):
                    continue
                if c == left and r > top:
                    grid[r][c] = RawCell(text, merged_above=True)
                else:
                    grid[r][c] = RawCell("", spanned=True)
    return tuple(tuple(row) for row in grid)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y") if value.time() == time(0) else value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value).replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n")
