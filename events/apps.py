from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Open days")

    def ready(self):
        from portal import renditions

        # The campaign page's gallery (events.views.GALLERY_RENDITION).
        renditions.register("fill-640x427")

        from portal.registry import registry

        # /events/<slug>/event.ics and /events/feed.ics, in both languages.
        registry.add_localized_urls("events.urls")
