"""What staff do in the admin, in a real browser against the live demo site (two-step
verification required, as in production): a station's duty staff member turns on the
authenticator, signs in with it and works a tip to resolved; an editor's change to a policy
explainer goes live only after a moderator approves it."""

from __future__ import annotations

import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD, PHONE

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


def enrol(page, live_site, username: str) -> None:
    """Sign in with the password, open an invitation, set up the authenticator; signed in with
    both steps at the dashboard. An account already enrolled (a rerun) is reset first."""
    live_site.shell(
        "from django.contrib.auth import get_user_model\n"
        "from portal.two_factor import reset_two_factor\n"
        f"reset_two_factor(get_user_model().objects.get(username={username!r}))\n"
    )
    sign_in(page, username)
    expect(page).to_have_url(re.compile(r"/admin/two-step/setup/"))
    page.goto(live_site.invite(username))
    typed = page.locator(".two-step__key").inner_text().replace(" ", "")
    key = b32decode(typed + "=" * (-len(typed) % 8))
    page.fill("#id_code", code_for(key))
    page.get_by_role("button", name="确认并开启").click()
    expect(page.locator(".two-step__codes li")).to_have_count(10)
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/$"))


def test_station_staff_sets_up_two_step_signs_in_and_resolves_a_tip(
    desktop, new_context, live_site, shot
):
    reference = live_site.shell(
        "from tip_reports.models import TipReport; "
        "t = TipReport.objects.filter(station__name__startswith='南宁', status='received')"
        ".order_by('created_at').first(); print(t.reference)"
    ).split()[-1]

    # Password alone: the queue does not open, and no QR code either: an invitation is needed.
    page = desktop
    sign_in(page, "nanning", next_path="/admin/tips/")
    expect(page).to_have_url(re.compile(r"/admin/two-step/setup/"))
    expect(page.locator("h1").first).to_contain_text("需要邀请")
    expect(page.locator(".two-step__key")).to_have_count(0)
    shot(page, "01-invitation-needed")
    for path in ("/admin/tips/", "/admin/", "/admin/tips/export/?export=csv"):
        page.goto(path)
        assert "setup" in page.url, path
        expect(page.locator("body")).not_to_contain_text(reference)

    # The coordinator's invitation (here from the command line) opens the setup page.
    page.goto(live_site.invite("nanning"))
    expect(page).to_have_url(re.compile(r"/admin/two-step/setup/$"))
    expect(page.locator("h1").first).to_contain_text("设置两步验证")

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
            values = [
                v for v in select.locator("option").evaluate_all("os => os.map(o => o.value)") if v
            ]
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
    shot(staff, "06-timeline", show=staff.locator("#tip-timeline-heading"))

    out = live_site.shell(
        "from tip_reports.models import TipReport; "
        f"t = TipReport.objects.get(reference={reference!r}); "
        "print(t.status, list(t.events.values_list('to_status', flat=True))[-3:])"
    )
    assert "resolved ['acknowledged', 'dispatched', 'resolved']" in out, out


MODERATOR = "moderator-e2e"


def test_an_explainer_change_goes_live_only_after_a_moderator_approves_it(
    desktop, phone, new_context, live_site, shot
):
    # A moderator who is not the editor (the demo's `editor` may also moderate; the point here
    # is that a second person approves). Both enrol in two-step verification by invitation.
    out = live_site.shell(
        "from django.contrib.auth import get_user_model\n"
        "from django.contrib.auth.models import Group\n"
        "from policies.models import PolicyExplainerPage\n"
        f"u, _ = get_user_model().objects.get_or_create(username={MODERATOR!r}, "
        "defaults={'first_name': '审核员'})\n"
        f"u.set_password({DEMO_PASSWORD!r}); u.save()\n"
        "u.groups.add(Group.objects.get(name='Moderators'))\n"
        "p = PolicyExplainerPage.objects.live().get(slug='how-to-ask-for-help', "
        "locale__language_code='zh-hans')\n"
        # Rerun against the same site (GUITU_E2E_URL): start from no review in progress.
        "p.current_workflow_state and p.current_workflow_state.cancel(user=u)\n"
        "print(p.pk, p.get_workflow().name)\n"
    )
    page_id, workflow_name = out.split()[-2:]
    assert workflow_name == "政策解读审核"
    public_path = "/policies/how-to-ask-for-help/"
    public = phone
    public.goto(public_path)
    summary = public.locator(".explainer__summary")
    original = summary.inner_text().strip()
    addition = f"（{int(time.time()) % 100000}号更新：周末也可以来站求助。）"
    changed = original[: 120 - len(addition)] + addition

    editor = desktop
    enrol(editor, live_site, "editor")
    editor.goto(f"/admin/pages/{page_id}/edit/")
    editor.fill("#id_summary", changed)
    editor.get_by_role("button", name="更多动作").click()
    submit = editor.locator("button[name=action-submit]")
    expect(submit).to_have_text(re.compile("提交给政策解读审核"))
    shot(editor, "01-editor-submits")
    submit.click()
    expect(editor.locator(".messages")).to_contain_text("已经提交进行审核")

    # Submitted, not published: the public still reads the approved text.
    public.goto(public_path)
    expect(summary).to_have_text(original)

    moderator = new_context(viewport={"width": 1280, "height": 900}).new_page()
    enrol(moderator, live_site, MODERATOR)
    review = moderator.locator(".w-panel").filter(has_text="等待你的审查")
    expect(review).to_contain_text("如何求助，或为需要帮助的人报告")
    shot(moderator, "02-awaiting-review")
    moderator.goto(f"/admin/pages/{page_id}/edit/")
    expect(moderator.locator("#id_summary")).to_have_value(changed)
    moderator.get_by_role("button", name="更多动作").click()
    moderator.get_by_role("button", name=re.compile(r"^批准\s*和发布$")).click()
    expect(moderator.locator(".messages")).to_contain_text("已被更新")
    shot(moderator, "03-approved")

    # A visitor who has not seen the page in the last minute (browsers keep public pages for
    # max-age=60 s) gets the approved text from the site's page cache at once.
    visitor = new_context(**PHONE).new_page()
    visitor.goto(public_path)
    expect(visitor.locator(".explainer__summary")).to_have_text(changed)
    shot(visitor, "04-live")
    out = live_site.shell(
        "from policies.models import PolicyExplainerPage\n"
        f"p = PolicyExplainerPage.objects.get(pk={page_id})\n"
        "s = p.workflow_states.order_by('-created_at').first()\n"
        "print(s.status, s.requested_by.username, p.live_revision.user.username, p.has_unpublished_changes)\n"
    )
    assert out.split()[-4:] == ["approved", "editor", MODERATOR, "False"], out
