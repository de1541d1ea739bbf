from django.utils.translation import gettext_lazy as _

from portal.pages import SectionIndexPage


class PolicyIndexPage(SectionIndexPage):
    """Explainers of rescue-management policy; the explainers themselves arrive with the policies feature."""

    class Meta:
        verbose_name = _("policy explainer index")
