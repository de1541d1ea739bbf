"""Small helpers for the public-form tests (import explicitly)."""

from __future__ import annotations

import re
from html import unescape

from django.utils import translation
from django.utils.translation import gettext, pgettext

from tip_reports.models import Delivery, TipEvent, TipReport

ZH = "zh-hans"
EN = "en"
URLS = {ZH: "/report/", EN: "/en/report/"}


def message(msgid: str, language: str, context: str | None = None, **values) -> str:
    """The text a visitor sees for ``msgid`` in ``language``; for Chinese, proves that a
    translation exists (the page must not fall back to English)."""
    with translation.override(language):
        text = pgettext(context, msgid) if context else gettext(msgid)
    if language == ZH:
        assert text != msgid, f"no Chinese translation for {msgid!r}"
    return text % values if values else text


def page_text(response) -> str:
    return unescape(response.content.decode())


def counts() -> tuple[int, int, int]:
    return TipReport.objects.count(), TipEvent.objects.count(), Delivery.objects.count()


def without_csrf(response) -> str:
    """The page with the per-request CSRF token removed, for comparing two answers."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
