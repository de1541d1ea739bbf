"""`{% load notice_feeds %}{% notice_feed_links page %}` in the notice index's <head>: the
RSS and Atom feeds as <link rel="alternate">."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from notices.feeds import feed_urls

register = template.Library()


@register.simple_tag(takes_context=True)
def notice_feed_links(context, index_page):
    urls = feed_urls(index_page, context.get("request"))
    return format_html(
        '<link rel="alternate" type="application/rss+xml" title="{}" href="{}">\n'
        '<link rel="alternate" type="application/atom+xml" title="{}" href="{}">',
        _("Family-search notices (RSS)"),
        urls["rss"],
        _("Family-search notices (Atom)"),
        urls["atom"],
    )
