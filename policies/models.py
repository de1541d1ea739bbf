"""Policy explainers (政策解读): plain-language guidance on the rules of rescue management, each
tied to the source document it explains, for the public, families, police, hospitals,
volunteers and station staff.

Provincial editors write and review explainers; Moderators publish them. Topics and audiences
are small lists that editors manage as snippets (设置 → 片段): they are the index's filters.
"""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce, ExtractYear, TruncDate
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    HelpPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    PageChooserPanel,
    TabbedInterface,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from portal.blocks import document_facts, heading_anchor, heading_anchors
from portal.pages import SectionIndexPage

from .blocks import ExplainerStreamBlock
from .forms import ExplainerAdminForm

SUMMARY_LIMIT = 120
REVIEW_INTERVAL = timedelta(days=365)


def one_year_from_today() -> date:
    return timezone.localdate() + REVIEW_INTERVAL


class LocalisedNameMixin(models.Model):
    """A short list entry named in Chinese and, optionally, English; the English site shows
    the English name when there is one."""

    slug = models.SlugField(
        _("slug"),
        max_length=50,
        unique=True,
        help_text=_("Used in the list's web addresses (?topic=…). Keep it stable."),
    )
    name = models.CharField(_("name (Chinese)"), max_length=50)
    name_en = models.CharField(_("name (English)"), max_length=50, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("name_en"),
        FieldPanel("slug"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        abstract = True
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def localised_name(self) -> str:
        if (get_language() or "").startswith("en"):
            return self.name_en or self.name
        return self.name


class PolicyTopic(LocalisedNameMixin):
    """What an explainer is about (getting help, family search, who does what…): one per
    explainer, a filter of the index. Provincial editors add and rename topics."""

    class Meta(LocalisedNameMixin.Meta):
        verbose_name = _("explainer topic")
        verbose_name_plural = _("explainer topics")


class Audience(LocalisedNameMixin):
    """Who an explainer is written for (people in need and families, the public, police,
    hospitals, volunteers and NGOs, station staff): several per explainer, a filter of the
    index. The six audiences of the design are created by a migration; editors may rename
    them or add others."""

    class Meta(LocalisedNameMixin.Meta):
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")


class PolicyIndexPage(RoutablePageMixin, SectionIndexPage):
    """The list of explainers at /policies/, with filters by topic, audience, year and status,
    and an RSS feed at /policies/feed/rss/."""

    subpage_types = ["policies.PolicyExplainerPage"]

    class Meta:
        verbose_name = _("policy explainer index")

    def get_cached_paths(self):
        # What a CDN purges when this page is published (wagtail.contrib.frontend_cache).
        return ["/", "feed/rss/"]

    @path("")
    def explainer_list(self, request):
        from .views import explainer_index

        return explainer_index(self, request)

    @path("feed/rss/")
    def rss_feed(self, request):
        from .feeds import ExplainerRssFeed

        return ExplainerRssFeed(self)(request)


class ExplainerQuerySet(PageQuerySet):
    def with_dates(self):
        """Annotates `policy_year` (the year of the source document, else of first publication:
        the index's year filter) and `updated_date` (the editors' "updated" date, else the
        date of first publication: the order of lists)."""
        return self.annotate(
            policy_year=Coalesce(ExtractYear("source_issued"), ExtractYear("first_published_at")),
            updated_date=Coalesce(
                "updated_on", TruncDate("first_published_at"), output_field=models.DateField()
            ),
        )

    def newest_first(self):
        return self.with_dates().order_by("-updated_date", "-first_published_at", "-pk")


ExplainerManager = PageManager.from_queryset(ExplainerQuerySet)


class PolicyExplainerPage(Page):
    """One explainer: what a rule means for the people it touches, in plain words, with steps,
    questions and answers, and the facts of its source document. When the source is amended or
    repealed, editors change its status and the page shows a banner by itself."""

    class SourceStatus(models.TextChoices):
        IN_FORCE = "in_force", _("In force")
        AMENDED = "amended", _("Amended")
        REPEALED = "repealed", _("Repealed")

    summary = models.CharField(
        _("summary"),
        max_length=SUMMARY_LIMIT,
        help_text=_(
            "One or two plain sentences, at most 120 characters: shown under the title, in "
            "lists and in search results."
        ),
    )
    topic = models.ForeignKey(
        PolicyTopic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="explainers"
    )
    audiences = ParentalManyToManyField(
        Audience, verbose_name=_("written for"), related_name="explainers"
    )

    source_title = models.CharField(
        _("title of the source document"),
        max_length=255,
        blank=True,
        help_text=_("Leave the source fields blank for a general guide with no single source."),
    )
    source_issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    source_number = models.CharField(
        _("document number (文号)"),
        max_length=100,
        blank=True,
        help_text=_(
            "Only as printed on the document, e.g. 国务院令第381号. Leave blank if unsure."
        ),
    )
    source_issued = models.DateField(_("date issued"), null=True, blank=True)
    source_effective = models.DateField(_("date in effect"), null=True, blank=True)
    source_status = models.CharField(
        _("status of the source"),
        max_length=10,
        choices=SourceStatus.choices,
        blank=True,
        default=SourceStatus.IN_FORCE,
    )
    source_url = models.URLField(
        _("link to the official text"),
        blank=True,
        help_text=_("The issuing body's own page, where possible."),
    )
    replaced_by = models.ForeignKey(
        "policies.PolicyExplainerPage",
        verbose_name=_("replacing explainer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("When the source is amended or repealed: the explainer of what applies now."),
    )

    body = StreamField(ExplainerStreamBlock(), verbose_name=_("body"))

    updated_on = models.DateField(
        _("updated on"),
        null=True,
        blank=True,
        help_text=_("Set when you make a change that matters to readers, with a note."),
    )
    change_note = models.CharField(
        _("what changed"),
        max_length=200,
        blank=True,
        help_text=_("Shown as “Updated <date>: <note>”, e.g. “Added the documents to bring”."),
    )
    last_reviewed = models.DateField(_("last reviewed"), null=True, blank=True)
    next_review = models.DateField(
        _("next review due"),
        default=one_year_from_today,
        help_text=_("Explainers past this date are listed in Reports → Explainers due for review."),
    )

    objects = ExplainerManager()

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("topic", widget=forms.Select),
        FieldPanel("audiences", widget=forms.CheckboxSelectMultiple),
        FieldPanel("body"),
        InlinePanel("attachments", label=_("Attachments")),
        InlinePanel("related_links", label=_("Related explainers")),
    ]
    source_panels = [
        MultiFieldPanel(
            [
                FieldPanel("source_title"),
                FieldRowPanel([FieldPanel("source_issuer"), FieldPanel("source_number")]),
                FieldRowPanel([FieldPanel("source_issued"), FieldPanel("source_effective")]),
                FieldPanel("source_status"),
                FieldPanel("source_url"),
                PageChooserPanel("replaced_by", page_type="policies.PolicyExplainerPage"),
            ],
            heading=_("Source document"),
        ),
        MultiFieldPanel(
            [
                HelpPanel(
                    _(
                        "Published is the date the page first went live. “Updated” is for "
                        "changes that matter to readers: set the date and say what changed."
                    )
                ),
                FieldRowPanel([FieldPanel("updated_on"), FieldPanel("change_note")]),
                FieldRowPanel([FieldPanel("last_reviewed"), FieldPanel("next_review")]),
            ],
            heading=_("Dates and review"),
        ),
    ]

    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Content")),
            ObjectList(source_panels, heading=_("Source and dates")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )
    base_form_class = ExplainerAdminForm

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("source_title"),
        index.SearchField("source_issuer"),
        index.SearchField("source_number"),
        index.AutocompleteField("summary"),
        index.RelatedFields("topic", [index.SearchField("name"), index.SearchField("name_en")]),
        index.FilterField("source_status"),
        index.FilterField("topic"),
    ]

    parent_page_types = ["policies.PolicyIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("policy explainer")
        verbose_name_plural = _("policy explainers")

    def __str__(self) -> str:
        return self.title

    def clean(self):
        super().clean()
        errors = {}
        has_source = bool(self.source_title.strip())
        if has_source and not self.source_status:
            errors["source_status"] = _("Say whether the source document is still in force.")
        if not has_source and any(
            [
                self.source_issuer,
                self.source_number,
                self.source_issued,
                self.source_effective,
                self.source_url,
                self.source_status in (self.SourceStatus.AMENDED, self.SourceStatus.REPEALED),
            ]
        ):
            errors["source_title"] = _("Give the title of the source document.")
        if (
            self.source_issued
            and self.source_effective
            and self.source_effective < self.source_issued
        ):
            errors["source_effective"] = _("A document cannot take effect before it is issued.")
        if self.replaced_by_id and self.pk and self.replaced_by_id == self.pk:
            errors["replaced_by"] = _("An explainer cannot replace itself.")
        if bool(self.updated_on) != bool(self.change_note.strip()):
            field = "change_note" if self.updated_on else "updated_on"
            errors[field] = _("Give both the date of the update and what changed.")
        if self.last_reviewed and self.next_review and self.next_review < self.last_reviewed:
            errors["next_review"] = _("The next review cannot be before the last one.")
        if errors:
            raise ValidationError(errors)

    # --- What the templates show -------------------------------------------------------------

    @property
    def has_source(self) -> bool:
        return bool(self.source_title)

    @property
    def is_amended(self) -> bool:
        return self.has_source and self.source_status == self.SourceStatus.AMENDED

    @property
    def is_repealed(self) -> bool:
        return self.has_source and self.source_status == self.SourceStatus.REPEALED

    @property
    def published_date(self) -> date | None:
        return timezone.localdate(self.first_published_at) if self.first_published_at else None

    @property
    def modified_date(self) -> date | None:
        """The last change that matters to readers: the editors' update, else publication."""
        return self.updated_on or self.published_date

    def table_of_contents(self, anchors: dict[str, str] | None = None) -> list[dict]:
        """The body's headings as a two-level list: each section heading with the
        sub-headings under it, using exactly the anchors the heading blocks render."""
        anchors = heading_anchors(self.body) if anchors is None else anchors
        entries: list[dict] = []
        for child in self.body:
            if child.block_type != "heading":
                continue
            text = child.value["text"]
            anchor = anchors.get(str(child.id)) or heading_anchor(text, child.id)
            entry = {"text": text, "anchor": anchor, "children": []}
            if child.value.get("level") == "h3" and entries:
                entries[-1]["children"].append(entry)
            else:
                entries.append(entry)
        return entries

    def faq_items(self) -> list[tuple[str, object]]:
        """Every question and answer of the body's FAQ blocks, in order."""
        return [
            (item["question"], item["answer"])
            for child in self.body
            if child.block_type == "faq"
            for item in child.value["questions"]
        ]

    def live_related(self) -> list[PolicyExplainerPage]:
        """The live related explainers in this page's language (a translation when there is
        one, else the chosen page), in the editors' order. Two queries."""
        links = [link for link in self.related_links.all() if link.related_id]
        if not links:
            return []
        chosen = {
            page.pk: page
            for page in PolicyExplainerPage.objects.live().filter(
                pk__in=[link.related_id for link in links]
            )
        }
        keys = [
            page.translation_key for page in chosen.values() if page.locale_id != self.locale_id
        ]
        translated = (
            {
                page.translation_key: page
                for page in PolicyExplainerPage.objects.live().filter(
                    translation_key__in=keys, locale_id=self.locale_id
                )
            }
            if keys
            else {}
        )
        result, seen = [], set()
        for link in links:
            page = chosen.get(link.related_id)
            if page is None:
                continue
            if page.locale_id != self.locale_id:
                page = translated.get(page.translation_key, page)
            if page.pk not in seen and page.pk != self.pk:
                seen.add(page.pk)
                result.append(page)
        return result

    def live_replacement(self) -> PolicyExplainerPage | None:
        """The replacing explainer in this page's language, if it is live."""
        if not self.replaced_by_id:
            return None
        replacement = PolicyExplainerPage.objects.live().filter(pk=self.replaced_by_id).first()
        if replacement is None:
            return None
        if replacement.locale_id != self.locale_id:
            translated = (
                PolicyExplainerPage.objects.live()
                .filter(translation_key=replacement.translation_key, locale_id=self.locale_id)
                .first()
            )
            replacement = translated or replacement
        return replacement

    def get_context(self, request, *args, **kwargs):
        from .help import help_pages
        from .structured_data import explainer_json_ld

        context = super().get_context(request, *args, **kwargs)
        anchors = heading_anchors(self.body)
        context["heading_anchors"] = anchors
        context["toc"] = self.table_of_contents(anchors)
        context["related"] = self.live_related()
        context["replacement"] = (
            self.live_replacement() if (self.is_amended or self.is_repealed) else None
        )
        context["attachments"] = [
            attachment
            for attachment in self.attachments.select_related("document")
            if attachment.document
        ]
        context["help_pages"] = help_pages(self, request)
        context["json_ld"] = explainer_json_ld(self, request)
        return context


class PolicyAttachment(Orderable):
    """A document that goes with an explainer (the official text, a form, a one-page guide):
    a Wagtail document, listed with its format and size."""

    page = ParentalKey(PolicyExplainerPage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    title = models.CharField(
        _("link text"),
        max_length=200,
        blank=True,
        help_text=_("Leave blank to use the document's title."),
    )

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    @property
    def display_title(self) -> str:
        return self.title or self.document.title

    @property
    def facts(self) -> dict:
        return document_facts(self.document)


class RelatedExplainer(Orderable):
    """Another explainer a reader of this one is likely to need next."""

    page = ParentalKey(PolicyExplainerPage, on_delete=models.CASCADE, related_name="related_links")
    related = models.ForeignKey(
        PolicyExplainerPage,
        verbose_name=_("explainer"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [PageChooserPanel("related", page_type="policies.PolicyExplainerPage")]

    class Meta(Orderable.Meta):
        verbose_name = _("related explainer")
        verbose_name_plural = _("related explainers")
