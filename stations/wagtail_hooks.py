"""Wagtail admin registration for stations: the 救助站 menu (stations, staff, areas)."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .models import Area, Station
from .views import AreaPermissionPolicy, StationPermissionPolicy, StationsViewSetGroup

register_permission_policy(Area, AreaPermissionPolicy(Area), exact_class=True)
register_permission_policy(Station, StationPermissionPolicy(Station), exact_class=True)


@hooks.register("register_admin_viewset")
def register_stations_viewsets():
    return StationsViewSetGroup()


@hooks.register("register_log_actions")
def register_station_log_actions(actions):
    from django.utils.translation import gettext_lazy as _

    from .audit import ROUTING_CHANGED

    actions.register_action(ROUTING_CHANGED, _("Change where tips go"), _("Tip routing changed"))
