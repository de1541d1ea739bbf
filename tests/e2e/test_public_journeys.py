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


def wait_for(find, timeout=30.0, interval=0.2):
    """Poll ``find()`` until it returns something truthy (work the task worker does after a
    request: emails); fail after ``timeout`` seconds."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        found = find()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"nothing after {timeout}s")
        time.sleep(interval)


def places_left(page, venue_name: str) -> int:
    venue = page.locator("article.venue").filter(has=page.get_by_role("heading", name=venue_name))
    text = venue.locator(".venue__facts").inner_text()
    match = re.search(r"剩余\s*(\d+)\s*个名额", text)
    assert match, text
    return int(match.group(1))


def test_register_for_an_open_day_get_the_email_and_cancel(phone, live_site, shot):
    page = phone
    venue_name = "柳州市救助管理站"
    page.goto("/events/")
    page.get_by_role("link", name="走进救助站开放日").first.click()
    expect(page.locator("h1")).to_contain_text("走进救助站开放日")
    before = places_left(page, venue_name)
    assert before >= 2
    shot(page, "01-event")

    page.get_by_role("link", name=f"报名 {venue_name}").click()
    expect(page.locator("h1")).to_contain_text(venue_name)
    address = f"visitor-{before}@guitu-e2e.invalid"
    page.fill("#id_name", "李晓梅")
    page.fill("#id_phone", f"1380013{before:04d}")
    page.fill("#id_email", address)
    page.locator("input[name=party_size][value='2']").check()
    page.check("#id_consent")
    shot(page, "02-form")
    page.locator("form.event-form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("报名成功")
    expect(page.locator(".receipt")).to_contain_text(address)
    shot(page, "03-registered")

    page.goto("/events/station-open-day/")
    assert places_left(page, venue_name) == before - 2

    # The confirmation email, with the visit as a calendar file, written by the task worker.
    message = wait_for(lambda: live_site.emails_to(address))[-1]
    assert venue_name in message["Subject"] or venue_name in message.get_body().get_content()
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "李晓梅" in body
    calendars = [
        part for part in message.iter_attachments() if part.get_filename("").endswith(".ics")
    ]
    assert len(calendars) == 1
    calendar = Calendar.from_ical(calendars[0].get_content())
    (visit,) = calendar.walk("VEVENT")
    assert venue_name in str(visit["SUMMARY"]) or venue_name in str(visit.get("LOCATION", ""))
    assert visit["DTSTART"].dt.year >= datetime.now(BEIJING).year
    cancel_url = re.search(r"https?://\S+/registrations?/\S+", body)
    assert cancel_url, body
    cancel_url = cancel_url.group(0)
    assert cancel_url.startswith(live_site.url)

    # The signed link asks once more, then cancels; the places are free again.
    page.goto(cancel_url)
    expect(page.locator("h1")).to_have_text("取消报名")
    shot(page, "04-cancel-confirm")
    page.get_by_role("button", name="确定取消报名").click()
    expect(page.locator(".receipt")).to_contain_text("已取消")
    shot(page, "05-cancelled")
    page.goto("/events/station-open-day/")
    assert places_left(page, venue_name) == before

    # A tampered link does nothing.
    page.goto(cancel_url[:-3] + ("aaa" if not cancel_url.endswith("aaa") else "bbb"))
    expect(page.locator(".form-alert")).to_be_visible()


def test_filter_notices_open_one_and_send_a_lead(phone, live_site, shot):
    page = phone
    page.goto("/notices/")
    count = page.locator(".notice-count")
    expect(count).to_contain_text("共")
    total = int(re.search(r"\d+", count.inner_text()).group(0))
    cards = page.locator(".notice-card")
    shot(page, "01-all")

    page.select_option("#id_sex", "male")
    page.select_option("#id_age", "elderly")
    page.locator("form.notice-filter button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"sex=male.*age=elderly|age=elderly.*sex=male"))
    filtered = int(re.search(r"\d+", count.inner_text()).group(0))
    assert 0 < filtered < total
    expect(cards).to_have_count(filtered)
    for facts in cards.locator(".notice-card__facts").all_inner_texts():
        assert re.search(r"性别\s*男", facts), facts
        ages = [int(n) for n in re.findall(r"年龄\s*(\d+)[–-](\d+)", facts)[0]]
        assert max(ages) >= 60, facts
    shot(page, "02-filtered")

    first = cards.first
    title = first.locator(".notice-card__title").inner_text()
    first.locator(".notice-card__link").click()
    expect(page.locator("h1")).to_have_text(title)
    number = page.locator("dd").filter(has_text=re.compile(r"^\d{6}-\d{4}-\d{4}$")).first
    expect(number).to_be_visible()

    # The notice (the page people share, served from the cache) has no form of its own: a
    # button opens the form for this notice.
    expect(page.locator("form.lead-form")).to_have_count(0)
    page.get_by_role("link", name="告诉救助站我知道的情况").click()
    expect(page).to_have_url(re.compile(r"/lead/#lead$"))
    expect(page.locator("h1")).to_have_text(title)

    # Sent without the required fields first: messages in Chinese, nothing filed.
    lead = page.locator("form.lead-form")
    lead.locator("button[type=submit]").click()
    expect(page.locator(".error-summary")).to_contain_text("请修改以下内容")
    lead = page.locator("form.lead-form")
    lead.locator("#id_relationship").fill("同村的邻居")
    lead.locator("#id_description").fill("他很像我们村走失多年的王大爷，家在宾阳县。")
    lead.locator("#id_reporter_name").fill("王小明")
    lead.locator("#id_reporter_phone").fill("13900139000")
    lead.locator("#id_consent_forwarding").check()
    shot(page, "03-lead-form")
    lead.locator("button[type=submit]").click()
    thanks = page.locator(".notice-thanks")
    expect(thanks).to_contain_text("谢谢您：救助站已收到您的信息")
    reference = thanks.locator(".receipt__code").first.inner_text().strip()
    shot(page, "04-lead-sent")

    # The lead is a tip in the holding station's queue, linked to the notice.
    out = live_site.shell(
        "from tip_reports.models import TipReport; "
        f"t = TipReport.objects.get(reference__in={[reference, reference.replace('-', '')]!r}); "
        "print(t.related_notice.title if t.related_notice else None, '|', t.station.name)"
    )
    assert title in out, out


@pytest.mark.parametrize("query", ["南宁", "寻亲"])
def test_search_in_chinese_highlights_the_words(phone, query, shot):
    page = phone
    page.goto("/")
    box = page.locator("#site-search-query")
    box.fill(query)
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q="))
    results = page.locator(".search-result")
    expect(results.first).to_be_visible()
    assert results.count() >= 2
    marks = page.locator(".search-results mark")
    expect(marks.first).to_have_text(query)
    assert all(text == query for text in marks.all_inner_texts()[:10])
    shot(page, f"results-{query}")
    results.first.locator(".search-result__link").click()
    expect(page.locator("h1")).to_be_visible()
    assert "/search/" not in page.url


def test_large_text_switch_persists_across_pages(phone, shot):
    """适老化: an older reader switches to large text once; every page after keeps it."""
    page = phone
    page.goto("/")
    switch = page.locator("[data-text-size-toggle]")
    expect(switch).to_be_visible()
    expect(switch).to_have_attribute("aria-pressed", "false")
    size = (
        "parseFloat(getComputedStyle(document.querySelector('main p, main li, main a')).fontSize)"
    )
    before = page.evaluate(size)
    switch.click()
    expect(switch).to_have_attribute("aria-pressed", "true")
    expect(page.locator("html")).to_have_class(re.compile(r"\btext-large\b"))
    assert page.evaluate(size) >= before * 1.2
    shot(page, "01-large-text-home")

    page.goto("/notices/")
    expect(page.locator("html")).to_have_class(re.compile(r"\btext-large\b"))
    expect(page.locator("[data-text-size-toggle]")).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "02-large-text-notices")

    page.locator("[data-text-size-toggle]").click()
    page.reload()
    expect(page.locator("html")).not_to_have_class(re.compile(r"\btext-large\b"))


def test_statistics_show_charts_with_tables(phone, shot):
    page = phone
    page.goto("/statistics/")
    charts = page.locator("svg[role=img]")
    assert charts.count() >= 2
    for index in range(charts.count()):
        chart = charts.nth(index)
        labelled = chart.get_attribute("aria-labelledby")
        assert labelled and page.locator(f"#{labelled.split()[0]}").count() == 1
    tables = page.locator("table")
    assert tables.count() >= charts.count()
    expect(tables.first.locator("caption")).not_to_be_empty()
    assert "<5" in page.locator("main").inner_text()
    shot(page, "01-statistics")
