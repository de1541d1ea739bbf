"""The organisers' view of registrations in the Wagtail admin (开放日报名): every venue with its
counts, and, for those allowed (access.py), the list of registrants and a check-in CSV with
spreadsheet formulas neutralised. Viewing or exporting names is recorded in the page's
history."""

from __future__ import annotations

import csv

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.log_actions import log
from wagtail.models import Locale

from portal.text import spreadsheet_cell

from .access import may_see_counts, may_see_registrants, member_station_ids, sees_all_registrants
from .models import LOCAL_TIME, Registration, Venue

VIEWED_LOG_ACTION = "guitu.events.registrants_viewed"
EXPORTED_LOG_ACTION = "guitu.events.registrants_exported"
PER_PAGE = 50

R = Registration.Status
# A cell of the check-in list: no invisible format characters, no formula (OWASP "CSV
# injection").
neutralise = spreadsheet_cell


def with_counts(queryset):
    return queryset.annotate(
        confirmed_parties=Count("registrations", filter=Q(registrations__status=R.CONFIRMED)),
        confirmed_people=Sum(
            "registrations__party_size", filter=Q(registrations__status=R.CONFIRMED)
        ),
        waiting_parties=Count("registrations", filter=Q(registrations__status=R.WAITLISTED)),
        waiting_people=Sum(
            "registrations__party_size", filter=Q(registrations__status=R.WAITLISTED)
        ),
        cancelled_parties=Count("registrations", filter=Q(registrations__status=R.CANCELLED)),
    )


def canonical_venues():
    """Registrations belong to the venues of the default-language campaigns."""
    return Venue.objects.filter(page__locale=Locale.get_default()).select_related(
        "page", "station", "area__parent"
    )


class CountsRequiredMixin:
    def dispatch(self, request, *args, **kwargs):
        if not may_see_counts(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class VenueIndexView(CountsRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "events/admin/venue_index.html"
    page_title = gettext_lazy("Open-day registrations")
    header_icon = "date"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        past = self.request.GET.get("when") == "past"
        venues = with_counts(canonical_venues())
        if past:
            venues = venues.filter(ends_at__lt=now).order_by("-starts_at", "pk")
        else:
            venues = venues.filter(ends_at__gte=now).order_by("starts_at", "pk")
        page = Paginator(venues, PER_PAGE).get_page(self.request.GET.get("p"))
        user = self.request.user
        everything = sees_all_registrants(user)
        stations = set() if everything else member_station_ids(user)
        for venue in page.object_list:
            venue.names_allowed = everything or venue.station_id in stations
        context.update(venues=page.object_list, page_obj=page, past=past)
        return context


class VenueView(CountsRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "events/admin/venue_detail.html"
    header_icon = "date"
    show_registrants = False

    def get_page_title(self):
        return _("Registrations")

    def get(self, request, *args, **kwargs):
        self.venue = get_object_or_404(with_counts(canonical_venues()), pk=self.kwargs["pk"])
        self.names_allowed = may_see_registrants(request.user, self.venue)
        if self.show_registrants and not self.names_allowed:
            # Counts only, with a plain 403: no name or phone reaches this user.
            self.show_registrants = False
            return self.render_to_response(self.get_context_data(), status=403)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        venue = self.venue
        context.update(
            venue=venue,
            names_allowed=self.names_allowed,
            registrants_url=reverse("events_admin:registrants", args=[venue.pk]),
            export_url=reverse("events_admin:export", args=[venue.pk]),
            index_url=reverse("events_admin:index"),
            show_registrants=self.show_registrants,
        )
        if self.show_registrants:
            context["registrations"] = list(venue.registrations.order_by("created_at", "pk"))
            log(
                instance=venue.page,
                action=VIEWED_LOG_ACTION,
                user=self.request.user,
                data={"venue": venue.pk},
            )
        return context


class RegistrantsView(VenueView):
    show_registrants = True


class ExportView(CountsRequiredMixin, View):
    """CSV for check-in on the day: one line per active registration, formulas neutralised."""

    def get(self, request, pk):
        venue = get_object_or_404(canonical_venues(), pk=pk)
        if not may_see_registrants(request.user, venue):
            return HttpResponseForbidden(
                _(
                    "Names and phone numbers are shown only to the venue's station staff and the coordinators."
                ),
                content_type="text/plain; charset=utf-8",
            )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        filename = f"registrations-{venue.pk}-{timezone.localdate(timezone=LOCAL_TIME):%Y%m%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"
        response.write("\ufeff")  # so spreadsheet programs read UTF-8
        writer = csv.writer(response)
        writer.writerow(
            [_("Name"), _("Phone"), _("People"), _("Status"), _("Registered"), _("Arrived")]
        )
        for registration in venue.registrations.active().order_by("status", "created_at", "pk"):
            writer.writerow(
                [
                    neutralise(registration.name),
                    neutralise(registration.phone),
                    registration.party_size,
                    registration.get_status_display(),
                    timezone.localtime(registration.created_at, LOCAL_TIME).strftime(
                        "%Y-%m-%d %H:%M"
                    ),
                    "",
                ]
            )
        log(
            instance=venue.page,
            action=EXPORTED_LOG_ACTION,
            user=request.user,
            data={"venue": venue.pk},
        )
        return response
