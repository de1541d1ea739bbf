from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("Family-search notices")

    def ready(self):
        # Status history and rendition clean-up when a notice is published closed.
        from . import closing  # noqa: F401
