"""Helpers for the delivery tests: tips with recognisable personal data, a scripted webhook
receiver and a scripted SMTP server, both on loopback only.

Import explicitly: ``from tests.tip_reports.delivery_fixtures import ...``.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.utils import timezone

from stations.demo import seed_stations
from stations.models import Area, Station
from tip_reports.intake import Receipt, TipSubmission, submit_tip
from tip_reports.models import TipReport

# Personal data that must never leave the portal in a notification.
REPORTER_NAME = "王小明"
REPORTER_PHONE = "13912345678"
PLACE_TEXT = "火车站东广场第三根柱子旁"
DESCRIPTION = "一位老人独自坐在长椅上发抖"
CLOTHING = "深蓝色旧棉衣"
APPEARANCE = "白发，左手缠着绷带"
PERSONAL_DATA = (REPORTER_NAME, REPORTER_PHONE, PLACE_TEXT, DESCRIPTION, CLOTHING, APPEARANCE)
WEBHOOK_SECRET = "s3cret-signing-key-for-tests"


def stations() -> dict[str, Station]:
    seed_stations()
    return {station.code: station for station in Station.objects.all()}


def file_tip(area_code: str = "450102", **overrides) -> Receipt:
    """A tip about someone in ``area_code`` (兴宁区 of 南宁 by default), full of personal data."""
    fields = {
        "category": TipReport.Category.ELDERLY_LOST,
        "seen_at": timezone.now(),
        "consent_forwarding": True,
        "area": Area.objects.get(code=area_code),
        "place_text": PLACE_TEXT,
        "description": DESCRIPTION,
        "clothing": CLOTHING,
        "appearance": APPEARANCE,
        "reporter_name": REPORTER_NAME,
        "reporter_phone": REPORTER_PHONE,
        **overrides,
    }
    return submit_tip(TipSubmission(**fields))


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def payload(self) -> dict:
        return json.loads(self.body)


@dataclass
class WebhookReceiver:
    """An HTTP server on 127.0.0.1 answering POSTs with the scripted statuses in turn (the last
    one repeats). ``block_first`` makes the first request wait until ``release`` is set."""

    statuses: list[int] = field(default_factory=lambda: [200])
    block_first: bool = False
    port: int = 0
    delay: float = 0.0
    requests: list[Received] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                index = len(receiver.requests)
                receiver.requests.append(Received(dict(self.headers.items()), body))
                receiver.arrived.set()
                if index == 0 and receiver.block_first:
                    receiver.release.wait(60)
                if receiver.delay:
                    time.sleep(receiver.delay)
                status = receiver.statuses[min(index, len(receiver.statuses) - 1)]
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:
                    pass  # the sender has gone (timed out or was killed)

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/guitu"

    def __enter__(self) -> WebhookReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


class ScriptedSMTPHandler:
    """aiosmtpd handler: answers DATA with the scripted replies in turn (the last one repeats)."""

    def __init__(self, replies: list[str]):
        self.replies = replies
        self.calls = 0
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        reply = self.replies[min(self.calls, len(self.replies) - 1)]
        self.calls += 1
        if reply.startswith("250"):
            self.envelopes.append(envelope)
        return reply


def use_webhook(station: Station, url: str, secret: str = WEBHOOK_SECRET) -> Station:
    station.webhook_url = url
    station.webhook_secret = secret
    station.save(update_fields=["webhook_url", "webhook_secret"])
    return station
