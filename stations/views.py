"""Admin viewsets for areas, stations and station staff (registered in wagtail_hooks.py)."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

import django_filters

from .forms import StationAdminForm
from .models import Area, Station, StationMembership


class AreaPermissionPolicy(ModelPermissionPolicy):
    """Areas come from the division-code data migration: nobody adds or deletes them in the
    admin, whatever their permissions (superusers included). Names may be corrected."""

    FORBIDDEN_ACTIONS = frozenset({"add", "delete"})

    def user_has_permission(self, user, action):
        if action in self.FORBIDDEN_ACTIONS:
            return False
        return super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        actions = [action for action in actions if action not in self.FORBIDDEN_ACTIONS]
        if not actions:
            return get_user_model().objects.none()
        return super().users_with_any_permission(actions)


class AreaFilterSet(WagtailFilterSet):
    class Meta:
        model = Area
        fields = ["level"]


class AreaViewSet(ModelViewSet):
    model = Area
    name = "areas"
    icon = "site"
    menu_label = _("Administrative areas")
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = ["name", "code", "level", "parent"]
    list_per_page = 50
    ordering = "code"
    filterset_class = AreaFilterSet
    search_fields = ["name", "code"]
    search_backend_name = None
    list_export = ["code", "name", "level", "parent"]
    panels = [
        FieldPanel("code", read_only=True),
        FieldPanel("level", read_only=True),
        FieldPanel("parent", read_only=True),
        FieldPanel("name"),
    ]

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            queryset=Area.objects.select_related("parent"), **kwargs
        )

    def get_permissions_to_register(self):
        return (
            super().get_permissions_to_register().exclude(codename__in=["add_area", "delete_area"])
        )


class StationFilterSet(WagtailFilterSet):
    city = django_filters.ModelChoiceFilter(
        label=_("City"),
        queryset=Area.objects.filter(level=Area.Level.CITY).order_by("code"),
        to_field_name="code",
        method="filter_city",
    )

    class Meta:
        model = Station
        fields = ["is_fallback", "is_active"]

    def filter_city(self, queryset, name, value):
        return queryset.filter(Q(area=value) | Q(area__parent=value))


class StationViewSet(ModelViewSet):
    model = Station
    name = "stations"
    icon = "home"
    menu_label = _("Rescue stations")
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields_exclude = ["webhook_secret"]
    list_display = [
        "name",
        "code",
        Column(
            "area", label=_("located in"), accessor="area.qualified_name", sort_key="area__code"
        ),
        "hotline",
        BooleanColumn("is_fallback", label=_("provincial duty desk"), sort_key="is_fallback"),
        BooleanColumn("is_active", label=_("active"), sort_key="is_active"),
    ]
    ordering = "code"
    filterset_class = StationFilterSet
    search_fields = ["name", "name_en", "code", "address"]
    search_backend_name = None
    list_export = ["code", "name", "name_en", "area", "address", "hotline", "phone", "email"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("code"),
                    FieldPanel("name"),
                    FieldPanel("name_en"),
                    FieldPanel("area"),
                    FieldPanel("is_active"),
                ],
                heading=_("Basic details"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("address"),
                    FieldRowPanel([FieldPanel("hotline"), FieldPanel("phone")]),
                    FieldPanel("email"),
                    FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
                ],
                heading=_("Contact and location"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("is_fallback"),
                    FieldPanel("jurisdiction", widget=forms.CheckboxSelectMultiple),
                ],
                heading=_("Jurisdiction"),
            ),
            MultiFieldPanel(
                [FieldPanel("webhook_url"), FieldPanel("webhook_secret")],
                heading=_("Tip delivery"),
            ),
        ],
        base_form_class=StationAdminForm,
    )

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            queryset=Station.objects.select_related("area", "area__parent"), **kwargs
        )


class StationMembershipFilterSet(WagtailFilterSet):
    station = django_filters.ModelChoiceFilter(
        label=_("Station"), queryset=Station.objects.order_by("code")
    )

    class Meta:
        model = StationMembership
        fields = ["station", "role"]


class StationMembershipViewSet(ModelViewSet):
    model = StationMembership
    name = "station_memberships"
    icon = "user"
    menu_label = _("Station staff")
    copy_view_enabled = False
    list_display = ["user", "station", "role", "created_at"]
    ordering = ["station__code", "user__username"]
    filterset_class = StationMembershipFilterSet
    search_fields = ["user__username", "user__first_name", "user__last_name", "station__name"]
    search_backend_name = None
    panels = [FieldPanel("user"), FieldPanel("station"), FieldPanel("role")]

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            queryset=StationMembership.objects.select_related("user", "station"), **kwargs
        )


class StationsViewSetGroup(ViewSetGroup):
    menu_label = _("Stations")
    menu_icon = "home"
    menu_order = 250
    items = (StationViewSet, StationMembershipViewSet, AreaViewSet)
