"""Open days (开放日): a campaign page per open day, its venues as inline rows, and the public's
registrations for a venue.

Editors (provincial or station) write an ``EventPage`` under /events/ with one ``Venue`` row per
place that opens its doors: a station, or a free venue with its own area and address. The
public register for a venue; capacity is enforced in ``events.registration`` so a venue is
never oversold. After the day, editors enter each venue's figures and the campaign page rolls
them up.

Translations: the English campaign is a Wagtail translation of the Chinese one and its venue
rows are copies that carry the same ``key``. The Chinese (default-locale) row is the
*canonical* venue: registrations, capacity, times, status, sequence and figures are read from
it, the words (name, address, rules, accessibility, contact name) from the row in the visitor's
language. See ``Venue.facts`` and ``attach_facts``.
"""

from __future__ import annotations

import uuid
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Locale, Orderable, Page
from wagtail.search import index

from portal.blocks import BaseStreamBlock
from portal.forms import PlainTextMixin
from portal.models import phone_validator
from portal.pages import SectionIndexPage

LOCAL_TIME = ZoneInfo("Asia/Shanghai")
# Path segments under /events/ taken by events/urls.py; no campaign may use them as its slug.
RESERVED_SLUGS = frozenset({"registrations", "feed.ics"})
FIGURE_FIELDS = ("visitors", "leaflets", "displays", "enquiries", "volunteers", "reunions")
MAX_PARTY = 5


class Status(models.TextChoices):
    """The state of a campaign or of one venue (schema.org EventStatusType)."""

    SCHEDULED = "scheduled", _("Takes place as planned")
    POSTPONED = "postponed", _("Postponed: new date to follow")
    RESCHEDULED = "rescheduled", _("Moved to a new date")
    CANCELLED = "cancelled", _("Cancelled")


# Worst first: a cancelled campaign cancels every venue, a postponed one postpones them.
STATUS_PRECEDENCE = [Status.CANCELLED, Status.POSTPONED, Status.RESCHEDULED, Status.SCHEDULED]


def combined_status(*statuses: str) -> str:
    for status in STATUS_PRECEDENCE:
        if status in statuses:
            return status
    return Status.SCHEDULED


class EventIndexPage(SectionIndexPage):
    """The list of open days at /events/: upcoming campaigns first, then past ones with their
    figures; a city filter. Calendar files are served by events/urls.py."""

    subpage_types = ["events.EventPage"]

    class Meta:
        verbose_name = _("open day index")

    def get_cached_paths(self):
        # What a CDN purges when this page is published (wagtail.contrib.frontend_cache).
        return ["/", "feed.ics"]

    def get_context(self, request, *args, **kwargs):
        from .views import index_context

        context = super().get_context(request, *args, **kwargs)
        context.update(index_context(self, request))
        return context


class EventPageForm(PlainTextMixin, WagtailAdminPageForm):
    """Refuses to delete a venue that people have registered for: the editor cancels it
    instead, so the registrants are told and nothing about them is lost."""

    plain_text_fields = ("title", "seo_title", "theme", "summary", "status_note")

    def clean(self):
        cleaned = super().clean()
        formset = self.formsets.get("venues")
        if formset is not None and formset.is_bound:
            formset.errors  # noqa: B018 (validates the formset, so deleted_forms is known)
            deleted = [form.instance.pk for form in formset.deleted_forms if form.instance.pk]
            if deleted:
                taken = (
                    Venue.objects.filter(pk__in=deleted, registrations__isnull=False)
                    .distinct()
                    .values_list("name", flat=True)
                )
                for name in taken:
                    self.add_error(
                        None,
                        _(
                            "The venue “%(name)s” has registrations and cannot be deleted. "
                            "Set its status to “Cancelled” instead: the registrants are then "
                            "told by email."
                        )
                        % {"name": name or _("(unnamed)")},
                    )
        return cleaned


class EventPage(RoutablePageMixin, Page):
    """One open-day campaign (e.g. 6·19 “大爱寻亲、温暖回家”) with its venues across the region.

    Provincial or station editors write it; the venues' registrations, calendars, structured
    data and figures all hang off it."""

    theme = models.CharField(_("theme"), max_length=100, blank=True)
    summary = models.TextField(
        _("summary"),
        max_length=240,
        help_text=_("One or two sentences for lists, the home page and calendars."),
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(
        _("last day"), null=True, blank=True, help_text=_("Leave blank for a one-day campaign.")
    )
    status = models.CharField(
        _("campaign status"), max_length=12, choices=Status.choices, default=Status.SCHEDULED
    )
    status_note = models.CharField(
        _("status note"),
        max_length=300,
        blank=True,
        help_text=_("Shown in the banner when the campaign is postponed, moved or cancelled."),
    )
    body = StreamField(BaseStreamBlock(), verbose_name=_("body"), blank=True)
    figures_note = models.CharField(
        _("note on the figures"),
        max_length=300,
        blank=True,
        help_text=_("For example where the figures come from, shown under the roll-up."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("theme"),
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
        MultiFieldPanel([FieldPanel("status"), FieldPanel("status_note")], heading=_("Status")),
        FieldPanel("body"),
        InlinePanel("venues", label=_("Venues"), min_num=1),
        InlinePanel("gallery", label=_("Gallery")),
        FieldPanel("figures_note"),
    ]
    base_form_class = EventPageForm

    search_fields = [
        *Page.search_fields,
        index.SearchField("theme"),
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("search_places"),
        index.FilterField("start_date"),
        index.FilterField("status"),
    ]

    parent_page_types = ["events.EventIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("open day")
        verbose_name_plural = _("open days")

    def get_cached_paths(self):
        # What a CDN purges when this page is published (wagtail.contrib.frontend_cache).
        return ["/", "event.ics"]

    def search_places(self) -> str:
        """Where the campaign is held (venue names, stations, counties, cities, addresses), so
        site search finds an open day by the place people live in."""
        parts = []
        venues = self.venues.select_related("station__area__parent", "area__parent").order_by(
            "sort_order"
        )
        for venue in venues:
            area = venue.place_area
            parts += [venue.display_name, venue.display_address]
            if area is not None:
                parts += [area.name, area.parent.name if area.parent_id else ""]
        return " ".join(dict.fromkeys(part for part in parts if part))

    def __str__(self) -> str:
        return self.title

    @property
    def last_date(self):
        return self.end_date or self.start_date

    @property
    def is_past(self) -> bool:
        return self.last_date < timezone.localdate(timezone=LOCAL_TIME)

    def clean(self):
        super().clean()
        errors = {}
        if self.slug in RESERVED_SLUGS:
            errors["slug"] = _("This address is reserved. Choose another slug.")
        if self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The last day must not be before the first day.")
        if errors:
            raise ValidationError(errors)

    @cached_property
    def canonical(self) -> EventPage:
        return self.canonical_page()

    @property
    def canonical_status(self) -> str:
        return self.canonical.status

    @property
    def canonical_status_note(self) -> str:
        return self.status_note or self.canonical.status_note

    def canonical_page(self) -> EventPage:
        """The campaign in the default language, whose venues hold the facts."""
        default = Locale.get_default()
        if self.locale_id == default.pk:
            return self
        source = EventPage.objects.filter(
            translation_key=self.translation_key, locale=default
        ).first()
        return source or self

    # --- saving: sequences, change notices, copied keys ---------------------------------------

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        commits_venues = update_fields is None or "venues" in update_fields
        before = _snapshot(self) if commits_venues and self.pk is not None else None
        with transaction.atomic():
            result = super().save(*args, **kwargs)
            if commits_venues:
                from .changes import after_venues_saved

                after_venues_saved(self, before)
        return result

    # --- routes -------------------------------------------------------------------------------

    @path("")
    def campaign(self, request):
        from .views import event_page

        return event_page(self, request)

    @path("venues/<int:venue_id>/register/")
    def register(self, request, venue_id):
        from .views import register

        return register(self, request, venue_id)

    @path("venues/<int:venue_id>/registered/")
    def registered(self, request, venue_id):
        from .views import registered

        return registered(self, request, venue_id)


def _snapshot(page: EventPage) -> dict:
    """What the database holds before a save: the page's status and each venue's facts."""
    old = EventPage.objects.filter(pk=page.pk).values("status", "live").first()
    venues = {
        venue.pk: venue for venue in Venue.objects.filter(page_id=page.pk).select_related(None)
    }
    return {"page": old, "venues": venues}


class Venue(Orderable):
    """One place that opens on the day: a station (address, area and contact default from it)
    or a free venue with its own area and address. Inline on the campaign page."""

    class Photography(models.TextChoices):
        ALLOWED = "allowed", _("Photos are allowed")
        NO_PEOPLE = "no_people", _("Photos of rooms only: never of the people in care")
        NONE = "none", _("No photography")

    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="venues")
    key = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    station = models.ForeignKey(
        "stations.Station",
        verbose_name=_("station"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Leave blank for a venue that is not a station; then give its area."),
    )
    name = models.CharField(
        _("venue name"),
        max_length=120,
        blank=True,
        help_text=_("Leave blank to use the station's name."),
    )
    area = models.ForeignKey(
        "stations.Area",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The city or county of the venue. Leave blank to use the station's area."),
    )
    address = models.CharField(
        _("address"), max_length=200, blank=True, help_text=_("Leave blank to use the station's.")
    )
    starts_at = models.DateTimeField(_("starts (Beijing time)"))
    ends_at = models.DateTimeField(_("ends (Beijing time)"))
    status = models.CharField(
        _("venue status"), max_length=12, choices=Status.choices, default=Status.SCHEDULED
    )
    status_note = models.CharField(_("status note"), max_length=300, blank=True)
    registration_enabled = models.BooleanField(
        _("registration needed"),
        default=True,
        help_text=_("Untick for a venue where visitors simply come."),
    )
    capacity = models.PositiveIntegerField(
        _("places"),
        default=0,
        help_text=_("How many visitors can come, counting every member of a party."),
    )
    registration_opens_at = models.DateTimeField(
        _("registration opens"), null=True, blank=True, help_text=_("Blank: as soon as published.")
    )
    registration_closes_at = models.DateTimeField(
        _("registration closes"),
        null=True,
        blank=True,
        help_text=_("Blank: when the visit starts."),
    )
    id_required = models.BooleanField(_("visitors bring an identity card"), default=True)
    photography = models.CharField(
        _("photography"), max_length=12, choices=Photography.choices, default=Photography.NO_PEOPLE
    )
    minimum_age = models.PositiveSmallIntegerField(
        _("minimum age"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(18)],
        help_text=_("Blank: all ages. Children always come with an adult."),
    )
    group_bookings = models.CharField(
        _("group bookings"),
        max_length=300,
        blank=True,
        help_text=_("For example: schools and groups of more than 5, call the contact."),
    )
    other_rules = models.TextField(_("other visit rules"), max_length=1000, blank=True)
    accessibility = models.TextField(
        _("accessibility"),
        max_length=1000,
        blank=True,
        help_text=_("Step-free access, lifts, accessible toilets, parking, help on site."),
    )
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(
        _("contact phone"),
        max_length=30,
        blank=True,
        validators=[phone_validator],
        help_text=_("Leave blank to use the station's office phone."),
    )
    sequence = models.PositiveIntegerField(default=0, editable=False)
    visitors = models.PositiveIntegerField(_("visitors"), null=True, blank=True)
    leaflets = models.PositiveIntegerField(_("leaflets handed out"), null=True, blank=True)
    displays = models.PositiveIntegerField(_("display boards"), null=True, blank=True)
    enquiries = models.PositiveIntegerField(_("enquiries answered"), null=True, blank=True)
    volunteers = models.PositiveIntegerField(_("volunteers"), null=True, blank=True)
    reunions = models.PositiveIntegerField(_("reunions on the day"), null=True, blank=True)

    panels = [
        FieldPanel("station"),
        FieldRowPanel([FieldPanel("name"), FieldPanel("area")]),
        FieldPanel("address"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        FieldRowPanel([FieldPanel("status"), FieldPanel("status_note")]),
        FieldRowPanel([FieldPanel("registration_enabled"), FieldPanel("capacity")]),
        FieldRowPanel([FieldPanel("registration_opens_at"), FieldPanel("registration_closes_at")]),
        FieldRowPanel([FieldPanel("id_required"), FieldPanel("photography")]),
        FieldRowPanel([FieldPanel("minimum_age"), FieldPanel("group_bookings")]),
        FieldPanel("other_rules"),
        FieldPanel("accessibility"),
        FieldRowPanel([FieldPanel("contact_name"), FieldPanel("contact_phone")]),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("visitors"), FieldPanel("leaflets")]),
                FieldRowPanel([FieldPanel("displays"), FieldPanel("enquiries")]),
                FieldRowPanel([FieldPanel("volunteers"), FieldPanel("reunions")]),
            ],
            heading=_("Figures after the day"),
        ),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("venue")
        verbose_name_plural = _("venues")

    def __str__(self) -> str:
        return self.display_name

    def clean(self):
        super().clean()
        errors = {}
        if self.station_id is None and self.area_id is None:
            errors["area"] = _("Choose a station, or give the area of the venue.")
        if self.station_id is None and not self.name:
            errors["name"] = _("A venue that is not a station needs a name.")
        if self.station_id is None and not self.address:
            errors["address"] = _("A venue that is not a station needs an address.")
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The end must be after the start.")
        if self.registration_enabled and not self.capacity:
            errors["capacity"] = _("Give the number of places, or untick “registration needed”.")
        if (
            self.registration_opens_at
            and self.registration_closes_at
            and self.registration_closes_at <= self.registration_opens_at
        ):
            errors["registration_closes_at"] = _("Registration must close after it opens.")
        if (
            self.registration_closes_at
            and self.ends_at
            and self.registration_closes_at > self.ends_at
        ):
            errors["registration_closes_at"] = _("Registration must close before the visit ends.")
        if errors:
            raise ValidationError(errors)

    # --- words (from this row) and defaults from the station -----------------------------------

    @property
    def display_name(self) -> str:
        if self.name:
            return self.name
        return self.station.display_name if self.station_id else ""

    @property
    def display_address(self) -> str:
        if self.address:
            return self.address
        return self.station.address if self.station_id else ""

    @property
    def full_address(self) -> str:
        """The address with its city or county in front, unless it already starts with it."""
        address = self.display_address
        area = self.facts.place_area
        if area is None:
            return address
        prefix = area.qualified_name
        if not address:
            return prefix
        if address.startswith((prefix, area.name)) or (
            area.parent_id and address.startswith(area.parent.name)
        ):
            return address
        return f"{prefix} {address}"

    @property
    def place_area(self):
        """The venue's area: its own, else its station's."""
        if self.area_id:
            return self.area
        return self.station.area if self.station_id else None

    @property
    def phone(self) -> str:
        if self.contact_phone:
            return self.contact_phone
        return (self.station.phone or self.station.hotline) if self.station_id else ""

    # --- facts (from the canonical row) -------------------------------------------------------

    @property
    def facts(self) -> Venue:
        """The canonical row (same key, default-locale page); set in bulk by attach_facts."""
        return getattr(self, "_facts", None) or self

    @property
    def effective_status(self) -> str:
        facts = self.facts
        return combined_status(facts.page.status, facts.status)

    @property
    def effective_status_label(self) -> str:
        return Status(self.effective_status).label

    @property
    def is_cancelled(self) -> bool:
        return self.effective_status == Status.CANCELLED

    @property
    def local_start(self):
        return timezone.localtime(self.facts.starts_at, LOCAL_TIME)

    @property
    def local_end(self):
        return timezone.localtime(self.facts.ends_at, LOCAL_TIME)

    def registration_state(self, now=None) -> str:
        """ "open", "not_needed", "not_yet", "closed" (window over or started) or "cancelled"
        (also postponed: no new registrations until there is a date)."""
        facts = self.facts
        now = now or timezone.now()
        if not facts.registration_enabled:
            return "not_needed"
        if self.effective_status in (Status.CANCELLED, Status.POSTPONED):
            return "cancelled"
        closes = facts.registration_closes_at or facts.starts_at
        if now >= closes or now >= facts.starts_at:
            return "closed"
        if facts.registration_opens_at and now < facts.registration_opens_at:
            return "not_yet"
        return "open"

    def figures(self) -> dict:
        facts = self.facts
        return {name: getattr(facts, name) for name in FIGURE_FIELDS}

    @property
    def has_figures(self) -> bool:
        return any(value is not None for value in self.figures().values())


def attach_facts(venues) -> list[Venue]:
    """Give each venue its canonical row as ``.facts`` in one query (none when every venue is
    on a default-locale page). Rows of other languages without a Chinese twin are their own
    facts."""
    venues = list(venues)
    default = Locale.get_default()
    foreign = [v for v in venues if v.page.locale_id != default.pk]
    if foreign:
        canonical = {
            venue.key: venue
            for venue in Venue.objects.filter(
                key__in=[v.key for v in foreign], page__locale=default
            ).select_related("page", "station__area__parent__parent", "area__parent__parent")
        }
        for venue in foreign:
            twin = canonical.get(venue.key)
            if twin is not None:
                venue._facts = twin
    return venues


class EventImage(Orderable):
    """A photo of the open day. Shown only when the people in it agreed (or there is nobody
    recognisable): images without consent are kept for the record but never published."""

    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="gallery")
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("image"), on_delete=models.PROTECT, related_name="+"
    )
    alt_text = models.CharField(
        _("description for screen readers"),
        max_length=250,
        help_text=_("Describe what the photo shows. Required."),
    )
    caption = models.CharField(_("caption"), max_length=250, blank=True)
    consent = models.BooleanField(
        _("consent to publish"),
        default=False,
        help_text=_(
            "Tick only if everyone recognisable agreed to be shown, or nobody is recognisable. "
            "Never show people in the station's care. Unticked images are not published."
        ),
    )

    panels = [
        FieldPanel("image"),
        FieldPanel("alt_text"),
        FieldPanel("caption"),
        FieldPanel("consent"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("gallery image")
        verbose_name_plural = _("gallery images")


class RegistrationQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=Registration.Status.CONFIRMED)

    def waitlisted(self):
        return self.filter(status=Registration.Status.WAITLISTED)

    def active(self):
        return self.exclude(status=Registration.Status.CANCELLED)


class Registration(models.Model):
    """A party of 1–5 people registered for one venue: confirmed, on the waitlist (first come,
    first served) or cancelled. Name, phone and email are blanked N days after the visit (see
    EventSettings); party size, status and dates stay for statistics."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    venue = models.ForeignKey(
        Venue, verbose_name=_("venue"), on_delete=models.PROTECT, related_name="registrations"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    party_size = models.PositiveSmallIntegerField(
        _("party size"), validators=[MinValueValidator(1), MaxValueValidator(MAX_PARTY)]
    )
    name = models.CharField(_("name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    language = models.CharField(_("language"), max_length=10, default=settings.LANGUAGE_CODE)
    token_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("registered"), default=timezone.now, db_index=True)
    consented_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    promoted_at = models.DateTimeField(_("moved off the waiting list"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    notified_sequence = models.PositiveIntegerField(default=0, editable=False)
    purged_at = models.DateTimeField(_("personal data removed"), null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        indexes = [models.Index(fields=["venue", "status"], name="events_reg_venue_status")]
        permissions = [
            (
                "view_registrant_details",
                _("Can see the names and phone numbers of every venue's registrants"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.venue_id}/{self.pk} {self.status} ×{self.party_size}"


@register_setting(icon="date")
class EventSettings(BaseSiteSetting):
    """How long registrants' personal data is kept. Set by the provincial coordinators."""

    keep_registrations_days = models.PositiveSmallIntegerField(
        _("keep registrants' name and phone for (days after the visit)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )

    panels = [FieldPanel("keep_registrations_days")]

    class Meta:
        verbose_name = _("open day settings")
