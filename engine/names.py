"""Unit names: a matching key, a clean display form, and Vietnamese collation.

The same unit is written many ways across documents: "Công an huyện", "Công An huyện",
"công an  huyện", decomposed (NFD) text pasted from PDFs, "–" for "-", "Văn hoá" for "Văn hóa".
``normalise_name`` maps all of these to one key so that matching never duplicates a unit;
``display_name`` only tidies what people see; ``vietnamese_sort_key`` orders names the way
Vietnamese readers expect (Đ after D, not after T; tones compared only when letters tie).
"""

from __future__ import annotations

import re
import unicodedata

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_AROUND_PUNCTUATION = re.compile(r"\s*([-,])\s*")

# Tone marks as NFD combining characters, in the order Vietnamese collation compares them.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng
_TONE_CLASS = "".join(_TONES)
# "hoà"/"hòa", "thuỷ"/"thủy", "khoẻ"/"khỏe": two spellings of one syllable (open "oa", "oe", "uy"
# with the tone on either vowel). The key uses the one public documents use, tone on the first
# vowel. Not after "q" ("quý" is q-u + ý), and not when a vowel sign follows ("huệ" is h-u-ê).
_NEW_STYLE_TONE = re.compile(rf"(?<!q)([ou])([aey])([{_TONE_CLASS}])(?![\w\u0300-\u036f])")

# Vietnamese alphabet order, with the Latin letters Vietnamese does not use where Latin puts them.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_WEIGHT = {letter: 20 + index for index, letter in enumerate(_ALPHABET)}
_SEPARATOR = 1
_NUMBER = 10  # then the count of digits and the digits, so "Tổ 2" sorts before "Tổ 10"
_OTHER = 100  # plus the code point, for letters of other scripts

SortKey = tuple[tuple[int, ...], tuple[int, ...], str]


def display_name(name: str) -> str:
    """Return the name as people should see it: NFC, one space between words, case as written."""
    return " ".join(unicodedata.normalize("NFC", name).translate(_INVISIBLE).split())


def normalise_name(name: str) -> str:
    """Return the key that matches a unit name however it was written.

    NFC, case folded, all whitespace collapsed to one space, dash variants unified to "-", no
    spaces around "-" and ",", and the tone of "oa"/"oe"/"uy" on the first vowel ("hoá" and
    "hóa" match). The key is for comparing names, not for showing them.
    """
    text = display_name(name).translate(_DASHES).casefold()
    text = _AROUND_PUNCTUATION.sub(r"\1", text)
    decomposed = _NEW_STYLE_TONE.sub(r"\1\3\2", unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFC", decomposed)


def vietnamese_sort_key(name: str) -> SortKey:
    """Return a key that sorts unit names in Vietnamese order, case-insensitively.

    Letters compare in the order a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y, then
    tones break ties (none, huyền, hỏi, ngã, sắc, nặng), then the written form itself so that
    the order is total. Spaces and punctuation all count as one word break; runs of digits
    compare by value.
    """
    shown = display_name(name)
    primary: list[int] = []
    tones: list[int] = []
    digits = ""
    for char in shown.casefold() + " ":
        if char.isdigit() and char.isascii():
            digits += char
            continue
        if digits:
            significant = digits.lstrip("0") or "0"
            primary.extend((_NUMBER, len(significant), *map(int, significant)))
            digits = ""
        letter, tone = _split_tone(char)
        if letter.isalpha():
            primary.append(_LETTER_WEIGHT.get(letter, _OTHER + ord(letter)))
            tones.append(tone)
        elif primary and primary[-1] != _SEPARATOR:
            primary.append(_SEPARATOR)
    while primary and primary[-1] == _SEPARATOR:
        primary.pop()
    return tuple(primary), tuple(tones), shown


def _split_tone(char: str) -> tuple[str, int]:
    """Split a letter from its tone: "ờ" gives ("ơ", 1), "é" gives ("e", 4)."""
    decomposed = unicodedata.normalize("NFD", char)
    tone = 0
    kept: list[str] = []
    for mark in decomposed[1:]:
        if mark in _TONES:
            tone = _TONES[mark]
        else:
            kept.append(mark)
    letter = unicodedata.normalize("NFC", decomposed[:1] + "".join(kept))
    if letter not in _LETTER_WEIGHT and decomposed[:1] in _LETTER_WEIGHT:
        letter = decomposed[:1]  # a foreign accent on a Latin letter: "ç" sorts as "c"
    return letter, tone
