"""The RSS feed of the live explainers below an explainer index, at /policies/feed/rss/:
newest update first, at most 50, each with its summary."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

MAX_ITEMS = 50


def feed_url(index_page, request=None) -> str:
    """The feed's URL for `<link rel="alternate">` in the index page's <head>."""
    return index_page.get_url(request) + index_page.reverse_subpage("rss_feed")


class ExplainerRssFeed(Feed):
    feed_type = Rss201rev2Feed

    def __init__(self, index_page):
        super().__init__()
        self.index_page = index_page

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self):
        return _("Policy explainers") + " · " + _("Guitu")

    def link(self):
        return self.index_page.get_full_url(self.request)

    def description(self):
        return _("Rescue-management policy in plain language: who can get help, and how.")

    def items(self):
        from .models import PolicyExplainerPage

        return (
            PolicyExplainerPage.objects.child_of(self.index_page)
            .live()
            .public()
            .newest_first()
            .select_related("topic")[:MAX_ITEMS]
        )

    # Feed readers render item titles and descriptions as HTML: escape what editors typed.
    def item_title(self, item):
        return escape(item.title)

    def item_link(self, item):
        return item.get_full_url(self.request)

    def item_guid(self, item):
        return self.item_link(item)

    def item_description(self, item):
        return escape(item.summary)

    def item_categories(self, item):
        return [escape(item.topic.localised_name)] if item.topic_id else []

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at or item.first_published_at
