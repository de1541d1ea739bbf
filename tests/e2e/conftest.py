"""The browser tests' live site and browsers.

The site under test is what a user gets from `make run`: a throwaway var folder with its own
SQLite database, ``migrate``, ``seed_demo``, ``update_index``, then ``manage.py serve`` (gunicorn,
the task worker and the periodic jobs) on a free loopback port, started once per session.
Two-step verification is required, as in production (``GUITU_2FA_REQUIRED=true``). Emails land
as files in the var folder's ``mail/``; :class:`LiveSite` reads them.

Browsers: Debian's Chromium (``/usr/bin/chromium``, or ``GUITU_E2E_CHROMIUM``), headless; a
browser is never downloaded. These tests carry the ``e2e`` marker, which the normal test run
deselects (``-m "not e2e"`` in pyproject's addopts); ``make e2e`` runs them.
"""

from __future__ import annotations

import email
import email.policy
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.support.processes import ROOT, free_port, manage, start_manage, stop, wait_for_http

E2E_DIR = Path(__file__).resolve().parent
SCREENSHOTS = E2E_DIR / "screenshots"
AXE_SCRIPT = E2E_DIR / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("GUITU_E2E_CHROMIUM", "/usr/bin/chromium")
DEMO_PASSWORD = "guitu-demo-2026"
# The file backend (portal/settings/dev.py) separates the messages of one connection so.
MAIL_SEPARATOR = b"\n" + b"-" * 79 + b"\n"

PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


@dataclass
class LiveSite:
    url: str
    var_dir: Path
    env: dict

    def __call__(self, path: str) -> str:
        return self.url + path

    @property
    def mail_dir(self) -> Path:
        return self.var_dir / "mail"

    def emails(self) -> list[EmailMessage]:
        """Every email the site has sent so far, oldest file first."""
        found = []
        if not self.mail_dir.exists():
            return found
        for path in sorted(self.mail_dir.glob("*.log"), key=lambda p: p.stat().st_mtime_ns):
            for chunk in path.read_bytes().split(MAIL_SEPARATOR):
                if chunk.strip():
                    found.append(email.message_from_bytes(chunk, policy=email.policy.default))
        return found

    def emails_to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.emails() if address in str(m.get("To", ""))]

    def invite(self, username: str) -> str:
        """A two-step invitation link for ``username`` (``manage.py invite_two_factor``), as a
        path on the live site."""
        result = manage(self.env, "invite_two_factor", username, timeout=120)
        assert result.returncode == 0, result.stderr[-3000:]
        url = re.search(r"https?://\S+", result.stdout).group(0)
        return "/" + url.split("/", 3)[3]

    def shell(self, code: str) -> str:
        """Run ``code`` in `manage.py shell` against the live site's database; its stdout."""
        result = manage(self.env, "shell", "--no-imports", "-c", code, timeout=120)
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout


def _site_environment(var_dir: Path, port: int) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "GUITU_VAR_DIR": str(var_dir),
        "GUITU_2FA_REQUIRED": "true",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "PYTHONDONTWRITEBYTECODE": "1",
        "LOG_LEVEL": "WARNING",
    }
    for name in ("DATABASE_URL", "REDIS_URL", "SEARCH_URL", "RECAPTCHA_PUBLIC_KEY"):
        env.pop(name, None)
    return env


@pytest.fixture(scope="session")
def live_site():
    """The demo site as `make run` serves it, for the whole session.

    GUITU_E2E_URL (with GUITU_E2E_VAR_DIR) points the tests at a site already running, e.g.
    while writing a test; the tests change its data, so use a throwaway one."""
    if os.environ.get("GUITU_E2E_URL"):
        url = os.environ["GUITU_E2E_URL"].rstrip("/")
        var_dir = Path(os.environ["GUITU_E2E_VAR_DIR"])
        yield LiveSite(
            url=url, var_dir=var_dir, env=_site_environment(var_dir, url.rsplit(":")[-1])
        )
        return
    var_dir = Path(tempfile.mkdtemp(prefix="guitu-e2e-"))
    port = int(os.environ.get("GUITU_E2E_PORT") or free_port())
    env = _site_environment(var_dir, port)
    for args in (
        ("migrate", "--noinput", "-v0"),
        ("seed_demo",),
        ("update_index", "-v0"),
        # Seeding queues about a thousand background tasks (renditions, reference index);
        # `make run` works them off in its first minute. Done here first, so that the emails
        # the journeys wait for are not queued behind them.
        ("db_worker", "--batch", "--no-startup-delay", "--no-reload"),
    ):
        result = manage(env, *args, timeout=600)
        assert result.returncode == 0, f"{args}: {result.stderr[-3000:]}"
    log = var_dir / "serve.log"
    process = start_manage(
        env, log, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"
    )
    site = LiveSite(url=f"http://127.0.0.1:{port}", var_dir=var_dir, env=env)
    try:
        try:
            wait_for_http(site("/robots.txt"), timeout=90)
        except TimeoutError as error:
            raise TimeoutError(f"{error}\n{log.read_text()[-3000:]}") from error
        yield site
    finally:
        stop(process)
        if os.environ.get("GUITU_E2E_KEEP") != "1":
            shutil.rmtree(var_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk")
    with sync_playwright() as playwright:
        # The container runs as root, where Chromium's sandbox cannot start.
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        yield launched
        launched.close()


def _context(browser, live_site, **options):
    context = browser.new_context(
        base_url=live_site.url, locale="zh-CN", timezone_id="Asia/Shanghai", **options
    )
    context.set_default_timeout(15_000)
    return context


@pytest.fixture
def phone(browser, live_site):
    """A page in a fresh phone-sized context (360×740, touch), Chinese."""
    context = _context(browser, live_site, **PHONE)
    yield context.new_page()
    context.close()


@pytest.fixture
def desktop(browser, live_site):
    """A page in a fresh desktop context (1280×900), Chinese; for the admin."""
    context = _context(browser, live_site, **DESKTOP)
    yield context.new_page()
    context.close()


@pytest.fixture
def new_context(browser, live_site):
    """Make more contexts (another user's session, the axe checks' CSP bypass); all closed
    at the end of the test."""
    made = []

    def make(**options):
        context = _context(browser, live_site, **options)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


@pytest.fixture(scope="session")
def _fresh_screenshots():
    """Each run's screenshots only: the folder is emptied once per session."""
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir()


@pytest.fixture
def shot(request, _fresh_screenshots):
    """``shot(page, "name")`` saves a full-page screenshot under tests/e2e/screenshots/."""
    prefix = re.sub(r"[^\w]+", "-", request.node.name.lower()).strip("-")

    def take(page, name: str, show=None) -> Path:
        """``show``: a locator to scroll to first (the admin scrolls inside its own panel, so a
        full-page screenshot shows only its top)."""
        path = SCREENSHOTS / f"{prefix}--{name}.png"
        if show is not None:
            show.scroll_into_view_if_needed()
            page.screenshot(path=str(path))
        else:
            page.screenshot(path=str(path), full_page=True)
        return path

    return take


__all__ = ["DEMO_PASSWORD", "ROOT", "LiveSite"]
