"""Shared fixtures.

``demo_site`` builds the whole demo tree through ``seed_demo`` (the same code `make run` uses),
so tests read the portal as a newcomer sees it; it is seeded once per test process for all the
tests that use it, which run first (``_SharedDemo``). When GUITU_REQUIRE_DATABASE names a vendor
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
    if nextitem is None or not _uses_demo(nextitem):
        _SharedDemo.close(item.config.stash[blocking_manager_key])
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


class _SharedDemo:
    """The demo content, seeded once inside a transaction that stays open while the tests that
    use it run one after another (they are put first, see ``pytest_collection_modifyitems``);
    each test runs in its own savepoint on top of it. The transaction is rolled back before the
    first test that does not use the demo, so no other test ever sees it."""

    atomic = None

    @classmethod
    def open(cls, blocker):
        if cls.atomic is not None:
            return
        with blocker.unblock():
            if connection.in_atomic_block:
                raise RuntimeError("the demo must be seeded outside a test's transaction")
            cls.atomic = transaction.atomic()
            cls.atomic.__enter__()
            try:
                call_command("seed_demo", stdout=io.StringIO())
            except BaseException:
                cls.close(blocker)
                raise

    @classmethod
    def close(cls, blocker):
        if cls.atomic is None:
            return
        atomic, cls.atomic = cls.atomic, None
        with blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _uses_demo(item) -> bool:
    return "_demo_content" in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(config, items):
    """Demo tests first (seeded once per process), then the rest, transactional tests last as
    pytest-django orders them; the sort is stable, so files stay together."""
    items.sort(key=lambda item: (_is_transactional(item), not _uses_demo(item)))


@pytest.fixture(scope="module")
def _demo_content(django_db_setup, django_db_blocker):
    """Module scope so that it is set up before any test's own transaction (a ``django_db``
    mark's fixture is function-scoped); opening is a no-op while the demo is open."""
    _SharedDemo.open(django_db_blocker)


@pytest.fixture
def demo_site(_demo_content, db):
    """The demo content of `make run`: home page in Chinese and English, section pages,
    15 stations and the demo accounts. Returns the default Site."""
    from wagtail.models import Site

    return Site.objects.get(is_default_site=True)
