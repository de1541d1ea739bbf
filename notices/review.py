"""The "notice review" moderation workflow (寻亲公告审核): station editors draft a notice and
submit it; a member of Wagtail's "Moderators" group approves and publishes it.

Migration 0003 creates the workflow and attaches it to every notice index that exists then;
``ensure_review_workflow`` does the same for index pages created later (seed_demo, tests).
"""

from django.contrib.auth.models import Group

from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage, WorkflowTask

from portal.roles import MODERATORS

# Stored names (not translated at run time): the migration writes the same strings.
WORKFLOW_NAME = "寻亲公告审核"
TASK_NAME = "审核寻亲公告"


def ensure_review_workflow(*index_pages) -> Workflow:
    """The review workflow (created if missing), attached to each of ``index_pages`` that has
    no workflow of its own yet."""
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
        task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
        if task is None:
            task = GroupApprovalTask.objects.create(name=TASK_NAME, active=True)
            task.groups.add(Group.objects.get_or_create(name=MODERATORS)[0])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    for page in index_pages:
        WorkflowPage.objects.get_or_create(page=page, defaults={"workflow": workflow})
    return workflow
