"""The live anonymous figures on /statistics/: tips per month by category, the median time to
acknowledge a tip, notices closed as reunited and open-day visitors.

Everything is counted in the database, in a fixed number of queries whatever the number of
tips, notices or venues (tests/home/test_statistics.py holds the budget). No personal data is
read: only categories, times, statuses and totals.

Small counts are masked here, before anything reaches a template or a chart: a count below
``SMALL_COUNT`` becomes a ``Count`` whose ``value`` is None and which prints as "<5". The
exact small number is never stored in the cache, so no later code can leak it. The median wait
is shown only when at least ``SMALL_COUNT`` tips were acknowledged.

The figures are cached for ``CACHE_SECONDS`` per language (see docs/decisions.md, issue 11):
tips do not start a new page-cache generation, so the page may be that much behind.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count as DbCount
from django.db.models import DurationField, ExpressionWrapper, F, Min, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wagtail.coreutils import get_supported_content_language_variant

logger = logging.getLogger(__name__)

SMALL_COUNT = 5
MONTHS = 12
CAMPAIGNS = 6
CACHE_SECONDS = 300
CACHE_KEY = "home.statistics:v1:{language}"
LOCAL_TIME = ZoneInfo(settings.TIME_ZONE)  # months are counted in Beijing time
MASK = "<5"


@dataclass(frozen=True)
class Count:
    """A count as the public sees it: ``value`` is None when the true count was below
    SMALL_COUNT (then it prints as "<5" and is plotted as no bar)."""

    value: int | None

    @classmethod
    def of(cls, number: int | None) -> Count:
        number = int(number or 0)
        return cls(number if number >= SMALL_COUNT else None)

    @property
    def masked(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        if self.value is None:
            return MASK
        return formats.number_format(self.value, force_grouping=True)


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @property
    def key(self) -> tuple[int, int]:
        return (self.year, self.month)

    @property
    def label(self) -> str:
        return _("%(year)d-%(month)02d") % {"year": self.year, "month": self.month}

    @property
    def long_label(self) -> str:
        return formats.date_format(datetime.date(self.year, self.month, 1), "YEAR_MONTH_FORMAT")


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    counts: tuple[Count, ...]


@dataclass(frozen=True)
class Campaign:
    title: str
    start_date: datetime.date | None
    visitors: Count

    @property
    def date_label(self) -> str:
        return self.start_date.isoformat() if self.start_date else "—"


@dataclass
class LiveFigures:
    months: list[Month] = field(default_factory=list)
    tips_by_category: list[Series] = field(default_factory=list)
    acknowledged: Count = Count(None)
    median_acknowledge: datetime.timedelta | None = None
    reunited: Count = Count(None)
    campaigns: list[Campaign] = field(default_factory=list)

    @property
    def median_acknowledge_display(self) -> str:
        return format_duration(self.median_acknowledge)

    @property
    def tip_rows(self) -> list[dict]:
        """The tips table: one row per month, one count per category."""
        return [
            {"month": month, "counts": [series.counts[i] for series in self.tips_by_category]}
            for i, month in enumerate(self.months)
        ]

    @property
    def has_tip_chart(self) -> bool:
        return any(not c.masked for series in self.tips_by_category for c in series.counts)

    @property
    def has_visitor_chart(self) -> bool:
        return any(not campaign.visitors.masked for campaign in self.campaigns)


def format_duration(duration: datetime.timedelta | None) -> str:
    if duration is None:
        return ""
    minutes = max(0, round(duration.total_seconds() / 60))
    if minutes < 90:
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    hours = minutes / 60
    shown = formats.number_format(round(hours, 1), decimal_pos=1)
    return _("%(hours)s hours") % {"hours": shown}


def last_months(today: datetime.date, count: int = MONTHS) -> list[Month]:
    """The ``count`` calendar months up to and including today's, oldest first."""
    months = []
    year, month = today.year, today.month
    for _i in range(count):
        months.append(Month(year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


def _month_start(month: Month) -> datetime.datetime:
    return datetime.datetime(month.year, month.month, 1, tzinfo=LOCAL_TIME)


def _month_key(value) -> tuple[int, int]:
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = value.astimezone(LOCAL_TIME)
    return (value.year, value.month)


def default_language() -> str:
    return get_supported_content_language_variant(settings.LANGUAGE_CODE)


def counted_tips(since: datetime.datetime):
    """Tips received since ``since``, less spam and duplicates (they are not sightings)."""
    from tip_reports.models import TipReport

    reasons = [TipReport.CloseReason.SPAM, TipReport.CloseReason.DUPLICATE]
    return TipReport.objects.filter(created_at__gte=since).exclude(close_reason__in=reasons)


def tips_by_category(months: list[Month]) -> list[Series]:
    """One query: the number of tips per local calendar month and category."""
    from tip_reports.models import TipReport

    rows = (
        counted_tips(_month_start(months[0]))
        .annotate(month=TruncMonth("created_at", tzinfo=LOCAL_TIME))
        .values("month", "category")
        .annotate(n=DbCount("pk"))
        .order_by()
    )
    counts: dict[tuple, int] = {}
    for row in rows:
        key = (row["category"], _month_key(row["month"]))
        counts[key] = counts.get(key, 0) + row["n"]
    return [
        Series(
            key=category.value,
            label=str(category.label),
            counts=tuple(Count.of(counts.get((category.value, m.key))) for m in months),
        )
        for category in TipReport.Category
    ]


def acknowledge_waits(since: datetime.datetime):
    """Each tip received since ``since`` that a station acknowledged, with ``wait``: from its
    first "received" timeline entry to its first change from received to acknowledged (a
    transferred tip counts from its first receipt; a reopened one from its first answer)."""
    from tip_reports.models import TipEvent, TipReport

    received = Min("events__created_at", filter=Q(events__kind=TipEvent.Kind.RECEIVED))
    acknowledged = Min(
        "events__created_at",
        filter=Q(
            events__kind=TipEvent.Kind.STATUS,
            events__from_status=TipReport.Status.RECEIVED,
            events__to_status=TipReport.Status.ACKNOWLEDGED,
        ),
    )
    return (
        counted_tips(since)
        .annotate(received_at=received, acknowledged_at_first=acknowledged)
        .filter(received_at__isnull=False, acknowledged_at_first__isnull=False)
        .annotate(
            wait=ExpressionWrapper(
                F("acknowledged_at_first") - F("received_at"), output_field=DurationField()
            )
        )
    )


def median_acknowledge(since: datetime.datetime) -> tuple[int, datetime.timedelta | None]:
    """(how many tips were acknowledged, the median wait): two queries, the median read from
    the database's own ordering (the middle one or two rows)."""
    waits = acknowledge_waits(since)
    total = waits.count()
    if total == 0:
        return 0, None
    middle = list(
        waits.order_by("wait", "pk").values_list("wait", flat=True)[
            (total - 1) // 2 : total // 2 + 1
        ]
    )
    middle = [
        m if isinstance(m, datetime.timedelta) else datetime.timedelta(microseconds=m)
        for m in middle
    ]
    return total, sum(middle, datetime.timedelta()) / len(middle)


def reunited_since(since: datetime.datetime) -> int:
    """Notices (counted once, in the default language) closed as reunited since ``since``
    and still reunited."""
    from notices.models import FamilySearchNoticePage, NoticeStatusChange

    reunited = FamilySearchNoticePage.Status.REUNITED
    return (
        NoticeStatusChange.objects.filter(
            to_status=reunited,
            changed_at__gte=since,
            page__status=reunited,
            page__live=True,
            page__locale__language_code=default_language(),
        )
        .values("page")
        .distinct()
        .count()
    )


def campaign_visitors(language: str, limit: int = CAMPAIGNS) -> list[Campaign]:
    """Visitors of the latest campaigns that have post-event figures: the sum over their
    venues (the Chinese rows hold the figures, see events.models). One query, and one more
    for the titles in another language."""
    from events.models import EventPage, Venue

    default = default_language()
    rows = list(
        Venue.objects.filter(
            page__live=True, page__locale__language_code=default, visitors__isnull=False
        )
        .values("page__translation_key", "page__title", "page__start_date")
        .annotate(total=Sum("visitors"))
        .order_by("-page__start_date", "page__translation_key")[:limit]
    )
    titles = {}
    if rows and language != default:
        titles = dict(
            EventPage.objects.live()
            .filter(
                locale__language_code=language,
                translation_key__in=[row["page__translation_key"] for row in rows],
            )
            .values_list("translation_key", "title")
        )
    return [
        Campaign(
            title=titles.get(row["page__translation_key"], row["page__title"]),
            start_date=row["page__start_date"],
            visitors=Count.of(row["total"]),
        )
        for row in reversed(rows)
    ]


def compute(today: datetime.date | None = None) -> LiveFigures:
    language = get_supported_content_language_variant(translation.get_language())
    today = today or timezone.localdate(timezone=LOCAL_TIME)
    months = last_months(today)
    since = _month_start(months[0])
    acknowledged, median = median_acknowledge(since)
    figures = LiveFigures(
        months=months,
        tips_by_category=tips_by_category(months),
        acknowledged=Count.of(acknowledged),
        median_acknowledge=median if acknowledged >= SMALL_COUNT else None,
        reunited=Count.of(reunited_since(since)),
        campaigns=campaign_visitors(language),
    )
    return figures


def live_figures() -> LiveFigures:
    """The figures for the active language, from the cache when they are fresh. A cache that
    is down only costs the queries."""
    language = get_supported_content_language_variant(translation.get_language())
    key = CACHE_KEY.format(language=language)
    try:
        cached = cache.get(key)
    except Exception:
        cached = None
    if isinstance(cached, LiveFigures):
        return cached
    figures = compute()
    try:
        cache.set(key, figures, CACHE_SECONDS)
    except Exception:
        logger.warning("Could not cache the statistics", exc_info=True)
    return figures
