"""Uploaded files for the task-table import: what kind they are, whether they are safe to open.

A file is judged by its bytes, never by its name. Word (.docx) and Excel (.xlsx) files are zip
archives; before either library opens one, the archive's directory is checked against limits
(entries, total unpacked size, compression ratio) so that a small upload cannot unpack into
gigabytes, and its XML parts are checked for document type declarations (entity expansion).
Password-protected Office files are not zip archives at all but OLE compound files holding an
``EncryptedPackage`` stream: they are recognised and refused with a message saying so.

The readers (``engine.plan_import_docx``, ``engine.plan_import_xlsx``) turn a file into
``RawTable``s: rows of cell texts with the merges that matter for reading a table.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Final

MAX_FILE_BYTES: Final = 10 * 1024 * 1024
MAX_UNPACKED_BYTES: Final = 80 * 1024 * 1024
MAX_ENTRIES: Final = 3000
MAX_RATIO: Final = 200  # unpacked / packed, for parts larger than RATIO_FLOOR
RATIO_FLOOR: Final = 1024 * 1024
MAX_TABLE_ROWS: Final = 5000
MAX_COLUMNS: Final = 60
MAX_CELL_CHARS: Final = 20_000
PROLOG_BYTES: Final = 64 * 1024  # where an XML part would declare a document type

DOCX: Final = "docx"
XLSX: Final = "xlsx"

CFB_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_WORD_STREAM = "WordDocument".encode("utf-16-le")
_EXCEL_STREAMS = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))

NOT_SUPPORTED = (
    "Tệp không phải tài liệu Word (.docx) hoặc bảng tính Excel (.xlsx). "
    "Hãy mở tệp bằng Word hoặc Excel và lưu lại theo một trong hai định dạng này."
)
ENCRYPTED = (
    "Tệp được bảo vệ bằng mật khẩu (đã mã hóa) nên không đọc được. Hãy mở tệp, gỡ mật khẩu rồi tải lên lại."
)
DAMAGED = "Tệp bị hỏng hoặc không đúng định dạng nên không đọc được."
UNSAFE = "Tệp có cấu trúc bất thường (quá lớn khi giải nén hoặc chứa khai báo không an toàn), không mở."


class FileProblem(Exception):
    """The upload cannot be read; ``message`` tells the user why, in Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RawCell:
    """One grid cell of a table.

    ``spanned``: covered by a cell merged across from the left (its text is in that cell).
    ``merged_above``: covered by a cell merged down from above; ``text`` repeats that cell's text.
    """

    text: str
    spanned: bool = False
    merged_above: bool = False


@dataclass(frozen=True)
class RawTable:
    """A table as read from the file, row by row on the grid.

    ``follows_table`` is true when nothing but empty paragraphs (or page breaks) separates it
    from the table before: a table split across pages. ``source`` names it for messages.
    """

    rows: tuple[tuple[RawCell, ...], ...]
    source: str
    follows_table: bool = False


def kind_of(data: bytes) -> str:
    """Return ``DOCX`` or ``XLSX`` for a file that may be opened; raise ``FileProblem`` otherwise.

    Checks the size, the format (by its bytes), password protection and the archive's limits.
    """
    if not data:
        raise FileProblem("Tệp rỗng.")
    if len(data) > MAX_FILE_BYTES:
        raise FileProblem(f"Tệp quá lớn: tối đa {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    if data.startswith(CFB_MAGIC):
        raise FileProblem(_compound_file_problem(data))
    if data.startswith(b"%PDF"):
        raise FileProblem(
            "Tệp PDF chưa đọc được bảng nhiệm vụ. Hãy dùng bản Word (.docx) hoặc Excel (.xlsx) của kế hoạch."
        )
    if not data.startswith(b"PK\x03\x04"):
        raise FileProblem(NOT_SUPPORTED)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = _checked_entries(archive)
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError) as exc:
        raise FileProblem(DAMAGED) from exc
    raise FileProblem(NOT_SUPPORTED)


def _compound_file_problem(data: bytes) -> str:
    """Say what an OLE compound file is: an encrypted Office file or a pre-2007 document."""
    if _ENCRYPTED_STREAM in data:
        return ENCRYPTED
    if _WORD_STREAM in data:
        return "Tệp Word 97-2003 (.doc) chưa được hỗ trợ. Hãy mở bằng Word và lưu lại thành .docx."
    if any(stream in data for stream in _EXCEL_STREAMS):
        return "Tệp Excel 97-2003 (.xls) chưa được hỗ trợ. Hãy mở bằng Excel và lưu lại thành .xlsx."
    return NOT_SUPPORTED


def _checked_entries(archive: zipfile.ZipFile) -> set[str]:
    """Return the archive's entry names after checking the limits and the XML prologs."""
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise FileProblem(UNSAFE)
    total = 0
    for entry in entries:
        if entry.flag_bits & 0x1:  # an encrypted zip entry
            raise FileProblem(ENCRYPTED)
        total += entry.file_size
        packed = max(entry.compress_size, 1)
        if total > MAX_UNPACKED_BYTES or (
            entry.file_size > RATIO_FLOOR and entry.file_size / packed > MAX_RATIO
        ):
            raise FileProblem(UNSAFE)
    for entry in entries:
        if entry.filename.endswith((".xml", ".rels")):
            with archive.open(entry) as part:
                prolog = part.read(PROLOG_BYTES)
            if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
                raise FileProblem(UNSAFE)
    return {entry.filename for entry in entries}


def clip(text: str) -> str:
    """Return a cell's text cut to ``MAX_CELL_CHARS``."""
    return text[:MAX_CELL_CHARS]
