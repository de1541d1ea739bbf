from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    name = "stations"
    verbose_name = _("Stations")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from portal.registry import registry
        from portal.roles import COORDINATORS, EDITORS, MODERATORS, STATION_STAFF

        from .forms import forget_areas
        from .models import Area

        post_save.connect(forget_areas, sender=Area, dispatch_uid="stations.forget_areas")
        post_delete.connect(forget_areas, sender=Area, dispatch_uid="stations.forget_areas_delete")

        # Coordinators alone change where tips go (stations/views.py, StationPermissionPolicy);
        # everyone else may look stations up.
        registry.grant(
            COORDINATORS,
            "stations.coordinate_stations",
            "stations.view_area",
            "stations.view_station",
            "stations.change_station",
            "stations.view_stationmembership",
            "stations.add_stationmembership",
            "stations.change_stationmembership",
            "stations.delete_stationmembership",
        )
        registry.grant(STATION_STAFF, "stations.view_area", "stations.view_station")
        registry.grant(EDITORS, "stations.view_area", "stations.view_station")
        # Editors once held change_station (issue 16): taken away from existing databases.
        for role in (EDITORS, MODERATORS):
            registry.revoke(
                role, "stations.change_station", "stations.add_station", "stations.delete_station"
            )
        registry.add_backup_models("stations.Station", "stations.Area")
