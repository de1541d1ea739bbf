"""Invisible characters in what people type, and text bound for spreadsheets.

Bidirectional controls (U+202A–U+202E embeddings and overrides, U+2066–U+2069 isolates, the
U+200E/U+200F marks, the Arabic letter mark U+061C) change the order in which the characters
around them are shown: a name typed as "王\u202eLOOC" reads "王COOL" in the admin, in a CSV and on
a notice, and a phone number can be made to show other digits. None of it belongs in what the
public or the editors of this portal type, so the forms remove it before anything validates or
stores the value (``portal.forms.PlainTextMixin``), and the templates isolate what is shown
(``<bdi>``, ``dir="auto"``) so that text stored before, or from elsewhere, cannot reorder the
page around it.

A single line (a name, a phone number, a place, a search) loses every invisible format
character (Unicode category Cf: also zero-width spaces, soft hyphens, the byte-order mark,
interlinear annotations, invisible tag characters), keeping only what writes emoji: the zero
width joiner (family and profession emoji) and the tag characters of a subdivision flag.
Longer text keeps them (a zero-width space in a description misleads nobody) but loses the
bidirectional controls too. Chinese text, punctuation and emoji (variation selectors, skin
tones, keycaps and flags are not format characters) are never touched.
"""

from __future__ import annotations

import re
import unicodedata

BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
ZERO_WIDTH_JOINER = "\u200d"
# 🏴 followed by tag letters and CANCEL TAG: the flags of England, Scotland and Wales.
EMOJI_TAG_SEQUENCE = re.compile("\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f")
LINE_BREAKS = re.compile("[\u2028\u2029]")
# Characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def without_bidi_controls(text: str) -> str:
    """``text`` without the characters that reorder what is shown around them."""
    return BIDI_CONTROLS.sub("", text)


def _without_format_characters(text: str) -> str:
    return "".join(ch for ch in text if ch == ZERO_WIDTH_JOINER or unicodedata.category(ch) != "Cf")


def plain_line(text: str) -> str:
    """A single line as it should be stored: no invisible format characters except those
    emoji need, and Unicode line or paragraph separators turned into spaces."""
    out, start = [], 0
    for match in EMOJI_TAG_SEQUENCE.finditer(text):
        out += [_without_format_characters(text[start : match.start()]), match.group()]
        start = match.end()
    out.append(_without_format_characters(text[start:]))
    return LINE_BREAKS.sub(" ", "".join(out))


def plain_text(text: str) -> str:
    """Multi-line text as it should be stored: no bidirectional controls."""
    return without_bidi_controls(text)


def spreadsheet_cell(value):
    """A value for a CSV or XLSX cell: a string loses its invisible format characters and, if
    a spreadsheet would read it as a formula, gets a leading apostrophe; anything else is
    returned unchanged."""
    if not isinstance(value, str):
        return value
    value = plain_line(value)
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value
