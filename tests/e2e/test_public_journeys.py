"""What the public does on a phone, in a real browser against the live demo site: report a
sighting and follow it, register for an open day and cancel, send a lead about a notice,
search in Chinese."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from PIL import Image
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

BEIJING = ZoneInfo("Asia/Shanghai")


def beijing_local(delta: timedelta) -> str:
    """A datetime-local value (Beijing time) ``delta`` from now."""
    return (datetime.now(BEIJING) + delta).strftime("%Y-%m-%dT%H:%M")


def photo(tmp_path, name="sighting.jpg"):
    path = tmp_path / name
    image = Image.new("RGB", (640, 480), (70, 110, 150))
    for x in range(200, 440):
        for y in range(120, 360, 4):
            image.putpixel((x, y), (230, 200, 160))
    image.save(path, "JPEG", quality=85)
    return path


def test_report_a_sighting_with_a_photo_then_check_its_status(phone, live_site, shot, tmp_path):
    page = phone
    response = page.goto("/report/")
    assert response.status == 200
    # The emergency numbers come first: the portal is not an emergency service.
    banner = page.locator(".emergency-banner")
    expect(banner).to_contain_text("110")
    expect(banner).to_contain_text("120")
    shot(page, "01-form")

    # Sent with the kind of help and the consent missing: Chinese messages, no 500, nothing lost.
    page.fill("#id_place_text", "朝阳广场公交站旁")
    with page.expect_navigation() as sent:
        page.locator("button[type=submit][data-submit]").click()
    assert sent.value.status == 400
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("请修改以下内容")
    expect(summary).to_contain_text("请选择这个人可能需要哪方面的帮助。")
    expect(summary).to_be_focused()
    expect(page.locator("#id_category_group, [id^=id_category]").first).to_contain_text(
        "请选择这个人可能需要哪方面的帮助"
    )
    expect(page.locator("#id_place_text")).to_have_value("朝阳广场公交站旁")
    assert page.title().startswith("错误")
    shot(page, "02-errors")

    # The summary links to the field it names.
    summary.get_by_role("link", name="请选择这个人可能需要哪方面的帮助。").click()
    assert "#id_category" in page.url

    page.locator("input[name=category]").first.check()
    page.select_option("#id_area", label="南宁市")
    page.select_option("#id_area_county", label="青秀区")
    page.fill("#id_seen_at", beijing_local(timedelta(hours=-1)))
    page.fill("#id_clothing", "深蓝色外套，没有穿鞋")
    page.fill("#id_description", "一位老人坐在公交站，说不清家在哪里，看起来很冷。")
    page.set_input_files("#id_photo", str(photo(tmp_path)))
    page.check("#id_consent_forwarding")
    with page.expect_navigation() as sent:
        page.locator("button[type=submit][data-submit]").click()
    assert sent.value.status == 200
    expect(page.locator("h1")).to_have_text("谢谢您，报告已提交")
    codes = page.locator(".receipt__code")
    expect(codes).to_have_count(2)
    reference, secret = (text.strip() for text in codes.all_inner_texts())
    assert re.fullmatch(r"[A-Z0-9-]{6,20}", reference), reference
    assert re.fullmatch(r"[0-9 ]{6,12}", secret), secret
    expect(page.locator(".next-steps")).to_contain_text("南宁")
    shot(page, "03-receipt")

    # The receipt is shown once: a reload goes back to the form.
    page.reload()
    assert page.url.rstrip("/").endswith("/report")

    page.goto("/report/status/")
    page.fill("#id_reference", reference)
    page.fill("#id_secret_code", secret)
    page.locator("form.status-form button[type=submit]").click()
    result = page.locator(".status-result")
    expect(result).to_contain_text(reference)
    expect(result.locator("[aria-current=step]")).to_have_text("已受理")
    # Only the coarse stage: nothing the reporter typed is shown back.
    expect(result).not_to_contain_text("公交站")
    expect(page.locator("body")).not_to_contain_text("深蓝色外套")
    shot(page, "04-status")

    # A wrong code finds nothing (and says so in Chinese).
    page.fill("#id_reference", reference)
    digits = secret.replace(" ", "")
    page.fill("#id_secret_code", digits[:-1] + str((int(digits[-1]) + 1) % 10))
    page.locator("form.status-form button[type=submit]").click()
    expect(page.locator(".status-result--none")).to_be_visible()

    # The photo reached the station's private storage, re-encoded (no EXIF), never public.
    out = live_site.shell(
        "from tip_reports.models import TipReport; "
        f"t = TipReport.objects.get(reference__in={[reference, reference.replace('-', '')]!r}); "
        "print(t.station.name, t.photo.name)"
    )
    assert "南宁" in out and " tips/" in out, out
