from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal core")

    def ready(self):
        from .roles import ensure_groups

        post_migrate.connect(ensure_groups, dispatch_uid="portal.ensure_groups")
        from . import image_privacy  # noqa: F401  (connects its pre_save receiver)
        from .search import signals as search_signals
        from .search import text as search_text

        search_signals.connect()
        # The segmentation dictionary and converter are loaded once per process, here.
        search_text.load()
