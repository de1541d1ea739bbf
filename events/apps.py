from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Open days")

    def ready(self):
        from portal import renditions

        # The campaign page's gallery (events.views.GALLERY_RENDITION).
        renditions.register("fill-640x427")
