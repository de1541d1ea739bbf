"""Admin viewsets for areas, stations and station staff (registered in wagtail_hooks.py)."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

import django_filters

from . import audit
from .access import COORDINATE_PERMISSION, is_coordinator, lead_station_ids
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


class StationPermissionPolicy(ModelPermissionPolicy):
    """Who may change a station (docs/architecture.md, "Roles").

    Where tips go — the code, location, coordinates, activity, the duty-desk flag, the
    jurisdiction, the notification email and the webhook — is changed only by coordinators and
    superusers: they alone may add, delete or change every field. A station lead may open their
    own station and change its public details (the fields without ``permission=`` in the edit
    form below). Content editors may look stations up (to choose a notice's holding station) but
    change none. Viewing follows the ordinary ``view_station`` permission.
    """

    def user_has_permission(self, user, action):
        if action in ("add", "delete"):
            return is_coordinator(user)
        if action == "change":
            return is_coordinator(user) or bool(lead_station_ids(user))
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "change" and not is_coordinator(user):
            return instance.pk in lead_station_ids(user)
        return self.user_has_permission(user, action)

    def instances_user_has_any_permission_for(self, user, actions):
        if is_coordinator(user):
            return Station.objects.all()
        if "change" in actions and set(actions) <= {"change"}:
            return Station.objects.filter(pk__in=lead_station_ids(user))
        return super().instances_user_has_any_permission_for(user, actions)

    def users_with_any_permission(self, actions):
        coordinators = get_user_model().objects.with_perm(
            COORDINATE_PERMISSION, is_active=True, include_superusers=True
        )
        if set(actions) & {"add", "delete", "change"}:
            leads = get_user_model().objects.filter(
                is_active=True, station_memberships__role=StationMembership.Role.LEAD
            )
            return (coordinators | leads).distinct()
        return super().users_with_any_permission(actions)


class StationEditView(generic.EditView):
    """Opens only a station the user may change; audits and announces routing changes."""

    def get_object(self, queryset=None):
        station = super().get_object(queryset)
        if not self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", station
        ):
            raise PermissionDenied
        self.routing_before = audit.snapshot(station)
        return station

    def save_instance(self):
        station = super().save_instance()
        station = Station.objects.get(pk=station.pk)
        audit.record(
            station,
            self.request.user,
            self.routing_before,
            audit.snapshot(station),
            event="changed",
        )
        return station


class StationCreateView(generic.CreateView):
    def save_instance(self):
        station = super().save_instance()
        audit.record(station, self.request.user, {}, audit.snapshot(station), event="created")
        return station


class StationDeleteView(generic.DeleteView):
    def delete_action(self):
        before = audit.snapshot(self.object)
        station = self.object
        audit.record(station, self.request.user, before, {}, event="deleted")
        super().delete_action()


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
    # Delivery addresses are not shown to everyone who may look stations up.
    inspect_view_fields_exclude = ["webhook_secret", "webhook_url"]
    edit_view_class = StationEditView
    add_view_class = StationCreateView
    delete_view_class = StationDeleteView
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
    # Fields with permission= are shown to, and accepted from, coordinators and superusers
    # only (the form drops them for anyone else, server side): they decide where tips go.
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("code", permission=COORDINATE_PERMISSION),
                    FieldPanel("name", permission=COORDINATE_PERMISSION),
                    FieldPanel("name_en"),
                    FieldPanel("area", permission=COORDINATE_PERMISSION),
                    FieldPanel("is_active", permission=COORDINATE_PERMISSION),
                ],
                heading=_("Basic details"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("address"),
                    FieldRowPanel([FieldPanel("hotline"), FieldPanel("phone")]),
                    FieldPanel("visiting_hours"),
                    FieldRowPanel(
                        [
                            FieldPanel("latitude", permission=COORDINATE_PERMISSION),
                            FieldPanel("longitude", permission=COORDINATE_PERMISSION),
                        ]
                    ),
                ],
                heading=_("Contact and location"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("is_fallback", permission=COORDINATE_PERMISSION),
                    FieldPanel(
                        "jurisdiction",
                        widget=forms.CheckboxSelectMultiple,
                        permission=COORDINATE_PERMISSION,
                    ),
                ],
                heading=_("Jurisdiction"),
                permission=COORDINATE_PERMISSION,
            ),
            MultiFieldPanel(
                [
                    FieldPanel("email", permission=COORDINATE_PERMISSION),
                    FieldPanel("webhook_url", permission=COORDINATE_PERMISSION),
                    FieldPanel("webhook_secret", permission=COORDINATE_PERMISSION),
                ],
                heading=_("Tip delivery"),
                permission=COORDINATE_PERMISSION,
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
