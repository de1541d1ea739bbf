from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TipReportsConfig(AppConfig):
    name = "tip_reports"
    verbose_name = _("Tip-offs")

    def ready(self):
        from portal.registry import registry
        from portal.roles import COORDINATORS, STATION_STAFF

        queue = (
            "tip_reports.view_tipreport",
            "tip_reports.change_tipreport",
            "tip_reports.view_reporter_contact",
        )
        registry.grant(COORDINATORS, *queue, "tip_reports.change_tipsettings")
        registry.grant(STATION_STAFF, *queue)
        registry.add_backup_models(
            "tip_reports.TipReport", "tip_reports.TipEvent", "tip_reports.Delivery"
        )
