"""StreamField blocks of the policy explainers. The generic ones (headings, FAQ, comparison
table, document link, described image, callout) come from portal.blocks; the steps block is
the explainers' own: what someone has to do, who does it, where, with what and by when."""

from django.utils.translation import gettext_lazy as _

from wagtail import blocks

from portal.blocks import (
    INLINE_RICH_TEXT_FEATURES,
    CalloutBlock,
    ComparisonTableBlock,
    DescribedImageBlock,
    DocumentLinkBlock,
    FAQBlock,
    HeadingBlock,
)


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("what to do"), max_length=120)
    description = blocks.RichTextBlock(
        label=_("details"), required=False, features=INLINE_RICH_TEXT_FEATURES
    )
    who = blocks.CharBlock(
        label=_("who does it"),
        required=False,
        max_length=200,
        help_text=_("e.g. “You or a family member”, “The station’s duty staff”."),
    )
    where = blocks.CharBlock(label=_("where"), required=False, max_length=200)
    documents = blocks.TextBlock(
        label=_("documents needed"),
        required=False,
        max_length=500,
        help_text=_("One per line. Leave blank when nothing is needed."),
    )
    time_limit = blocks.CharBlock(
        label=_("time limit"),
        required=False,
        max_length=120,
        help_text=_("e.g. “Within 24 hours”, “Any time, day or night”."),
    )

    class Meta:
        icon = "list-ol"
        template = "policies/blocks/step_block.html"
        label = _("Step")

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["document_lines"] = [
            line.strip() for line in (value.get("documents") or "").splitlines() if line.strip()
        ]
        return context


class StepsBlock(blocks.StructBlock):
    """Numbered steps. Each step says what to do and, where it matters, who does it, where,
    which documents to bring and the time limit."""

    steps = blocks.ListBlock(StepBlock(), label=_("steps"), min_num=1)

    class Meta:
        icon = "list-ol"
        template = "policies/blocks/steps_block.html"
        label = _("Steps")


class ExplainerStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"), icon="pilcrow", features=INLINE_RICH_TEXT_FEATURES
    )
    steps = StepsBlock()
    faq = FAQBlock()
    comparison = ComparisonTableBlock()
    callout = CalloutBlock()
    image = DescribedImageBlock()
    document = DocumentLinkBlock()
