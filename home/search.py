"""Site search at /search/: live public pages of the current language and active stations.

Every Wagtail page type is found through its own ``search_fields``; ``RESULT_TYPES`` only
gives each kind of result its label and filter. A page type not listed there (or whose app
does not define it yet) is a plain "page". The ranking (title matches first) is the search
backend's (portal.search.backend); pages and stations are merged by its scores.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wagtail.models import Locale, Page
from wagtail.search.backends import get_search_backend

from notices.models import FamilySearchNoticePage
from portal.search.snippets import document_text, highlight, snippet
from portal.search.text import clean_query
from stations.models import Station, StationDirectoryPage

PER_PAGE = 10
# Results beyond this many pages are not shown: narrow the search instead.
MAX_PAGES = 20


@dataclass(frozen=True)
class ResultType:
    key: str
    label: str
    # "app_label.ModelName" of a page type, or of stations.Station; None: any other page.
    model: str | None = None

    @cached_property
    def model_class(self):
        if self.model is None:
            return None
        try:
            return apps.get_model(self.model)
        except LookupError:
            return None  # that feature is not built (yet)


RESULT_TYPES = (
    ResultType("policy", _("Policy explainer"), "policies.PolicyExplainerPage"),
    ResultType("event", _("Open day"), "events.EventPage"),
    ResultType("notice", _("Family-search notice"), "notices.FamilySearchNoticePage"),
    ResultType("station", _("Rescue station"), "stations.Station"),
    ResultType("page", _("Page")),
)
STATION_TYPE = next(t for t in RESULT_TYPES if t.key == "station")
OTHER_PAGES = next(t for t in RESULT_TYPES if t.model is None)


def available_types() -> list[ResultType]:
    return [t for t in RESULT_TYPES if t.model is None or t.model_class is not None]


def page_types() -> list[ResultType]:
    return [t for t in available_types() if t is not STATION_TYPE and t is not OTHER_PAGES]


def type_of_model(model) -> ResultType:
    if issubclass(model, Station):
        return STATION_TYPE
    for result_type in page_types():
        if issubclass(model, result_type.model_class):
            return result_type
    return OTHER_PAGES


@dataclass
class Hit:
    type: ResultType
    obj: object
    url: str
    title: str
    score: float
    query: str

    @property
    def title_html(self):
        return highlight(self.title, self.query)

    @property
    def snippet_html(self):
        if isinstance(self.obj, Station):
            return highlight(self.obj.address, self.query)
        return snippet(document_text(self.obj), self.query)

    @property
    def key(self) -> str:
        """Stable identity for tests and the relevance set: a page's URL path (/notices/…/,
        /en/about/), a station's ``station:<code>``."""
        if isinstance(self.obj, Station):
            return f"station:{self.obj.code}"
        return urlsplit(self.url).path


@dataclass
class SearchOutcome:
    query: str = ""
    truncated: bool = False
    selected_type: ResultType | None = None
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    page_number: int = 1
    num_pages: int = 0

    @property
    def type_counts(self) -> list[tuple[ResultType, int]]:
        return [(t, self.counts.get(t.key, 0)) for t in available_types()]

    @property
    def shown_total(self) -> int:
        return min(self.total, MAX_PAGES * PER_PAGE)


def public_pages(locale):
    """Live pages anyone may see in ``locale``, without closed notices (which are not in the
    index at all: this is a second lock)."""
    # The notices public_notices() leaves out, among live pages: those not seeking a family.
    closed_notices = FamilySearchNoticePage.objects.exclude(
        status=FamilySearchNoticePage.Status.SEEKING
    ).values("pk")
    return (
        Page.objects.live()
        .public()
        .filter(locale=locale, depth__gt=1)
        .exclude(id__in=closed_notices)
        .only("id")
    )


def _content_types_of(model) -> list[int]:
    from modelsearch.utils import get_descendants_content_types_pks

    return get_descendants_content_types_pks(model)


def _restrict_pages(pages, result_type: ResultType | None):
    if result_type is None:
        return pages
    if result_type is OTHER_PAGES:
        excluded = [ct for t in page_types() for ct in _content_types_of(t.model_class)]
        return pages.exclude(content_type_id__in=excluded)
    return pages.filter(content_type_id__in=_content_types_of(result_type.model_class))


def _count_by_type(facets: dict) -> dict[str, int]:
    counts: dict[str, int] = {}
    for content_type_id, count in facets.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        key = type_of_model(model).key if model is not None else OTHER_PAGES.key
        counts[key] = counts.get(key, 0) + count
    return counts


def _station_base_url(request, locale) -> str | None:
    directory = StationDirectoryPage.objects.live().filter(locale=locale).first()
    if directory is None:
        return None
    url = directory.get_url(request)
    return url.rstrip("/") + "/" if url else None


def search_site(
    request, raw_query: str, type_key: str = "", page_number=1, per_page: int = PER_PAGE
) -> SearchOutcome:
    """The results of ``raw_query`` for /search/; the relevance tests use it too."""
    query, truncated = clean_query(raw_query)
    types = {t.key: t for t in available_types()}
    selected = types.get(type_key)
    outcome = SearchOutcome(query=query, truncated=truncated, selected_type=selected)
    if not query:
        return outcome

    backend = get_search_backend()
    locale = Locale.get_active()
    station_url = _station_base_url(request, locale)

    page_results = None
    if selected is not STATION_TYPE:
        pages = _restrict_pages(public_pages(locale), selected)
        page_results = backend.search(query, pages, operator="and").annotate_score("_score")
        outcome.counts.update(_count_by_type(page_results.facet("content_type_id")))
    station_results = None
    if station_url and selected in (None, STATION_TYPE):
        stations = Station.objects.active()
        station_results = backend.search(query, stations, operator="and")
        station_results = station_results.annotate_score("_score")
        outcome.counts[STATION_TYPE.key] = station_results.count()

    if selected is None:
        outcome.total = sum(outcome.counts.values())
    else:
        outcome.total = outcome.counts.get(selected.key, 0)
    outcome.num_pages = min(MAX_PAGES, math.ceil(outcome.total / per_page))
    if outcome.num_pages == 0:
        return outcome
    outcome.page_number = clamp_page(page_number, outcome.num_pages)
    stop = outcome.page_number * per_page
    start = stop - per_page

    # The best `stop` of each kind, merged by score (pages first on a tie, then the backend's
    # own order, so every results page slices the same ranking), then this page's slice; only
    # the pages shown are loaded as their specific type.
    ranked = []
    if page_results is not None and any(
        count for key, count in outcome.counts.items() if key != STATION_TYPE.key
    ):
        ranked += [
            (page._score, 0, position, page.pk, "page")
            for position, page in enumerate(page_results[:stop])
        ]
    stations = {}
    if station_results is not None and outcome.counts.get(STATION_TYPE.key):
        stations = {station.pk: station for station in station_results[:stop]}
        ranked += [
            (s._score, 1, position, s.pk, "station") for position, s in enumerate(stations.values())
        ]
    ranked.sort(key=lambda row: (-(row[0] or 0), row[1], row[2]))
    ranked = ranked[start:stop]

    page_ids = [pk for _score, _kind, _position, pk, kind in ranked if kind == "page"]
    pages = {p.pk: p for p in Page.objects.filter(pk__in=page_ids).specific()} if page_ids else {}
    for score, _order, _position, pk, kind in ranked:
        if kind == "page" and pk in pages:
            obj = pages[pk]
            url = obj.get_url(request)
            if url is None:
                continue
            hit = Hit(type_of_model(type(obj)), obj, url, obj.title, score, query)
        elif kind == "station" and pk in stations:
            obj = stations[pk]
            hit = Hit(
                STATION_TYPE, obj, f"{station_url}{obj.code}/", obj.display_name, score, query
            )
        else:
            continue
        outcome.hits.append(hit)
    return outcome


def clamp_page(value, num_pages: int) -> int:
    """A page number from the URL, within 1..num_pages (anything unreadable is page 1)."""
    try:
        number = int(str(value).strip()[:6])
    except (TypeError, ValueError):
        return 1
    return max(1, min(number, max(num_pages, 1)))
