"""The views behind ReportPage's routes: the tip form, the one-time receipt and the status
lookup. The page's @path methods call these; intake.submit_tip does the saving."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal import ratelimit
from portal.security import allow_geolocation
from stations.models import Station

from .forms import HONEYPOT_FIELD, StatusForm, TipForm
from .intake import find_tip, submit_tip
from .models import TipReport

RECEIPT_SESSION_KEY = "tip_reports.receipt"
REPORT_FORM_TEMPLATE = "tip_reports/report_page.html"
SAFE_METHODS = ("GET", "HEAD")

STAGE_RECEIVED = "received"
STAGE_HANDLING = "handling"
STAGE_CLOSED = "closed"
STAGES = {
    TipReport.Status.RECEIVED: STAGE_RECEIVED,
    TipReport.Status.ACKNOWLEDGED: STAGE_HANDLING,
    TipReport.Status.DISPATCHED: STAGE_HANDLING,
    TipReport.Status.RESOLVED: STAGE_CLOSED,
    TipReport.Status.CLOSED: STAGE_CLOSED,
}
STAGE_LABELS = {
    STAGE_RECEIVED: pgettext_lazy("report stage", "Received"),
    STAGE_HANDLING: pgettext_lazy("report stage", "Being handled"),
    STAGE_CLOSED: pgettext_lazy("report stage", "Closed"),
}
STAGE_MESSAGES = {
    STAGE_RECEIVED: _("The rescue station has received your report and will look at it soon."),
    STAGE_HANDLING: _("The rescue station is working on your report."),
    STAGE_CLOSED: _(
        "The rescue station has finished handling your report. Thank you for caring about "
        "people in need."
    ),
}


def rate_limit(scope: str) -> tuple[int, int]:
    return settings.RATE_LIMITS[scope]


def _render(page, request, template, context, status=200):
    response = page.render(request, template=template, context_overrides=context)
    response.status_code = status
    if template == REPORT_FORM_TEMPLATE:
        # "Use my location" on the tip form; every other page keeps geolocation off.
        allow_geolocation(response)
    # Forms with a CSRF token, receipts and lookups are for this visitor only.
    add_never_cache_headers(response)
    patch_vary_headers(response, ["Cookie"])
    return response


def _subpage_url(page, request, name: str) -> str:
    return page.get_url(request=request) + page.reverse_subpage(name)


def report_form(page, request):
    """GET: the empty form. POST: validate, file the tip, keep the receipt for the thanks page."""
    if request.method not in (*SAFE_METHODS, "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    template = REPORT_FORM_TEMPLATE
    if request.method != "POST":
        return _render(page, request, template, {"form": TipForm(request=request)})

    if not ratelimit.hit(request, "tip_submit", *rate_limit("tip_submit")):
        # Keep what they typed (not the photo or the honeypot) without validating it again.
        initial = {
            key: value
            for key, value in request.POST.dict().items()
            if key not in {"csrfmiddlewaretoken", HONEYPOT_FIELD, "g-recaptcha-response"}
        }
        form = TipForm(initial=initial, request=request)
        return _render(page, request, template, {"form": form, "rate_limited": True}, 429)

    form = TipForm(request.POST, request.FILES, request=request)
    if not form.is_valid():
        context = {"form": form, "photo_lost": bool(request.FILES.get("photo"))}
        return _render(page, request, template, context, 400)

    receipt = submit_tip(form.to_submission())
    request.session[RECEIPT_SESSION_KEY] = {
        "reference": receipt.reference,
        "secret_code": receipt.secret_code,
        "station_id": receipt.station.pk if receipt.station else None,
        "urgent": receipt.tip.is_urgent,
    }
    return HttpResponseRedirect(_subpage_url(page, request, "report_thanks"))


def report_thanks(page, request):
    """The receipt, shown once: taken out of the session, so a reload goes back to the form."""
    # A HEAD request (a link checker, a prefetch) must not use up the one showing.
    take = request.session.get if request.method == "HEAD" else request.session.pop
    receipt = take(RECEIPT_SESSION_KEY, None)
    if not receipt:
        return HttpResponseRedirect(page.get_url(request=request))
    station = None
    if receipt.get("station_id"):
        station = Station.objects.filter(pk=receipt["station_id"]).first()
    context = {
        "receipt": receipt,
        "station": station,
        "status_url": _subpage_url(page, request, "report_status"),
    }
    return _render(page, request, "tip_reports/report_thanks.html", context)


def report_status(page, request):
    """Reference and secret code → a coarse stage. A wrong code and an unknown reference get
    the same answer, with the same status code."""
    if request.method not in (*SAFE_METHODS, "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    template = "tip_reports/report_status.html"
    if request.method != "POST":
        return _render(page, request, template, {"form": StatusForm()})

    if not ratelimit.hit(request, "tip_status", *rate_limit("tip_status")):
        form = StatusForm(initial={"reference": request.POST.get("reference", "")})
        return _render(page, request, template, {"form": form, "rate_limited": True}, 429)

    form = StatusForm(request.POST)
    if not form.is_valid():
        return _render(page, request, template, {"form": form}, 400)

    tip = find_tip(form.cleaned_data["reference"], form.cleaned_data["secret_code"])
    context = {"form": StatusForm(), "looked_up": True, "result": None}
    if tip is not None:
        stage = STAGES.get(tip.status, STAGE_RECEIVED)
        context["result"] = {
            "stage": stage,
            "reference": tip.reference,
            "label": STAGE_LABELS[stage],
            "message": tip.public_message or STAGE_MESSAGES[stage],
        }
    return _render(page, request, template, context)
