"""Wagtail admin for the open days: the registrations menu and views, the audit actions, and a
guard that stops a campaign with registrations from being deleted (cancel it instead)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views
from .access import may_see_counts
from .models import EventPage, Registration

admin_urlpatterns = [
    path("", admin_views.VenueIndexView.as_view(), name="index"),
    path("venues/<int:pk>/", admin_views.VenueView.as_view(), name="venue"),
    path("venues/<int:pk>/registrants/", admin_views.RegistrantsView.as_view(), name="registrants"),
    path("venues/<int:pk>/registrants.csv", admin_views.ExportView.as_view(), name="export"),
]


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("open-days/", include((admin_urlpatterns, "events_admin"), namespace="events_admin"))
    ]


class RegistrationsMenuItem(MenuItem):
    def is_shown(self, request):
        return may_see_counts(request.user)


@hooks.register("register_admin_menu_item")
def register_menu_item():
    return RegistrationsMenuItem(
        gettext_lazy("Open-day registrations"),
        reverse("events_admin:index"),
        icon_name="date",
        order=170,
    )


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action(
        admin_views.VIEWED_LOG_ACTION,
        gettext_lazy("View registrants"),
        gettext_lazy("Registrants viewed"),
    )
    actions.register_action(
        admin_views.EXPORTED_LOG_ACTION,
        gettext_lazy("Export registrants"),
        gettext_lazy("Check-in list exported"),
    )


@hooks.register("before_delete_page")
def refuse_deleting_campaigns_with_registrations(request, page):
    pages = page.get_descendants(inclusive=True).type(EventPage)
    if Registration.objects.filter(venue__page__in=pages).exists():
        messages.error(
            request,
            _(
                "People have registered for this open day, so it cannot be deleted. Set its "
                "status to “Cancelled” and publish: the registrants are then told by email."
            ),
        )
        return redirect(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    return None
