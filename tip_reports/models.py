from django.utils.translation import gettext_lazy as _

from portal.pages import SectionIndexPage


class ReportPage(SectionIndexPage):
    """The public tip form at /report/; the form itself arrives with the tip intake feature."""

    class Meta:
        verbose_name = _("report a sighting")
