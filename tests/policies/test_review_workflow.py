"""The demo's explainers go through their own moderation workflow: editors submit, a member
of the Moderators group approves."""

from wagtail.models import GroupApprovalTask, WorkflowPage

import pytest

from policies.models import PolicyExplainerPage, PolicyIndexPage
from policies.review import TASK_NAME, WORKFLOW_NAME, ensure_review_workflow
from portal.roles import MODERATORS

pytestmark = pytest.mark.django_db


def test_every_demo_explainer_in_both_languages_uses_the_review_workflow(demo_site):
    indexes = PolicyIndexPage.objects.all()
    assert indexes.count() == 2
    for index in indexes:
        assert WorkflowPage.objects.get(page=index).workflow.name == WORKFLOW_NAME
    explainers = PolicyExplainerPage.objects.all()
    assert explainers.count() >= 2
    for page in explainers:
        workflow = page.get_workflow()
        assert workflow.name == WORKFLOW_NAME
        (task,) = workflow.tasks.all()
        assert task.name == TASK_NAME
        assert isinstance(task.specific, GroupApprovalTask)
        assert [group.name for group in task.specific.groups.all()] == [MODERATORS]


def test_ensuring_the_workflow_again_changes_nothing(demo_site):
    before = WorkflowPage.objects.count()
    workflow = ensure_review_workflow(*PolicyIndexPage.objects.all())
    assert workflow.name == WORKFLOW_NAME
    assert WorkflowPage.objects.count() == before
