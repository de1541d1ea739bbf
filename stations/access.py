"""Who coordinates and who leads: the one place that answers "may this person act for every
station, or for which ones?" Tips, registrations, notices' private records and the station
admin all ask here (docs/architecture.md, "Roles").

* Coordinators: superusers and holders of ``stations.coordinate_stations`` (the 省级协调员
  group). They see every station's work and alone change where tips go.
* Station members: ``StationMembership`` rows; a member with the ``lead`` role may also change
  their own station's public details.
"""

from __future__ import annotations

from portal.roles import COORDINATE_PERMISSION, coordinator_emails, is_coordinator

from .models import StationMembership

__all__ = [
    "COORDINATE_PERMISSION",
    "coordinator_emails",
    "is_active_user",
    "is_coordinator",
    "lead_station_ids",
    "member_station_ids",
]


def is_active_user(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def member_station_ids(user, *, role: str | None = None) -> set[int]:
    """The stations ``user`` belongs to (optionally only with ``role``)."""
    if not is_active_user(user):
        return set()
    memberships = StationMembership.objects.filter(user=user)
    if role is not None:
        memberships = memberships.filter(role=role)
    return set(memberships.values_list("station_id", flat=True))


def lead_station_ids(user) -> set[int]:
    return member_station_ids(user, role=StationMembership.Role.LEAD)
