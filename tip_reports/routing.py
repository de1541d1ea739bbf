"""Which station a tip goes to, and why.

1. The most specific area whose station has it in its jurisdiction, walking up the area tree
   (county → city → province).
2. Else, with coordinates, the nearest active station that has coordinates.
3. Else the fallback duty desk.
4. Else (no duty desk configured) any active station, so a tip is never left without one.
"""

import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from stations.models import Area, Station

EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class Route:
    station: Station | None
    reason: str  # for the timeline, in the active language


def distance_km(lat1, lon1, lat2, lon2) -> float:
    """Great-circle distance between two WGS-84 points (haversine)."""
    phi1, phi2 = math.radians(float(lat1)), math.radians(float(lat2))
    dphi = phi2 - phi1
    dlambda = math.radians(float(lon2) - float(lon1))
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def by_jurisdiction(area: Area) -> Route | None:
    chain = area.ancestors_and_self()
    candidates = (
        Station.objects.active()
        .filter(jurisdiction__in=chain)
        .prefetch_related("jurisdiction")
        .order_by("is_fallback", "code")
        .distinct()
    )
    rank = {a.pk: depth for depth, a in enumerate(chain)}
    best, best_depth = None, len(chain)
    for station in candidates:
        depth = min((rank[a.pk] for a in station.jurisdiction.all() if a.pk in rank), default=None)
        if depth is not None and depth < best_depth:
            best, best_depth = station, depth
    if best is None:
        return None
    matched = chain[best_depth]
    return Route(
        best,
        _("Area %(name)s (%(code)s) is in its jurisdiction")
        % {"name": matched.name, "code": matched.code},
    )


def by_distance(latitude: Decimal, longitude: Decimal) -> Route | None:
    stations = Station.objects.active().filter(latitude__isnull=False, is_fallback=False)
    scored = [
        (distance_km(latitude, longitude, s.latitude, s.longitude), s.code, s) for s in stations
    ]
    if not scored:
        return None
    km, _code, station = min(scored)
    return Route(station, _("Nearest station to the given location (%(km).1f km)") % {"km": km})


def route(area: Area | None, latitude=None, longitude=None) -> Route:
    if area is not None and (found := by_jurisdiction(area)):
        return found
    if (
        latitude is not None
        and longitude is not None
        and (found := by_distance(latitude, longitude))
    ):
        return found
    fallback = Station.objects.active().filter(is_fallback=True).first()
    if fallback is not None:
        return Route(fallback, _("No station serves this area: sent to the duty desk"))
    anyone = Station.objects.active().order_by("code").first()
    return Route(anyone, _("No duty desk is configured: sent to the first active station"))
