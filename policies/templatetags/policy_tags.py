"""`{{ text|mark_chinese }}`: on a page that is not in Chinese, runs of Chinese characters in
plain text (an official document title, an issuing body) are wrapped in
`<span lang="zh-Hans">`, so screen readers switch voice for them (WCAG 3.1.2). The text is
escaped first; on Chinese pages it is returned escaped and unchanged."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

CHINESE_RUN = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]+")


@register.filter
def mark_chinese(text) -> str:
    escaped = escape(text or "")
    if (get_language() or "").startswith("zh"):
        return escaped
    return mark_safe(  # noqa: S308 - the text was escaped above; only our own span is added
        CHINESE_RUN.sub(lambda match: f'<span lang="zh-Hans">{match.group(0)}</span>', escaped)
    )
