"""The home page and plain standard pages (about, privacy notice, contact)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from portal.blocks import BaseStreamBlock

# The sections below the home page's hero; later features fill the empty ones.
SECTION_PAGE_TYPES = [
    "policies.PolicyIndexPage",
    "events.EventIndexPage",
    "notices.NoticeIndexPage",
    "stations.StationDirectoryPage",
    "tip_reports.ReportPage",
]


class HomePage(Page):
    """The portal's front door. Provincial editors set the hero text; the hotline and
    emergency numbers come from site settings so they are never out of step with the header."""

    hero_title = models.CharField(_("hero title"), max_length=80)
    hero_intro = models.TextField(_("hero introduction"), max_length=300, blank=True)
    report_call_to_action = models.CharField(
        _("report button text"),
        max_length=40,
        blank=True,
        help_text=_("Leave blank to use the default text."),
    )
    body = StreamField(BaseStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("hero_title"),
        FieldPanel("hero_intro"),
        FieldPanel("report_call_to_action"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("hero_intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["home.StandardPage", *SECTION_PAGE_TYPES]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        children = {
            f"{page.content_type.app_label}.{page.content_type.model}": page
            for page in self.get_children().live().select_related("content_type")
        }
        context["sections"] = {
            label.split(".")[0]: children.get(label.lower()) for label in SECTION_PAGE_TYPES
        }
        context["latest_notices"] = self.latest_notices()
        context["policy_highlights"] = self.policy_highlights()
        context["upcoming_events"] = self.upcoming_events()
        context.setdefault("headline_figures", [])
        return context

    def latest_notices(self, limit: int = 4):
        """The newest notices still seeking a family, in this home page's language."""
        from notices.models import FamilySearchNoticePage

        return list(
            FamilySearchNoticePage.objects.live()
            .descendant_of(self)
            .filter(status=FamilySearchNoticePage.Status.SEEKING)
            .order_by("-first_published_at")[:limit]
        )

    def policy_highlights(self, limit: int = 3):
        """The most recently updated live explainers in this home page's language (one query)."""
        from policies.models import PolicyExplainerPage

        return list(
            PolicyExplainerPage.objects.live().public().descendant_of(self).newest_first()[:limit]
        )

    def upcoming_events(self, limit: int = 3):
        """The next open days that have not ended, in this home page's language."""
        from django.db.models import Q
        from django.utils import timezone

        from events.models import LOCAL_TIME, EventPage

        today = timezone.localdate(timezone=LOCAL_TIME)
        return list(
            EventPage.objects.live()
            .public()
            .descendant_of(self)
            .filter(Q(end_date__gte=today) | Q(end_date__isnull=True, start_date__gte=today))
            .order_by("start_date", "pk")[:limit]
        )


class StandardPage(Page):
    """A plain content page: about us, the privacy notice, contact details. Editors own it."""

    introduction = models.TextField(_("introduction"), max_length=500, blank=True)
    body = StreamField(BaseStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction"), FieldPanel("body")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("introduction"),
        index.SearchField("body"),
    ]

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]

    class Meta:
        verbose_name = _("standard page")
