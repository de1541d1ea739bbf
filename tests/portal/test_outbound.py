"""Station webhooks cannot be pointed inside the network (issue 16): the address a webhook
resolves to is checked when the notification is sent, on the connection itself."""

import socket

import pytest

from portal import outbound
from tests.tip_reports.delivery_fixtures import WebhookReceiver


@pytest.fixture
def strict(settings):
    settings.OUTBOUND_ALLOWED_HOSTS = []
    settings.OUTBOUND_REQUIRE_HTTPS = False
    return settings


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/hooks/guitu",
        "http://localhost:{port}/hooks/guitu",
        "http://[::1]:{port}/hooks/guitu",
        "http://10.1.2.3:{port}/hooks/guitu",
        "http://192.168.1.20:{port}/hooks/guitu",
        "http://172.16.0.5:{port}/hooks/guitu",
        "http://100.64.0.1:{port}/hooks/guitu",
        "http://169.254.169.254/latest/meta-data/",
        "http://0.0.0.0:{port}/",
        "http://[::ffff:127.0.0.1]:{port}/",
    ],
)
def test_non_public_addresses_are_refused_at_send_time(strict, url):
    with WebhookReceiver() as receiver:
        port = receiver.server.server_address[1]
        with pytest.raises(outbound.OutboundRefused):
            outbound.post(url.format(port=port), data=b"{}", timeout=2)
        assert receiver.requests == []


def test_a_name_that_resolves_to_loopback_is_refused(strict, monkeypatch):
    """DNS rebinding: the name looks public, the address it resolves to is not."""
    with WebhookReceiver() as receiver:
        port = receiver.server.server_address[1]
        real = socket.getaddrinfo

        def rebinding(host, *args, **kwargs):
            if host == "hooks.station.example.org":
                return real("127.0.0.1", *args, **kwargs)
            return real(host, *args, **kwargs)

        monkeypatch.setattr(socket, "getaddrinfo", rebinding)
        with pytest.raises(outbound.OutboundRefused, match="non-public"):
            outbound.post(f"http://hooks.station.example.org:{port}/x", data=b"{}", timeout=2)
        assert receiver.requests == []


def test_a_named_allowed_host_is_reached(strict):
    strict.OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    with WebhookReceiver() as receiver:
        response = outbound.post(receiver.url, data=b"{}", timeout=5)
        assert response.status_code == 200
        assert len(receiver.requests) == 1


def test_redirects_are_not_followed(strict):
    strict.OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    with WebhookReceiver(statuses=[302]) as receiver:
        response = outbound.post(receiver.url, data=b"{}", timeout=5)
        assert response.status_code == 302
        assert len(receiver.requests) == 1


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.org/x",
        "ftp://hooks.example.org/x",
        "https://user:pw@hooks.example.org/",
    ],
)
def test_url_forms_refused_under_production_rules(strict, url):
    strict.OUTBOUND_REQUIRE_HTTPS = True
    with pytest.raises(outbound.OutboundRefused):
        outbound.check_url(url)


def test_public_addresses_pass_the_address_rule():
    assert outbound.is_public_address("8.8.8.8")
    assert outbound.is_public_address("2001:4860:4860::8888")
    for address in ("127.0.0.1", "10.0.0.1", "169.254.169.254", "::1", "fe80::1", "224.0.0.1"):
        assert not outbound.is_public_address(address), address


@pytest.mark.django_db
def test_a_station_webhook_to_the_metadata_service_fails_without_a_connection(strict):
    from tests.tip_reports.delivery_fixtures import file_tip, stations, use_webhook
    from tip_reports import delivery
    from tip_reports.models import Delivery

    station = use_webhook(stations()["450100"], "http://169.254.169.254/latest/meta-data/")
    file_tip("450102")
    row = Delivery.objects.get(station=station, channel=Delivery.Channel.WEBHOOK)
    with pytest.raises(delivery.DeliveryError, match="refused"):
        delivery.send_webhook(row)
