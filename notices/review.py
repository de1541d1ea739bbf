"""The "notice review" moderation workflow (寻亲公告审核): station editors draft a notice and
submit it; a member of Wagtail's "Moderators" group approves and publishes it.

Migration 0003 creates the workflow and attaches it to every notice index that exists then;
``ensure_review_workflow`` does the same for index pages created later (seed_demo, tests).
"""

from wagtail.models import Workflow

from portal.workflows import ensure_moderation_workflow

# Stored names (not translated at run time).
WORKFLOW_NAME = "寻亲公告审核"
TASK_NAME = "审核寻亲公告"


def ensure_review_workflow(*index_pages) -> Workflow:
    """The review workflow (created if missing), attached to each of ``index_pages`` that has
    no workflow of its own yet."""
    return ensure_moderation_workflow(WORKFLOW_NAME, TASK_NAME, *index_pages)
