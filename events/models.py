from django.utils.translation import gettext_lazy as _

from portal.pages import SectionIndexPage


class EventIndexPage(SectionIndexPage):
    """Open-day campaigns; campaigns and registration arrive with the events feature."""

    class Meta:
        verbose_name = _("open day index")
