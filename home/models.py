"""The home page and plain standard pages (about, privacy notice, contact)."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from home.statistics import Count
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
    emergency numbers come from site settings so they are never out of step with the header.
    The headline figures are the first ones of the statistics page."""

    HEADLINE_FIGURES = 4

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
    subpage_types = ["home.StandardPage", "home.StatisticsPage", *SECTION_PAGE_TYPES]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def statistics_page(self):
        """The live statistics page below this home page, or None (one query)."""
        return StatisticsPage.objects.live().public().child_of(self).first()

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
        statistics = self.statistics_page()
        context["statistics_page"] = statistics
        context["headline_figures"] = (
            statistics.headline_figures()[: self.HEADLINE_FIGURES] if statistics else []
        )
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


class HeadlineFigureBlock(blocks.StructBlock):
    """One figure editors publish from the stations' own records (people helped this year…)."""

    label = blocks.CharBlock(label=_("label"), max_length=60)
    value = blocks.IntegerBlock(
        label=_("value"),
        min_value=0,
        help_text=_("Values below 5 are shown as “<5” to protect the people counted."),
    )
    period = blocks.CharBlock(
        label=_("year or period"), max_length=40, required=False, help_text=_("e.g. 2025")
    )
    source = blocks.CharBlock(
        label=_("source note"),
        max_length=200,
        required=False,
        help_text=_("Where the figure comes from, e.g. the station's annual report."),
    )

    class Meta:
        icon = "order"
        label = _("Headline figure")


@dataclass(frozen=True)
class HeadlineFigure:
    label: str
    count: Count
    period: str
    source: str


class StatisticsPage(Page):
    """/statistics/: the stations' work in figures. Provincial editors maintain the headline
    figures (from the stations' records); the live figures (tips, time to acknowledge,
    reunions, open-day visitors) are counted from the system, anonymously, in home.statistics.
    One per home page."""

    introduction = models.TextField(_("introduction"), max_length=500, blank=True)
    figures = StreamField(
        [("figure", HeadlineFigureBlock())],
        verbose_name=_("headline figures"),
        blank=True,
        max_num=12,
        help_text=_("The first four are also shown on the home page."),
    )
    body = StreamField(BaseStreamBlock(), verbose_name=_("notes"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("introduction"),
        FieldPanel("figures"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("introduction")]

    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1
    # Linked from every page's footer (portal_tags.footer_pages), not the main menu.
    show_in_footer = True

    class Meta:
        verbose_name = _("statistics page")

    def headline_figures(self) -> list[HeadlineFigure]:
        return [
            HeadlineFigure(
                label=child.value["label"],
                count=Count.of(child.value["value"]),
                period=child.value.get("period") or "",
                source=child.value.get("source") or "",
            )
            for child in self.figures
            if child.block_type == "figure"
        ]

    def get_context(self, request, *args, **kwargs):
        from home.statistics import live_figures

        context = super().get_context(request, *args, **kwargs)
        figures = live_figures()
        context["headline_figures"] = self.headline_figures()
        context["live"] = figures
        context["tip_rows"] = figures.tip_rows
        context["charts"] = statistics_charts(figures)
        return context


def statistics_charts(figures) -> dict:
    """The SVG charts of the live figures (only those with at least one unmasked count)."""
    from home import charts

    result = {}
    if figures.has_tip_chart:
        result["tips"] = charts.stacked_bar(
            chart_id="chart-tips",
            title=str(_("Tips received per month, by what the reporter saw")),
            x_labels=[month.label for month in figures.months],
            series=[(s.label, [c.value for c in s.counts]) for s in figures.tips_by_category],
        )
    if figures.has_visitor_chart:
        result["visitors"] = charts.bar(
            chart_id="chart-visitors",
            title=str(_("Open-day visitors per campaign")),
            x_labels=[campaign.date_label for campaign in figures.campaigns],
            label=str(_("Visitors")),
            values=[campaign.visitors.value for campaign in figures.campaigns],
        )
    return result
