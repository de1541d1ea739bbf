"""The staff roles of the portal as Django groups, kept in step with every migrate.

Groups are created and given their permissions additively after each ``migrate`` (see
PortalConfig.ready), so a fresh production database has them and an administrator's extra
permissions are never taken away. Wagtail's own "Editors" and "Moderators" groups are reused for
content editing.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

COORDINATE_PERMISSION = "stations.coordinate_stations"
COORDINATORS = "省级协调员"
STATION_STAFF = "救助站值班人员"
EDITORS = "Editors"  # created by Wagtail's own migrations
MODERATORS = "Moderators"  # created by Wagtail's own migrations

ROLE_DESCRIPTIONS = {
    COORDINATORS: _(
        "Provincial coordinators: see every station's work, manage stations and staff."
    ),
    STATION_STAFF: _("Station duty staff: work the queue of their own stations."),
}

GROUP_PERMISSIONS: dict[str, list[str]] = {
    COORDINATORS: [
        "wagtailadmin.access_admin",
        "stations.coordinate_stations",
        "stations.view_area",
        "stations.view_station",
        "stations.change_station",
        "stations.view_stationmembership",
        "stations.add_stationmembership",
        "stations.change_stationmembership",
        "stations.delete_stationmembership",
        "tip_reports.view_tipreport",
        "tip_reports.change_tipreport",
        "tip_reports.view_reporter_contact",
        "tip_reports.change_tipsettings",
    ],
    STATION_STAFF: [
        "wagtailadmin.access_admin",
        "stations.view_area",
        "stations.view_station",
        "tip_reports.view_tipreport",
        "tip_reports.change_tipreport",
        "tip_reports.view_reporter_contact",
    ],
    EDITORS: [
        "stations.view_area",
        "stations.view_station",
        "stations.change_station",
    ],
}


def ensure_groups(sender=None, **kwargs) -> None:
    """Create the role groups and add any permission they lack. Never removes a permission.

    As a post_migrate receiver it acts once, after the last app (when every app's permissions
    exist); called directly (sender=None) it always acts.
    """
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    if sender is not None:
        with_models = [config for config in apps.get_app_configs() if config.models_module]
        if sender is not with_models[-1]:
            return

    for group_name, perm_names in GROUP_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=group_name)
        wanted = []
        for perm_name in perm_names:
            app_label, codename = perm_name.split(".")
            perm = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if perm is not None:
                wanted.append(perm)
        group.permissions.add(*wanted)


def is_coordinator(user) -> bool:
    """Coordinators hold stations.coordinate_stations (superusers hold every permission)."""
    return user.is_active and user.has_perm(COORDINATE_PERMISSION)


def coordinator_emails() -> list[str]:
    """Addresses of every active coordinator (permission stations.coordinate_stations,
    superusers included) and of settings.ADMINS."""
    users = get_user_model().objects.with_perm(
        COORDINATE_PERMISSION,
        is_active=True,
        include_superusers=True,
        backend="django.contrib.auth.backends.ModelBackend",
    )
    addresses = {user.email for user in users if user.email}
    for admin in getattr(settings, "ADMINS", []):
        address = admin[1] if isinstance(admin, (list, tuple)) else admin
        if address:
            addresses.add(address)
    return sorted(addresses)
