"""Result snippets: a short passage of an object's indexed text with the query marked.

The passage comes only from the object's own ``search_fields`` (text fields, StreamField and
rich text, never relations or methods, so building a snippet costs no query), so nothing
that is not indexed (e.g. a notice's private fields) can appear in one. The text is escaped
first; only the ``<mark>`` elements added here are markup.
"""

from __future__ import annotations

import re

from django.core.exceptions import FieldDoesNotExist
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from modelsearch.index import SearchField

from .backend import DEFAULT_TITLE_FIELDS, _text
from .text import fold, highlight_terms

SNIPPET_LENGTH = 120
# Only the start of a long document is searched for a passage to show.
SNIPPET_SOURCE_LENGTH = 6000


def document_text(obj) -> str:
    """The indexed text of ``obj`` other than its title (and its ``search_snippet_exclude``
    fields), in ``search_fields`` order."""
    model = type(obj)
    skipped = {
        *getattr(model, "search_title_fields", DEFAULT_TITLE_FIELDS),
        # Fields a result shows elsewhere (a notice's number has its own line).
        *getattr(model, "search_snippet_exclude", ()),
    }
    parts = []
    for field in obj.get_search_fields():
        if not isinstance(field, SearchField) or field.field_name in skipped:
            continue
        try:
            model_field = model._meta.get_field(field.field_name)
        except FieldDoesNotExist:
            continue  # a method: may read relations
        if model_field.is_relation:
            continue
        text = " ".join(_text(field.get_value(obj)).split())
        if text:
            parts.append(text)
    return " · ".join(parts)[:SNIPPET_SOURCE_LENGTH]


def _folded_with_positions(text: str) -> tuple[str, list[int] | None]:
    """``fold(text)`` and, when folding changed the length, each folded character's index in
    ``text`` (None: the positions are the same)."""
    folded = fold(text)
    if len(folded) == len(text):
        return folded, None
    chars, positions = [], []
    for index, char in enumerate(text):
        for folded_char in fold(char):
            chars.append(folded_char)
            positions.append(index)
    return "".join(chars), positions


def _matches(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) spans of ``terms`` in ``text``, in the original's
    positions."""
    if not terms or not text:
        return []
    folded, positions = _folded_with_positions(text)
    pattern = re.compile("|".join(re.escape(term) for term in terms))
    spans = []
    for match in pattern.finditer(folded):
        start, end = match.span()
        if positions is not None:
            start, end = positions[start], positions[end - 1] + 1
        spans.append((start, end))
    return spans


def mark(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None) -> str:
    """``text[start:end]`` escaped, with the spans inside it wrapped in ``<mark>``."""
    end = len(text) if end is None else end
    out, position = [], start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, position), min(span_end, end)
        if span_start < position:
            continue
        out.append(escape(text[position:span_start]))
        out.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        position = span_end
    out.append(escape(text[position:end]))
    return "".join(out)


def highlight(text: str, query: str) -> SafeString:
    """All of ``text`` (a title) escaped, with the query's words marked."""
    return mark_safe(mark(text, _matches(text, highlight_terms(query))))  # noqa: S308


def snippet(text: str, query: str, length: int = SNIPPET_LENGTH) -> SafeString:
    """About ``length`` characters of ``text`` around the first match of the query (or its
    beginning), escaped, with the matches marked."""
    if not text:
        return mark_safe("")
    spans = _matches(text, highlight_terms(query))
    start = 0
    if spans and spans[0][0] > length // 3:
        start = spans[0][0] - length // 3
    end = min(len(text), start + length)
    start = max(0, min(start, end - length))
    html = mark(text, spans, start, end)
    if start > 0:
        html = "…" + html
    if end < len(text):
        html += "…"
    return mark_safe(html)  # noqa: S308
