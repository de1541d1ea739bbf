"""Wagtail admin for explainers: the topic and audience snippets, and the report
"Explainers due for review" (报告 → 待复核的政策解读) of live explainers whose next review date
has passed, for everyone who may edit or publish pages (Editors and Moderators)."""

from __future__ import annotations

from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.reports import PageReportView
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

import django_filters

from .models import Audience, PolicyExplainerPage, PolicyTopic

REPORT_PERMISSIONS = ["change", "publish"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    """Text for a CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def overdue_explainers(user, today=None):
    """Live explainers past their next review date among the pages ``user`` may edit or
    publish, the longest overdue first."""
    today = today or timezone.localdate()
    pages = PagePermissionPolicy().instances_user_has_any_permission_for(user, REPORT_PERMISSIONS)
    return (
        PolicyExplainerPage.objects.live()
        .filter(next_review__lt=today, pk__in=pages.values("pk"))
        .select_related("topic", "locale")
        .order_by("next_review", "pk")
    )


class OverdueReviewFilterSet(WagtailFilterSet):
    topic = django_filters.ModelChoiceFilter(
        label=_("Topic"), queryset=PolicyTopic.objects.order_by("sort_order", "pk")
    )

    class Meta:
        model = PolicyExplainerPage
        fields = ["topic"]


class OverdueReviewView(PageReportView):
    """A Wagtail report: title (to the editor), next review due, days overdue, last reviewed,
    topic, language; filter by topic and language; CSV and Excel export."""

    page_title = _("Explainers due for review")
    header_icon = "time"
    results_template_name = "policies/reports/overdue_reviews_results.html"
    index_url_name = "policies_overdue_reviews"
    index_results_url_name = "policies_overdue_reviews_results"
    filterset_class = OverdueReviewFilterSet
    any_permission_required = REPORT_PERMISSIONS
    export_filename = "explainers-due-for-review"
    list_export = ["title", "next_review", "days_overdue", "last_reviewed", "topic", "url"]
    export_headings = {
        "title": _("Title"),
        "next_review": _("Next review due"),
        "days_overdue": _("Days overdue"),
        "last_reviewed": _("Last reviewed"),
        "topic": _("Topic"),
        "url": _("Address"),
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.custom_field_preprocess = {
            **self.custom_field_preprocess,
            "title": {self.FORMAT_CSV: spreadsheet_safe},
            "topic": {
                self.FORMAT_CSV: lambda topic: spreadsheet_safe(
                    topic.localised_name if topic else ""
                ),
                self.FORMAT_XLSX: lambda topic: topic.localised_name if topic else "",
            },
        }

    def get_queryset(self):
        return overdue_explainers(self.request.user)

    def decorate_paginated_queryset(self, object_list):
        today = timezone.localdate()
        for page in object_list:
            page.days_overdue = (today - page.next_review).days
        return object_list


class OverdueReviewMenuItem(MenuItem):
    def is_shown(self, request):
        return PagePermissionPolicy().user_has_any_permission(request.user, REPORT_PERMISSIONS)


@hooks.register("register_admin_urls")
def register_report_urls():
    view = OverdueReviewView.as_view()
    results = OverdueReviewView.as_view(results_only=True)
    return [
        path("reports/explainers-due-for-review/", view, name="policies_overdue_reviews"),
        path(
            "reports/explainers-due-for-review/results/",
            results,
            name="policies_overdue_reviews_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_report_menu_item():
    return OverdueReviewMenuItem(
        _("Explainers due for review"),
        reverse("policies_overdue_reviews"),
        name="explainers-due-for-review",
        icon_name="time",
        order=1150,
    )


class PolicyTopicViewSet(SnippetViewSet):
    model = PolicyTopic
    icon = "tag"
    menu_label = _("Explainer topics")
    list_display = ["name", "name_en", "slug", "sort_order"]
    ordering = ["sort_order", "pk"]


class AudienceViewSet(SnippetViewSet):
    model = Audience
    icon = "group"
    menu_label = _("Audiences")
    list_display = ["name", "name_en", "slug", "sort_order"]
    ordering = ["sort_order", "pk"]


class PolicyListsViewSetGroup(SnippetViewSetGroup):
    items = (PolicyTopicViewSet, AudienceViewSet)
    menu_icon = "tag"
    menu_label = _("Explainer lists")
    menu_name = "explainer-lists"
    menu_order = 250


register_snippet(PolicyListsViewSetGroup)
