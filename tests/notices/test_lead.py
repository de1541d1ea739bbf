"""“I may know this person”: a lead files a tip straight to the holding station's queue."""

from __future__ import annotations

from django.test import Client

import pytest

from notices.models import FamilySearchNoticePage
from stations.models import Area, Station
from tip_reports.models import TipEvent, TipReport

from .factories import make_notice

VALID = {
    "relationship": "可能是我舅舅",
    "description": "他很像我二十年前走失的舅舅，左手也有疤。",
    "reporter_name": "王小明",
    "reporter_phone": "138 0000 0000",
    "consent_forwarding": "on",
    "website": "",
}


@pytest.fixture
def notice(notice_index):
    # Held by the Liuzhou station, found in Nanning: ordinary routing would go to Nanning.
    return make_notice(
        notice_index,
        station=Station.objects.get(code="450200"),
        found_area=Area.objects.get(code="450102"),
    )


def lead_url(page):
    return page.url + "lead/"


def post(client, page, **overrides):
    data = {**VALID, **overrides}
    return client.post(lead_url(page), {k: v for k, v in data.items() if v is not None})


def csrf_post(page, url=None, **overrides):
    client = Client(enforce_csrf_checks=True)
    form_page = client.get(lead_url(page))
    assert 'name="csrfmiddlewaretoken"' in form_page.content.decode()
    assert "no-store" in form_page["Cache-Control"]
    token = client.cookies["csrftoken"].value
    data = {**VALID, **overrides, "csrfmiddlewaretoken": token}
    return client.post(url or lead_url(page), data)


def test_the_notice_links_to_its_lead_form_and_carries_no_form_of_its_own(client, notice):
    """The notice is the page people share: the same for everyone, so it can be cached."""
    response = client.get(notice.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="description"' not in html and "csrfmiddlewaretoken" not in html
    assert f'href="{lead_url(notice)}#lead"' in html
    assert "csrftoken" not in response.cookies
    assert "no-store" not in response.get("Cache-Control", "")
    form = client.get(lead_url(notice)).content.decode()
    assert f'action="{lead_url(notice)}#lead"' in form and 'name="description"' in form
    assert '<meta name="robots" content="noindex">' in form


def test_a_form_opened_before_the_move_still_files_its_lead(notice):
    """A page loaded before the form moved to lead/ posts to the notice itself."""
    response = csrf_post(notice, url=notice.url)
    assert response.status_code == 200
    assert TipReport.objects.get().related_notice_id == notice.pk


def test_lead_goes_to_the_holding_station(notice):
    response = csrf_post(notice)
    assert response.status_code == 200
    tip = TipReport.objects.get()
    assert tip.station.code == "450200"
    assert tip.related_notice_id == notice.pk
    assert tip.category == TipReport.Category.OTHER
    assert tip.reporter_name == "王小明"
    assert tip.reporter_phone == "138 0000 0000"
    assert tip.consent_forwarding
    assert tip.description == VALID["description"]
    assert tip.reporter_relationship == "可能是我舅舅"
    notes = " ".join(TipEvent.objects.filter(tip=tip).values_list("note", flat=True))
    assert notice.notice_number in notes
    assert "可能是我舅舅" not in notes  # the timeline's "received" note outlives the purge
    html = response.content.decode()
    assert tip.reference in html
    assert "no-store" in response["Cache-Control"]


def test_csrf_is_enforced(notice):
    client = Client(enforce_csrf_checks=True)
    response = client.post(lead_url(notice), VALID)
    assert response.status_code == 403
    assert not TipReport.objects.exists()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"description": ""}, "description"),
        ({"description": "   "}, "description"),
        ({"description": "x" * 1001}, "description"),
        ({"reporter_name": ""}, "reporter_name"),
        ({"reporter_name": "x" * 51}, "reporter_name"),
        ({"reporter_phone": ""}, "reporter_phone"),
        ({"reporter_phone": "call me"}, "reporter_phone"),
        ({"reporter_phone": "123"}, "reporter_phone"),
        ({"consent_forwarding": None}, "consent_forwarding"),
        ({"website": "http://spam.example"}, None),
    ],
)
def test_invalid_lead_is_refused_and_nothing_saved(client, notice, overrides, field):
    response = post(client, notice, **overrides)
    assert response.status_code == 400
    assert not TipReport.objects.exists()
    html = response.content.decode()
    assert "error-summary" in html
    if field:
        assert f'href="#id_{field}"' in html
    assert "no-store" in response["Cache-Control"]


def test_rate_limit(client, notice, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "notice_lead": (2, 600)}
    assert post(client, notice).status_code == 200
    assert post(client, notice).status_code == 200
    response = post(client, notice)
    assert response.status_code == 429
    assert TipReport.objects.count() == 2
    assert "王小明" in response.content.decode()  # what they typed is kept


@pytest.mark.parametrize("status", ["reunited", "withdrawn"])
def test_lead_on_a_closed_notice_is_refused(client, notice, status):
    FamilySearchNoticePage.objects.filter(pk=notice.pk).update(status=status)
    assert 'name="description"' not in client.get(lead_url(notice)).content.decode()
    response = post(client, notice)
    assert response.status_code == 410
    assert not TipReport.objects.exists()


def test_other_methods_are_not_allowed(client, notice):
    assert client.put(notice.url).status_code == 405
    assert client.delete(lead_url(notice)).status_code == 405
    assert client.post("/notices/").status_code == 405
