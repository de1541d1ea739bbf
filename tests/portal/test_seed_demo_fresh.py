"""seed_demo on an empty database (kept apart from the modules that share seeded content)."""

import io

from django.core.management import CommandError, call_command

from wagtail.models import Site

import pytest

from home.models import HomePage

pytestmark = pytest.mark.django_db


def test_first_run_prints_the_demo_passwords(db):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "coordinator" in out.getvalue() and "guitu-demo-2026" in out.getvalue()


def test_seed_demo_refuses_where_not_allowed(db, settings):
    settings.DEMO_SEED_ALLOWED = False
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=io.StringIO())
    assert not Site.objects.filter(root_page__in=HomePage.objects.all()).exists()
