"""The public explainer list at /policies/: filters, pagination, a fixed number of queries."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponseNotAllowed

from .models import Audience, PolicyExplainerPage, PolicyTopic

PER_PAGE = 10
SAFE_METHODS = ("GET", "HEAD")


def live_explainers(index_page):
    """Live explainers below this index, newest update first, with their topic and audiences
    (two queries however many there are)."""
    return (
        PolicyExplainerPage.objects.child_of(index_page)
        .live()
        .public()
        .newest_first()
        .select_related("topic")
        .prefetch_related(
            Prefetch("audiences", queryset=Audience.objects.order_by("sort_order", "pk"))
        )
    )


def filter_options(explainers):
    """Every topic and audience (the editors' lists, so a bookmarked filter stays valid), and
    the years of the listed explainers. Three queries."""
    topics = list(PolicyTopic.objects.order_by("sort_order", "pk"))
    audiences = list(Audience.objects.order_by("sort_order", "pk"))
    years = sorted(
        {year for year in explainers.order_by().values_list("policy_year", flat=True) if year},
        reverse=True,
    )
    return topics, audiences, years


def explainer_index(page, request):
    from .feeds import feed_url
    from .forms import ExplainerFilterForm

    if request.method not in SAFE_METHODS:
        return HttpResponseNotAllowed(list(SAFE_METHODS))
    explainers = live_explainers(page)
    topics, audiences, years = filter_options(explainers)
    form = ExplainerFilterForm(request.GET or None, topics=topics, audiences=audiences, years=years)
    if form.is_bound:
        explainers = form.filter(explainers)
    paginator = Paginator(explainers, PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter_form": form,
        "explainers": page_obj.object_list,
        "page_obj": page_obj,
        "paginator": paginator,
        "query_string": query.urlencode(),
        "is_filtered": form.is_bound and form.is_filtered,
        "feed_url": feed_url(page, request),
    }
    return page.render(
        request, template="policies/policy_index_page.html", context_overrides=context
    )
