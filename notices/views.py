"""Public views of the notices: the filtered list, a notice's page and its lead form."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponseNotAllowed
from django.utils.cache import add_never_cache_headers, patch_vary_headers

from wagtail.images import get_image_model

from portal import ratelimit
from tip_reports.intake import submit_tip

from .forms import LeadForm, NoticeFilterForm
from .models import FamilySearchNoticePage, NoticePhoto

PER_PAGE = 20
THUMBNAIL = "fill-240x300"
# The photos on a notice's own page (notices/family_search_notice_page.html).
DETAIL_PHOTO = "max-480x600"
SAFE_METHODS = ("GET", "HEAD")


def active_notices(index_page):
    """Live, seeking notices under this index, with everything a card shows in a fixed
    number of queries."""
    images = get_image_model().objects.prefetch_renditions(THUMBNAIL)
    photos = NoticePhoto.objects.prefetch_related(Prefetch("image", queryset=images)).order_by(
        "sort_order", "pk"
    )
    return (
        FamilySearchNoticePage.objects.child_of(index_page)
        .live()
        .filter(status=FamilySearchNoticePage.Status.SEEKING)
        .select_related("station", "found_area", "found_area__parent")
        .prefetch_related(Prefetch("photos", queryset=photos))
        .order_by("-found_date", "-pk")
    )


def page_photos(page) -> list[NoticePhoto]:
    """A notice's photos with their images and the detail rendition, in two queries."""
    images = get_image_model().objects.prefetch_renditions(DETAIL_PHOTO)
    return list(
        page.photos.prefetch_related(Prefetch("image", queryset=images)).order_by(
            "sort_order", "pk"
        )
    )


def _render(page, request, template, context, status=200, private=False):
    response = page.render(request, template=template, context_overrides=context)
    response.status_code = status
    if private:
        add_never_cache_headers(response)
        patch_vary_headers(response, ["Cookie"])
    return response


def notice_index(page, request):
    if request.method not in SAFE_METHODS:
        return HttpResponseNotAllowed(list(SAFE_METHODS))
    form = NoticeFilterForm(request.GET or None)
    notices = active_notices(page)
    if form.is_bound:
        notices = form.filter(notices)
    paginator = Paginator(notices, PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter_form": form,
        "notices": page_obj.object_list,
        "page_obj": page_obj,
        "paginator": paginator,
        "query_string": query.urlencode(),
        "is_filtered": form.is_bound and form.is_filtered,
    }
    return _render(page, request, "notices/notice_index_page.html", context)


def notice_detail(page, request):
    """The notice itself: the same page for every visitor, so the page cache can serve it when
    a notice is shared widely. The lead form is one tap away on its own page (``lead/``)."""
    if request.method == "POST":
        # A form opened before the form moved to ``lead/``: take the lead all the same.
        return notice_lead(page, request)
    if request.method not in SAFE_METHODS:
        return HttpResponseNotAllowed([*SAFE_METHODS, "POST"])
    template = "notices/family_search_notice_page.html"
    if not page.is_active:
        return _render(page, request, template, {"closed": True})
    return _render(page, request, template, {"photos": page_photos(page), "lead_form": None})


def notice_lead(page, request):
    """The "I may know this person" form, filed through tip_reports to the holding station.
    Never cached: each visitor gets a CSRF token of their own, and a receipt is shown once."""
    if request.method not in (*SAFE_METHODS, "POST"):
        return HttpResponseNotAllowed([*SAFE_METHODS, "POST"])
    template = "notices/family_search_notice_page.html"
    if not page.is_active:
        if request.method == "POST":
            return _render(page, request, template, {"closed": True}, status=410)
        return _render(page, request, template, {"closed": True})

    photos = page_photos(page)
    if request.method != "POST":
        context = {"lead_form": LeadForm(), "photos": photos}
        return _render(page, request, template, context, private=True)

    if not ratelimit.hit(request, "notice_lead", *settings.RATE_LIMITS["notice_lead"]):
        initial = {
            key: value
            for key, value in request.POST.dict().items()
            if key in {"relationship", "description", "reporter_name", "reporter_phone"}
        }
        context = {"lead_form": LeadForm(initial=initial), "rate_limited": True, "photos": photos}
        return _render(page, request, template, context, status=429, private=True)

    form = LeadForm(request.POST)
    if not form.is_valid():
        context = {"lead_form": form, "photos": photos}
        return _render(page, request, template, context, status=400, private=True)

    receipt = submit_tip(form.to_submission(page))
    context = {
        "lead_form": None,
        "photos": photos,
        "receipt": {"reference": receipt.reference, "secret_code": receipt.secret_code},
    }
    return _render(page, request, template, context, private=True)
