from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("Family-search notices")

    def ready(self):
        # Status history and rendition clean-up when a notice is published closed.
        from portal import renditions

        from . import closing  # noqa: F401

        # Card in the list, photo on the notice page, photo on the A4 poster.
        renditions.register("fill-240x300", "max-480x600", "max-800x800")

        from portal.registry import registry

        registry.add_backup_models("notices.FamilySearchNoticePage", "notices.NoticePrivateRecord")
