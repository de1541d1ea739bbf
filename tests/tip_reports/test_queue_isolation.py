"""Isolation of the station queue (docs/architecture.md §7): every URL the queue exposes, requested as the
owning station's staff and a coordinator (allowed), another station's staff (404 for the tip,
never its reference in a list, export, dashboard or history), an editor without queue
permissions (refused, nothing leaked) and an anonymous visitor (sent to the login page).

Requests that would change the tip carry valid data, so the only thing stopping them is the
access check; the tip is then checked to be unchanged."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

import pytest

from tests.tip_reports.delivery_fixtures import REPORTER_NAME, REPORTER_PHONE
from tests.tip_reports.queue_fixtures import (
    HOME,
    INDEX,
    LOGIN,
    RESULTS,
    act_url,
    inspect_url,
    new_tip,
    queue_people,
)
from tip_reports.admin_views import TipViewSet
from tip_reports.models import TipEvent, TipLogEntry, TipReport
from tip_reports.workflow import Action

pytestmark = pytest.mark.django_db

SITE_HISTORY = reverse("wagtailadmin_reports:site_history")
SITE_HISTORY_RESULTS = reverse("wagtailadmin_reports:site_history_results")
COVERED_URL_NAMES = {"index", "index_results", "inspect", "photo", "contact", "act", "resend"}


@pytest.fixture
def world(db):
    people = queue_people()
    tip = new_tip("450102", photo=True)
    original = new_tip("450103")
    # Something in the audit log about the tip, for the site history.
    from tip_reports import workflow

    workflow.perform(
        tip.pk, Action.ASSIGN, people["nanning_staff"], assignee=people["nanning_staff"]
    )
    return {**people, "tip": tip, "original": original}


def action_data(world) -> list[tuple[Action, dict]]:
    """Every action with valid parameters, in an order that walks a tip as far as it goes
    (the transfer, which takes the tip away, comes last)."""
    return [
        (Action.ASSIGN, {"assign-assignee": str(world["nanning_colleague"].pk)}),
        (Action.ACKNOWLEDGE, {"acknowledge-note": "收到"}),
        (Action.DISPATCH, {"dispatch-note": "出发"}),
        (Action.RESOLVE, {"resolve-outcome": "admitted", "resolve-note": "已入站"}),
        (Action.REOPEN, {"reopen-note": "家属来电"}),
        (Action.CLOSE, {"close-reason": "spam", "close-note": "-"}),
        (Action.MARK_DUPLICATE, {"duplicate-original": world["original"].reference}),
        (
            Action.TRANSFER,
            {"transfer-station": str(world["liuzhou"].pk), "transfer-note": "人已离开"},
        ),
    ]


def tip_requests(world) -> list[tuple[str, str, str, dict]]:
    tip = world["tip"]
    delivery = tip.deliveries.first()
    requests = [
        ("detail", "get", inspect_url(tip), {}),
        ("photo", "get", reverse("tips:photo", args=[tip.pk]), {}),
        ("show contact", "post", reverse("tips:contact", args=[tip.pk]), {}),
        ("resend", "post", reverse("tips:resend", args=[tip.pk, delivery.pk]), {}),
    ]
    requests += [
        (f"action {action}", "post", act_url(tip, action), data)
        for action, data in action_data(world)
    ]
    return requests


LIST_REQUESTS = [
    ("listing", INDEX, {}),
    ("listing results", RESULTS, {}),
    ("search", RESULTS, {"q": ""}),
    ("export csv", INDEX, {"export": "csv"}),
    ("export xlsx", INDEX, {"export": "xlsx"}),
    ("dashboard", HOME, {}),
    ("site history", SITE_HISTORY, {}),
    ("site history results", SITE_HISTORY_RESULTS, {}),
    ("site history export", SITE_HISTORY, {"export": "csv"}),
]


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def contains_reference(response, reference) -> bool:
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        import io

        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        return any(
            reference in str(cell) for row in sheet.iter_rows(values_only=True) for cell in row
        )
    return reference in body(response)


def snapshot(tip) -> tuple:
    tip = TipReport.objects.get(pk=tip.pk)
    return (
        tip.status,
        tip.station_id,
        tip.assignee_id,
        tip.events.count(),
        TipLogEntry.objects.filter(tip=tip).count(),
        tip.deliveries.filter(attempts=0).count(),
    )


def client_for(user) -> Client:
    client = Client()  # CSRF is tested in test_queue.py; here only access is under test
    if user is not None:
        client.force_login(user)
    return client


def test_every_url_of_the_viewset_is_walked():
    names = {pattern.name for pattern in TipViewSet().get_urlpatterns()}
    assert names == COVERED_URL_NAMES


def test_every_action_is_walked(world):
    assert {action for action, _ in action_data(world)} == set(Action)


@pytest.mark.parametrize("who", ["nanning_staff", "coordinator"])
def test_the_owning_station_and_coordinators_reach_every_url(world, who):
    client = client_for(world[who])
    tip = world["tip"]
    for label, method, url, data in tip_requests(world):
        response = getattr(client, method)(url, data)
        assert response.status_code in (200, 302, 400, 409), (label, response.status_code)
        if response.status_code == 302:
            assert response["Location"] == inspect_url(tip), label
    for label, url, params in LIST_REQUESTS:
        if "q" in params:
            params = {"q": tip.reference[:6].lower()}
        response = client.get(url, params)
        assert response.status_code == 200, label
        if label != "dashboard":  # the panel names only the oldest unacknowledged tip
            assert contains_reference(response, tip.reference), label
    # The walk really worked the tip: staff resolved it; the coordinator reopened and closed it.
    expected = {"nanning_staff": "resolved", "coordinator": "closed"}[who]
    assert TipReport.objects.get(pk=tip.pk).status == expected


@pytest.mark.parametrize("who", ["liuzhou_staff", "editor", None])
def test_nobody_else_reaches_the_tip(world, who):
    tip = world["tip"]
    user = world[who] if who else None
    client = client_for(user)
    before = snapshot(tip)
    for label, method, url, data in tip_requests(world):
        response = getattr(client, method)(url, data)
        if who == "liuzhou_staff":
            assert response.status_code == 404, (label, response.status_code)
        elif who == "editor":
            assert response.status_code in (302, 403), (label, response.status_code)
            if response.status_code == 302:
                assert response["Location"] == HOME, label
        else:
            assert response.status_code == 302, label
            assert response["Location"].startswith(LOGIN), label
        text = body(response) if label != "photo" or response.status_code != 200 else ""
        for secret in (tip.reference, REPORTER_NAME, REPORTER_PHONE):
            assert secret not in text, (label, secret)
    assert snapshot(tip) == before
    assert not TipEvent.objects.filter(tip=tip, kind=TipEvent.Kind.CONTACT_VIEWED).exists()

    for label, url, params in LIST_REQUESTS:
        if "q" in params:
            params = {"q": tip.reference}
        response = client.get(url, params)
        if who is None:
            assert response.status_code == 302 and response["Location"].startswith(LOGIN), label
            continue
        if who == "editor" and url in (INDEX, RESULTS):
            assert response.status_code in (302, 403), label
        if label == "search" and response.status_code == 200:
            # The search box repeats what was typed; no row may match it.
            assert list(response.context["object_list"]) == [], label
            continue
        assert not contains_reference(response, tip.reference), label


def test_another_stations_staff_get_a_404_for_a_tip_that_does_not_exist_either(world):
    client = client_for(world["liuzhou_staff"])
    missing = 10**9
    assert client.get(reverse("tips:inspect", args=[missing])).status_code == 404
    assert client.get(reverse("tips:photo", args=[missing])).status_code == 404
    assert client.post(reverse("tips:contact", args=[missing])).status_code == 404


def test_a_transferred_tip_moves_with_its_station(world):
    """After the coordinator's transfer to 柳州, 南宁 staff lose every URL of the tip and 柳州
    staff gain them."""
    tip = world["tip"]
    coordinator = client_for(world["coordinator"])
    response = coordinator.post(
        act_url(tip, Action.TRANSFER),
        {"transfer-station": str(world["liuzhou"].pk), "transfer-note": "人已到柳州"},
    )
    assert response.status_code == 302
    nanning, liuzhou = client_for(world["nanning_staff"]), client_for(world["liuzhou_staff"])
    assert nanning.get(inspect_url(tip)).status_code == 404
    assert nanning.get(reverse("tips:photo", args=[tip.pk])).status_code == 404
    assert tip.reference not in body(nanning.get(INDEX))
    assert liuzhou.get(inspect_url(tip)).status_code == 200
    assert liuzhou.get(reverse("tips:photo", args=[tip.pk])).status_code == 200
    assert tip.reference in body(liuzhou.get(INDEX))
