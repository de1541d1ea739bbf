"""The tips in the Wagtail admin (registered in wagtail_hooks.py): a read-only list and detail,
each limited to the tips the user may see (access.tips_visible_to), and the dashboard warning
shown while no captcha is configured.

The station queue with its actions is built on top of this viewset (issue 4)."""

from datetime import datetime

from django.conf import settings
from django.contrib.admin.utils import quote
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from .access import sees_all_tips, tips_visible_to
from .models import Delivery, TipEvent, TipReport


class TipPermissionPolicy(ModelPermissionPolicy):
    """Tips are created only by intake and, for now, only viewed in the admin: no add, change
    or delete for anyone (superusers included). Per instance, a user may act only on the tips
    of their own stations unless they coordinate all of them."""

    ALLOWED_ACTIONS = frozenset({"view"})

    def user_has_permission(self, user, action):
        return action in self.ALLOWED_ACTIONS and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission(
            [action for action in actions if action in self.ALLOWED_ACTIONS]
        )

    def user_has_permission_for_instance(self, user, action, instance):
        return (
            self.user_has_permission(user, action)
            and tips_visible_to(user).filter(pk=instance.pk).exists()
        )

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return TipReport.objects.none()
        return tips_visible_to(user)


class TipAdminURLFinder(ModelAdminURLFinder):
    """Links to a tip point at its detail view, and only for users who may see it."""

    inspect_url_name = "tips:inspect"

    def construct_edit_url(self, instance):
        return reverse(self.inspect_url_name, args=(quote(instance.pk),))

    def get_edit_url(self, instance):
        if self.user is not None and not tips_visible_to(self.user).filter(pk=instance.pk).exists():
            return None
        return self.construct_edit_url(instance)


class TipIndexView(IndexView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # No spreadsheet export until one is designed (issue 4): ?export= shows the list.
        if not self.list_export:
            self.is_export = False

    def get_base_queryset(self):
        return tips_visible_to(self.request.user, super().get_base_queryset())


class TipInspectView(InspectView):
    # Personal and secret fields are never listed here (photo and contact come with issue 4's
    # permission-checked views).
    extra_labels = {
        "deliveries": _("Notifications"),
        "events": _("Timeline"),
    }

    def get_object(self, queryset=None):
        tips = tips_visible_to(
            self.request.user,
            TipReport.objects.select_related(
                "area__parent", "station", "related_notice", "duplicate_of"
            ).prefetch_related(
                Prefetch("deliveries", queryset=Delivery.objects.select_related("station")),
                Prefetch("events", queryset=TipEvent.objects.select_related("actor", "station")),
            ),
        )
        return get_object_or_404(tips, pk=self.pk)

    def get_field_label(self, field_name, field):
        if field_name in self.extra_labels:
            return capfirst(self.extra_labels[field_name])
        return super().get_field_label(field_name, field)

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if value is None or value == "":
            return "-"
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if isinstance(value, datetime):
            return timezone.localtime(value)  # the inspect template does not convert
        return value

    def get_area_display_value(self):
        area = self.object.area
        return f"{area.qualified_name} ({area.code})" if area else "-"

    def get_deliveries_display_value(self):
        rows = [
            (
                delivery.get_channel_display(),
                delivery.station.display_name if delivery.station else _("coordinators"),
                delivery.get_status_display(),
                _("attempts: %(count)d") % {"count": delivery.attempts},
                delivery.last_error,
            )
            for delivery in self.object.deliveries.all()
        ]
        if not rows:
            return "-"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "", "<li>{} → {}: <strong>{}</strong> ({}) <small>{}</small></li>", rows
            ),
        )

    def get_events_display_value(self):
        events = [
            (
                timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M"),
                event.get_kind_display(),
                event.station.display_name if event.station else "",
                event.note,
            )
            for event in self.object.events.all()
        ]
        return format_html(
            "<ol>{}</ol>",
            format_html_join("", "<li>{} {} {}<br>{}</li>", events),
        )


class TipViewSet(ModelViewSet):
    """求助线索 in the admin menu: the tips the user may see, newest first, read-only."""

    model = TipReport
    name = "tips"
    icon = "warning"
    menu_label = _("Tips")
    menu_order = 150
    add_to_admin_menu = True
    add_to_reference_index = False  # a tip must never show up in a page's "usage" list
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = TipIndexView
    inspect_view_class = TipInspectView
    list_display = [
        "reference",
        "category",
        "urgency",
        Column("area", label=_("Area"), accessor="area.qualified_name", sort_key="area__code"),
        "station",
        "created_at",
        "status",
    ]
    list_per_page = 50
    ordering = "-created_at"
    list_filter = ["status", "category", "urgency"]
    search_fields = ["reference"]
    search_backend_name = None
    inspect_view_fields = [
        "reference",
        "status",
        "category",
        "urgency",
        "station",
        "area",
        "place_text",
        "latitude",
        "longitude",
        "seen_at",
        "person_sex",
        "person_age",
        "clothing",
        "appearance",
        "description",
        "consent_forwarding",
        "captcha_status",
        "created_at",
        "acknowledge_due_at",
        "resolve_due_at",
        "related_notice",
        "duplicate_of",
        "deliveries",
        "events",
    ]
    NEVER_SHOWN = frozenset({"reporter_name", "reporter_phone", "photo", "secret_code_hash"})

    @property
    def url_finder_class(self):
        return TipAdminURLFinder

    def get_common_view_kwargs(self, **kwargs):
        # Only the list and the detail exist; no view may link to anything else.
        return super().get_common_view_kwargs(
            add_url_name=None,
            edit_url_name=None,
            delete_url_name=None,
            history_url_name=None,
            usage_url_name=None,
            **kwargs,
        )

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            queryset=TipReport.objects.select_related("area__parent", "station"), **kwargs
        )

    def get_inspect_view_kwargs(self, **kwargs):
        fields = [name for name in self.inspect_view_fields if name not in self.NEVER_SHOWN]
        return super().get_inspect_view_kwargs(fields=fields, **kwargs)

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
        ]

    def get_permissions_to_register(self):
        # Tips are never added, changed or deleted in the admin: offer only "view" to groups.
        return super().get_permissions_to_register().filter(codename="view_tipreport")


def captcha_configured() -> bool:
    try:
        from portal.captcha import captcha_enabled
    except ImportError:
        return bool(
            getattr(settings, "RECAPTCHA_PUBLIC_KEY", "")
            and getattr(settings, "RECAPTCHA_PRIVATE_KEY", "")
        )
    return captcha_enabled()


class CaptchaWarningPanel(Component):
    """Dashboard warning for superusers and coordinators while the tip form runs without a
    captcha (only the honeypot and the rate limit stop spam then)."""

    name = "captcha_warning"
    order = 10
    template_name = "tip_reports/admin/captcha_warning_panel.html"

    def render_html(self, parent_context=None):
        user = parent_context["request"].user
        if captcha_configured() or not sees_all_tips(user):
            return ""
        return super().render_html(parent_context)
