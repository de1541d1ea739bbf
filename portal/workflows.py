"""Moderation workflows of the content apps: one named workflow per kind of page, with one
approval task for Wagtail's "Moderators" group, attached to that kind's index pages.

Wagtail's own "Moderators approval" workflow on the root page would apply too, but under an
English name in a Chinese admin and shared with every other page. The names are stored, not
translated at run time, so a migration can write the same strings.
"""

from django.contrib.auth.models import Group

from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage, WorkflowTask

from portal.roles import MODERATORS


def ensure_moderation_workflow(workflow_name: str, task_name: str, *index_pages) -> Workflow:
    """The workflow ``workflow_name`` (created if missing, with one Moderators approval task
    ``task_name``), attached to each of ``index_pages`` that has no workflow of its own yet."""
    workflow = Workflow.objects.filter(name=workflow_name).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=workflow_name, active=True)
        task = GroupApprovalTask.objects.filter(name=task_name).first()
        if task is None:
            task = GroupApprovalTask.objects.create(name=task_name, active=True)
            task.groups.add(Group.objects.get_or_create(name=MODERATORS)[0])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    for page in index_pages:
        WorkflowPage.objects.get_or_create(page=page, defaults={"workflow": workflow})
    return workflow
