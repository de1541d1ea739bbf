"""Shared fixtures.

``demo_site`` builds the whole demo tree through ``seed_demo`` (the same code `make run` uses),
so tests read the portal as a newcomer sees it. When GUITU_REQUIRE_DATABASE names a vendor
(``.ci/run`` sets it to ``postgresql``), the run fails at once if the tests would use another
database, so a PostgreSQL run can never silently fall back to SQLite.
"""

import io
import os

from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction

import pytest
from hypothesis import settings as hypothesis_settings
from pytest_django.fixtures import validate_django_db
from pytest_django.plugin import blocking_manager_key

# In CI the fuzz tests draw the same examples every run (a failure is reproducible from the
# log); on a laptop they explore new ones each time and remember failures in .hypothesis/.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI") == "true":
    hypothesis_settings.load_profile("ci")


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and validate_django_db(marker)[0]:
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends by flushing the test database, migration data included (the
    division codes, Wagtail's root page). Run serially, pytest-django puts such tests last; with
    ``-n`` (pytest-xdist, whole files per worker) ordinary tests can follow them on the same
    worker, so the database is put back as it was created before the next ordinary test."""
    yield
    if nextitem is None or not _is_transactional(item) or _is_transactional(nextitem):
        return
    from django.db import connections

    with item.config.stash[blocking_manager_key].unblock():
        for conn in connections.all(initialized_only=True):
            contents = getattr(conn, "_test_serialized_contents", None)
            if contents:
                conn.creation.deserialize_db_from_string(contents)


def pytest_sessionstart(session):
    required = os.environ.get("GUITU_REQUIRE_DATABASE")
    if required and connection.vendor != required:
        pytest.exit(
            f"GUITU_REQUIRE_DATABASE={required} but the tests would run on {connection.vendor}",
            returncode=3,
        )


@pytest.fixture
def site(db):
    from wagtail.models import Site

    return Site.objects.get(is_default_site=True)


@pytest.fixture
def home_page(site):
    """The default site's root as a live HomePage, built by the same code as seed_demo
    (Wagtail's welcome page is removed)."""
    from home.demo import ensure_home_page

    return ensure_home_page()


@pytest.fixture
def english_locale(db):
    from portal.demo import english_locale

    return english_locale()


@pytest.fixture
def english_home(home_page, english_locale):
    """The English home page at /en/."""
    from portal.demo import ensure_translation

    return ensure_translation(
        home_page,
        title="Guitu home",
        hero_title="Helping everyone get home safely",
        hero_intro="If you see someone who needs help, tell us.",
    )


@pytest.fixture(autouse=True)
def _clear_cache():
    """Wagtail caches site root paths and settings; a rolled-back test must not leak them."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module")
def _demo_content(django_db_setup, django_db_blocker):
    """Seed once per test module inside a transaction that is rolled back afterwards; each
    test then runs in its own savepoint on top of it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo_site(_demo_content, db):
    """The demo content of `make run`: home page in Chinese and English, section pages,
    15 stations and the demo accounts. Returns the default Site."""
    from wagtail.models import Site

    return Site.objects.get(is_default_site=True)
