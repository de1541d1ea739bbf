"""What staff do in the admin, in a real browser against the live demo site (two-step
verification required, as in production): a station's duty staff member turns on the
authenticator, signs in with it and works a tip to resolved; an editor's change to a policy
explainer goes live only after a moderator approves it."""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.e2e


def code_for(key: bytes, *, steps_ahead: int = 0) -> str:
    """The authenticator app's code (30-second steps, 6 digits), or the one ``steps_ahead``
    steps later (django-otp accepts one step of drift, and each step only once)."""
    return f"{totp(key, step=30, t0=0, digits=6, drift=steps_ahead):06d}"


def sign_in(page, username: str, password: str = DEMO_PASSWORD, next_path: str = "/admin/"):
    page.goto(f"/admin/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()


def test_station_staff_sets_up_two_step_signs_in_and_resolves_a_tip(
    desktop, new_context, live_site, shot
):
    reference = live_site.shell(
        "from tip_reports.models import TipReport; "
        "t = TipReport.objects.filter(station__name__startswith='南宁', status='received')"
        ".order_by('created_at').first(); print(t.reference)"
    ).split()[-1]

    # Password alone: the queue does not open; the account must set up an authenticator.
    page = desktop
    sign_in(page, "nanning", next_path="/admin/tips/")
    expect(page).to_have_url(re.compile(r"/admin/two-factor/setup/|2fa.*setup|setup"))
    expect(page.locator("h1, h2").first).to_contain_text("设置两步验证")
    shot(page, "01-setup-required")
    for path in ("/admin/tips/", "/admin/", "/admin/tips/export/?export=csv"):
        page.goto(path)
        assert "setup" in page.url, path
        expect(page.locator("body")).not_to_contain_text(reference)

    typed = page.locator(".two-step__key").inner_text().replace(" ", "")
    key = b32decode(typed + "=" * (-len(typed) % 8))
    page.fill("#id_code", code_for(key))
    page.get_by_role("button", name="确认并开启").click()
    expect(page.locator(".two-step__codes li")).to_have_count(10)
    shot(page, "02-backup-codes")

    # A new session: password, then the authenticator's code (the next step's, since this
    # step's code has just been used).
    staff = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(staff, "nanning", next_path="/admin/tips/")
    expect(staff).to_have_url(re.compile(r"verify"))
    staff.goto("/admin/tips/")
    expect(staff).to_have_url(re.compile(r"verify"))
    shot(staff, "03-verify")
    staff.fill("#id_code", code_for(key, steps_ahead=1))
    staff.locator("form button[type=submit]").first.click()
    expect(staff).to_have_url(re.compile(r"/admin/tips/"))
    queue = staff.locator("table.listing, table")
    expect(queue.first).to_contain_text(reference)
    expect(staff.locator("body")).not_to_contain_text("柳州市救助管理站")
    shot(staff, "04-queue")

    staff.get_by_role("link", name=reference).first.click()
    expect(staff.locator(".guitu-tip-summary")).to_contain_text("已接收")
    timeline = staff.locator(".guitu-timeline > li")
    before = timeline.count()

    steps = [
        ("acknowledge", "已确认"),
        ("dispatch", "已派员外出救助"),
        ("resolve", "已处置"),
    ]
    for action, status in steps:
        form = staff.locator("form.guitu-action").filter(
            has=staff.locator(f"button[name=action][value={action}]")
        )
        for select in form.locator("select").all():
            values = [v for v in select.locator("option").evaluate_all("os => os.map(o => o.value)") if v]
            select.select_option(values[0])
        notes = form.locator("textarea")
        if notes.count():
            notes.first.fill(f"e2e：{status}")
        form.locator(f"button[name=action][value={action}]").click()
        expect(staff.locator(".guitu-tip-summary")).to_contain_text(status)
        shot(staff, f"05-{action}")
    expect(timeline).to_have_count(before + 3)
    last = timeline.last
    expect(last).to_contain_text("已处置")
    expect(last).to_contain_text("南宁")

    out = live_site.shell(
        "from tip_reports.models import TipReport; "
        f"t = TipReport.objects.get(reference={reference!r}); "
        "print(t.status, list(t.events.values_list('to_status', flat=True))[-3:])"
    )
    assert "resolved ['acknowledged', 'dispatched', 'resolved']" in out, out
