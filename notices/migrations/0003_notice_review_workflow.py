"""The "notice review" workflow (寻亲公告审核): one group approval task for Wagtail's
Moderators group, attached to every existing notice index page (see notices/review.py)."""

from django.db import migrations

WORKFLOW_NAME = "寻亲公告审核"
TASK_NAME = "审核寻亲公告"
MODERATORS = "Moderators"


def create_review_workflow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    NoticeIndexPage = apps.get_model("notices", "NoticeIndexPage")

    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
        # Task is polymorphic: the historical model does not fill in its content type.
        task_type, _ = ContentType.objects.get_or_create(
            app_label="wagtailcore", model="groupapprovaltask"
        )
        task = GroupApprovalTask.objects.create(name=TASK_NAME, content_type=task_type, active=True)
        moderators, _ = Group.objects.get_or_create(name=MODERATORS)
        task.groups.add(moderators)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    for page_id in NoticeIndexPage.objects.values_list("page_ptr_id", flat=True):
        WorkflowPage.objects.get_or_create(page_id=page_id, defaults={"workflow": workflow})


def remove_review_workflow(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    for workflow in Workflow.objects.filter(name=WORKFLOW_NAME):
        workflow.workflow_pages.all().delete()
        task_ids = list(workflow.workflow_tasks.values_list("task_id", flat=True))
        workflow.workflow_tasks.all().delete()
        workflow.delete()
        Task.objects.filter(pk__in=task_ids, name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0002_notices"),
        # Workflow models (0047), the Moderators group (0002) and the last schema change.
        ("wagtailcore", "0098_apitoken"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_review_workflow, remove_review_workflow)]
