"""The notice review workflow and the admin warnings about late and stale notices."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wagtail.models import GroupApprovalTask, Workflow

import pytest

from notices.models import FamilySearchNoticePage, NoticeIndexPage
from notices.review import TASK_NAME, WORKFLOW_NAME, ensure_review_workflow
from notices.wagtail_hooks import NoticeWarningsPanel
from portal.demo import ensure_child_page
from portal.roles import EDITORS, MODERATORS
from stations.demo import seed_stations
from stations.models import Area, Station

pytestmark = pytest.mark.django_db


@pytest.fixture
def index(home_page):
    seed_stations()
    page = ensure_child_page(home_page, NoticeIndexPage, "notices", title="寻亲公告")
    ensure_review_workflow(page)
    return page


def make_user(username, group, superuser=False):
    user = get_user_model().objects.create_user(username, password="x", is_superuser=superuser)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def make_notice(index, title, *, intake_days_ago=0, publish=True, published_days_ago=None):
    today = timezone.localdate()
    station = Station.objects.get(code="450100")
    page = FamilySearchNoticePage(
        title=title,
        slug=f"notice-{FamilySearchNoticePage.objects.count() + 1}",
        station=station,
        found_date=today - timedelta(days=intake_days_ago),
        intake_date=today - timedelta(days=intake_days_ago),
        found_area=Area.objects.filter(parent__code="450100").first(),
        live=publish,
    )
    index.add_child(instance=page)
    if publish:
        page.save_revision().publish()
        if published_days_ago is not None:
            FamilySearchNoticePage.objects.filter(pk=page.pk).update(
                last_published_at=timezone.now() - timedelta(days=published_days_ago)
            )
    else:
        page.save_revision()
    return page


def test_migration_created_the_review_workflow_for_moderators(db):
    workflow = Workflow.objects.get(name=WORKFLOW_NAME)
    tasks = [task.specific for task in workflow.tasks]
    assert [task.name for task in tasks] == [TASK_NAME]
    assert isinstance(tasks[0], GroupApprovalTask)
    assert list(tasks[0].groups.values_list("name", flat=True)) == [MODERATORS]


def test_notices_under_the_index_use_the_review_workflow(index):
    assert ensure_review_workflow(index).pk == Workflow.objects.get(name=WORKFLOW_NAME).pk
    notice = make_notice(index, "测试公告", publish=False)
    assert notice.get_workflow().name == WORKFLOW_NAME


def test_an_editors_notice_goes_to_moderation(index):
    editor = make_user("station-editor", EDITORS)
    moderator = make_user("moderator", MODERATORS)
    notice = make_notice(index, "待审核公告", publish=False)
    assert not notice.permissions_for_user(editor).can_publish()
    assert notice.permissions_for_user(editor).can_submit_for_moderation()

    notice.save_revision(user=editor)
    notice.get_workflow().start(notice, editor)
    notice.refresh_from_db()
    state = notice.current_workflow_state
    assert state.workflow.name == WORKFLOW_NAME
    assert state.current_task_state.task.name == TASK_NAME
    assert not notice.live

    task = state.current_task_state.task.specific
    assert "approve" in {action for action, *_ in task.get_actions(notice, moderator)}
    assert not task.get_actions(notice, editor)
    task.on_action(state.current_task_state, moderator, "approve")
    notice.refresh_from_db()
    assert notice.live


def test_dashboard_lists_overdue_and_stale_notices_but_not_fresh_ones(index, client):
    make_notice(index, "逾期未发布公告", intake_days_ago=3, publish=False)
    make_notice(index, "长期未更新公告", intake_days_ago=60, published_days_ago=40)
    make_notice(index, "今天新发布公告", intake_days_ago=0)
    make_notice(index, "昨天收入未发布", intake_days_ago=1, publish=False)
    client.force_login(make_user("boss", None, superuser=True))
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "逾期未发布公告" in html and "长期未更新公告" in html
    assert "今天新发布公告" not in html
    # Taken in yesterday: its 24 hours may not be over (the intake date has no time).
    assert "昨天收入未发布" not in html


def test_dashboard_panel_only_for_users_who_edit_notices(index, rf):
    make_notice(index, "逾期未发布公告", intake_days_ago=3, publish=False)
    request = rf.get("/admin/")
    request.user = make_user("outsider", None)
    assert NoticeWarningsPanel().render_html({"request": request}) == ""
    request.user = make_user("editor", EDITORS)
    assert "逾期未发布公告" in NoticeWarningsPanel().render_html({"request": request})


def test_dashboard_panel_query_count_does_not_grow(index, rf):
    request = rf.get("/admin/")
    request.user = make_user("editor", EDITORS)

    def queries():
        request.user = get_user_model().objects.get(pk=request.user.pk)  # fresh permission cache
        with CaptureQueriesContext(connection) as ctx:
            NoticeWarningsPanel().render_html({"request": request})
        return len(ctx.captured_queries)

    for n in range(2):
        make_notice(index, f"逾期{n}", intake_days_ago=5, publish=False)
        make_notice(index, f"过期{n}", intake_days_ago=50, published_days_ago=35)
    few = queries()
    for n in range(2, 12):
        make_notice(index, f"逾期{n}", intake_days_ago=5, publish=False)
        make_notice(index, f"过期{n}", intake_days_ago=50, published_days_ago=35)
    assert queries() == few <= 6


def test_an_editor_submits_a_new_notice_through_the_admin(index, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from wagtail.images.models import Image
    from wagtail.test.utils.form_data import inline_formset, nested_form_data

    from tests.portal.test_image_privacy import jpeg_with_gps

    editor = make_user("station-editor", EDITORS)
    client.force_login(editor)
    image = Image(title="face", file=SimpleUploadedFile("f.jpg", jpeg_with_gps(), "image/jpeg"))
    image.save()
    today = timezone.localdate()
    data = nested_form_data(
        {
            "title": "管理后台提交的公告",
            "slug": "admin-submitted",
            "station": Station.objects.get(code="450100").pk,
            "status": "seeking",
            "found_date": today.isoformat(),
            "intake_date": today.isoformat(),
            "found_area": Area.objects.filter(parent__code="450100").first().pk,
            "sex": "male",
            "build": "unknown",
            "dialect": "unknown",
            "name_is_self_reported": "on",
            "photos": inline_formset([{"image": image.pk, "alt_text": "正面照", "is_face": "on"}]),
            "comments": inline_formset([]),
            "action-submit": "Submit",
        }
    )
    url = reverse("wagtailadmin_pages:add", args=["notices", "familysearchnoticepage", index.pk])
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    notice = FamilySearchNoticePage.objects.get(slug="admin-submitted")
    assert not notice.live
    state = notice.current_workflow_state
    assert state is not None and state.workflow.name == WORKFLOW_NAME
