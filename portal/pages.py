"""Abstract page types shared by the content apps."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.models import Page
from wagtail.search import index


class SectionIndexPage(Page):
    """A top-level section of the site (/policies/, /events/, /notices/, /stations/, /report/):
    one per home page, with an introduction that editors write."""

    introduction = models.TextField(_("introduction"), max_length=1000, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    search_fields = [*Page.search_fields, index.SearchField("introduction")]

    # Directly under a home page: the home app sets this (home/apps.py), since portal names no
    # app above it (docs/architecture.md, "Layers").
    parent_page_types: list[str] | None = None
    subpage_types: list[str] = []
    max_count_per_parent = 1
    # A section whose menu link is emphasised (tip_reports.ReportPage).
    nav_emphasis = False

    class Meta:
        abstract = True
