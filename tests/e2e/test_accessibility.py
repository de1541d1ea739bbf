"""Accessibility in a real browser: axe-core on every public page type (Chinese, some English;
phone and desktop widths) with no serious or critical violation; the tip form completed with
the keyboard alone; a visible focus indicator; the pages usable at 200% text size on a phone.

axe-core comes from the npm registry at test time (tests/e2e/package.json and its lock, `npm
ci` in `make e2e`); it is never served by the site.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import AXE_SCRIPT, DESKTOP, PHONE
from tests.support.processes import ROOT, gunicorn

pytestmark = pytest.mark.e2e


@dataclass(frozen=True)
class PublicPage:
    """A page to check: ``path``, or the page the first link matching ``follow`` on ``path``
    leads to (for pages whose address depends on the data, such as a venue's form)."""

    name: str
    path: str
    follow: str = ""
    # Served by the site without DEBUG (error pages): see ``site_without_debug``.
    error_page: bool = False


# THE list of public page types the accessibility checks visit. Add new page types here.
PUBLIC_PAGES = [
    PublicPage("home", "/"),
    PublicPage("policy index", "/policies/"),
    PublicPage("policy explainer", "/policies/how-to-ask-for-help/"),
    PublicPage("events index", "/events/"),
    PublicPage("event", "/events/station-open-day/"),
    PublicPage("open-day registration", "/events/station-open-day/", "a[href$='/register/']"),
    PublicPage("notices index", "/notices/"),
    PublicPage("notices filtered", "/notices/?sex=female&age=elderly"),
    PublicPage("notice", "/notices/", ".notice-card__link"),
    PublicPage("notice lead form", "/notices/demo-notice-01/lead/"),
    PublicPage("notice poster", "/notices/demo-notice-01/poster/"),
    PublicPage("stations index", "/stations/"),
    PublicPage("station", "/stations/", "a[href^='/stations/45']"),
    PublicPage("report form", "/report/"),
    PublicPage("report status", "/report/status/"),
    PublicPage("search results", "/search/?q=南宁"),
    PublicPage("search, nothing found", "/search/?q=没有这个词语"),
    PublicPage("standard page", "/about/"),
    PublicPage("statistics", "/statistics/"),
    PublicPage("not found", "/no-such-page/", error_page=True),
]
ENGLISH_PAGES = [
    PublicPage("home (en)", "/en/"),
    PublicPage("notices index (en)", "/en/notices/"),
    PublicPage("report form (en)", "/en/report/"),
    PublicPage("search results (en)", "/en/search/?q=Nanning"),
    PublicPage("statistics (en)", "/en/statistics/"),
    PublicPage("policy explainer (en)", "/en/policies/", ".explainer-card__link"),
]
# Pages of the 200% text check: those a worried passer-by or an older reader lands on.
LARGE_TEXT_PAGES = [
    "/",
    "/report/",
    "/notices/",
    "/notices/demo-notice-01/",
    "/notices/demo-notice-01/lead/",
    "/events/",
    "/statistics/",
]
SEVERE = ("serious", "critical")


@pytest.fixture(scope="session")
def site_without_debug(live_site, tmp_path_factory):
    """The same site and database under gunicorn without DEBUG, as in production, for its
    error pages (with DEBUG, Django shows its technical 404 instead of the site's). Static
    files come from the source folders, as with DEBUG, so no collectstatic is needed."""
    folder = tmp_path_factory.mktemp("nodebug")
    (folder / "e2e_nodebug_settings.py").write_text(
        "from portal.settings.dev import *\nDEBUG = False\nWHITENOISE_USE_FINDERS = True\n"
    )
    env = {
        **live_site.env,
        "DJANGO_SETTINGS_MODULE": "e2e_nodebug_settings",
        "PYTHONPATH": os.pathsep.join([str(folder), str(ROOT)]),
    }
    with gunicorn(env, folder / "gunicorn.log", workers=1, threads=4) as url:
        yield url


@pytest.fixture(scope="module")
def axe_contexts(browser, live_site):
    """One phone and one desktop context for the axe checks. ``bypass_csp``: axe is injected
    as an inline script, which the site's Content-Security-Policy (script-src 'self', no
    inline script; portal/security.py) rightly refuses; these contexts only run the checks."""
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} is missing: run `npm ci` in tests/e2e (make e2e does)")
    made = {}
    for name, options in (("phone", PHONE), ("desktop", DESKTOP)):
        context = browser.new_context(
            base_url=live_site.url,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            bypass_csp=True,
            **options,
        )
        context.set_default_timeout(15_000)
        made[name] = context
    yield made
    for context in made.values():
        context.close()


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})"
        )
        for node in violation["nodes"][:6]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " / ")
            lines.append(f"       {summary[:300]}")
        if len(violation["nodes"]) > 6:
            lines.append(f"    … and {len(violation['nodes']) - 6} more")
    return "\n".join(lines)


def run_axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE_SCRIPT))
    results = page.evaluate(
        """async () => {
            const results = await axe.run(document, {resultTypes: ["violations"]});
            return results.violations;
        }"""
    )
    return [v for v in results if v["impact"] in SEVERE]


def open_public_page(page, target: PublicPage, base: str):
    response = page.goto(base + target.path)
    if target.follow:
        link = page.locator(target.follow).first
        href = link.get_attribute("href")
        assert href, f"no link {target.follow} on {target.path}"
        response = page.goto(href if href.startswith("http") else base + href)
    return response


# Every Chinese page at both widths; the English ones on a phone, two of them also on a desktop.
AXE_CASES = [
    *((target, width) for target in PUBLIC_PAGES for width in ("phone", "desktop")),
    *((target, "phone") for target in ENGLISH_PAGES),
    *((target, "desktop") for target in ENGLISH_PAGES[:2]),
]


@pytest.mark.parametrize(
    ("target", "width"), AXE_CASES, ids=[f"{t.name}-{w}" for t, w in AXE_CASES]
)
def test_no_serious_accessibility_violations(target, width, axe_contexts, live_site, request, shot):
    base = live_site.url
    if target.error_page:
        base = request.getfixturevalue("site_without_debug")
    page = axe_contexts[width].new_page()
    try:
        response = open_public_page(page, target, base)
        if target.error_page:
            assert response.status == 404
            expect(page.locator("h1")).to_be_visible()
        else:
            assert response.status == 200, f"{target.path}: {response.status}"
        expected_lang = "en" if target in ENGLISH_PAGES else "zh-Hans"
        assert page.locator("html").get_attribute("lang").lower() == expected_lang.lower()
        violations = run_axe(page)
        if violations:
            shot(page, "violations")
        assert not violations, f"{target.name} ({page.url}, {width}):\n" + describe(violations)
    finally:
        page.close()


def test_axe_finds_a_planted_violation(axe_contexts, live_site):
    """The check can fail: an unlabelled field and low-contrast text are reported."""
    page = axe_contexts["phone"].new_page()
    try:
        page.goto(live_site("/about/"))
        page.evaluate(
            """() => {
                const main = document.querySelector("main");
                main.insertAdjacentHTML("beforeend",
                    '<p style="color:#bbb;background:#fff">浅灰色文字</p><input type="text">');
            }"""
        )
        ids = {v["id"] for v in run_axe(page)}
        assert {"color-contrast", "label"} <= ids, ids
    finally:
        page.close()


# --- keyboard, focus, large text ---------------------------------------------------------------


def active(page) -> dict:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            return {tag: el.tagName.toLowerCase(), id: el.id, name: el.name || "",
                    type: el.type || "", text: (el.innerText || "").trim().slice(0, 40)};
        }"""
    )


def tab_to(page, matches, limit=120, key="Tab") -> dict:
    """Press Tab until the focused element satisfies ``matches``; fail after ``limit``."""
    for _ in range(limit):
        page.keyboard.press(key)
        focused = active(page)
        if matches(focused):
            return focused
    raise AssertionError(f"keyboard focus never reached the element (last: {active(page)})")


def test_the_tip_form_by_keyboard_alone(phone, shot):
    page = phone
    page.goto("/report/")
    # Skip link first, as on every page.
    first = tab_to(page, lambda f: True, limit=1)
    assert first["tag"] == "a", first

    tab_to(page, lambda f: f["name"] == "category")
    page.keyboard.press("Space")
    expect(page.locator("input[name=category]:checked")).to_have_count(1)

    tab_to(page, lambda f: f["id"] == "id_area")
    page.keyboard.press("ArrowDown")  # the first city
    expect(page.locator("#id_area_county")).to_be_enabled()
    tab_to(page, lambda f: f["id"] == "id_area_county")
    page.keyboard.press("ArrowDown")  # its first district
    tab_to(page, lambda f: f["id"] == "id_place_text")
    page.keyboard.type("火车站东广场出口")

    tab_to(page, lambda f: f["id"] == "id_seen_at")
    # The form suggests "now"; move through the field's parts (date parts, hour, minute: Tab
    # steps between them in Chromium whatever their order) and type the minutes.
    suggested = page.input_value("#id_seen_at")
    assert suggested, "the time seen is not suggested"
    for _ in range(4):
        page.keyboard.press("Tab")
        assert active(page)["id"] == "id_seen_at"
    page.keyboard.type("00")
    assert page.input_value("#id_seen_at") == suggested[:-2] + "00"

    tab_to(page, lambda f: f["id"] == "id_description")
    page.keyboard.type("一个孩子独自在出站口徘徊，问他话不回答。")
    tab_to(page, lambda f: f["id"] == "id_consent_forwarding")
    page.keyboard.press("Space")
    expect(page.locator("#id_consent_forwarding")).to_be_checked()
    focused = tab_to(page, lambda f: f["tag"] == "button" and f["type"] == "submit")
    assert focused["text"] == "提交报告", focused
    shot(page, "before-enter")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("谢谢您，报告已提交")
    expect(page.locator(".receipt__code")).to_have_count(2)


FOCUS_TARGETS = [
    ("skip link", lambda f: f["tag"] == "a"),
    ("search box", lambda f: f["id"] == "site-search-query"),
    ("search button", lambda f: f["tag"] == "button"),
    ("navigation link", lambda f: f["tag"] == "a" and f["text"] == "政策解读"),
]


def focus_ring(page) -> dict:
    return page.evaluate(
        """() => {
            const style = getComputedStyle(document.activeElement);
            return {style: style.outlineStyle, width: parseFloat(style.outlineWidth) || 0,
                    color: style.outlineColor, shadow: style.boxShadow};
        }"""
    )


def assert_visible_focus(page, what: str):
    ring = focus_ring(page)
    outlined = ring["style"] not in ("none", "hidden") and ring["width"] >= 2
    shadowed = ring["shadow"] not in ("", "none")
    assert outlined or shadowed, f"{what}: no visible focus indicator ({ring}, {active(page)})"


def test_focus_is_visible_on_links_buttons_and_fields(desktop):
    page = desktop
    page.goto("/report/")
    for what, matches in FOCUS_TARGETS:
        tab_to(page, matches)
        assert_visible_focus(page, what)
    for what, matches in (
        ("radio button", lambda f: f["name"] == "category"),
        ("select", lambda f: f["id"] == "id_area"),
        ("text field", lambda f: f["id"] == "id_place_text"),
        ("checkbox", lambda f: f["id"] == "id_consent_forwarding"),
        ("submit button", lambda f: f["tag"] == "button" and f["type"] == "submit"),
    ):
        tab_to(page, matches)
        assert_visible_focus(page, what)


@pytest.mark.parametrize("path", LARGE_TEXT_PAGES)
def test_usable_at_200_percent_text_on_a_phone(phone, path, shot):
    page = phone
    page.goto(path)
    normal = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
    large = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    assert large >= 1.9 * normal, (normal, large)
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if overflow > 0:
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                .slice(0, 8).map(el => el.tagName.toLowerCase() + '.' + el.className)"""
        )
        shot(page, "overflow")
        raise AssertionError(f"{path} scrolls sideways by {overflow}px at 200% text: {wide}")
    shot(page, re.sub(r"\W+", "-", path).strip("-") or "home")
    # The emergency numbers and the page's main action stay on screen and can be used.
    hotline = page.locator("a[href^='tel:']").first
    expect(hotline).to_be_visible()
    box = hotline.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 361, box
    if path == "/report/":
        submit = page.locator("button[type=submit][data-submit]")
        submit.scroll_into_view_if_needed()
        expect(submit).to_be_visible()
        box = submit.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 361, box
        submit.click(trial=True)
