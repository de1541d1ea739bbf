"""The site search page at /search/ (and /en/search/)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from wagtail.models import Locale

from notices.models import NoticeIndexPage
from portal.models import SiteSettings
from portal.search.text import MAX_QUERY_LENGTH
from stations.models import StationDirectoryPage

from .search import PER_PAGE, search_site


def _section_url(model, request, locale) -> str:
    page = model.objects.live().filter(locale=locale).first()
    return (page.get_url(request) or "") if page else ""


@require_safe
def search(request):
    outcome = search_site(
        request,
        request.GET.get("q", ""),
        type_key=request.GET.get("type", ""),
        page_number=request.GET.get("page", 1),
    )

    def page_link(number):
        params = {"q": outcome.query}
        if outcome.selected_type:
            params["type"] = outcome.selected_type.key
        if number > 1:
            params["page"] = number
        return "?" + urlencode(params)

    def type_link(result_type):
        params = {"q": outcome.query}
        if result_type is not None:
            params["type"] = result_type.key
        return "?" + urlencode(params)

    locale = Locale.get_active()
    site_settings = SiteSettings.for_request(request)
    context = {
        "outcome": outcome,
        "query": outcome.query,
        "max_length": MAX_QUERY_LENGTH,
        "first_number": (outcome.page_number - 1) * PER_PAGE + 1,
        "all_link": type_link(None),
        "type_links": [
            {"type": t, "count": count, "url": type_link(t), "current": t == outcome.selected_type}
            for t, count in outcome.type_counts
            if count or t == outcome.selected_type
        ],
        "previous_link": page_link(outcome.page_number - 1) if outcome.page_number > 1 else "",
        "next_link": (
            page_link(outcome.page_number + 1) if outcome.page_number < outcome.num_pages else ""
        ),
        "notices_url": _section_url(NoticeIndexPage, request, locale),
        "stations_url": _section_url(StationDirectoryPage, request, locale),
        "hotline": site_settings.hotline,
    }
    response = TemplateResponse(request, "home/search_results.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response
