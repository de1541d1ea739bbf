"""Where the help block on every explainer points: the station directory and the report form
of the explainer's own language, found among its home page's sections in one query (without
importing tip_reports, which policies must not depend on)."""

from __future__ import annotations

from django.apps import apps
from django.contrib.contenttypes.models import ContentType

from wagtail.models import Page

from stations.models import StationDirectoryPage


def _report_page_model():
    try:
        return apps.get_model("tip_reports", "ReportPage")
    except LookupError:
        return None


def help_pages(page, request=None) -> dict[str, str]:
    """{"stations": url, "report": url} of the live sections beside the explainer's index
    (each missing when that section does not exist)."""
    models = [model for model in (StationDirectoryPage, _report_page_model()) if model]
    content_types = ContentType.objects.get_for_models(*models)
    keys = {content_types[StationDirectoryPage].pk: "stations"}
    report_model = _report_page_model()
    if report_model is not None:
        keys[content_types[report_model].pk] = "report"
    steplen = Page.steplen
    home_path = page.path[: -2 * steplen]
    if not home_path:
        return {}
    sections = Page.objects.live().filter(
        path__startswith=home_path,
        depth=len(home_path) // steplen + 1,
        content_type_id__in=list(keys),
    )
    urls = {}
    for section in sections:
        urls.setdefault(keys[section.content_type_id], section.get_url(request))
    return urls
