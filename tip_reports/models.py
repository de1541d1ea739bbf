"""Tips from the public: the report page, the tips themselves, their timeline and the outbox.

Tips, their photos and reporters' contact details are never public (docs/architecture.md §7): nothing here
is exposed to page rendering except through the intake form and the coarse status lookup.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models.audit_log import BaseLogEntry, BaseLogEntryManager

from portal.pages import SectionIndexPage


def private_storage():
    """Storage for tip photos: never served by the web server or a public URL."""
    return storages["private"]


class ReportPage(RoutablePageMixin, SectionIndexPage):
    """The public tip form at /report/, the one-time receipt at /report/thanks/ and the status
    lookup at /report/status/.

    Editors write the introduction; the form, its validation and intake live in forms.py,
    views.py and intake.py."""

    # Emphasised in the main menu (portal/templatetags/portal_tags.py): reporting someone in
    # need is the one action the whole site leads to.
    nav_emphasis = True

    class Meta:
        verbose_name = _("report a sighting")

    @path("", name="report_form")
    def report_form(self, request):
        from .views import report_form

        return report_form(self, request)

    @path("thanks/", name="report_thanks")
    def report_thanks(self, request):
        from .views import report_thanks

        return report_thanks(self, request)

    @path("status/", name="report_status")
    def report_status(self, request):
        from .views import report_status

        return report_status(self, request)


class TipReport(models.Model):
    """One tip from the public about a person who may need help.

    Created only by intake.submit_tip; station staff work it in the admin queue of the station
    it is routed to. Personal fields (reporter contact, photo, free text) are purged after the
    retention period; the rest stays for anonymous figures."""

    class Category(models.TextChoices):
        SLEEPING_ROUGH = "sleeping_rough", _("Sleeping rough")
        MINOR = "minor", _("Minor alone or begging")
        ELDERLY_LOST = "elderly_lost", _("Elderly or lost person")
        DISTRESS = "distress", _("Person ill or in distress")
        OTHER = "other", _("Other")

    class Urgency(models.TextChoices):
        NORMAL = "normal", _("Normal")
        URGENT = "urgent", _("Urgent: may be in immediate danger")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        DISPATCHED = "dispatched", _("Outreach dispatched")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    class Sex(models.TextChoices):
        UNKNOWN = "unknown", _("Not sure")
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")

    class AgeGroup(models.TextChoices):
        UNKNOWN = "unknown", _("Not sure")
        CHILD = "child", _("Child (under 14)")
        TEENAGER = "teenager", _("Teenager (14–17)")
        ADULT = "adult", _("Adult (18–59)")
        ELDERLY = "elderly", _("Elderly (60 or over)")

    class Outcome(models.TextChoices):
        ADMITTED = "admitted", _("Admitted to the station")
        ESCORTED_HOME = "escorted_home", _("Escorted home")
        HOSPITAL = "hospital", _("Referred to hospital")
        DECLINED = "declined", _("Declined help")
        NOT_FOUND = "not_found", _("Person not found")

    class CloseReason(models.TextChoices):
        DUPLICATE = "duplicate", _("Duplicate")
        NOT_FOUND = "not_found", _("Not found")
        FALSE_REPORT = "false_report", _("False report")
        SPAM = "spam", _("Spam")
        HANDLED_ELSEWHERE = "handled_elsewhere", _("Handled elsewhere")

    class CaptchaStatus(models.TextChoices):
        NOT_CONFIGURED = "off", _("No captcha configured")
        VERIFIED = "verified", _("Captcha passed")
        UNVERIFIED = "unverified", _("Captcha service unreachable: not verified")

    reference = models.CharField(_("reference number"), max_length=12, unique=True, editable=False)
    secret_code_hash = models.CharField(max_length=128, editable=False)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    area = models.ForeignKey(
        "stations.Area",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tips",
    )
    place_text = models.CharField(_("place"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    seen_at = models.DateTimeField(_("seen at"))
    person_sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    person_age = models.CharField(
        _("approximate age"), max_length=10, choices=AgeGroup.choices, default=AgeGroup.UNKNOWN
    )
    clothing = models.CharField(_("clothing"), max_length=200, blank=True)
    appearance = models.CharField(_("appearance"), max_length=300, blank=True)
    description = models.TextField(_("what you saw"), max_length=1000, blank=True)
    photo = models.FileField(
        _("photo"), storage=private_storage, upload_to="tips/%Y/%m/", blank=True
    )
    reporter_name = models.CharField(_("reporter's name"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=30, blank=True)
    reporter_relationship = models.CharField(
        _("how the reporter knows the person"),
        max_length=100,
        blank=True,
        help_text=_("Given with a lead about a family-search notice."),
    )
    consent_forwarding = models.BooleanField(_("consented to forwarding"), default=False)
    captcha_status = models.CharField(
        _("captcha"),
        max_length=12,
        choices=CaptchaStatus.choices,
        default=CaptchaStatus.NOT_CONFIGURED,
    )
    station = models.ForeignKey(
        "stations.Station",
        verbose_name=_("station"),
        null=True,
        on_delete=models.PROTECT,
        related_name="tips",
        help_text=_("Set by routing; empty only if no active station exists at all."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tips",
    )
    acknowledge_due_at = models.DateTimeField(_("acknowledge by"), null=True, blank=True)
    resolve_due_at = models.DateTimeField(_("resolve by"), null=True, blank=True)
    public_message = models.CharField(
        _("message for the reporter"),
        max_length=300,
        blank=True,
        help_text=_("Shown on the status page. Never include personal details."),
    )
    related_notice = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("related notice"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    close_reason = models.CharField(
        _("reason for closing"), max_length=20, choices=CloseReason.choices, blank=True
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    finished_at = models.DateTimeField(_("resolved or closed"), null=True, blank=True)
    acknowledge_escalated_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolve_escalated_at = models.DateTimeField(null=True, blank=True, editable=False)
    personal_data_purged_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("tip")
        verbose_name_plural = _("tips")
        indexes = [models.Index(fields=["station", "status"])]
        permissions = [
            ("view_reporter_contact", _("Can reveal a reporter's contact details (audited)")),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_urgent(self) -> bool:
        return self.urgency == self.Urgency.URGENT

    @property
    def is_open(self) -> bool:
        return self.status not in {self.Status.RESOLVED, self.Status.CLOSED}


class TipEvent(models.Model):
    """The append-only timeline of a tip: every routing decision, delivery problem and state
    change, with who did it and when. Never edited; the retention purge blanks the notes that
    may hold what a person typed (tip_reports.retention)."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Received")
        ROUTED = "routed", _("Routed")
        STATUS = "status", _("Status changed")
        DELIVERY_FAILED = "delivery_failed", _("Notification failed")
        NOTE = "note", _("Note")
        ASSIGNED = "assigned", _("Assigned")
        TRANSFERRED = "transferred", _("Transferred")
        DUPLICATE = "duplicate", _("Marked as duplicate")
        CONTACT_VIEWED = "contact_viewed", _("Reporter contact viewed")
        PHOTO_VIEWED = "photo_viewed", _("Tip photo viewed")
        RESENT = "resent", _("Notification resent")
        ESCALATED = "escalated", _("Escalated")
        PURGED = "purged", _("Personal data removed")

    # Kinds whose note the portal writes itself from fixed texts (a routing reason, a delivery
    # error, an escalation, who was assigned, a notification channel): the purge keeps them.
    # Nothing a person typed may ever go into their notes; it belongs in a field of TipReport
    # or in the note of another kind, which the purge blanks (tests/security/test_purge.py).
    PORTAL_NOTE_KINDS = frozenset(
        {
            Kind.RECEIVED,
            Kind.ROUTED,
            Kind.DELIVERY_FAILED,
            Kind.ASSIGNED,
            Kind.CONTACT_VIEWED,
            Kind.PHOTO_VIEWED,
            Kind.RESENT,
            Kind.ESCALATED,
            Kind.PURGED,
        }
    )

    tip = models.ForeignKey(TipReport, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    station = models.ForeignKey(
        "stations.Station", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("tip event")
        verbose_name_plural = _("tip events")

    def __str__(self) -> str:
        return f"{self.tip_id} {self.kind}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Tip events are append-only.")
        super().save(*args, **kwargs)


class Delivery(models.Model):
    """The outbox: one row per notification channel of the station a tip is routed to.

    Rows are written in the intake transaction and sent by tasks.deliver on the worker; a
    periodic sweep re-enqueues due rows, so nothing written here is ever forgotten."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        WEBHOOK = "webhook", _("Webhook")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    tip = models.ForeignKey(TipReport, on_delete=models.CASCADE, related_name="deliveries")
    station = models.ForeignKey(
        "stations.Station",
        null=True,
        on_delete=models.PROTECT,
        related_name="deliveries",
        help_text=_("Empty when no station exists: the coordinators are notified instead."),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), db_index=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.tip_id} {self.channel} {self.status}"


@register_setting(icon="warning")
class TipSettings(BaseGenericSetting):
    """Service targets and retention for tips, set by the provincial coordinators.

    Acknowledge targets are per category; an urgent tip always gets the urgent target. Due
    times are computed when a tip arrives (or is transferred or reopened) and stored on it."""

    acknowledge_urgent_minutes = models.PositiveIntegerField(
        _("acknowledge urgent tips within (minutes)"), default=15
    )
    acknowledge_sleeping_rough_minutes = models.PositiveIntegerField(
        _("acknowledge: sleeping rough (minutes)"), default=60
    )
    acknowledge_minor_minutes = models.PositiveIntegerField(
        _("acknowledge: minor alone or begging (minutes)"), default=15
    )
    acknowledge_elderly_lost_minutes = models.PositiveIntegerField(
        _("acknowledge: elderly or lost person (minutes)"), default=60
    )
    acknowledge_distress_minutes = models.PositiveIntegerField(
        _("acknowledge: person ill or in distress (minutes)"), default=60
    )
    acknowledge_other_minutes = models.PositiveIntegerField(
        _("acknowledge: other (minutes)"), default=60
    )
    resolve_hours = models.PositiveIntegerField(_("resolve within (hours)"), default=24)
    retention_days = models.PositiveIntegerField(
        _("keep personal data of finished tips for (days)"),
        default=180,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Reporter contact, photo and free text of resolved or closed tips are removed after "
            "this many days; category, area, dates and outcome stay for statistics."
        ),
    )

    class Meta:
        verbose_name = _("tip service targets")

    def acknowledge_within(self, category: str, urgency: str) -> timedelta:
        if urgency == TipReport.Urgency.URGENT:
            return timedelta(minutes=self.acknowledge_urgent_minutes)
        minutes = getattr(self, f"acknowledge_{category}_minutes", self.acknowledge_other_minutes)
        return timedelta(minutes=minutes)

    def resolve_within(self) -> timedelta:
        return timedelta(hours=self.resolve_hours)


class TipLogEntryManager(BaseLogEntryManager):
    def log_action(self, instance, action, **kwargs):
        kwargs.update(tip=instance)
        return super().log_action(instance, action, **kwargs)

    def viewable_by_user(self, user):
        """Only entries about tips the user may open (docs/architecture.md §7): Wagtail's site history,
        its filters and exports all read log entries through this."""
        from .access import tips_visible_to

        return self.filter(tip__in=tips_visible_to(user).values("pk"))

    def for_instance(self, instance):
        return self.filter(tip=instance)


class TipLogEntry(BaseLogEntry):
    """Wagtail audit-log entries about tips, kept apart from other models' entries so that the
    admin's history shows them only to users who may see the tip."""

    tip = models.ForeignKey(
        TipReport, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )

    objects = TipLogEntryManager()

    class Meta(BaseLogEntry.Meta):
        ordering = ["-timestamp", "-id"]
        verbose_name = _("tip log entry")
        verbose_name_plural = _("tip log entries")

    def __str__(self) -> str:
        return f"TipLogEntry {self.pk}: {self.action} on tip {self.tip_id}"

    @cached_property
    def object_verbose_name(self):
        return TipReport._meta.verbose_name

    @cached_property
    def object_id(self):
        return self.tip_id
