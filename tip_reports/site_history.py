"""Wagtail's site history report, limited so that tip log entries appear only to users who
may see the tip (DESIGN §7).

Wagtail shows every log entry of a model to anyone with any permission on that model, so
without this a station's staff would read other stations' tip references and actions there.
Mounted in portal/urls.py ahead of the admin's own URLs, at the same paths."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.urls import path
from django.views.decorators.cache import never_cache

from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.models import ModelLogEntry

from .access import sees_all_tips, tips_visible_to
from .models import TipReport


def without_hidden_tips(queryset, user):
    """Log entries of ``queryset`` minus those about tips ``user`` may not see."""
    if sees_all_tips(user) or not issubclass(queryset.model, ModelLogEntry):
        return queryset
    visible = tips_visible_to(user).annotate(key=Cast("pk", CharField())).values("key")
    return queryset.exclude(
        Q(content_type=ContentType.objects.get_for_model(TipReport)) & ~Q(object_id__in=visible)
    )


class SiteHistoryView(LogEntriesView):
    def filter_queryset(self, queryset):
        return without_hidden_tips(super().filter_queryset(queryset), self.request.user)


def _admin(view):
    return never_cache(require_admin_access(view))


urlpatterns = [
    path("site-history/", _admin(SiteHistoryView.as_view())),
    path("site-history/results/", _admin(SiteHistoryView.as_view(results_only=True))),
]
