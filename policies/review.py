"""The "explainer review" moderation workflow (政策解读审核): an editor changes or drafts an
explainer and submits it; a member of Wagtail's "Moderators" group approves and publishes it.

Explainers get their own workflow, like the notices (notices/review.py). ``seed_demo``
attaches it to the explainer index in each language; on a production site an administrator
assigns it under Settings → Workflows.
"""

from wagtail.models import Workflow

from portal.workflows import ensure_moderation_workflow

# Stored names (not translated at run time).
WORKFLOW_NAME = "政策解读审核"
TASK_NAME = "审核政策解读"


def ensure_review_workflow(*index_pages) -> Workflow:
    """The review workflow (created if missing), attached to each of ``index_pages`` that has
    no workflow of its own yet."""
    return ensure_moderation_workflow(WORKFLOW_NAME, TASK_NAME, *index_pages)
