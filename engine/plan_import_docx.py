"""Read the tables of a Word document (.docx) into ``RawTable``s, in document order.

Each cell's paragraphs become lines of its text (a line break inside a paragraph too), so a cell
listing units one per paragraph, or as "-" bullets, keeps its lines. Cells merged across
(``gridSpan``) put their text in the first grid column; cells merged down (``vMerge``) are
marked and repeat the text of the cell they continue. Tables nested inside a cell count as that
cell's text. A table preceded only by empty paragraphs follows the table before it.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

import docx
from docx.opc.exceptions import OpcError
from docx.oxml.ns import qn

from engine.plan_import_files import (
    DAMAGED,
    MAX_COLUMNS,
    MAX_TABLE_ROWS,
    FileProblem,
    RawCell,
    RawTable,
    clip,
)

_P, _TBL, _TR, _TC, _SDT = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:sdt")
_SDT_CONTENT, _TC_PR, _TR_PR = qn("w:sdtContent"), qn("w:tcPr"), qn("w:trPr")
_GRID_SPAN, _V_MERGE, _GRID_BEFORE, _VAL = qn("w:gridSpan"), qn("w:vMerge"), qn("w:gridBefore"), qn("w:val")
_T, _TAB, _BR, _CR = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
_NO_BREAK_HYPHEN = qn("w:noBreakHyphen")


def read_docx(data: bytes) -> list[RawTable]:
    """Return the document's top-level tables; raise ``FileProblem`` when it cannot be read."""
    try:
        document = docx.Document(io.BytesIO(data))
    except (OpcError, ValueError, KeyError, zipfile.BadZipFile, SyntaxError) as exc:
        # SyntaxError: lxml's XMLSyntaxError derives from it (a damaged XML part).
        raise FileProblem(DAMAGED) from exc
    tables: list[RawTable] = []
    text_between = False
    for element in _blocks(document.element.body):
        if element.tag == _TBL:
            number = len(tables) + 1
            rows = _rows(element)
            tables.append(RawTable(rows, f"Bảng {number}", follows_table=bool(tables) and not text_between))
            text_between = False
        elif _paragraph_text(element).strip():
            text_between = True
    return tables


def _blocks(parent: Any) -> Iterator[Any]:
    """Yield the paragraphs and tables of the body in order, looking inside content controls."""
    for child in parent.iterchildren():
        if child.tag == _SDT:
            for content in child.iterchildren(_SDT_CONTENT):
                yield from _blocks(content)
        elif child.tag in (_P, _TBL):
            yield child


def _rows(table: Any) -> tuple[tuple[RawCell, ...], ...]:
    rows: list[tuple[RawCell, ...]] = []
    above: dict[int, str] = {}  # grid column -> text of the cell a vertical merge continues
    for tr in table.iterchildren(_TR):
        if len(rows) >= MAX_TABLE_ROWS:
            break
        cells: list[RawCell] = [RawCell("", spanned=True)] * _grid_before(tr)
        for tc in tr.iterchildren(_TC):
            span = max(1, min(_int_attr(tc, _GRID_SPAN, 1), MAX_COLUMNS))
            column = len(cells)
            merge = _v_merge(tc)
            if merge == "continue":
                cells.append(RawCell(above.get(column, ""), merged_above=True))
            else:
                text = clip(_cell_text(tc))
                cells.append(RawCell(text))
                above[column] = text
            cells.extend([RawCell("", spanned=True)] * (span - 1))
            if len(cells) >= MAX_COLUMNS:
                break
        rows.append(tuple(cells[:MAX_COLUMNS]))
    return tuple(rows)


def _grid_before(tr: Any) -> int:
    properties = tr.find(_TR_PR)
    if properties is None:
        return 0
    found = properties.find(_GRID_BEFORE)
    value = found.get(_VAL) if found is not None else None
    return min(int(value), MAX_COLUMNS) if value and value.isdigit() else 0


def _int_attr(tc: Any, tag: str, default: int) -> int:
    properties = tc.find(_TC_PR)
    found = properties.find(tag) if properties is not None else None
    value = found.get(_VAL) if found is not None else None
    return int(value) if value and value.isdigit() else default


def _v_merge(tc: Any) -> str | None:
    """Return "restart", "continue" or None for a cell's vertical merge."""
    properties = tc.find(_TC_PR)
    found = properties.find(_V_MERGE) if properties is not None else None
    if found is None:
        return None
    return "restart" if found.get(_VAL) == "restart" else "continue"


def _cell_text(tc: Any) -> str:
    lines: list[str] = []
    for child in tc.iterchildren():
        if child.tag == _P:
            lines.append(_paragraph_text(child))
        elif child.tag in (_TBL, _SDT):  # a nested table or a content control: its paragraphs
            lines.extend(_paragraph_text(p) for p in child.iter(_P))
    return "\n".join(line for line in lines if line.strip())


def _paragraph_text(paragraph: Any) -> str:
    if paragraph.tag != _P:
        return ""
    parts: list[str] = []
    for node in paragraph.iter(_T, _TAB, _BR, _CR, _NO_BREAK_HYPHEN):
        if node.tag == _T:
            parts.append(node.text or "")
        elif node.tag == _TAB:
            parts.append(" ")
        elif node.tag == _NO_BREAK_HYPHEN:
            parts.append("-")
        else:
            parts.append("\n")
    return "".join(parts)
