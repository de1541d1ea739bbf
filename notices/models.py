"""Family-search notices (寻亲公告): a station publishes one for each person it has taken in
whose family it is looking for. Station editors draft them; a "notice review" workflow approves.

The person's private details (PRIVATE_FIELDS: health notes, escorting unit) are not fields of
the page: they live in ``NoticePrivateRecord`` (notices/private.py), outside the page's revisions,
previews and compare views, and only the holding station's members and the coordinators can open
them. Nothing private appears on any public page, feed, sitemap, search result or structured
data. A reunited or withdrawn notice keeps its URL (posters point there) but shows only a short
closing message.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Orderable, Page
from wagtail.search import index

from portal.forms import PlainTextMixin
from portal.pages import SectionIndexPage

from .private_panel import PrivateRecordPanel

# The fields of NoticePrivateRecord: never rendered publicly, never part of the page (its
# revisions, previews or search index); tests render every view and look for their values.
PRIVATE_FIELDS = ("escorting_unit", "health_notes")


def _in_both_languages(label) -> str:
    values = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            values.append(str(label()))
    return " ".join(dict.fromkeys(values))


class NoticeIndexPage(RoutablePageMixin, SectionIndexPage):
    """The list of family-search notices at /notices/, with filters; feeds at
    /notices/feed/rss/ and /notices/feed/atom/."""

    subpage_types = ["notices.FamilySearchNoticePage"]

    class Meta:
        verbose_name = _("family-search notice index")

    def get_cached_paths(self):
        # What a CDN purges when this page is published (wagtail.contrib.frontend_cache).
        return ["/", "feed/rss/", "feed/atom/"]

    @path("")
    def notice_list(self, request):
        from .views import notice_index

        return notice_index(self, request)

    @path("feed/rss/")
    def rss_feed(self, request):
        from .feeds import NoticeRssFeed

        return NoticeRssFeed(self)(request)

    @path("feed/atom/")
    def atom_feed(self, request):
        from .feeds import NoticeAtomFeed

        return NoticeAtomFeed(self)(request)


class NoticeNumberSequence(models.Model):
    """The last notice number issued per station and year, so numbers are never reused even
    when a notice is deleted."""

    station = models.ForeignKey("stations.Station", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["station", "year"], name="notices_one_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.station_id}/{self.year}: {self.last}"

    @classmethod
    def next_number(cls, station, year: int) -> str:
        with transaction.atomic():
            sequence, _created = cls.objects.select_for_update().get_or_create(
                station=station, year=year
            )
            sequence.last = models.F("last") + 1
            sequence.save(update_fields=["last"])
            sequence.refresh_from_db(fields=["last"])
        return f"{station.code}-{year}-{sequence.last:04d}"


class NoticeAdminForm(PlainTextMixin, WagtailAdminPageForm):
    """The notice's edit form: what the editors type loses its invisible format characters
    (portal.text), so a name cannot be shown reordered on the notice, its poster or a card."""

    plain_text_fields = (
        "title",
        "seo_title",
        "name",
        "ethnicity",
        "dialect_note",
        "features",
        "clothing",
        "memories",
        "found_place",
        "escorting_unit",
        "health_notes",
        "reunion_note",
    )


class FamilySearchNoticePage(RoutablePageMixin, Page):
    """One person in a station's care whose family is being sought."""

    base_form_class = NoticeAdminForm

    class Sex(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")
        UNKNOWN = "unknown", _("Unknown")

    class Build(models.TextChoices):
        SLIM = "slim", _("Slim")
        MEDIUM = "medium", _("Medium")
        HEAVY = "heavy", _("Heavy")
        UNKNOWN = "unknown", _("Unknown")

    class Dialect(models.TextChoices):
        MANDARIN = "mandarin", _("Mandarin")
        CANTONESE = "cantonese", _("Cantonese (Baihua)")
        GUILIU = "guiliu", _("Guiliu dialect")
        ZHUANG = "zhuang", _("Zhuang")
        HAKKA = "hakka", _("Hakka")
        PINGHUA = "pinghua", _("Pinghua")
        MIN = "min", _("Min")
        XIANG = "xiang", _("Xiang")
        SOUTHWESTERN = "southwestern", _("Other Southwestern Mandarin")
        OTHER = "other", _("Other")
        UNKNOWN = "unknown", _("Unknown / does not speak")

    class Status(models.TextChoices):
        SEEKING = "seeking", _("Seeking family")
        REUNITED = "reunited", _("Reunited")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    notice_number = models.CharField(
        _("notice number"), max_length=40, unique=True, blank=True, editable=False
    )
    station = models.ForeignKey(
        "stations.Station",
        verbose_name=_("holding station"),
        on_delete=models.PROTECT,
        related_name="notices",
    )
    name = models.CharField(_("name, if known"), max_length=50, blank=True)
    name_is_self_reported = models.BooleanField(
        _("name is self-reported"),
        default=True,
        help_text=_("Shown as “self-reported” unless the name has been verified."),
    )
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    age_min = models.PositiveSmallIntegerField(
        _("age from"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    age_max = models.PositiveSmallIntegerField(
        _("age to"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    height_min_cm = models.PositiveSmallIntegerField(
        _("height from (cm)"), null=True, blank=True, validators=[MaxValueValidator(250)]
    )
    height_max_cm = models.PositiveSmallIntegerField(
        _("height to (cm)"), null=True, blank=True, validators=[MaxValueValidator(250)]
    )
    build = models.CharField(
        _("build"), max_length=10, choices=Build.choices, default=Build.UNKNOWN
    )
    ethnicity = models.CharField(_("ethnicity"), max_length=30, blank=True)
    dialect = models.CharField(
        _("dialect or accent"), max_length=20, choices=Dialect.choices, default=Dialect.UNKNOWN
    )
    dialect_note = models.CharField(_("dialect details"), max_length=100, blank=True)
    features = models.TextField(_("distinguishing features"), max_length=1000, blank=True)
    clothing = models.TextField(_("clothing when found"), max_length=500, blank=True)
    memories = models.TextField(
        _("what the person remembers"),
        max_length=1000,
        blank=True,
        help_text=_("Edited by the station: place names, people, events the person mentions."),
    )
    found_date = models.DateField(_("date found"))
    found_area = models.ForeignKey(
        "stations.Area",
        verbose_name=_("area where found"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    found_place = models.CharField(_("place where found"), max_length=200, blank=True)
    intake_date = models.DateField(_("date taken in"))
    is_minor = models.BooleanField(_("minor"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SEEKING
    )
    reunion_note = models.TextField(
        _("reunion note"),
        max_length=500,
        blank=True,
        help_text=_(
            "Shown on a reunited notice only with the family's consent. No personal details."
        ),
    )
    reunion_note_consented = models.BooleanField(_("family consented to the note"), default=False)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("station"),
                FieldPanel("status"),
                FieldRowPanel([FieldPanel("found_date"), FieldPanel("intake_date")]),
                FieldPanel("found_area"),
                FieldPanel("found_place"),
            ],
            heading=_("Notice"),
        ),
        InlinePanel("photos", label=_("Photos"), min_num=1),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("name"), FieldPanel("name_is_self_reported")]),
                FieldRowPanel([FieldPanel("sex"), FieldPanel("is_minor")]),
                FieldRowPanel([FieldPanel("age_min"), FieldPanel("age_max")]),
                FieldRowPanel([FieldPanel("height_min_cm"), FieldPanel("height_max_cm")]),
                FieldRowPanel([FieldPanel("build"), FieldPanel("ethnicity")]),
                FieldRowPanel([FieldPanel("dialect"), FieldPanel("dialect_note")]),
                FieldPanel("features"),
                FieldPanel("clothing"),
                FieldPanel("memories"),
            ],
            heading=_("The person"),
        ),
        PrivateRecordPanel(heading=_("Private: never published")),
        MultiFieldPanel(
            [FieldPanel("reunion_note"), FieldPanel("reunion_note_consented")],
            heading=_("Closing"),
        ),
    ]

    # Public facts only: PRIVATE_FIELDS are never indexed (their values could be found).
    search_fields = [
        *Page.search_fields,
        index.SearchField("notice_number"),
        index.SearchField("name"),
        index.SearchField("features"),
        index.SearchField("clothing"),
        index.SearchField("memories"),
        index.SearchField("found_place"),
        index.SearchField("dialect_note"),
        index.SearchField("ethnicity"),
        index.SearchField("search_kind"),
        index.SearchField("search_dialect"),
        index.SearchField("search_found_area"),
        index.SearchField("search_station"),
        index.FilterField("status"),
        index.FilterField("sex"),
    ]
    # The site search shows the number on its own line, not in the snippet.
    search_snippet_exclude = ("notice_number",)

    parent_page_types = ["notices.NoticeIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("family-search notice")
        verbose_name_plural = _("family-search notices")

    def get_cached_paths(self):
        # What a CDN purges when this page is published (wagtail.contrib.frontend_cache).
        return ["/", "poster/"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.SEEKING

    @classmethod
    def get_indexed_objects(cls):
        """Only notices still seeking a family are in the search index: a reunited or
        withdrawn notice cannot be found by any search, not even by its number."""
        return super().get_indexed_objects().filter(status=cls.Status.SEEKING)

    def search_kind(self) -> str:
        """ "寻亲公告 family-search notice": people type it together with a place."""
        return _in_both_languages(lambda: self._meta.verbose_name)

    def search_dialect(self) -> str:
        """The dialect in Chinese and English, so either word finds the notice."""
        if self.dialect == self.Dialect.UNKNOWN:
            return ""
        return _in_both_languages(self.get_dialect_display)

    def search_found_area(self) -> str:
        """Where the person was found, with the city: 南宁市 兴宁区."""
        area = self.found_area
        return " ".join(a.name for a in reversed(area.ancestors_and_self()[:2]))

    def search_station(self) -> str:
        return self.station.name

    def clean(self):
        super().clean()
        errors = {}
        if self.age_min is not None and self.age_max is not None and self.age_min > self.age_max:
            errors["age_max"] = _("The upper age must not be below the lower age.")
        if (
            self.height_min_cm is not None
            and self.height_max_cm is not None
            and self.height_min_cm > self.height_max_cm
        ):
            errors["height_max_cm"] = _("The upper height must not be below the lower height.")
        if self.found_date and self.intake_date and self.intake_date < self.found_date:
            errors["intake_date"] = _("The person cannot be taken in before being found.")
        if self.found_date and self.found_date > timezone.localdate():
            errors["found_date"] = _("The date found cannot be in the future.")
        if self.reunion_note and not self.reunion_note_consented:
            errors["reunion_note_consented"] = _(
                "A reunion note is published only with the family's consent."
            )
        photos = list(self.photos.all())
        if photos and not any(p.is_face for p in photos):
            errors["title"] = _("Mark one photo as the face photo.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if not self.notice_number and self.station_id:
            year = (self.intake_date or timezone.localdate()).year
            self.notice_number = NoticeNumberSequence.next_number(self.station, year)
        super().save(*args, **kwargs)

    def face_photo(self):
        photos = list(self.photos.all())
        return next((p for p in photos if p.is_face), photos[0] if photos else None)

    def rendition_images(self) -> list[int]:
        """Images whose renditions portal.renditions makes on publish: the photos while the
        notice is seeking, none once it is closed (closing deletes them)."""
        if not self.is_active:
            return []
        return list(self.photos.values_list("image_id", flat=True))

    def get_sitemap_urls(self, request=None):
        return super().get_sitemap_urls(request) if self.is_active else []

    @path("")
    def notice_detail(self, request):
        from .views import notice_detail

        return notice_detail(self, request)

    @path("lead/")
    def lead(self, request):
        from .views import notice_lead

        return notice_lead(self, request)

    @path("poster/")
    def poster(self, request):
        from .poster import notice_poster

        return notice_poster(self, request)


class NoticePhoto(Orderable):
    """A photo of the person; one is marked as the face photo used in lists and posters."""

    page = ParentalKey(FamilySearchNoticePage, on_delete=models.CASCADE, related_name="photos")
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("image"), on_delete=models.PROTECT, related_name="+"
    )
    alt_text = models.CharField(
        _("description for screen readers"),
        max_length=250,
        help_text=_("Describe the photo, e.g. “face photo, front view”. Required."),
    )
    is_face = models.BooleanField(_("face photo"), default=False)

    panels = [FieldPanel("image"), FieldPanel("alt_text"), FieldPanel("is_face")]

    class Meta(Orderable.Meta):
        verbose_name = _("photo")
        verbose_name_plural = _("photos")


class NoticeStatusChange(models.Model):
    """The history of a notice's status (seeking → reunited / withdrawn, and back)."""

    page = models.ForeignKey(
        FamilySearchNoticePage, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    changed_at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["changed_at", "pk"]
        verbose_name = _("notice status change")
        verbose_name_plural = _("notice status changes")

    def __str__(self) -> str:
        return f"{self.page_id}: {self.from_status} → {self.to_status}"


class NoticePrivateRecord(models.Model):
    """What the holding station knows about the person and must not publish: health notes and
    the unit that escorted them in. Kept outside the page so that no revision, preview, compare
    view or search index of the notice ever carries it; opened and edited only by the holding
    station's members and the coordinators (notices/private.py), every opening audited."""

    page = models.OneToOneField(
        FamilySearchNoticePage,
        on_delete=models.CASCADE,
        related_name="private_record",
        verbose_name=_("notice"),
    )
    escorting_unit = models.CharField(_("escorting unit"), max_length=100, blank=True)
    health_notes = models.TextField(_("health notes"), max_length=2000, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("private record of a notice")
        verbose_name_plural = _("private records of notices")

    def __str__(self) -> str:
        return str(_("Private record of %(notice)s") % {"notice": self.page.notice_number})
