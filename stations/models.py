"""Administrative areas, rescue stations, their jurisdictions and their staff."""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.search import index

from portal import outbound
from portal.models import phone_validator
from portal.pages import SectionIndexPage


class Area(models.Model):
    """An administrative division with its GB/T 2260 code (province, city, county level).

    Loaded by a data migration from the published division codes (see stations/data/); editors
    do not create areas by hand, they only assign them to stations.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("province")
        CITY = "city", _("prefecture-level city")
        COUNTY = "county", _("county-level division")

    code = models.CharField(
        _("division code"),
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^\d{6}$", _("A division code has six digits."))],
    )
    name = models.CharField(_("name"), max_length=50)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    latitude = models.DecimalField(
        _("centre latitude (WGS-84)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("centre longitude (WGS-84)"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("administrative area")
        verbose_name_plural = _("administrative areas")

    def __str__(self) -> str:
        return self.name

    @property
    def qualified_name(self) -> str:
        """The name with its city in front for county-level divisions, e.g. 南宁市兴宁区.

        Several counties in different cities share a name; lists that mix cities use this.
        Select the parent with the area to avoid a query per row.
        """
        if self.level == self.Level.COUNTY and self.parent_id is not None:
            return f"{self.parent.name}{self.name}"
        return self.name

    def ancestors_and_self(self) -> list["Area"]:
        """This area, then its parent, up to the province (most specific first)."""
        chain, area = [], self
        while area is not None:
            chain.append(area)
            area = area.parent
        return chain


STATION_CODE_PATTERN = r"^[0-9A-Z][0-9A-Z-]{1,19}$"


@dataclass
class ServedAreaGroup:
    """One city (or the province) in a station's jurisdiction, for display: either the whole
    area or some of the divisions below it."""

    area: Area
    whole: bool = False
    parts: list[Area] = field(default_factory=list)


class StationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Station(index.Indexed, models.Model):
    """A rescue-management station (救助管理站) or the provincial duty desk.

    Coordinators maintain stations (a station lead may correct their own station's public
    details; stations/views.py says who changes what); the public directory, tip routing and
    notices all read from here. Exactly one active station may be the fallback duty desk that receives tips
    no other station serves.
    """

    code = models.CharField(
        _("station code"),
        max_length=20,
        unique=True,
        validators=[
            RegexValidator(
                STATION_CODE_PATTERN,
                _("Use 2–20 capital letters, digits or hyphens, e.g. 450100."),
            )
        ],
        help_text=_("Used in the station's web address and in notice numbers; do not change it."),
    )
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    area = models.ForeignKey(
        Area,
        verbose_name=_("located in"),
        on_delete=models.PROTECT,
        related_name="stations",
    )
    address = models.CharField(_("address"), max_length=200)
    phone = models.CharField(
        _("office phone"), max_length=30, blank=True, validators=[phone_validator]
    )
    hotline = models.CharField(_("24-hour hotline"), max_length=30, validators=[phone_validator])
    email = models.EmailField(
        _("email"),
        blank=True,
        help_text=_("Public contact address; new tips are also announced to it."),
    )
    visiting_hours = models.CharField(
        _("visiting hours"),
        max_length=100,
        blank=True,
        help_text=_("When families and visitors can come to the office, e.g. 工作日 8:30–17:30."),
    )
    webhook_url = models.URLField(
        _("webhook URL"),
        blank=True,
        help_text=_("Optional. New tips are announced to this address, signed with the secret."),
    )
    webhook_secret = models.CharField(_("webhook signing secret"), max_length=128, blank=True)
    latitude = models.DecimalField(
        _("latitude (WGS-84)"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))],
    )
    longitude = models.DecimalField(
        _("longitude (WGS-84)"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))],
    )
    jurisdiction = models.ManyToManyField(
        Area,
        verbose_name=_("areas served"),
        blank=True,
        related_name="serving_stations",
        help_text=_("Tips from these areas (and the areas below them) go to this station."),
    )
    is_fallback = models.BooleanField(
        _("provincial duty desk"),
        default=False,
        help_text=_("Receives every tip that no other station serves. Only one station may be it."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = StationQuerySet.as_manager()

    search_fields = [
        index.SearchField("name"),
        index.SearchField("name_en"),
        index.SearchField("code"),
        index.SearchField("address"),
        index.SearchField("search_area"),
        index.AutocompleteField("name"),
        index.FilterField("is_active"),
    ]
    # Ranked like a page title by the site search (portal.search.backend).
    search_title_fields = ("name", "name_en")

    class Meta:
        ordering = ["code"]
        verbose_name = _("rescue station")
        verbose_name_plural = _("rescue stations")
        constraints = [
            models.UniqueConstraint(
                fields=["is_fallback"],
                condition=Q(is_fallback=True),
                name="stations_single_fallback",
                violation_error_message=_("Another station is already the provincial duty desk."),
            ),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (Q(latitude__isnull=False) & Q(longitude__isnull=False)),
                name="stations_coordinates_together",
                violation_error_message=_("Give both latitude and longitude, or neither."),
            ),
        ]
        permissions = [
            ("coordinate_stations", _("Can see and manage the work of every station")),
        ]

    def __str__(self) -> str:
        return self.display_name

    @classmethod
    def get_indexed_objects(cls):
        """Only active stations can be found by search; deactivating one removes it."""
        return super().get_indexed_objects().active()

    def search_area(self) -> str:
        """The area the station is in, with its city for a county: 南宁市 兴宁区."""
        return " ".join(a.name for a in reversed(self.area.ancestors_and_self()[:2]))

    @property
    def display_name(self) -> str:
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name

    @cached_property
    def areas_served(self) -> list[ServedAreaGroup]:
        """The jurisdiction grouped by city, in code order.

        Reads ``jurisdiction`` once; prefetch it with each area's parent (as
        ``StationDirectoryPage.stations()`` does) to keep listings at a fixed number of queries.
        """
        groups: dict[int, ServedAreaGroup] = {}
        for area in self.jurisdiction.all():
            if area.level == Area.Level.COUNTY and area.parent_id is not None:
                group = groups.setdefault(area.parent_id, ServedAreaGroup(area.parent))
                group.parts.append(area)
            else:
                group = groups.setdefault(area.pk, ServedAreaGroup(area))
                group.whole = True
        for group in groups.values():
            if group.whole:
                group.parts = []
            group.parts.sort(key=lambda part: part.code)
        return sorted(groups.values(), key=lambda group: group.area.code)

    def clean(self):
        super().clean()
        if self.webhook_url:
            try:
                outbound.check_url(self.webhook_url)
            except outbound.OutboundRefused:
                raise ValidationError(
                    {"webhook_url": _("Use an https:// address without a user name or password.")}
                ) from None
        if self.webhook_url and not self.webhook_secret:
            raise ValidationError({"webhook_secret": _("A webhook needs a signing secret.")})


class StationMembership(models.Model):
    """Which users work at which station, and in what role. A user sees the tips of the
    stations they belong to; coordinators (a permission) see all."""

    class Role(models.TextChoices):
        STAFF = "staff", _("duty staff")
        LEAD = "lead", _("station lead")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="station_memberships",
    )
    station = models.ForeignKey(
        Station,
        verbose_name=_("station"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.STAFF)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["station__code", "user__username"]
        verbose_name = _("station membership")
        verbose_name_plural = _("station memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "station"], name="stations_unique_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.station}"


class StationDirectoryPage(RoutablePageMixin, SectionIndexPage):
    """The public station directory at /stations/ and each station at /stations/<code>/.

    Editors write the introduction; the entries come from the Station records."""

    class Meta:
        verbose_name = _("station directory")

    def stations(self):
        """Active stations with everything the directory shows, in a fixed number of queries."""
        return (
            Station.objects.active()
            .select_related("area", "area__parent")
            .prefetch_related(
                Prefetch(
                    "jurisdiction",
                    queryset=Area.objects.select_related("parent").order_by("code"),
                )
            )
        )

    def get_sitemap_urls(self, request=None):
        """The directory and every active station's page, so search engines find the hotlines."""
        urls = super().get_sitemap_urls(request)
        base = urls[0]["location"] if urls else None
        if base:
            base = base.rstrip("/") + "/"
            urls += [
                {"location": base + self.reverse_subpage("station_detail", args=[code])}
                for code in Station.objects.active().order_by("code").values_list("code", flat=True)
            ]
        return urls

    @path("")
    def directory(self, request):
        cities = list(Area.objects.filter(level=Area.Level.CITY).order_by("code"))
        # Match the parameter against the loaded cities, so a bad value simply means "all".
        wanted = request.GET.get("city", "")
        selected_city = next((city for city in cities if city.code == wanted), None)
        stations = self.stations()
        if selected_city is not None:
            # The duty desk stays: it takes calls from anywhere in the region.
            stations = stations.filter(
                Q(is_fallback=True)
                | Q(area=selected_city)
                | Q(area__parent=selected_city)
                | Q(jurisdiction=selected_city)
                | Q(jurisdiction__parent=selected_city)
            ).distinct()
        stations = list(stations)
        return self.render(
            request,
            context_overrides={
                "stations": [station for station in stations if not station.is_fallback],
                "fallback_station": next((s for s in stations if s.is_fallback), None),
                "cities": cities,
                "selected_city": selected_city,
            },
        )

    @path("<str:code>/")
    def station_detail(self, request, code):
        if not re.fullmatch(STATION_CODE_PATTERN, code):
            raise Http404
        station = self.stations().filter(code=code).first()
        if station is None:
            raise Http404
        return self.render(
            request,
            context_overrides={"station": station},
            template="stations/station_detail.html",
        )
