"""Wagtail admin registration for stations: the 救助站 menu (stations, staff, areas)."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .models import Area
from .views import AreaPermissionPolicy, StationsViewSetGroup

register_permission_policy(Area, AreaPermissionPolicy(Area), exact_class=True)


@hooks.register("register_admin_viewset")
def register_stations_viewsets():
    return StationsViewSetGroup()
