"""The explainer in the admin: the edit form's rules (summary limit with a clear message,
dates that go together) and the report of explainers past their review date."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from wagtail.test.utils.form_data import (
    nested_form_data,
    querydict_from_html,
    rich_text,
    streamfield,
)

import pytest

from policies.models import PolicyExplainerPage
from portal.roles import EDITORS, MODERATORS

from .factories import make_explainer, republish

pytestmark = pytest.mark.django_db
REPORT_URL = "/admin/reports/explainers-due-for-review/"


def make_user(username, *groups, superuser=False):
    user = get_user_model().objects.create_user(
        username=username, password="pw-for-tests-only", is_superuser=superuser
    )
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    if not superuser and not groups:
        # May enter the admin, but has no page permission at all (like station duty staff).
        user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


@pytest.fixture
def editor(db):
    return make_user("editor-test", EDITORS)


@pytest.fixture
def moderator(db):
    return make_user("moderator-test", MODERATORS)


@pytest.fixture
def outsider(db):
    return make_user("staff-test")


def add_url(index) -> str:
    return reverse("wagtailadmin_pages:add", args=("policies", "policyexplainerpage", index.pk))


def form_data(client, index, taxonomy, **overrides):
    """The add form as the admin renders it, filled in as an editor would."""
    response = client.get(add_url(index))
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    values = {
        "title": "如何求助",
        "slug": "how-to-ask",
        "summary": "救助免费、自愿。",
        "topic": str(taxonomy["topics"]["getting-help"].pk),
        "next_review": (timezone.localdate() + timedelta(days=365)).isoformat(),
        "source_status": "in_force",
        **overrides,
    }
    for name, value in values.items():
        data[name] = value
    data.setlist("audiences", [str(taxonomy["audiences"]["public"].pk)])
    data.update(
        nested_form_data({"body": streamfield([("paragraph", rich_text("<p>救助免费。</p>"))])})
    )
    return data


def test_an_editor_creates_an_explainer_with_a_120_character_summary(
    client, editor, policy_index, taxonomy
):
    client.force_login(editor)
    summary = "字" * 120
    response = client.post(
        add_url(policy_index), form_data(client, policy_index, taxonomy, summary=summary)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = PolicyExplainerPage.objects.get(slug="how-to-ask")
    assert page.summary == summary
    assert list(page.audiences.values_list("slug", flat=True)) == ["public"]
    assert not page.live  # editors submit; publishing is for moderators


def test_a_121_character_summary_is_refused_with_a_clear_message(
    client, editor, policy_index, taxonomy
):
    client.force_login(editor)
    data = form_data(client, policy_index, taxonomy, summary="字" * 121)
    response = client.post(add_url(policy_index), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "摘要请控制在120个字以内（现在是121个字）" in html
    assert not PolicyExplainerPage.objects.filter(slug="how-to-ask").exists()


def test_the_summary_limit_message_in_english(client, editor, policy_index, taxonomy):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(editor)
    data = form_data(client, policy_index, taxonomy, summary="x" * 121)
    html = client.post(add_url(policy_index), data).content.decode()
    assert "Keep the summary to 120 characters or fewer (it has 121)" in html


@pytest.mark.parametrize(
    "overrides, field_message",
    [
        ({"updated_on": "2026-01-02", "change_note": ""}, "请同时填写更新日期和修改说明。"),
        ({"updated_on": "", "change_note": "改了"}, "请同时填写更新日期和修改说明。"),
        (
            {
                "source_title": "办法",
                "source_issued": "2003-08-01",
                "source_effective": "2003-06-20",
            },
            "文件的施行日期不能早于发布日期。",
        ),
        ({"source_title": "", "source_number": "国务院令第381号"}, "请填写所解读文件的名称。"),
        ({"source_title": "办法", "source_status": ""}, "请说明文件是否现行有效。"),
        (
            {"last_reviewed": "2026-05-01", "next_review": "2026-04-01"},
            "下次审核日期不能早于最近审核日期。",
        ),
    ],
)
def test_dates_and_source_fields_that_go_together(
    client, editor, policy_index, taxonomy, overrides, field_message
):
    client.force_login(editor)
    response = client.post(
        add_url(policy_index), form_data(client, policy_index, taxonomy, **overrides)
    )
    assert response.status_code == 200
    assert field_message in response.content.decode()
    assert not PolicyExplainerPage.objects.filter(slug="how-to-ask").exists()


# --- The review report ------------------------------------------------------------------------


@pytest.fixture
def reviews(policy_index):
    today = timezone.localdate()
    overdue = make_explainer(policy_index, title="超期很久", next_review=today - timedelta(days=40))
    recent = make_explainer(policy_index, title="刚刚超期", next_review=today - timedelta(days=1))
    due_today = make_explainer(policy_index, title="今天到期", next_review=today)
    future = make_explainer(policy_index, title="还没到期", next_review=today + timedelta(days=30))
    draft = make_explainer(
        policy_index, title="超期草稿", next_review=today - timedelta(days=10), publish=False
    )
    return {
        "overdue": overdue,
        "recent": recent,
        "today": due_today,
        "future": future,
        "draft": draft,
    }


@pytest.mark.parametrize("who", ["editor", "moderator"])
def test_report_lists_only_overdue_live_explainers(client, request, reviews, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(REPORT_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("超期很久") < html.index("刚刚超期")  # longest overdue first
    for key in ("today", "future", "draft"):
        assert reviews[key].title not in html
    assert reverse("wagtailadmin_pages:edit", args=[reviews["overdue"].pk]) in html
    assert ">40<" in html.replace(" ", "")


def test_report_is_refused_to_users_without_page_permissions(client, outsider, reviews):
    client.force_login(outsider)
    assert client.get(REPORT_URL).status_code in (302, 403)
    assert client.get(REPORT_URL + "?export=csv").status_code in (302, 403)
    assert client.get(REPORT_URL + "results/").status_code in (302, 403)
    response = client.get("/admin/")
    assert REPORT_URL not in response.content.decode()


def test_report_is_in_the_reports_menu_for_editors(client, editor):
    client.force_login(editor)
    assert REPORT_URL in client.get("/admin/").content.decode()


def test_report_leaves_the_list_once_reviewed(client, editor, reviews):
    client.force_login(editor)
    republish(
        reviews["overdue"],
        last_reviewed=timezone.localdate(),
        next_review=timezone.localdate() + timedelta(days=365),
    )
    html = client.get(REPORT_URL).content.decode()
    assert "超期很久" not in html and "刚刚超期" in html


def test_report_filters_by_topic(client, editor, policy_index, taxonomy, reviews):
    minors = make_explainer(
        policy_index,
        title="未成年人超期",
        topic="minors",
        next_review=timezone.localdate() - timedelta(days=3),
    )
    client.force_login(editor)
    html = client.get(REPORT_URL, {"topic": taxonomy["topics"]["minors"].pk}).content.decode()
    assert minors.title in html and "超期很久" not in html


def test_report_exports_csv_safely(client, editor, policy_index, reviews):
    make_explainer(
        policy_index, title="=HYPERLINK(1)", next_review=timezone.localdate() - timedelta(days=2)
    )
    client.force_login(editor)
    response = client.get(REPORT_URL, {"export": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    titles = [row[0] for row in rows[1:]]
    assert titles == ["超期很久", "'=HYPERLINK(1)", "刚刚超期"]
    assert rows[1][2] == "40"


def test_topic_and_audience_snippets_are_in_the_admin(client, db):
    admin = make_user("admin-test", superuser=True)
    client.force_login(admin)
    for model in ("policytopic", "audience"):
        response = client.get(f"/admin/snippets/policies/{model}/")
        assert response.status_code == 200
    assert "寻亲与落户" in client.get("/admin/snippets/policies/policytopic/").content.decode()


def test_editors_keep_the_lists_but_cannot_delete(client, editor, taxonomy):
    from portal.roles import ensure_groups

    ensure_groups()  # what every migrate does
    client.force_login(editor)
    assert client.get("/admin/snippets/policies/policytopic/").status_code == 200
    topic = taxonomy["topics"]["minors"]
    edit = client.get(f"/admin/snippets/policies/policytopic/edit/{topic.pk}/")
    assert edit.status_code == 200
    delete = client.get(f"/admin/snippets/policies/policytopic/delete/{topic.pk}/")
    assert delete.status_code in (302, 403)


def test_an_editor_can_preview_a_new_explainer(client, editor, policy_index, taxonomy):
    client.force_login(editor)
    data = form_data(client, policy_index, taxonomy)
    data.update(
        nested_form_data(
            {
                "body": streamfield(
                    [
                        ("heading", {"text": "预览标题", "level": "h2"}),
                        ("paragraph", rich_text("<p>预览正文。</p>")),
                    ]
                )
            }
        )
    )
    url = reverse(
        "wagtailadmin_pages:preview_on_add",
        args=("policies", "policyexplainerpage", policy_index.pk),
    )
    assert client.post(url, data).json()["is_valid"]
    html = client.get(url).content.decode()
    assert "预览标题" in html and "预览正文。" in html
    assert "data-help-block" in html
