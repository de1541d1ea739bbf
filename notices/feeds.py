"""RSS and Atom feeds of the active family-search notices below a notice index, at
/notices/feed.rss and /notices/feed.atom.

Public facts only: notice number, sex, age range, date and area found. Closed (reunited or
withdrawn) notices and drafts never appear; PRIVATE_FIELDS are never read here.
"""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext as _

from .poster import age_range_text

MAX_ITEMS = 50


def active_notices(index_page):
    """Live, seeking notices below ``index_page``, newest first."""
    from .models import FamilySearchNoticePage

    return (
        FamilySearchNoticePage.objects.live()
        .descendant_of(index_page)
        .filter(status=FamilySearchNoticePage.Status.SEEKING)
        .select_related("station", "found_area__parent")
        .order_by("-first_published_at", "-pk")
    )


def feed_urls(index_page, request=None) -> dict[str, str]:
    """The feeds' URLs for `<link rel="alternate">` in the index page's <head>."""
    base = index_page.get_url(request)
    return {
        "rss": base + index_page.reverse_subpage("rss_feed"),
        "atom": base + index_page.reverse_subpage("atom_feed"),
    }


class NoticeRssFeed(Feed):
    feed_type = Rss201rev2Feed

    def __init__(self, index_page):
        super().__init__()
        self.index_page = index_page

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self):
        return _("Family-search notices") + " · " + _("Guitu")

    def link(self):
        return self.index_page.get_full_url(self.request)

    def description(self):
        return _("People taken in by rescue stations whose families are being sought.")

    def items(self):
        return active_notices(self.index_page)[:MAX_ITEMS]

    # Feed readers render item titles and descriptions as HTML: escape what editors typed.
    def item_title(self, item):
        return escape(f"{item.notice_number} {item.title}")

    def item_link(self, item):
        return item.get_full_url(self.request)

    def item_guid(self, item):
        return self.item_link(item)

    def item_description(self, item):
        area = item.found_area.qualified_name
        if item.found_place:
            area = f"{area} {item.found_place}"
        parts = [
            _("Notice number: %(number)s") % {"number": item.notice_number},
            _("Sex: %(sex)s") % {"sex": item.get_sex_display()},
        ]
        age = age_range_text(item)
        if age:
            parts.append(_("Age: %(age)s") % {"age": age})
        parts.append(
            _("Found on %(date)s in %(area)s")
            % {"date": date_format(item.found_date, "DATE_FORMAT"), "area": area}
        )
        parts.append(
            _("Holding station: %(station)s, 24-hour hotline %(hotline)s")
            % {"station": item.station.name, "hotline": item.station.hotline}
        )
        return escape("; ".join(parts))

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at or item.first_published_at


class NoticeAtomFeed(NoticeRssFeed):
    feed_type = Atom1Feed
    subtitle = NoticeRssFeed.description
