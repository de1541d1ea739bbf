"""The "explainer review" moderation workflow (政策解读审核): an editor changes or drafts an
explainer and submits it; a member of Wagtail's "Moderators" group approves and publishes it.

Wagtail's own "Moderators approval" workflow on the root page would apply too, but under an
English name in a Chinese admin and shared with every other page; explainers get their own,
like the notices (notices/review.py). ``seed_demo`` attaches it to the explainer index in each
language; on a production site an administrator assigns it under Settings → Workflows.
"""

from django.contrib.auth.models import Group

from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage, WorkflowTask

from portal.roles import MODERATORS

# Stored names (not translated at run time), as the notices' workflow.
WORKFLOW_NAME = "政策解读审核"
TASK_NAME = "审核政策解读"


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
