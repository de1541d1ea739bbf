"""Template helpers of the open days: JSON-LD rendering with the same escaping as Django's
``json_script``, and Beijing-time formatting."""

import json

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from events.models import LOCAL_TIME

register = template.Library()

_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def dumps_for_html(data) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True).translate(_ESCAPES)


@register.filter
def jsonld(data):
    """``{{ data|jsonld }}`` → a ``<script type="application/ld+json">`` element."""
    if not data:
        return ""
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(dumps_for_html(data)),  # noqa: S308
    )


@register.filter
def beijing(moment):
    """An aware datetime in Beijing time (for the |date filter)."""
    return timezone.localtime(moment, LOCAL_TIME) if moment else moment
