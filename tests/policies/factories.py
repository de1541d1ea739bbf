"""Builders for explainers: a live PolicyExplainerPage with a realistic body, documents and
images made in memory.

    page = make_explainer(policy_index, title="如何求助", topic="getting-help",
                          audiences=["public", "police"], source_status="amended")
"""

from __future__ import annotations

import io
import itertools
from datetime import date

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile

from wagtail.documents.models import Document
from wagtail.images.models import Image

from PIL import Image as PILImage

from policies.models import Audience, PolicyAttachment, PolicyExplainerPage, PolicyTopic
from tests.factories import publish_child

_counter = itertools.count(1)


def make_document(
    title="办事指南", name="guide.pdf", content=b"%PDF-1.4\n" + b"x" * 2000
) -> Document:
    document = Document(title=title)
    document.file.save(name, ContentFile(content), save=False)
    document.save()
    return document


def make_image(title="流程图") -> Image:
    buffer = io.BytesIO()
    PILImage.new("RGB", (120, 60), (200, 220, 230)).save(buffer, format="PNG")
    return Image.objects.create(
        title=title,
        file=ImageFile(io.BytesIO(buffer.getvalue()), name=f"diagram-{next(_counter)}.png"),
    )


def simple_body():
    return [
        ("heading", {"text": "谁可以求助", "level": "h2"}),
        ("paragraph", "<p>离家在外、无力解决吃住的人。</p>"),
        (
            "steps",
            {
                "steps": [
                    {
                        "title": "联系救助站",
                        "description": "<p>拨打热线。</p>",
                        "who": "本人",
                        "where": "救助站",
                        "documents": "身份证",
                        "time_limit": "全天24小时",
                    }
                ]
            },
        ),
        ("heading", {"text": "常见问题", "level": "h2"}),
        ("faq", {"questions": [{"question": "要花钱吗？", "answer": "<p>不要，救助免费。</p>"}]}),
    ]


def make_explainer(index, *, publish=True, topic="getting-help", audiences=("public",), **fields):
    """A live explainer under ``index``; ``fields`` override the defaults."""
    number = next(_counter)
    values = {
        "title": f"政策解读 {number}",
        "slug": f"explainer-{number}",
        "summary": "离家在外、无力解决吃住的人，可以向救助站求助。",
        "body": simple_body(),
        "source_title": "城市生活无着的流浪乞讨人员救助管理办法",
        "source_issuer": "国务院",
        "source_number": "国务院令第381号",
        "source_issued": date(2003, 6, 20),
        "source_effective": date(2003, 8, 1),
        "source_status": PolicyExplainerPage.SourceStatus.IN_FORCE,
        **fields,
    }
    attachments = values.pop("attachments", ())
    related = values.pop("related", ())
    page = PolicyExplainerPage(topic=PolicyTopic.objects.get(slug=topic), **values)
    page.audiences = list(Audience.objects.filter(slug__in=audiences))
    for position, document in enumerate(attachments):
        page.attachments.add(PolicyAttachment(document=document, sort_order=position))
    for position, other in enumerate(related):
        page.related_links.add(related_link(other, position))
    if publish:
        return publish_child(index, page)
    page.live = False
    index.add_child(instance=page)
    page.save_revision()
    return page


def related_link(other, position=0):
    from policies.models import RelatedExplainer

    return RelatedExplainer(related=other, sort_order=position)


def republish(page, **fields) -> PolicyExplainerPage:
    """Change ``fields`` on the latest revision and publish, as an editor would."""
    page = PolicyExplainerPage.objects.get(pk=page.pk)
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()
    page.refresh_from_db()
    return page
