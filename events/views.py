"""Public views of the open days: the index, a campaign page, a venue's registration form and
its confirmation, the cancellation link, and the calendar files (events/urls.py)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, Sum
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers

from wagtail.images import get_image_model
from wagtail.images.models import SourceImageIOError
from wagtail.models import Locale, Page, Site

from portal import ratelimit
from portal.models import SiteSettings
from stations.models import Area

from . import registration as seats
from .calendar import build_calendar
from .emails import public_base_url, venue_in_language
from .figures import rollup
from .forms import RegistrationForm
from .models import (
    LOCAL_TIME,
    EventImage,
    EventIndexPage,
    EventPage,
    Registration,
    Status,
    Venue,
    attach_facts,
)
from .structured_data import venue_event

SAFE_METHODS = ("GET", "HEAD")
PER_PAGE = 10
UPCOMING_LIMIT = 20
GALLERY_RENDITION = "fill-640x427"
RECEIPT_KEY = "events_receipt"
VENUE_RELATED = ("page", "station__area__parent__parent", "area__parent__parent")


def _private(response):
    add_never_cache_headers(response)
    patch_vary_headers(response, ["Cookie"])
    response["X-Robots-Tag"] = "noindex"
    return response


def _render(page, request, template, context, status=200, private=False):
    response = page.render(request, template=template, context_overrides=context)
    response.status_code = status
    return _private(response) if private else response


def today():
    return timezone.localdate(timezone=LOCAL_TIME)


# --- loading ---------------------------------------------------------------------------------


def page_venues(page: EventPage) -> list[Venue]:
    """The campaign's venues with station, area and facts, in editor order."""
    venues = list(page.venues.all().select_related(*VENUE_RELATED).order_by("sort_order", "pk"))
    for venue in venues:
        venue.page = page  # the served (possibly preview) instance
    return attach_facts(venues)


def seat_counts(venues) -> dict[int, dict]:
    ids = [venue.facts.pk for venue in venues if venue.facts.pk]
    if not ids:
        return {}
    rows = (
        Registration.objects.filter(venue_id__in=ids)
        .values("venue_id")
        .annotate(
            confirmed=Sum("party_size", filter=Q(status=Registration.Status.CONFIRMED)),
            waiting=Sum("party_size", filter=Q(status=Registration.Status.WAITLISTED)),
        )
    )
    return {row["venue_id"]: row for row in rows}


def gallery(page: EventPage) -> list[EventImage]:
    """Only images whose people consented; renditions prefetched."""
    images = get_image_model().objects.prefetch_renditions(GALLERY_RENDITION)
    return list(
        page.gallery.filter(consent=True)
        .prefetch_related(Prefetch("image", queryset=images))
        .order_by("sort_order", "pk")
    )


def absolute(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else public_base_url() + url


# --- the index -------------------------------------------------------------------------------


def city_filter(campaigns, city: Area):
    return campaigns.filter(
        Q(venues__area=city)
        | Q(venues__area__parent=city)
        | Q(venues__area__isnull=True, venues__station__area=city)
        | Q(venues__area__isnull=True, venues__station__area__parent=city)
    ).distinct()


def campaign_rollups(campaigns) -> dict[int, object]:
    """Roll-ups of several campaigns in a fixed number of queries."""
    ids = [campaign.pk for campaign in campaigns]
    if not ids:
        return {}
    venues = attach_facts(Venue.objects.filter(page_id__in=ids).select_related(*VENUE_RELATED))
    grouped: dict[int, list] = {pk: [] for pk in ids}
    for venue in venues:
        grouped[venue.page_id].append(venue)
    return {pk: rollup(items) for pk, items in grouped.items()}


def index_context(index: EventIndexPage, request) -> dict:
    cities = list(Area.objects.filter(level=Area.Level.CITY).order_by("code"))
    wanted = request.GET.get("city", "")
    selected_city = next((city for city in cities if city.code == wanted), None)
    campaigns = EventPage.objects.child_of(index).live().public()
    if selected_city is not None:
        campaigns = city_filter(campaigns, selected_city)
    day = today()
    is_upcoming = Q(end_date__gte=day) | Q(end_date__isnull=True, start_date__gte=day)
    upcoming = list(campaigns.filter(is_upcoming).order_by("start_date", "pk")[:UPCOMING_LIMIT])
    past = campaigns.exclude(is_upcoming).order_by("-start_date", "-pk")
    paginator = Paginator(past, PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    past_list = list(page_obj.object_list)
    rollups = campaign_rollups(past_list)
    for campaign in past_list:
        campaign.rollup = rollups.get(campaign.pk)
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "cities": cities,
        "selected_city": selected_city,
        "upcoming": upcoming,
        "past": past_list,
        "page_obj": page_obj,
        "paginator": paginator,
        "query_string": query.urlencode(),
    }


# --- a campaign ------------------------------------------------------------------------------


def register_path(page, venue, request=None) -> str:
    return page.get_url(request) + page.reverse_subpage("register", args=[venue.pk])


def group_by_city(venues):
    """[(city or None, [venues])] in code order of the city; venues keep their order."""
    groups: dict = {}
    for venue in venues:
        area = venue.facts.place_area
        city = area.parent if area is not None and area.level == Area.Level.COUNTY else area
        key = city.code if city is not None else ""
        groups.setdefault(key, (city, []))[1].append(venue)
    return [groups[key] for key in sorted(groups)]


def campaign_context(page: EventPage, request) -> dict:
    venues = page_venues(page)
    counts = seat_counts(venues)
    now = timezone.now()
    page_url = absolute(page.get_url(request) or "/")
    site_settings = SiteSettings.for_request(request)
    organiser = {
        "@type": "Organization",
        "name": site_settings.localised_organisation_name,
        "url": absolute("/"),
    }
    images = gallery(page)
    image_urls = []
    for item in images:
        try:
            image_urls.append(absolute(item.image.get_rendition(GALLERY_RENDITION).url))
        except SourceImageIOError:
            continue  # a missing file costs the image, not the page
    structured = []
    for venue in venues:
        facts = venue.facts
        row = counts.get(facts.pk, {})
        venue.confirmed_seats = row.get("confirmed") or 0
        venue.waiting_seats = row.get("waiting") or 0
        venue.places_left = max(0, facts.capacity - venue.confirmed_seats)
        venue.state = venue.registration_state(now)
        venue.register_url = (
            register_path(page, venue, request)
            if venue.pk and venue.state in ("open", "not_yet")
            else None
        )
        structured.append(
            venue_event(
                venue,
                page_url=page_url,
                register_url=absolute(venue.register_url) if venue.register_url else None,
                organiser=organiser,
                images=image_urls,
                places_left=venue.places_left if facts.registration_enabled else None,
            )
        )
    figures = rollup(venues)
    return {
        "venues": venues,
        "venue_groups": group_by_city(venues),
        "gallery": images,
        "figures": figures,
        "structured_data": structured,
        "campaign_status": page.canonical_status,
        "campaign_status_label": Status(page.canonical_status).label,
        "status_note": page.canonical_status_note,
        "changed_venues": [v for v in venues if v.facts.status != Status.SCHEDULED],
        "is_past": page.is_past,
        "calendar_url": page.get_url(request) + "event.ics" if page.get_url(request) else "",
    }


def event_page(page: EventPage, request):
    if request.method not in SAFE_METHODS:
        return HttpResponseNotAllowed(list(SAFE_METHODS))
    context = campaign_context(page, request)
    response = _render(page, request, "events/event_page.html", context)
    if any(venue.state in ("open", "not_yet") for venue in context["venues"]):
        # "Places left" change with every registration: this page is not served from the
        # anonymous page cache (portal/page_cache.py), and shared caches must revalidate.
        patch_cache_control(response, no_cache=True)
    return response


# --- registration ----------------------------------------------------------------------------


def _venue_or_404(page: EventPage, venue_id: int) -> Venue:
    venue = next((v for v in page_venues(page) if v.pk == venue_id), None)
    if venue is None:
        raise Http404
    return venue


def _closed_status(state: str) -> int:
    return 409 if state == "not_yet" else 410


def register(page: EventPage, request, venue_id: int):
    if request.method not in (*SAFE_METHODS, "POST"):
        return HttpResponseNotAllowed([*SAFE_METHODS, "POST"])
    venue = _venue_or_404(page, venue_id)
    template = "events/venue_registration.html"
    counts = seat_counts([venue]).get(venue.facts.pk, {})
    venue.places_left = max(0, venue.facts.capacity - (counts.get("confirmed") or 0))
    state = venue.registration_state()
    context = {"venue": venue, "state": state}
    if state != "open":
        status = 200 if request.method in SAFE_METHODS else _closed_status(state)
        return _render(page, request, template, context, status=status, private=True)
    if request.method != "POST":
        context["form"] = RegistrationForm()
        return _render(page, request, template, context, private=True)

    if not ratelimit.hit(
        request, "event_registration", *settings.RATE_LIMITS["event_registration"]
    ):
        initial = {
            key: value
            for key, value in request.POST.dict().items()
            if key in {"name", "phone", "email", "party_size"}
        }
        context.update(form=RegistrationForm(initial=initial), rate_limited=True)
        return _render(page, request, template, context, status=429, private=True)

    form = RegistrationForm(request.POST)
    if not form.is_valid():
        context["form"] = form
        return _render(page, request, template, context, status=400, private=True)
    data = form.cleaned_data
    try:
        receipt = seats.register(
            venue,
            name=data["name"],
            phone=data["phone"],
            email=data["email"],
            party_size=data["party_size"],
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
    except seats.RegistrationClosed as exc:
        context["state"] = exc.state
        return _render(
            page, request, template, context, status=_closed_status(exc.state), private=True
        )
    except seats.AlreadyRegistered:
        context.update(form=form, already_registered=True)
        return _render(page, request, template, context, status=409, private=True)
    request.session[RECEIPT_KEY] = {
        "registration": receipt.registration.pk,
        "token": receipt.token,
        "venue": venue.pk,
    }
    return redirect(
        page.get_url(request) + page.reverse_subpage("registered", args=[venue.pk]), permanent=False
    )


def registered(page: EventPage, request, venue_id: int):
    """The confirmation page, shown once: the cancellation link is on it."""
    if request.method not in SAFE_METHODS:
        return HttpResponseNotAllowed(list(SAFE_METHODS))
    venue = _venue_or_404(page, venue_id)
    receipt = request.session.get(RECEIPT_KEY)
    if not receipt or receipt.get("venue") != venue.pk:
        return redirect(page.get_url(request))
    if request.method == "GET":
        request.session.pop(RECEIPT_KEY, None)
    registration = Registration.objects.filter(pk=receipt["registration"]).first()
    if registration is None:
        return redirect(page.get_url(request))
    context = {
        "venue": venue,
        "registration": registration,
        "cancel_path": reverse("events:registration", args=[registration.pk, receipt["token"]]),
        "venue_calendar_url": f"{page.get_url(request)}event.ics?venue={venue.pk}",
    }
    return _render(page, request, "events/registration_done.html", context, private=True)


# --- the cancellation link -------------------------------------------------------------------


def registration_link(request, pk: int, token: str):
    """GET: what the link is for and a button; POST: cancel (once). Never cancels on GET:
    mail scanners follow links."""
    if request.method not in (*SAFE_METHODS, "POST"):
        return HttpResponseNotAllowed([*SAFE_METHODS, "POST"])
    template = "events/registration_cancel.html"
    registration = (
        Registration.objects.select_related("venue__page").filter(pk=pk).first()
        if len(token) <= 64
        else None
    )
    if registration is None or not seats.check_token(registration, token):
        return _private(render(request, template, {"invalid": True}, status=404))
    venue = venue_in_language(registration.venue, translation.get_language())
    context = {"registration": registration, "venue": venue, "page": None}
    if registration.status == Registration.Status.CANCELLED:
        return _private(render(request, template, {**context, "already": True}, status=410))
    if registration.purged_at or timezone.now() >= venue.facts.starts_at:
        return _private(render(request, template, {**context, "over": True}, status=410))
    if request.method == "POST":
        if not seats.cancel(registration.pk):
            return _private(render(request, template, {**context, "already": True}, status=410))
        return _private(render(request, template, {**context, "done": True}))
    return _private(render(request, template, context))


# --- calendars -------------------------------------------------------------------------------


def current_index(request) -> EventIndexPage:
    site = Site.find_for_request(request)
    if site is None:
        raise Http404
    home = (
        Page.objects.filter(
            translation_key=site.root_page.translation_key, locale=Locale.get_active()
        ).first()
        or site.root_page
    )
    index = EventIndexPage.objects.child_of(home).live().public().first()
    if index is None:
        raise Http404
    return index


def _calendar_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "public, max-age=300"
    return response


def event_ics(request, slug: str):
    if request.method not in SAFE_METHODS:
        return HttpResponseNotAllowed(list(SAFE_METHODS))
    index = current_index(request)
    page = EventPage.objects.child_of(index).live().public().filter(slug=slug).first()
    if page is None:
        raise Http404
    venues = page_venues(page)
    wanted = request.GET.get("venue", "")
    if wanted:
        venues = [venue for venue in venues if str(venue.pk) == wanted]
        if not venues:
            raise Http404
    url = absolute(page.get_url(request))
    items = [(venue, f"{url}#venue-{venue.pk}") for venue in venues]
    return _calendar_response(build_calendar(items, page.title), f"{page.slug}.ics")


FEED_DAYS_BACK = 365


def feed_ics(request):
    """Every live, public campaign of this language from the last year on: a subscription."""
    if request.method not in SAFE_METHODS:
        return HttpResponseNotAllowed(list(SAFE_METHODS))
    index = current_index(request)
    since = today() - timedelta(days=FEED_DAYS_BACK)
    pages = {
        page.pk: page
        for page in EventPage.objects.child_of(index)
        .live()
        .public()
        .filter(Q(end_date__gte=since) | Q(end_date__isnull=True, start_date__gte=since))
    }
    venues = attach_facts(
        Venue.objects.filter(page_id__in=list(pages))
        .select_related(*VENUE_RELATED)
        .order_by("page__start_date", "page_id", "sort_order", "pk")
    )
    items = []
    for venue in venues:
        venue.page = pages[venue.page_id]
        url = absolute(venue.page.get_url(request))
        items.append((venue, f"{url}#venue-{venue.pk}"))
    return _calendar_response(build_calendar(items, index.title), "open-days.ics")
