from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TipReportsConfig(AppConfig):
    name = "tip_reports"
    verbose_name = _("Tip-offs")
