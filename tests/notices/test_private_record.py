"""A notice's private details (health notes, escorting unit) by station (issue 16): only the
holding station's members and the coordinators open them; editors see the public fields only,
in the editor, the revisions, the compare view and the preview alike."""

import importlib

from django.apps import apps
from django.contrib.auth.models import Group
from django.urls import reverse

from wagtail.models import ModelLogEntry, PageLogEntry, Revision

import pytest

from notices.models import PRIVATE_FIELDS, FamilySearchNoticePage, NoticePrivateRecord
from notices.private import CHANGED_LOG_ACTION, VIEWED_LOG_ACTION
from portal.roles import COORDINATORS, EDITORS, STATION_STAFF, ensure_groups
from stations.models import Station, StationMembership
from tests.notices.factories import PRIVATE_VALUES, make_notice
from tests.stations.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(notice_index):
    return make_notice(notice_index)


@pytest.fixture
def people(notice):
    ensure_groups()

    def user(username, group, station_code=None):
        account = UserFactory(username=username)
        account.groups.add(Group.objects.get(name=group))
        if station_code:
            StationMembership.objects.create(
                user=account, station=Station.objects.get(code=station_code)
            )
        return account

    return {
        "editor": user("pr-editor", EDITORS),
        "holding": user("pr-nanning", STATION_STAFF, "450100"),
        "other": user("pr-liuzhou", STATION_STAFF, "450200"),
        "coordinator": user("pr-coordinator", COORDINATORS),
    }


def private_url(notice):
    return reverse("notices_private_record", args=[notice.pk])


def shows_private(html: str) -> bool:
    return any(value in html for value in PRIVATE_VALUES.values())


def test_the_page_has_no_private_field_at_all():
    names = {field.name for field in FamilySearchNoticePage._meta.get_fields()}
    assert not names & set(PRIVATE_FIELDS)


def test_an_editor_sees_no_private_value_in_editor_revisions_compare_or_preview(
    client, notice, people
):
    client.force_login(people["editor"])
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[notice.pk]))
    assert edit.status_code == 200
    html = edit.content.decode()
    assert not shows_private(html)
    assert private_url(notice) not in html

    notice.features = "左手有疤，右耳缺损"
    notice.save_revision(user=people["editor"])
    first, second = Revision.page_revisions.filter(object_id=str(notice.pk)).order_by("pk")[:2]
    for content in Revision.page_revisions.filter(object_id=str(notice.pk)).values_list(
        "content", flat=True
    ):
        assert not set(content) & set(PRIVATE_FIELDS)
    for url in (
        reverse("wagtailadmin_pages:history", args=[notice.pk]),
        reverse("wagtailadmin_pages:revisions_view", args=[notice.pk, first.pk]),
        reverse("wagtailadmin_pages:revisions_compare", args=[notice.pk, first.pk, second.pk]),
        reverse("wagtailadmin_pages:view_draft", args=[notice.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert not shows_private(response.content.decode()), url


@pytest.mark.parametrize("who", ["editor", "other"])
def test_others_get_a_404_and_change_nothing(client, notice, people, who):
    client.force_login(people[who])
    assert client.get(private_url(notice)).status_code == 404
    response = client.post(private_url(notice), {"escorting_unit": "X", "health_notes": "Y"})
    assert response.status_code == 404
    record = NoticePrivateRecord.objects.get(page=notice)
    assert (record.escorting_unit, record.health_notes) == (
        PRIVATE_VALUES["escorting_unit"],
        PRIVATE_VALUES["health_notes"],
    )
    assert not PageLogEntry.objects.filter(action=VIEWED_LOG_ACTION).exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, notice):
    response = client.get(private_url(notice))
    assert response.status_code == 302
    assert reverse("wagtailadmin_login") in response.url


@pytest.mark.parametrize("who", ["holding", "coordinator"])
def test_the_holding_station_and_coordinators_open_and_change_it(client, notice, people, who):
    client.force_login(people[who])
    response = client.get(private_url(notice))
    assert response.status_code == 200
    assert shows_private(response.content.decode())
    assert PageLogEntry.objects.filter(
        action=VIEWED_LOG_ACTION, page=notice, user=people[who]
    ).exists()

    response = client.post(
        private_url(notice), {"escorting_unit": "青秀区派出所", "health_notes": "需按时服药"}
    )
    assert response.status_code == 302
    record = NoticePrivateRecord.objects.get(page=notice)
    assert (record.escorting_unit, record.health_notes) == ("青秀区派出所", "需按时服药")
    assert record.updated_by == people[who]
    entry = PageLogEntry.objects.get(action=CHANGED_LOG_ACTION, page=notice)
    assert entry.data["fields"] == ["escorting_unit", "health_notes"]
    assert "需按时服药" not in str(entry.data)
    assert not ModelLogEntry.objects.filter(data__icontains="需按时服药").exists()


def test_the_holding_station_finds_the_link_in_the_page_editor(client, notice, people):
    """Station staff hold no page permissions; a coordinator who also edits pages does."""
    editor_and_coordinator = people["coordinator"]
    editor_and_coordinator.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(editor_and_coordinator)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[notice.pk])).content.decode()
    assert private_url(notice) in html
    assert not shows_private(html)


def test_an_over_long_health_note_is_a_form_error(client, notice, people):
    client.force_login(people["holding"])
    response = client.post(private_url(notice), {"escorting_unit": "", "health_notes": "长" * 2001})
    assert response.status_code == 400
    assert (
        NoticePrivateRecord.objects.get(page=notice).health_notes == PRIVATE_VALUES["health_notes"]
    )


def test_the_migration_scrubs_private_values_from_stored_revisions(notice):
    migration = importlib.import_module("notices.migrations.0004_notice_private_record")
    revision = notice.latest_revision
    revision.content = {**revision.content, **PRIVATE_VALUES}
    revision.save(update_fields=["content"])

    migration.scrub_revisions(apps, None)

    revision.refresh_from_db()
    assert not set(revision.content) & set(PRIVATE_FIELDS)
    assert revision.content["title"] == notice.title
