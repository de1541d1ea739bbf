from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    name = "stations"
    verbose_name = _("Stations")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .forms import forget_areas
        from .models import Area

        post_save.connect(forget_areas, sender=Area, dispatch_uid="stations.forget_areas")
        post_delete.connect(forget_areas, sender=Area, dispatch_uid="stations.forget_areas_delete")
