"""Open-day URLs that Wagtail's page routing cannot serve (a dot in the last segment), and the
registration link. Included from portal/urls.py inside i18n_patterns, before Wagtail's own
patterns, so /events/… and /en/events/… both work."""

from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("events/feed.ics", views.feed_ics, name="feed"),
    path("events/<slug:slug>/event.ics", views.event_ics, name="event_ics"),
    path(
        "events/registrations/<int:pk>/<str:token>/",
        views.registration_link,
        name="registration",
    ),
]
