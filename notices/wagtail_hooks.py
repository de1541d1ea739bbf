"""Wagtail admin for notices: a dashboard panel that warns about notices not published within
24 hours of intake and about live notices nobody has updated for 30 days."""

from datetime import timedelta

from django.db.models import Count, Q
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.permission_policies.pages import PagePermissionPolicy

from .models import FamilySearchNoticePage

PUBLISH_WITHIN = timedelta(days=1)
STALE_AFTER = timedelta(days=30)
SHOWN = 10


def overdue_q(today) -> Q:
    """Never published and taken in before yesterday.

    The intake date has no time of day, so the 24 hours are counted from the end of the intake
    day: a person taken in on the 1st must have a live notice by the end of the 2nd, and the
    warning appears from the 3rd. This never warns early (an editor is not nagged about a
    notice whose 24 hours may not be over) and is late by less than a day at most.
    """
    return Q(
        first_published_at__isnull=True,
        status=FamilySearchNoticePage.Status.SEEKING,
        intake_date__lt=today - PUBLISH_WITHIN,
    )


def stale_q(now) -> Q:
    """Live, still seeking, and the public version is more than 30 days old. Publishing (after
    review, even without changes) confirms the notice is still accurate; a draft does not,
    since the public never sees it."""
    return Q(
        live=True,
        status=FamilySearchNoticePage.Status.SEEKING,
        last_published_at__lt=now - STALE_AFTER,
    )


def notices_editable_by(user):
    pages = PagePermissionPolicy().instances_user_has_any_permission_for(
        user, ["change", "publish"]
    )
    return FamilySearchNoticePage.objects.filter(pk__in=pages.values("pk"))


class NoticeWarningsPanel(Component):
    """Notices the user can edit that are overdue for publication or stale. Renders nothing for
    users who edit no notices or when there is nothing to warn about. Four queries at most,
    whatever the number of notices."""

    name = "notice_warnings"
    order = 30

    def get_warnings(self, user):
        now = timezone.now()
        notices = notices_editable_by(user)
        overdue, stale = overdue_q(timezone.localdate()), stale_q(now)
        counts = notices.aggregate(
            overdue=Count("pk", filter=overdue), stale=Count("pk", filter=stale)
        )
        fields = ("pk", "title", "notice_number", "intake_date", "last_published_at")
        return {
            "overdue_count": counts["overdue"],
            "stale_count": counts["stale"],
            "overdue": list(
                notices.filter(overdue).order_by("intake_date", "pk").only(*fields)[:SHOWN]
            )
            if counts["overdue"]
            else [],
            "stale": list(
                notices.filter(stale).order_by("last_published_at", "pk").only(*fields)[:SHOWN]
            )
            if counts["stale"]
            else [],
        }

    def render_html(self, parent_context=None):
        user = parent_context["request"].user
        warnings = self.get_warnings(user)
        if not (warnings["overdue_count"] or warnings["stale_count"]):
            return ""
        sections = []
        if warnings["overdue_count"]:
            sections.append(
                self.section(
                    ngettext(
                        "%(count)d notice not published within 24 hours of intake",
                        "%(count)d notices not published within 24 hours of intake",
                        warnings["overdue_count"],
                    )
                    % {"count": warnings["overdue_count"]},
                    [
                        (page, _("taken in on %(date)s") % {"date": page.intake_date.isoformat()})
                        for page in warnings["overdue"]
                    ],
                )
            )
        if warnings["stale_count"]:
            sections.append(
                self.section(
                    ngettext(
                        "%(count)d notice not updated for 30 days",
                        "%(count)d notices not updated for 30 days",
                        warnings["stale_count"],
                    )
                    % {"count": warnings["stale_count"]},
                    [
                        (
                            page,
                            _("last published on %(date)s")
                            % {"date": timezone.localdate(page.last_published_at).isoformat()},
                        )
                        for page in warnings["stale"]
                    ],
                )
            )
        return format_html(
            '<section class="panel summary nice-padding notice-warnings" '
            'aria-labelledby="notice-warnings-heading">'
            '<h2 id="notice-warnings-heading">{}</h2>{}</section>',
            _("Family-search notices needing attention"),
            format_html_join("", "{}", ((section,) for section in sections)),
        )

    @staticmethod
    def section(heading, rows):
        items = format_html_join(
            "",
            '<li><a href="{}">{}</a> <span class="w-text-grey-400">{} · {}</span></li>',
            (
                (
                    reverse("wagtailadmin_pages:edit", args=[page.pk]),
                    page.title,
                    page.notice_number,
                    note,
                )
                for page, note in rows
            ),
        )
        return format_html("<h3>{}</h3><ul>{}</ul>", heading, items)


@hooks.register("construct_homepage_panels")
def add_notice_panels(request, panels):
    panels.append(NoticeWarningsPanel())


@hooks.register("register_admin_urls")
def register_private_record_urls():
    from .private import PrivateRecordView

    return [
        path(
            "notices/<int:page_id>/private/",
            PrivateRecordView.as_view(),
            name="notices_private_record",
        )
    ]


@hooks.register("register_log_actions")
def register_private_record_log_actions(actions):
    from django.utils.translation import gettext_lazy

    from .private import CHANGED_LOG_ACTION, VIEWED_LOG_ACTION

    actions.register_action(
        VIEWED_LOG_ACTION,
        gettext_lazy("Open private record"),
        gettext_lazy("Private record opened"),
    )
    actions.register_action(
        CHANGED_LOG_ACTION,
        gettext_lazy("Change private record"),
        gettext_lazy("Private record changed"),
    )
