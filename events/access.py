"""Who may see what of the registrations (registrants' names and phones are personal data).

* Counts (confirmed, waiting, cancelled) for every venue: anyone who can use the admin.
* Names, phones, emails and the check-in export of a venue: superusers, coordinators
  (``stations.coordinate_stations``), users with the explicit ``events.view_registrant_details``
  permission, and members of the venue's own station. Nobody else, whatever URL they try.
"""

from stations.access import is_active_user, is_coordinator, member_station_ids

__all__ = ["may_see_counts", "may_see_registrants", "member_station_ids", "sees_all_registrants"]

DETAILS_PERMISSION = "events.view_registrant_details"
ADMIN_PERMISSION = "wagtailadmin.access_admin"


def _active(user) -> bool:
    return is_active_user(user)


def may_see_counts(user) -> bool:
    return _active(user) and (user.is_superuser or user.has_perm(ADMIN_PERMISSION))


def sees_all_registrants(user) -> bool:
    return is_coordinator(user) or (_active(user) and user.has_perm(DETAILS_PERMISSION))


def may_see_registrants(user, venue) -> bool:
    if not may_see_counts(user):
        return False
    if sees_all_registrants(user):
        return True
    return venue.station_id is not None and venue.station_id in member_station_ids(user)
