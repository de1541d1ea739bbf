"""Demo content: the section index page at /policies/ in Chinese and English."""

from policies.models import PolicyIndexPage
from portal.demo import SeedContext, default_site, ensure_child_page


def seed(ctx: SeedContext) -> None:
    ensure_child_page(
        default_site().root_page,
        PolicyIndexPage,
        "policies",
        title="政策解读",
        introduction="用通俗的语言解读救助管理政策：谁可以求助、如何求助、救助站提供哪些帮助。",
        en={
            "title": "Policy explainers",
            "introduction": "Plain-language explainers of rescue-management policy: who can get help, how to ask, and what the stations do.",
        },
    )
