"""Content-Security-Policy, Permissions-Policy and the other protective headers, on public
pages, the tip form, the admin and the 500 page; and a scan of every project template for the
inline script and style that the strict policy would block."""

import base64
import hashlib
import re
from pathlib import Path

from django.conf import settings
from django.test import RequestFactory

import pytest

from portal.settings.base import content_security_policies

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def test_public_pages_get_a_strict_policy(demo_site, client):
    response = client.get("/")
    assert response.status_code == 200
    csp = directives(response["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.parametrize("path", ["/", "/en/", "/notices/", "/report/status/", "/stations/"])
def test_geolocation_is_off_except_on_the_tip_form(demo_site, client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = response["Permissions-Policy"]
    assert "geolocation=()" in policy
    assert "camera=()" in policy and "microphone=()" in policy and "payment=()" in policy


@pytest.mark.parametrize("path", ["/report/", "/en/report/"])
def test_the_tip_form_may_ask_for_the_location(demo_site, client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = response["Permissions-Policy"]
    assert "geolocation=(self)" in policy
    assert "camera=()" in policy


def test_a_rejected_tip_form_keeps_the_location_permission(demo_site, client):
    response = client.post("/report/", {})
    assert response.status_code == 400
    assert "geolocation=(self)" in response["Permissions-Policy"]


def test_the_admin_gets_its_relaxed_policy_only_under_admin(demo_site, client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    csp = directives(response["Content-Security-Policy"])
    assert "'unsafe-inline'" in csp["script-src"]
    assert csp["frame-ancestors"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]


def test_the_captcha_host_is_allowed_only_when_configured():
    public, _admin = content_security_policies(captcha_domain="")
    assert public["DIRECTIVES"]["frame-src"] == ["'none'"]
    public, _admin = content_security_policies(captcha_domain="www.recaptcha.net")
    assert "https://www.recaptcha.net" in public["DIRECTIVES"]["script-src"]
    assert "https://www.recaptcha.net" in public["DIRECTIVES"]["frame-src"]
    assert "'unsafe-inline'" not in public["DIRECTIVES"]["script-src"]


def test_the_500_page_allows_exactly_its_own_inline_style(rf: RequestFactory):
    from portal.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert response._csp_update == {"style-src": [f"'sha256-{digest}'"]}


def test_the_500_handler_sends_the_hash_in_its_header(demo_site, settings):
    from django.test import Client
    from django.urls import path

    def boom(request):
        raise RuntimeError("boom")

    import portal.urls

    settings.ROOT_URLCONF = type(
        "Urls",
        (),
        {
            "urlpatterns": [path("boom/", boom), *portal.urls.urlpatterns],
            "handler500": portal.urls.handler500,
        },
    )
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    csp = directives(response["Content-Security-Policy"])
    assert csp["style-src"][0] == "'self'"
    assert csp["style-src"][1].startswith("'sha256-")
    assert "'unsafe-inline'" not in csp["style-src"]


# --- The templates themselves ------------------------------------------------------------------

INLINE_SCRIPT = re.compile(
    r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/(ld\+)?json\")[^>]*>", re.I
)
HANDLER_ATTRIBUTE = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"javascript:", re.I)
# Standalone on purpose: its inline CSS is allowed by hash (see portal.views.server_error).
ALLOWED = {"portal/templates/500.html"}


def project_templates():
    for app in settings.PROJECT_APPS:
        for template in sorted((ROOT / app / "templates").rglob("*.html")):
            relative = template.relative_to(ROOT).as_posix()
            if relative not in ALLOWED:
                yield relative


def test_there_are_templates_to_scan():
    assert len(list(project_templates())) > 40


@pytest.mark.parametrize("template", list(project_templates()))
def test_no_template_has_inline_script_or_style(template):
    source = (ROOT / template).read_text()
    for pattern, what in (
        (INLINE_SCRIPT, "an inline <script>"),
        (HANDLER_ATTRIBUTE, "an on… event handler attribute"),
        (STYLE_ATTRIBUTE, "a style attribute"),
        (JAVASCRIPT_URL, "a javascript: URL"),
        (re.compile(r"<style\b", re.I), "a <style> element"),
    ):
        match = pattern.search(source)
        assert match is None, (
            f"{template} has {what}: {source[match.start() : match.start() + 80]!r}"
        )


def test_the_scan_catches_what_it_looks_for():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert INLINE_SCRIPT.search('<script type="module">x</script>')
    assert not INLINE_SCRIPT.search('<script src="/static/a.js" defer></script>')
    assert not INLINE_SCRIPT.search('<script type="application/ld+json">{}</script>')
    assert HANDLER_ATTRIBUTE.search('<a href="#" onclick="x()">')
    assert STYLE_ATTRIBUTE.search('<p style="color:red">')
