"""The staff roles of the portal as Django groups, kept in step with every migrate.

Groups are created and given their permissions additively after each ``migrate`` (see
PortalConfig.ready), so a fresh production database has them and an administrator's extra
permissions are never taken away (except those an app registers as revoked). Each app grants
its own permissions to the roles through portal.registry. Wagtail's own "Editors" and "Moderators" groups are reused for
content editing.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .registry import registry

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

# What each role may do in portal itself; the apps above add their own permissions to a role
# through portal.registry (e.g. stations/apps.py, tip_reports/apps.py).
BASE_PERMISSIONS: dict[str, list[str]] = {
    COORDINATORS: ["wagtailadmin.access_admin"],
    STATION_STAFF: ["wagtailadmin.access_admin"],
}


def group_permissions() -> dict[str, list[str]]:
    """Every role's permissions: portal's own, then what the apps registered."""
    merged = {role: list(perms) for role, perms in BASE_PERMISSIONS.items()}
    for role, perms in registry.role_permissions.items():
        held = merged.setdefault(role, [])
        held.extend(p for p in perms if p not in held)
    return merged


def ensure_groups(sender=None, **kwargs) -> None:
    """Create the role groups and add any permission they lack; remove only the permissions
    registered as revoked (portal.registry).

    As a post_migrate receiver it acts once, after the last app (when every app's permissions
    exist); called directly (sender=None) it always acts.
    """
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    if sender is not None:
        with_models = [config for config in apps.get_app_configs() if config.models_module]
        if sender is not with_models[-1]:
            return

    for group_name, perm_names in group_permissions().items():
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
    for group_name, perm_names in registry.revoked_permissions.items():
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            continue
        for perm_name in perm_names:
            app_label, codename = perm_name.split(".")
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )


def is_coordinator(user) -> bool:
    """Coordinators hold stations.coordinate_stations (superusers hold every permission)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.has_perm(COORDINATE_PERMISSION)
    )


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
