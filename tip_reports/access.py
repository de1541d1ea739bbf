"""Who may see which tips (docs/architecture.md §7): coordinators and superusers see every tip; anyone else
sees only the tips of the stations they are a member of. Every admin view, action, export and
file URL of tips goes through ``tips_visible_to``."""

from django.db.models import QuerySet

from stations.access import is_coordinator
from stations.models import StationMembership

from .models import TipReport

VIEW_PERMISSION = "tip_reports.view_tipreport"


def sees_all_tips(user) -> bool:
    return is_coordinator(user)


def tips_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """The tips of ``queryset`` (default: all) that ``user`` may open."""
    tips = queryset if queryset is not None else TipReport.objects.all()
    if not (user.is_authenticated and user.is_active):
        return tips.none()
    if sees_all_tips(user):
        return tips
    if not user.has_perm(VIEW_PERMISSION):
        return tips.none()
    return tips.filter(
        station_id__in=StationMembership.objects.filter(user=user).values("station_id")
    )
