from django.utils.translation import gettext_lazy as _

from portal.pages import SectionIndexPage


class NoticeIndexPage(SectionIndexPage):
    """Family-search notices (寻亲公告); notices arrive with the notices feature."""

    class Meta:
        verbose_name = _("family-search notice index")
