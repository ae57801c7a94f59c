"""Inbox search: plan numbers and symbols, unit names and period labels, without case or accents.

"thai binh" finds "UBND xã Thái Bình" and "nam 2024" finds "Năm 2024". SQLite compares folded
text (a small function registered on the connection); PostgreSQL matches a regular expression
in which each plain vowel stands for all its marked forms ("thai" becomes
``th[aàáảãạăằắẳẵặâầấẩẫậ][iìíỉĩị]``): about four times faster there than folding every row
with ``translate``, and no extension (``unaccent``) to install.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from functools import lru_cache

from sqlalchemy import ColumnElement, func, or_
from sqlalchemy.orm import InstrumentedAttribute, Session

from engine.errors import InvalidSubmission
from engine.models import Plan, ReportingPeriod, Unit
from engine.names import display_name, normalise_name

MAX_QUERY_LENGTH = 200
# Vietnamese letters with their marks, and the plain letters search compares them as.
_MARKED = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
_PLAIN = "aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd"
_FORMS = {
    plain: plain + "".join(m for m, p in zip(_MARKED, _PLAIN, strict=True) if p == plain) for plain in _PLAIN
}
_FOLD_FUNCTION = "plancycle_fold"
_LIKE_SPECIAL = re.compile(r"([\\%_])")

Column = ColumnElement[str] | InstrumentedAttribute[str]


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Return ``text`` without case or Vietnamese accents, spaces collapsed: "Đức Hòa" -> "duc hoa"."""
    decomposed = unicodedata.normalize("NFD", display_name(text).casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.replace("đ", "d")


def _sql_fold(value: str | None) -> str | None:
    return None if value is None else fold(value)


def accent_pattern(folded: str) -> str:
    """Return a PostgreSQL regular expression matching ``folded`` with any Vietnamese marks."""
    parts = []
    for char in folded:
        if char in _FORMS:
            parts.append(f"[{_FORMS[char]}]")
        elif char.isalnum() or char == " ":
            parts.append(char)
        else:
            parts.append("\\" + char)  # a backslash before a non-alphanumeric character: itself
    return "".join(parts)


def _contains(session: Session, column: Column, folded: str, *, any_case: bool) -> ColumnElement[bool]:
    """Return "``column`` contains ``folded``, whatever its accents (and case, if ``any_case``)"."""
    if session.get_bind().dialect.name == "postgresql":
        return column.op("~*" if any_case else "~")(accent_pattern(folded))
    folded_column: ColumnElement[str] = getattr(func, _FOLD_FUNCTION)(column)
    return folded_column.like(_like(folded), escape="\\")


def prepare_search(session: Session) -> None:
    """Make the fold function available on this session's SQLite connection (once per search)."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.driver_connection
    if isinstance(raw, sqlite3.Connection):
        raw.create_function(_FOLD_FUNCTION, 1, _sql_fold, deterministic=True)


def _like(text: str) -> str:
    return "%" + _LIKE_SPECIAL.sub(r"\\\1", text) + "%"


def search_clause(session: Session, text: str) -> ColumnElement[bool]:
    """Return the condition "``text`` names the item's plan, unit or period".

    A number finds the plan of that number ("12"), unit names holding it as a word ("Phường
    12") and period labels holding it (a year anywhere: "Quý IV/2024"; a short number as a
    word: "Đợt 2"); a symbol or its start finds plans by symbol ("12/KH-UBND", "12/kh",
    "KH-STTTT"); other text finds unit names and period labels containing it, without regard
    to case or accents ("thai binh", "nam 2024"). The caller joins ``Unit``, ``Plan`` and
    ``ReportingPeriod``.
    """
    phrase = display_name(text)
    if phrase.isascii() and phrase.isdigit():
        # Digits and spaces have no case or accents: plain LIKE on both databases.
        words = [phrase, f"{phrase} %", f"% {phrase}", f"% {phrase} %"]
        branches: list[ColumnElement[bool]] = [Unit.name_key.like(word) for word in words]
        label = ReportingPeriod.label
        branches += [label.like(f"%{phrase}%")] if len(phrase) >= 4 else [label.like(w) for w in words]
        if len(phrase) <= 9:
            branches.append(Plan.number == int(phrase))
        return or_(*branches)
    branches = [
        _contains(session, Unit.name_key, fold(normalise_name(phrase)), any_case=False),
        _contains(session, ReportingPeriod.label, fold(phrase), any_case=True),
    ]
    if "/" in phrase or "-" in phrase:
        symbol = _LIKE_SPECIAL.sub(r"\\\1", phrase.upper())
        pattern = f"{symbol}%" if phrase[0].isdigit() else f"%{symbol}%"
        branches.append(func.upper(Plan.symbol).like(pattern, escape="\\"))
    return or_(*branches)


def check_query(text: str | None) -> str:
    """Return the search text tidied, or raise ``InvalidSubmission`` when it is too long."""
    phrase = display_name(text or "")
    if len(phrase) > MAX_QUERY_LENGTH:
        raise InvalidSubmission(
            "Từ khóa tìm kiếm quá dài (search text too long)",
            {"query": [f"Tối đa {MAX_QUERY_LENGTH} ký tự."]},
        )
    return phrase
