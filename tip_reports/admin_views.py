"""The station queue in the Wagtail admin (registered in wagtail_hooks.py): the list of tips
with filters, SLA state and spreadsheet export; the detail page with the photo, the audited
"show contact" action, the timeline, the deliveries and the workflow actions; and the dashboard
panels. Every view reaches tips only through access.tips_visible_to, and every state change
goes through workflow.perform (docs/architecture.md §5, §7)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import quote
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy

import django_filters

from portal.text import spreadsheet_cell
from stations.models import Station

from . import sla, workflow
from .access import VIEW_PERMISSION, sees_all_tips, tips_visible_to
from .delivery import LOCAL_TIME, resend
from .forms_admin import FORMS, AssignForm
from .models import Delivery, TipEvent, TipReport

CONTACT_PERMISSION = "tip_reports.view_reporter_contact"
RESENT_LOG_ACTION = "guitu.tip.resent"
# A cell of the export: no invisible format characters, no formula (OWASP "CSV injection").
neutralise = spreadsheet_cell


def local(moment: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(moment, LOCAL_TIME) if moment else None


def age_text(moment: dt.datetime, now: dt.datetime | None = None) -> str:
    """How long ago, coarse: "35 min", "3 h", "2 d"."""
    minutes = max(0, int(((now or timezone.now()) - moment).total_seconds() // 60))
    if minutes < 60:
        return _gettext("%(count)d min") % {"count": minutes}
    if minutes < 48 * 60:
        return _gettext("%(count)d h") % {"count": minutes // 60}
    return _gettext("%(count)d d") % {"count": minutes // (24 * 60)}


def person_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


# --- permissions -----------------------------------------------------------------------------


class TipPermissionPolicy(ModelPermissionPolicy):
    """Tips are created only by intake and never deleted in the admin: "view" opens the queue,
    "change" works it (through workflow actions only); nobody may add or delete, superusers
    included. Per instance, a user may act only on the tips of their own stations unless they
    coordinate all of them."""

    ALLOWED_ACTIONS = frozenset({"view", "change"})

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


# --- the queue -------------------------------------------------------------------------------


class TipFilterSet(WagtailFilterSet):
    """Queue filters; the station filter only for those who see every station, the assignee
    choices only among the user's own colleagues."""

    ME = "me"
    NOBODY = "none"

    status = django_filters.ChoiceFilter(label=_("Status"), choices=TipReport.Status.choices)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=TipReport.Category.choices)
    urgency = django_filters.ChoiceFilter(label=_("Urgency"), choices=TipReport.Urgency.choices)
    overdue = django_filters.ChoiceFilter(
        label=_("Overdue"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        method="filter_overdue",
    )
    assignee = django_filters.ChoiceFilter(
        label=_("Assignee"), choices=[], method="filter_assignee"
    )
    station = django_filters.ModelChoiceFilter(
        label=_("Station"), queryset=Station.objects.order_by("code")
    )

    class Meta:
        model = TipReport
        fields = ["status", "category", "urgency"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = request.user
        if not sees_all_tips(user):
            del self.filters["station"]
        self.filters["assignee"].extra["choices"] = [
            (self.ME, _("Me")),
            (self.NOBODY, _("Unassigned")),
            *[(str(pk), name) for pk, name in self.assignee_choices(user)],
        ]

    @staticmethod
    def assignee_choices(user):
        from django.contrib.auth import get_user_model

        users = get_user_model().objects.filter(is_active=True, station_memberships__isnull=False)
        if not sees_all_tips(user):
            users = users.filter(
                station_memberships__station__in=Station.objects.filter(memberships__user=user)
            )
        return [
            (candidate.pk, person_name(candidate))
            for candidate in users.distinct().order_by("username")
        ]

    def filter_overdue(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(is_overdue=True)
        if value == "no":
            return queryset.filter(is_overdue=False)
        return queryset

    def filter_assignee(self, queryset, name, value):
        if value == self.ME:
            return queryset.filter(assignee=self.request.user)
        if value == self.NOBODY:
            return queryset.filter(assignee__isnull=True)
        if value.isdigit():
            return queryset.filter(assignee_id=int(value))
        return queryset


class HTMLColumn(Column):
    """A column whose accessor returns markup built with format_html (values escaped)."""


def urgency_cell(tip):
    if tip.is_urgent:
        return format_html(
            '<span class="w-status guitu-tag guitu-tag--urgent">{}</span>', _("Urgent")
        )
    return tip.get_urgency_display()


def sla_cell(tip):
    state = sla.sla_state(tip)
    return format_html(
        '<span class="w-status guitu-tag guitu-tag--{}">{}</span>',
        state.value.replace("_", "-"),
        sla.SLA_LABELS[state],
    )


def status_cell(tip):
    return format_html(
        '<span class="w-status guitu-status guitu-status--{}">{}</span>',
        tip.status,
        tip.get_status_display(),
    )


class TipIndexView(IndexView):
    """The queue: urgent first, then overdue, then the nearest deadline (sla.queue_order),
    unless a column header asks otherwise."""

    export_filename = "tips"
    export_headings = {
        "reference": _("Reference number"),
        "category": _("Category"),
        "urgency": _("Urgency"),
        "area": _("Area"),
        "station": _("Station"),
        "status": _("Status"),
        "outcome": _("Outcome"),
        "close_reason": _("Reason for closing"),
        "created_at": _("Received"),
        "acknowledged_at": _("Acknowledged"),
        "finished_at": _("Resolved or closed"),
        "assignee": _("Assignee (username)"),
    }
    custom_value_preprocess = {
        dt.datetime: {
            IndexView.FORMAT_XLSX: None,
            IndexView.FORMAT_CSV: lambda value: value.strftime("%Y-%m-%d %H:%M"),
        },
    }

    def get_base_queryset(self):
        return tips_visible_to(self.request.user, sla.queue_order(super().get_base_queryset()))

    def order_queryset(self, queryset):
        if self.ordering:
            return super().order_queryset(queryset)
        return queryset  # already in queue order

    def get_filename(self):
        return f"{self.export_filename}-{timezone.localdate():%Y%m%d}"

    def to_row_dict(self, item):
        """Only what statistics and handovers need: never the reporter, the photo or any free
        text about the person or the place."""

        def naive(moment):
            return timezone.make_naive(moment, LOCAL_TIME) if moment else None

        return {
            "reference": item.reference,
            "category": item.get_category_display(),
            "urgency": item.get_urgency_display(),
            "area": item.area.qualified_name if item.area else "",
            "station": item.station.name if item.station else "",
            "status": item.get_status_display(),
            "outcome": item.get_outcome_display() if item.outcome else "",
            "close_reason": item.get_close_reason_display() if item.close_reason else "",
            "created_at": naive(item.created_at),
            "acknowledged_at": naive(item.acknowledged_at),
            "finished_at": naive(item.finished_at),
            "assignee": item.assignee.get_username() if item.assignee else "",
        }

    def preprocess_field_value(self, field, value, export_format):
        return neutralise(super().preprocess_field_value(field, value, export_format))


# --- the detail page and its actions ---------------------------------------------------------


class TipInspectView(InspectView):
    """Every field of the tip except its secret; the photo by a permission-checked URL; the
    reporter's contact only after the audited "show contact" action; the timeline; the
    deliveries; and a form for each action the state machine allows this user."""

    template_name = "tip_reports/admin/inspect.html"
    contact_revealed = False

    def get_object(self, queryset=None):
        if not self.user_has_any_permission(["view", "change"]):
            raise PermissionDenied
        tips = tips_visible_to(
            self.request.user,
            TipReport.objects.select_related(
                "area__parent", "station", "assignee", "related_notice", "duplicate_of"
            ).prefetch_related(
                Prefetch("deliveries", queryset=Delivery.objects.select_related("station")),
                Prefetch("events", queryset=TipEvent.objects.select_related("actor", "station")),
            ),
        )
        return get_object_or_404(tips, pk=self.pk)

    def get_page_title(self):
        return _("Tip")

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if value is None or value == "":
            return "-"
        if isinstance(field, models.CharField | models.TextField) and not field.choices:
            # Typed by a person: isolated, so it cannot reorder the page around it.
            return format_html('<bdi class="guitu-typed">{}</bdi>', value)
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if isinstance(value, dt.datetime):
            return local(value)  # the inspect template does not convert
        return value

    def get_area_display_value(self):
        area = self.object.area
        return f"{area.qualified_name} ({area.code})" if area else "-"

    def get_assignee_display_value(self):
        name = person_name(self.object.assignee)
        return format_html("<bdi>{}</bdi>", name) if name else "-"

    def get_station_display_value(self):
        return self.object.station.name if self.object.station else "-"

    def get_photo_display_value(self):
        return _("Yes") if self.object.photo else _("No")

    def action_forms(self, bound: dict | None = None) -> list[dict]:
        tip, user = self.object, self.request.user
        forms = []
        for action in workflow.available_actions(user, tip):
            if bound and action in bound:
                form = bound[action]
            else:
                form = FORMS[action](tip=tip, user=user, prefix=action.value)
            forms.append(
                {
                    "action": action,
                    "label": workflow.RULES[action].label,
                    "url": reverse("tips:act", args=[tip.pk, action.value]),
                    "form": form,
                    "assign_to_me": isinstance(form, AssignForm) and form.user_is_colleague,
                }
            )
        return forms

    def get_context_data(self, bound_forms=None, **kwargs):
        context = super().get_context_data(**kwargs)
        tip, user = self.object, self.request.user
        state = sla.sla_state(tip)
        context.update(
            tip=tip,
            sla_state=state,
            sla_class=state.value.replace("_", "-"),
            sla_label=sla.SLA_LABELS[state],
            age=age_text(tip.created_at),
            can_view_contact=user.has_perm(CONTACT_PERMISSION),
            contact_revealed=self.contact_revealed,
            has_contact=bool(tip.reporter_name or tip.reporter_phone),
            photo_url=reverse("tips:photo", args=[tip.pk]) if tip.photo else None,
            contact_url=reverse("tips:contact", args=[tip.pk]),
            can_work=workflow.can_work(user, tip),
            actions=self.action_forms(bound_forms),
            timeline=[
                {
                    "event": event,
                    "time": local(event.created_at),
                    "from": _status_label(event.from_status),
                    "to": _status_label(event.to_status),
                }
                for event in tip.events.all()
            ],
            deliveries=[
                {
                    "delivery": delivery,
                    "resend_url": reverse("tips:resend", args=[tip.pk, delivery.pk]),
                }
                for delivery in tip.deliveries.all()
            ],
        )
        return context


def _status_label(value: str) -> str:
    if value in TipReport.Status.values:
        return TipReport.Status(value).label
    return value


class TipPostView(TipInspectView):
    """A POST-only view on one visible tip that renders the detail page when it has something
    to show (errors, the revealed contact)."""

    http_method_names = ["post"]

    def render_detail(self, status=200, **kwargs):
        self.object = self.get_object()  # fresh, with the new timeline
        response = self.render_to_response(self.get_context_data(**kwargs), status=status)
        response["Cache-Control"] = "private, no-store"
        return response


class TipContactView(TipPostView):
    """POST: reveal the reporter's name and phone on the response page, writing a timeline
    event and an audit log entry every single time. Nothing is kept in the session or URL."""

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm(CONTACT_PERMISSION):
            raise PermissionDenied
        tip = self.object
        with transaction.atomic():
            TipEvent.objects.create(
                tip=tip, kind=TipEvent.Kind.CONTACT_VIEWED, actor=request.user, station=tip.station
            )
            log(instance=tip, action=workflow.CONTACT_VIEWED_LOG_ACTION, user=request.user)
        self.contact_revealed = True
        return self.render_detail()


class TipActionView(TipPostView):
    """POST /admin/tips/<pk>/act/<action>/: one workflow action. The state machine decides;
    an action it refuses changes nothing and answers 409 with its message."""

    permission_required = "change"
    any_permission_required = None

    def post(self, request, *args, **kwargs):
        try:
            action = workflow.Action(kwargs["action"])
        except ValueError as exc:
            raise Http404 from exc
        form = FORMS[action](request.POST, tip=self.object, user=request.user, prefix=action.value)
        if not form.is_valid():
            messages.error(request, _("The action could not be done: check the form below."))
            return self.render_detail(status=400, bound_forms={action: form})
        try:
            workflow.perform(self.object.pk, action, request.user, **form.params())
        except workflow.TransitionError as exc:
            messages.error(request, str(exc))
            return self.render_detail(status=409)
        messages.success(
            request,
            _("%(action)s: done for tip %(reference)s.")
            % {"action": workflow.RULES[action].label, "reference": self.object.reference},
        )
        return redirect("tips:inspect", self.object.pk)


class TipResendView(TipPostView):
    """POST: send one of the tip's notifications again from the start."""

    permission_required = "change"
    any_permission_required = None

    def post(self, request, *args, **kwargs):
        tip = self.object
        if not workflow.can_work(request.user, tip):
            raise PermissionDenied
        delivery = get_object_or_404(Delivery, pk=kwargs["delivery_pk"], tip=tip)
        with transaction.atomic():
            sent = resend(delivery)
            if sent:
                TipEvent.objects.create(
                    tip=tip,
                    kind=TipEvent.Kind.RESENT,
                    actor=request.user,
                    station=tip.station,
                    note=delivery.get_channel_display(),
                )
                log(
                    instance=tip,
                    action=RESENT_LOG_ACTION,
                    user=request.user,
                    data={"delivery": delivery.pk, "channel": delivery.channel},
                )
        if sent:
            messages.success(request, _("The notification will be sent again."))
        else:
            messages.warning(
                request, _("The notification is being sent right now; try again in a minute.")
            )
        return redirect("tips:inspect", tip.pk)


class TipPhotoView(TipInspectView):
    """GET: the tip's photo from private storage, never cached, only for users who may see
    the tip; every opening writes a timeline event and an audit log entry, as revealing the
    reporter's contact does."""

    def get(self, request, *args, **kwargs):
        tip = self.object
        if not tip.photo:
            raise Http404
        try:
            handle = tip.photo.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        with transaction.atomic():
            TipEvent.objects.create(
                tip=tip, kind=TipEvent.Kind.PHOTO_VIEWED, actor=request.user, station=tip.station
            )
            log(instance=tip, action=workflow.PHOTO_VIEWED_LOG_ACTION, user=request.user)
        response = FileResponse(handle, content_type="image/jpeg", filename=f"{tip.reference}.jpg")
        response["Content-Disposition"] = f'inline; filename="{tip.reference}.jpg"'
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


# --- the viewset -----------------------------------------------------------------------------


class TipViewSet(ModelViewSet):
    """求助线索 in the admin menu: the station queue of the tips the user may see."""

    model = TipReport
    name = "tips"
    icon = "warning"
    menu_label = _("Queue")
    menu_order = 150
    add_to_admin_menu = True
    add_to_reference_index = False  # a tip must never show up in a page's "usage" list
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = TipIndexView
    inspect_view_class = TipInspectView
    filterset_class = TipFilterSet
    list_per_page = 50
    ordering = None  # sla.queue_order unless a column is chosen
    search_fields = ["reference"]
    search_backend_name = None
    list_export = list(TipIndexView.export_headings)
    inspect_view_fields = [
        "reference",
        "status",
        "category",
        "urgency",
        "station",
        "assignee",
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
        "reporter_relationship",
        "photo",
        "consent_forwarding",
        "captcha_status",
        "created_at",
        "acknowledge_due_at",
        "acknowledged_at",
        "resolve_due_at",
        "finished_at",
        "outcome",
        "close_reason",
        "duplicate_of",
        "public_message",
        "related_notice",
        "updated_at",
        "personal_data_purged_at",
    ]
    # Shown only through their own views (photo, show contact) or never.
    NEVER_SHOWN = frozenset({"reporter_name", "reporter_phone", "secret_code_hash"})

    @property
    def list_display(self):
        return [
            "reference",
            "category",
            HTMLColumn("urgency", label=_("Urgency"), accessor=urgency_cell, sort_key="urgency"),
            Column("area", label=_("Area"), accessor="area.qualified_name", sort_key="area__code"),
            Column(
                "created_at",
                label=_("Received"),
                accessor=lambda tip: local(tip.created_at).strftime("%m-%d %H:%M"),
                sort_key="created_at",
            ),
            Column("age", label=_("Age"), accessor=lambda tip: age_text(tip.created_at)),
            HTMLColumn("status", label=_("Status"), accessor=status_cell, sort_key="status"),
            Column("assignee", label=_("Assignee"), accessor=lambda t: person_name(t.assignee)),
            HTMLColumn("sla", label=_("Service target"), accessor=sla_cell),
            Column("station", label=_("Station"), accessor="station.name"),
        ]

    @property
    def url_finder_class(self):
        return TipAdminURLFinder

    def get_common_view_kwargs(self, **kwargs):
        # No add, edit, delete, history or usage views exist; no view may link to one.
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
            queryset=TipReport.objects.select_related("area__parent", "station", "assignee"),
            **kwargs,
        )

    def get_inspect_view_kwargs(self, **kwargs):
        fields = [name for name in self.inspect_view_fields if name not in self.NEVER_SHOWN]
        return super().get_inspect_view_kwargs(fields=fields, **kwargs)

    def post_view(self, view_class):
        return self.construct_view(view_class, **self.get_inspect_view_kwargs())

    @cached_property
    def contact_view(self):
        return self.post_view(TipContactView)

    @cached_property
    def action_view(self):
        return self.post_view(TipActionView)

    @cached_property
    def resend_view(self):
        return self.post_view(TipResendView)

    @cached_property
    def photo_view(self):
        return self.post_view(TipPhotoView)

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            path("<int:pk>/photo/", self.photo_view, name="photo"),
            path("<int:pk>/contact/", self.contact_view, name="contact"),
            path("<int:pk>/act/<str:action>/", self.action_view, name="act"),
            path(
                "<int:pk>/deliveries/<int:delivery_pk>/resend/",
                self.resend_view,
                name="resend",
            ),
        ]

    def get_permissions_to_register(self):
        # Tips are never added or deleted in the admin; "change" means working the queue.
        return Permission.objects.filter(
            content_type=ContentType.objects.get_for_model(TipReport),
            codename__in=["view_tipreport", "change_tipreport", "view_reporter_contact"],
        )


# --- dashboard -------------------------------------------------------------------------------


class TipQueuePanel(Component):
    """Dashboard summary of the user's stations' open tips (all stations for coordinators):
    counts by state, how many are overdue, and the oldest tip nobody has acknowledged."""

    name = "tip_queue"
    order = 20
    template_name = "tip_reports/admin/queue_panel.html"

    def get_context_data(self, parent_context):
        user = parent_context["request"].user
        tips = tips_visible_to(user)
        S = TipReport.Status
        counts = sla.with_deadline(tips.filter(status__in=workflow.OPEN)).aggregate(
            received=Count("pk", filter=Q(status=S.RECEIVED)),
            acknowledged=Count("pk", filter=Q(status=S.ACKNOWLEDGED)),
            dispatched=Count("pk", filter=Q(status=S.DISPATCHED)),
            overdue=Count("pk", filter=Q(is_overdue=True)),
        )
        oldest = tips.filter(status=S.RECEIVED).order_by("created_at", "pk").first()
        index = reverse("tips:index")
        return {
            "counts": counts,
            "rows": [
                (S.RECEIVED.label, counts["received"], f"{index}?status={S.RECEIVED}"),
                (S.ACKNOWLEDGED.label, counts["acknowledged"], f"{index}?status={S.ACKNOWLEDGED}"),
                (S.DISPATCHED.label, counts["dispatched"], f"{index}?status={S.DISPATCHED}"),
            ],
            "overdue_url": f"{index}?overdue=yes",
            "oldest": oldest,
            "oldest_url": reverse("tips:inspect", args=[oldest.pk]) if oldest else None,
            "oldest_age": age_text(oldest.created_at) if oldest else None,
            "all_stations": sees_all_tips(user),
            "index_url": index,
        }

    def render_html(self, parent_context=None):
        user = parent_context["request"].user
        if not (sees_all_tips(user) or user.has_perm(VIEW_PERMISSION)):
            return ""
        return super().render_html(parent_context)


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
